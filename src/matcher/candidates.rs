//! Stage 3, candidates: what the question could be about — the patterns
//! that fire, the examples that share its stems, the entities it names —
//! so that only those intents are scored.

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;

use super::Target;
use super::index::Index;
use super::normalise::Prepared;
use super::weights;

impl Index {
    /// Patterns that match the corrected words or the rewritten text, by
    /// intent. A pattern runs on a text that holds its literals (or on
    /// both, when it has no literal to prune by).
    pub(super) fn fired_patterns(&self, q: &Prepared) -> HashMap<usize, Vec<usize>> {
        let mut out: HashMap<usize, Vec<usize>> = HashMap::default();
        if self.patterns.is_empty() {
            return out;
        }
        let words = q.words.join(" ");
        let two = q.rewritten != words;
        // A pattern runs on a text only when its literals occur in that
        // text (or it has none to prune by).
        let texts: &[&str] = if two {
            &[&words, &q.rewritten]
        } else {
            &[&words]
        };
        let mut fired: Vec<u32> = Vec::new();
        for text in texts {
            let mut run: Vec<u32> = self.unfiltered.clone();
            if let Some(ac) = &self.prefilter {
                for m in ac.find_overlapping_iter(*text) {
                    run.extend(&self.literal_patterns[m.pattern().as_usize()]);
                }
            }
            run.sort_unstable();
            run.dedup();
            for h in run {
                if !fired.contains(&h) && self.patterns[h as usize].is_match(text) {
                    fired.push(h);
                }
            }
        }
        fired.sort_unstable();
        for h in fired {
            let (intent, pattern) = self.pattern_owner[h as usize];
            out.entry(intent).or_default().push(pattern);
        }
        out
    }

    /// The question's distinct compared stems with their weights (sorted by
    /// stem), and its norm.
    pub(super) fn query_weights<'q>(&self, q: &'q Prepared) -> (Vec<(&'q str, f32)>, f32) {
        let mut stems: Vec<&str> = q.compared().collect();
        stems.sort_unstable();
        stems.dedup();
        let weights: Vec<(&str, f32)> = stems.into_iter().map(|s| (s, self.idf_of(s))).collect();
        let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        (weights, norm)
    }

    /// The best cosine similarity between the question and one gated
    /// intent's examples (0 when none shares a stem). `ids` are the
    /// question's weighted stems that some intent knows, sorted by id.
    pub(super) fn intent_similarity(&self, intent: usize, ids: &[(u32, f32)], q_norm: f32) -> f32 {
        if q_norm == 0.0 {
            return 0.0;
        }
        let mut best = 0.0f32;
        for e in self.intent_examples[intent].clone() {
            // Both sorted by id: one merge.
            let terms = &self.example_terms[e as usize];
            let (mut i, mut j, mut dot) = (0, 0, 0.0);
            while i < ids.len() && j < terms.len() {
                match ids[i].0.cmp(&terms[j].0) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        dot += ids[i].1 * terms[j].1;
                        i += 1;
                        j += 1;
                    }
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
    pub(super) fn example_similarity(
        &self,
        (weights, q_norm): &(Vec<(&str, f32)>, f32),
    ) -> Vec<(usize, f32)> {
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
    pub(super) fn find_entities(&self, stems: &[String]) -> Vec<(std::ops::Range<usize>, Target)> {
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

    /// The intents that know a stem, ascending.
    fn intents_knowing(&self, stem: &str) -> &[u32] {
        self.stem_id(stem)
            .and_then(|id| self.stem_intents.get(id as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a stem tells a name apart: not too many intents know it.
    /// Words that many intents know ("government", "us") name nothing by
    /// themselves.
    fn is_distinctive(&self, stem: &str) -> bool {
        self.intents_knowing(stem).len() as f32
            <= self.intent_vocab.len() as f32 * weights::GENERIC_STEM_SHARE
    }

    /// The target's names as stems, `as_named` (the name as the question
    /// spells it) first.
    fn names_of<'a>(
        &'a self,
        target: &Target,
        as_named: &'a [String],
    ) -> impl Iterator<Item = &'a [String]> {
        let forms = self.entity_forms.get(target).map_or(&[][..], Vec::as_slice);
        std::iter::once(as_named).chain(
            forms
                .iter()
                .map(|&k| self.entities[k as usize].0.as_slice()),
        )
    }

    /// Whether intent `i` speaks of `target`: it knows every distinctive
    /// stem of one of the target's names (or of `as_named`). A name made
    /// of common words only is the story's setting, which every intent
    /// speaks of.
    pub(super) fn intent_mentions(&self, i: usize, target: &Target, as_named: &[String]) -> bool {
        self.names_of(target, as_named).any(|name| {
            name.iter()
                .filter(|s| self.is_distinctive(s))
                .all(|s| self.intent_knows(i, self.stem_id(s)))
        })
    }

    /// Whether few intents speak of `target` (at most `SETTING_SHARE` of
    /// them): Russia and Saudi Arabia are side names; Albania, Iran and
    /// the US are the setting of most answers.
    pub(super) fn is_side_name(&self, target: &Target, as_named: &[String]) -> bool {
        let cores: Vec<Vec<&String>> = self
            .names_of(target, as_named)
            .map(|name| name.iter().filter(|s| self.is_distinctive(s)).collect())
            .collect();
        if cores.iter().any(Vec::is_empty) {
            return false;
        }
        let mut speaking: Vec<u32> = cores
            .iter()
            .flat_map(|core| {
                let rarest = core
                    .iter()
                    .map(|s| self.intents_knowing(s))
                    .min_by_key(|p| p.len())
                    .unwrap_or_default();
                rarest.iter().copied().filter(move |&i| {
                    core.iter()
                        .all(|s| self.intent_knows(i as usize, self.stem_id(s)))
                })
            })
            .collect();
        speaking.sort_unstable();
        speaking.dedup();
        speaking.len() as f32 <= self.intent_vocab.len() as f32 * weights::SETTING_SHARE
    }
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
