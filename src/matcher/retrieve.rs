//! Retrieval by coverage: the events, actors and topics whose text holds
//! (nearly) every meaningful word of the question. Events are found by
//! their title, tags and what their summary names (`score::event_candidates`);
//! this module also finds any event, actor or topic by its whole text, as a
//! weaker candidate, for the detail that only a summary gives ("under which
//! executive order were MOIS and Khatib designated").

use rustc_hash::FxHashMap as HashMap;

use super::analyse::{Analysis, QuestionKind};
use super::index::Index;
use super::lang::English;
use super::normalise::Prepared;
use super::score::agreement;
use super::weights::*;
use super::{Candidate, Target};
use crate::kb::{Event, Kb};

/// The question's meaningful stems (content words that are not frame words
/// nor small numbers), each once with its weight, heaviest first; and the
/// sum of their weights.
pub(super) fn weighted_stems<'q>(index: &Index, q: &'q Prepared) -> (Vec<(&'q str, f32)>, f32) {
    // Small numbers ("2", "10") say little about an event; years do.
    let small_number = |s: &str| s.len() < 4 && s.chars().all(|c| c.is_ascii_digit());
    let mut weighted: Vec<(&str, f32)> = Vec::new();
    let mut total = 0.0;
    for (_, stem) in q.content() {
        if index.frame.contains(stem) || small_number(stem) {
            continue;
        }
        let w = index.idf_of(stem);
        total += w;
        match weighted.iter_mut().find(|(s, _)| *s == stem) {
            Some((_, sum)) => *sum += w,
            None => weighted.push((stem, w)),
        }
    }
    weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    (weighted, total)
}

/// The documents that know at least `min_share` of the question's weight,
/// with that share and how many of its stems they know, in document order.
///
/// Prefix filtering: a document that knows none of the heaviest stems
/// whose weights add up to more than the share it may miss cannot reach
/// `min_share`, so only the postings of those stems (the rarest, hence the
/// shortest lists) are read. Large knowledge repeats words such as
/// "attack" in thousands of documents.
pub(super) fn covering<'p>(
    weighted: &[(&str, f32)],
    total: f32,
    min_share: f32,
    postings: impl Fn(&str) -> &'p [u32],
    knows: impl Fn(u32, &str) -> bool,
) -> Vec<(u32, f32, usize)> {
    if total <= 0.0 {
        return Vec::new();
    }
    let may_miss = total * (1.0 - min_share);
    let mut prefix = 0;
    let mut heavy = 0.0;
    while prefix < weighted.len() && heavy <= may_miss {
        heavy += weighted[prefix].1;
        prefix += 1;
    }
    let mut docs: Vec<u32> = weighted[..prefix]
        .iter()
        .flat_map(|(stem, _)| postings(stem))
        .copied()
        .collect();
    docs.sort_unstable();
    docs.dedup();
    docs.into_iter()
        .filter_map(|d| {
            let (known, hits) = weighted
                .iter()
                .filter(|(stem, _)| knows(d, stem))
                .fold((0.0, 0), |(k, h), (_, w)| (k + w, h + 1));
            let share = known / total;
            (share >= min_share).then_some((d, share, hits))
        })
        .collect()
}

/// The whole text of every event, actor and topic, as sorted stem ids.
#[derive(Debug, Default)]
pub(super) struct FullText {
    ids: HashMap<String, u32>,
    docs: Vec<Vec<u32>>,
    postings: Vec<Vec<u32>>,
    targets: Vec<Target>,
    /// Each target's document.
    doc_of: HashMap<Target, u32>,
    /// By stem id: the stem's IDF over the examples (`Index::idf_of`).
    idf: Vec<f32>,
    /// The document of the first event (events come last, in order).
    first_event: u32,
}

impl FullText {
    pub(super) fn build(
        index: &Index,
        events: &[Event],
        answers: Vec<Vec<String>>,
        names: Vec<(Target, Vec<String>)>,
    ) -> FullText {
        let stems = crate::par::map(events, |e| {
            let parts = std::iter::once(&e.title).chain(&e.tags).chain([&e.summary]);
            let mut stems: Vec<String> = parts
                .flat_map(|s| index.prepare(s, false).spoken_stems(index.lang))
                .collect();
            stems.extend(index.figure_markers(&e.summary));
            stems.sort_unstable();
            stems.dedup();
            stems
        });
        // An answer's text holds details its examples never ask about
        // ("how many did Berisha first offer to take"), already stemmed;
        // so are actors' and topics'.
        let answers = answers
            .into_iter()
            .enumerate()
            .map(|(i, stems)| (Target::Intent(i), stems));
        let events_len = events.len();
        let events = (0..events.len()).map(Target::Event).zip(stems);
        let texts = names.into_iter().chain(events);
        let mut full = FullText::default();
        for (target, stems) in answers.chain(texts) {
            let d = full.docs.len() as u32;
            let mut doc: Vec<u32> = stems
                .into_iter()
                .map(|s| {
                    let next = full.ids.len() as u32;
                    *full.ids.entry(s).or_insert(next)
                })
                .collect();
            doc.sort_unstable();
            for &id in &doc {
                if full.postings.len() <= id as usize {
                    full.postings.resize(id as usize + 1, Vec::new());
                }
                full.postings[id as usize].push(d);
            }
            full.docs.push(doc);
            full.doc_of.insert(target.clone(), d);
            full.targets.push(target);
        }
        full.first_event = (full.docs.len() - events_len) as u32;
        full.idf = vec![0.0; full.ids.len()];
        for (stem, &id) in &full.ids {
            full.idf[id as usize] = index.idf_of(stem);
        }
        full
    }

    /// How much two targets' texts say the same: the IDF weight of the
    /// stems they share over that of the shorter text's (0 to 1; 0 when
    /// one has no text, as a date or an acronym's expansion).
    pub(super) fn overlap(&self, a: &Target, b: &Target) -> f32 {
        let (Some(&da), Some(&db)) = (self.doc_of.get(a), self.doc_of.get(b)) else {
            return 0.0;
        };
        let (da, db) = (&self.docs[da as usize], &self.docs[db as usize]);
        let weight = |doc: &[u32]| doc.iter().map(|&id| self.idf[id as usize]).sum::<f32>();
        let shared: f32 = da
            .iter()
            .filter(|id| db.binary_search(id).is_ok())
            .map(|&id| self.idf[id as usize])
            .sum();
        let shorter = weight(da).min(weight(db));
        if shorter > 0.0 { shared / shorter } else { 0.0 }
    }

    /// Whether event `e`'s whole text (title, tags, summary) knows a stem.
    pub(super) fn event_knows(&self, e: usize, stem: &str) -> bool {
        self.knows(self.first_event + e as u32, stem)
    }

    pub(super) fn knows(&self, doc: u32, stem: &str) -> bool {
        self.ids
            .get(stem)
            .is_some_and(|id| self.docs[doc as usize].binary_search(id).is_ok())
    }

    fn postings(&self, stem: &str) -> &[u32] {
        self.ids
            .get(stem)
            .map_or(&[], |&id| self.postings[id as usize].as_slice())
    }
}

/// The one event, actor or topic whose whole text knows nearly every
/// meaningful word of a question of `SUMMARY_MIN_WORDS` or more: a weak
/// candidate, below the intents and names that fit. When several texts
/// know the question it is about the story's common matter, which intents
/// answer better than any one summary: none is a candidate.
pub(super) fn summary_candidates(kb: &Kb, q: &Prepared, a: &Analysis) -> Vec<Candidate> {
    let index = &kb.index;
    let full = &index.full_text;
    let (weighted, total) = weighted_stems(index, q);
    // Dates are the events' to give, by their own date; a summary that
    // merely mentions one says little of when its matter happened.
    if weighted.len() < SUMMARY_MIN_WORDS || a.kind == QuestionKind::When {
        return Vec::new();
    }
    let found = covering(
        &weighted,
        total,
        SUMMARY_MIN_SHARE,
        |s| full.postings(s),
        |d, s| full.knows(d, s),
    );
    let found: Vec<(u32, f32, usize)> = found
        .into_iter()
        .filter(|&(d, _, hits)| {
            // An answer is long and its words meet many questions: it must
            // know one word more.
            let answer = matches!(full.targets[d as usize], Target::Intent(_));
            hits >= SUMMARY_MIN_WORDS + usize::from(answer)
        })
        .collect();
    // The one text that knows the most of the question. On a tie, an
    // answer written for questions over the summaries that say the same
    // (Berisha's first offer is in an answer and in an event); none if
    // that does not settle it.
    let best = found.iter().map(|&(_, share, _)| share).fold(0.0, f32::max);
    let top: Vec<(u32, f32)> = found
        .iter()
        .filter(|&&(_, share, _)| share >= best)
        .map(|&(d, share, _)| (d, share))
        .collect();
    let answers: Vec<(u32, f32)> = top
        .iter()
        .copied()
        .filter(|&(d, _)| matches!(full.targets[d as usize], Target::Intent(_)))
        .collect();
    let (d, share) = match (&top[..], &answers[..]) {
        ([one], _) | ([_, _], [one]) => *one,
        _ => return Vec::new(),
    };
    let knows = |w: &str| full.knows(d, &index.stem(w));
    let score = SUMMARY_FULL * share * share * agreement(a, &[QuestionKind::What], knows);
    vec![Candidate::builtin(full.targets[d as usize].clone(), score)]
}

/// For "when did X …" that nothing answers: the events of the name the
/// question asks about (by its actors, or by naming it), ranked by how
/// much of the rest of the question their text knows. The best one if it
/// leads, else the tied ones as choices; none when no event of the name
/// knows at least half of the rest. Telling the reader "my sources give no
/// date" is wrong when they date what the name did.
pub(super) fn dated_events(
    kb: &Kb,
    q: &Prepared,
    focus: &Target,
    span: std::ops::Range<usize>,
) -> Vec<Target> {
    let index = &kb.index;
    let full = &index.full_text;
    // The name and its own description ("when did Rama become prime
    // minister" asks nothing an event of his knows).
    let mut named: Vec<String> = q.stems[span.clone()].to_vec();
    if let Target::Actor(i) = focus {
        let a = &kb.actors[*i];
        for text in a.role.iter().chain(&a.aliases) {
            named.extend(index.prepare(text, false).stems);
        }
    }
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    let actor = match focus {
        Target::Actor(i) => Some(kb.actors[*i].id.as_str()),
        _ => None,
    };
    // The rest: what the question says besides the name ("what year" is
    // read as "when", a question word, not part of it).
    let (weighted, _) = weighted_stems(index, q);
    let rest: Vec<(&str, f32)> = weighted
        .into_iter()
        .filter(|(s, _)| !named.contains(s) && !index.lang.is_question_word(s))
        .collect();
    let rest_total: f32 = rest.iter().map(|(_, w)| w).sum();
    let mut ranked: Vec<(usize, f32)> = Vec::new();
    for (d, target) in full.targets.iter().enumerate() {
        let Target::Event(e) = *target else { continue };
        let d = d as u32;
        let linked = actor.is_some_and(|id| kb.events[e].actors.iter().any(|a| a == id))
            || q.stems[span.clone()].iter().all(|s| full.knows(d, s));
        if !linked {
            continue;
        }
        let share = if rest_total > 0.0 {
            rest.iter()
                .filter(|(s, _)| full.knows(d, s))
                .map(|(_, w)| w)
                .sum::<f32>()
                / rest_total
        } else {
            1.0
        };
        if share >= DATED_EVENT_MIN_SHARE {
            ranked.push((e, share));
        }
    }
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let best = ranked.first().map_or(0.0, |&(_, s)| s);
    ranked
        .into_iter()
        .take_while(|&(_, s)| s >= best)
        .take(MAX_CHOICES)
        .map(|(e, _)| Target::Event(e))
        .collect()
}

/// A figure asked alone ("3,000?", "24 hours?", "17%"): the texts that
/// state it. Only for a question made of numbers and at most
/// `FIGURE_MAX_WORDS` other words, all of which the text must know too.
/// The one answer that states it is a candidate at the answering line;
/// where several texts do, each is a choice; small numbers alone ("2")
/// state too little to look up.
pub(super) fn figure_candidates(kb: &Kb, q: &Prepared) -> Vec<Candidate> {
    let full = &kb.index.full_text;
    let content: Vec<&str> = q.content().map(|(_, s)| s).collect();
    // Years are dates, which the events give.
    let number = |s: &str| s.chars().all(|c| c.is_ascii_digit()) && !English::is_year(s);
    let digits: usize = content.iter().filter(|s| number(s)).map(|s| s.len()).sum();
    let words = content.iter().filter(|s| !number(s)).count();
    if digits < FIGURE_MIN_DIGITS || words > FIGURE_MAX_WORDS {
        return Vec::new();
    }
    // The texts that know the rarest of its words, in document order.
    let rarest = content
        .iter()
        .map(|s| full.postings(s))
        .min_by_key(|p| p.len())
        .unwrap_or_default();
    let stating: Vec<&Target> = rarest
        .iter()
        .filter(|&&d| content.iter().all(|s| full.knows(d, s)))
        .map(|&d| &full.targets[d as usize])
        .collect();
    let answers: Vec<&Target> = stating
        .iter()
        .copied()
        .filter(|t| matches!(t, Target::Intent(_)))
        .collect();
    let chosen = if answers.is_empty() { stating } else { answers };
    match &chosen[..] {
        [] => Vec::new(),
        [one] => vec![Candidate::builtin((*one).clone(), ANSWER_THRESHOLD)],
        several => several
            .iter()
            .take(MAX_CHOICES)
            .map(|t| Candidate::builtin((*t).clone(), CHOICE_THRESHOLD))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_finds_exactly_the_documents_that_reach_the_share() {
        // Documents 0..4 as sets of stems; "attack" is everywhere.
        let docs: Vec<Vec<&str>> = vec![
            vec!["attack", "albania"],
            vec!["attack", "albania", "khatib", "order"],
            vec!["attack", "order"],
            vec!["attack"],
            vec!["khatib", "order", "albania"],
        ];
        let mut postings: HashMap<&str, Vec<u32>> = HashMap::default();
        for (d, doc) in docs.iter().enumerate() {
            for s in doc {
                postings.entry(s).or_default().push(d as u32);
            }
        }
        let weighted = [
            ("khatib", 3.0),
            ("order", 2.0),
            ("albania", 1.0),
            ("attack", 0.5),
        ];
        let total: f32 = weighted.iter().map(|(_, w)| w).sum();
        let find = |min_share: f32| {
            covering(
                &weighted,
                total,
                min_share,
                |s| postings.get(s).map_or(&[], Vec::as_slice),
                |d, s| docs[d as usize].contains(&s),
            )
        };
        // Brute force: every document's share, against what prefix
        // filtering finds, at several thresholds.
        for min_share in [0.1, 0.5, 0.75, 0.9, 1.0] {
            let expected: Vec<u32> = (0..docs.len() as u32)
                .filter(|&d| {
                    let known: f32 = weighted
                        .iter()
                        .filter(|(s, _)| docs[d as usize].contains(s))
                        .map(|(_, w)| w)
                        .sum();
                    known / total >= min_share
                })
                .collect();
            let found: Vec<u32> = find(min_share).iter().map(|&(d, _, _)| d).collect();
            assert_eq!(found, expected, "min share {min_share}");
        }
        let all = find(1.0);
        assert_eq!(all, [(1, 1.0, 4)]);
    }
}
