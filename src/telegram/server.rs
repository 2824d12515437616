//! `serve`: start-up (getMe with retries, the command menu, channels), the
//! dispatcher fed by long polling or a webhook, the scheduler and the
//! question-log flusher — and stopping all of it on one `CancellationToken`.
//!
//! Why not teloxide's `ShutdownToken`: in teloxide 0.17 it is refused while
//! the dispatcher is not running (so a stop during start-up retries was
//! dropped), and both its request and its "done" reply are
//! `Notify::notify_waiters` calls, which wake only tasks already waiting. A
//! request made while the dispatcher was busy (handling an update, or the
//! error of a dropped connection) was lost, and polling went on; a reply
//! sent before the asker started waiting was lost, and the asker waited
//! forever (the webhook test hung about one run in ten). Here the listener's
//! stream itself ends when the token is cancelled: the dispatcher sees the
//! end of its updates, finishes the ones in hand and returns.

use std::pin::Pin;
use std::sync::Arc;

use anyhow::{Context, Result};
use futures_util::{FutureExt, StreamExt, stream::TakeUntil};
use teloxide::dispatching::DefaultKey;
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, BotCommand, Me};
use teloxide::update_listeners::{AsUpdateStream, Polling, UpdateListener, webhooks};

use super::app::{App, FLUSH_QUESTIONS_EVERY};
use super::bot::{TgBot, backoff, plain_bot, retrying, throttled_bot};
use super::briefings;
use super::handlers::schema;
use crate::config::{Config, Webhook};
use crate::kb::Kb;
use crate::matcher::Lang;
use crate::shutdown::{self, CancellationToken, GRACE};

/// How long one long-polling `getUpdates` waits for updates.
const POLL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a listener told to stop may take to end on its own (polling
/// confirms the updates it handed out, a webhook unregisters) before its
/// stream is ended anyway.
const LISTENER_GRACE: std::time::Duration = std::time::Duration::from_secs(3);

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
    stop: CancellationToken,
    /// Where `/metrics` and `/healthz` are served, if anywhere.
    metrics: Option<tokio::net::TcpListener>,
}

impl Server {
    /// Builds the server for the configured Bot API server. Cancelling
    /// `stop` stops it in any phase: the update in hand is answered (within
    /// `GRACE`), the question log is flushed, `serve` returns `Ok`.
    pub async fn new(config: &Config, kb: Arc<Kb>, stop: CancellationToken) -> Result<Server> {
        let receiver = plain_bot(config)?;
        let bot = throttled_bot(config, stop.clone())?;
        let app = Arc::new(App::new(config, kb).await?);
        let dispatcher = Dispatcher::builder(receiver.clone(), schema())
            .dependencies(dptree::deps![app.clone(), bot.clone()])
            .error_handler(LoggingErrorHandler::with_custom_text(
                "a Telegram handler failed",
            ))
            .build();
        Ok(Server {
            dispatcher,
            receiver,
            bot,
            app,
            webhook: config.webhook.clone(),
            channels: config.channels.clone(),
            stop,
            metrics: None,
        })
    }

    /// Serves `/metrics` and `/healthz` on `listener` from the start of
    /// `serve` (during start-up retries too) until it stops.
    pub fn with_metrics(mut self, listener: tokio::net::TcpListener) -> Server {
        self.metrics = Some(listener);
        self
    }

    /// What the handlers share, e.g. to reload on SIGHUP.
    pub fn app(&self) -> Arc<App> {
        self.app.clone()
    }

    /// Checks the token (retrying while the network is down), publishes the
    /// command menu, then serves updates until `stop` is cancelled.
    pub async fn serve(self, listen: Listen) -> Result<()> {
        let Server {
            mut dispatcher,
            receiver,
            bot,
            app,
            webhook,
            channels,
            stop,
            metrics,
        } = self;
        let metrics = metrics.map(|tcp| {
            let stopped = stop.clone().cancelled_owned();
            tokio::spawn(crate::metrics::serve(tcp, app.metrics.clone(), stopped))
        });
        let Some(me) = start(&receiver, &bot, &app, &channels, &stop).await? else {
            tracing::info!("stopped before serving");
            app.flush_questions().await;
            return Ok(());
        };
        tracing::info!(username = me.username(), "connected to Telegram");
        app.metrics.api_ok(crate::metrics::unix_now());
        let flusher = tokio::spawn(flush_questions(app.clone(), stop.clone()));
        let heartbeat = tokio::spawn(heartbeat(receiver.clone(), app.clone(), stop.clone()));
        let reloads = tokio::spawn(follow_reloads(app.clone(), stop.clone()));
        let scheduler = tokio::spawn(briefings::scheduler(
            app.clone(),
            bot.clone(),
            app.schedule.clone(),
        ));
        let shared = app.store().shared().is_some();
        let dispatched = dispatch(&mut dispatcher, &receiver, webhook, listen, shared, &stop);
        let result = tokio::select! {
            result = dispatched => result,
            () = shutdown::grace_over(&stop) => {
                tracing::warn!("updates still in hand {GRACE:?} after the stop; leaving them");
                Ok(())
            }
        };
        // The dispatcher may also end on its own (an error): stop the rest.
        stop.cancel();
        let tasks = [
            ("the scheduler", scheduler),
            ("the flusher", flusher),
            ("the heartbeat", heartbeat),
            ("the reload listener", reloads),
        ];
        for (name, task) in tasks {
            let abort = task.abort_handle();
            if tokio::time::timeout(GRACE, task).await.is_err() {
                tracing::warn!("{name} did not stop within {GRACE:?}; leaving it");
                abort.abort();
            }
        }
        app.flush_questions().await;
        if let Some(task) = metrics
            && tokio::time::timeout(LISTENER_GRACE, task).await.is_err()
        {
            tracing::warn!("the metrics listener did not close its connections");
        }
        tracing::info!("stopped");
        result
    }
}

/// getMe (retried while the network is down), the command menu and the
/// configured channels. `None` when stopped first.
async fn start(
    receiver: &Bot,
    bot: &TgBot,
    app: &App,
    channels: &[String],
    stop: &CancellationToken,
) -> Result<Option<Me>> {
    let me = tokio::select! {
        me = retrying("getMe", stop, || receiver.get_me().send_ref()) => me,
        () = stop.cancelled() => return Ok(None),
    };
    let me = match me {
        Err(_) if stop.is_cancelled() => return Ok(None),
        me => me.context("could not reach the Bot API (is TELOXIDE_TOKEN right?)")?,
    };
    let setup = async {
        if let Err(e) = receiver.set_my_commands(command_menu()).await {
            tracing::warn!("could not publish the command menu: {e}");
        }
        for lang in app.kb().langs().into_iter().filter(|l| *l != Lang::En) {
            let menu = receiver
                .set_my_commands(command_menu_in(lang))
                .language_code(lang.code());
            if let Err(e) = menu.await {
                tracing::warn!(
                    lang = lang.code(),
                    "could not publish the command menu: {e}"
                );
            }
        }
        briefings::sync_channels(app, bot, &me, channels).await;
    };
    tokio::select! {
        () = setup => Ok(Some(me)),
        () = stop.cancelled() => Ok(None),
    }
}

/// Runs the dispatcher on the chosen listener until `stop` ends its stream.
async fn dispatch(
    dispatcher: &mut Dispatcher<Bot, anyhow::Error, DefaultKey>,
    receiver: &Bot,
    webhook: Option<Webhook>,
    listen: Listen,
    shared: bool,
    stop: &CancellationToken,
) -> Result<()> {
    let errors = LoggingErrorHandler::with_custom_text("receiving updates failed");
    match listen {
        Listen::Polling => {
            tracing::info!("serving Telegram updates by long polling");
            let polling = Polling::builder(receiver.clone())
                .timeout(POLL_TIMEOUT)
                .backoff_strategy(backoff)
                .delete_webhook()
                .await
                .build();
            let listener = Until::new(polling, stop.clone());
            dispatcher
                .try_dispatch_with_listener(listener, errors)
                .await?;
        }
        Listen::Webhook(tcp) => {
            let hook = webhook.context("BRIEFBOT_WEBHOOK_URL is not set")?;
            let mut options = webhooks::Options::new(hook.listen, hook.url.clone());
            if let Some(secret) = hook.secret {
                options = options.secret_token(secret);
            }
            // Every replica registers the same webhook (same URL, same
            // secret: config requires one with shared state).
            let secret = options.get_or_gen_secret_token().to_string();
            receiver
                .set_webhook(hook.url.clone())
                .secret_token(secret)
                .drop_pending_updates(false)
                .await
                .context("Telegram refused the webhook (BRIEFBOT_WEBHOOK_URL)")?;
            let (listener, stopped, router) = webhooks::axum_no_setup(options);
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
            let listener = Until::new(listener, stop.clone());
            dispatcher
                .try_dispatch_with_listener(listener, errors)
                .await?;
            if shared {
                // The other replicas still serve it. See docs/scaling.md.
                tracing::info!("the state is shared: leaving the webhook to the other replicas");
            } else {
                let deleted =
                    tokio::time::timeout(LISTENER_GRACE, receiver.delete_webhook().send());
                match deleted.await {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => tracing::warn!("could not delete the webhook: {e}"),
                    Err(_) => tracing::warn!("deleting the webhook got no answer"),
                }
            }
            match tokio::time::timeout(LISTENER_GRACE, server).await {
                Ok(served) => served?.context("the webhook server failed")?,
                Err(_) => tracing::warn!("the webhook server did not close its connections"),
            }
        }
    }
    Ok(())
}

/// How often the Bot API is asked whether it is there, for `/healthz`
/// (updates that arrive count too).
const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Calls getMe every minute until stopped; each answer counts as the Bot
/// API being up. In webhook mode, and in quiet times, it is the only sign.
async fn heartbeat(receiver: Bot, app: Arc<App>, stop: CancellationToken) {
    while shutdown::sleep(&stop, HEARTBEAT_EVERY).await {
        let asked = tokio::time::timeout(POLL_TIMEOUT, receiver.get_me().send());
        tokio::select! {
            answer = asked => match answer {
                Ok(Ok(_)) => app.metrics.api_ok(crate::metrics::unix_now()),
                Ok(Err(e)) => tracing::warn!("heartbeat: getMe failed ({e})"),
                Err(_) => tracing::warn!("heartbeat: getMe got no answer in {POLL_TIMEOUT:?}"),
            },
            () = stop.cancelled() => break,
        }
    }
}

/// With shared state, reloads the knowledge whenever another replica did
/// (`/reload` or SIGHUP there), until stopped.
async fn follow_reloads(app: Arc<App>, stop: CancellationToken) {
    let Some(db) = app.store().shared() else {
        return;
    };
    let mut reloads = db.reloads(stop.clone(), None);
    while let Some(origin) = tokio::select! {
        origin = reloads.recv() => origin,
        () = stop.cancelled() => None,
    } {
        if origin == crate::store::process_id() {
            continue;
        }
        tracing::info!(%origin, "another replica reloaded; reloading the knowledge");
        // `reload` logs and counts a failure; the old knowledge stays.
        let _ = app.reload().await;
    }
}

/// Writes the buffered question log every few seconds until stopped.
async fn flush_questions(app: Arc<App>, stop: CancellationToken) {
    while shutdown::sleep(&stop, FLUSH_QUESTIONS_EVERY).await {
        app.flush_questions().await;
    }
}

/// An update listener whose stream ends when `stop` is cancelled. It first
/// tells the inner listener to stop, so that polling confirms the updates
/// it handed out (they are not sent again after a restart) and a webhook is
/// deleted; `LISTENER_GRACE` later the stream ends whatever the inner one
/// does (a Bot API that no longer answers).
struct Until<L> {
    inner: L,
    stop: CancellationToken,
}

impl<L> Until<L> {
    fn new(inner: L, stop: CancellationToken) -> Until<L> {
        Until { inner, stop }
    }
}

type Ended = Pin<Box<dyn Future<Output = ()> + Send>>;

impl<L: UpdateListener + 'static> UpdateListener for Until<L> {
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.inner.hint_allowed_updates(hint);
    }
}

impl<'a, L: UpdateListener + 'static> AsUpdateStream<'a> for Until<L> {
    type StreamErr = L::Err;
    type Stream = TakeUntil<<L as AsUpdateStream<'a>>::Stream, Ended>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let token = self.inner.stop_token();
        let stop = self.stop.clone();
        let ended = async move {
            stop.cancelled().await;
            token.stop();
            tokio::time::sleep(LISTENER_GRACE).await;
            tracing::warn!("the update listener did not stop by itself; ending it");
        }
        .boxed();
        self.inner.as_stream().take_until(ended)
    }
}

/// Builds the server, then serves until the first SIGINT or SIGTERM: by
/// webhook when one is configured, by long polling otherwise. SIGHUP
/// reloads the knowledge.
pub async fn run(config: &Config, kb: Arc<Kb>) -> Result<()> {
    let stop = shutdown::on_signals();
    let mut server = Server::new(config, kb, stop).await?;
    if let Some(addr) = config.metrics_listen {
        let tcp = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("BRIEFBOT_METRICS_LISTEN: cannot listen on {addr}"))?;
        server = server.with_metrics(tcp);
    }
    #[cfg(unix)]
    {
        let app = server.app();
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            if let Ok(mut hup) = signal(SignalKind::hangup()) {
                while hup.recv().await.is_some() {
                    tracing::info!("SIGHUP: reloading the knowledge");
                    let _ = app.reload_everywhere().await;
                }
            }
        });
    }
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
    command_menu_in(Lang::En)
}

/// `command_menu` in `lang` (published for users whose Telegram is set to
/// it: `language_code`).
pub fn command_menu_in(lang: Lang) -> Vec<BotCommand> {
    crate::i18n::texts(lang)
        .commands
        .iter()
        .filter(|(cmd, _)| !cmd.starts_with("/quit"))
        .map(|(cmd, what)| {
            let name = cmd.trim_start_matches('/').split(' ').next();
            BotCommand::new(name.unwrap_or_default(), *what)
        })
        .collect()
}
