//! Turns a question into a decision: answer one target, offer a few "did you
//! mean" choices, or decline. Pure and deterministic: no I/O, no clock, no
//! randomness, and it cannot fail — a question it does not understand is a
//! `Decision::Decline`, not an error.
//!
//! The pipeline for a question (see `docs/knowledge.md`, "How intents are
//! ranked"):
//! 1. `text::fold`, then split into words;
//! 2. words the knowledge does not know are corrected to a known word one or
//!    two edits away;
//! 3. words are stemmed (Snowball English) and the lexicon rewrites variants
//!    to their canonical term, longest phrase first;
//! 4. every intent is scored from its keywords, its examples (TF-IDF cosine),
//!    its patterns and its coverage of the question's words; actors, topics
//!    and dates found in the question make built-in candidates;
//! 5. thresholds and a margin decide.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_automata::meta::{self, Regex};
use regex_syntax::hir::{Hir, HirKind};
use rust_stemmers::{Algorithm, Stemmer};

use crate::dates::{self, DateQuery};
use crate::kb::{Actor, EntityKind, Event, Intent, Kb, KeywordGroup, Topic};
use crate::text;

/// A score at or above this answers, unless another candidate is too close.
pub const ANSWER_THRESHOLD: f32 = 0.45;
/// A score at or above this answers even when the runner-up is close.
pub const CONFIDENT: f32 = 0.75;
/// How far the winner must lead the runner-up below `CONFIDENT`.
pub const MARGIN: f32 = 0.06;
/// Candidates at or above this are offered as "did you mean" choices.
pub const CHOICE_THRESHOLD: f32 = 0.28;
/// How many choices a "did you mean" offers at most.
const MAX_CHOICES: usize = 3;
/// The score of a built-in candidate (an actor, a topic, a date) that
/// explains every word of the question.
const BUILTIN_FULL: f32 = 0.9;
/// The most memory one compiled pattern may take (validation refuses
/// larger ones first, at a tighter limit).
const PATTERN_SIZE_LIMIT: usize = 4 << 20;
/// The shortest literal worth pruning patterns by: a pattern whose required
/// literals are shorter runs on every question.
const MIN_PREFILTER_LITERAL: usize = 3;
/// The bonus of a matching pattern.
const PATTERN_BONUS: f32 = 0.3;

/// What a question can be answered with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An intent, by index into `Kb::intents`.
    Intent(usize),
    /// An actor, by index into `Kb::actors` (built-in `lookup`).
    Actor(usize),
    /// A topic, by index into `Kb::topics` (built-in `lookup`).
    Topic(usize),
    /// The events on a date (built-in `on-date`).
    Date(DateQuery),
    /// One event, by index into `Kb::events`.
    Event(usize),
}

impl Target {
    /// A stable, short key: the intent id, `lookup:ID`, `on-date:2022-09-10`
    /// or `event:ID`. Callback buttons and `ask --json` carry it.
    pub fn key(&self, kb: &Kb) -> String {
        match self {
            Target::Intent(i) => kb.intents[*i].id.clone(),
            Target::Actor(i) => format!("lookup:{}", kb.actors[*i].id),
            Target::Topic(i) => format!("lookup:{}", kb.topics[*i].id),
            Target::Date(q) => format!("on-date:{}", q.key()),
            Target::Event(i) => format!("event:{}", kb.events[*i].id),
        }
    }

    /// Parses what `key` wrote. `None` for an unknown id.
    pub fn from_key(kb: &Kb, key: &str) -> Option<Target> {
        if let Some(id) = key.strip_prefix("lookup:") {
            if let Some(i) = kb.actors.iter().position(|a| a.id == id) {
                return Some(Target::Actor(i));
            }
            return kb.topics.iter().position(|t| t.id == id).map(Target::Topic);
        }
        if let Some(date) = key.strip_prefix("on-date:") {
            return DateQuery::from_key(date).map(Target::Date);
        }
        if let Some(id) = key.strip_prefix("event:") {
            return kb.events.iter().position(|e| e.id == id).map(Target::Event);
        }
        kb.intent_ix.get(key).map(|&i| Target::Intent(i))
    }

    fn is_builtin(&self) -> bool {
        !matches!(self, Target::Intent(_))
    }
}

/// The question after normalisation, at each step.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// `text::fold` of the question.
    pub folded: String,
    /// The words after typo correction.
    pub words: Vec<String>,
    /// `(typed, corrected)` pairs.
    pub corrections: Vec<(String, String)>,
    /// The words with lexicon variants replaced by their canonical term.
    pub rewritten: String,
    /// Stems of `rewritten`: what keywords, examples and coverage compare.
    pub stems: Vec<String>,
    /// What each stem is, one for one.
    pub kinds: Vec<WordKind>,
}

impl Prepared {
    /// Stems that carry meaning: no stopwords, no question words.
    fn content(&self) -> impl Iterator<Item = (usize, &str)> {
        self.stems
            .iter()
            .zip(&self.kinds)
            .enumerate()
            .filter(|(_, (_, k))| **k == WordKind::Content)
            .map(|(i, (s, _))| (i, s.as_str()))
    }

    /// Stems that examples and questions are compared on: all but stopwords.
    fn compared(&self) -> impl Iterator<Item = &str> {
        self.stems
            .iter()
            .zip(&self.kinds)
            .filter(|(_, k)| **k != WordKind::Stop)
            .map(|(s, _)| s.as_str())
    }
}

/// How a word counts for coverage and similarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordKind {
    /// "the", "is", "about": ignored.
    Stop,
    /// "who", "when": compared, never unexplained.
    Question,
    Content,
}

/// Why a candidate scored what it did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Parts {
    pub keywords: f32,
    pub examples: f32,
    pub pattern: bool,
    pub coverage: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub target: Target,
    pub score: f32,
    pub parts: Parts,
    /// Indices (into the intent's `patterns`) of the patterns that fired.
    pub fired: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Answer(Target),
    /// A near tie, or nothing good enough but something close.
    Choices(Vec<Target>),
    Decline,
}

/// The decision together with how it was reached (for `explain`).
#[derive(Debug, Clone)]
pub struct Match {
    pub prepared: Prepared,
    /// Best first; at most a dozen.
    pub candidates: Vec<Candidate>,
    pub decision: Decision,
}

impl Match {
    /// The winning candidate's score, or the best score when nothing won.
    pub fn score(&self) -> f32 {
        self.candidates.first().map_or(0.0, |c| c.score)
    }
}

/// Decides what answers `question`.
pub fn best_match(kb: &Kb, question: &str) -> Match {
    let index = &kb.index;
    let prepared = index.prepare(question, true);
    let mut candidates = score_intents(kb, &prepared);
    candidates.extend(builtin_candidates(kb, &prepared));
    candidates.retain(|c| c.score >= 0.05);
    candidates.sort_by(|a, b| rank(kb, a, b));
    candidates.truncate(12);
    let decision = decide(&candidates);
    Match {
        prepared,
        candidates,
        decision,
    }
}

/// Score first, then the intent's priority, then its specificity (keyword
/// weight), then the key: never the order of files.
fn rank(kb: &Kb, a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    let intent = |c: &Candidate| match c.target {
        Target::Intent(i) => Some(&kb.intents[i]),
        _ => None,
    };
    let priority = |c: &Candidate| intent(c).map_or(0, |i| i.priority);
    let weight =
        |c: &Candidate| intent(c).map_or(0.0, |i| i.keywords.iter().map(|k| k.weight).sum::<f32>());
    b.score
        .total_cmp(&a.score)
        .then_with(|| priority(b).cmp(&priority(a)))
        .then_with(|| weight(b).total_cmp(&weight(a)))
        .then_with(|| a.target.key(kb).cmp(&b.target.key(kb)))
}

fn decide(candidates: &[Candidate]) -> Decision {
    let Some(top) = candidates.first() else {
        return Decision::Decline;
    };
    let runner_up = candidates.get(1).map_or(0.0, |c| c.score);
    let clear =
        top.score >= CONFIDENT || top.score - runner_up >= MARGIN || top.target.is_builtin();
    if top.score >= ANSWER_THRESHOLD && clear {
        return Decision::Answer(top.target.clone());
    }
    if top.score >= CHOICE_THRESHOLD {
        let floor = CHOICE_THRESHOLD.max(top.score - 0.2);
        let choices: Vec<Target> = candidates
            .iter()
            .filter(|c| c.score >= floor)
            .take(MAX_CHOICES)
            .map(|c| c.target.clone())
            .collect();
        if choices.len() == 1 && top.score >= ANSWER_THRESHOLD {
            return Decision::Answer(top.target.clone());
        }
        return Decision::Choices(choices);
    }
    Decision::Decline
}

fn score_intents(kb: &Kb, q: &Prepared) -> Vec<Candidate> {
    let index = &kb.index;
    let mut fired = index.fired_patterns(q);
    let query = index.query_weights(q);
    let sims = index.example_similarity(&query);
    let content: Vec<&str> = q.content().map(|(_, s)| s).collect();
    let mut present: Vec<&str> = q.stems.iter().map(String::as_str).collect();
    present.sort_unstable();
    present.dedup();
    let present = Present(present);

    // Only an intent with a fired pattern, an example sharing a stem or a
    // keyword term whose first stem is present can score above zero, and
    // only if its gate (one required keyword group) can match: the others
    // would score zero and be dropped, so they are not scored at all.
    // Gated intents are listed under their gate's stems only, so every one
    // found there passes its gate; from patterns and examples only ungated
    // intents are taken (a gated one whose gate matched is found anyway).
    let mut candidates: Vec<usize> = fired
        .keys()
        .copied()
        .chain(sims.iter().map(|&(i, _)| i))
        .filter(|&i| index.gates[i].is_none())
        .collect();
    for s in &present.0 {
        if let Some(owners) = index.keyword_owners.get(*s) {
            candidates.extend(owners.iter().map(|&i| i as usize));
        }
    }
    candidates.sort_unstable();
    candidates.dedup();

    candidates
        .into_iter()
        .map(|i| {
            let intent = &kb.intents[i];
            let fired: Vec<usize> = fired.remove(&i).unwrap_or_default();
            let pattern = !fired.is_empty();
            let (keywords, required_ok) = keyword_score(intent, &present, &q.stems);
            let examples = if index.gates[i].is_none() {
                sims.binary_search_by_key(&i, |&(j, _)| j)
                    .map_or(0.0, |k| sims[k].1)
            } else {
                index.intent_similarity(i, &query)
            };
            let known = content
                .iter()
                .filter(|s| index.intent_vocab[i].contains(**s))
                .count();
            let coverage = if content.is_empty() {
                1.0
            } else {
                known as f32 / content.len() as f32
            };
            let parts = Parts {
                keywords,
                examples,
                pattern,
                coverage,
            };
            let score = if !required_ok {
                0.0
            } else {
                let kw = if intent.keywords.is_empty() {
                    examples
                } else {
                    keywords
                };
                let base = 0.45 * kw + 0.55 * examples + if pattern { PATTERN_BONUS } else { 0.0 };
                base.min(1.0) * (0.4 + 0.6 * coverage)
            };
            Candidate {
                target: Target::Intent(i),
                score,
                parts,
                fired,
            }
        })
        .collect()
}

/// The distinct stems of a question, sorted: a set without hashing.
struct Present<'a>(Vec<&'a str>);

impl Present<'_> {
    fn contains(&self, stem: &str) -> bool {
        self.0.binary_search(&stem).is_ok()
    }
}

/// The matched share of keyword weight, and whether every required group matched.
fn keyword_score(intent: &Intent, present: &Present<'_>, stems: &[String]) -> (f32, bool) {
    let mut total = 0.0;
    let mut matched = 0.0;
    let mut required_ok = true;
    for group in &intent.keywords {
        total += group.weight;
        let hit = group.any.iter().any(|term| match term.as_slice() {
            [one] => present.contains(one.as_str()),
            many => stems.windows(many.len()).any(|w| w == many),
        });
        if hit {
            matched += group.weight;
        } else if group.required {
            required_ok = false;
        }
    }
    let score = if total > 0.0 { matched / total } else { 0.0 };
    (score, required_ok)
}

/// Actors, topics and dates named in the question. Each explains the words
/// it spans plus the "frame" words around it ("who is", "what happened on");
/// one that explains every word is a strong candidate, one that explains a
/// part of the question a weak one, so that "who is the president of Russia"
/// is not answered with Russia.
fn builtin_candidates(kb: &Kb, q: &Prepared) -> Vec<Candidate> {
    let index = &kb.index;
    let meaningful: Vec<usize> = q
        .content()
        .filter(|(_, s)| !index.frame.contains(*s))
        .map(|(i, _)| i)
        .collect();
    let explained_score = |span: &std::ops::Range<usize>| {
        if meaningful.is_empty() {
            return 0.0;
        }
        let inside = meaningful.iter().filter(|i| span.contains(i)).count();
        let frac = inside as f32 / meaningful.len() as f32;
        BUILTIN_FULL * frac * frac
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let found = index.find_entities(&q.stems);
    // Names alone ("pmoi albania"): when the names together explain the
    // question, each is a candidate in proportion to its share, and a country
    // (the setting of most questions) yields to a more specific name.
    let covered =
        |span: &std::ops::Range<usize>| meaningful.iter().filter(|i| span.contains(i)).count();
    let all_named = !meaningful.is_empty()
        && meaningful
            .iter()
            .all(|i| found.iter().any(|(span, _)| span.contains(i)));
    for (span, target) in found {
        if seen.insert(target.clone()) {
            let mut score = explained_score(&span);
            if all_named && covered(&span) > 0 {
                let share = covered(&span) as f32 / meaningful.len() as f32;
                let country =
                    matches!(target, Target::Actor(i) if kb.actors[i].kind == EntityKind::Country);
                let penalty = if country { 0.05 } else { 0.0 };
                score = score.max(BUILTIN_FULL * (0.5 + 0.5 * share) - penalty);
            }
            out.push(Candidate {
                target,
                score,
                parts: Parts {
                    coverage: score,
                    ..Parts::default()
                },
                fired: vec![],
            });
        }
    }
    let words: Vec<&str> = q.words.iter().map(String::as_str).collect();
    if let Some((date, span)) = dates::find_date(&words) {
        // Dates are found in words, scored on stems; the two align one to one
        // except where the lexicon merged a phrase, which dates never are.
        let span = if q.stems.len() == words.len() {
            span
        } else {
            0..0
        };
        if kb.events.iter().any(|e| date.matches(&e.date)) {
            let score = explained_score(&span);
            out.push(Candidate {
                target: Target::Date(date),
                score,
                parts: Parts {
                    coverage: score,
                    ..Parts::default()
                },
                fired: vec![],
            });
        }
    }
    out
}

/// Rewrites the Perl classes and word boundary (`\b \w \d \s`, not their
/// negations) as their ASCII forms. Questions are folded to lower-case words
/// separated by single spaces, so both forms mean the same for English
/// patterns, but the Unicode ones make the set dozens of megabytes and force
/// the regex engine off its lazy DFA onto the slow PikeVM (most of the time
/// of an answer before this change).
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of `[...]` classes: inside one, `\w` `\d` `\s` become their
    // ASCII ranges (a group such as `(?-u:\w)` is not allowed there).
    let mut class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {}
            '[' => {
                class += 1;
                out.push('[');
                // `[]…]` and `[^]…]`: a `]` first in a class is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
                continue;
            }
            ']' if class > 0 => {
                class -= 1;
                out.push(']');
                continue;
            }
            _ => {
                out.push(c);
                continue;
            }
        }
        match chars.next() {
            Some('w') if class > 0 => out.push_str("0-9A-Za-z_"),
            Some('d') if class > 0 => out.push_str("0-9"),
            Some('s') if class > 0 => out.push_str(r"\t\n\x0B\x0C\r "),
            Some(c @ ('b' | 'w' | 'd' | 's')) if class == 0 => {
                out.push_str(r"(?-u:\");
                out.push(c);
                out.push(')');
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Everything precomputed from the knowledge for matching. Built once, at
/// load time, by `Index::build`.
#[derive(Debug, Default)]
pub struct Index {
    /// Known words (folded, unstemmed): the typo corrector's dictionary.
    vocab: HashMap<String, u32>,
    /// `vocab`'s words of three letters or more by first letter and length
    /// in characters, for correction.
    by_start: HashMap<(char, usize), Vec<String>>,
    /// Lexicon variants as stem sequences, longest first, with the canonical
    /// term's words and stems.
    lexicon: Vec<(Vec<String>, Vec<String>, Vec<String>)>,
    /// For each first stem of a variant, its entries in `lexicon` (in order).
    lexicon_by_first: HashMap<String, Vec<u32>>,
    /// Every pattern of every intent, compiled on its own (ASCII classes).
    patterns: Vec<Regex>,
    /// For each pattern of `patterns`: (intent, pattern index in the intent).
    pattern_owner: Vec<(usize, usize)>,
    /// One automaton of the literals some pattern needs: a pattern runs only
    /// when one of its literals is in the question (see `literal_options`).
    prefilter: Option<AhoCorasick>,
    /// For each literal of `prefilter`, the patterns that need it.
    literal_patterns: Vec<Vec<u32>>,
    /// Patterns with no literal to prune by: they run on every question.
    unfiltered: Vec<u32>,
    /// Keyword term first stem -> intents that may score when it is present:
    /// intents without a required group under every term, the others under
    /// the terms of their gate only.
    keyword_owners: HashMap<String, Vec<u32>>,
    /// Per intent: the first stems of its most selective required keyword
    /// group. One of them must be in a question for the intent to score.
    gates: Vec<Option<Vec<String>>>,
    idf: HashMap<String, f32>,
    /// Stem -> (example, weight).
    /// Stem -> (example, weight), for the examples of ungated intents.
    postings: HashMap<String, Vec<(u32, f32)>>,
    /// Each example's (stem, weight), sorted by stem.
    example_terms: Vec<Vec<(String, f32)>>,
    example_norm: Vec<f32>,
    example_intent: Vec<usize>,
    /// Each intent's examples (they are numbered intent by intent).
    intent_examples: Vec<std::ops::Range<u32>>,
    /// Stems each intent knows: examples, keywords, title, button, answer.
    intent_vocab: Vec<HashSet<String>>,
    /// Entity names and aliases as stem sequences, longest first.
    entities: Vec<(Vec<String>, Target)>,
    /// For each first stem of an entity name, its entries in `entities`.
    entities_by_first: HashMap<String, Vec<u32>>,
    /// Stems that frame a question without carrying its subject.
    frame: HashSet<String>,
}

/// Words that frame a question about an actor, a topic or a date.
const FRAME_WORDS: &[&str] = &[
    "who",
    "what",
    "is",
    "are",
    "was",
    "were",
    "tell",
    "me",
    "about",
    "the",
    "a",
    "an",
    "explain",
    "describe",
    "whos",
    "whats",
    "info",
    "information",
    "on",
    "of",
    "in",
    "define",
    "definition",
    "meaning",
    "mean",
    "does",
    "do",
    "did",
    "stand",
    "for",
    "know",
    "you",
    "can",
    "please",
    "more",
    "anything",
    "something",
    "give",
    "some",
    "background",
    "profile",
    "role",
    "happened",
    "happen",
    "events",
    "event",
    "news",
    "show",
    "list",
    "during",
    "day",
    "date",
    "occurred",
    "occur",
    "took",
    "place",
    "going",
    "there",
    "again",
    "and",
    "exactly",
    "briefly",
    "summary",
    "summarise",
    "summarize",
    "quick",
    "overview",
    "i",
    "want",
    "to",
    "like",
    "would",
    "learn",
    "details",
    "detail",
];

fn stemmer() -> Stemmer {
    Stemmer::create(Algorithm::English)
}

impl Index {
    /// Builds the index. `patterns` must already be valid regexes (validation
    /// compiles each one first to report errors by line); the only error left
    /// is a set too large to compile.
    pub(crate) fn build(
        intents: &[Intent],
        lexicon: &[(Vec<String>, String)],
        actors: &[Actor],
        topics: &[Topic],
        events: &[Event],
    ) -> Result<Index, Box<meta::BuildError>> {
        let stemmer = stemmer();
        let stem = |w: &str| stemmer.stem(w).into_owned();
        let mut index = Index {
            frame: FRAME_WORDS.iter().map(|w| stem(w)).collect(),
            ..Index::default()
        };
        for w in FRAME_WORDS {
            index.frame.insert((*w).to_string());
        }

        // Vocabulary, from everything a question may reasonably contain.
        let add_words = |index: &mut Index, s: &str| {
            for w in text::fold(s).split(' ').filter(|w| !w.is_empty()) {
                *index.vocab.entry(w.to_string()).or_default() += 1;
            }
        };
        for w in FRAME_WORDS {
            add_words(&mut index, w);
        }
        for m in [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
            "sept",
            "timeline",
        ] {
            add_words(&mut index, m);
        }
        for (variant, canonical) in lexicon {
            add_words(&mut index, &variant.join(" "));
            add_words(&mut index, canonical);
        }
        for intent in intents {
            for s in intent
                .examples
                .iter()
                .chain([&intent.title, &intent.button, &intent.answer])
            {
                add_words(&mut index, s);
            }
            for group in &intent.keywords {
                for term in &group.any {
                    add_words(&mut index, &term.join(" "));
                }
            }
        }
        for a in actors {
            for s in std::iter::once(&a.name).chain(&a.aliases).chain(&a.role) {
                add_words(&mut index, s);
            }
        }
        for t in topics {
            for s in std::iter::once(&t.name).chain(&t.aliases) {
                add_words(&mut index, s);
            }
        }
        for e in events {
            for s in std::iter::once(&e.title).chain(&e.tags) {
                add_words(&mut index, s);
            }
        }
        for w in index.vocab.keys() {
            let len = w.chars().count();
            if let (Some(first), true) = (w.chars().next(), len >= 3) {
                index
                    .by_start
                    .entry((first, len))
                    .or_default()
                    .push(w.clone());
            }
        }

        // The lexicon, as stems.
        let mut lex: Vec<(Vec<String>, Vec<String>, Vec<String>)> = lexicon
            .iter()
            .map(|(variant, canonical)| {
                let words: Vec<String> = text::fold(canonical)
                    .split(' ')
                    .map(str::to_string)
                    .collect();
                let stems = words.iter().map(|w| stem(w)).collect();
                (variant.iter().map(|w| stem(w)).collect(), words, stems)
            })
            .collect();
        lex.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        for (k, (variant, _, _)) in lex.iter().enumerate() {
            if let Some(first) = variant.first() {
                index
                    .lexicon_by_first
                    .entry(first.clone())
                    .or_default()
                    .push(k as u32);
            }
        }
        index.lexicon = lex;

        // Patterns, each compiled on its own, behind one automaton of the
        // literals they need.
        let mut literals: Vec<String> = Vec::new();
        let mut literal_ix: HashMap<String, usize> = HashMap::new();
        let mut all: Vec<Vec<Vec<String>>> = Vec::new();
        let mut uses: HashMap<String, u32> = HashMap::new();
        for (i, intent) in intents.iter().enumerate() {
            for (j, p) in intent.patterns.iter().enumerate() {
                let ascii = ascii_boundaries(p);
                index.patterns.push(compile_pattern(&ascii)?);
                index.pattern_owner.push((i, j));
                let options = literal_options(&ascii);
                let mut mine: Vec<&String> = options.iter().flatten().collect();
                mine.sort();
                mine.dedup();
                for l in mine {
                    *uses.entry(l.clone()).or_default() += 1;
                }
                all.push(options);
            }
        }
        // Each pattern is pruned by its literal set that the fewest other
        // patterns share ("velmor", not "who was affected by").
        for (id, options) in all.iter().enumerate() {
            let id = id as u32;
            match rarest(options, &uses) {
                Some(lits) => {
                    for lit in lits {
                        let k = *literal_ix.entry(lit.clone()).or_insert_with(|| {
                            literals.push(lit);
                            index.literal_patterns.push(Vec::new());
                            literals.len() - 1
                        });
                        if index.literal_patterns[k].last() != Some(&id) {
                            index.literal_patterns[k].push(id);
                        }
                    }
                }
                None => index.unfiltered.push(id),
            }
        }
        if !literals.is_empty() {
            // A contiguous NFA: a DFA of thousands of literals costs more to
            // build at load than it saves on a question of a few words.
            index.prefilter = Some(
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&literals)
                    .expect("a few thousand short literals always build an automaton"),
            );
        }

        // Examples as TF-IDF vectors, and each intent's vocabulary.
        let mut docs: Vec<(usize, Vec<String>)> = Vec::new();
        for (i, intent) in intents.iter().enumerate() {
            let mut known = HashSet::new();
            for ex in &intent.examples {
                let p = index.prepare(ex, false);
                let stems: Vec<String> = p.compared().map(str::to_string).collect();
                known.extend(stems.iter().cloned());
                docs.push((i, stems));
            }
            for s in [&intent.title, &intent.button, &intent.answer] {
                known.extend(index.prepare(s, false).stems);
            }
            for group in &intent.keywords {
                for term in &group.any {
                    known.extend(term.iter().cloned());
                }
            }
            index.intent_vocab.push(known);
        }
        // Gates: of an intent's required groups, the one whose first stems
        // the fewest intents use.
        let first_stems = |g: &KeywordGroup| -> Vec<String> {
            let mut v: Vec<String> = g.any.iter().filter_map(|t| t.first().cloned()).collect();
            v.sort();
            v.dedup();
            v
        };
        let mut usage: HashMap<String, u32> = HashMap::new();
        for intent in intents {
            for group in &intent.keywords {
                for s in first_stems(group) {
                    *usage.entry(s).or_default() += 1;
                }
            }
        }
        for (i, intent) in intents.iter().enumerate() {
            let gate = intent
                .keywords
                .iter()
                .filter(|g| g.required)
                .map(first_stems)
                .min_by_key(|stems| stems.iter().map(|s| usage[s]).sum::<u32>());
            let under: Vec<String> = match &gate {
                Some(stems) => stems.clone(),
                None => intent.keywords.iter().flat_map(first_stems).collect(),
            };
            for s in under {
                let owners = index.keyword_owners.entry(s).or_default();
                if owners.last() != Some(&(i as u32)) {
                    owners.push(i as u32);
                }
            }
            index.gates.push(gate);
        }

        let n = docs.len().max(1) as f32;
        let mut df: HashMap<&str, u32> = HashMap::new();
        for (_, stems) in &docs {
            let distinct: HashSet<&str> = stems.iter().map(String::as_str).collect();
            for s in distinct {
                *df.entry(s).or_default() += 1;
            }
        }
        index.idf = df
            .iter()
            .map(|(s, &d)| ((*s).to_string(), (1.0 + n / d as f32).ln()))
            .collect();
        index.intent_examples = vec![0..0; intents.len()];
        for (e, (intent, stems)) in docs.iter().enumerate() {
            // In stem order, so that the norm's floating-point sum is the
            // same in every process (a HashSet's order is not).
            let distinct: std::collections::BTreeSet<&str> =
                stems.iter().map(String::as_str).collect();
            let mut norm = 0.0;
            let mut terms: Vec<(String, f32)> = Vec::with_capacity(distinct.len());
            for s in distinct {
                let w = index.idf[s];
                norm += w * w;
                terms.push((s.to_string(), w));
                // Gated intents are scored only once their gate is found, so
                // only ungated ones need to be found through their examples.
                if index.gates[*intent].is_none() {
                    index
                        .postings
                        .entry(s.to_string())
                        .or_default()
                        .push((e as u32, w));
                }
            }
            terms.sort_by(|a, b| a.0.cmp(&b.0));
            index.example_terms.push(terms);
            index.example_norm.push(norm.sqrt());
            index.example_intent.push(*intent);
            let range = &mut index.intent_examples[*intent];
            if range.start == range.end {
                *range = e as u32..e as u32 + 1;
            } else {
                range.end = e as u32 + 1;
            }
        }

        // Entity names and aliases.
        let mut entities = Vec::new();
        for (i, a) in actors.iter().enumerate() {
            for name in std::iter::once(&a.name).chain(&a.aliases) {
                entities.push((index.prepare(name, false).stems, Target::Actor(i)));
            }
        }
        for (i, t) in topics.iter().enumerate() {
            for name in std::iter::once(&t.name).chain(&t.aliases) {
                entities.push((index.prepare(name, false).stems, Target::Topic(i)));
            }
        }
        entities.retain(|(stems, _)| !stems.is_empty());
        entities.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        entities.dedup_by(|a, b| a.0 == b.0);
        for (k, (name, _)) in entities.iter().enumerate() {
            index
                .entities_by_first
                .entry(name[0].clone())
                .or_default()
                .push(k as u32);
        }
        index.entities = entities;
        Ok(index)
    }

    /// An index that only rewrites through the lexicon: for preparing
    /// keyword terms before the full index exists.
    pub(crate) fn lexicon_only(lexicon: &[(Vec<String>, String)]) -> Index {
        Index::build(&[], lexicon, &[], &[], &[]).unwrap_or_default()
    }

    /// Runs the normalisation pipeline. `correct` turns typo correction on
    /// (off for the knowledge's own text, which defines the vocabulary).
    pub fn prepare(&self, question: &str, correct: bool) -> Prepared {
        let stemmer = stemmer();
        let folded = text::fold(question);
        let mut corrections = Vec::new();
        let words: Vec<String> = folded
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| {
                if !correct {
                    return w.to_string();
                }
                match self.correct(w) {
                    Some(fixed) => {
                        corrections.push((w.to_string(), fixed.clone()));
                        fixed
                    }
                    None => w.to_string(),
                }
            })
            .collect();
        let word_stems: Vec<String> = words.iter().map(|w| stemmer.stem(w).into_owned()).collect();
        let mut rewritten = Vec::with_capacity(words.len());
        let mut stems = Vec::with_capacity(words.len());
        let mut kinds = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let hit = self
                .lexicon_by_first
                .get(&word_stems[i])
                .into_iter()
                .flatten()
                .map(|&k| &self.lexicon[k as usize])
                .find(|(variant, _, _)| word_stems[i..].starts_with(variant));
            match hit {
                Some((variant, canon_words, canon_stems)) => {
                    rewritten.extend(canon_words.iter().cloned());
                    stems.extend(canon_stems.iter().cloned());
                    kinds.extend(canon_stems.iter().map(|_| WordKind::Content));
                    i += variant.len();
                }
                None => {
                    let w = words[i].as_str();
                    kinds.push(if text::is_stopword(w) {
                        WordKind::Stop
                    } else if text::is_question_word(w) {
                        WordKind::Question
                    } else {
                        WordKind::Content
                    });
                    rewritten.push(words[i].clone());
                    stems.push(word_stems[i].clone());
                    i += 1;
                }
            }
        }
        Prepared {
            folded,
            words,
            corrections,
            rewritten: rewritten.join(" "),
            stems,
            kinds,
        }
    }

    /// A known word for an unknown one: within one edit for words of four
    /// letters or more, two for eight or more. The most frequent, then the
    /// alphabetically first, wins ties. Words with digits are left alone.
    fn correct(&self, word: &str) -> Option<String> {
        if self.vocab.contains_key(word) || word.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let len = word.chars().count();
        if len < 4 {
            return None;
        }
        let max = if len >= 8 { 2 } else { 1 };
        // A typo rarely changes the first letter; "visa" is not "cisa".
        let first = word.chars().next()?;
        let bag = letter_bag(word);
        let mut best: Option<(usize, u32, &String)> = None;
        for l in len.saturating_sub(max)..=len + max {
            for cand in self.by_start.get(&(first, l)).into_iter().flatten() {
                // Each edit changes the letter counts by at most two, so a
                // word whose counts differ by more than `2 * max` is too far
                // (a cheap bound that skips most of the dictionary).
                if bag_distance(&bag, &letter_bag(cand)) > 2 * max {
                    continue;
                }
                if let Some(d) = text::edit_distance(word, cand, max) {
                    let freq = self.vocab[cand];
                    let better = match best {
                        None => true,
                        Some((bd, bf, bw)) => {
                            (d, std::cmp::Reverse(freq), cand) < (bd, std::cmp::Reverse(bf), bw)
                        }
                    };
                    if better {
                        best = Some((d, freq, cand));
                    }
                }
            }
        }
        best.map(|(_, _, w)| w.clone())
    }

    /// Patterns that match the corrected words or the rewritten text, by
    /// intent. Only the patterns whose literals occur in either text run
    /// (and those with no literal to prune by); each pattern is tried on both.
    fn fired_patterns(&self, q: &Prepared) -> HashMap<usize, Vec<usize>> {
        let mut out: HashMap<usize, Vec<usize>> = HashMap::new();
        if self.patterns.is_empty() {
            return out;
        }
        let words = q.words.join(" ");
        let two = q.rewritten != words;
        let mut run: Vec<u32> = self.unfiltered.clone();
        if let Some(ac) = &self.prefilter {
            let texts: &[&str] = if two {
                &[&words, &q.rewritten]
            } else {
                &[&words]
            };
            for text in texts {
                for m in ac.find_overlapping_iter(*text) {
                    run.extend(&self.literal_patterns[m.pattern().as_usize()]);
                }
            }
        }
        run.sort_unstable();
        run.dedup();
        for h in run {
            let re = &self.patterns[h as usize];
            if re.is_match(&words) || (two && re.is_match(&q.rewritten)) {
                let (intent, pattern) = self.pattern_owner[h as usize];
                out.entry(intent).or_default().push(pattern);
            }
        }
        out
    }

    /// The question's distinct compared stems with their weights (sorted by
    /// stem), and its norm.
    fn query_weights<'q>(&self, q: &'q Prepared) -> (Vec<(&'q str, f32)>, f32) {
        let mut stems: Vec<&str> = q.compared().collect();
        stems.sort_unstable();
        stems.dedup();
        let unknown_idf = (1.0 + self.example_norm.len().max(1) as f32).ln();
        let weights: Vec<(&str, f32)> = stems
            .into_iter()
            .map(|s| (s, self.idf.get(s).copied().unwrap_or(unknown_idf)))
            .collect();
        let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        (weights, norm)
    }

    /// The best cosine similarity between the question and one intent's
    /// examples (0 when none shares a stem).
    fn intent_similarity(&self, intent: usize, (weights, q_norm): &(Vec<(&str, f32)>, f32)) -> f32 {
        if *q_norm == 0.0 {
            return 0.0;
        }
        let mut best = 0.0f32;
        for e in self.intent_examples[intent].clone() {
            let mut dot = 0.0;
            for (s, w) in weights {
                if let Ok(k) =
                    self.example_terms[e as usize].binary_search_by(|(t, _)| t.as_str().cmp(s))
                {
                    dot += w * self.example_terms[e as usize][k].1;
                }
            }
            if dot > 0.0 {
                best = best.max(dot / (q_norm * self.example_norm[e as usize]));
            }
        }
        best
    }

    /// The best cosine similarity between the question and each ungated
    /// intent's examples, for those with an example sharing a stem, by intent.
    fn example_similarity(&self, (weights, q_norm): &(Vec<(&str, f32)>, f32)) -> Vec<(usize, f32)> {
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch { dots, touched } = scratch;
            if dots.len() < self.example_norm.len() {
                dots.resize(self.example_norm.len(), 0.0);
            }
            for (s, w) in weights {
                for &(e, ew) in self.postings.get(*s).into_iter().flatten() {
                    let dot = &mut dots[e as usize];
                    if *dot == 0.0 {
                        touched.push(e);
                    }
                    *dot += w * ew;
                }
            }
            // Examples are numbered intent by intent, so sorted examples
            // give their intents in order.
            touched.sort_unstable();
            let mut best: Vec<(usize, f32)> = Vec::new();
            for &e in touched.iter() {
                let dot = std::mem::take(&mut dots[e as usize]);
                if *q_norm == 0.0 {
                    continue;
                }
                let cos = dot / (q_norm * self.example_norm[e as usize]);
                let intent = self.example_intent[e as usize];
                match best.last_mut() {
                    Some((i, b)) if *i == intent => *b = b.max(cos),
                    _ => best.push((intent, cos.max(0.0))),
                }
            }
            touched.clear();
            best
        })
    }

    /// Entity mentions, longest first and not overlapping.
    fn find_entities(&self, stems: &[String]) -> Vec<(std::ops::Range<usize>, Target)> {
        let mut taken = vec![false; stems.len()];
        let mut out = Vec::new();
        // Only names whose first stem is in the question can match; in the
        // order of `entities`, so that longer names still win.
        let mut ids: Vec<u32> = stems
            .iter()
            .filter_map(|s| self.entities_by_first.get(s))
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for (name, target) in ids.iter().map(|&k| &self.entities[k as usize]) {
            if name.len() > stems.len() {
                continue;
            }
            for start in 0..=stems.len() - name.len() {
                let span = start..start + name.len();
                if stems[span.clone()] == name[..] && !taken[span.clone()].iter().any(|t| *t) {
                    taken[span.clone()].iter_mut().for_each(|t| *t = true);
                    out.push((span, target.clone()));
                }
            }
        }
        out.sort_by_key(|(span, _)| span.start);
        out
    }
}

/// How many of each letter `a`–`z` a word has, every other character
/// counted together in a 27th bucket.
fn letter_bag(word: &str) -> [u8; 27] {
    let mut bag = [0u8; 27];
    for c in word.chars() {
        let k = if c.is_ascii_lowercase() {
            (c as u8 - b'a') as usize
        } else {
            26
        };
        bag[k] = bag[k].saturating_add(1);
    }
    bag
}

/// The size of the symmetric difference of two letter bags: a lower bound of
/// twice the edit distance (coarser buckets only lower it further).
fn bag_distance(a: &[u8; 27], b: &[u8; 27]) -> usize {
    a.iter()
        .zip(b)
        .map(|(x, y)| usize::from(x.abs_diff(*y)))
        .sum()
}

/// Per-thread buffers of `example_similarity`, reused across questions.
#[derive(Default)]
struct Scratch {
    /// Dot product per example; zero between questions.
    dots: Vec<f32>,
    /// The examples whose dot product is non-zero.
    touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Compiles one pattern (already in its ASCII form) as the matcher runs it:
/// without the lazy DFA. A pattern runs only on short questions that hold
/// its literals, where the bounded backtracker or the PikeVM answer in a few
/// hundred nanoseconds with no warm-up, while a lazy DFA per pattern costs a
/// cold start on each new question shape and a cache per pattern (thousands
/// of patterns, each with `.{0,40}`-style gaps, made that most of the time
/// of validation at 10,000 intents).
pub(crate) fn compile_pattern(ascii: &str) -> Result<Regex, Box<meta::BuildError>> {
    Regex::builder()
        .configure(
            Regex::config()
                .hybrid(false)
                .nfa_size_limit(Some(PATTERN_SIZE_LIMIT)),
        )
        .build(ascii)
        .map_err(Box::new)
}

/// Sets of literals such that every match of `pattern` contains at least one
/// literal of each set: any one set can prune the pattern. Empty when there
/// is nothing to prune by (then the pattern runs on every question).
/// Conservative: a set is only ever returned when the pattern's syntax tree
/// implies it. Sets with a literal shorter than `MIN_PREFILTER_LITERAL` are
/// left out.
fn literal_options(pattern: &str) -> Vec<Vec<String>> {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return Vec::new();
    };
    options(&hir)
        .into_iter()
        .filter(|set| set.iter().all(|l| l.len() >= MIN_PREFILTER_LITERAL))
        .filter_map(|set| {
            set.into_iter()
                .map(|l| String::from_utf8(l).ok())
                .collect::<Option<Vec<String>>>()
        })
        .collect()
}

/// The literal set of `literal_options` that the fewest patterns share,
/// given how many patterns use each literal.
fn rarest(options: &[Vec<String>], uses: &HashMap<String, u32>) -> Option<Vec<String>> {
    options
        .iter()
        .min_by_key(|set| {
            let shared: u32 = set.iter().map(|l| uses.get(l).copied().unwrap_or(0)).sum();
            let shortest = set.iter().map(String::len).min().unwrap_or(0);
            (shared, set.len(), std::cmp::Reverse(shortest))
        })
        .cloned()
}

/// For the tests: the literals the pattern would be pruned by on its own.
#[cfg(test)]
fn required_literals(pattern: &str) -> Option<Vec<String>> {
    rarest(&literal_options(pattern), &HashMap::new())
}

fn options(hir: &Hir) -> Vec<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Literal(lit) => vec![vec![lit.0.to_vec()]],
        HirKind::Capture(cap) => options(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => options(&rep.sub),
        // Any part's requirement is the whole's.
        HirKind::Concat(parts) => parts.iter().flat_map(options).collect(),
        // Every branch must give one; each gives its longest.
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                let best = options(alt).into_iter().max_by_key(|set| {
                    let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
                    (shortest, std::cmp::Reverse(set.len()))
                });
                match best {
                    Some(set) => all.extend(set),
                    None => return Vec::new(),
                }
            }
            all.sort();
            all.dedup();
            vec![all]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_classes_inside_and_outside_brackets() {
        let cases = [
            (r"\bwho\b", r"(?-u:\b)who(?-u:\b)"),
            (r"[^\s]+", "[^\\t\\n\\x0B\\x0C\\r ]+"),
            (r"[\w-]+", "[0-9A-Za-z_-]+"),
            (r"[]\d]", "[]0-9]"),
            (r"\[\w\]", r"\[(?-u:\w)\]"),
        ];
        for (pattern, ascii) in cases {
            assert_eq!(ascii_boundaries(pattern), ascii, "{pattern}");
        }
        let non_space = regex::Regex::new(&ascii_boundaries(r"^[^\s]+$")).unwrap();
        assert!(non_space.is_match("hello") && !non_space.is_match("he llo"));
        let word = regex::Regex::new(&ascii_boundaries(r"^[\w-]+$")).unwrap();
        assert!(word.is_match("al-qaeda_2") && !word.is_match("a:b"));
    }

    fn lits(p: &str) -> Option<Vec<String>> {
        required_literals(&ascii_boundaries(p))
    }

    #[test]
    fn required_literals_are_implied_by_the_pattern() {
        let v = |l: &[&str]| Some(l.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(lits(r"^who\b.{0,40}\bvelmor\b"), v(&["velmor"]));
        assert_eq!(lits(r"\bhow many groups\b"), v(&["how many groups"]));
        assert_eq!(lits(r"^attack$"), v(&["attack"]));
        assert_eq!(
            lits(r"\b(behind|responsible for|culprit\w*) (the )?velmor trasken\b"),
            v(&["velmor trasken"])
        );
        assert_eq!(lits(r"\b(sanction|penalt)\w*"), v(&["penalt", "sanction"]));
        // Nothing to prune by: runs on every question.
        assert_eq!(lits(r"\b(is|it)\b"), None);
        assert_eq!(lits(r"\w+ (a|b)?"), None);
        assert_eq!(lits(r"(?i)attack"), None);
    }
}
