//! Briefings on Telegram: `/subscribe` and `/unsubscribe`, the admin
//! commands (`/brief_now`, `/reload`, `/stats`), channels from
//! configuration, the scheduler, and the `Sender` that fan-outs use. The
//! decisions live in `deliver`, `briefing` and `schedule`; this is the glue.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{Me, Recipient};

use super::app::App;
use super::bot::{TgBot, send};
use super::route::ChatKind;
use crate::command::AdminCommand;
use crate::config::Config;
use crate::deliver::{self, Options, Report, Sent};
use crate::matcher::Lang;
use crate::metrics::DeliveryResult;
use crate::render::Reply;
use crate::schedule::Schedule;
use crate::shutdown::{self, CancellationToken};

/// Briefings in flight at once on a throttled bot: Telegram's limit per
/// second. The throttle releases queued sends four times a second, so one
/// send at a time would reach only 4 a second.
const THROTTLED_IN_FLIGHT: usize = 30;

/// How often the scheduler looks for deliveries left to retry.
const RETRY_EVERY: Duration = Duration::from_secs(10 * 60);

/// Sends briefings through the bot, sorting failures into "gone" and
/// "retry".
pub struct TgSender {
    pub bot: TgBot,
}

impl deliver::Sender for TgSender {
    async fn send(&self, chat_id: i64, reply: &Reply) -> Sent {
        match send(&self.bot, ChatId(chat_id), reply, None).await {
            Ok(()) => Sent::Delivered,
            Err(RequestError::MigrateToChatId(to)) => Sent::Moved(to.0),
            Err(e) if gone(&e) => Sent::Gone(e.to_string()),
            Err(e) => Sent::Retry(e.to_string()),
        }
    }
}

/// Whether Telegram says the chat will never take a message from the bot:
/// blocked, kicked, deactivated, not an administrator of the channel.
pub fn gone(e: &RequestError) -> bool {
    match e {
        RequestError::Api(api) => {
            matches!(
                api,
                ApiError::BotBlocked
                    | ApiError::BotKicked
                    | ApiError::BotKickedFromSupergroup
                    | ApiError::BotKickedFromChannel
                    | ApiError::UserDeactivated
                    | ApiError::CantInitiateConversation
                    | ApiError::CantTalkWithBots
                    | ApiError::ChatNotFound
                    | ApiError::GroupDeactivated
                    | ApiError::NotEnoughRightsToPostMessages
            ) || matches!(api, ApiError::Unknown(text) if text.starts_with("Forbidden"))
        }
        // A group that became a supergroup is not gone: `TgSender` follows
        // it to its new id.
        _ => false,
    }
}

/// Unix seconds now: the edge reads the clock, the core is given it.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Delivers the current briefing to every subscriber (the path shared by the
/// scheduler, `/brief_now` and `briefbot brief --send`).
pub async fn fan_out(app: &App, bot: &TgBot, force: bool, resume_only: bool) -> Result<Report> {
    let kb = app.kb();
    let sender = TgSender { bot: bot.clone() };
    let options = Options {
        force,
        empty: app.empty_briefings,
        resume_only,
        lease_seconds: app.delivery_lease.as_secs() as i64,
        concurrency: if bot.is_throttled() {
            THROTTLED_IN_FLIGHT
        } else {
            1
        },
    };
    let report = deliver::fan_out(&kb, &app.store, &sender, options, now, bot.stop()).await?;
    let counted = [
        (DeliveryResult::Sent, report.delivered),
        (DeliveryResult::Failed, report.failed),
        (DeliveryResult::Gone, report.gone),
    ];
    for (result, n) in counted {
        app.metrics.delivery(result, n as u64);
    }
    tracing::info!(%report, "briefings");
    Ok(report)
}

/// `/subscribe` and `/unsubscribe`. In a group only its administrators may
/// change the subscription.
pub async fn subscription(
    bot: &TgBot,
    app: &App,
    msg: &Message,
    chat: ChatKind,
    subscribe: bool,
    lang: Lang,
) -> Result<Reply> {
    let texts = crate::i18n::texts(lang);
    if chat == ChatKind::Group && !is_group_admin(bot, msg).await? {
        return Ok(Reply::text_in(lang, texts.admins_only));
    }
    let store = app.store();
    let text = if subscribe {
        let (kind, title) = match chat {
            ChatKind::Private => ("private", "private chat".to_string()),
            _ => ("group", msg.chat.title().unwrap_or("group").to_string()),
        };
        let when = texts.when_briefed(app.schedule.as_ref().map(|s| s.describe()).as_deref());
        if store.subscribe(msg.chat.id.0, kind, &title, now()).await? {
            texts.subscribed(&when)
        } else {
            texts.already_subscribed(&when)
        }
    } else if store.unsubscribe(msg.chat.id.0).await? {
        texts.unsubscribed.to_string()
    } else {
        texts.not_subscribed.to_string()
    };
    Ok(Reply::text_in(lang, text))
}

/// Whether the sender administers the group (an anonymous admin posts as
/// the group itself).
pub(super) async fn is_group_admin(bot: &TgBot, msg: &Message) -> Result<bool> {
    if msg
        .sender_chat
        .as_ref()
        .is_some_and(|c| c.id == msg.chat.id)
    {
        return Ok(true);
    }
    let Some(user) = &msg.from else {
        return Ok(false);
    };
    let member = bot.get_chat_member(msg.chat.id, user.id).await?;
    Ok(member.is_privileged())
}

/// Runs an admin command for a user listed in `BRIEFBOT_ADMINS`; anybody
/// else is told it is not for them.
pub async fn admin(
    bot: &TgBot,
    app: &App,
    user: Option<UserId>,
    cmd: AdminCommand,
    lang: Lang,
) -> Result<Reply> {
    let texts = crate::i18n::texts(lang);
    if !user.is_some_and(|u| app.admins.contains(&u.0)) {
        return Ok(Reply::text_in(lang, texts.bot_admins_only));
    }
    Ok(match cmd {
        AdminCommand::BriefNow => {
            let report = fan_out(app, bot, false, false).await?;
            Reply::text_in(lang, format!("{} {report}.", texts.briefings_report))
        }
        AdminCommand::Reload => match app.reload_everywhere().await {
            Ok(summary) => Reply::text_in(lang, format!("{} {summary}.", texts.reloaded)),
            Err(problems) => Reply::text_in(lang, format!("{}\n\n{problems}", texts.reload_failed)),
        },
        AdminCommand::Stats(period) => stats(app, &period).await?,
    })
}

async fn stats(app: &App, period: &str) -> Result<Reply> {
    let (label, seconds) = match period.trim().to_lowercase().as_str() {
        "" | "7d" | "week" => ("the last 7 days", Some(7 * 86_400)),
        "24h" | "1d" | "day" => ("the last 24 hours", Some(86_400)),
        "30d" | "month" => ("the last 30 days", Some(30 * 86_400)),
        "all" => ("all time", None),
        other => {
            return Ok(Reply::text(format!(
                "Usage: /stats [24h|7d|30d|all] — `{other}` is not one of them."
            )));
        }
    };
    let since = seconds.map_or(0, |s| now() - s);
    app.flush_questions().await;
    let s = app.store().stats(since).await?;
    let total = s.answered + s.declined;
    let mut body = format!(
        "{total} questions in {label}: {} answered, {} declined.",
        s.answered, s.declined
    );
    if !s.top_intents.is_empty() {
        let top: Vec<String> = s
            .top_intents
            .iter()
            .map(|(intent, n)| format!("{intent} ({n})"))
            .collect();
        body.push_str(&format!("\nTop intents: {}.", top.join(", ")));
    }
    body.push_str(&format!(
        "\nUnanswered questions recorded: {} — `briefbot unanswered` lists them grouped.",
        s.unanswered
    ));
    Ok(Reply {
        title: Some("Stats".to_string()),
        ..Reply::text(body)
    })
}

/// Subscribes the channels in `BRIEFBOT_CHANNELS` where the bot is an
/// administrator; says clearly, in the log, where it is not.
pub async fn sync_channels(app: &App, bot: &TgBot, me: &Me, channels: &[String]) {
    let mut configured = Vec::new();
    let mut unresolved = 0;
    for name in channels {
        let recipient = match name.parse::<i64>() {
            Ok(id) => Recipient::Id(ChatId(id)),
            Err(_) => Recipient::ChannelUsername(name.clone()),
        };
        let chat = match bot.get_chat(recipient).await {
            Ok(chat) => chat,
            Err(e) => {
                tracing::error!(
                    "BRIEFBOT_CHANNELS: {name}: Telegram does not know this channel or the bot is not in it ({e})"
                );
                unresolved += 1;
                continue;
            }
        };
        configured.push(chat.id.0);
        let title = chat.title().unwrap_or(name).to_string();
        let admin = bot
            .get_chat_member(chat.id, me.id)
            .await
            .is_ok_and(|m| m.is_privileged());
        let store = app.store();
        let mut result = store
            .subscribe(chat.id.0, "channel", &title, now())
            .await
            .map(|_| ());
        if result.is_ok() && !admin {
            let reason = "the bot is not an administrator of this channel";
            result = store.deactivate(chat.id.0, reason).await;
        }
        if let Err(e) = result {
            tracing::error!("BRIEFBOT_CHANNELS: {name}: {e}");
        } else if !admin {
            tracing::error!(
                "BRIEFBOT_CHANNELS: {name}: the bot is not an administrator of this channel, so it cannot post briefings there; add it as an administrator allowed to post, then restart"
            );
        }
    }
    // A channel subscribed by an earlier configuration, no longer listed.
    // Only when every listed channel was found: one Telegram could not look
    // up now may be among the subscribed ones.
    if unresolved > 0 {
        tracing::warn!(
            "BRIEFBOT_CHANNELS: {unresolved} listed channel(s) not found, so channels no longer listed are left as they are"
        );
        return;
    }
    let reason = "removed from BRIEFBOT_CHANNELS";
    match app
        .store()
        .deactivate_channels_except(&configured, reason)
        .await
    {
        Ok(removed) => {
            for (id, title) in removed {
                tracing::warn!(
                    "BRIEFBOT_CHANNELS: channel {id} ({title}) is no longer listed, so it gets no more briefings"
                );
            }
        }
        Err(e) => tracing::error!("BRIEFBOT_CHANNELS: {e}"),
    }
}

/// Sends briefings on the schedule, and retries deliveries left pending
/// (at start-up too) every few minutes, until the bot's stop is cancelled.
pub async fn scheduler(app: Arc<App>, bot: TgBot, schedule: Option<Schedule>) {
    let stop = bot.stop().clone();
    async fn pending(app: &App) -> bool {
        app.store()
            .pending()
            .await
            .map(|p| !p.is_empty())
            .unwrap_or(false)
    }
    // When another sender holds deliveries (a replica, or one that died
    // holding them), look again soon after their lease ends, not only at
    // the next retry round.
    let lease = app.delivery_lease + Duration::from_secs(1);
    let mut retry = RETRY_EVERY;
    let run = async |resume_only: bool| match fan_out(&app, &bot, false, resume_only).await {
        Ok(report) if report.claimed_elsewhere > 0 => lease.min(RETRY_EVERY),
        Ok(_) => RETRY_EVERY,
        Err(e) => {
            tracing::error!("briefings failed: {e:#}");
            RETRY_EVERY
        }
    };
    if pending(&app).await {
        retry = run(true).await;
    }
    let mut next = schedule
        .as_ref()
        .map(|s| s.next_after(jiff::Timestamp::now()));
    if let (Some(s), Some(at)) = (&schedule, next) {
        tracing::info!(schedule = %s.describe(), next = %at, "briefings scheduled");
    }
    while !stop.is_cancelled() {
        let now = jiff::Timestamp::now();
        let wait = next.map_or(retry, |at| {
            let ms = (at.as_millisecond() - now.as_millisecond()).max(0) as u64;
            Duration::from_millis(ms).min(retry)
        });
        if !shutdown::sleep(&stop, wait).await {
            break;
        }
        let now = jiff::Timestamp::now();
        let due = match next {
            Some(at) if at <= now => take_tick(&app, at).await,
            _ => false,
        };
        retry = RETRY_EVERY;
        if due || pending(&app).await {
            retry = run(!due).await;
        }
        if next.is_some_and(|at| at <= now) {
            next = schedule.as_ref().map(|s| s.next_after(now));
        }
    }
}

/// Whether this process runs the scheduled briefing due at `at`: of the
/// replicas sharing the state, the first to take the tick does; the others
/// only help with deliveries left pending. When the store cannot say (it is
/// down), it runs: planning twice queues nothing twice, and the claims
/// still send each delivery once.
async fn take_tick(app: &App, at: jiff::Timestamp) -> bool {
    let slot = at.to_string();
    match app
        .store()
        .claim_tick(&slot, crate::store::process_id(), now())
        .await
    {
        Ok(true) => true,
        Ok(false) => {
            tracing::info!(%slot, "another replica runs this scheduled briefing");
            false
        }
        Err(e) => {
            tracing::warn!(%slot, "could not take the scheduled briefing's tick, running it: {e}");
            true
        }
    }
}

/// A group became a supergroup (`from` → `to`): its subscription and
/// delivery log follow it.
pub async fn chat_moved(app: &App, from: ChatId, to: ChatId) {
    match app.store().move_chat(from.0, to.0).await {
        Ok(true) => tracing::info!(
            from = from.0,
            to = to.0,
            "the group became a supergroup; its subscription moved"
        ),
        Ok(false) => {}
        Err(e) => tracing::error!(
            from = from.0,
            to = to.0,
            "could not move the subscription: {e}"
        ),
    }
}

/// `briefbot brief --send`: one fan-out through the same path, then exit.
pub async fn send_now(
    config: &Config,
    kb: Arc<crate::kb::Kb>,
    force: bool,
    stop: CancellationToken,
) -> Result<Report> {
    let app = App::new(config, kb).await?;
    let bot = super::throttled_bot(config, stop)?;
    fan_out(&app, &bot, force, false).await
}
