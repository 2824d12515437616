//! The curator's loop: questions the bot declined, grouped by similarity
//! (the same content words, once folded and stemmed, or most of them), most
//! frequent first — what to add to the knowledge next. Pure.

use std::collections::BTreeSet;

use rust_stemmers::{Algorithm, Stemmer};

use crate::text;

/// Two questions are in one group when their content words overlap this
/// much (Jaccard index).
const SIMILAR: f32 = 0.5;

/// Questions asked in nearly the same words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// How many times, all variants together.
    pub count: usize,
    /// The most frequent wording.
    pub example: String,
    /// Other wordings, most frequent first.
    pub variants: Vec<String>,
    /// When it was last asked (unix seconds).
    pub last: i64,
}

/// Groups `(text, asked at)` pairs. Ties are broken by recency, then text,
/// so the order is stable.
pub fn group(questions: &[(String, i64)]) -> Vec<Group> {
    let stemmer = Stemmer::create(Algorithm::English);
    // Identical wordings (after folding) first: (folded, text, count, last).
    let mut wordings: Vec<(String, String, usize, i64)> = Vec::new();
    for (text, at) in questions {
        let folded = text::fold(text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if folded.is_empty() {
            continue;
        }
        match wordings.iter_mut().find(|w| w.0 == folded) {
            Some(w) => {
                w.2 += 1;
                w.3 = w.3.max(*at);
            }
            None => wordings.push((folded, text.trim().to_string(), 1, *at)),
        }
    }
    wordings.sort_by(|a, b| b.2.cmp(&a.2).then(b.3.cmp(&a.3)).then(a.0.cmp(&b.0)));

    struct Cluster {
        words: BTreeSet<String>,
        group: Group,
    }
    let mut clusters: Vec<Cluster> = Vec::new();
    for (folded, original, count, last) in wordings {
        let words = content_words(&stemmer, &folded);
        let home = clusters
            .iter_mut()
            .find(|c| jaccard(&c.words, &words) >= SIMILAR);
        match home {
            Some(c) => {
                c.group.count += count;
                c.group.last = c.group.last.max(last);
                c.group.variants.push(original);
            }
            None => clusters.push(Cluster {
                words,
                group: Group {
                    count,
                    example: original,
                    variants: Vec::new(),
                    last,
                },
            }),
        }
    }
    let mut groups: Vec<Group> = clusters.into_iter().map(|c| c.group).collect();
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.last.cmp(&a.last))
            .then(a.example.cmp(&b.example))
    });
    groups
}

fn content_words(stemmer: &Stemmer, folded: &str) -> BTreeSet<String> {
    let words: BTreeSet<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !text::is_stopword(w) && !text::is_question_word(w))
        .map(|w| stemmer.stem(w).into_owned())
        .collect();
    if words.is_empty() {
        // Only stopwords ("what is it?"): compare the words themselves.
        return folded.split_whitespace().map(str::to_string).collect();
    }
    words
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f32 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f32 / union as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(texts: &[&str]) -> Vec<(String, i64)> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| (t.to_string(), i as i64))
            .collect()
    }

    #[test]
    fn similar_wordings_are_counted_together_most_frequent_first() {
        let groups = group(&asked(&[
            "What is the population of Albania?",
            "who won the 2022 world cup",
            "population of albania",
            "what's the population of Albania",
            "What is the population of Albania?",
            "  ",
        ]));
        assert_eq!(groups.len(), 2, "{groups:?}");
        assert_eq!(groups[0].count, 4);
        assert_eq!(groups[0].example, "What is the population of Albania?");
        assert_eq!(groups[0].variants.len(), 2);
        assert_eq!(groups[0].last, 4);
        assert_eq!(groups[1].example, "who won the 2022 world cup");
        assert_eq!(groups[1].count, 1);
    }

    #[test]
    fn different_questions_stay_apart() {
        let groups = group(&asked(&[
            "albania gdp",
            "albania football team",
            "iran oil exports",
        ]));
        assert_eq!(groups.len(), 3);
        assert!(group(&[]).is_empty());
    }
}
