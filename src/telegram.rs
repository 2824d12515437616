//! The Telegram side, a thin adapter: updates become messages for the same
//! `answer` pipeline the terminal uses, and replies become Telegram messages.
//! Only this module knows teloxide.
//!
//! - `format`: a `Reply` as Telegram HTML, split to the message limit (pure);
//! - `route`: which messages the bot answers (pure);
//! - `bot`: sending, splitting, retrying (a stop cuts retries short);
//! - `app`: what the handlers share (knowledge, store, question log);
//! - `handlers`: the update tree and its handlers;
//! - `server`: start-up, the listeners, stopping on one token;
//! - `briefings`: subscriptions, admin commands, channels, the scheduler;
//! - `flood`: a token bucket per chat (pure, time passed in).

mod app;
mod bot;
mod briefings;
pub mod flood;
pub mod format;
mod handlers;
pub mod route;
mod server;
mod subjects;

pub use app::App;
pub use bot::{TgBot, backoff, throttled_bot};
pub use briefings::send_now;
pub use handlers::schema;
pub use server::{Listen, Server, command_menu, run};
