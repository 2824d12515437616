//! The Telegram side, a thin adapter: updates become messages for the same
//! `answer` pipeline the terminal uses, and replies become Telegram messages.
//! Only this module knows teloxide.
//!
//! - `format`: a `Reply` as Telegram HTML, split to the message limit (pure);
//! - `route`: which messages the bot answers (pure);
//! - `bot`: the dispatcher, handlers and sending;
//! - `briefings`: subscriptions, admin commands, channels, the scheduler;
//! - `flood`: a token bucket per chat (pure, time passed in).

mod bot;
mod briefings;
pub mod flood;
pub mod format;
pub mod route;

pub use bot::{App, Listen, Server, backoff, command_menu, run, schema, throttled_bot};
pub use briefings::send_now;
