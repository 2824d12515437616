//! The discourse around a question: greetings, politeness and fillers in
//! front ("hi, quick q:", "sorry if dumb but"), and politeness after it.

use super::Lang;

/// The length of the leading run of discourse phrases, longest phrase
/// first at each step, and of apologies for the question closed by "but".
pub(super) fn lead_len(lang: Lang, words: &[String]) -> usize {
    let mut at = 0;
    'outer: while at < words.len() {
        for phrase in lang.discourse() {
            let n = phrase.len();
            if words.len() >= at + n && words[at..at + n].iter().zip(*phrase).all(|(w, p)| w == p) {
                at += n;
                continue 'outer;
            }
        }
        if let Some(n) = apology_len(lang, &words[at..]) {
            at += n;
            continue;
        }
        break;
    }
    at
}

/// The length of an apology for the question that opens `words` and ends
/// in "but" ("if dumb but", "prob a silly q but"), "but" included, if
/// there is one: a few words, all of an apology's, one of them making it
/// one, and a question after it.
fn apology_len(lang: Lang, words: &[String]) -> Option<usize> {
    const LONGEST: usize = 8;
    let (allowed, markers, end) = lang.apology();
    let close = words.iter().take(LONGEST + 1).position(|w| w == end)?;
    let clause = &words[..close];
    let is_apology = close > 0
        && close + 1 < words.len()
        && clause.iter().all(|w| allowed.contains(&w.as_str()))
        && clause.iter().any(|w| markers.contains(&w.as_str()));
    is_apology.then_some(close + 1)
}

/// The length of the trailing run of politeness words.
pub(super) fn tail_len(lang: Lang, words: &[String]) -> usize {
    let mut end = words.len();
    loop {
        let before = &words[..end];
        let phrase = lang
            .trailing_phrases()
            .iter()
            .find(|p| {
                p.len() < before.len() && before[before.len() - p.len()..].iter().eq(p.iter())
            })
            .map(|p| p.len());
        match phrase {
            Some(len) => end -= len,
            None if end > 0 && lang.trailing().contains(&words[end - 1].as_str()) => end -= 1,
            None => return words.len() - end,
        }
    }
}
