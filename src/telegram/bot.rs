//! The dispatcher and its handlers. Each handler converts the update, calls
//! the core (`answer`), and sends the reply; decisions live in `route` and
//! the core. Sending goes through teloxide's `Throttle`, so Telegram's rate
//! limits hold under load.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use anyhow::{Context, Result};
use teloxide::RequestError;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::dispatching::{DefaultKey, ShutdownToken, UpdateHandler};
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, CallbackQueryId, ChatFullInfo, ChatMember, InlineKeyboardButton,
    InlineKeyboardMarkup, InlineQueryId, InlineQueryResult, InlineQueryResultArticle,
    InputMessageContent, InputMessageContentText, Me, MessageId, ParseMode, Recipient,
    ReplyParameters,
};
use teloxide::update_listeners::{Polling, webhooks};

use super::briefings;
use super::flood::{FloodGuard, Verdict};
use super::format::{self, MAX_MESSAGE_CHARS};
use super::route::{self, ChatKind, Incoming};
use crate::answer::{self, ChatState};
use crate::command::HELP;
use crate::command::{self, Command};
use crate::config::{Config, EmptyBriefings, GroupMode, Webhook};
use crate::kb;
use crate::kb::Kb;
use crate::render::Reply;
use crate::schedule::Schedule;
use crate::store::{self, Question, Store};

/// The bot that talks to chats: through teloxide's `Throttle` (Telegram's
/// rate limits) or, with `BRIEFBOT_THROTTLE=off`, directly — `Throttle`'s
/// worker releases messages on a 250 ms tick, which would cap a test
/// server's throughput at a few hundred replies a second. Receiving
/// updates never goes through it.
#[derive(Clone)]
pub enum TgBot {
    Throttled(Throttle<Bot>),
    Direct(Bot),
}

/// Runs `$body` with `$b` bound to whichever bot `$bot` holds.
macro_rules! with_bot {
    ($bot:expr, $b:ident => $body:expr) => {
        match $bot {
            TgBot::Throttled($b) => $body,
            TgBot::Direct($b) => $body,
        }
    };
}

impl TgBot {
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
            retrying("sendMessage", || request.send_ref()).await.map(drop)
        })
    }

    pub async fn answer_callback_query(&self, id: CallbackQueryId) -> Result<(), RequestError> {
        with_bot!(self, b => {
            let request = b.answer_callback_query(id);
            retrying("answerCallbackQuery", || request.send_ref()).await.map(drop)
        })
    }

    pub async fn answer_inline_query(
        &self,
        id: InlineQueryId,
        results: Vec<InlineQueryResult>,
    ) -> Result<(), RequestError> {
        with_bot!(self, b => {
            let request = b.answer_inline_query(id, results);
            retrying("answerInlineQuery", || request.send_ref()).await.map(drop)
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

/// Telegram's limit on callback data, in bytes.
const MAX_CALLBACK_BYTES: usize = 64;

/// How many answers an inline query offers (Telegram allows 50).
const MAX_INLINE_RESULTS: usize = 5;

/// What a chat over the flood limit is told, once.
const FLOOD_NOTICE: &str = "You are sending messages faster than I can answer, so I will skip some for a minute. Ask again then.";

/// How much of a declined question the curator's log keeps.
const MAX_RECORDED_CHARS: usize = 500;

/// How many questions the log buffers before writing them.
const FLUSH_QUESTIONS_AT: usize = 200;
/// How often the buffered question log is written anyway.
const FLUSH_QUESTIONS_EVERY: Duration = Duration::from_secs(5);

/// How long one long-polling `getUpdates` waits for updates.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);
/// The first wait before retrying a call that failed on the network.
const RETRY_FIRST: Duration = Duration::from_millis(500);
/// The longest wait between retries.
const RETRY_MAX: Duration = Duration::from_secs(60);
/// How often a call that failed on the network is retried (about two
/// minutes of waiting in all).
const MAX_RETRIES: u32 = 6;

/// What every handler shares: the knowledge (swapped whole by a reload),
/// the state store and the settings handlers need.
pub struct App {
    kb: RwLock<Arc<Kb>>,
    pub group_mode: GroupMode,
    pub admins: Vec<u64>,
    pub store: Mutex<Store>,
    pub empty_briefings: EmptyBriefings,
    pub schedule: Option<Schedule>,
    intents_dir: PathBuf,
    data_dir: PathBuf,
    flood: Mutex<FloodGuard>,
    /// Questions not yet written to the store.
    questions: Mutex<Vec<Question>>,
}

impl App {
    /// Opens the state store named by `BRIEFBOT_STATE`.
    pub fn new(config: &Config, kb: Arc<Kb>) -> Result<App> {
        let store = store::open_configured(config)?;
        Ok(App {
            kb: RwLock::new(kb),
            group_mode: config.group_mode,
            admins: config.admins.clone(),
            store: Mutex::new(store),
            empty_briefings: config.empty_briefings,
            schedule: config.schedule.clone(),
            intents_dir: config.intents_dir.clone(),
            data_dir: config.data_dir.clone(),
            flood: Mutex::new(FloodGuard::default()),
            questions: Mutex::new(Vec::new()),
        })
    }

    /// Whether to answer a message from `chat` now (see `flood`).
    fn admit(&self, chat: ChatId) -> Verdict {
        self.flood
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .check(chat.0, std::time::Instant::now())
    }

    /// The state store, for one short call; never held across an await.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The knowledge in service now.
    pub fn kb(&self) -> Arc<Kb> {
        self.kb
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads `intents/` and `data/` again and swaps them in whole. On any
    /// error the old knowledge stays in service and every problem (file,
    /// line, message) is returned, and logged.
    pub async fn reload(&self) -> Result<String, String> {
        let (intents, data) = (self.intents_dir.clone(), self.data_dir.clone());
        let loaded = tokio::task::spawn_blocking(move || kb::load(&intents, &data)).await;
        match loaded {
            Ok(Ok(kb)) => {
                let summary = kb.summary();
                *self.kb.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(kb);
                tracing::info!(%summary, "knowledge reloaded");
                Ok(summary)
            }
            Ok(Err(e)) => {
                tracing::error!("reload failed, keeping the old knowledge: {e}");
                Err(e.to_string())
            }
            Err(e) => Err(format!("the reload task failed: {e}")),
        }
    }

    fn record(&self, chat: ChatKind, question: &str, outcome: &answer::Outcome) {
        let declined = !outcome.matched && !outcome.choices;
        let record = Question {
            at: briefings::now(),
            chat_kind: chat.as_str().to_string(),
            intent: outcome.intent.clone(),
            matched: outcome.matched,
            text: declined.then(|| question.chars().take(MAX_RECORDED_CHARS).collect()),
        };
        let full = {
            let mut buffer = self
                .questions
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            buffer.push(record);
            buffer.len() >= FLUSH_QUESTIONS_AT
        };
        if full {
            self.flush_questions();
        }
    }

    /// Writes the buffered question log in one transaction. Called when the
    /// buffer fills, every few seconds, before /stats and at shutdown; a
    /// crash loses at most those few seconds of statistics.
    pub fn flush_questions(&self) {
        let batch = std::mem::take(
            &mut *self
                .questions
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        if batch.is_empty() {
            return;
        }
        let result = self.store().record_questions(&batch);
        if let Err(e) = result {
            tracing::error!("could not record {} questions: {e}", batch.len());
        }
    }
}

/// How updates arrive: long polling, or webhook posts on a listener that
/// the caller bound (tests bind `127.0.0.1:0`; `run` binds the configured
/// `BRIEFBOT_WEBHOOK_LISTEN`).
pub enum Listen {
    Polling,
    Webhook(tokio::net::TcpListener),
}

/// The bot, ready to serve: the dispatcher with its handlers and the
/// rate-limited bot they share.
pub struct Server {
    dispatcher: Dispatcher<Bot, anyhow::Error, DefaultKey>,
    /// Receives updates, answers getMe and sets the webhook.
    receiver: Bot,
    /// Talks to chats.
    bot: TgBot,
    app: Arc<App>,
    webhook: Option<Webhook>,
    channels: Vec<String>,
}

impl Server {
    /// Builds the server for the configured Bot API server. Ctrl-C / SIGINT
    /// stops it after the update in hand; tests stop it with its
    /// `shutdown_token`.
    pub fn new(config: &Config, kb: Arc<Kb>) -> Result<Server> {
        let receiver = plain_bot(config)?;
        let bot = throttled_bot(config)?;
        let app = Arc::new(App::new(config, kb)?);
        let dispatcher = Dispatcher::builder(receiver.clone(), schema())
            .dependencies(dptree::deps![app.clone(), bot.clone()])
            .error_handler(LoggingErrorHandler::with_custom_text(
                "a Telegram handler failed",
            ))
            .enable_ctrlc_handler()
            .build();
        Ok(Server {
            dispatcher,
            receiver,
            bot,
            app,
            webhook: config.webhook.clone(),
            channels: config.channels.clone(),
        })
    }

    /// What the handlers share, e.g. to reload on SIGHUP.
    pub fn app(&self) -> Arc<App> {
        self.app.clone()
    }

    /// Stops `serve` after the updates in hand are answered.
    pub fn shutdown_token(&self) -> ShutdownToken {
        self.dispatcher.shutdown_token()
    }

    /// Checks the token (retrying while the network is down), publishes the
    /// command menu, then serves updates until shut down.
    pub async fn serve(mut self, listen: Listen) -> Result<()> {
        let me = retrying("getMe", || self.receiver.get_me().send_ref())
            .await
            .context("could not reach the Bot API (is TELOXIDE_TOKEN right?)")?;
        tracing::info!(username = me.username(), "connected to Telegram");
        if let Err(e) = self.receiver.set_my_commands(command_menu()).await {
            tracing::warn!("could not publish the command menu: {e}");
        }
        briefings::sync_channels(&self.app, &self.bot, &me, &self.channels).await;
        let schedule = self.app.schedule.clone();
        let app = self.app.clone();
        let flusher = tokio::spawn(async move {
            loop {
                tokio::time::sleep(FLUSH_QUESTIONS_EVERY).await;
                app.flush_questions();
            }
        });
        let scheduler = tokio::spawn(briefings::scheduler(
            self.app.clone(),
            self.bot.clone(),
            schedule,
        ));
        let errors = LoggingErrorHandler::with_custom_text("receiving updates failed");
        match listen {
            Listen::Polling => {
                tracing::info!("serving Telegram updates by long polling");
                let polling = Polling::builder(self.receiver.clone())
                    .timeout(POLL_TIMEOUT)
                    .backoff_strategy(backoff)
                    .delete_webhook()
                    .await
                    .build();
                self.dispatcher
                    .try_dispatch_with_listener(polling, errors)
                    .await?;
            }
            Listen::Webhook(tcp) => {
                let hook = self
                    .webhook
                    .clone()
                    .context("BRIEFBOT_WEBHOOK_URL is not set")?;
                let mut options = webhooks::Options::new(hook.listen, hook.url.clone());
                if let Some(secret) = hook.secret {
                    options = options.secret_token(secret);
                }
                let (listener, stopped, router) =
                    webhooks::axum_to_router(self.receiver.clone(), options)
                        .await
                        .context("Telegram refused the webhook (BRIEFBOT_WEBHOOK_URL)")?;
                tracing::info!(
                    url = hook.url.as_str(),
                    listen = %tcp.local_addr()?,
                    "serving Telegram updates by webhook"
                );
                let server = tokio::spawn(async move {
                    axum::serve(tcp, router)
                        .with_graceful_shutdown(stopped)
                        .await
                });
                self.dispatcher
                    .try_dispatch_with_listener(listener, errors)
                    .await?;
                server.await?.context("the webhook server failed")?;
            }
        }
        scheduler.abort();
        flusher.abort();
        self.app.flush_questions();
        Ok(())
    }
}

/// The bot that talks to chats, rate-limited unless `BRIEFBOT_THROTTLE=off`.
pub fn throttled_bot(config: &Config) -> Result<TgBot> {
    let bot = plain_bot(config)?;
    Ok(if config.throttle {
        TgBot::Throttled(bot.throttle(Limits::default()))
    } else {
        TgBot::Direct(bot)
    })
}

/// Builds the server, then serves until Ctrl-C / SIGINT / SIGTERM: by
/// webhook when one is configured, by long polling otherwise.
pub async fn run(config: &Config, kb: Arc<Kb>) -> Result<()> {
    let server = Server::new(config, kb)?;
    let token = server.shutdown_token();
    // SIGHUP reloads the knowledge, as /reload does.
    #[cfg(unix)]
    {
        let app = server.app();
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            if let Ok(mut hup) = signal(SignalKind::hangup()) {
                while hup.recv().await.is_some() {
                    tracing::info!("SIGHUP: reloading the knowledge");
                    let _ = app.reload().await;
                }
            }
        });
    }
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
    let listen = match &config.webhook {
        Some(hook) => Listen::Webhook(
            tokio::net::TcpListener::bind(hook.listen)
                .await
                .with_context(|| {
                    format!("BRIEFBOT_WEBHOOK_LISTEN: cannot listen on {}", hook.listen)
                })?,
        ),
        None => Listen::Polling,
    };
    server.serve(listen).await
}

/// The command menu Telegram shows, from the same list as `/help`.
pub fn command_menu() -> Vec<BotCommand> {
    HELP.iter()
        .filter(|(cmd, _)| !cmd.starts_with("/quit"))
        .map(|(cmd, what)| {
            let name = cmd.trim_start_matches('/').split(' ').next();
            BotCommand::new(name.unwrap_or_default(), *what)
        })
        .collect()
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
/// silently lost.
async fn retrying<T, F, Fut>(what: &str, mut call: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut failures = 0;
    loop {
        match call().await {
            // Without Throttle (which waits by itself), honour a 429.
            Err(RequestError::RetryAfter(wait)) if failures < MAX_RETRIES => {
                failures += 1;
                tracing::warn!("{what}: Telegram asks to wait {wait:?}");
                tokio::time::sleep(wait.duration()).await;
            }
            Err(e) if transient(&e) && failures < MAX_RETRIES => {
                failures += 1;
                let wait = backoff(failures);
                tracing::warn!("{what} failed ({e}); retry {failures} in {wait:?}");
                tokio::time::sleep(wait).await;
            }
            result => return result,
        }
    }
}

/// The bot for the configured token and Bot API server. The token is never
/// logged: errors name the variable, not its value.
fn plain_bot(config: &Config) -> Result<Bot> {
    let token = config.token.clone().context(
        "TELOXIDE_TOKEN is not set: put your BotFather token in .env (see .env.example)",
    )?;
    let mut bot = Bot::new(token);
    if let Some(url) = &config.api_url {
        bot = bot.set_api_url(url.clone());
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
        app.group_mode,
    ) else {
        return Ok(());
    };
    let reply_to = (chat == ChatKind::Group).then_some(msg.id);
    match app.admit(msg.chat.id) {
        Verdict::Answer => {}
        Verdict::Notice => {
            tracing::warn!(
                chat_kind = chat.as_str(),
                "flood: dropping messages for a while"
            );
            let notice = Reply::text(FLOOD_NOTICE);
            send(&bot, msg.chat.id, &notice, reply_to).await?;
            return Ok(());
        }
        Verdict::Drop => return Ok(()),
    }
    let user = msg.from.as_ref().map(|u| u.id);
    let reply = match command::parse(&question) {
        Some(Command::Subscribe) => briefings::subscription(&bot, &app, &msg, chat, true).await?,
        Some(Command::Unsubscribe) => {
            briefings::subscription(&bot, &app, &msg, chat, false).await?
        }
        Some(Command::Admin(cmd)) => briefings::admin(&bot, &app, user, cmd).await?,
        parsed => {
            let kb = app.kb();
            let started = std::time::Instant::now();
            let outcome = answer::answer(&kb, &ChatState::default(), &question);
            // Never the message text at info level: groups are private spaces.
            tracing::info!(
                chat_kind = chat.as_str(),
                intent = outcome.intent.as_deref().unwrap_or("-"),
                matched = outcome.matched,
                micros = started.elapsed().as_micros() as u64,
                "answered"
            );
            if matches!(parsed, None | Some(Command::Ask(_))) {
                app.record(chat, &question, &outcome);
            }
            outcome.reply
        }
    };
    send(&bot, msg.chat.id, &reply, reply_to).await?;
    Ok(())
}

#[tracing::instrument(name = "update", skip_all, fields(update_id = upd.id.0, kind = "callback"))]
async fn on_callback(bot: TgBot, upd: Update, q: CallbackQuery, app: Arc<App>) -> Result<()> {
    bot.answer_callback_query(q.id.clone()).await?;
    let (Some(key), Some(message)) = (q.data.as_deref(), q.message.as_ref()) else {
        return Ok(());
    };
    if app.admit(message.chat().id) != Verdict::Answer {
        return Ok(());
    }
    let kb = app.kb();
    let outcome = answer::answer_key(&kb, key).unwrap_or_else(|| answer::decline(&kb, 0.0));
    send(&bot, message.chat().id, &outcome.reply, None).await?;
    Ok(())
}

/// `@botname QUERY` in any chat: the best answers as articles.
#[tracing::instrument(name = "update", skip_all, fields(update_id = upd.id.0, kind = "inline"))]
async fn on_inline(bot: TgBot, upd: Update, q: InlineQuery, app: Arc<App>) -> Result<()> {
    let results: Vec<InlineQueryResult> =
        answer::best_answers(&app.kb(), &q.query, MAX_INLINE_RESULTS)
            .into_iter()
            .map(|(key, reply)| {
                // The first piece only: cut like any reply, never inside a
                // tag or an entity.
                let html = format::split(&format::html(&reply), MAX_MESSAGE_CHARS)
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                let content = InputMessageContent::Text(
                    InputMessageContentText::new(html).parse_mode(ParseMode::Html),
                );
                let title = reply
                    .title
                    .clone()
                    .unwrap_or_else(|| app.kb().bot.name.clone());
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
