//! Stage 1, normalise: the question folded, split into words, typos
//! corrected, stemmed, and the lexicon's variants rewritten to their
//! canonical terms.

use super::index::Index;
use super::lang::{English, Lang};

use crate::text;

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
    /// The stems a text speaks of: all but those of an idiom's words
    /// ("paying the price" is about neither a payment nor a price).
    pub(super) fn spoken_stems(self, lang: Lang) -> impl Iterator<Item = String> {
        let idiom: Vec<String> = super::analyse::idiom_words(&self.words)
            .into_iter()
            .map(|w| lang.stem(w))
            .collect();
        self.stems.into_iter().filter(move |s| !idiom.contains(s))
    }

    /// Stems that carry meaning: no stopwords, no question words.
    pub(super) fn content(&self) -> impl Iterator<Item = (usize, &str)> {
        self.stems
            .iter()
            .zip(&self.kinds)
            .enumerate()
            .filter(|(_, (_, k))| **k == WordKind::Content)
            .map(|(i, (s, _))| (i, s.as_str()))
    }

    /// Stems that examples and questions are compared on: all but stopwords.
    pub(super) fn compared(&self) -> impl Iterator<Item = &str> {
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

impl Index {
    /// Runs the normalisation pipeline. `correct` turns typo correction on
    /// (off for the knowledge's own text, which defines the vocabulary).
    pub fn prepare(&self, question: &str, correct: bool) -> Prepared {
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
        let word_stems: Vec<String> = words.iter().map(|w| self.lang.stem(w)).collect();
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
                .find(|entry| {
                    word_stems[i..].starts_with(&entry.variant)
                        && words[i..].iter().zip(&entry.forms).all(|(w, form)| {
                            let base = if entry.strict {
                                self.lang.name_base(w)
                            } else {
                                self.lang.inflection_base(w)
                            };
                            base == *form
                        })
                });
            match hit {
                Some(entry) => {
                    rewritten.extend(entry.words.iter().cloned());
                    stems.extend(entry.stems.iter().cloned());
                    kinds.extend(entry.stems.iter().map(|_| WordKind::Content));
                    i += entry.variant.len();
                }
                None => {
                    let w = words[i].as_str();
                    kinds.push(if self.lang.is_stopword(w) {
                        WordKind::Stop
                    } else if self.lang.is_question_word(w) {
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
    pub(super) fn correct(&self, word: &str) -> Option<String> {
        let fixed = self.correct_any(word)?;
        // A long form of one country's name or adjective is no typo of
        // another's ("italiane" is not "iraniane"; "estonin" is
        // "estonia"). Short words meet too many names ("kene", Kenya).
        let another_country = word.chars().count() >= 7
            && self.lang.is_country(word)
            && !super::lang::same_country(self.lang, word, &fixed);
        (!another_country).then_some(fixed)
    }

    fn correct_any(&self, word: &str) -> Option<String> {
        if self.vocab.contains_key(word) || word.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        // A real English word is never "corrected" into a knowledge word
        // (export is not expert, join is not joint).
        if self.lang.is_word(word) {
            return None;
        }
        // Nor a greeting or a politeness the language lists ("mirdita" is
        // no typo of "mirdit").
        if self.lang.is_discourse_word(word) || self.lang.trailing().contains(&word) {
            return None;
        }
        if let Some(plain) = self.unstretched(word) {
            return Some(plain);
        }
        let len = word.chars().count();
        if len < 4 {
            return None;
        }
        if let Some(standard) = self.gheg_participle(word) {
            return Some(standard);
        }
        // Nor, in Albanian, an English word: readers write "hack", "email"
        // and "papa" in Albanian, and with no Albanian dictionary the
        // corrector would make them knowledge words ("halk", "para").
        if self.lang == Lang::Sq && English::is_word(word) {
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

    /// A word typed with a letter held down ("hellooo", "thaaanks",
    /// "goood"): each run of three or more letters cut to two, else to one,
    /// whichever is a word the knowledge, the dictionary or the language's
    /// discourse knows.
    fn unstretched(&self, word: &str) -> Option<String> {
        let chars: Vec<char> = word.chars().collect();
        let runs: Vec<&[char]> = chars.chunk_by(|a, b| a == b).collect();
        if !runs.iter().any(|r| r.len() >= 3 && r[0].is_alphabetic()) {
            return None;
        }
        let cut = |keep: usize| -> String {
            runs.iter()
                .flat_map(|r| {
                    let n = if r.len() >= 3 && r[0].is_alphabetic() {
                        keep
                    } else {
                        r.len()
                    };
                    r[..n].iter()
                })
                .collect()
        };
        [cut(2), cut(1)].into_iter().find(|w| {
            self.vocab.contains_key(w.as_str())
                || self.lang.is_word(w)
                || self.lang.is_discourse_word(w)
                || self.lang.trailing().contains(&w.as_str())
        })
    }

    /// Gheg's short participle ("tregu", "pranue") as the standard one
    /// ("treguar", "pranuar"), when the knowledge uses that.
    fn gheg_participle(&self, word: &str) -> Option<String> {
        if self.lang != Lang::Sq {
            return None;
        }
        let standard = if let Some(base) = word.strip_suffix("ue") {
            format!("{base}uar")
        } else if word.ends_with('u') {
            format!("{word}ar")
        } else {
            return None;
        };
        self.vocab.contains_key(&standard).then_some(standard)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_letters_are_let_go() {
        let index = Index::lexicon_only(Lang::En, &[]);
        let unstretched = |w: &str| index.unstretched(w);
        assert_eq!(unstretched("hellooo").as_deref(), Some("hello"));
        assert_eq!(unstretched("goood").as_deref(), Some("good"));
        assert_eq!(unstretched("thaaanks").as_deref(), Some("thanks"));
        // Two of a letter is spelling, not holding a key.
        assert_eq!(unstretched("hello"), None);
        assert_eq!(unstretched("zzzyx"), None);
    }
}
