//! The PostgreSQL backend: the state in a database any number of replicas
//! and `brief --send` processes share. The contract and the schema are
//! `store`'s; this is the same SQL in PostgreSQL's dialect.
//!
//! `tokio-postgres` with a `deadpool-postgres` pool: async, so a call never
//! blocks a Telegram handler's thread, and the pool's timeouts make a call
//! to a database that is down fail in seconds instead of hanging.
//!
//! - Migrations: the `briefbot_schema` table holds the version; `open`
//!   applies the missing ones in one transaction under an advisory lock,
//!   so replicas starting together migrate once.
//! - Claims: `claim_next` picks its row `FOR UPDATE SKIP LOCKED`, so two
//!   senders never wait on, nor take, the same delivery.
//! - Reloads: `notify_reload` and `reloads` (`notify`) carry `/reload` to
//!   every replica over `LISTEN`/`NOTIFY`.

use std::collections::HashSet;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio_postgres::{NoTls, Row};

use super::{Result, StoreError, Subscriber, redact_url};
use crate::matcher::Lang;

mod delivery;
mod notify;
mod questions;

/// The schema migrations, in order: `MIGRATIONS[i]` takes version `i` to
/// `i + 1`. The same versions as SQLite's. Append only.
const MIGRATIONS: &[&str] = &[
    // 1: subscriptions, deliveries, seen events, questions.
    "CREATE TABLE subscription (
        chat_id          BIGINT  PRIMARY KEY,
        kind             TEXT    NOT NULL,
        title            TEXT    NOT NULL,
        since            BIGINT  NOT NULL,
        active           BOOLEAN NOT NULL DEFAULT TRUE,
        note             TEXT,
        last_briefing_at BIGINT,
        last_edition     TEXT
    );
    CREATE TABLE delivery (
        id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        edition    TEXT    NOT NULL,
        chat_id    BIGINT  NOT NULL REFERENCES subscription (chat_id),
        status     TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'dropped')),
        attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error TEXT,
        queued_at  BIGINT  NOT NULL,
        updated_at BIGINT  NOT NULL,
        UNIQUE (edition, chat_id)
    );
    CREATE INDEX delivery_by_status ON delivery (status, queued_at, id);
    CREATE INDEX delivery_by_chat ON delivery (chat_id);
    CREATE TABLE seen_event (
        chat_id   BIGINT NOT NULL REFERENCES subscription (chat_id),
        event_key TEXT   NOT NULL,
        at        BIGINT NOT NULL,
        PRIMARY KEY (chat_id, event_key)
    );
    CREATE TABLE question (
        id        BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at        BIGINT  NOT NULL,
        chat_kind TEXT    NOT NULL,
        intent    TEXT,
        matched   BOOLEAN NOT NULL,
        text      TEXT,
        CHECK (NOT matched OR text IS NULL)
    );
    CREATE INDEX question_by_at ON question (at);",
    // 2: delivery claims.
    "ALTER TABLE delivery ADD COLUMN claimed_by TEXT, ADD COLUMN lease_until BIGINT;",
    // 3: per-chat settings.
    "CREATE TABLE chat_setting (
        chat_id BIGINT PRIMARY KEY,
        lang    TEXT NOT NULL CHECK (lang IN ('en', 'sq'))
    );",
    // 4: updates answered lately, scheduled ticks taken.
    "CREATE TABLE seen_update (
        update_id BIGINT PRIMARY KEY,
        at        BIGINT NOT NULL
    );
    CREATE INDEX seen_update_by_at ON seen_update (at);
    CREATE TABLE tick (
        slot  TEXT   PRIMARY KEY,
        owner TEXT   NOT NULL,
        at    BIGINT NOT NULL
    );",
];

/// The advisory lock key `open` migrates under ("briefbot" in ASCII).
const MIGRATION_LOCK: i64 = 0x6272_6965_6662_6f74;

/// How long connecting, or waiting for a pooled connection, may take
/// before a call fails: a database that is down must not hang the bot.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections per process: one fan-out, the handlers and the question
/// log between them.
const POOL_SIZE: usize = 8;

/// The state in a PostgreSQL database.
pub struct Postgres {
    pool: Pool,
    /// For `LISTEN`, which needs a connection of its own.
    config: tokio_postgres::Config,
    /// `url` with the password masked: what errors show.
    server: String,
}

impl Postgres {
    /// Connects, and migrates the database to this binary's schema. Errors
    /// name the server (password masked), and refuse a newer schema.
    pub async fn open(url: &str) -> Result<Postgres> {
        let server = redact_url(url);
        let connect_err = |message: String| StoreError::Connect {
            server: server.clone(),
            message,
        };
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| connect_err(format!("not a valid URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("briefbot");
        }
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| connect_err(e.to_string()))?;
        let db = Postgres {
            pool,
            config,
            server: server.clone(),
        };
        let mut client = db.pool.get().await.map_err(|e| {
            connect_err(match StoreError::from(e) {
                StoreError::Postgres(message) => message,
                other => other.to_string(),
            })
        })?;
        migrate(&mut client, &server).await?;
        Ok(db)
    }

    /// A pooled connection.
    async fn client(&self) -> Result<Object> {
        Ok(self.pool.get().await?)
    }

    /// The server, password masked.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The schema version of the database.
    pub async fn schema_version(&self) -> Result<u32> {
        let client = self.client().await?;
        let row = client
            .query_one("SELECT version FROM briefbot_schema", &[])
            .await?;
        Ok(row.get::<_, i32>(0) as u32)
    }

    pub async fn subscribe(&self, chat_id: i64, kind: &str, title: &str, now: i64) -> Result<bool> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let was_active = active_of(&tx, chat_id).await?;
        match was_active {
            None => {
                // Two replicas subscribing one chat at once: the second
                // insert does nothing, and the chat is subscribed once.
                tx.execute(
                    "INSERT INTO subscription (chat_id, kind, title, since, active)
                     VALUES ($1, $2, $3, $4, TRUE) ON CONFLICT (chat_id) DO NOTHING",
                    &[&chat_id, &kind, &title, &now],
                )
                .await?;
            }
            Some(true) => {
                tx.execute(
                    "UPDATE subscription SET kind = $2, title = $3 WHERE chat_id = $1",
                    &[&chat_id, &kind, &title],
                )
                .await?;
            }
            Some(false) => {
                tx.execute(
                    "UPDATE subscription SET kind = $2, title = $3, since = $4, active = TRUE,
                         note = NULL
                     WHERE chat_id = $1",
                    &[&chat_id, &kind, &title, &now],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(was_active != Some(true))
    }

    pub async fn unsubscribe(&self, chat_id: i64) -> Result<bool> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let changed = tx
            .execute(
                "UPDATE subscription SET active = FALSE, note = NULL
                 WHERE chat_id = $1 AND active",
                &[&chat_id],
            )
            .await?;
        drop_pending(&tx, chat_id, None, "unsubscribed").await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    pub async fn deactivate(&self, chat_id: i64, reason: &str) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        set_inactive(&tx, chat_id, reason).await?;
        drop_pending(&tx, chat_id, None, reason).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn move_chat(&self, from: i64, to: i64) -> Result<bool> {
        if from == to {
            return Ok(false);
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let Some(old_active) = active_of(&tx, from).await? else {
            return Ok(false);
        };
        let inserted = tx
            .execute(
                "INSERT INTO subscription
                     (chat_id, kind, title, since, active, note, last_briefing_at, last_edition)
                 SELECT $2, kind, title, since, active, note, last_briefing_at, last_edition
                 FROM subscription WHERE chat_id = $1
                 ON CONFLICT (chat_id) DO NOTHING",
                &[&from, &to],
            )
            .await?;
        if inserted == 0 && old_active {
            tx.execute(
                "UPDATE subscription SET active = TRUE, note = NULL WHERE chat_id = $1",
                &[&to],
            )
            .await?;
        }
        // `to`'s own rows win: move only what it does not have yet.
        tx.execute(
            "UPDATE seen_event AS e SET chat_id = $2 WHERE e.chat_id = $1 AND NOT EXISTS (
                 SELECT 1 FROM seen_event AS t WHERE t.chat_id = $2 AND t.event_key = e.event_key)",
            &[&from, &to],
        )
        .await?;
        tx.execute(
            "UPDATE delivery AS d SET chat_id = $2 WHERE d.chat_id = $1 AND NOT EXISTS (
                 SELECT 1 FROM delivery AS t WHERE t.chat_id = $2 AND t.edition = d.edition)",
            &[&from, &to],
        )
        .await?;
        tx.execute(
            "UPDATE chat_setting SET chat_id = $2 WHERE chat_id = $1 AND NOT EXISTS (
                 SELECT 1 FROM chat_setting WHERE chat_id = $2)",
            &[&from, &to],
        )
        .await?;
        for table in ["seen_event", "delivery", "chat_setting", "subscription"] {
            tx.execute(&format!("DELETE FROM {table} WHERE chat_id = $1"), &[&from])
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn deactivate_channels_except(
        &self,
        keep: &[i64],
        reason: &str,
    ) -> Result<Vec<(i64, String)>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let rows = tx
            .query(
                "SELECT chat_id, title FROM subscription
                 WHERE kind = 'channel' AND active AND NOT (chat_id = ANY ($1))
                 ORDER BY chat_id FOR UPDATE",
                &[&keep],
            )
            .await?;
        let mut removed = Vec::new();
        for row in rows {
            let chat_id: i64 = row.get(0);
            set_inactive(&tx, chat_id, reason).await?;
            drop_pending(&tx, chat_id, None, reason).await?;
            removed.push((chat_id, row.get(1)));
        }
        tx.commit().await?;
        Ok(removed)
    }

    pub async fn subscribers(&self) -> Result<Vec<Subscriber>> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscription ORDER BY since, chat_id"),
                &[],
            )
            .await?;
        Ok(rows.iter().map(subscriber_from_row).collect())
    }

    pub async fn subscriber(&self, chat_id: i64) -> Result<Option<Subscriber>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {SUBSCRIBER_COLUMNS} FROM subscription WHERE chat_id = $1"),
                &[&chat_id],
            )
            .await?;
        Ok(row.as_ref().map(subscriber_from_row))
    }

    pub async fn seen_events(&self, chat_id: i64) -> Result<HashSet<String>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT event_key FROM seen_event WHERE chat_id = $1",
                &[&chat_id],
            )
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub async fn set_lang(&self, chat_id: i64, lang: Lang) -> Result<()> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO chat_setting (chat_id, lang) VALUES ($1, $2)
                 ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang",
                &[&chat_id, &lang.code()],
            )
            .await?;
        Ok(())
    }

    pub async fn lang_of(&self, chat_id: i64) -> Result<Option<Lang>> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT lang FROM chat_setting WHERE chat_id = $1",
                &[&chat_id],
            )
            .await?;
        Ok(row.and_then(|r| Lang::from_code(r.get::<_, &str>(0))))
    }

    pub async fn first_sight(&self, update_id: i64, now: i64) -> Result<bool> {
        let client = self.client().await?;
        let inserted = client
            .execute(
                "INSERT INTO seen_update (update_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&update_id, &now],
            )
            .await?;
        if update_id % 100 == 0 {
            let before = now.saturating_sub(super::UPDATE_MEMORY_SECONDS);
            client
                .execute("DELETE FROM seen_update WHERE at < $1", &[&before])
                .await?;
        }
        Ok(inserted > 0)
    }

    pub async fn claim_tick(&self, slot: &str, owner: &str, now: i64) -> Result<bool> {
        let client = self.client().await?;
        let inserted = client
            .execute(
                "INSERT INTO tick (slot, owner, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&slot, &owner, &now],
            )
            .await?;
        Ok(inserted > 0)
    }
}

const SUBSCRIBER_COLUMNS: &str =
    "chat_id, kind, title, since, active, note, last_briefing_at, last_edition";

fn subscriber_from_row(row: &Row) -> Subscriber {
    Subscriber {
        chat_id: row.get(0),
        kind: row.get(1),
        title: row.get(2),
        since: row.get(3),
        active: row.get(4),
        note: row.get(5),
        last_briefing_at: row.get(6),
        last_edition: row.get(7),
    }
}

/// Applies the migrations the database lacks, in one transaction under an
/// advisory lock; refuses a newer schema before writing anything.
async fn migrate(client: &mut Object, server: &str) -> Result<()> {
    let migrate_err = |version: u32, e: tokio_postgres::Error| StoreError::Connect {
        server: server.to_string(),
        message: format!(
            "migration to schema version {version} failed: {}",
            super::model::postgres_message(&e)
        ),
    };
    let known = MIGRATIONS.len() as u32;
    let tx = client.transaction().await.map_err(|e| migrate_err(1, e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(|e| migrate_err(1, e))?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS briefbot_schema (version INTEGER NOT NULL)")
        .await
        .map_err(|e| migrate_err(1, e))?;
    let found = tx
        .query_opt("SELECT version FROM briefbot_schema", &[])
        .await
        .map_err(|e| migrate_err(1, e))?
        .map(|r| r.get::<_, i32>(0) as u32);
    let current = match found {
        Some(v) => v,
        None => {
            tx.execute("INSERT INTO briefbot_schema (version) VALUES (0)", &[])
                .await
                .map_err(|e| migrate_err(1, e))?;
            0
        }
    };
    if current > known {
        return Err(StoreError::TooNewServer {
            server: server.to_string(),
            found: current,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as u32 + 1;
        tx.batch_execute(sql)
            .await
            .map_err(|e| migrate_err(version, e))?;
        tx.execute(
            "UPDATE briefbot_schema SET version = $1",
            &[&(version as i32)],
        )
        .await
        .map_err(|e| migrate_err(version, e))?;
    }
    tx.commit().await.map_err(|e| migrate_err(known, e))?;
    Ok(())
}

/// Whether a chat's subscription is active, its row locked until the
/// transaction ends; `None` when it never subscribed.
async fn active_of(tx: &deadpool_postgres::Transaction<'_>, chat_id: i64) -> Result<Option<bool>> {
    let row = tx
        .query_opt(
            "SELECT active FROM subscription WHERE chat_id = $1 FOR UPDATE",
            &[&chat_id],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Marks a chat's subscription inactive with `reason`; `UnknownChat` when
/// it never subscribed.
async fn set_inactive(
    tx: &deadpool_postgres::Transaction<'_>,
    chat_id: i64,
    reason: &str,
) -> Result<()> {
    let changed = tx
        .execute(
            "UPDATE subscription SET active = FALSE, note = $2 WHERE chat_id = $1",
            &[&chat_id, &reason],
        )
        .await?;
    if changed == 0 {
        return Err(StoreError::UnknownChat { chat_id });
    }
    Ok(())
}

/// Drops a chat's pending deliveries, keeping the rows with the reason.
async fn drop_pending(
    tx: &deadpool_postgres::Transaction<'_>,
    chat_id: i64,
    now: Option<i64>,
    reason: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE delivery SET status = 'dropped', last_error = $2,
             updated_at = COALESCE($3, updated_at), claimed_by = NULL, lease_until = NULL
         WHERE chat_id = $1 AND status = 'pending'",
        &[&chat_id, &reason, &now],
    )
    .await?;
    Ok(())
}
