//! Briefings: a digest of the story for a chat — the headline, what is new
//! since the chat's last briefing, and where to ask more. Pure: the caller
//! says which events the chat has already seen (the store keeps that).
//!
//! An event is "seen" by its `Event::seen_key`: its id plus its `updated`
//! date, so an event a curator revises comes round again as updated. The
//! `edition` names the set of all such keys: a chat that received an edition
//! is not sent it again.

use std::collections::HashSet;

use crate::kb::{Event, Kb};
use crate::render::{self, Button, Reply};

/// How many events a briefing lists before pointing at the timeline.
const MAX_BRIEFED_EVENTS: usize = 8;
/// How many key events a chat's first briefing recalls.
const FIRST_BRIEFING_EVENTS: usize = 5;

/// A briefing composed for one chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Briefing {
    /// The knowledge's edition this briefing was composed from.
    pub edition: String,
    pub reply: Reply,
    /// Every event key of the edition: after delivery the chat has seen them.
    pub event_keys: Vec<String>,
    /// The events that are new (or updated) for this chat.
    pub new_events: Vec<String>,
    /// The chat had a briefing before and nothing changed since.
    pub nothing_new: bool,
}

impl Event {
    /// What a chat remembers having been briefed on.
    pub fn seen_key(&self) -> String {
        match &self.updated {
            Some(date) => format!("{}@{date:?}", self.id),
            None => self.id.clone(),
        }
    }
}

/// Names the current set of events: it changes when an event is added,
/// removed or marked updated. (FNV-1a over the sorted keys: stable across
/// builds and platforms, unlike `std`'s hasher.)
pub fn edition(kb: &Kb) -> String {
    let mut keys: Vec<String> = kb.events.iter().map(Event::seen_key).collect();
    keys.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for key in &keys {
        for byte in key.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The briefing for a chat that has seen `seen` (`None`: never briefed).
pub fn compose(kb: &Kb, seen: Option<&HashSet<String>>) -> Briefing {
    let edition = edition(kb);
    let event_keys: Vec<String> = kb.events.iter().map(Event::seen_key).collect();
    let texts = crate::i18n::texts(kb.lang);
    let title = texts.briefing.to_string();
    let mut body = kb
        .bot
        .headline
        .as_ref()
        .map_or_else(|| kb.bot.about.clone(), |(text, _)| text.clone());
    let mut cited: Vec<&Event> = Vec::new();
    let mut new_events = Vec::new();
    let first = seen.is_none_or(HashSet::is_empty);
    if first {
        let mut key: Vec<&Event> = kb.events.iter().filter(|e| e.key).collect();
        if key.is_empty() {
            key = kb.events.iter().collect();
        }
        let latest = &key[key.len().saturating_sub(FIRST_BRIEFING_EVENTS)..];
        if !latest.is_empty() {
            body.push_str("\n\n");
            body.push_str(texts.main_events);
            for e in latest {
                body.push_str(&format!("\n• {} — {}", e.date.display(kb.lang), e.title));
            }
        }
        cited.extend(latest);
    } else if let Some(seen) = seen {
        // New first by date, as in the timeline.
        let fresh: Vec<&Event> = kb
            .events
            .iter()
            .filter(|e| !seen.contains(&e.seen_key()))
            .collect();
        if fresh.is_empty() {
            return Briefing {
                edition,
                reply: Reply {
                    lang: kb.lang,
                    title: Some(title),
                    body: format!("{}\n\n{}", texts.nothing_new, texts.ask_more),
                    sources: Vec::new(),
                    related: vec![timeline_button(texts)],
                },
                event_keys,
                new_events,
                nothing_new: true,
            };
        }
        body.push_str("\n\n");
        body.push_str(texts.new_since);
        for e in fresh.iter().take(MAX_BRIEFED_EVENTS) {
            let updated = if seen.contains(&e.id) {
                texts.updated
            } else {
                ""
            };
            body.push_str(&format!(
                "\n• {} — {}{updated}: {}",
                e.date.display(kb.lang),
                e.title,
                e.summary
            ));
        }
        if fresh.len() > MAX_BRIEFED_EVENTS {
            body.push('\n');
            body.push_str(&texts.and_more(fresh.len() - MAX_BRIEFED_EVENTS));
        }
        new_events = fresh.iter().map(|e| e.id.clone()).collect();
        cited.extend(fresh.iter().take(MAX_BRIEFED_EVENTS));
    }
    body.push_str("\n\n");
    body.push_str(texts.ask_more);
    let mut ids: Vec<String> = kb
        .bot
        .headline
        .as_ref()
        .map(|(_, ids)| ids.clone())
        .unwrap_or_default();
    for id in render::cited_by(&cited) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let sources = render::capped_citations(kb, &ids);
    let mut related: Vec<Button> = cited
        .iter()
        .rev()
        .take(2)
        .map(|e| Button {
            label: e.title.clone(),
            key: format!("event:{}", e.id),
        })
        .collect();
    related.push(timeline_button(texts));
    Briefing {
        edition,
        reply: Reply {
            lang: kb.lang,
            title: Some(title),
            body,
            sources,
            related,
        },
        event_keys,
        new_events,
        nothing_new: false,
    }
}

fn timeline_button(texts: &crate::i18n::Texts) -> Button {
    Button {
        label: texts.timeline.to_string(),
        key: "timeline".to_string(),
    }
}
