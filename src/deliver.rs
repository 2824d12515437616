//! Fan-out: delivering the current briefing to every subscriber. The one
//! path the scheduler, `/brief_now` and `briefbot brief --send` share.
//!
//! The store makes it crash-safe and safe to run twice at once: `plan`
//! queues a delivery row per subscriber in one transaction; then each
//! delivery is claimed (`claim_next`, one transaction), sent, and marked
//! delivered in its own transaction. Two senders never claim the same
//! row, so any number of them deliver each (chat, edition) once. A sender
//! killed mid-way leaves one claim, which another takes over when its lease
//! ends; only the chat whose send was in flight can get the briefing twice.
//! Failures other than "gone" stay pending and are retried by the next
//! run; nothing is dropped silently. Up to `Options::concurrency` sends are
//! in flight at once, each claimed just before it is sent. A stop
//! (`CancellationToken`) ends the claiming at once and gives up on the
//! sends still in flight `GRACE` after it; what is left stays queued.

use std::future::Future;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::briefing;
use crate::config::EmptyBriefings;
use crate::kb::Kb;
use crate::render::Reply;
use crate::shutdown::{self, CancellationToken};
use crate::store::{Pending, Store, StoreError};

/// How long a sender owns a claimed delivery by default, in seconds: far
/// longer than one send with all its retries (about three minutes at
/// worst), short enough that a killed sender's chat is briefed soon after.
pub const DEFAULT_LEASE_SECONDS: i64 = 300;

/// What became of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Delivered,
    /// The chat will never take it (bot blocked, kicked, not an admin):
    /// the subscription is deactivated with this reason.
    Gone(String),
    /// Try again later (network, Telegram's side).
    Retry(String),
    /// The group became a supergroup with this id: send there instead.
    Moved(i64),
}

/// Where briefings go: Telegram, or a fake in tests.
pub trait Sender {
    fn send(&self, chat_id: i64, reply: &Reply) -> impl Future<Output = Sent> + Send;
}

/// How to run a fan-out.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Queue every active subscriber, even one that has this edition, and
    /// send the full briefing.
    pub force: bool,
    /// What a chat with nothing new gets.
    pub empty: EmptyBriefings,
    /// Only resume deliveries already queued (at start-up, retries).
    pub resume_only: bool,
    /// How long, in seconds, a claimed delivery stays this run's.
    pub lease_seconds: i64,
    /// How many sends may be in flight at once (at least 1).
    pub concurrency: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            force: false,
            empty: EmptyBriefings::default(),
            resume_only: false,
            lease_seconds: DEFAULT_LEASE_SECONDS,
            concurrency: 1,
        }
    }
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
    /// Pending deliveries another sender was holding when this run ended.
    pub claimed_elsewhere: usize,
    /// Stopped before the queue was empty; the rest stays queued.
    pub stopped: bool,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} queued, {} delivered, {} with nothing new skipped, {} gone (deactivated), {} to retry",
            self.queued, self.delivered, self.skipped, self.gone, self.failed
        )?;
        if self.claimed_elsewhere > 0 {
            write!(
                f,
                ", {} being sent by another sender",
                self.claimed_elsewhere
            )?;
        }
        if self.stopped {
            write!(f, "; stopped early, the rest stays queued")?;
        }
        Ok(())
    }
}

/// A name for one fan-out run, unique across processes and runs: what a
/// claim records as its owner.
fn run_owner() -> String {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    format!("{}-{run}", crate::store::process_id())
}

/// Delivers the current briefing of `kb` to every subscriber that has not
/// had it, and resumes deliveries an earlier run left pending, claiming
/// each before it is sent. `now` gives unix seconds. `stop` ends the run early (see the module).
pub async fn fan_out(
    kb: &Kb,
    store: &Store,
    sender: &impl Sender,
    options: Options,
    now: impl Fn() -> i64,
    stop: &CancellationToken,
) -> Result<Report, StoreError> {
    let owner = run_owner();
    let mut report = Report::default();
    if !options.resume_only {
        let edition = briefing::edition(kb);
        report.queued = store.plan(&edition, options.force, now()).await?;
    }
    // Sends in flight, at most `options.concurrency`: a throttled bot
    // needs several queued to reach Telegram's limits (its worker releases
    // queued requests four times a second).
    let mut in_flight = FuturesUnordered::new();
    let mut claiming = true;
    // Once, so that the grace runs from the stop, not from the last send.
    let grace = shutdown::grace_over(stop);
    tokio::pin!(grace);
    loop {
        while claiming && in_flight.len() < options.concurrency.max(1) {
            if stop.is_cancelled() {
                report.stopped = true;
                claiming = false;
                break;
            }
            let Some(p) = store
                .claim_next(&owner, now(), options.lease_seconds)
                .await?
            else {
                claiming = false;
                break;
            };
            let seen = store.seen_events(p.chat_id).await?;
            let first = seen.is_empty() || options.force;
            // In the chat's language (`/lang`); the edition is the story's,
            // the same in every language.
            let lang = store.lang_of(p.chat_id).await?.unwrap_or_default();
            let brief = briefing::compose(kb.in_lang(lang), (!first).then_some(&seen));
            if brief.nothing_new && options.empty == EmptyBriefings::Skip {
                store
                    .delivered(&p.edition, p.chat_id, &brief.event_keys, now())
                    .await?;
                report.skipped += 1;
                continue;
            }
            in_flight.push(async move {
                let sent = send_following(store, sender, &p, &brief.reply).await;
                (p, brief.event_keys, sent)
            });
        }
        if in_flight.is_empty() {
            break;
        }
        let (p, event_keys, sent) = tokio::select! {
            Some(done) = in_flight.next() => done,
            // Given up on: the claims stay until their lease ends, as if
            // this sender had died, so a send that did arrive is not
            // repeated at once.
            () = &mut grace => {
                tracing::warn!(
                    in_flight = in_flight.len(),
                    "stopping with briefings in flight"
                );
                report.stopped = true;
                break;
            }
        };
        match sent? {
            (chat_id, Sent::Moved(again)) => {
                let error = format!("the chat moved twice in one send (to {again})");
                store.failed(&p.edition, chat_id, &error, now()).await?;
                report.failed += 1;
            }
            (chat_id, Sent::Delivered) => {
                store
                    .delivered(&p.edition, chat_id, &event_keys, now())
                    .await?;
                report.delivered += 1;
            }
            (chat_id, Sent::Gone(reason)) => {
                tracing::warn!(chat_id, %reason, "subscription deactivated");
                store.gone(&p.edition, chat_id, &reason, now()).await?;
                report.gone += 1;
            }
            (chat_id, Sent::Retry(error)) => {
                tracing::warn!(chat_id, %error, "briefing not delivered; will retry");
                store.failed(&p.edition, chat_id, &error, now()).await?;
                report.failed += 1;
            }
        }
    }
    report.claimed_elsewhere = store.claimed_elsewhere(&owner, now()).await?;
    Ok(report)
}

/// Sends `reply` for the claimed delivery `p`; a group that became a
/// supergroup is moved in the store (subscription, log, claim) and sent to
/// at its new id. Returns the chat id the outcome is for.
async fn send_following(
    store: &Store,
    sender: &impl Sender,
    p: &Pending,
    reply: &Reply,
) -> Result<(i64, Sent), StoreError> {
    let sent = sender.send(p.chat_id, reply).await;
    let Sent::Moved(to) = sent else {
        return Ok((p.chat_id, sent));
    };
    tracing::info!(
        from = p.chat_id,
        to,
        "the group became a supergroup; briefing it there"
    );
    store.move_chat(p.chat_id, to).await?;
    Ok((to, sender.send(to, reply).await))
}
