//! Deliveries of briefings: the queue (`plan`), the claims that make each
//! (chat, edition) go out once however many senders run, and the outcomes.

use rusqlite::{OptionalExtension, params};

use super::{Pending, Result, Sqlite, StoreError, drop_pending, ensure_subscription, set_inactive};

impl Sqlite {
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

    /// In ONE transaction: picks the next free pending delivery of an
    /// active subscriber (queue order) and claims it for `owner` until
    /// `now + lease` seconds. Free means unclaimed, or claimed by another
    /// owner whose lease is over (a sender that died). An owner is never
    /// handed back a row it claimed (one it failed this run). A row whose
    /// chat has a newer pending edition is dropped as superseded instead:
    /// the chat gets the newest one only. `None` when nothing is free.
    pub fn claim_next(&mut self, owner: &str, now: i64, lease: i64) -> Result<Option<Pending>> {
        let tx = self.write()?;
        let claimed = loop {
            let next = tx
                .query_row(
                    "SELECT d.id, d.edition, d.chat_id, d.attempts, EXISTS (
                         SELECT 1 FROM delivery AS newer
                         WHERE newer.chat_id = d.chat_id AND newer.status = 'pending'
                           AND (newer.queued_at, newer.id) > (d.queued_at, d.id))
                     FROM delivery AS d JOIN subscription AS s ON s.chat_id = d.chat_id
                     WHERE d.status = 'pending' AND s.active = 1
                       AND (d.claimed_by IS NULL
                            OR (d.claimed_by IS NOT ?1 AND d.lease_until <= ?2))
                     ORDER BY d.queued_at, d.id LIMIT 1",
                    params![owner, now],
                    |r| {
                        let pending = Pending {
                            edition: r.get(1)?,
                            chat_id: r.get(2)?,
                            attempts: r.get(3)?,
                        };
                        Ok((r.get::<_, i64>(0)?, pending, r.get::<_, bool>(4)?))
                    },
                )
                .optional()?;
            let Some((id, pending, superseded)) = next else {
                break None;
            };
            if superseded {
                tx.execute(
                    "UPDATE delivery SET status = 'dropped', updated_at = ?2,
                         last_error = 'superseded by a newer edition',
                         claimed_by = NULL, lease_until = NULL
                     WHERE id = ?1",
                    params![id, now],
                )?;
                continue;
            }
            tx.execute(
                "UPDATE delivery SET claimed_by = ?2, lease_until = ?3 WHERE id = ?1",
                params![id, owner, now.saturating_add(lease)],
            )?;
            break Some(pending);
        };
        tx.commit()?;
        Ok(claimed)
    }

    /// Pending deliveries that another sender holds now (lease not over):
    /// what a fan-out leaves to them.
    pub fn claimed_elsewhere(&self, owner: &str, now: i64) -> Result<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM delivery AS d JOIN subscription AS s ON s.chat_id = d.chat_id
             WHERE d.status = 'pending' AND s.active = 1
               AND d.claimed_by IS NOT ?1 AND d.claimed_by IS NOT NULL AND d.lease_until > ?2",
            params![owner, now],
            |r| r.get(0),
        )?;
        Ok(n as usize)
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
                 status = 'sent', updated_at = excluded.updated_at,
                 claimed_by = NULL, lease_until = NULL",
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
    /// The claim's lease ends now: the sender that failed skips the row for
    /// the rest of its run (`claim_next` never hands an owner back its own
    /// claim), any other sender may take it at once.
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
                 updated_at = excluded.updated_at, lease_until = excluded.updated_at",
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
        set_inactive(&tx, chat_id, reason)?;
        tx.execute(
            "INSERT INTO delivery (edition, chat_id, status, attempts, last_error, queued_at, updated_at)
             VALUES (?1, ?2, 'dropped', 0, ?3, ?4, ?4)
             ON CONFLICT (edition, chat_id) DO UPDATE SET
                 status = 'dropped', last_error = excluded.last_error,
                 updated_at = excluded.updated_at, claimed_by = NULL, lease_until = NULL",
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
}
