//! The knowledge as the rest of the program sees it: validated, cross-checked
//! and with every answer already rendered. Nothing here can be invalid, so the
//! matcher and the renderer never have to fail.

use std::collections::HashMap;

use crate::dates::Date;
use crate::matcher::Index;
use crate::matcher::Lang;

/// Everything the bot knows, loaded once and shared read-only.
#[derive(Debug)]
pub struct Kb {
    /// The language of every text here.
    pub lang: Lang,
    /// The same knowledge in Albanian, when it has its Albanian texts: the
    /// same ids, in the same order.
    pub sq: Option<Box<Kb>>,
    pub bot: Bot,
    pub sources: Vec<Source>,
    /// Sorted by date, then id.
    pub events: Vec<Event>,
    pub actors: Vec<Actor>,
    pub topics: Vec<Topic>,
    /// Sorted by id, so that nothing depends on file order.
    pub intents: Vec<Intent>,
    /// Lexicon variants (normalised, as token lists) to their canonical term.
    pub lexicon: Vec<(Vec<String>, String)>,
    pub(crate) index: Index,
    pub(crate) source_ix: HashMap<String, usize>,
    pub(crate) intent_ix: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub struct Bot {
    pub name: String,
    pub about: String,
    pub decline: String,
    /// Intent ids offered with the decline and the welcome.
    pub suggestions: Vec<String>,
    /// The story in brief, opening every briefing, with its source ids.
    pub headline: Option<(String, Vec<String>)>,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub date: Option<Date>,
    pub url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub date: Date,
    pub title: String,
    pub summary: String,
    pub actors: Vec<String>,
    pub tags: Vec<String>,
    pub sources: Vec<String>,
    pub note: Option<String>,
    /// When the event entered the knowledge base; briefings use it.
    pub added: Option<Date>,
    /// When a curator last changed the event: briefings show it as updated.
    pub updated: Option<Date>,
    pub key: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Person,
    Organisation,
    Country,
    Company,
    Topic,
}

impl EntityKind {
    pub fn parse(s: &str) -> Option<EntityKind> {
        Some(match s {
            "person" => EntityKind::Person,
            "organisation" | "organization" | "group" => EntityKind::Organisation,
            "country" => EntityKind::Country,
            "company" => EntityKind::Company,
            _ => return None,
        })
    }
}

/// A person, organisation, country or company.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: EntityKind,
    pub role: Option<String>,
    /// What the acronym in its name stands for, when the sources say.
    pub stands_for: Option<String>,
    /// Descriptions that name it without its name.
    pub descriptions: Vec<String>,
    pub summary: String,
    pub sources: Vec<String>,
}

/// Background knowledge that is not an actor: the JCPOA, the gas question.
#[derive(Debug, Clone)]
pub struct Topic {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// What the acronym in its name stands for, when the sources say.
    pub stands_for: Option<String>,
    /// Descriptions that name it without its name.
    pub descriptions: Vec<String>,
    pub summary: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Intent {
    pub id: String,
    pub title: String,
    /// A short question, used when the intent is offered as a follow-up.
    pub button: String,
    pub patterns: Vec<String>,
    pub keywords: Vec<KeywordGroup>,
    pub examples: Vec<String>,
    /// The rendered answer body (templates are rendered at load time).
    pub answer: String,
    /// Whether the answer gives a date: it fills one in from `data/`
    /// (`.date` in its template) or states one. Only such an answer
    /// answers a "when" question.
    pub gives_date: bool,
    pub related: Vec<String>,
    pub sources: Vec<String>,
    pub priority: i32,
    pub small_talk: bool,
    /// The kinds of question it answers, as its file declares them (empty:
    /// the matcher takes the kinds of its examples).
    pub kinds: Vec<crate::matcher::QuestionKind>,
    pub builtin: Option<Builtin>,
}

/// Replies computed from `data/` rather than written in an intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Timeline,
}

#[derive(Debug, Clone)]
pub struct KeywordGroup {
    /// Canonical terms (lexicon applied); a term may be several words.
    pub any: Vec<Vec<String>>,
    pub weight: f32,
    pub required: bool,
}

impl Kb {
    /// The knowledge in `lang`: the Albanian when asked for and present,
    /// else this.
    pub fn in_lang(&self, lang: Lang) -> &Kb {
        match (lang, &self.sq) {
            (Lang::Sq, Some(sq)) if self.lang == Lang::En => sq,
            _ => self,
        }
    }

    /// The languages this knowledge speaks.
    pub fn langs(&self) -> Vec<Lang> {
        let mut out = vec![self.lang];
        out.extend(self.sq.as_ref().map(|sq| sq.lang));
        out
    }
    /// The actor or topic `named` is, seen the same way whichever it is.
    pub fn named(&self, named: &crate::matcher::Target) -> Option<Named<'_>> {
        use crate::matcher::Target;
        match named {
            Target::Actor(i) => self.actors.get(*i).map(|a| Named {
                name: &a.name,
                aliases: &a.aliases,
                stands_for: a.stands_for.as_deref(),
                sources: &a.sources,
            }),
            Target::Topic(i) => self.topics.get(*i).map(|t| Named {
                name: &t.name,
                aliases: &t.aliases,
                stands_for: t.stands_for.as_deref(),
                sources: &t.sources,
            }),
            _ => None,
        }
    }

    /// What the acronym of an actor or a topic stands for, when its file
    /// says; with the acronym itself (its short name).
    pub fn stands_for(&self, named: &crate::matcher::Target) -> Option<(String, String)> {
        let n = self.named(named)?;
        Some((n.short_name().to_string(), n.stands_for?.to_string()))
    }

    /// `89 intents, 45 events, 52 actors, 20 topics, 66 sources`: what
    /// `check` and a reload report.
    pub fn summary(&self) -> String {
        let langs: Vec<&str> = self.langs().iter().map(|l| l.code()).collect();
        format!(
            "{} intents, {} events, {} actors, {} topics, {} sources; languages: {}",
            self.intents.len(),
            self.events.len(),
            self.actors.len(),
            self.topics.len(),
            self.sources.len(),
            langs.join(", ")
        )
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_ix.get(id).map(|&i| &self.sources[i])
    }

    pub fn intent(&self, id: &str) -> Option<&Intent> {
        self.intent_ix.get(id).map(|&i| &self.intents[i])
    }

    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }
}

/// An actor or a topic, by what they share: names, acronym, sources.
#[derive(Debug, Clone, Copy)]
pub struct Named<'a> {
    pub name: &'a str,
    pub aliases: &'a [String],
    pub stands_for: Option<&'a str>,
    pub sources: &'a [String],
}

impl<'a> Named<'a> {
    /// The acronym among its names ("MEK"), else its name.
    pub fn short_name(&self) -> &'a str {
        short_name(self.name, self.aliases)
    }
}

/// The acronym among `aliases` and `name` (all capitals or digits, two
/// characters or more, aliases first), else `name`.
pub fn short_name<'a>(name: &'a str, aliases: &'a [String]) -> &'a str {
    let acronym = |s: &&str| {
        s.len() >= 2
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    aliases
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(name))
        .find(acronym)
        .unwrap_or(name)
}
