//! The question log behind the curators' "unanswered" list and `/stats`.

use rusqlite::{Row, params};

use super::{Question, Result, Sqlite, Stats};

impl Sqlite {
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
