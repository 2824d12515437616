//! The Telegram side. For now only its pure part: formatting a `Reply` as
//! Telegram HTML and splitting long messages. The teloxide adapter (updates
//! in, messages out) will live beside it and stay thin.

pub mod format;
