//! What each chat last asked about, so a follow-up that says "they" or "it"
//! can be asked about it ("who are the MEK" … "when did they move"). Kept
//! in memory for a short while only: a conversation's thread, not state
//! worth storing. With replicas, a follow-up that reaches another replica
//! is answered as if it stood alone. Time is passed in.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long a chat's subject lasts after its last question.
pub const SUBJECT_TTL: Duration = Duration::from_secs(15 * 60);
/// Past this many tracked chats, expired subjects are forgotten, then the
/// oldest.
const MAX_TRACKED: usize = 10_000;

/// The subject of every chat that asked lately.
#[derive(Debug, Default)]
pub struct Subjects {
    chats: HashMap<i64, (String, Instant)>,
}

impl Subjects {
    /// The subject of `chat` at `now`, unless it expired.
    pub fn get(&self, chat: i64, now: Instant) -> Option<String> {
        self.chats
            .get(&chat)
            .filter(|(_, at)| now.saturating_duration_since(*at) < SUBJECT_TTL)
            .map(|(key, _)| key.clone())
    }

    /// Sets (or, with `None`, forgets) the subject of `chat` at `now`.
    pub fn set(&mut self, chat: i64, subject: Option<String>, now: Instant) {
        let Some(key) = subject else {
            self.chats.remove(&chat);
            return;
        };
        if self.chats.len() >= MAX_TRACKED && !self.chats.contains_key(&chat) {
            self.chats
                .retain(|_, (_, at)| now.saturating_duration_since(*at) < SUBJECT_TTL);
            if self.chats.len() >= MAX_TRACKED
                && let Some(oldest) = self
                    .chats
                    .iter()
                    .min_by_key(|(_, (_, at))| *at)
                    .map(|(c, _)| *c)
            {
                self.chats.remove(&oldest);
            }
        }
        self.chats.insert(chat, (key, now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_lasts_a_while_per_chat() {
        let t0 = Instant::now();
        let mut s = Subjects::default();
        s.set(1, Some("actor:mek".into()), t0);
        assert_eq!(
            s.get(1, t0 + Duration::from_secs(60)).as_deref(),
            Some("actor:mek")
        );
        assert_eq!(s.get(2, t0), None, "another chat has its own");
        assert_eq!(s.get(1, t0 + SUBJECT_TTL), None, "expired");
        s.set(1, None, t0);
        assert_eq!(s.get(1, t0), None, "forgotten");
    }

    #[test]
    fn the_map_stays_bounded() {
        let t0 = Instant::now();
        let mut s = Subjects::default();
        for chat in 0..(MAX_TRACKED as i64 + 5) {
            s.set(
                chat,
                Some("topic:jcpoa".into()),
                t0 + Duration::from_millis(chat as u64),
            );
        }
        assert!(s.chats.len() <= MAX_TRACKED);
        assert_eq!(
            s.get(0, t0 + Duration::from_secs(1)),
            None,
            "the oldest went first"
        );
        assert!(
            s.get(MAX_TRACKED as i64 + 4, t0 + Duration::from_secs(1))
                .is_some()
        );
    }
}
