//! Everything precomputed from the knowledge for matching, built once at
//! load time: the vocabulary, the lexicon, the patterns behind their
//! prefilter, keyword gates, TF-IDF vectors of the examples, entity names.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::Target;
use super::analyse::{QuestionKind, analyse};
use super::lang::{English, Lang};
use super::patterns::{Pattern, ascii_boundaries, compile_pattern, rarest};
use super::retrieve::FullText;
use super::weights::UNKNOWN_WORD_MIN_CHARS;
use crate::kb::{Actor, Event, Intent, KeywordGroup, Topic, short_name};
use crate::text;

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
    /// The canonical term's words and stems.
    pub(super) words: Vec<String>,
    pub(super) stems: Vec<String>,
}

/// Everything precomputed from the knowledge for matching. Built once, at
/// load time, by `Index::build`.
#[derive(Debug, Default)]
pub struct Index {
    /// The language of the questions and the knowledge this index reads.
    pub(super) lang: Lang,
    /// The whole text of every event, actor and topic.
    pub(super) full_text: FullText,
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
    /// Stem -> (example, weight).
    /// Stem -> (example, weight), for the examples of ungated intents.
    pub(super) postings: HashMap<String, Vec<(u32, f32)>>,
    /// Each example's (stem, weight), sorted by stem.
    pub(super) example_terms: Vec<Vec<(String, f32)>>,
    pub(super) example_norm: Vec<f32>,
    pub(super) example_intent: Vec<usize>,
    /// Each intent's examples (they are numbered intent by intent).
    pub(super) intent_examples: Vec<std::ops::Range<u32>>,
    /// Stems each intent knows: examples, keywords, title, button, answer.
    pub(super) intent_vocab: Vec<HashSet<String>>,
    /// Entity names and aliases as stem sequences, longest first.
    pub(super) entities: Vec<(Vec<String>, Target)>,
    /// For each first stem of an entity name, its entries in `entities`.
    pub(super) entities_by_first: HashMap<String, Vec<u32>>,
    /// The kinds of question each intent answers: declared, or those of
    /// its examples.
    pub(super) intent_kinds: Vec<Vec<QuestionKind>>,
    /// Stems each event knows: title, tags, its actors' names and what its
    /// summary names.
    pub(super) event_vocab: Vec<HashSet<String>>,
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
        mut compiled: HashMap<String, Pattern>,
    ) -> Result<Index, super::patterns::PatternError> {
        let stem = |w: &str| lang.stem(w);
        // Descriptions of actors and topics ("the American security firm")
        // are rewritten, as lexicon variants are, to themselves followed by
        // the short name, so that intents about the name match the
        // description too and those about its words still do.
        let described: Vec<(Vec<String>, String)> = actors
            .iter()
            .map(|a| (&a.descriptions, short_name(&a.name, &a.aliases)))
            .chain(
                topics
                    .iter()
                    .map(|t| (&t.descriptions, short_name(&t.name, &t.aliases))),
            )
            .flat_map(|(descriptions, name)| {
                descriptions.iter().map(move |d| {
                    let words = text::fold(d).split(' ').map(str::to_string).collect();
                    (words, format!("{d} {name}"))
                })
            })
            .collect();
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

        // Vocabulary, from everything a question may reasonably contain.
        let add_words = |index: &mut Index, s: &str| {
            for w in text::fold(s).split(' ').filter(|w| !w.is_empty()) {
                *index.vocab.entry(w.to_string()).or_default() += 1;
            }
        };
        for w in lang.frame_words() {
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
            let names = std::iter::once(&a.name).chain(&a.aliases);
            for s in names.chain(&a.role).chain(&a.descriptions) {
                add_words(&mut index, s);
            }
        }
        for t in topics {
            for s in std::iter::once(&t.name)
                .chain(&t.aliases)
                .chain(&t.descriptions)
            {
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
        let mut lex: Vec<LexiconEntry> = lexicon
            .iter()
            .map(|(variant, canonical)| {
                let words: Vec<String> = text::fold(canonical)
                    .split(' ')
                    .map(str::to_string)
                    .collect();
                let stems = words.iter().map(|w| stem(w)).collect();
                LexiconEntry {
                    variant: variant.iter().map(|w| stem(w)).collect(),
                    forms: variant.iter().map(|w| lang.inflection_base(w)).collect(),
                    words,
                    stems,
                }
            })
            .collect();
        lex.sort_by(|a, b| {
            b.variant
                .len()
                .cmp(&a.variant.len())
                .then_with(|| a.variant.cmp(&b.variant))
        });
        for (k, entry) in lex.iter().enumerate() {
            if let Some(first) = entry.variant.first() {
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
                // Taken, not cloned: a pattern two intents share is
                // compiled again for the second.
                let mut re = match compiled.remove(&ascii) {
                    Some(re) => re,
                    None => compile_pattern(&ascii)?,
                };
                let options = re.take_literals();
                index.patterns.push(re);
                index.pattern_owner.push((i, j));
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

        // Examples as TF-IDF vectors, and each intent's vocabulary, each
        // intent prepared on its own (on every core).
        let prepared = crate::par::map(intents, |intent| {
            let mut known = HashSet::new();
            let mut examples = Vec::with_capacity(intent.examples.len());
            for ex in &intent.examples {
                let p = index.prepare(ex, false);
                let stems: Vec<String> = p.compared().map(str::to_string).collect();
                known.extend(stems.iter().cloned());
                examples.push(stems);
            }
            for s in [&intent.title, &intent.button, &intent.answer] {
                known.extend(index.prepare(s, false).stems);
            }
            if lang.states_quantity(&intent.answer) {
                known.insert(English::QUANTITY.to_string());
            }
            for group in &intent.keywords {
                for term in &group.any {
                    known.extend(term.iter().cloned());
                }
            }
            (examples, known)
        });
        let mut docs: Vec<(usize, Vec<String>)> = Vec::new();
        for (i, (examples, known)) in prepared.into_iter().enumerate() {
            docs.extend(examples.into_iter().map(|stems| (i, stems)));
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

        // The kinds each intent answers.
        for intent in intents {
            let mut kinds = intent.kinds.clone();
            if kinds.is_empty() {
                for ex in &intent.examples {
                    let words: Vec<String> = text::fold(ex)
                        .split(' ')
                        .filter(|w| !w.is_empty())
                        .map(str::to_string)
                        .collect();
                    kinds.push(analyse(lang, &words).kind);
                }
            }
            kinds.sort_unstable();
            kinds.dedup();
            index.intent_kinds.push(kinds);
        }
        let vocab_of = |texts: &mut dyn Iterator<Item = &String>| -> HashSet<String> {
            texts.flat_map(|s| index.prepare(s, false).stems).collect()
        };
        let with_quantity = |mut known: HashSet<String>, summary: &str| {
            if lang.states_quantity(summary) {
                known.insert(English::QUANTITY.to_string());
            }
            known
        };
        let actor_vocab = crate::par::map(actors, |a| {
            let known = vocab_of(
                &mut std::iter::once(&a.name)
                    .chain(&a.aliases)
                    .chain(&a.role)
                    .chain([&a.summary]),
            );
            with_quantity(known, &a.summary)
        });
        let topic_vocab = crate::par::map(topics, |t| {
            let known = vocab_of(
                &mut std::iter::once(&t.name)
                    .chain(&t.aliases)
                    .chain([&t.summary]),
            );
            with_quantity(known, &t.summary)
        });
        let actor_ix: HashMap<&str, &Actor> = actors.iter().map(|a| (a.id.as_str(), a)).collect();
        let event_vocab = crate::par::map(events, |e| {
            // Not the whole summary: its many words match questions about
            // other things ("presidency" is not "president"); measured on
            // the blind sets, it answered more questions wrongly than it
            // found.
            let mut known = vocab_of(&mut std::iter::once(&e.title).chain(&e.tags));
            // From the summary, only what it names: capitalised words and
            // numbers ("Air Albania", "13694", "DEV-0842").
            let named: Vec<&str> = e
                .summary
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .filter(|w| {
                    w.chars().next().is_some_and(char::is_uppercase)
                        || w.chars().any(|c| c.is_ascii_digit())
                })
                .collect();
            known.extend(index.prepare(&named.join(" "), false).stems);
            for a in e.actors.iter().filter_map(|id| actor_ix.get(id.as_str())) {
                known.extend(vocab_of(&mut std::iter::once(&a.name).chain(&a.aliases)));
            }
            // The year it happened, for questions that name one.
            known.extend(e.date.iso().get(..4).map(str::to_string));
            with_quantity(known, &e.summary)
        });
        for (i, known) in actor_vocab.into_iter().enumerate() {
            index.lookup_vocab.insert(Target::Actor(i), known);
        }
        for (i, known) in topic_vocab.into_iter().enumerate() {
            index.lookup_vocab.insert(Target::Topic(i), known);
        }
        for known in event_vocab {
            let e_ix = index.event_vocab.len() as u32;
            // In stem order: the postings are the same in every process.
            let mut stems: Vec<&String> = known.iter().collect();
            stems.sort();
            for stem in stems {
                index
                    .event_postings
                    .entry(stem.clone())
                    .or_default()
                    .push(e_ix);
            }
            index.event_vocab.push(known);
        }

        // Entity names and aliases.
        let mut entities = Vec::new();
        for (i, a) in actors.iter().enumerate() {
            for name in std::iter::once(&a.name)
                .chain(&a.aliases)
                .chain(&a.descriptions)
            {
                entities.push((index.prepare(name, false).stems, Target::Actor(i)));
            }
        }
        for (i, t) in topics.iter().enumerate() {
            for name in std::iter::once(&t.name)
                .chain(&t.aliases)
                .chain(&t.descriptions)
            {
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
        index.full_text = FullText::build(&index, actors, topics, events);
        Ok(index)
    }

    /// The language of the questions this index reads.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// An index that only rewrites through the lexicon: for preparing
    /// keyword terms before the full index exists.
    pub(crate) fn lexicon_only(lang: Lang, lexicon: &[(Vec<String>, String)]) -> Index {
        Index::build(lang, &[], lexicon, &[], &[], &[], HashMap::new()).unwrap_or_default()
    }

    /// The weight of a stem: its IDF over the examples, the highest for a
    /// stem no example has.
    pub(super) fn idf_of(&self, stem: &str) -> f32 {
        let unknown = (1.0 + self.example_norm.len().max(1) as f32).ln();
        self.idf.get(stem).copied().unwrap_or(unknown)
    }

    /// Whether a folded word names something (a country, a person, a
    /// contest) that English knows and the knowledge never mentions.
    ///
    /// Also a long word that neither the knowledge nor English knows and
    /// that the corrector left alone ("notpetya", "wannacry"): the name of
    /// something the sources never mention. Shorter ones are more often
    /// chat spellings ("gonna", "thx") than names.
    pub(super) fn is_unknown_name(&self, word: &str) -> bool {
        // "americas", "irans": a possessive typed without its apostrophe.
        let known = |w: &str| self.vocab.contains_key(w);
        if known(word) || word.strip_suffix('s').is_some_and(known) {
            return false;
        }
        let coined = word.chars().count() >= UNKNOWN_WORD_MIN_CHARS
            && word.chars().all(|c| c.is_ascii_lowercase())
            && !self.lang.is_word(word)
            && self.lang == Lang::En;
        coined || self.lang.is_proper_noun(word)
    }

    /// The stem of a folded word.
    pub(super) fn stem(&self, word: &str) -> String {
        self.lang.stem(word)
    }
}
