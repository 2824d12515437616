//! Everything precomputed from the knowledge for matching, built once at
//! load time: the vocabulary, the lexicon, the patterns behind their
//! prefilter, keyword gates, TF-IDF vectors of the examples, entity names.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use aho_corasick::AhoCorasick;

use super::Target;
use super::analyse::QuestionKind;
use super::lang::English;
use super::lang::Lang;
use super::patterns::Pattern;
mod build;

use super::retrieve::FullText;
use super::weights::UNKNOWN_WORD_MIN_CHARS;
use crate::kb::{Actor, Event, Intent, Topic, short_name};
use crate::text;
use build::{
    add_entities, add_examples, add_kinds_and_vocabularies, add_lexicon, add_patterns,
    add_vocabulary,
};

/// One lexicon variant and the canonical term it stands for.
#[derive(Debug, Clone, Default)]
pub(super) struct LexiconEntry {
    /// The variant's stems.
    pub(super) variant: Vec<String>,
    /// The variant's words without their inflections
    /// (`English::inflection_base`): a question's words must agree with
    /// these too, so that "executive" (stem "execut") is not taken for the
    /// variant "executed".
    pub(super) forms: Vec<String>,
    /// Whether the entry is an actor's or topic's description, whose words
    /// agree by `Lang::name_base` (their inflection alone).
    pub(super) strict: bool,
    /// The canonical term's words and stems.
    pub(super) words: Vec<String>,
    pub(super) stems: Vec<String>,
}

/// A keyword group with its one-stem terms as ids of `Index::stem_ids`.
#[derive(Debug, Clone, Default)]
pub(super) struct IdGroup {
    pub(super) weight: f32,
    pub(super) required: bool,
    /// One-stem terms, sorted.
    pub(super) singles: Vec<u32>,
    /// Terms of several stems, matched as runs of the question's stems.
    pub(super) runs: Vec<Vec<String>>,
}

/// Everything precomputed from the knowledge for matching. Built once, at
/// load time, by `Index::build`.
#[derive(Debug, Default)]
pub struct Index {
    /// The language of the questions and the knowledge this index reads.
    pub(super) lang: Lang,
    /// The whole text of every event, actor and topic.
    pub(super) full_text: FullText,
    /// Each intent's title and answer as sorted stems (with what its
    /// figures count), kept from `add_examples` for `FullText`.
    pub(super) answer_docs: Vec<Vec<String>>,
    /// Each actor's and topic's text as sorted stems, the same way, kept
    /// from `add_kinds_and_vocabularies` for `FullText`.
    pub(super) name_docs: Vec<(Target, Vec<String>)>,
    /// Each actor's and topic's descriptions, as folded words.
    pub(super) descriptions: HashMap<Target, Vec<Vec<String>>>,
    /// Known words (folded, unstemmed): the typo corrector's dictionary.
    pub(super) vocab: HashMap<String, u32>,
    /// `vocab`'s words of three letters or more by first letter and length
    /// in characters, for correction.
    pub(super) by_start: HashMap<(char, usize), Vec<String>>,
    /// Lexicon variants, longest first, with the canonical term's words and
    /// stems.
    pub(super) lexicon: Vec<LexiconEntry>,
    /// For each first stem of a variant, its entries in `lexicon` (in order).
    pub(super) lexicon_by_first: HashMap<String, Vec<u32>>,
    /// Every pattern of every intent, compiled on its own (ASCII classes).
    pub(super) patterns: Vec<Pattern>,
    /// For each pattern of `patterns`: (intent, pattern index in the intent).
    pub(super) pattern_owner: Vec<(usize, usize)>,
    /// One automaton of the literals some pattern needs: a pattern runs only
    /// when one of its literals is in the question (see `literal_options`).
    pub(super) prefilter: Option<AhoCorasick>,
    /// For each literal of `prefilter`, the patterns that need it.
    pub(super) literal_patterns: Vec<Vec<u32>>,
    /// Patterns with no literal to prune by: they run on every question.
    pub(super) unfiltered: Vec<u32>,
    /// Keyword term first stem -> intents that may score when it is present:
    /// intents without a required group under every term, the others under
    /// the terms of their gate only.
    pub(super) keyword_owners: HashMap<String, Vec<u32>>,
    /// Per intent: the first stems of its most selective required keyword
    /// group. One of them must be in a question for the intent to score.
    pub(super) gates: Vec<Option<Vec<String>>>,
    pub(super) idf: HashMap<String, f32>,
    /// Stem -> (example, weight), for the examples of ungated intents.
    pub(super) postings: HashMap<String, Vec<(u32, f32)>>,
    /// Each example's (stem id, weight), sorted by id.
    pub(super) example_terms: Vec<Vec<(u32, f32)>>,
    pub(super) example_norm: Vec<f32>,
    /// Each intent's examples (they are numbered intent by intent).
    pub(super) intent_examples: Vec<std::ops::Range<u32>>,
    pub(super) example_intent: Vec<usize>,
    /// Every stem some intent knows, as a small integer: scoring compares
    /// these, not strings.
    pub(super) stem_ids: HashMap<String, u32>,
    /// Stems each intent knows (examples, keywords, title, button, answer),
    /// as sorted ids of `stem_ids`.
    pub(super) intent_vocab: Vec<Vec<u32>>,
    /// By stem id: the intents that know the stem, ascending.
    pub(super) stem_intents: Vec<Vec<u32>>,
    /// Each intent's keyword groups, their one-stem terms as ids.
    pub(super) intent_groups: Vec<Vec<IdGroup>>,
    /// Entity names and aliases as stem sequences, longest first.
    pub(super) entities: Vec<(Vec<String>, Target)>,
    /// Each actor's and topic's entries in `entities`.
    pub(super) entity_forms: HashMap<Target, Vec<u32>>,
    /// For each first stem of an entity name, its entries in `entities`.
    pub(super) entities_by_first: HashMap<String, Vec<u32>>,
    /// The kinds of question each intent answers: declared, or those of
    /// its examples.
    pub(super) intent_kinds: Vec<Vec<QuestionKind>>,
    /// Stems each event knows: title, tags, its actors' names and what its
    /// summary names.
    pub(super) event_vocab: Vec<HashSet<String>>,
    /// The stems of each event's title: what it is about, first.
    pub(super) event_titles: Vec<HashSet<String>>,
    /// Stem -> the events that know it (ascending), so that a question
    /// looks only at the events sharing one of its stems.
    pub(super) event_postings: HashMap<String, Vec<u32>>,
    /// Stems each actor and topic knows: name, aliases, role, summary.
    pub(super) lookup_vocab: HashMap<Target, HashSet<String>>,
    /// Stems that frame a question without carrying its subject.
    pub(super) frame: HashSet<String>,
}
impl Index {
    /// Builds the index. `patterns` must already be valid regexes (validation
    /// compiles each one first to report errors by line, and hands them over
    /// in `compiled`, by ASCII form); the only error left is a set too large
    /// to compile.
    pub(crate) fn build(
        lang: Lang,
        intents: &[Intent],
        lexicon: &[(Vec<String>, String)],
        actors: &[Actor],
        topics: &[Topic],
        events: &[Event],
        compiled: HashMap<String, Pattern>,
    ) -> Result<Index, super::patterns::PatternError> {
        let stem = |w: &str| lang.stem(w);
        // Descriptions of actors and topics ("the American security firm")
        // are rewritten, as lexicon variants are, to themselves followed by
        // the short name, so that intents about the name match the
        // description too and those about its words still do.
        // Each description folded once: for the lexicon, and kept by name
        // (`descriptions`) for the matcher.
        let named = actors
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    Target::Actor(i),
                    &a.descriptions,
                    short_name(&a.name, &a.aliases),
                )
            })
            .chain(topics.iter().enumerate().map(|(i, t)| {
                (
                    Target::Topic(i),
                    &t.descriptions,
                    short_name(&t.name, &t.aliases),
                )
            }));
        let mut descriptions = HashMap::default();
        let mut described: Vec<(Vec<String>, String)> = Vec::new();
        for (target, texts, name) in named {
            let folded: Vec<Vec<String>> = texts
                .iter()
                .map(|d| text::fold(d).split(' ').map(str::to_string).collect())
                .collect();
            described.extend(
                texts
                    .iter()
                    .zip(&folded)
                    .map(|(d, words)| (words.clone(), format!("{d} {name}"))),
            );
            descriptions.insert(target, folded);
        }
        let described_from = lexicon.len();
        let lexicon: Vec<(Vec<String>, String)> =
            lexicon.iter().cloned().chain(described).collect();
        let lexicon = lexicon.as_slice();
        let mut index = Index {
            lang,
            frame: lang.frame_words().iter().map(|w| stem(w)).collect(),
            ..Index::default()
        };
        for w in lang.frame_words() {
            index.frame.insert((*w).to_string());
        }

        index.descriptions = descriptions;
        add_vocabulary(&mut index, lexicon, intents, actors, topics, events);
        add_lexicon(&mut index, lexicon, described_from);
        add_patterns(&mut index, intents, compiled)?;
        add_examples(&mut index, intents);
        add_kinds_and_vocabularies(&mut index, intents, actors, topics, events);
        add_entities(&mut index, actors, topics);
        let answers = std::mem::take(&mut index.answer_docs);
        let names = std::mem::take(&mut index.name_docs);
        index.full_text = FullText::build(&index, events, answers, names);
        Ok(index)
    }

    /// The language of the questions this index reads.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// An index that only rewrites through the lexicon: for preparing
    /// keyword terms before the full index exists.
    pub(crate) fn lexicon_only(lang: Lang, lexicon: &[(Vec<String>, String)]) -> Index {
        Index::build(lang, &[], lexicon, &[], &[], &[], HashMap::default()).unwrap_or_default()
    }

    /// The weight of a stem: its IDF over the examples, the highest for a
    /// stem no example has.
    pub(super) fn idf_of(&self, stem: &str) -> f32 {
        let unknown = (1.0 + self.example_norm.len().max(1) as f32).ln();
        self.idf.get(stem).copied().unwrap_or(unknown)
    }

    /// Whether the knowledge uses a folded word, or it without an "s"
    /// ("americas", "irans": a possessive typed without its apostrophe).
    pub(super) fn knows_word(&self, word: &str) -> bool {
        let known = |w: &str| self.vocab.contains_key(w);
        known(word) || word.strip_suffix('s').is_some_and(known)
    }

    /// Whether the knowledge uses every word of a phrase but its
    /// particles ("United States", "Shtetet e Bashkuara"), in some form.
    pub(super) fn knows_phrase(&self, words: &[String]) -> bool {
        words
            .iter()
            .filter(|w| w.chars().count() > 2)
            .all(|w| self.knows_word(w) || self.stem_id(&self.stem(w)).is_some())
    }

    /// Whether a folded word names something (a country, a person, a
    /// contest) that English knows and the knowledge never mentions.
    ///
    /// Also a long word that neither the knowledge nor English knows and
    /// that the corrector left alone ("notpetya", "wannacry"): the name of
    /// something the sources never mention. Shorter ones are more often
    /// chat spellings ("gonna", "thx") than names.
    pub(super) fn is_unknown_name(&self, word: &str) -> bool {
        if self.knows_word(word) {
            return false;
        }
        // A country the knowledge speaks of in another form ("Estonisë",
        // asked as "estonia") is no unknown name.
        if self.lang.is_country(word) {
            return self.stem_id(&self.stem(word)).is_none();
        }
        // In Albanian, which has no dictionary here, only a word no
        // Albanian word could be: one with a "w" ("solarwinds").
        let coined = word.chars().count() >= UNKNOWN_WORD_MIN_CHARS
            && word.chars().all(|c| c.is_ascii_lowercase())
            && !self.lang.is_word(word)
            && (self.lang == Lang::En
                || (word.contains('w') && {
                    // Nor an English word with an Albanian ending ("wiperin").
                    let base = self.lang.inflection_base(word);
                    !English::is_word(word)
                        && !English::is_word(&base)
                        && !self.knows_word(&base)
                        && self.stem_id(&self.stem(word)).is_none()
                }));
        coined || self.lang.is_proper_noun(word) || self.is_unknown_acronym(word)
    }

    /// A short word with no vowel that the knowledge never uses ("KQZ",
    /// "KGB"): an acronym of something the story does not cover. Not a
    /// filler or a word of the language ("hmm", "pls", "dmth").
    fn is_unknown_acronym(&self, word: &str) -> bool {
        const ABBREVIATIONS: &[&str] = &["pls", "plz", "thx", "thnx", "pmsl", "psh", "dmth", "nr"];
        (3..=5).contains(&word.len())
            && word
                .chars()
                .all(|c| c.is_ascii_lowercase() && !"aeiouy".contains(c))
            && !ABBREVIATIONS.contains(&word)
            && !self.lang.is_stopword(word)
            && !self.lang.is_discourse_word(word)
            && !self.lang.is_word(word)
            && self.stem_id(&self.stem(word)).is_none()
    }

    /// The marker that a text counts `word` ("3,000 members": members), by
    /// its stem after the lexicon ("officers" are "police").
    pub(super) fn count_marker(&self, word: &str) -> String {
        let stems = self.prepare(word, false).stems;
        let stem = stems.last().map_or(word, String::as_str);
        format!("{}{stem}", English::COUNT)
    }

    /// What a text's figures say, as markers: `English::QUANTITY` and what
    /// they count (`count_markers`) when it states a quantity, else none.
    pub(super) fn figure_markers(&self, text: &str) -> Vec<String> {
        if !self.lang.states_quantity(text) {
            return Vec::new();
        }
        let mut out = vec![English::QUANTITY.to_string()];
        out.extend(self.count_markers(text));
        out
    }

    /// The markers of what a text counts: each of the three words after a
    /// number that is no year ("about 3,000 MEK members", "three pieces of
    /// malware", "3 000 anëtarë").
    pub(super) fn count_markers(&self, text: &str) -> Vec<String> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(crate::text::fold)
            .collect();
        let digits = |w: &str| w.chars().all(|c| c.is_ascii_digit());
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let number = self.lang.number_words().contains(&w.as_str())
                || (digits(w) && !English::is_year(w));
            if !number {
                continue;
            }
            out.extend(
                words[i + 1..]
                    .iter()
                    .filter(|n| !digits(n))
                    .take(3)
                    .map(|n| self.count_marker(n)),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The stem of a folded word.
    pub(super) fn stem(&self, word: &str) -> String {
        self.lang.stem(word)
    }

    /// The id of a stem some intent knows.
    pub(super) fn stem_id(&self, stem: &str) -> Option<u32> {
        self.stem_ids.get(stem).copied()
    }

    /// Whether intent `i` knows the stem with this id.
    pub(super) fn intent_knows(&self, i: usize, id: Option<u32>) -> bool {
        id.is_some_and(|id| self.intent_vocab[i].binary_search(&id).is_ok())
    }
}
