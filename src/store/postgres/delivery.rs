//! Deliveries on PostgreSQL: the queue, the claims (`FOR UPDATE SKIP
//! LOCKED` with a lease) and the outcomes. Same contract as SQLite's.

use super::{Postgres, drop_pending, set_inactive};
use crate::store::{Pending, Result, StoreError};

impl Postgres {
    pub async fn plan(&self, edition: &str, force: bool, now: i64) -> Result<usize> {
        let client = self.client().await?;
        let sql = if force {
            "INSERT INTO delivery (edition, chat_id, status, attempts, queued_at, updated_at)
             SELECT $1::text, chat_id, 'pending', 0, $2::bigint, $2::bigint FROM subscription
             WHERE active
             ORDER BY since, chat_id
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 status = 'pending', attempts = 0, last_error = NULL,
                 queued_at = excluded.queued_at, updated_at = excluded.updated_at"
        } else {
            "INSERT INTO delivery (edition, chat_id, status, attempts, queued_at, updated_at)
             SELECT $1::text, chat_id, 'pending', 0, $2::bigint, $2::bigint FROM subscription
             WHERE active AND last_edition IS DISTINCT FROM $1::text
             ORDER BY since, chat_id
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 status = 'pending', attempts = 0, last_error = NULL,
                 queued_at = excluded.queued_at, updated_at = excluded.updated_at
             WHERE delivery.status = 'dropped'"
        };
        // One statement is one transaction.
        Ok(client.execute(sql, &[&edition, &now]).await? as usize)
    }

    pub async fn pending(&self) -> Result<Vec<Pending>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT d.edition, d.chat_id, d.attempts
                 FROM delivery AS d JOIN subscription AS s ON s.chat_id = d.chat_id
                 WHERE d.status = 'pending' AND s.active
                 ORDER BY d.queued_at, d.id",
                &[],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| Pending {
                edition: r.get(0),
                chat_id: r.get(1),
                attempts: r.get::<_, i32>(2) as u32,
            })
            .collect())
    }

    /// Picks the next free row `FOR UPDATE SKIP LOCKED`: a row another
    /// sender is claiming right now is skipped, not waited for, and one it
    /// has claimed is no longer free once its transaction commits.
    pub async fn claim_next(&self, owner: &str, now: i64, lease: i64) -> Result<Option<Pending>> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let pick = tx
            .prepare_cached(
                "SELECT d.id, d.edition, d.chat_id, d.attempts, EXISTS (
                     SELECT 1 FROM delivery AS newer
                     WHERE newer.chat_id = d.chat_id AND newer.status = 'pending'
                       AND (newer.queued_at, newer.id) > (d.queued_at, d.id))
                 FROM delivery AS d JOIN subscription AS s ON s.chat_id = d.chat_id
                 WHERE d.status = 'pending' AND s.active
                   AND (d.claimed_by IS NULL
                        OR (d.claimed_by IS DISTINCT FROM $1::text AND d.lease_until <= $2::bigint))
                 ORDER BY d.queued_at, d.id LIMIT 1
                 FOR UPDATE OF d SKIP LOCKED",
            )
            .await?;
        let claimed = loop {
            let Some(row) = tx.query_opt(&pick, &[&owner, &now]).await? else {
                break None;
            };
            let id: i64 = row.get(0);
            let pending = Pending {
                edition: row.get(1),
                chat_id: row.get(2),
                attempts: row.get::<_, i32>(3) as u32,
            };
            if row.get::<_, bool>(4) {
                tx.execute(
                    "UPDATE delivery SET status = 'dropped', updated_at = $2,
                         last_error = 'superseded by a newer edition',
                         claimed_by = NULL, lease_until = NULL
                     WHERE id = $1",
                    &[&id, &now],
                )
                .await?;
                continue;
            }
            tx.execute(
                "UPDATE delivery SET claimed_by = $2, lease_until = $3 WHERE id = $1",
                &[&id, &owner, &now.saturating_add(lease)],
            )
            .await?;
            break Some(pending);
        };
        tx.commit().await?;
        Ok(claimed)
    }

    pub async fn claimed_elsewhere(&self, owner: &str, now: i64) -> Result<usize> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "SELECT COUNT(*) FROM delivery AS d JOIN subscription AS s ON s.chat_id = d.chat_id
                 WHERE d.status = 'pending' AND s.active
                   AND d.claimed_by IS DISTINCT FROM $1::text AND d.claimed_by IS NOT NULL
                   AND d.lease_until > $2::bigint",
                &[&owner, &now],
            )
            .await?;
        Ok(row.get::<_, i64>(0) as usize)
    }

    pub async fn delivered(
        &self,
        edition: &str,
        chat_id: i64,
        event_keys: &[String],
        now: i64,
    ) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let changed = tx
            .execute(
                "UPDATE subscription SET last_edition = $2, last_briefing_at = $3
                 WHERE chat_id = $1",
                &[&chat_id, &edition, &now],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::UnknownChat { chat_id });
        }
        tx.execute(
            "INSERT INTO delivery (edition, chat_id, status, attempts, queued_at, updated_at)
             VALUES ($1, $2, 'sent', 0, $3, $3)
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 status = 'sent', updated_at = excluded.updated_at,
                 claimed_by = NULL, lease_until = NULL",
            &[&edition, &chat_id, &now],
        )
        .await?;
        // All the keys in one statement: one round trip per delivery.
        tx.execute(
            "INSERT INTO seen_event (chat_id, event_key, at)
             SELECT $1, key, $3 FROM UNNEST($2::text[]) AS key
             ON CONFLICT DO NOTHING",
            &[&chat_id, &event_keys, &now],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn failed(&self, edition: &str, chat_id: i64, error: &str, now: i64) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let exists = tx
            .query_opt("SELECT 1 FROM subscription WHERE chat_id = $1", &[&chat_id])
            .await?;
        if exists.is_none() {
            return Err(StoreError::UnknownChat { chat_id });
        }
        tx.execute(
            "INSERT INTO delivery
                 (edition, chat_id, status, attempts, last_error, queued_at, updated_at)
             VALUES ($1, $2, 'pending', 1, $3, $4, $4)
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 attempts = delivery.attempts + 1, last_error = excluded.last_error,
                 updated_at = excluded.updated_at, lease_until = excluded.updated_at",
            &[&edition, &chat_id, &error, &now],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn gone(&self, edition: &str, chat_id: i64, reason: &str, now: i64) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        set_inactive(&tx, chat_id, reason).await?;
        tx.execute(
            "INSERT INTO delivery
                 (edition, chat_id, status, attempts, last_error, queued_at, updated_at)
             VALUES ($1, $2, 'dropped', 0, $3, $4, $4)
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 status = 'dropped', last_error = excluded.last_error,
                 updated_at = excluded.updated_at, claimed_by = NULL, lease_until = NULL",
            &[&edition, &chat_id, &reason, &now],
        )
        .await?;
        drop_pending(&tx, chat_id, Some(now), reason).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn deliveries(&self, chat_id: i64) -> Result<Vec<(String, String, u32)>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT edition, status, attempts FROM delivery WHERE chat_id = $1
                 ORDER BY queued_at, id",
                &[&chat_id],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<_, i32>(2) as u32))
            .collect())
    }
}
