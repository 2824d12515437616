//! Answer templates: minijinja with the data directory reachable through
//! `event("id")`, `actor("id")`, `topic("id")` and `source("id")`, and a
//! `date` filter. Undefined values are errors, so a typo in a template is
//! found when the knowledge loads, never in front of a reader.

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior, Value};
use serde_json::json;

use super::{Actor, Event, Source, Topic};
use crate::dates::Date;
use crate::matcher::Lang;

pub struct Templates {
    env: Environment<'static>,
}

/// A template error, with its 1-based line inside the template.
pub struct TemplateError {
    pub line: usize,
    pub message: String,
}

impl Templates {
    pub fn new(
        lang: Lang,
        events: &[Event],
        actors: &[Actor],
        topics: &[Topic],
        sources: &[Source],
    ) -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let events = table(events.iter().map(|e| {
            let value = json!({
                "id": e.id, "date": e.date.iso(), "title": e.title, "summary": e.summary,
                "note": e.note, "actors": e.actors, "tags": e.tags, "sources": e.sources,
            });
            (e.id.clone(), value)
        }));
        let actors = table(actors.iter().map(|a| {
            let value = json!({
                "id": a.id, "name": a.name, "aliases": a.aliases, "kind": format!("{:?}", a.kind).to_lowercase(),
                "role": a.role, "summary": a.summary,
            });
            (a.id.clone(), value)
        }));
        let topics = table(topics.iter().map(|t| {
            let value =
                json!({"id": t.id, "name": t.name, "aliases": t.aliases, "summary": t.summary});
            (t.id.clone(), value)
        }));
        let sources = table(sources.iter().map(|s| {
            let value = json!({
                "id": s.id, "title": s.title, "publisher": s.publisher,
                "date": s.date.map(|d| d.iso()), "url": s.url,
            });
            (s.id.clone(), value)
        }));
        env.add_function("event", lookup("event", events));
        env.add_function("actor", lookup("actor", actors));
        env.add_function("topic", lookup("topic", topics));
        env.add_function("source", lookup("source", sources));
        env.add_filter("date", move |iso: String| -> Result<String, Error> {
            Date::parse_iso(&iso)
                .map(|d| d.display(lang))
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidOperation,
                        format!("`{iso}` is not an ISO date"),
                    )
                })
        });
        Templates { env }
    }

    /// Renders an answer template; the result is trimmed.
    pub fn render(&self, source: &str) -> Result<String, TemplateError> {
        self.env
            .render_str(source, ())
            .map(|s| s.trim().to_string())
            .map_err(|e| {
                let mut message = e
                    .detail()
                    .map_or_else(|| e.kind().to_string(), str::to_string);
                if e.kind() == ErrorKind::UndefinedError && e.detail().is_none() {
                    message = "undefined value (an unknown variable or field)".to_string();
                }
                TemplateError {
                    line: e.line().unwrap_or(1),
                    message: format!("template: {message}"),
                }
            })
    }
}

fn table(rows: impl Iterator<Item = (String, serde_json::Value)>) -> Arc<HashMap<String, Value>> {
    Arc::new(
        rows.map(|(id, v)| (id, Value::from(minijinja::value::Serde(v))))
            .collect(),
    )
}

fn lookup(
    kind: &'static str,
    rows: Arc<HashMap<String, Value>>,
) -> impl Fn(String) -> Result<Value, Error> + Send + Sync + 'static {
    move |id: String| {
        rows.get(&id).cloned().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("no {kind} with id `{id}`"),
            )
        })
    }
}
