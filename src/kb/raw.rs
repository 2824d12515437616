//! The file format, and nothing else: serde types that mirror the TOML files
//! one to one. Every field a curator can get wrong is `Spanned`, so that
//! validation can point at its line and column. No checks happen here beyond
//! what serde does (types, unknown and missing fields); meaning is given to
//! these values in `kb::validate`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// One file under `intents/`. Any file may hold intents, lexicon entries and
/// (in one file only) the `[bot]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentFile {
    #[serde(default)]
    pub intent: Vec<Spanned<Intent>>,
    pub lexicon: Option<Spanned<Lexicon>>,
    /// `[lexicon_sq]`: the Albanian lexicon, in the same form.
    pub lexicon_sq: Option<Spanned<Lexicon>>,
    pub bot: Option<Spanned<Bot>>,
}

/// `[lexicon]`: canonical term to its variants.
pub type Lexicon = BTreeMap<String, Spanned<Vec<Spanned<String>>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intent {
    pub id: Spanned<String>,
    pub title: Option<Spanned<String>>,
    pub button: Option<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub keywords: Vec<Spanned<KeywordGroup>>,
    #[serde(default)]
    pub examples: Vec<Spanned<String>>,
    pub answer: Option<Spanned<String>>,
    #[serde(default)]
    pub related: Vec<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub priority: i32,
    #[serde(default)]
    pub small_talk: bool,
    /// The kinds of question the answer answers ("who", "when", "where",
    /// "why", "how", "how many", "yes/no", "what"); when absent, the kinds
    /// of its examples.
    #[serde(default)]
    pub kinds: Vec<Spanned<String>>,
    /// Names a reply computed from `data/` instead of `answer` (`timeline`).
    pub builtin: Option<Spanned<String>>,
    /// `[intent.sq]`: the intent in Albanian.
    pub sq: Option<Spanned<IntentSq>>,
}

/// The wording of an intent in Albanian: what a reader sees and what an
/// Albanian question is matched against. Its facts are the English
/// intent's: the same template expressions, the same numbers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentSq {
    pub title: Option<Spanned<String>>,
    pub button: Option<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
    #[serde(default)]
    pub keywords: Vec<Spanned<KeywordGroup>>,
    #[serde(default)]
    pub examples: Vec<Spanned<String>>,
    pub answer: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordGroup {
    pub any: Vec<Spanned<String>>,
    #[serde(default = "one")]
    pub weight: f32,
    #[serde(default)]
    pub required: bool,
}

fn one() -> f32 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bot {
    pub name: Spanned<String>,
    pub about: Spanned<String>,
    pub decline: Spanned<String>,
    #[serde(default)]
    pub suggestions: Vec<Spanned<String>>,
    /// The story in two or three sentences, opening every briefing.
    pub headline: Option<Spanned<String>>,
    /// The sources of the headline (required with it).
    pub headline_sources: Option<Spanned<Vec<Spanned<String>>>>,
    /// `[bot.sq]`: the bot's texts in Albanian.
    pub sq: Option<Spanned<BotSq>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotSq {
    pub about: Spanned<String>,
    pub decline: Spanned<String>,
    pub headline: Option<Spanned<String>>,
}

/// `data/sources.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    #[serde(default)]
    pub source: Vec<Spanned<Source>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub publisher: Spanned<String>,
    pub date: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
}

/// One file under `data/events/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub id: Spanned<String>,
    pub date: Spanned<String>,
    pub title: Spanned<String>,
    pub summary: Spanned<String>,
    #[serde(default)]
    pub actors: Vec<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    pub sources: Spanned<Vec<Spanned<String>>>,
    pub note: Option<Spanned<String>>,
    pub added: Option<Spanned<String>>,
    /// When the curator last changed the event; briefings show it again.
    pub updated: Option<Spanned<String>>,
    /// Shown in the short timeline.
    #[serde(default)]
    pub key: bool,
    /// `[sq]`: the event in Albanian.
    pub sq: Option<Spanned<EventSq>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSq {
    pub title: Spanned<String>,
    pub summary: Spanned<String>,
    pub note: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
}

/// One file under `data/actors/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    pub kind: Spanned<String>,
    pub role: Option<Spanned<String>>,
    /// What the acronym in its name stands for, as the sources spell it.
    pub stands_for: Option<Spanned<String>>,
    /// How questions describe it without naming it ("the American
    /// security firm"): these reach it as its aliases do.
    #[serde(default)]
    pub descriptions: Vec<Spanned<String>>,
    pub summary: Spanned<String>,
    pub sources: Spanned<Vec<Spanned<String>>>,
    /// `[sq]`: the actor in Albanian.
    pub sq: Option<Spanned<NamedSq>>,
}

/// An actor or a topic in Albanian. `name` only where Albanian names it
/// otherwise ("Shqipëria", "Shtetet e Bashkuara"); people keep the
/// spelling of the sources.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedSq {
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    #[serde(default)]
    pub descriptions: Vec<Spanned<String>>,
    pub summary: Spanned<String>,
}

/// One file under `data/topics/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// What the acronym in its name stands for, as the sources spell it.
    pub stands_for: Option<Spanned<String>>,
    /// How questions describe it without naming it ("the American
    /// security firm"): these reach it as its aliases do.
    #[serde(default)]
    pub descriptions: Vec<Spanned<String>>,
    pub summary: Spanned<String>,
    pub sources: Spanned<Vec<Spanned<String>>>,
    /// `[sq]`: the topic in Albanian.
    pub sq: Option<Spanned<NamedSq>>,
}
