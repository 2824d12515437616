//! The bot's state: subscriptions to briefings, the delivery log and its
//! claims, the events each chat has been briefed on, per-chat settings, the
//! updates already answered, and the question log behind the curators'
//! "unanswered" list and the admins' `/stats`.
//!
//! One contract, two backends: `Store::Sqlite` (a file, for one process or
//! several on one machine; the default, needs no server) and
//! `Store::Postgres` (a shared database, for replicas on several machines).
//! `BRIEFBOT_STATE` picks one (`Location`). The contract tests
//! (`tests/it/store_contract.rs`) run the same checks against both.
//!
//! # Invariants
//! - Only `store::sqlite` and `store::postgres` hold SQL. Everything else
//!   calls `Store`.
//! - The store never reads the clock: every time (unix seconds, `i64`) is
//!   passed in by the caller, so tests inject it.
//! - The schema is versioned on both backends (`PRAGMA user_version`; the
//!   `briefbot_schema` table): migration `i` takes version `i` to `i + 1`
//!   in its own transaction together with the version bump, all at `open`.
//!   A database newer than this binary knows is refused, never written to.
//! - Every method that writes more than one row does it in ONE transaction.
//!   So a crash (even `kill -9`) in the middle of a fan-out loses no
//!   subscription, and a delivery marked sent is exactly one whose
//!   subscription carries that edition and whose events are recorded as seen.
//!   A fan-out is `plan`, then, until `claim_next` has nothing left: claim
//!   one delivery, send it, then `delivered` (or `failed` / `gone`).
//! - A claim is taken in the same transaction that picks the row (on
//!   PostgreSQL with `FOR UPDATE SKIP LOCKED`), so any number of senders
//!   (tasks, processes, replicas) sharing the state deliver each (chat,
//!   edition) once. A claim is a lease: a sender killed mid-send holds it
//!   until `lease_until`, then any sender takes it over. So nobody is sent
//!   the same edition twice, except at most once the chat whose send was in
//!   flight when its sender died (sent by Telegram, not yet marked
//!   `delivered`).
//! - No user ids or names are stored: questions keep the kind of chat, the
//!   intent, whether it matched, and the text only of declined ones; an
//!   update keeps only its `update_id`.
//!
//! # Schema (version 4, the same tables on both backends)
//! - `subscription(chat_id PK, kind, title, since, active, note,
//!   last_briefing_at, last_edition)`;
//! - `delivery(id PK = queue order, edition, chat_id → subscription, status
//!   'pending' | 'sent' | 'dropped', attempts, last_error, queued_at,
//!   updated_at, claimed_by, lease_until)`, unique on `(edition, chat_id)`;
//!   a pending row is free when `claimed_by` is NULL or its lease is over;
//! - `seen_event(chat_id → subscription, event_key, at)`, primary key
//!   `(chat_id, event_key)`;
//! - `question(id PK, at, chat_kind, intent, matched, text)`, with `text` NULL
//!   whenever `matched`;
//! - `chat_setting(chat_id PK, lang)`;
//! - `seen_update(update_id PK, at)`: updates answered lately, so one that
//!   Telegram sends again (to any replica) is not answered twice;
//! - `tick(slot PK, owner, at)`: which process ran a scheduled briefing.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

mod location;
mod model;
pub mod postgres;
mod sqlite;

pub use location::{Location, redact_url};
pub use model::{Pending, Question, Result, Stats, StoreError, Subscriber};
pub use sqlite::Sqlite;

use crate::matcher::Lang;

/// How long an answered update's id is remembered, in seconds: Telegram
/// sends an update again when its webhook call failed or timed out, within
/// minutes, not days.
pub const UPDATE_MEMORY_SECONDS: i64 = 24 * 60 * 60;

/// This process's name in the shared state (delivery claims, ticks,
/// reload notifications): its pid and a random salt, so that two hosts'
/// pids never meet.
pub fn process_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        use std::hash::{BuildHasher, RandomState};
        let salt = RandomState::new().hash_one(std::process::id());
        format!("{}-{salt:016x}", std::process::id())
    })
}

/// The state, in one of its two backends.
pub enum Store {
    /// A SQLite file; calls are short and made in place.
    Sqlite(Mutex<Sqlite>),
    /// A PostgreSQL database shared by any number of processes.
    Postgres(postgres::Postgres),
}

/// Calls `$method` on whichever backend holds the state.
macro_rules! backend {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(db) => db
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .$method($($arg),*),
            Store::Postgres(db) => db.$method($($arg),*).await,
        }
    };
}

/// Opens the state `BRIEFBOT_STATE` names, the error naming the variable
/// (and never a password): what `serve`, `brief --send`, `subscribers` and
/// `unanswered` share.
pub async fn open_configured(config: &crate::config::Config) -> anyhow::Result<Store> {
    use anyhow::Context;
    Store::open(&config.state)
        .await
        .with_context(|| match &config.state {
            Location::File(path) => {
                format!(
                    "BRIEFBOT_STATE: cannot use the state file {}",
                    path.display()
                )
            }
            Location::Postgres(_) => format!(
                "BRIEFBOT_STATE: cannot use the PostgreSQL database {}",
                config.state.redacted()
            ),
        })
}

impl Store {
    /// Opens and migrates the state at `location`.
    pub async fn open(location: &Location) -> Result<Store> {
        match location {
            Location::File(path) => Ok(Store::Sqlite(Mutex::new(Sqlite::open(path)?))),
            Location::Postgres(url) => Ok(Store::Postgres(postgres::Postgres::open(url).await?)),
        }
    }

    /// Which backend: "sqlite" or "postgres" (for logs and `/healthz`).
    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(_) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// The PostgreSQL backend, when the state is shared (reload
    /// notifications, the webhook's replicas).
    pub fn shared(&self) -> Option<&postgres::Postgres> {
        match self {
            Store::Postgres(db) => Some(db),
            Store::Sqlite(_) => None,
        }
    }

    /// The schema version of the open database.
    pub async fn schema_version(&self) -> Result<u32> {
        backend!(self.schema_version())
    }

    /// Subscribes or re-activates a chat; updates kind/title. true if it was
    /// not active before. Keeps `since` and history of an already-active one.
    ///
    /// A re-activated chat gets `since = now` and its note cleared; its
    /// `last_edition` and seen events are kept, so it is not sent again an
    /// edition or events it already had.
    pub async fn subscribe(&self, chat_id: i64, kind: &str, title: &str, now: i64) -> Result<bool> {
        backend!(self.subscribe(chat_id, kind, title, now))
    }

    /// The chat unsubscribes itself. true if it was active. Its pending
    /// deliveries are dropped in the same transaction.
    pub async fn unsubscribe(&self, chat_id: i64) -> Result<bool> {
        backend!(self.unsubscribe(chat_id))
    }

    /// Marks inactive with a reason (a 403, "not an administrator" …), and
    /// drops its pending deliveries, in one transaction.
    pub async fn deactivate(&self, chat_id: i64, reason: &str) -> Result<()> {
        backend!(self.deactivate(chat_id, reason))
    }

    /// A group became a supergroup with a new id: in ONE transaction its
    /// subscription, delivery log, seen events and settings move to `to`.
    /// Where `to` already has rows, those win and the rest is merged. false
    /// when `from` has no subscription.
    pub async fn move_chat(&self, from: i64, to: i64) -> Result<bool> {
        backend!(self.move_chat(from, to))
    }

    /// Deactivates every active channel subscription whose chat id is not
    /// in `keep`, with `reason`, in one transaction. Returns the (chat id,
    /// title) of each.
    pub async fn deactivate_channels_except(
        &self,
        keep: &[i64],
        reason: &str,
    ) -> Result<Vec<(i64, String)>> {
        backend!(self.deactivate_channels_except(keep, reason))
    }

    /// All subscriptions, active and not, oldest first (since, then chat_id).
    pub async fn subscribers(&self) -> Result<Vec<Subscriber>> {
        backend!(self.subscribers())
    }

    /// One chat's subscription, if it ever subscribed.
    pub async fn subscriber(&self, chat_id: i64) -> Result<Option<Subscriber>> {
        backend!(self.subscriber(chat_id))
    }

    /// The event keys a chat has been briefed on.
    pub async fn seen_events(&self, chat_id: i64) -> Result<HashSet<String>> {
        backend!(self.seen_events(chat_id))
    }

    /// Queues `edition` for every active subscriber that lacks it (every
    /// one with `force`), in one transaction; how many were queued.
    pub async fn plan(&self, edition: &str, force: bool, now: i64) -> Result<usize> {
        backend!(self.plan(edition, force, now))
    }

    /// Pending deliveries of active subscribers, in queue order.
    pub async fn pending(&self) -> Result<Vec<Pending>> {
        backend!(self.pending())
    }

    /// Claims the next free pending delivery for `owner` until `now +
    /// lease`; `None` when nothing is free. See the module's invariants.
    pub async fn claim_next(&self, owner: &str, now: i64, lease: i64) -> Result<Option<Pending>> {
        backend!(self.claim_next(owner, now, lease))
    }

    /// Pending deliveries another sender holds now (lease not over).
    pub async fn claimed_elsewhere(&self, owner: &str, now: i64) -> Result<usize> {
        backend!(self.claimed_elsewhere(owner, now))
    }

    /// The delivery is sent: in one transaction the row, the subscription's
    /// last edition and the chat's seen events.
    pub async fn delivered(
        &self,
        edition: &str,
        chat_id: i64,
        event_keys: &[String],
        now: i64,
    ) -> Result<()> {
        backend!(self.delivered(edition, chat_id, event_keys, now))
    }

    /// A failure to retry later; the claim's lease ends now.
    pub async fn failed(&self, edition: &str, chat_id: i64, error: &str, now: i64) -> Result<()> {
        backend!(self.failed(edition, chat_id, error, now))
    }

    /// The chat is gone (403 …): the delivery dropped and the subscription
    /// deactivated, in one transaction.
    pub async fn gone(&self, edition: &str, chat_id: i64, reason: &str, now: i64) -> Result<()> {
        backend!(self.gone(edition, chat_id, reason, now))
    }

    /// Every delivery row for a chat (edition, status, attempts), oldest first.
    pub async fn deliveries(&self, chat_id: i64) -> Result<Vec<(String, String, u32)>> {
        backend!(self.deliveries(chat_id))
    }

    /// Logs several questions in one transaction; the text is kept only for
    /// declined ones.
    pub async fn record_questions(&self, questions: &[Question]) -> Result<()> {
        backend!(self.record_questions(questions))
    }

    /// Declined questions since `since` (inclusive): (text, at, chat_kind),
    /// newest first.
    pub async fn unanswered(&self, since: i64) -> Result<Vec<(String, i64, String)>> {
        backend!(self.unanswered(since))
    }

    /// Question counts since `since` (inclusive), for `/stats`.
    pub async fn stats(&self, since: i64) -> Result<Stats> {
        backend!(self.stats(since))
    }

    /// Sets the language of a chat's replies.
    pub async fn set_lang(&self, chat_id: i64, lang: Lang) -> Result<()> {
        backend!(self.set_lang(chat_id, lang))
    }

    /// The language a chat set with `/lang`, if it set one.
    pub async fn lang_of(&self, chat_id: i64) -> Result<Option<Lang>> {
        backend!(self.lang_of(chat_id))
    }

    /// Records that update `update_id` is being answered: true the first
    /// time, false when any process sharing the state has seen it (in the
    /// last `UPDATE_MEMORY_SECONDS`), so a retried update is answered once.
    pub async fn first_sight(&self, update_id: i64, now: i64) -> Result<bool> {
        backend!(self.first_sight(update_id, now))
    }

    /// Takes the scheduled tick `slot` (e.g. "2026-12-01T07:00") for
    /// `owner`: true for exactly one of the processes sharing the state,
    /// which then runs it; the others skip it.
    pub async fn claim_tick(&self, slot: &str, owner: &str, now: i64) -> Result<bool> {
        backend!(self.claim_tick(slot, owner, now))
    }
}
