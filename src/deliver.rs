//! Fan-out: delivering the current briefing to every subscriber. The one
//! path the scheduler, `/brief_now` and `briefbot brief --send` share.
//!
//! The store makes it crash-safe: `plan` queues a delivery row per
//! subscriber in one transaction, and each send is followed by its own
//! transaction marking it delivered. A process killed mid-way resumes from
//! the rows still pending; only the chat whose send was in flight can get
//! the briefing twice. Failures other than "gone" stay pending and are
//! retried by the next run; nothing is dropped silently.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

use crate::briefing;
use crate::config::EmptyBriefings;
use crate::kb::Kb;
use crate::render::Reply;
use crate::store::{Store, StoreError};

/// What became of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Delivered,
    /// The chat will never take it (bot blocked, kicked, not an admin):
    /// the subscription is deactivated with this reason.
    Gone(String),
    /// Try again later (network, Telegram's side).
    Retry(String),
}

/// Where briefings go: Telegram, or a fake in tests.
pub trait Sender {
    fn send(&self, chat_id: i64, reply: &Reply) -> impl Future<Output = Sent> + Send;
}

/// How to run a fan-out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Queue every active subscriber, even one that has this edition, and
    /// send the full briefing.
    pub force: bool,
    /// What a chat with nothing new gets.
    pub empty: EmptyBriefings,
    /// Only resume deliveries already queued (at start-up, retries).
    pub resume_only: bool,
}

/// What a fan-out did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    pub queued: usize,
    pub delivered: usize,
    /// Nothing new for the chat, and `BRIEFBOT_BRIEF_EMPTY=skip`.
    pub skipped: usize,
    pub gone: usize,
    /// Left pending for the next run.
    pub failed: usize,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} queued, {} delivered, {} with nothing new skipped, {} gone (deactivated), {} to retry",
            self.queued, self.delivered, self.skipped, self.gone, self.failed
        )
    }
}

/// Delivers the current briefing of `kb` to every subscriber that has not
/// had it, and resumes deliveries an earlier run left pending. `now` gives
/// unix seconds. The store lock is never held across a send.
pub async fn fan_out(
    kb: &Kb,
    store: &Mutex<Store>,
    sender: &impl Sender,
    options: Options,
    now: impl Fn() -> i64,
) -> Result<Report, StoreError> {
    let lock = || store.lock().unwrap_or_else(|e| e.into_inner());
    let mut report = Report::default();
    if !options.resume_only {
        let edition = briefing::edition(kb);
        report.queued = lock().plan(&edition, options.force, now())?;
    }
    let pending = lock().pending()?;
    // A chat queued twice (an old run left a row, a new edition came) gets
    // one briefing: the last row; the earlier ones are superseded.
    let last: HashMap<i64, usize> = pending
        .iter()
        .enumerate()
        .map(|(i, p)| (p.chat_id, i))
        .collect();
    for (i, p) in pending.iter().enumerate() {
        if last[&p.chat_id] != i {
            lock().delivered(&p.edition, p.chat_id, &[], now())?;
            continue;
        }
        let seen = lock().seen_events(p.chat_id)?;
        let first = seen.is_empty() || options.force;
        let brief = briefing::compose(kb, (!first).then_some(&seen));
        if brief.nothing_new && options.empty == EmptyBriefings::Skip {
            lock().delivered(&p.edition, p.chat_id, &brief.event_keys, now())?;
            report.skipped += 1;
            continue;
        }
        match sender.send(p.chat_id, &brief.reply).await {
            Sent::Delivered => {
                lock().delivered(&p.edition, p.chat_id, &brief.event_keys, now())?;
                report.delivered += 1;
            }
            Sent::Gone(reason) => {
                tracing::warn!(chat_id = p.chat_id, %reason, "subscription deactivated");
                lock().gone(&p.edition, p.chat_id, &reason, now())?;
                report.gone += 1;
            }
            Sent::Retry(error) => {
                tracing::warn!(chat_id = p.chat_id, %error, "briefing not delivered; will retry");
                lock().failed(&p.edition, p.chat_id, &error, now())?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}
