//! Builds a `Reply` — plain data: a title, a body, the sources and the
//! follow-up questions — for a target of the knowledge base, and turns it into
//! plain text for the terminal. Telegram formats the same `Reply` itself.
//! Pure: no I/O, no clock.

use crate::dates::DateQuery;
use crate::kb::{Builtin, EntityKind, Event, Kb};
use crate::matcher::{Lang, Target};

/// How many events a list shows before pointing at the rest.
const MAX_LISTED_EVENTS: usize = 8;
/// How many sources a list of events cites before summing up the rest.
const MAX_LIST_SOURCES: usize = 3;
/// URLs are shown when a reply cites at most this many sources.
const MAX_SOURCES_WITH_URLS: usize = 2;

/// A reply as a reader sees it, before any formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The first line, in bold on Telegram; `None` for small talk and declines.
    pub title: Option<String>,
    pub body: String,
    pub sources: Vec<Citation>,
    /// Follow-up questions: buttons on Telegram, a numbered list in the terminal.
    pub related: Vec<Button>,
    /// The language it is written in: its labels ("Sources", "More") and
    /// its buttons' are in it too.
    pub lang: Lang,
}

/// One source, as cited under a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// `news analysis "Albania accused Iran…" (2022)`.
    pub text: String,
    pub url: Option<String>,
}

/// A follow-up question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    /// The `Target::key` it asks.
    pub key: String,
}

impl Reply {
    pub fn text(body: impl Into<String>) -> Reply {
        Reply {
            title: None,
            body: body.into(),
            sources: Vec::new(),
            related: Vec::new(),
            lang: Lang::En,
        }
    }

    /// `text` in `lang`.
    pub fn text_in(lang: Lang, body: impl Into<String>) -> Reply {
        Reply {
            lang,
            ..Reply::text(body)
        }
    }

    /// The reply as plain text, with the related questions numbered.
    pub fn to_plain(&self) -> String {
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(title);
            out.push('\n');
        }
        out.push_str(&self.body);
        if let Some(line) = self.sources_line(|c| match &c.url {
            Some(url) => format!("{} {url}", c.text),
            None => c.text.clone(),
        }) {
            out.push('\n');
            out.push_str(&line);
        }
        if !self.related.is_empty() {
            out.push_str("\n\n");
            out.push_str(crate::i18n::texts(self.lang).more);
            for (i, b) in self.related.iter().enumerate() {
                out.push_str(&format!("\n  {}. {}", i + 1, b.label));
            }
        }
        out
    }

    /// `Source: …` or `Sources: …; ….`, each citation formatted by `cite`.
    pub fn sources_line(&self, cite: impl Fn(&Citation) -> String) -> Option<String> {
        if self.sources.is_empty() {
            return None;
        }
        let texts = crate::i18n::texts(self.lang);
        let label = if self.sources.len() == 1 {
            texts.source
        } else {
            texts.sources
        };
        let list: Vec<String> = self.sources.iter().map(cite).collect();
        Some(format!("{label}: {}.", list.join("; ")))
    }
}

/// The reply for a target.
pub fn render(kb: &Kb, target: &Target) -> Reply {
    match target {
        Target::Intent(i) => {
            let intent = &kb.intents[*i];
            match intent.builtin {
                Some(Builtin::Timeline) => timeline(kb, false),
                None => Reply {
                    lang: kb.lang,
                    title: Some(intent.title.clone()).filter(|t| !t.is_empty()),
                    body: intent.answer.clone(),
                    sources: citations(kb, &intent.sources),
                    related: buttons(kb, &intent.related),
                },
            }
        }
        Target::Actor(i) => {
            let actor = &kb.actors[*i];
            let title = match &actor.role {
                Some(role) => format!("{} — {role}", actor.name),
                None => actor.name.clone(),
            };
            let events: Vec<String> = kb
                .events
                .iter()
                .rev()
                .filter(|e| e.actors.contains(&actor.id))
                .take(3)
                .map(|e| format!("event:{}", e.id))
                .collect();
            Reply {
                lang: kb.lang,
                title: Some(title),
                body: actor.summary.clone(),
                sources: citations(kb, &actor.sources),
                related: buttons(kb, &events),
            }
        }
        Target::Topic(i) => {
            let topic = &kb.topics[*i];
            Reply {
                lang: kb.lang,
                title: Some(topic.name.clone()),
                body: topic.summary.clone(),
                sources: citations(kb, &topic.sources),
                related: buttons(kb, &["timeline".to_string()]),
            }
        }
        Target::Event(i) => event(kb, &kb.events[*i]),
        Target::Date(q) => on_date(kb, q),
        Target::StandsFor(named) => {
            let (short, long) = kb.stands_for(named).unwrap_or_default();
            let sources = kb.named(named).map_or(&[][..], |n| n.sources);
            Reply {
                lang: kb.lang,
                title: Some(crate::i18n::texts(kb.lang).stands_for_title(&short)),
                body: crate::i18n::texts(kb.lang).stands_for_body(&short, &long),
                sources: citations(kb, sources),
                related: vec![button(kb, named)],
            }
        }
    }
}

/// The events in order: the key ones, or with `all` every one.
pub fn timeline(kb: &Kb, all: bool) -> Reply {
    let key: Vec<&Event> = kb.events.iter().filter(|e| e.key).collect();
    let events: Vec<&Event> = if all || key.is_empty() {
        kb.events.iter().collect()
    } else {
        key
    };
    let limit = if all { usize::MAX } else { MAX_LISTED_EVENTS };
    let mut body = list(&events, limit);
    if !all && events.len() < kb.events.len() {
        body.push('\n');
        body.push_str(&crate::i18n::texts(kb.lang).events_in_all(kb.events.len()));
    }
    Reply {
        lang: kb.lang,
        title: Some(crate::i18n::texts(kb.lang).timeline.to_string()),
        body,
        sources: list_citations(kb, &events),
        related: Vec::new(),
    }
}

fn event(kb: &Kb, e: &Event) -> Reply {
    let mut body = e.summary.clone();
    if let Some(note) = &e.note {
        body.push_str(&format!("\n{} {note}", crate::i18n::texts(kb.lang).note));
    }
    let actors: Vec<String> = e
        .actors
        .iter()
        .filter(|a| kb.actor(a).is_some_and(|a| a.kind != EntityKind::Country))
        .take(3)
        .map(|a| format!("lookup:{a}"))
        .collect();
    Reply {
        lang: kb.lang,
        title: Some(format!("{} — {}", e.date.display(kb.lang), e.title)),
        body,
        sources: citations(kb, &e.sources),
        related: buttons(kb, &actors),
    }
}

fn on_date(kb: &Kb, q: &DateQuery) -> Reply {
    let events: Vec<&Event> = kb.events.iter().filter(|e| q.matches(&e.date)).collect();
    match events.as_slice() {
        [] => Reply::text_in(
            kb.lang,
            crate::i18n::texts(kb.lang).no_events_on(&q.display(kb.lang)),
        ),
        [one] => event(kb, one),
        many => {
            let texts = crate::i18n::texts(kb.lang);
            Reply {
                lang: kb.lang,
                title: Some(texts.on_date(&q.display(kb.lang), q.day.is_some())),
                body: list(many, MAX_LISTED_EVENTS),
                sources: list_citations(kb, many),
                related: buttons(
                    kb,
                    &many
                        .iter()
                        .take(3)
                        .map(|e| format!("event:{}", e.id))
                        .collect::<Vec<_>>(),
                ),
            }
        }
    }
}

fn list(events: &[&Event], limit: usize) -> String {
    let mut lines: Vec<String> = events
        .iter()
        .take(limit)
        .map(|e| format!("{} — {}", e.date, e.title))
        .collect();
    if events.len() > limit {
        lines.push(format!("…and {} more.", events.len() - limit));
    }
    lines.join("\n")
}

pub(crate) fn cited_by(events: &[&Event]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in events.iter().flat_map(|e| &e.sources) {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

/// Citations for a list of events: the first few, then a count of the rest,
/// so that a long list stays readable.
pub fn list_citations(kb: &Kb, events: &[&Event]) -> Vec<Citation> {
    capped_citations(kb, &cited_by(events))
}

/// Citations for source ids, the first few in full, then a count of the rest.
pub fn capped_citations(kb: &Kb, ids: &[String]) -> Vec<Citation> {
    let mut cites = citations(kb, &ids[..ids.len().min(MAX_LIST_SOURCES)]);
    if ids.len() > MAX_LIST_SOURCES {
        cites.push(Citation {
            text: format!(
                "and {} more (ask about one event for its sources)",
                ids.len() - MAX_LIST_SOURCES
            ),
            url: None,
        });
    }
    cites
}

/// Citations for source ids, in the order given.
pub fn citations(kb: &Kb, ids: &[String]) -> Vec<Citation> {
    let with_urls = ids.len() <= MAX_SOURCES_WITH_URLS;
    ids.iter()
        .filter_map(|id| kb.source(id))
        .map(|s| Citation {
            text: format!(
                "{} \"{}\"{}",
                s.publisher,
                s.title,
                s.date.map(|d| format!(" ({})", d.year)).unwrap_or_default()
            ),
            url: s.url.clone().filter(|_| with_urls),
        })
        .collect()
}

/// Buttons for target keys; unknown keys are skipped (validation reports them).
pub fn buttons(kb: &Kb, keys: &[String]) -> Vec<Button> {
    keys.iter()
        .filter_map(|key| Some(button(kb, &Target::from_key(kb, key)?)))
        .collect()
}

/// The button that asks for `target`.
pub fn button(kb: &Kb, target: &Target) -> Button {
    Button {
        label: label(kb, target),
        key: target.key(kb),
    }
}

/// A short question that asks for a target.
pub fn label(kb: &Kb, target: &Target) -> String {
    match target {
        Target::Intent(i) => {
            let intent = &kb.intents[*i];
            match intent.builtin {
                Some(Builtin::Timeline) if intent.button.is_empty() => {
                    crate::i18n::texts(kb.lang).timeline.to_string()
                }
                _ => intent.button.clone(),
            }
        }
        Target::Actor(i) => {
            let actor = &kb.actors[*i];
            match actor.kind {
                EntityKind::Person => crate::i18n::texts(kb.lang).who_is(&actor.name),
                _ => crate::i18n::texts(kb.lang).what_is(&actor.name),
            }
        }
        Target::Topic(i) => crate::i18n::texts(kb.lang).what_is(&kb.topics[*i].name),
        Target::Event(i) => {
            let e = &kb.events[*i];
            format!("{}: {}", e.date.short_in(kb.lang), e.title)
        }
        Target::Date(q) => {
            crate::i18n::texts(kb.lang).what_happened_on(&q.display(kb.lang), q.day.is_some())
        }
        Target::StandsFor(named) => {
            let short = kb.stands_for(named).map(|(s, _)| s).unwrap_or_default();
            crate::i18n::texts(kb.lang).what_does_stand_for(&short)
        }
    }
}
