//! The SQLite backend: the state in one file, for one process or several
//! on one machine. The contract and the schema are `store`'s.
//!
//! The schema is versioned with `PRAGMA user_version`: `MIGRATIONS[i]`
//! takes a database from version `i` to `i + 1`, each in its own
//! IMMEDIATE transaction together with the version bump. A claim is taken
//! in the same IMMEDIATE transaction that picks the row, so senders
//! sharing the file never claim the same delivery.

use std::collections::HashSet;
use std::path::Path;
#[cfg(test)]
use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior, params};

use super::{Pending, Question, Result, Stats, StoreError, Subscriber};

mod delivery;
mod questions;
mod settings;
mod updates;

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
    // 2: delivery claims: who is sending a pending delivery, and until when
    // it is theirs (a sender killed mid-send loses it when the lease ends).
    "ALTER TABLE delivery ADD COLUMN claimed_by TEXT;
    ALTER TABLE delivery ADD COLUMN lease_until INTEGER;",
    // 3: per-chat settings: the language of the replies (`/lang`), for any
    // chat, subscribed or not.
    "CREATE TABLE chat_setting (
        chat_id INTEGER PRIMARY KEY,
        lang    TEXT NOT NULL CHECK (lang IN ('en', 'sq'))
    ) STRICT;",
    // 4: updates answered lately (a retried update is answered once), and
    // the scheduled ticks taken (one process runs each).
    "CREATE TABLE seen_update (
        update_id INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX seen_update_by_at ON seen_update (at);
    CREATE TABLE tick (
        slot  TEXT    PRIMARY KEY,
        owner TEXT    NOT NULL,
        at    INTEGER NOT NULL
    ) STRICT;",
];

/// How long a write waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The subscriptions, deliveries and question log, in one SQLite file.
pub struct Sqlite {
    conn: Connection,
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

impl Sqlite {
    /// Opens (creating the file and its parent directories) and migrates.
    ///
    /// Sets WAL journal mode, `synchronous=FULL`, foreign keys and a busy
    /// timeout. Refuses a database newer than `MIGRATIONS` knows.
    ///
    /// Processes opening a new file at the same moment can find it locked
    /// while one of them switches it to WAL, a step SQLite does not wait on
    /// with the busy timeout: such an open is tried again, for up to
    /// `BUSY_TIMEOUT`.
    pub fn open(path: &Path) -> Result<Sqlite> {
        let started = std::time::Instant::now();
        loop {
            match Sqlite::open_once(path) {
                Err(StoreError::Open { source, .. } | StoreError::Migrate { source, .. })
                    if is_busy(&source) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                opened => return opened,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Sqlite> {
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
        Ok(Sqlite { conn })
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
        let was_active = active_of(&tx, chat_id)?;
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
        set_inactive(&tx, chat_id, reason)?;
        drop_pending(&tx, chat_id, None, reason)?;
        tx.commit()?;
        Ok(())
    }

    /// A group became a supergroup with a new id: in ONE transaction its
    /// subscription, delivery log and seen events move to `to`, so it is
    /// still subscribed and is not sent again what it already had. Where
    /// `to` already has rows (both chats' notices were handled, or it
    /// subscribed itself), those win and the rest is merged. false when
    /// `from` has no subscription (nothing to move).
    pub fn move_chat(&mut self, from: i64, to: i64) -> Result<bool> {
        if from == to {
            return Ok(false);
        }
        let tx = self.write()?;
        let Some(old_active) = active_of(&tx, from)? else {
            return Ok(false);
        };
        let inserted = tx.execute(
            "INSERT INTO subscription
                 (chat_id, kind, title, since, active, note, last_briefing_at, last_edition)
             SELECT ?2, kind, title, since, active, note, last_briefing_at, last_edition
             FROM subscription WHERE chat_id = ?1
             ON CONFLICT (chat_id) DO NOTHING",
            params![from, to],
        )?;
        if inserted == 0 && old_active {
            tx.execute(
                "UPDATE subscription SET active = 1, note = NULL WHERE chat_id = ?1",
                [to],
            )?;
        }
        for table in ["seen_event", "delivery"] {
            tx.execute(
                &format!("UPDATE OR IGNORE {table} SET chat_id = ?2 WHERE chat_id = ?1"),
                params![from, to],
            )?;
            tx.execute(&format!("DELETE FROM {table} WHERE chat_id = ?1"), [from])?;
        }
        tx.execute("DELETE FROM subscription WHERE chat_id = ?1", [from])?;
        settings::move_settings(&tx, from, to)?;
        tx.commit()?;
        Ok(true)
    }

    /// Deactivates every active channel subscription whose chat id is not
    /// in `keep` (a channel taken out of `BRIEFBOT_CHANNELS`), with
    /// `reason`, in one transaction. Returns the (chat id, title) of each.
    pub fn deactivate_channels_except(
        &mut self,
        keep: &[i64],
        reason: &str,
    ) -> Result<Vec<(i64, String)>> {
        let tx = self.write()?;
        let channels: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT chat_id, title FROM subscription
                 WHERE kind = 'channel' AND active = 1 ORDER BY chat_id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut removed = Vec::new();
        for (chat_id, title) in channels {
            if keep.contains(&chat_id) {
                continue;
            }
            set_inactive(&tx, chat_id, reason)?;
            drop_pending(&tx, chat_id, None, reason)?;
            removed.push((chat_id, title));
        }
        tx.commit()?;
        Ok(removed)
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
}

/// Whether SQLite said the database is locked by another connection.
fn is_busy(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
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

/// Whether a chat's subscription is active; `None` when it never
/// subscribed.
fn active_of(conn: &Connection, chat_id: i64) -> Result<Option<bool>> {
    Ok(conn
        .query_row(
            "SELECT active FROM subscription WHERE chat_id = ?1",
            [chat_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Marks a chat's subscription inactive with `reason`; `UnknownChat` when
/// it never subscribed. Part of the caller's transaction.
fn set_inactive(conn: &Connection, chat_id: i64, reason: &str) -> Result<()> {
    let changed = conn.execute(
        "UPDATE subscription SET active = 0, note = ?2 WHERE chat_id = ?1",
        params![chat_id, reason],
    )?;
    if changed == 0 {
        return Err(StoreError::UnknownChat { chat_id });
    }
    Ok(())
}

/// Drops a chat's pending deliveries, keeping the rows with the reason.
/// `now` updates `updated_at` when given (the callers that have no time
/// leave it as it was).
fn drop_pending(conn: &Connection, chat_id: i64, now: Option<i64>, reason: &str) -> Result<()> {
    conn.execute(
        "UPDATE delivery SET status = 'dropped', last_error = ?2,
             updated_at = COALESCE(?3, updated_at), claimed_by = NULL, lease_until = NULL
         WHERE chat_id = ?1 AND status = 'pending'",
        params![chat_id, reason, now],
    )?;
    Ok(())
}

#[cfg(test)]
mod claim_tests;
#[cfg(test)]
mod tests;
