//! Building the index, part by part: vocabulary, lexicon, patterns,
//! examples and gates, kinds and vocabularies, entities. Each part reads
//! the knowledge and what the parts before it built.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::super::Target;
use super::super::analyse::analyse;
use super::super::lang::{English, Lang};
use super::super::patterns::{Pattern, PatternError, ascii_boundaries, compile_pattern, rarest};
use super::{IdGroup, Index, LexiconEntry};
use crate::kb::{Actor, Event, Intent, KeywordGroup, Topic};
use crate::text;

/// Vocabulary, from everything a question may reasonably contain: the
/// typo corrector's dictionary.
pub(super) fn add_vocabulary(
    index: &mut Index,
    lexicon: &[(Vec<String>, String)],
    intents: &[Intent],
    actors: &[Actor],
    topics: &[Topic],
    events: &[Event],
) {
    let lang = index.lang;
    // Vocabulary, from everything a question may reasonably contain.
    let add_words = |index: &mut Index, s: &str| {
        for w in text::fold(s).split(' ').filter(|w| !w.is_empty()) {
            *index.vocab.entry(w.to_string()).or_default() += 1;
        }
    };
    for w in lang.frame_words() {
        add_words(index, w);
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
        add_words(index, m);
    }
    for (variant, canonical) in lexicon {
        add_words(index, &variant.join(" "));
        add_words(index, canonical);
    }
    for intent in intents {
        for s in intent
            .examples
            .iter()
            .chain([&intent.title, &intent.button, &intent.answer])
        {
            add_words(index, s);
        }
        for group in &intent.keywords {
            for term in &group.any {
                add_words(index, &term.join(" "));
            }
        }
    }
    for a in actors {
        let names = std::iter::once(&a.name).chain(&a.aliases);
        for s in names.chain(&a.role).chain(&a.descriptions) {
            add_words(index, s);
        }
    }
    for t in topics {
        for s in std::iter::once(&t.name)
            .chain(&t.aliases)
            .chain(&t.descriptions)
        {
            add_words(index, s);
        }
    }
    for e in events {
        for s in std::iter::once(&e.title).chain(&e.tags) {
            add_words(index, s);
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
}

/// The lexicon as stems, longest variant first. Entries from
/// `described_from` on are descriptions (`LexiconEntry::strict`).
pub(super) fn add_lexicon(
    index: &mut Index,
    lexicon: &[(Vec<String>, String)],
    described_from: usize,
) {
    let lang = index.lang;
    let stem = |w: &str| lang.stem(w);
    // The lexicon, as stems.
    let mut lex: Vec<LexiconEntry> = lexicon
        .iter()
        .enumerate()
        .map(|(k, (variant, canonical))| {
            let strict = k >= described_from;
            let base = |w: &String| {
                if strict {
                    lang.name_base(w)
                } else {
                    lang.inflection_base(w)
                }
            };
            let words: Vec<String> = text::fold(canonical)
                .split(' ')
                .map(str::to_string)
                .collect();
            let stems = words.iter().map(|w| stem(w)).collect();
            LexiconEntry {
                variant: variant.iter().map(|w| stem(w)).collect(),
                forms: variant.iter().map(base).collect(),
                strict,
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
}

/// Every pattern, behind one automaton of the literals they need.
pub(super) fn add_patterns(
    index: &mut Index,
    intents: &[Intent],
    mut compiled: HashMap<String, Pattern>,
) -> Result<(), PatternError> {
    // Patterns, each compiled on its own, behind one automaton of the
    // literals they need.
    let mut literals: Vec<String> = Vec::new();
    let mut literal_ix: HashMap<String, usize> = HashMap::default();
    let mut all: Vec<Vec<Vec<String>>> = Vec::new();
    let mut uses: HashMap<String, u32> = HashMap::default();
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

    Ok(())
}

/// The id of a stem in `stem_ids`, a new one if it has none yet.
fn intern(index: &mut Index, stem: String) -> u32 {
    let next = index.stem_ids.len() as u32;
    *index.stem_ids.entry(stem).or_insert(next)
}

/// Examples as TF-IDF vectors, each intent's vocabulary, and the keyword
/// gates.
pub(super) fn add_examples(index: &mut Index, intents: &[Intent]) {
    let lang = index.lang;
    // Examples as TF-IDF vectors, and each intent's vocabulary, each
    // intent prepared on its own (on every core).
    let prepared = crate::par::map(intents, |intent| {
        let mut known = HashSet::default();
        let mut examples = Vec::with_capacity(intent.examples.len());
        for ex in &intent.examples {
            let p = index.prepare(ex, false);
            let stems: Vec<String> = p.compared().map(str::to_string).collect();
            known.extend(stems.iter().cloned());
            examples.push(stems);
        }
        // The answer as a text to retrieve by (`FullText`): its title and
        // answer, what its figures count.
        let mut answer_doc: Vec<String> = [&intent.title, &intent.answer]
            .into_iter()
            .flat_map(|s| index.prepare(s, false).spoken_stems(lang))
            .collect();
        answer_doc.extend(index.figure_markers(&intent.answer));
        answer_doc.sort_unstable();
        answer_doc.dedup();
        known.extend(answer_doc.iter().cloned());
        known.extend(index.prepare(&intent.button, false).spoken_stems(lang));
        known.extend(Lang::with_any_month(
            [&intent.answer, &intent.title]
                .into_iter()
                .flat_map(|t| Lang::month_markers(t))
                .collect(),
        ));
        if intent.gives_date {
            known.insert(English::DATE.to_string());
        }
        for group in &intent.keywords {
            for term in &group.any {
                known.extend(term.iter().cloned());
            }
        }
        (examples, known, answer_doc)
    });
    let mut docs: Vec<(usize, Vec<String>)> = Vec::new();
    for (i, (examples, known, answer_doc)) in prepared.into_iter().enumerate() {
        index.answer_docs.push(answer_doc);
        docs.extend(examples.into_iter().map(|stems| (i, stems)));
        let mut ids: Vec<u32> = known.into_iter().map(|s| intern(index, s)).collect();
        ids.sort_unstable();
        ids.dedup();
        for &id in &ids {
            if index.stem_intents.len() <= id as usize {
                index.stem_intents.resize(id as usize + 1, Vec::new());
            }
            index.stem_intents[id as usize].push(i as u32);
        }
        index.intent_vocab.push(ids);
    }
    for intent in intents {
        let groups = intent
            .keywords
            .iter()
            .map(|g| {
                let mut singles = Vec::new();
                let mut runs = Vec::new();
                for term in &g.any {
                    match term.as_slice() {
                        [one] => singles.push(intern(index, one.clone())),
                        many => runs.push(many.to_vec()),
                    }
                }
                singles.sort_unstable();
                singles.dedup();
                IdGroup {
                    weight: g.weight,
                    required: g.required,
                    singles,
                    runs,
                }
            })
            .collect();
        index.intent_groups.push(groups);
    }
    // Gates: of an intent's required groups, the one whose first stems
    // the fewest intents use.
    let first_stems = |g: &KeywordGroup| -> Vec<String> {
        let mut v: Vec<String> = g.any.iter().filter_map(|t| t.first().cloned()).collect();
        v.sort();
        v.dedup();
        v
    };
    let mut usage: HashMap<String, u32> = HashMap::default();
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
    let mut df: HashMap<&str, u32> = HashMap::default();
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
        let distinct: std::collections::BTreeSet<&str> = stems.iter().map(String::as_str).collect();
        let mut norm = 0.0;
        let mut terms: Vec<(u32, f32)> = Vec::with_capacity(distinct.len());
        for s in distinct {
            let w = index.idf[s];
            norm += w * w;
            // Every example stem is in its intent's vocabulary, so interned.
            terms.push((index.stem_ids[s], w));
            // Gated intents are scored only once their gate is found, so
            // only ungated ones need to be found through their examples
            // (in large knowledge most intents are gated, and a common stem
            // would otherwise list thousands of examples).
            if index.gates[*intent].is_none() {
                index
                    .postings
                    .entry(s.to_string())
                    .or_default()
                    .push((e as u32, w));
            }
        }
        terms.sort_unstable_by_key(|&(id, _)| id);
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
}

/// The kinds each intent answers, and the vocabularies of actors, topics
/// and events.
pub(super) fn add_kinds_and_vocabularies(
    index: &mut Index,
    intents: &[Intent],
    actors: &[Actor],
    topics: &[Topic],
    events: &[Event],
) {
    let lang = index.lang;
    // The kinds each intent answers (on every core: analysing every
    // example is a tenth of building large knowledge's index).
    let kinds = crate::par::map(intents, |intent| {
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
        kinds
    });
    index.intent_kinds.extend(kinds);
    let vocab_of = |texts: &mut dyn Iterator<Item = &String>| -> HashSet<String> {
        texts.flat_map(|s| index.prepare(s, false).stems).collect()
    };
    // What a summary's figures (`figure_markers`) and date add to what
    // its name or event knows.
    let with_quantity = |mut known: HashSet<String>, summary: &str, figures: Vec<String>| {
        known.extend(figures);
        known.extend(Lang::with_any_month(Lang::month_markers(summary)));
        if Lang::states_date(summary) {
            known.insert(English::DATE.to_string());
        }
        known
    };
    // An actor's or topic's words, prepared once: every stem for the
    // questions that name it, and the stems it speaks of (with what its
    // figures count) as a text to retrieve by (`FullText`).
    let vocab_and_doc = |texts: Vec<&String>, summary: &str| {
        let prepared: Vec<_> = texts.iter().map(|s| index.prepare(s, false)).collect();
        let known: HashSet<String> = prepared.iter().flat_map(|p| p.stems.clone()).collect();
        let mut doc: Vec<String> = prepared
            .into_iter()
            .flat_map(|p| p.spoken_stems(lang))
            .collect();
        let figures = index.figure_markers(summary);
        doc.extend(figures.iter().cloned());
        doc.sort_unstable();
        doc.dedup();
        (with_quantity(known, summary, figures), doc)
    };
    let actor_vocab = crate::par::map(actors, |a| {
        let texts = std::iter::once(&a.name)
            .chain(&a.aliases)
            .chain(&a.role)
            .chain([&a.summary]);
        vocab_and_doc(texts.collect(), &a.summary)
    });
    let topic_vocab = crate::par::map(topics, |t| {
        let texts = std::iter::once(&t.name)
            .chain(&t.aliases)
            .chain([&t.summary]);
        vocab_and_doc(texts.collect(), &t.summary)
    });
    let actor_ix: HashMap<&str, &Actor> = actors.iter().map(|a| (a.id.as_str(), a)).collect();
    let event_vocab = crate::par::map(events, |e| {
        // Not the whole summary: its many words match questions about
        // other things ("presidency" is not "president"); measured on
        // the blind sets, it answered more questions wrongly than it
        // found.
        let title = vocab_of(&mut std::iter::once(&e.title));
        let mut known = title.clone();
        known.extend(vocab_of(&mut e.tags.iter()));
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
        // The year it happened, for questions that name one; and its
        // date, for "when" questions.
        known.extend(e.date.iso().get(..4).map(str::to_string));
        let month = e.date.iso().get(5..7).and_then(|m| m.parse::<u8>().ok());
        known.extend(Lang::with_any_month(
            month.map(Lang::month_marker).into_iter().collect(),
        ));
        known.insert(English::DATE.to_string());
        (
            with_quantity(known, &e.summary, index.figure_markers(&e.summary)),
            title,
        )
    });
    for (i, (known, doc)) in actor_vocab.into_iter().enumerate() {
        index.lookup_vocab.insert(Target::Actor(i), known);
        index.name_docs.push((Target::Actor(i), doc));
    }
    for (i, (known, doc)) in topic_vocab.into_iter().enumerate() {
        index.lookup_vocab.insert(Target::Topic(i), known);
        index.name_docs.push((Target::Topic(i), doc));
    }
    for (known, title) in event_vocab {
        index.event_titles.push(title);
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
}

/// A name's stems, its target, and whether the lexicon left it as written.
fn entity(index: &Index, name: &str, target: Target) -> (Vec<String>, Target, bool) {
    let p = index.prepare(name, false);
    let literal = p.rewritten == p.words.join(" ");
    (p.stems, target, literal)
}

/// Entity names and aliases, for finding the names a question mentions.
pub(super) fn add_entities(index: &mut Index, actors: &[Actor], topics: &[Topic]) {
    // Entity names and aliases.
    let mut entities = Vec::new();
    for (i, a) in actors.iter().enumerate() {
        for name in std::iter::once(&a.name)
            .chain(&a.aliases)
            .chain(&a.descriptions)
        {
            entities.push(entity(index, name, Target::Actor(i)));
        }
    }
    for (i, t) in topics.iter().enumerate() {
        for name in std::iter::once(&t.name)
            .chain(&t.aliases)
            .chain(&t.descriptions)
        {
            entities.push(entity(index, name, Target::Topic(i)));
        }
    }
    entities.retain(|(stems, _, _)| !stems.is_empty());
    // Where two names come out the same, the one that is a name as
    // written wins over one the lexicon rewrote: "White House" (the NSC's
    // alias) is "us" after the lexicon, but "US" names the United States.
    entities.sort_by(|a, b| {
        b.0.len()
            .cmp(&a.0.len())
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| b.2.cmp(&a.2))
    });
    entities.dedup_by(|a, b| a.0 == b.0);
    let entities: Vec<(Vec<String>, Target)> = entities
        .into_iter()
        .map(|(stems, t, _)| (stems, t))
        .collect();
    for (k, (name, target)) in entities.iter().enumerate() {
        index
            .entities_by_first
            .entry(name[0].clone())
            .or_default()
            .push(k as u32);
        index
            .entity_forms
            .entry(target.clone())
            .or_default()
            .push(k as u32);
    }
    index.entities = entities;
}
