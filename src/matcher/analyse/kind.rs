//! The kind of a question (who, when, where, why, how, how many, yes/no,
//! what), from its question words.

use super::{English, Lang, QuestionKind};

/// The kind of the question: its first question word decides; a question
/// that opens with an auxiliary ("did", "is") is a yes/no question.
pub(super) fn kind_of(lang: Lang, words: &[String]) -> QuestionKind {
    let kind = if lang == Lang::Sq {
        kind_of_albanian(words)
    } else {
        kind_of_english(words)
    };
    if kind == QuestionKind::What && asks_date_of(words) {
        return QuestionKind::When;
    }
    kind
}

/// "Exact founding date of the MEK?", "what was the date of the break",
/// "data e sulmit": a date asked for by its noun, which only question
/// words, "the" and a qualifier come before. Not "what happened on the
/// day of the attack", which asks what.
fn asks_date_of(words: &[String]) -> bool {
    const DATES: &[&str] = &[
        "date", "year", "day", "data", "daten", "viti", "vitin", "dita",
    ];
    const OF: &[&str] = &["of", "e", "i", "te"];
    const BEFORE: &[&str] = &[
        "what", "whats", "which", "is", "was", "the", "exact", "precise", "actual", "founding",
        "cila", "cili", "cfare", "eshte", "ishte", "e", "sakte",
    ];
    words.iter().enumerate().any(|(t, w)| {
        DATES.contains(&w.as_str())
            && words.get(t + 1).is_some_and(|n| OF.contains(&n.as_str()))
            && words[..t].iter().all(|b| BEFORE.contains(&b.as_str()))
    })
}

fn kind_of_english(words: &[String]) -> QuestionKind {
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    if English::AUXILIARIES.contains(&w(0)) {
        return QuestionKind::YesNo;
    }
    for i in 0..words.len() {
        let next = w(i + 1);
        let kind = match w(i) {
            "who" | "whom" | "whose" | "whos" => QuestionKind::Who,
            "when" => QuestionKind::When,
            "where" | "wheres" => QuestionKind::Where,
            "why" => QuestionKind::Why,
            "how" if matches!(next, "many" | "much" | "long" | "big" | "large") => {
                QuestionKind::HowMany
            }
            "how" if next == "come" => QuestionKind::Why,
            "how" => QuestionKind::How,
            "what" | "which" | "whats" if English::TIME_NOUNS.contains(&next) => QuestionKind::When,
            "since" if next == "when" => QuestionKind::When,
            "what" | "which" | "whats" => QuestionKind::What,
            _ => continue,
        };
        return kind;
    }
    QuestionKind::What
}

/// The kind of an Albanian question: "kush" who, "kur" when, "ku" where,
/// "pse"/"përse" why, "si" how, "sa" how many (but "sa kohë" how long is
/// a figure too), "çfarë"/"cili" what (a time with "çfarë date", "cilin
/// vit"), and the particle "a" or a verb in front a yes/no question.
fn kind_of_albanian(words: &[String]) -> QuestionKind {
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    if Lang::Sq.auxiliaries().contains(&w(0)) {
        return QuestionKind::YesNo;
    }
    for i in 0..words.len() {
        let next = w(i + 1);
        let kind = match w(i) {
            "kush" | "ke" | "kujt" => QuestionKind::Who,
            "kur" => QuestionKind::When,
            "ku" => QuestionKind::Where,
            "pse" | "perse" => QuestionKind::Why,
            "si" if next == "u" || next == "e" || next == "ia" || next == "i" || next.len() > 2 => {
                QuestionKind::How
            }
            "sa" if matches!(next, "i" | "e" | "te" | "me") => QuestionKind::How,
            "sa" => QuestionKind::HowMany,
            "cfare" | "cka" | "cili" | "cila" | "cilin" | "cilen" | "cilet" | "cilat"
                if Lang::Sq.time_nouns().contains(&next) =>
            {
                QuestionKind::When
            }
            "cfare" | "cka" | "cili" | "cila" | "cilin" | "cilen" | "cilet" | "cilat" | "ciles" => {
                QuestionKind::What
            }
            _ => continue,
        };
        return kind;
    }
    QuestionKind::What
}
