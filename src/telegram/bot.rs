//! The bot that talks to chats: sending through teloxide's `Throttle`
//! (Telegram's rate limits hold under load), splitting, the plain-text
//! fallback, and retrying network failures with a backoff that a stop cuts
//! short.

use std::time::Duration;

use anyhow::{Context, Result};
use teloxide::RequestError;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQueryId, ChatFullInfo, ChatMember, InlineKeyboardButton, InlineKeyboardMarkup,
    InlineQueryId, InlineQueryResult, MessageId, ParseMode, Recipient, ReplyParameters,
};

use super::briefings;
use super::format::{self, MAX_MESSAGE_CHARS};
use crate::config::Config;
use crate::render::Reply;
use crate::shutdown::{self, CancellationToken};

/// Telegram's limit on callback data, in bytes.
const MAX_CALLBACK_BYTES: usize = 64;

/// The first wait before retrying a call that failed on the network.
const RETRY_FIRST: Duration = Duration::from_millis(500);
/// The longest wait between retries.
const RETRY_MAX: Duration = Duration::from_secs(60);
/// How often a call that failed on the network is retried (about two
/// minutes of waiting in all).
const MAX_RETRIES: u32 = 6;

/// The bot that talks to chats: through teloxide's `Throttle` (Telegram's
/// rate limits) or, with `BRIEFBOT_THROTTLE=off`, directly — `Throttle`'s
/// worker releases messages on a 250 ms tick, which would cap a test
/// server's throughput at a few hundred replies a second. Receiving
/// updates never goes through it. Its retries end when `stop` is cancelled.
#[derive(Clone)]
pub struct TgBot {
    inner: Inner,
    stop: CancellationToken,
}

#[derive(Clone)]
enum Inner {
    Throttled(Throttle<Bot>),
    Direct(Bot),
}

/// Runs `$body` with `$b` bound to whichever bot `$bot` holds.
macro_rules! with_bot {
    ($bot:expr, $b:ident => $body:expr) => {
        match &$bot.inner {
            Inner::Throttled($b) => $body,
            Inner::Direct($b) => $body,
        }
    };
}

impl TgBot {
    /// Whether sends go through Telegram's rate limits (`BRIEFBOT_THROTTLE`).
    pub fn is_throttled(&self) -> bool {
        matches!(self.inner, Inner::Throttled(_))
    }

    /// The stop signal this bot's retries select on.
    pub fn stop(&self) -> &CancellationToken {
        &self.stop
    }

    /// Sends one message, retrying network failures.
    pub async fn send_message(
        &self,
        chat: ChatId,
        text: String,
        html: bool,
        reply_to: Option<MessageId>,
        markup: Option<InlineKeyboardMarkup>,
    ) -> Result<(), RequestError> {
        with_bot!(self, b => {
            let mut request = b.send_message(chat, text);
            if html {
                request = request.parse_mode(ParseMode::Html);
            }
            if let Some(id) = reply_to {
                request = request.reply_parameters(ReplyParameters::new(id));
            }
            if let Some(markup) = markup {
                request = request.reply_markup(markup);
            }
            retrying("sendMessage", &self.stop, || request.send_ref()).await.map(drop)
        })
    }

    pub async fn answer_callback_query(&self, id: CallbackQueryId) -> Result<(), RequestError> {
        with_bot!(self, b => {
            let request = b.answer_callback_query(id);
            retrying("answerCallbackQuery", &self.stop, || request.send_ref()).await.map(drop)
        })
    }

    pub async fn answer_inline_query(
        &self,
        id: InlineQueryId,
        results: Vec<InlineQueryResult>,
    ) -> Result<(), RequestError> {
        with_bot!(self, b => {
            let request = b.answer_inline_query(id, results);
            retrying("answerInlineQuery", &self.stop, || request.send_ref()).await.map(drop)
        })
    }

    pub async fn get_chat_member(
        &self,
        chat: ChatId,
        user: UserId,
    ) -> Result<ChatMember, RequestError> {
        with_bot!(self, b => b.get_chat_member(chat, user).await)
    }

    pub async fn get_chat(&self, chat: Recipient) -> Result<ChatFullInfo, RequestError> {
        with_bot!(self, b => b.get_chat(chat).await)
    }
}

/// The bot that talks to chats, rate-limited unless `BRIEFBOT_THROTTLE=off`.
pub fn throttled_bot(config: &Config, stop: CancellationToken) -> Result<TgBot> {
    let bot = plain_bot(config)?;
    let inner = if config.throttle {
        Inner::Throttled(bot.throttle(Limits::default()))
    } else {
        Inner::Direct(bot)
    };
    Ok(TgBot { inner, stop })
}

/// The bot for the configured token and Bot API server. The token is never
/// logged: errors name the variable, not its value.
pub(super) fn plain_bot(config: &Config) -> Result<Bot> {
    let token = config.token.clone().context(
        "TELOXIDE_TOKEN is not set: put your BotFather token in .env (see .env.example)",
    )?;
    let mut bot = Bot::new(token);
    if let Some(url) = &config.api_url {
        bot = bot.set_api_url(url.clone());
    }
    Ok(bot)
}

/// How long to wait before the `n`th retry (from 1) of a failed call:
/// 0.5 s, 1 s, 2 s … up to a minute.
pub fn backoff(n: u32) -> Duration {
    let exp = n.saturating_sub(1).min(7);
    (RETRY_FIRST * 2u32.pow(exp)).min(RETRY_MAX)
}

/// Whether a failed call may succeed if sent again: the network, not
/// Telegram, failed. (`429` is retried by `Throttle`; API errors are final.)
fn transient(e: &RequestError) -> bool {
    matches!(e, RequestError::Network(_) | RequestError::Io(_))
}

/// Sends a request, retrying network failures with `backoff`. A message may
/// arrive twice if the network failed after Telegram took it; it is never
/// silently lost. A stop cuts the wait short: no more retries, the last
/// error is returned.
pub(super) async fn retrying<T, F, Fut>(
    what: &str,
    stop: &CancellationToken,
    mut call: F,
) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut failures = 0;
    loop {
        let (error, wait) = match call().await {
            // Without Throttle (which waits by itself), honour a 429.
            Err(RequestError::RetryAfter(wait)) if failures < MAX_RETRIES => {
                tracing::warn!("{what}: Telegram asks to wait {wait:?}");
                (RequestError::RetryAfter(wait), wait.duration())
            }
            Err(e) if transient(&e) && failures < MAX_RETRIES => {
                let wait = backoff(failures + 1);
                tracing::warn!("{what} failed ({e}); retry {} in {wait:?}", failures + 1);
                (e, wait)
            }
            result => return result,
        };
        failures += 1;
        if !shutdown::sleep(stop, wait).await {
            tracing::info!("{what}: stopping, so no more retries");
            return Err(error);
        }
    }
}

/// Sends a reply as HTML, split to the message limit, with its related
/// questions as buttons under the last piece. A piece Telegram refuses to
/// parse is sent again as plain text rather than lost.
pub(super) async fn send(
    bot: &TgBot,
    chat: ChatId,
    reply: &Reply,
    reply_to: Option<MessageId>,
) -> Result<(), RequestError> {
    let pieces = format::split(&format::html(reply), MAX_MESSAGE_CHARS);
    // A reply that shows nothing is not sent (Telegram refuses empty text).
    let Some(last) = pieces.len().checked_sub(1) else {
        return Ok(());
    };
    for (i, piece) in pieces.into_iter().enumerate() {
        let first = if i == 0 { reply_to } else { None };
        let markup = (i == last && !reply.related.is_empty()).then(|| keyboard(reply));
        if let Err(e) = bot.send_message(chat, piece, true, first, markup).await {
            // Only a refusal of the formatting is worth a plain resend.
            if !matches!(e, RequestError::Api(_)) || briefings::gone(&e) {
                return Err(e);
            }
            tracing::warn!("Telegram refused the formatted reply ({e}); sending it as plain text");
            for plain in format::split(&reply.to_plain(), MAX_MESSAGE_CHARS) {
                bot.send_message(chat, plain, false, None, None).await?;
            }
            return Ok(());
        }
    }
    Ok(())
}

fn keyboard(reply: &Reply) -> InlineKeyboardMarkup {
    let rows: Vec<Vec<InlineKeyboardButton>> = reply
        .related
        .iter()
        .filter(|b| b.key.len() <= MAX_CALLBACK_BYTES)
        .map(|b| {
            vec![InlineKeyboardButton::callback(
                b.label.clone(),
                b.key.clone(),
            )]
        })
        .collect();
    InlineKeyboardMarkup::new(rows)
}
