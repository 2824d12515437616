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

use std::collections::{HashMap, HashSet};

use regex::{RegexSet, RegexSetBuilder};
use rust_stemmers::{Algorithm, Stemmer};

use crate::dates::{self, DateQuery};
use crate::kb::{Actor, EntityKind, Event, Intent, Kb, Topic};
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
/// The most memory the compiled set of all patterns may take.
const SET_SIZE_LIMIT: usize = 64 << 20;
/// The lazy DFA's cache for the pattern set: large enough that it does not
/// give up and fall back to the PikeVM on a set of a few hundred patterns.
const DFA_CACHE_LIMIT: usize = 16 << 20;
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
    let fired = index.fired_patterns(q);
    let sims = index.example_similarity(q);
    let content: Vec<&str> = q.content().map(|(_, s)| s).collect();
    let present: HashSet<&str> = q.stems.iter().map(String::as_str).collect();

    kb.intents
        .iter()
        .enumerate()
        .map(|(i, intent)| {
            let fired: Vec<usize> = fired.get(&i).cloned().unwrap_or_default();
            let pattern = !fired.is_empty();
            let (keywords, required_ok) = keyword_score(intent, &present, &q.stems);
            let examples = sims[i];
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

/// The matched share of keyword weight, and whether every required group matched.
fn keyword_score(intent: &Intent, present: &HashSet<&str>, stems: &[String]) -> (f32, bool) {
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
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(c @ ('b' | 'w' | 'd' | 's')) => {
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
    /// `vocab`'s words grouped by length in characters, for correction.
    by_len: Vec<Vec<String>>,
    /// Lexicon variants as stem sequences, longest first, with the canonical
    /// term's words and stems.
    lexicon: Vec<(Vec<String>, Vec<String>, Vec<String>)>,
    patterns: Option<RegexSet>,
    /// For each pattern of `patterns`: (intent, pattern index in the intent).
    pattern_owner: Vec<(usize, usize)>,
    idf: HashMap<String, f32>,
    /// Stem -> (example, weight).
    postings: HashMap<String, Vec<(u32, f32)>>,
    example_norm: Vec<f32>,
    example_intent: Vec<usize>,
    intent_count: usize,
    /// Stems each intent knows: examples, keywords, title, button, answer.
    intent_vocab: Vec<HashSet<String>>,
    /// Entity names and aliases as stem sequences, longest first.
    entities: Vec<(Vec<String>, Target)>,
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
    ) -> Result<Index, regex::Error> {
        let stemmer = stemmer();
        let stem = |w: &str| stemmer.stem(w).into_owned();
        let mut index = Index {
            intent_count: intents.len(),
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
        let mut words: Vec<&String> = index.vocab.keys().collect();
        words.sort();
        for w in words {
            let len = w.chars().count();
            if index.by_len.len() <= len {
                index.by_len.resize(len + 1, Vec::new());
            }
            index.by_len[len].push(w.clone());
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
        index.lexicon = lex;

        // Patterns, all in one set.
        let mut all: Vec<String> = Vec::new();
        for (i, intent) in intents.iter().enumerate() {
            for (j, p) in intent.patterns.iter().enumerate() {
                all.push(ascii_boundaries(p));
                index.pattern_owner.push((i, j));
            }
        }
        if !all.is_empty() {
            index.patterns = Some(
                RegexSetBuilder::new(&all)
                    .size_limit(SET_SIZE_LIMIT)
                    .dfa_size_limit(DFA_CACHE_LIMIT)
                    .build()?,
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
        for (e, (intent, stems)) in docs.iter().enumerate() {
            let distinct: HashSet<&str> = stems.iter().map(String::as_str).collect();
            let mut norm = 0.0;
            for s in distinct {
                let w = index.idf[s];
                norm += w * w;
                index
                    .postings
                    .entry(s.to_string())
                    .or_default()
                    .push((e as u32, w));
            }
            index.example_norm.push(norm.sqrt());
            index.example_intent.push(*intent);
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
                .lexicon
                .iter()
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
        let mut best: Option<(usize, u32, &String)> = None;
        for l in len.saturating_sub(max)..=len + max {
            for cand in self.by_len.get(l).into_iter().flatten() {
                // A typo rarely changes the first letter; "visa" is not "cisa".
                if cand.chars().count() < 3 || cand.chars().next() != word.chars().next() {
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

    /// Patterns that match the corrected words or the rewritten text, by intent.
    fn fired_patterns(&self, q: &Prepared) -> HashMap<usize, Vec<usize>> {
        let mut out: HashMap<usize, Vec<usize>> = HashMap::new();
        let Some(set) = &self.patterns else {
            return out;
        };
        let words = q.words.join(" ");
        let mut hits: Vec<usize> = set.matches(&words).into_iter().collect();
        if q.rewritten != words {
            hits.extend(set.matches(&q.rewritten));
        }
        hits.sort_unstable();
        hits.dedup();
        for h in hits {
            let (intent, pattern) = self.pattern_owner[h];
            out.entry(intent).or_default().push(pattern);
        }
        out
    }

    /// The best cosine similarity between the question and each intent's
    /// examples, indexed by intent.
    fn example_similarity(&self, q: &Prepared) -> Vec<f32> {
        let mut best = vec![0.0f32; self.intent_count];
        let distinct: HashSet<&str> = q.compared().collect();
        let unknown_idf = (1.0 + self.example_norm.len().max(1) as f32).ln();
        let mut q_norm = 0.0;
        let mut dots: HashMap<u32, f32> = HashMap::new();
        for s in distinct {
            let w = self.idf.get(s).copied().unwrap_or(unknown_idf);
            q_norm += w * w;
            for &(e, ew) in self.postings.get(s).into_iter().flatten() {
                *dots.entry(e).or_default() += w * ew;
            }
        }
        let q_norm = q_norm.sqrt();
        if q_norm == 0.0 {
            return best;
        }
        for (e, dot) in dots {
            let cos = dot / (q_norm * self.example_norm[e as usize]);
            let intent = self.example_intent[e as usize];
            best[intent] = best[intent].max(cos);
        }
        best
    }

    /// Entity mentions, longest first and not overlapping.
    fn find_entities(&self, stems: &[String]) -> Vec<(std::ops::Range<usize>, Target)> {
        let mut taken = vec![false; stems.len()];
        let mut out = Vec::new();
        for (name, target) in &self.entities {
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
