//! The embedded database (SQLite): subscriptions to briefings, the delivery
//! log, the events each chat has been briefed on, and the question log behind
//! the curators' "unanswered" list and the admins' `/stats`.
//!
//! # Invariants
//! - This is the only module that holds SQL. Everything else calls `Store`.
//! - The store never reads the clock: every time (unix seconds, `i64`) is
//!   passed in by the caller, so tests inject it.
//! - The schema is versioned with `PRAGMA user_version`: `MIGRATIONS[i]`
//!   takes a database from version `i` to `i + 1`, each in its own
//!   transaction together with the version bump, all at `Store::open`. A
//!   database newer than this binary knows is refused (`StoreError::TooNew`),
//!   never written to.
//! - Every method that writes more than one row does it in ONE transaction.
//!   So a crash (even `kill -9`) in the middle of a fan-out loses no
//!   subscription, and a delivery marked sent is exactly one whose
//!   subscription carries that edition and whose events are recorded as seen.
//!   A fan-out is `plan`, then for each of `pending`: send, then `delivered`
//!   (or `failed` / `gone`). Restarted after a crash, it resumes with `pending`
//!   and sends nobody the same edition twice, except at most once the chat
//!   whose send was in flight (sent by Telegram, not yet marked `delivered`).
//! - No user ids or names are stored: questions keep the kind of chat, the
//!   intent, whether it matched, and the text only of declined ones.
//!
//! # Schema (version 1)
//! - `subscription(chat_id PK, kind, title, since, active, note,
//!   last_briefing_at, last_edition)`;
//! - `delivery(id PK = queue order, edition, chat_id → subscription, status
//!   'pending' | 'sent' | 'dropped', attempts, last_error, queued_at,
//!   updated_at)`, unique on `(edition, chat_id)`;
//! - `seen_event(chat_id → subscription, event_key, at)`, primary key
//!   `(chat_id, event_key)`;
//! - `question(id PK, at, chat_kind, intent, matched, text)`, with `text` NULL
//!   whenever `matched`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

/// The schema migrations, in order: `MIGRATIONS[i]` takes `user_version` `i`
/// to `i + 1`. Append only; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: subscriptions, deliveries, seen events, questions.
    "CREATE TABLE subscription (
        chat_id          INTEGER PRIMARY KEY,
        kind             TEXT    NOT NULL,
        title            TEXT    NOT NULL,
        since            INTEGER NOT NULL,
        active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        note             TEXT,
        last_briefing_at INTEGER,
        last_edition     TEXT
    ) STRICT;
    CREATE TABLE delivery (
        id         INTEGER PRIMARY KEY,
        edition    TEXT    NOT NULL,
        chat_id    INTEGER NOT NULL REFERENCES subscription (chat_id),
        status     TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'dropped')),
        attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error TEXT,
        queued_at  INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (edition, chat_id)
    ) STRICT;
    CREATE INDEX delivery_by_status ON delivery (status, queued_at, id);
    CREATE INDEX delivery_by_chat ON delivery (chat_id);
    CREATE TABLE seen_event (
        chat_id   INTEGER NOT NULL REFERENCES subscription (chat_id),
        event_key TEXT    NOT NULL,
        at        INTEGER NOT NULL,
        PRIMARY KEY (chat_id, event_key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE question (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        chat_kind TEXT    NOT NULL,
        intent    TEXT,
        matched   INTEGER NOT NULL CHECK (matched IN (0, 1)),
        text      TEXT,
        CHECK (matched = 0 OR text IS NULL)
    ) STRICT;
    CREATE INDEX question_by_at ON question (at);",
];

/// How long a write waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The subscriptions, deliveries and question log, in one SQLite file.
pub struct Store {
    conn: Connection,
}

/// What can go wrong with the store. Errors at `open` name the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The parent directory of the database could not be created.
    #[error("{}: cannot create the database's directory: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file could not be opened or set up as a SQLite database.
    #[error("{}: cannot open the database: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// A migration failed; the database stays at `version - 1`.
    #[error("{}: migration to schema version {version} failed: {source}", path.display())]
    Migrate {
        path: PathBuf,
        version: u32,
        source: rusqlite::Error,
    },
    /// The database was written by a newer briefbot.
    #[error(
        "{}: the database has schema version {found}, newer than the {known} this briefbot knows; \
         run a newer briefbot or point it at another file",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    /// `deactivate`, `delivered`, `failed` or `gone` for a chat that never subscribed.
    #[error("chat {chat_id} has no subscription")]
    UnknownChat { chat_id: i64 },
    /// Any other database error, after a successful open.
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One chat's subscription, active or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub chat_id: i64,
    /// "private" | "group" | "channel": free text to the store.
    pub kind: String,
    pub title: String,
    /// When it (re)subscribed.
    pub since: i64,
    pub active: bool,
    /// Why it is inactive (e.g. "403: bot was blocked by the user"); `None`
    /// when active or unsubscribed by the chat itself.
    pub note: Option<String>,
    pub last_briefing_at: Option<i64>,
    pub last_edition: Option<String>,
}

/// A delivery still to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub edition: String,
    pub chat_id: i64,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// One question asked of the bot. No user ids or names, ever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub at: i64,
    pub chat_kind: String,
    pub intent: Option<String>,
    pub matched: bool,
    /// Kept only for declined questions (`matched == false`): `record_question`
    /// drops it for matched ones.
    pub text: Option<String>,
}

/// Question counts over a time window, for `/stats`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Matched questions.
    pub answered: u64,
    /// Questions not matched.
    pub declined: u64,
    /// The 5 most frequent intents of matched questions: count descending,
    /// then intent id ascending.
    pub top_intents: Vec<(String, u64)>,
    /// Declined questions whose text was kept.
    pub unanswered: u64,
}

const SUBSCRIBER_COLUMNS: &str =
    "chat_id, kind, title, since, active, note, last_briefing_at, last_edition";

fn subscriber_from_row(row: &Row<'_>) -> rusqlite::Result<Subscriber> {
    Ok(Subscriber {
        chat_id: row.get(0)?,
        kind: row.get(1)?,
        title: row.get(2)?,
        since: row.get(3)?,
        active: row.get(4)?,
        note: row.get(5)?,
        last_briefing_at: row.get(6)?,
        last_edition: row.get(7)?,
    })
}

/// Opens the state file `BRIEFBOT_STATE` names, the error naming the
/// variable: what `serve`, `brief --send`, `subscribers` and `unanswered`
/// share.
pub fn open_configured(config: &crate::config::Config) -> anyhow::Result<Store> {
    use anyhow::Context;
    Store::open(&config.state_path).with_context(|| {
        format!(
            "BRIEFBOT_STATE: cannot use the state file {}",
            config.state_path.display()
        )
    })
}

impl Store {
    /// Opens (creating the file and its parent directories) and migrates.
    ///
    /// Sets WAL journal mode, `synchronous=FULL`, foreign keys and a busy
    /// timeout. Refuses a database newer than `MIGRATIONS` knows.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: path.to_owned(),
                source,
            })?;
        }
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // Reading the header first makes a file that is not a database fail
        // here, as an `Open` error, and lets a too-new one be refused before
        // anything is written to it.
        let found: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(open_err)?;
        let known = MIGRATIONS.len() as u32;
        if found > known {
            return Err(StoreError::TooNew {
                path: path.to_owned(),
                found,
                known,
            });
        }
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(open_err(rusqlite::Error::InvalidParameterName(format!(
                "journal_mode: asked for WAL, got {mode}"
            ))));
        }
        // FULL rather than NORMAL: with WAL, NORMAL already survives a
        // process crash (kill -9), but a power loss or OS crash may roll back
        // the last commits — a lost subscription, or a `delivered` forgotten
        // and so a briefing sent twice. FULL syncs the WAL at every commit;
        // the bot writes a few rows per message or delivery, so the cost is
        // small and the guarantees hold for power loss too.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(open_err)?;
        migrate(&mut conn, path)?;
        Ok(Store { conn })
    }

    /// Starts a write transaction. IMMEDIATE takes the write lock at once,
    /// so a read-then-write (as in `subscribe`) waits on `busy_timeout` for
    /// another writer instead of failing with a stale snapshot.
    fn write(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
    }

    /// The schema version of the open database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Subscribes or re-activates a chat; updates kind/title. true if it was
    /// not active before. Keeps `since` and history of an already-active one.
    ///
    /// A re-activated chat gets `since = now` and its note cleared; its
    /// `last_edition` and seen events are kept, so it is not sent again an
    /// edition or events it already had.
    pub fn subscribe(&mut self, chat_id: i64, kind: &str, title: &str, now: i64) -> Result<bool> {
        let tx = self.write()?;
        let was_active: Option<bool> = tx
            .query_row(
                "SELECT active FROM subscription WHERE chat_id = ?1",
                [chat_id],
                |r| r.get(0),
            )
            .optional()?;
        match was_active {
            None => {
                tx.execute(
                    "INSERT INTO subscription (chat_id, kind, title, since, active)
                     VALUES (?1, ?2, ?3, ?4, 1)",
                    params![chat_id, kind, title, now],
                )?;
            }
            Some(true) => {
                tx.execute(
                    "UPDATE subscription SET kind = ?2, title = ?3 WHERE chat_id = ?1",
                    params![chat_id, kind, title],
                )?;
            }
            Some(false) => {
                tx.execute(
                    "UPDATE subscription SET kind = ?2, title = ?3, since = ?4, active = 1, note = NULL
                     WHERE chat_id = ?1",
                    params![chat_id, kind, title, now],
                )?;
            }
        }
        tx.commit()?;
        Ok(was_active != Some(true))
    }

    /// The chat unsubscribes itself. true if it was active.
    ///
    /// Its pending deliveries are dropped in the same transaction, so a chat
    /// that comes back later is not sent a stale edition.
    pub fn unsubscribe(&mut self, chat_id: i64) -> Result<bool> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE subscription SET active = 0, note = NULL WHERE chat_id = ?1 AND active = 1",
            [chat_id],
        )?;
        drop_pending(&tx, chat_id, None, "unsubscribed")?;
        tx.commit()?;
        Ok(changed > 0)
    }

    /// Marks inactive with a reason (a 403, "not an administrator" …), and
    /// drops its pending deliveries, in one transaction.
    pub fn deactivate(&mut self, chat_id: i64, reason: &str) -> Result<()> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE subscription SET active = 0, note = ?2 WHERE chat_id = ?1",
            params![chat_id, reason],
        )?;
        if changed == 0 {
            return Err(StoreError::UnknownChat { chat_id });
        }
        drop_pending(&tx, chat_id, None, reason)?;
        tx.commit()?;
        Ok(())
    }

    /// All subscriptions, active and not, oldest first (since, then chat_id).
    pub fn subscribers(&self) -> Result<Vec<Subscriber>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SUBSCRIBER_COLUMNS} FROM subscription ORDER BY since, chat_id"
        ))?;
        let rows = stmt.query_map([], subscriber_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One chat's subscription, if it ever subscribed.
    pub fn subscriber(&self, chat_id: i64) -> Result<Option<Subscriber>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscription WHERE chat_id = ?1"),
                [chat_id],
                subscriber_from_row,
            )
            .optional()?)
    }

    /// The event keys a chat has been briefed on.
    pub fn seen_events(&self, chat_id: i64) -> Result<HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT event_key FROM seen_event WHERE chat_id = ?1")?;
        let rows = stmt.query_map([chat_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// In ONE transaction: queues a delivery (edition, chat, status pending)
    /// for every ACTIVE subscriber whose last_edition != edition and that has
    /// no delivery row for this edition yet; with force, for every active
    /// subscriber, resetting an existing row of this edition to pending.
    /// Returns how many were queued. Calling it twice without force queues
    /// nothing the second time.
    ///
    /// A row `dropped` by `unsubscribe`/`deactivate`/`gone` does not count as
    /// a delivery: a chat that has come back is queued again (attempts reset).
    /// Chats are queued oldest subscription first.
    pub fn plan(&mut self, edition: &str, force: bool, now: i64) -> Result<usize> {
        let tx = self.write()?;
        // The `WHERE` before `ON CONFLICT` is required by SQLite's grammar for
        // an upsert from a SELECT; it also filters.
        let queued = if force {
            tx.execute(
                "INSERT INTO delivery (edition, chat_id, status, attempts, queued_at, updated_at)
                 SELECT ?1, chat_id, 'pending', 0, ?2, ?2 FROM subscription
                 WHERE active = 1
                 ORDER BY since, chat_id
                 ON CONFLICT (edition, chat_id) DO UPDATE SET
                     status = 'pending', attempts = 0, last_error = NULL,
                     queued_at = excluded.queued_at, updated_at = excluded.updated_at",
                params![edition, now],
            )?
        } else {
            tx.execute(
                "INSERT INTO delivery (edition, chat_id, status, attempts, queued_at, updated_at)
                 SELECT ?1, chat_id, 'pending', 0, ?2, ?2 FROM subscription
                 WHERE active = 1 AND last_edition IS NOT ?1
                 ORDER BY since, chat_id
                 ON CONFLICT (edition, chat_id) DO UPDATE SET
                     status = 'pending', attempts = 0, last_error = NULL,
                     queued_at = excluded.queued_at, updated_at = excluded.updated_at
                 WHERE delivery.status = 'dropped'",
                params![edition, now],
            )?
        };
        tx.commit()?;
        Ok(queued)
    }

    /// Pending deliveries of ACTIVE subscribers (any edition), in queue order.
    pub fn pending(&self) -> Result<Vec<Pending>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.edition, d.chat_id, d.attempts
             FROM delivery AS d JOIN subscription AS s ON s.chat_id = d.chat_id
             WHERE d.status = 'pending' AND s.active = 1
             ORDER BY d.queued_at, d.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Pending {
                edition: r.get(0)?,
                chat_id: r.get(1)?,
                attempts: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// In ONE transaction: the delivery is sent; the subscription's
    /// last_edition/last_briefing_at are set; the event keys are added to the
    /// chat's seen events.
    ///
    /// Works without a planned row too (one is recorded as sent), so a
    /// briefing sent on demand is logged the same way.
    pub fn delivered(
        &mut self,
        edition: &str,
        chat_id: i64,
        event_keys: &[String],
        now: i64,
    ) -> Result<()> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE subscription SET last_edition = ?2, last_briefing_at = ?3 WHERE chat_id = ?1",
            params![chat_id, edition, now],
        )?;
        if changed == 0 {
            return Err(StoreError::UnknownChat { chat_id });
        }
        tx.execute(
            "INSERT INTO delivery (edition, chat_id, status, attempts, queued_at, updated_at)
             VALUES (?1, ?2, 'sent', 0, ?3, ?3)
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 status = 'sent', updated_at = excluded.updated_at",
            params![edition, chat_id, now],
        )?;
        {
            let mut seen = tx.prepare(
                "INSERT INTO seen_event (chat_id, event_key, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
            )?;
            for key in event_keys {
                seen.execute(params![chat_id, key, now])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// A failure to retry later: attempts + 1, last_error; stays pending.
    ///
    /// Records a pending row if none was planned.
    pub fn failed(&mut self, edition: &str, chat_id: i64, error: &str, now: i64) -> Result<()> {
        let tx = self.write()?;
        ensure_subscription(&tx, chat_id)?;
        tx.execute(
            "INSERT INTO delivery (edition, chat_id, status, attempts, last_error, queued_at, updated_at)
             VALUES (?1, ?2, 'pending', 1, ?3, ?4, ?4)
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 attempts = attempts + 1, last_error = excluded.last_error,
                 updated_at = excluded.updated_at",
            params![edition, chat_id, error, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The chat is gone (403 …): in ONE transaction the delivery is dropped
    /// and the subscription deactivated with the reason.
    ///
    /// "Dropped" keeps the row (status `dropped`, `last_error` = reason) for
    /// the history shown by `deliveries`; the chat's other pending deliveries
    /// are dropped too.
    pub fn gone(&mut self, edition: &str, chat_id: i64, reason: &str, now: i64) -> Result<()> {
        let tx = self.write()?;
        let changed = tx.execute(
            "UPDATE subscription SET active = 0, note = ?2 WHERE chat_id = ?1",
            params![chat_id, reason],
        )?;
        if changed == 0 {
            return Err(StoreError::UnknownChat { chat_id });
        }
        tx.execute(
            "INSERT INTO delivery (edition, chat_id, status, attempts, last_error, queued_at, updated_at)
             VALUES (?1, ?2, 'dropped', 0, ?3, ?4, ?4)
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 status = 'dropped', last_error = excluded.last_error,
                 updated_at = excluded.updated_at",
            params![edition, chat_id, reason, now],
        )?;
        drop_pending(&tx, chat_id, Some(now), reason)?;
        tx.commit()?;
        Ok(())
    }

    /// Every delivery row for a chat (edition, status, attempts), oldest
    /// first — for tests and `briefbot subscribers`. Status is `pending`,
    /// `sent` or `dropped`.
    pub fn deliveries(&self, chat_id: i64) -> Result<Vec<(String, String, u32)>> {
        let mut stmt = self.conn.prepare(
            "SELECT edition, status, attempts FROM delivery WHERE chat_id = ?1
             ORDER BY queued_at, id",
        )?;
        let rows = stmt.query_map([chat_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Logs a question. Its text is stored only if it was declined
    /// (`matched == false`); for a matched one it is dropped.
    pub fn record_question(&mut self, q: &Question) -> Result<()> {
        self.record_questions(std::slice::from_ref(q))
    }

    /// Logs several questions in one transaction (one sync to disk): the
    /// bot buffers them so that answering never waits for the disk.
    pub fn record_questions(&mut self, questions: &[Question]) -> Result<()> {
        let tx = self.write()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO question (at, chat_kind, intent, matched, text) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for q in questions {
                let text = if q.matched { None } else { q.text.as_deref() };
                insert.execute(params![q.at, q.chat_kind, q.intent, q.matched, text])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Declined questions since `since` (inclusive): (text, at, chat_kind),
    /// newest first.
    pub fn unanswered(&self, since: i64) -> Result<Vec<(String, i64, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT text, at, chat_kind FROM question
             WHERE matched = 0 AND text IS NOT NULL AND at >= ?1
             ORDER BY at DESC, id DESC",
        )?;
        let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Questions since `since` (inclusive): answered = matched questions,
    /// declined = not matched, top_intents = the 5 most frequent intents of
    /// matched questions (count desc, then id), unanswered = declined
    /// questions with text.
    pub fn stats(&self, since: i64) -> Result<Stats> {
        let (answered, declined, unanswered) = self.conn.query_row(
            "SELECT
                 COUNT(*) FILTER (WHERE matched = 1),
                 COUNT(*) FILTER (WHERE matched = 0),
                 COUNT(*) FILTER (WHERE matched = 0 AND text IS NOT NULL)
             FROM question WHERE at >= ?1",
            [since],
            |r| Ok((count(r, 0)?, count(r, 1)?, count(r, 2)?)),
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT intent, COUNT(*) AS n FROM question
             WHERE matched = 1 AND intent IS NOT NULL AND at >= ?1
             GROUP BY intent ORDER BY n DESC, intent ASC LIMIT 5",
        )?;
        let top_intents = stmt
            .query_map([since], |r| Ok((r.get(0)?, count(r, 1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Stats {
            answered,
            declined,
            top_intents,
            unanswered,
        })
    }
}

/// A `COUNT(*)` column as `u64` (rusqlite reads `u64` only with a feature).
fn count(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    let n: i64 = row.get(idx)?;
    u64::try_from(n).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Integer, Box::new(e))
    })
}

/// Applies the migrations the database lacks, each in its own transaction
/// with its `user_version` bump. The version is read again inside an
/// IMMEDIATE transaction, so two processes opening at once do not both
/// migrate.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as u32 + 1;
        let migrate_err = |source| StoreError::Migrate {
            path: path.to_owned(),
            version,
            source,
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(migrate_err)?;
        let current: u32 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(migrate_err)?;
        if current > MIGRATIONS.len() as u32 {
            return Err(StoreError::TooNew {
                path: path.to_owned(),
                found: current,
                known: MIGRATIONS.len() as u32,
            });
        }
        if current >= version {
            continue;
        }
        tx.execute_batch(sql).map_err(migrate_err)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(migrate_err)?;
        tx.commit().map_err(migrate_err)?;
    }
    Ok(())
}

/// `UnknownChat` unless the chat has a subscription row.
fn ensure_subscription(conn: &Connection, chat_id: i64) -> Result<()> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM subscription WHERE chat_id = ?1)",
        [chat_id],
        |r| r.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::UnknownChat { chat_id })
    }
}

/// Drops a chat's pending deliveries, keeping the rows with the reason.
/// `now` updates `updated_at` when given (the callers that have no time
/// leave it as it was).
fn drop_pending(conn: &Connection, chat_id: i64, now: Option<i64>, reason: &str) -> Result<()> {
    conn.execute(
        "UPDATE delivery SET status = 'dropped', last_error = ?2,
             updated_at = COALESCE(?3, updated_at)
         WHERE chat_id = ?1 AND status = 'pending'",
        params![chat_id, reason, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ks: &[&str]) -> Vec<String> {
        ks.iter().map(|k| k.to_string()).collect()
    }

    fn temp_store() -> (tempfile::TempDir, PathBuf, Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("briefbot.sqlite");
        let store = Store::open(&path).unwrap();
        (dir, path, store)
    }

    fn question(at: i64, intent: Option<&str>, matched: bool, text: Option<&str>) -> Question {
        Question {
            at,
            chat_kind: "private".into(),
            intent: intent.map(str::to_string),
            matched,
            text: text.map(str::to_string),
        }
    }

    #[test]
    fn open_migrates_an_empty_file_to_the_latest_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.sqlite");
        std::fs::write(&path, b"").unwrap();
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let synchronous: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(synchronous, 2, "FULL");
        drop(store);
        // Opening again migrates nothing and keeps the version.
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
    }

    #[test]
    fn open_creates_parent_directories() {
        let (_dir, path, _store) = temp_store();
        assert!(path.exists());
    }

    #[test]
    fn a_newer_database_is_refused_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = Store::open(&path).err().expect("refused");
        match &err {
            StoreError::TooNew {
                path: p,
                found,
                known,
            } => {
                assert_eq!(p, &path);
                assert_eq!(*found, 99);
                assert_eq!(*known, MIGRATIONS.len() as u32);
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
        let message = err.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("99"), "{message}");
        // Nothing was written: still version 99, not switched to WAL.
        let conn = Connection::open(&path).unwrap();
        let v: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 99);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_an_open_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "this is not a database, just some text. ".repeat(50)).unwrap();
        let err = Store::open(&path).err().expect("refused");
        assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
        assert!(err.to_string().contains(&path.display().to_string()));
    }

    #[test]
    fn reopening_keeps_subscriptions_deliveries_and_questions() {
        let (_dir, path, mut store) = temp_store();
        store.subscribe(1, "private", "Ana", 100).unwrap();
        store.subscribe(2, "group", "Newsroom", 101).unwrap();
        store.plan("2024-w01", false, 110).unwrap();
        store
            .delivered("2024-w01", 1, &keys(&["ev-a"]), 111)
            .unwrap();
        store
            .record_question(&question(120, None, false, Some("who is Ana?")))
            .unwrap();
        let before = store.subscribers().unwrap();
        drop(store);

        let store = Store::open(&path).unwrap();
        assert_eq!(store.subscribers().unwrap(), before);
        assert_eq!(
            store.deliveries(1).unwrap(),
            vec![("2024-w01".to_string(), "sent".to_string(), 0)]
        );
        assert_eq!(
            store.pending().unwrap(),
            vec![Pending {
                edition: "2024-w01".into(),
                chat_id: 2,
                attempts: 0
            }]
        );
        assert_eq!(
            store.seen_events(1).unwrap(),
            HashSet::from(["ev-a".into()])
        );
        assert_eq!(
            store.unanswered(0).unwrap(),
            vec![("who is Ana?".to_string(), 120, "private".to_string())]
        );
    }

    #[test]
    fn subscribe_unsubscribe_and_resubscribe() {
        let (_dir, _path, mut store) = temp_store();
        assert!(store.subscribe(7, "private", "Ana", 100).unwrap());
        // Already active: not new; title and kind updated, since kept.
        assert!(!store.subscribe(7, "group", "Ana's group", 200).unwrap());
        let s = store.subscriber(7).unwrap().unwrap();
        assert_eq!(
            s,
            Subscriber {
                chat_id: 7,
                kind: "group".into(),
                title: "Ana's group".into(),
                since: 100,
                active: true,
                note: None,
                last_briefing_at: None,
                last_edition: None,
            }
        );
        store.delivered("e1", 7, &keys(&["k1"]), 250).unwrap();

        assert!(store.unsubscribe(7).unwrap());
        assert!(!store.unsubscribe(7).unwrap(), "already inactive");
        assert!(!store.unsubscribe(8).unwrap(), "never subscribed");
        assert!(!store.subscriber(7).unwrap().unwrap().active);

        // Re-subscribing re-activates with a new `since`, keeping history.
        assert!(store.subscribe(7, "group", "Ana's group", 300).unwrap());
        let s = store.subscriber(7).unwrap().unwrap();
        assert!(s.active);
        assert_eq!(s.since, 300);
        assert_eq!(s.last_edition.as_deref(), Some("e1"));
        assert_eq!(s.last_briefing_at, Some(250));
        assert_eq!(store.seen_events(7).unwrap(), HashSet::from(["k1".into()]));

        // Deactivated with a reason, then back: the note is cleared.
        store
            .deactivate(7, "403: bot was blocked by the user")
            .unwrap();
        let s = store.subscriber(7).unwrap().unwrap();
        assert!(!s.active);
        assert_eq!(s.note.as_deref(), Some("403: bot was blocked by the user"));
        assert!(store.subscribe(7, "group", "Ana's group", 400).unwrap());
        assert_eq!(store.subscriber(7).unwrap().unwrap().note, None);

        assert!(matches!(
            store.deactivate(99, "x"),
            Err(StoreError::UnknownChat { chat_id: 99 })
        ));
        assert_eq!(store.subscriber(99).unwrap(), None);
    }

    #[test]
    fn subscribers_are_listed_oldest_first_active_or_not() {
        let (_dir, _path, mut store) = temp_store();
        store.subscribe(30, "private", "c", 100).unwrap();
        store.subscribe(20, "private", "b", 100).unwrap();
        store.subscribe(10, "private", "a", 200).unwrap();
        store.unsubscribe(20).unwrap();
        let order: Vec<(i64, bool)> = store
            .subscribers()
            .unwrap()
            .iter()
            .map(|s| (s.chat_id, s.active))
            .collect();
        assert_eq!(order, vec![(20, false), (30, true), (10, true)]);
    }

    #[test]
    fn plan_is_idempotent_and_skips_chats_already_on_this_edition() {
        let (_dir, _path, mut store) = temp_store();
        for id in 1..=3 {
            store.subscribe(id, "private", "x", 100 + id).unwrap();
        }
        store.subscribe(4, "private", "gone", 100).unwrap();
        store.unsubscribe(4).unwrap();
        // Chat 3 already has this edition (sent on demand, say).
        store.delivered("e1", 3, &[], 105).unwrap();

        assert_eq!(store.plan("e1", false, 110).unwrap(), 2);
        assert_eq!(store.plan("e1", false, 111).unwrap(), 0);
        let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
        assert_eq!(pending, vec![1, 2]);

        // Delivered ones are not queued again, even once the row is sent.
        store.delivered("e1", 1, &[], 120).unwrap();
        assert_eq!(store.plan("e1", false, 121).unwrap(), 0);
        // A chat on a later edition is not queued for an older one it had.
        store.delivered("e2", 1, &[], 130).unwrap();
        assert_eq!(store.plan("e1", false, 131).unwrap(), 0);
        assert_eq!(store.deliveries(4).unwrap(), vec![]);
    }

    #[test]
    fn force_requeues_every_active_subscriber() {
        let (_dir, _path, mut store) = temp_store();
        for id in 1..=3 {
            store.subscribe(id, "private", "x", 100 + id).unwrap();
        }
        store.subscribe(4, "private", "off", 100).unwrap();
        store.unsubscribe(4).unwrap();
        store.plan("e1", false, 110).unwrap();
        store.delivered("e1", 1, &[], 111).unwrap();
        store.failed("e1", 2, "timeout", 112).unwrap();

        assert_eq!(store.plan("e1", true, 120).unwrap(), 3);
        let pending = store.pending().unwrap();
        assert_eq!(
            pending,
            vec![
                Pending {
                    edition: "e1".into(),
                    chat_id: 1,
                    attempts: 0
                },
                Pending {
                    edition: "e1".into(),
                    chat_id: 2,
                    attempts: 0
                },
                Pending {
                    edition: "e1".into(),
                    chat_id: 3,
                    attempts: 0
                },
            ]
        );
        // One row per (edition, chat), reset rather than duplicated.
        assert_eq!(
            store.deliveries(1).unwrap(),
            vec![("e1".to_string(), "pending".to_string(), 0)]
        );
        assert_eq!(store.deliveries(4).unwrap(), vec![]);
    }

    #[test]
    fn delivered_updates_last_edition_and_seen_events_together() {
        let (_dir, _path, mut store) = temp_store();
        store.subscribe(1, "channel", "Wire", 100).unwrap();
        store.plan("e1", false, 110).unwrap();
        store.delivered("e1", 1, &keys(&["a", "b"]), 111).unwrap();
        let s = store.subscriber(1).unwrap().unwrap();
        assert_eq!(s.last_edition.as_deref(), Some("e1"));
        assert_eq!(s.last_briefing_at, Some(111));
        assert_eq!(
            store.seen_events(1).unwrap(),
            HashSet::from(["a".into(), "b".into()])
        );
        assert_eq!(store.pending().unwrap(), vec![]);

        store.plan("e2", false, 120).unwrap();
        store.delivered("e2", 1, &keys(&["b", "c"]), 121).unwrap();
        assert_eq!(
            store.seen_events(1).unwrap(),
            HashSet::from(["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(
            store.deliveries(1).unwrap(),
            vec![
                ("e1".to_string(), "sent".to_string(), 0),
                ("e2".to_string(), "sent".to_string(), 0)
            ]
        );

        // Atomic: when the transaction fails, nothing of it is kept.
        assert!(matches!(
            store.delivered("e3", 42, &keys(&["z"]), 130),
            Err(StoreError::UnknownChat { chat_id: 42 })
        ));
        assert_eq!(store.deliveries(42).unwrap(), vec![]);
        assert!(store.seen_events(42).unwrap().is_empty());
    }

    #[test]
    fn delivered_is_all_or_nothing_when_a_statement_fails() {
        let (_dir, _path, mut store) = temp_store();
        store.subscribe(1, "private", "Ana", 100).unwrap();
        store.plan("e1", false, 110).unwrap();
        // Make the last statement of the transaction (seen events) fail.
        store
            .conn
            .execute_batch(
                "CREATE TRIGGER no_bad_keys BEFORE INSERT ON seen_event
                 WHEN NEW.event_key = 'bad' BEGIN SELECT RAISE(ABORT, 'bad key'); END;",
            )
            .unwrap();
        assert!(
            store
                .delivered("e1", 1, &keys(&["ok", "bad"]), 111)
                .is_err()
        );
        let s = store.subscriber(1).unwrap().unwrap();
        assert_eq!(s.last_edition, None);
        assert_eq!(s.last_briefing_at, None);
        assert!(store.seen_events(1).unwrap().is_empty());
        assert_eq!(
            store.deliveries(1).unwrap(),
            vec![("e1".to_string(), "pending".to_string(), 0)]
        );
    }

    #[test]
    fn gone_deactivates_and_removes_from_pending() {
        let (_dir, _path, mut store) = temp_store();
        store.subscribe(1, "private", "Ana", 100).unwrap();
        store.subscribe(2, "group", "Desk", 101).unwrap();
        store.plan("e1", false, 110).unwrap();
        store
            .gone("e1", 1, "403: bot was blocked by the user", 111)
            .unwrap();
        let s = store.subscriber(1).unwrap().unwrap();
        assert!(!s.active);
        assert_eq!(s.note.as_deref(), Some("403: bot was blocked by the user"));
        assert_eq!(s.last_edition, None);
        let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
        assert_eq!(pending, vec![2]);
        assert_eq!(
            store.deliveries(1).unwrap(),
            vec![("e1".to_string(), "dropped".to_string(), 0)]
        );
        // Planning again does not bring it back while inactive …
        assert_eq!(store.plan("e1", false, 112).unwrap(), 0);
        // … but a chat that comes back is queued for the edition it missed.
        store.subscribe(1, "private", "Ana", 120).unwrap();
        assert_eq!(store.plan("e1", false, 121).unwrap(), 1);
        assert_eq!(
            store.deliveries(1).unwrap(),
            vec![("e1".to_string(), "pending".to_string(), 0)]
        );
    }

    #[test]
    fn failed_keeps_the_delivery_pending_with_attempts() {
        let (_dir, _path, mut store) = temp_store();
        store.subscribe(1, "private", "Ana", 100).unwrap();
        store.plan("e1", false, 110).unwrap();
        store
            .failed("e1", 1, "429: too many requests", 111)
            .unwrap();
        store.failed("e1", 1, "timeout", 112).unwrap();
        assert_eq!(
            store.pending().unwrap(),
            vec![Pending {
                edition: "e1".into(),
                chat_id: 1,
                attempts: 2
            }]
        );
        let last_error: String = store
            .conn
            .query_row(
                "SELECT last_error FROM delivery WHERE chat_id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(last_error, "timeout");
        // Not planned twice while it waits for its retry.
        assert_eq!(store.plan("e1", false, 113).unwrap(), 0);
        store.delivered("e1", 1, &[], 114).unwrap();
        assert_eq!(
            store.deliveries(1).unwrap(),
            vec![("e1".to_string(), "sent".to_string(), 2)]
        );
        assert!(matches!(
            store.failed("e1", 5, "x", 115),
            Err(StoreError::UnknownChat { chat_id: 5 })
        ));
    }

    #[test]
    fn pending_excludes_inactive_subscribers() {
        let (_dir, _path, mut store) = temp_store();
        store.subscribe(1, "private", "a", 100).unwrap();
        store.subscribe(2, "private", "b", 101).unwrap();
        store.subscribe(3, "private", "c", 102).unwrap();
        store.plan("e1", false, 110).unwrap();
        store.unsubscribe(2).unwrap();
        store.deactivate(3, "400: chat not found").unwrap();
        let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
        assert_eq!(pending, vec![1]);
        // Their rows are dropped, so coming back does not resend a stale edition
        // unless it is planned again.
        store.subscribe(2, "private", "b", 120).unwrap();
        let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
        assert_eq!(pending, vec![1]);
        assert_eq!(
            store.deliveries(3).unwrap(),
            vec![("e1".to_string(), "dropped".to_string(), 0)]
        );
    }

    #[test]
    fn pending_spans_editions_in_queue_order() {
        let (_dir, _path, mut store) = temp_store();
        store.subscribe(1, "private", "a", 100).unwrap();
        store.subscribe(2, "private", "b", 101).unwrap();
        store.plan("e1", false, 110).unwrap();
        store.delivered("e1", 2, &[], 111).unwrap();
        store.plan("e2", false, 120).unwrap();
        let pending: Vec<(String, i64)> = store
            .pending()
            .unwrap()
            .into_iter()
            .map(|p| (p.edition, p.chat_id))
            .collect();
        assert_eq!(
            pending,
            vec![("e1".into(), 1), ("e2".into(), 1), ("e2".into(), 2)]
        );
    }

    #[test]
    fn stats_and_unanswered_over_a_time_window() {
        let (_dir, _path, mut store) = temp_store();
        // Before the window.
        store
            .record_question(&question(50, Some("old"), true, None))
            .unwrap();
        store
            .record_question(&question(60, None, false, Some("too old")))
            .unwrap();
        // In the window (since = 100, inclusive).
        for (at, intent) in [
            (100, "who"),
            (101, "when"),
            (102, "who"),
            (103, "why"),
            (104, "when"),
            (105, "who"),
            (106, "a"),
            (107, "b"),
            (108, "c"),
        ] {
            store
                .record_question(&question(at, Some(intent), true, None))
                .unwrap();
        }
        // A matched question's text is never kept.
        store
            .record_question(&question(109, Some("why"), true, Some("why is that?")))
            .unwrap();
        store
            .record_question(&Question {
                at: 110,
                chat_kind: "group".into(),
                intent: None,
                matched: false,
                text: Some("what about Kosovo?".into()),
            })
            .unwrap();
        store
            .record_question(&question(111, Some("nearly"), false, Some("who paid?")))
            .unwrap();
        store
            .record_question(&question(112, None, false, None))
            .unwrap();

        let stats = store.stats(100).unwrap();
        assert_eq!(
            stats,
            Stats {
                answered: 10,
                declined: 3,
                top_intents: vec![
                    ("who".into(), 3),
                    ("when".into(), 2),
                    ("why".into(), 2),
                    ("a".into(), 1),
                    ("b".into(), 1),
                ],
                unanswered: 2,
            }
        );
        assert_eq!(
            store.unanswered(100).unwrap(),
            vec![
                ("who paid?".to_string(), 111, "private".to_string()),
                ("what about Kosovo?".to_string(), 110, "group".to_string()),
            ]
        );
        let all = store.stats(0).unwrap();
        assert_eq!((all.answered, all.declined, all.unanswered), (11, 4, 3));
        assert_eq!(store.stats(1_000).unwrap(), Stats::default());
        let texts: i64 = store
            .conn
            .query_row(
                "SELECT COUNT(*) FROM question WHERE matched = 1 AND text IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(texts, 0);
    }

    /// Plans 10 chats, delivers 4 and returns the store without closing it.
    fn fan_out_interrupted(path: &Path) -> Store {
        let mut store = Store::open(path).unwrap();
        for id in 1..=10 {
            store.subscribe(id, "private", "x", 100 + id).unwrap();
        }
        assert_eq!(store.plan("e1", false, 200).unwrap(), 10);
        for p in store.pending().unwrap().into_iter().take(4) {
            store
                .delivered(&p.edition, p.chat_id, &keys(&["ev"]), 201)
                .unwrap();
        }
        store
    }

    fn assert_resumes(path: &Path) {
        let mut store = Store::open(path).unwrap();
        assert_eq!(store.subscribers().unwrap().len(), 10);
        let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
        assert_eq!(pending, (5..=10).collect::<Vec<_>>());
        assert_eq!(store.plan("e1", false, 300).unwrap(), 0);
        for id in 1..=4 {
            let s = store.subscriber(id).unwrap().unwrap();
            assert_eq!(s.last_edition.as_deref(), Some("e1"));
            assert_eq!(store.seen_events(id).unwrap(), HashSet::from(["ev".into()]));
        }
    }

    #[test]
    fn a_crash_mid_fan_out_resumes_without_resending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crash.sqlite");
        let store = fan_out_interrupted(&path);
        // No close, no checkpoint: the connection is leaked, as by a crash.
        // The WAL file is left behind for the next open to recover.
        std::mem::forget(store);
        assert!(path.with_extension("sqlite-wal").exists());
        assert_resumes(&path);
    }

    /// Env var telling `crash_child` (run as a child process) where to work.
    const CRASH_DB: &str = "BRIEFBOT_STORE_CRASH_DB";

    /// The child half of `a_kill_9_mid_fan_out_resumes_without_resending`:
    /// does nothing unless run by it.
    #[test]
    #[ignore = "run as a child process by a_kill_9_mid_fan_out_resumes_without_resending"]
    fn crash_child() {
        let Some(path) = std::env::var_os(CRASH_DB) else {
            return;
        };
        let _store = fan_out_interrupted(Path::new(&path));
        println!("ready");
        std::thread::sleep(Duration::from_secs(600));
    }

    #[cfg(unix)]
    #[test]
    fn a_kill_9_mid_fan_out_resumes_without_resending() {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("killed.sqlite");
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "store::tests::crash_child",
                "--ignored",
                "--nocapture",
            ])
            .env(CRASH_DB, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let ready = BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
            .any(|line| line.contains("ready"));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert!(ready, "the child never got to the middle of its fan-out");
        assert_resumes(&path);
    }
}
