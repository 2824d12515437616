//! The update tree and its handlers. Each handler converts the update,
//! calls the core (`answer`), and sends the reply; decisions live in
//! `route` and the core.

use std::sync::Arc;

use anyhow::Result;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{
    InlineQueryResult, InlineQueryResultArticle, InputMessageContent, InputMessageContentText, Me,
    ParseMode,
};

use super::app::App;
use super::bot::{TgBot, send};
use super::briefings;
use super::flood::Verdict;
use super::format::{self, MAX_MESSAGE_CHARS};
use super::route::{self, ChatKind, Incoming};
use crate::answer::{self, ChatState};
use crate::command::{self, Command};
use crate::matcher::{self, Lang};
use crate::metrics::{self, Outcome};
use crate::render::Reply;

/// How many answers an inline query offers (Telegram allows 50).
const MAX_INLINE_RESULTS: usize = 5;

/// What a chat over the flood limit is told, once.
/// The update tree: messages and button presses.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .inspect(count_update)
        .filter_async(first_sight)
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline))
}

/// Every update counts, by kind; one that arrived means the Bot API (or
/// Telegram, posting to the webhook) is up.
fn count_update(upd: Update, app: Arc<App>) {
    use teloxide::types::UpdateKind;
    let kind = match upd.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback",
        UpdateKind::InlineQuery(_) => "inline",
        _ => "other",
    };
    app.metrics.update(kind);
    app.metrics.api_ok(metrics::unix_now());
}

/// How long a command that writes to the state waits before each retry
/// when the state cannot take it: a database restarting or failing over
/// is back within seconds.
const SAVE_RETRIES: [std::time::Duration; 3] = [
    std::time::Duration::from_millis(500),
    std::time::Duration::from_secs(2),
    std::time::Duration::from_secs(5),
];

/// Runs a command that writes to the state (each is idempotent), trying
/// again after `SAVE_RETRIES` while the state cannot take it. When it
/// still cannot (the database is down), the chat is told to send it again,
/// in `lang`; any other error stays an error.
async fn saved<F: Future<Output = Result<Reply>>>(
    command: impl Fn() -> F,
    lang: Lang,
    stop: &crate::shutdown::CancellationToken,
) -> Result<Reply> {
    let store_down = |r: &Result<Reply>| {
        r.as_ref()
            .is_err_and(|e| e.downcast_ref::<crate::store::StoreError>().is_some())
    };
    let mut reply = command().await;
    for wait in SAVE_RETRIES {
        if !store_down(&reply) {
            break;
        }
        tracing::warn!("the state cannot take a chat's command; trying again in {wait:?}");
        if !crate::shutdown::sleep(stop, wait).await {
            break;
        }
        reply = command().await;
    }
    match reply {
        Err(e) if e.downcast_ref::<crate::store::StoreError>().is_some() => {
            tracing::error!("could not save a chat's command: {e:#}");
            Ok(Reply::text_in(lang, crate::i18n::texts(lang).not_saved))
        }
        other => other,
    }
}

/// false for an update already answered, by this process or another
/// sharing the state: Telegram posts an update again when the answer to
/// its webhook call was slow or lost, and may post it to another replica.
/// When the store cannot say (it is down), the update is answered.
async fn first_sight(upd: Update, app: Arc<App>) -> bool {
    if !app.dedup_updates {
        return true;
    }
    match app
        .store()
        .first_sight(i64::from(upd.id.0), briefings::now())
        .await
    {
        Ok(true) => true,
        Ok(false) => {
            tracing::info!(update_id = upd.id.0, "update already answered; skipped");
            false
        }
        Err(e) => {
            tracing::warn!(
                update_id = upd.id.0,
                "could not check the update against the state: {e}"
            );
            true
        }
    }
}

#[tracing::instrument(name = "update", skip_all, fields(update_id = upd.id.0, kind = "message"))]
async fn on_message(bot: TgBot, upd: Update, msg: Message, me: Me, app: Arc<App>) -> Result<()> {
    // A group that became a supergroup: Telegram says so in both chats.
    if let Some(to) = msg.migrate_to_chat_id() {
        briefings::chat_moved(&app, msg.chat.id, *to).await;
        return Ok(());
    }
    if let Some(from) = msg.migrate_from_chat_id() {
        briefings::chat_moved(&app, *from, msg.chat.id).await;
        return Ok(());
    }
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
    // The chat's language: its `/lang`, else in a private chat the user's
    // Telegram language; a question's own language still wins.
    let stored = app.store().lang_of(msg.chat.id.0).await.ok().flatten();
    let chat_lang = stored.or_else(|| {
        (chat == ChatKind::Private)
            .then(|| msg.from.as_ref()?.language_code.as_deref())
            .flatten()
            .and_then(Lang::from_code)
    });
    // Notices in the chat's language, else the message's: detected only
    // for a notice, since answering detects the question's language itself.
    let notice_lang = || {
        chat_lang
            .or_else(|| matcher::detect_lang(&app.kb(), &question))
            .unwrap_or_default()
    };
    match app.admit(msg.chat.id) {
        Verdict::Answer => {}
        Verdict::Notice => {
            tracing::warn!(
                chat_kind = chat.as_str(),
                "flood: dropping messages for a while"
            );
            let lang = notice_lang();
            let notice = Reply::text_in(lang, crate::i18n::texts(lang).flood);
            send(&bot, msg.chat.id, &notice, reply_to).await?;
            return Ok(());
        }
        Verdict::Drop => return Ok(()),
    }
    let user = msg.from.as_ref().map(|u| u.id);
    let reply = match command::parse(&question) {
        Some(Command::Lang(code)) => {
            let set = || set_lang(&bot, &app, &msg, chat, &code);
            saved(set, notice_lang(), bot.stop()).await?
        }
        Some(command @ (Command::Subscribe | Command::Unsubscribe)) => {
            let on = command == Command::Subscribe;
            let change = || briefings::subscription(&bot, &app, &msg, chat, on, notice_lang());
            saved(change, notice_lang(), bot.stop()).await?
        }
        Some(Command::Admin(cmd)) => briefings::admin(&bot, &app, user, cmd, notice_lang()).await?,
        parsed => {
            let kb = app.kb();
            let started = std::time::Instant::now();
            let state = ChatState {
                subject: app.subject(msg.chat.id),
                ..ChatState::in_lang(chat_lang)
            };
            let outcome = answer::answer(&kb, &state, &question);
            app.set_subject(msg.chat.id, outcome.subject.clone());
            // Never the message text at info level: groups are private spaces.
            tracing::info!(
                chat_kind = chat.as_str(),
                intent = outcome.intent.as_deref().unwrap_or("-"),
                matched = outcome.matched,
                micros = started.elapsed().as_micros() as u64,
                "answered"
            );
            if matches!(parsed, None | Some(Command::Ask(_))) {
                app.record(chat, &question, &outcome).await;
                let counted = if outcome.matched {
                    Outcome::Answered
                } else if outcome.choices {
                    Outcome::Choices
                } else {
                    Outcome::Declined
                };
                let seconds = started.elapsed().as_secs_f64();
                app.metrics
                    .question(counted, outcome.reply.lang.code(), seconds);
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
    // A button keeps the language of the message it sits under.
    let under = message
        .regular_message()
        .and_then(|m| m.text())
        .unwrap_or_default();
    let lang = match matcher::detect_lang(&kb, under) {
        Some(lang) => lang,
        None => app
            .store()
            .lang_of(message.chat().id.0)
            .await
            .ok()
            .flatten()
            .unwrap_or_default(),
    };
    let kb = kb.in_lang(lang);
    let outcome = answer::answer_key(kb, key).unwrap_or_else(|| answer::decline(kb, 0.0));
    send(&bot, message.chat().id, &outcome.reply, None).await?;
    Ok(())
}

/// `@botname QUERY` in any chat: the best answers as articles.
#[tracing::instrument(name = "update", skip_all, fields(update_id = upd.id.0, kind = "inline"))]
async fn on_inline(bot: TgBot, upd: Update, q: InlineQuery, app: Arc<App>) -> Result<()> {
    // In the language of the query, else of the user's Telegram.
    let all = app.kb();
    let lang = matcher::detect_lang(&all, &q.query)
        .or_else(|| q.from.language_code.as_deref().and_then(Lang::from_code))
        .unwrap_or_default();
    let kb = all.in_lang(lang);
    let results: Vec<InlineQueryResult> = answer::best_answers(kb, &q.query, MAX_INLINE_RESULTS)
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
            let title = reply.title.clone().unwrap_or_else(|| kb.bot.name.clone());
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

/// `/lang en|sq`: in a group, for its administrators only.
async fn set_lang(
    bot: &TgBot,
    app: &App,
    msg: &Message,
    chat: ChatKind,
    code: &str,
) -> Result<Reply> {
    let kb = app.kb();
    let Some(lang) = Lang::from_code(code).filter(|l| kb.langs().contains(l)) else {
        return Ok(command::run(&kb, Command::Lang(code.to_string())).reply);
    };
    if chat == ChatKind::Group && !briefings::is_group_admin(bot, msg).await? {
        return Ok(Reply::text_in(lang, crate::i18n::texts(lang).admins_only));
    }
    app.store().set_lang(msg.chat.id.0, lang).await?;
    Ok(command::run(&kb, Command::Lang(code.to_string())).reply)
}
