//! Updates already answered, and the scheduled ticks already taken.

use rusqlite::params;

use super::{Result, Sqlite};
use crate::store::UPDATE_MEMORY_SECONDS;

impl Sqlite {
    /// true the first time `update_id` is seen (in the last
    /// `UPDATE_MEMORY_SECONDS`); ids older than that are forgotten as new
    /// ones come.
    pub fn first_sight(&mut self, update_id: i64, now: i64) -> Result<bool> {
        let tx = self.write()?;
        let inserted = tx.execute(
            "INSERT INTO seen_update (update_id, at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![update_id, now],
        )?;
        // Pruning at every hundredth id keeps the table small without a
        // delete per message.
        if update_id % 100 == 0 {
            tx.execute(
                "DELETE FROM seen_update WHERE at < ?1",
                [now.saturating_sub(UPDATE_MEMORY_SECONDS)],
            )?;
        }
        tx.commit()?;
        Ok(inserted > 0)
    }

    /// true for the one caller that takes `slot` first.
    pub fn claim_tick(&mut self, slot: &str, owner: &str, now: i64) -> Result<bool> {
        let tx = self.write()?;
        let inserted = tx.execute(
            "INSERT INTO tick (slot, owner, at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![slot, owner, now],
        )?;
        tx.commit()?;
        Ok(inserted > 0)
    }
}
