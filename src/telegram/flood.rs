//! Per-chat flood guard: a token bucket per chat, so one chat sending
//! thousands of messages cannot hold up the others. A message over the
//! limit is dropped at once (microseconds), so the chat's queue in the
//! dispatcher drains and never blocks updates from other chats; the first
//! dropped message of a burst gets one short notice. Time is passed in.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Messages a chat may send at once…
pub const BURST: u32 = 10;
/// …and how often it earns one more: 20 a minute, Telegram's own limit for
/// a bot's messages in one group.
pub const REFILL_EVERY: Duration = Duration::from_secs(3);
/// Past this many tracked chats, idle ones are forgotten.
const MAX_TRACKED: usize = 10_000;

/// What to do with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Answer,
    /// Over the limit: say so once…
    Notice,
    /// …then drop silently until the bucket refills.
    Drop,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: u32,
    since: Instant,
    noticed: bool,
}

/// The buckets of every chat.
#[derive(Debug, Default)]
pub struct FloodGuard {
    buckets: HashMap<i64, Bucket>,
}

impl FloodGuard {
    /// Counts a message from `chat` at `now`.
    pub fn check(&mut self, chat: i64, now: Instant) -> Verdict {
        if self.buckets.len() >= MAX_TRACKED {
            self.buckets.retain(|_, b| refill(*b, now).tokens < BURST);
        }
        let bucket = self.buckets.entry(chat).or_insert(Bucket {
            tokens: BURST,
            since: now,
            noticed: false,
        });
        *bucket = refill(*bucket, now);
        if bucket.tokens > 0 {
            bucket.tokens -= 1;
            bucket.noticed = false;
            Verdict::Answer
        } else if !bucket.noticed {
            bucket.noticed = true;
            Verdict::Notice
        } else {
            Verdict::Drop
        }
    }
}

fn refill(mut b: Bucket, now: Instant) -> Bucket {
    let earned = now.saturating_duration_since(b.since).as_millis() / REFILL_EVERY.as_millis();
    if earned > 0 {
        b.tokens = (b.tokens as u128 + earned).min(BURST as u128) as u32;
        b.since += REFILL_EVERY * earned as u32;
        if b.tokens == BURST {
            b.since = now;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_one_notice_then_silence_until_refilled() {
        let mut guard = FloodGuard::default();
        let t0 = Instant::now();
        let verdicts: Vec<Verdict> = (0..BURST + 3).map(|_| guard.check(1, t0)).collect();
        assert!(
            verdicts[..BURST as usize]
                .iter()
                .all(|v| *v == Verdict::Answer)
        );
        assert_eq!(verdicts[BURST as usize], Verdict::Notice);
        assert_eq!(verdicts[BURST as usize + 1], Verdict::Drop);
        // Other chats are not affected.
        assert_eq!(guard.check(2, t0), Verdict::Answer);
        // One more message per REFILL_EVERY.
        assert_eq!(guard.check(1, t0 + REFILL_EVERY), Verdict::Answer);
        assert_eq!(guard.check(1, t0 + REFILL_EVERY), Verdict::Notice);
        // A quiet minute refills the whole burst.
        let later = t0 + Duration::from_secs(60);
        let answered = (0..BURST + 1)
            .filter(|_| guard.check(1, later) == Verdict::Answer)
            .count();
        assert_eq!(answered, BURST as usize);
    }

    #[test]
    fn idle_chats_are_forgotten_when_many_are_tracked() {
        let mut guard = FloodGuard::default();
        let t0 = Instant::now();
        for chat in 0..MAX_TRACKED as i64 {
            guard.check(chat, t0);
        }
        guard.check(-1, t0 + Duration::from_secs(60));
        assert_eq!(guard.buckets.len(), 1);
    }
}
