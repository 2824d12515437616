//! Scores question sets in the format of `shared/eval/` exactly as
//! `score.py` does: in scope, the reply must contain one alternative of every
//! inner `expect` list (case and diacritics ignored) and stay under 1,500
//! characters; out of scope, the bot must decline; small talk must answer.

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::answer::{ChatState, answer};
use crate::kb::Kb;

/// Replies longer than this fail, as in `score.py`.
pub const MAX_REPLY_CHARS: usize = 1500;

/// One line of a question set.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub q: String,
    #[serde(default)]
    pub expect: Vec<Vec<String>>,
    #[serde(default)]
    pub oos: bool,
    #[serde(default)]
    pub small_talk: bool,
}

#[derive(Debug, Default)]
pub struct Report {
    pub in_scope: (usize, usize),
    pub out_of_scope: (usize, usize),
    pub small_talk: (usize, usize),
    /// Failed items with the reply they got.
    pub failures: Vec<(Item, String, Option<String>)>,
}

impl Report {
    pub fn summary(&self) -> String {
        let pct = |(ok, n): (usize, usize)| 100.0 * ok as f64 / n.max(1) as f64;
        let total = self.in_scope.1 + self.out_of_scope.1 + self.small_talk.1;
        let ok = self.in_scope.0 + self.out_of_scope.0 + self.small_talk.0;
        format!(
            "in-scope {}/{} ({:.1}%), out-of-scope declined {}/{} ({:.1}%), small talk {}/{}\noverall {:.1}%",
            self.in_scope.0,
            self.in_scope.1,
            pct(self.in_scope),
            self.out_of_scope.0,
            self.out_of_scope.1,
            pct(self.out_of_scope),
            self.small_talk.0,
            self.small_talk.1,
            pct((ok, total)),
        )
    }
}

/// Parses a JSONL question set; errors name the line.
pub fn parse(text: &str) -> Result<Vec<Item>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// Answers every item and scores it.
pub fn run(kb: &Kb, items: &[Item]) -> Report {
    let mut report = Report::default();
    // As `ask --jsonl` reads a set: a question that could be either
    // language takes the language of the reply before it.
    let mut last = ChatState::default();
    for item in items {
        let outcome = answer(kb, &last, &item.q.replace('\n', " "));
        last = outcome.carried();
        let reply = outcome.reply.to_plain();
        let ok = if item.oos {
            report.out_of_scope.1 += 1;
            !outcome.matched
        } else if item.small_talk {
            report.small_talk.1 += 1;
            outcome.matched
        } else {
            report.in_scope.1 += 1;
            let folded = fold(&reply);
            outcome.matched
                && reply.chars().count() <= MAX_REPLY_CHARS
                && item
                    .expect
                    .iter()
                    .all(|alts| alts.iter().any(|a| folded.contains(&fold(a))))
        };
        let slot = if item.oos {
            &mut report.out_of_scope.0
        } else if item.small_talk {
            &mut report.small_talk.0
        } else {
            &mut report.in_scope.0
        };
        if ok {
            *slot += 1;
        } else {
            report.failures.push((item.clone(), reply, outcome.intent));
        }
    }
    report
}

/// Case and diacritics folded, as `score.py` does.
pub fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase()
}
