//! The question log on PostgreSQL: shared by every replica, so `/stats` and
//! `briefbot unanswered` count across them.

use super::Postgres;
use crate::store::{Question, Result, Stats};

impl Postgres {
    pub async fn record_questions(&self, questions: &[Question]) -> Result<()> {
        if questions.is_empty() {
            return Ok(());
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let insert = tx
            .prepare_cached(
                "INSERT INTO question (at, chat_kind, intent, matched, text)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .await?;
        for q in questions {
            let text = if q.matched { None } else { q.text.as_deref() };
            tx.execute(
                &insert,
                &[&q.at, &q.chat_kind, &q.intent, &q.matched, &text],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn unanswered(&self, since: i64) -> Result<Vec<(String, i64, String)>> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT text, at, chat_kind FROM question
                 WHERE NOT matched AND text IS NOT NULL AND at >= $1
                 ORDER BY at DESC, id DESC",
                &[&since],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    pub async fn stats(&self, since: i64) -> Result<Stats> {
        let client = self.client().await?;
        let counts = client
            .query_one(
                "SELECT
                     COUNT(*) FILTER (WHERE matched),
                     COUNT(*) FILTER (WHERE NOT matched),
                     COUNT(*) FILTER (WHERE NOT matched AND text IS NOT NULL)
                 FROM question WHERE at >= $1",
                &[&since],
            )
            .await?;
        let top = client
            .query(
                "SELECT intent, COUNT(*) AS n FROM question
                 WHERE matched AND intent IS NOT NULL AND at >= $1
                 GROUP BY intent ORDER BY n DESC, intent ASC LIMIT 5",
                &[&since],
            )
            .await?;
        let count = |n: i64| n.max(0) as u64;
        Ok(Stats {
            answered: count(counts.get(0)),
            declined: count(counts.get(1)),
            top_intents: top.iter().map(|r| (r.get(0), count(r.get(1)))).collect(),
            unanswered: count(counts.get(2)),
        })
    }
}
