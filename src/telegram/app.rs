//! What every handler shares: the knowledge (swapped whole by a reload),
//! the state store, the flood guard, the buffered question log and the
//! settings the handlers need.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use anyhow::Result;
use teloxide::prelude::*;

use super::briefings;
use super::flood::{FloodGuard, Verdict};
use super::route::ChatKind;
use super::subjects::Subjects;
use crate::answer;
use crate::config::{Config, EmptyBriefings, GroupMode};
use crate::kb;
use crate::kb::Kb;
use crate::metrics::Metrics;
use crate::schedule::Schedule;
use crate::store::{self, Question, Store};

/// How much of a declined question the curator's log keeps.
const MAX_RECORDED_CHARS: usize = 500;

/// How many questions the log buffers before writing them.
const FLUSH_QUESTIONS_AT: usize = 200;
/// How many questions are kept in memory while the store cannot take them.
const MAX_BUFFERED_QUESTIONS: usize = 100_000;
/// How often the buffered question log is written anyway.
pub(super) const FLUSH_QUESTIONS_EVERY: Duration = Duration::from_secs(5);

/// What every handler shares: the knowledge (swapped whole by a reload),
/// the state store and the settings handlers need.
pub struct App {
    kb: RwLock<Arc<Kb>>,
    pub group_mode: GroupMode,
    pub admins: Vec<u64>,
    pub store: Store,
    /// Whether updates are checked against the ones already answered: in
    /// webhook mode (Telegram posts again after a slow answer) and whenever
    /// the state is shared by replicas.
    pub dedup_updates: bool,
    pub empty_briefings: EmptyBriefings,
    pub schedule: Option<Schedule>,
    /// How long a sender owns a claimed delivery (`BRIEFBOT_DELIVERY_LEASE`).
    pub delivery_lease: Duration,
    intents_dir: PathBuf,
    data_dir: PathBuf,
    flood: Mutex<FloodGuard>,
    /// What each chat last asked about, for its follow-ups.
    subjects: Mutex<Subjects>,
    /// Questions not yet written to the store.
    questions: Mutex<Vec<Question>>,
    /// What `/metrics` and `/healthz` report.
    pub metrics: Arc<Metrics>,
}

impl App {
    /// Opens the state store named by `BRIEFBOT_STATE`.
    pub async fn new(config: &Config, kb: Arc<Kb>) -> Result<App> {
        let store = store::open_configured(config).await?;
        let metrics = Arc::new(Metrics::new());
        metrics.set_intents(kb.intents.len());
        Ok(App {
            kb: RwLock::new(kb),
            group_mode: config.group_mode,
            admins: config.admins.clone(),
            dedup_updates: config.webhook.is_some() || store.shared().is_some(),
            store,
            empty_briefings: config.empty_briefings,
            schedule: config.schedule.clone(),
            delivery_lease: config.delivery_lease,
            intents_dir: config.intents_dir.clone(),
            data_dir: config.data_dir.clone(),
            flood: Mutex::new(FloodGuard::default()),
            subjects: Mutex::new(Subjects::default()),
            questions: Mutex::new(Vec::new()),
            metrics,
        })
    }

    /// Whether to answer a message from `chat` now (see `flood`).
    pub(super) fn admit(&self, chat: ChatId) -> Verdict {
        self.flood
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .check(chat.0, std::time::Instant::now())
    }

    /// What `chat` last asked about, if lately (see `subjects`).
    pub(super) fn subject(&self, chat: ChatId) -> Option<String> {
        self.subjects
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(chat.0, std::time::Instant::now())
    }

    /// Remembers what `chat` asked about now.
    pub(super) fn set_subject(&self, chat: ChatId, subject: Option<String>) {
        self.subjects
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .set(chat.0, subject, std::time::Instant::now());
    }

    /// The state store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The knowledge in service now.
    pub fn kb(&self) -> Arc<Kb> {
        self.kb
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Loads `intents/` and `data/` again and swaps them in whole. On any
    /// error the old knowledge stays in service and every problem (file,
    /// line, message) is returned, and logged.
    pub async fn reload(&self) -> Result<String, String> {
        let (intents, data) = (self.intents_dir.clone(), self.data_dir.clone());
        let loaded = tokio::task::spawn_blocking(move || kb::load(&intents, &data)).await;
        match loaded {
            Ok(Ok(kb)) => {
                let summary = kb.summary();
                self.metrics.set_intents(kb.intents.len());
                self.metrics.reload(true);
                *self.kb.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(kb);
                tracing::info!(%summary, "knowledge reloaded");
                Ok(summary)
            }
            Ok(Err(e)) => {
                self.metrics.reload(false);
                tracing::error!("reload failed, keeping the old knowledge: {e}");
                Err(e.to_string())
            }
            Err(e) => Err(format!("the reload task failed: {e}")),
        }
    }

    /// `/reload` and SIGHUP: reloads here, then, when the state is shared,
    /// tells every other replica to reload too (`LISTEN`/`NOTIFY`). Each
    /// replica that cannot load the new knowledge keeps its old one and
    /// reports it in its own log and metrics.
    pub async fn reload_everywhere(&self) -> Result<String, String> {
        let result = self.reload().await;
        if let Some(db) = self.store.shared()
            && let Err(e) = db.notify_reload(store::process_id()).await
        {
            tracing::warn!("could not tell the other replicas to reload: {e}");
        }
        result
    }

    pub(super) async fn record(&self, chat: ChatKind, question: &str, outcome: &answer::Outcome) {
        let declined = !outcome.matched && !outcome.choices;
        let record = Question {
            at: briefings::now(),
            chat_kind: chat.as_str().to_string(),
            intent: outcome.intent.clone(),
            matched: outcome.matched,
            text: declined.then(|| question.chars().take(MAX_RECORDED_CHARS).collect()),
        };
        let full = {
            let mut buffer = self
                .questions
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            buffer.push(record);
            buffer.len() >= FLUSH_QUESTIONS_AT
        };
        if full {
            self.flush_questions().await;
        }
    }

    /// Writes the buffered question log in one transaction. Called when the
    /// buffer fills, every few seconds, before /stats and at shutdown; a
    /// crash loses at most those few seconds of statistics. When the store
    /// cannot take them (the database is down), the questions go back into
    /// the buffer, ahead of newer ones, for the next flush; past
    /// `MAX_BUFFERED_QUESTIONS` the oldest are dropped, with an error.
    pub async fn flush_questions(&self) {
        let batch = std::mem::take(
            &mut *self
                .questions
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        if batch.is_empty() {
            return;
        }
        if let Err(e) = self.store.record_questions(&batch).await {
            tracing::error!(
                "could not record {} questions, keeping them for later: {e}",
                batch.len()
            );
            let mut buffer = self
                .questions
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let newer = std::mem::replace(&mut *buffer, batch);
            buffer.extend(newer);
            let over = buffer.len().saturating_sub(MAX_BUFFERED_QUESTIONS);
            if over > 0 {
                buffer.drain(..over);
                tracing::error!(
                    "dropped the {over} oldest questions of the log: the store is still down"
                );
            }
        }
    }
}
