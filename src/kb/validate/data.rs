//! Validation of the data files: sources, actors, topics and events.

use super::*;

impl Validator {
    pub(super) fn sources(&mut self, file: Option<&SourceFile>) -> Vec<Source> {
        let Some(file) = file else { return Vec::new() };
        let Some(raw) = self.parse::<raw::SourceFile>(file) else {
            return Vec::new();
        };
        let at = At {
            path: &file.path,
            text: &file.text,
        };
        let mut seen = HashSet::default();
        raw.source
            .iter()
            .map(|s| {
                let s = s.get_ref();
                Source {
                    id: self.id(at, &s.id, "source", &mut seen),
                    title: self.text(at, &s.title, "title"),
                    publisher: self.text(at, &s.publisher, "publisher"),
                    date: s.date.as_ref().and_then(|d| self.date(at, d)),
                    url: s.url.as_ref().and_then(|u| self.url(at, u)),
                }
            })
            .collect()
    }

    /// A source's URL: absolute `http` or `https`, short enough to be a
    /// Telegram link. A blank one is no URL.
    pub(super) fn url(&mut self, at: At<'_>, field: &Spanned<String>) -> Option<String> {
        let value = field.get_ref().trim();
        if value.is_empty() {
            return None;
        }
        let chars = value.chars().count();
        let problem = match url::Url::parse(value) {
            _ if chars > MAX_URL_CHARS => {
                format!("url is {chars} characters long (limit {MAX_URL_CHARS})")
            }
            Ok(u)
                if matches!(u.scheme(), "http" | "https")
                    && !value.contains(char::is_whitespace) =>
            {
                return Some(value.to_string());
            }
            Ok(u) => format!(
                "url `{value}` is not a web address (http or https, not `{}`, no spaces)",
                u.scheme()
            ),
            Err(e) => format!("url `{value}` is not a web address: {e}"),
        };
        self.at(at, field.span(), problem);
        None
    }

    pub(super) fn cited(
        &mut self,
        at: At<'_>,
        sources: &Spanned<Vec<Spanned<String>>>,
        known: &HashSet<String>,
    ) -> Vec<String> {
        if sources.get_ref().is_empty() {
            self.at(
                at,
                sources.span(),
                "`sources` is empty: every fact names its source",
            );
        }
        self.refs(at, sources.get_ref(), known, "source")
    }

    pub(super) fn actors(&mut self, files: &[SourceFile], sources: &HashSet<String>) -> Vec<Actor> {
        let mut seen = HashSet::default();
        let mut out = Vec::new();
        for file in files {
            let Some(a) = self.parse::<raw::Actor>(file) else {
                continue;
            };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            let kind = EntityKind::parse(a.kind.get_ref()).unwrap_or_else(|| {
                self.at(
                    at,
                    a.kind.span(),
                    format!(
                        "unknown kind `{}` (person, organisation, country or company)",
                        a.kind.get_ref()
                    ),
                );
                EntityKind::Organisation
            });
            out.push(Actor {
                id: self.id(at, &a.id, "actor", &mut seen),
                name: self.text(at, &a.name, "name"),
                aliases: self.texts(at, &a.aliases, "alias"),
                kind,
                role: a.role.as_ref().map(|r| self.text(at, r, "role")),
                stands_for: a
                    .stands_for
                    .as_ref()
                    .map(|x| self.text(at, x, "stands_for")),
                descriptions: self.texts(at, &a.descriptions, "description"),
                summary: self.text(at, &a.summary, "summary"),
                sources: self.cited(at, &a.sources, sources),
            });
        }
        out
    }

    pub(super) fn topics(&mut self, files: &[SourceFile], sources: &HashSet<String>) -> Vec<Topic> {
        let mut seen = HashSet::default();
        let mut out = Vec::new();
        for file in files {
            let Some(t) = self.parse::<raw::Topic>(file) else {
                continue;
            };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            out.push(Topic {
                id: self.id(at, &t.id, "topic", &mut seen),
                name: self.text(at, &t.name, "name"),
                aliases: self.texts(at, &t.aliases, "alias"),
                stands_for: t
                    .stands_for
                    .as_ref()
                    .map(|x| self.text(at, x, "stands_for")),
                descriptions: self.texts(at, &t.descriptions, "description"),
                summary: self.text(at, &t.summary, "summary"),
                sources: self.cited(at, &t.sources, sources),
            });
        }
        out
    }

    pub(super) fn events(
        &mut self,
        files: &[SourceFile],
        sources: &HashSet<String>,
        actors: &HashSet<String>,
    ) -> Vec<Event> {
        let mut seen = HashSet::default();
        let mut out = Vec::new();
        for file in files {
            let Some(e) = self.parse::<raw::Event>(file) else {
                continue;
            };
            let at = At {
                path: &file.path,
                text: &file.text,
            };
            let id = self.id(at, &e.id, "event", &mut seen);
            let date = self.date(at, &e.date);
            let added = e.added.as_ref().and_then(|d| self.date(at, d));
            let updated = e.updated.as_ref().and_then(|d| self.date(at, d));
            let event = Event {
                id,
                date: date.unwrap_or(Date {
                    year: 0,
                    month: None,
                    day: None,
                }),
                title: self.text(at, &e.title, "title"),
                summary: self.text(at, &e.summary, "summary"),
                actors: self.refs(at, &e.actors, actors, "actor"),
                tags: e
                    .tags
                    .iter()
                    .map(|t| t.get_ref().trim().to_string())
                    .collect(),
                sources: self.cited(at, &e.sources, sources),
                note: e.note.as_ref().map(|n| self.text(at, n, "note")),
                added,
                updated,
                key: e.key,
            };
            out.push(event);
        }
        out
    }
}
