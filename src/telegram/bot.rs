//! The dispatcher and its handlers. Each handler converts the update, calls
//! the core (`answer`), and sends the reply; decisions live in `route` and
//! the core. Sending goes through teloxide's `Throttle`, so Telegram's rate
//! limits hold under load.

use std::sync::Arc;

use anyhow::{Context, Result};
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::{DefaultKey, UpdateHandler};
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResult,
    InlineQueryResultArticle, InputMessageContent, InputMessageContentText, Me, MessageId,
    ParseMode, ReplyParameters,
};

use super::format::{self, MAX_MESSAGE_CHARS};
use super::route::{self, ChatKind, Incoming};
use crate::answer::{self, ChatState};
use crate::command::HELP;
use crate::config::Config;
use crate::kb::Kb;
use crate::render::Reply;

/// The bot as handlers see it: rate-limited.
pub type TgBot = Throttle<Bot>;

/// Telegram's limit on callback data, in bytes.
const MAX_CALLBACK_BYTES: usize = 64;

/// How many answers an inline query offers (Telegram allows 50).
const MAX_INLINE_RESULTS: usize = 5;

/// A rate no chat reaches: "no throttling" without overflowing the
/// throttle's arithmetic.
const UNLIMITED: u32 = 1_000_000;

/// What every handler shares.
pub struct App {
    pub kb: Arc<Kb>,
}

/// Builds the dispatcher for the configured Bot API server. Ctrl-C / SIGINT
/// stops it after the update in hand; tests stop it with its `shutdown_token`.
pub fn dispatcher(
    config: &Config,
    kb: Arc<Kb>,
) -> Result<Dispatcher<TgBot, anyhow::Error, DefaultKey>> {
    // Without throttling the limits are set so high that they never bite.
    let limits = if config.throttle {
        Limits::default()
    } else {
        Limits {
            messages_per_sec_chat: UNLIMITED,
            messages_per_min_chat: UNLIMITED,
            messages_per_min_channel_or_supergroup: UNLIMITED,
            messages_per_sec_overall: UNLIMITED,
        }
    };
    let bot = plain_bot(config)?.throttle(limits);
    Ok(Dispatcher::builder(bot, schema())
        .dependencies(dptree::deps![Arc::new(App { kb })])
        .error_handler(LoggingErrorHandler::with_custom_text(
            "a Telegram handler failed",
        ))
        .enable_ctrlc_handler()
        .build())
}

/// Publishes the command menu, then serves updates until Ctrl-C / SIGINT.
pub async fn run(config: &Config, kb: Arc<Kb>) -> Result<()> {
    let commands: Vec<BotCommand> = HELP
        .iter()
        .filter(|(cmd, _)| !cmd.starts_with("/quit"))
        .map(|(cmd, what)| {
            BotCommand::new(
                cmd.trim_start_matches('/')
                    .split(' ')
                    .next()
                    .unwrap_or_default(),
                *what,
            )
        })
        .collect();
    if let Err(e) = plain_bot(config)?.set_my_commands(commands).await {
        tracing::warn!("could not publish the command menu: {e}");
    }
    tracing::info!("serving Telegram updates");
    let mut dispatcher = dispatcher(config, kb)?;
    let token = dispatcher.shutdown_token();
    // SIGTERM (systemd, containers) stops like Ctrl-C: the update in hand is
    // answered first.
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            term.recv().await;
            tracing::info!("SIGTERM: shutting down");
            if let Ok(done) = token.shutdown() {
                done.await;
            }
        }
    });
    dispatcher.dispatch().await;
    Ok(())
}

/// The bot for the configured token and Bot API server. The token is never
/// logged: errors name the variable, not its value.
fn plain_bot(config: &Config) -> Result<Bot> {
    let token = config.token.clone().context(
        "TELOXIDE_TOKEN is not set: put your BotFather token in .env (see .env.example)",
    )?;
    let mut bot = Bot::new(token);
    if let Some(url) = &config.api_url {
        bot = bot.set_api_url(url::Url::parse(url).context("TELOXIDE_API_URL is not a valid URL")?);
    }
    Ok(bot)
}

/// The update tree: messages and button presses.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline))
}

#[tracing::instrument(name = "update", skip_all, fields(update_id = upd.id.0, kind = "message"))]
async fn on_message(bot: TgBot, upd: Update, msg: Message, me: Me, app: Arc<App>) -> Result<()> {
    let Some(text) = msg.text() else {
        return Ok(()); // Stickers, photos, voice: nothing to answer.
    };
    let chat = if msg.chat.is_private() {
        ChatKind::Private
    } else if msg.chat.is_channel() {
        ChatKind::Channel
    } else {
        ChatKind::Group
    };
    let reply_to_bot = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == me.id);
    let Some(question) = route::addressed(
        &Incoming {
            chat,
            text,
            reply_to_bot,
        },
        me.username(),
    ) else {
        return Ok(());
    };
    let started = std::time::Instant::now();
    let outcome = answer::answer(&app.kb, &ChatState::default(), &question);
    // Never the message text at info level: groups are private spaces.
    tracing::info!(
        chat_kind = ?chat,
        intent = outcome.intent.as_deref().unwrap_or("-"),
        matched = outcome.matched,
        micros = started.elapsed().as_micros() as u64,
        "answered"
    );
    let reply_to = (chat == ChatKind::Group).then_some(msg.id);
    send(&bot, msg.chat.id, &outcome.reply, reply_to).await
}

#[tracing::instrument(name = "update", skip_all, fields(update_id = upd.id.0, kind = "callback"))]
async fn on_callback(bot: TgBot, upd: Update, q: CallbackQuery, app: Arc<App>) -> Result<()> {
    bot.answer_callback_query(q.id.clone()).await?;
    let (Some(key), Some(message)) = (q.data.as_deref(), q.message.as_ref()) else {
        return Ok(());
    };
    let outcome = answer::answer_key(&app.kb, key).unwrap_or_else(|| answer::decline(&app.kb, 0.0));
    send(&bot, message.chat().id, &outcome.reply, None).await
}

/// `@botname QUERY` in any chat: the best answers as articles.
#[tracing::instrument(name = "update", skip_all, fields(update_id = upd.id.0, kind = "inline"))]
async fn on_inline(bot: TgBot, upd: Update, q: InlineQuery, app: Arc<App>) -> Result<()> {
    let results: Vec<InlineQueryResult> =
        answer::best_answers(&app.kb, &q.query, MAX_INLINE_RESULTS)
            .into_iter()
            .map(|(key, reply)| {
                let html: String = format::html(&reply)
                    .chars()
                    .take(MAX_MESSAGE_CHARS)
                    .collect();
                let content = InputMessageContent::Text(
                    InputMessageContentText::new(html).parse_mode(ParseMode::Html),
                );
                let title = reply
                    .title
                    .clone()
                    .unwrap_or_else(|| app.kb.bot.name.clone());
                let description: String = reply.body.chars().take(120).collect();
                let id: String = key.chars().take(64).collect();
                InlineQueryResultArticle::new(id, title, content)
                    .description(description)
                    .into()
            })
            .collect();
    bot.answer_inline_query(q.id.clone(), results).await?;
    Ok(())
}

/// Sends a reply as HTML, split to the message limit, with its related
/// questions as buttons under the last piece. A piece Telegram refuses to
/// parse is sent again as plain text rather than lost.
async fn send(bot: &TgBot, chat: ChatId, reply: &Reply, reply_to: Option<MessageId>) -> Result<()> {
    let pieces = format::split(&format::html(reply), MAX_MESSAGE_CHARS);
    let last = pieces.len() - 1;
    for (i, piece) in pieces.into_iter().enumerate() {
        let mut request = bot.send_message(chat, piece).parse_mode(ParseMode::Html);
        if i == 0
            && let Some(id) = reply_to
        {
            request = request.reply_parameters(ReplyParameters::new(id));
        }
        if i == last && !reply.related.is_empty() {
            request = request.reply_markup(keyboard(reply));
        }
        if let Err(e) = request.await {
            if !matches!(e, teloxide::RequestError::Api(_)) {
                return Err(e.into());
            }
            tracing::warn!("Telegram refused the formatted reply ({e}); sending it as plain text");
            for plain in format::split(&reply.to_plain(), MAX_MESSAGE_CHARS) {
                bot.send_message(chat, plain).await?;
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
