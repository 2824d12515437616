//! briefbot: a curated question-answering bot for one news story — the 2022
//! cyberattacks on Albania attributed to Iran and the diplomatic break that
//! followed. It answers from knowledge files written by people, never from a
//! language model.
//!
//! # Layout
//! - `kb`: loads and validates `intents/` and `data/` into a `Kb`;
//! - `text`, `dates`: normalisation and date reading, shared by all;
//! - `matcher`: question → `Decision` (pure);
//! - `render`: target → `Reply` (pure);
//! - `command`, `answer`: the one entry point, message → `Outcome` (pure);
//! - `briefing`: a chat's digest of what is new (pure); `schedule`: when
//!   briefings go out (pure, time passed in);
//! - `unanswered`: declined questions grouped by similarity (pure);
//! - `eval`: scores question sets;
//! - `telegram::format`: a `Reply` as Telegram HTML, split to 4,096 characters;
//! - `deliver`: fan-outs of briefings, claimed delivery by delivery;
//! - `shutdown`: the one stop signal every loop selects on;
//! - `metrics`: Prometheus metrics and `/healthz` for the operator;
//! - `config`, `cli`: the edges (environment, terminal).

pub mod answer;
pub mod briefing;
pub mod cli;
pub mod command;
pub mod config;
pub mod dates;
pub mod deliver;
pub mod eval;
pub mod i18n;
pub mod kb;
pub mod matcher;
pub mod metrics;
mod par;
pub mod render;
pub mod schedule;
pub mod shutdown;
pub mod store;
pub mod telegram;
pub mod text;
pub mod unanswered;
