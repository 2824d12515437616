//! Stage 2, analyse: what the question is, beside its words — the
//! greetings and fillers around it, the kind of answer it asks for, and the
//! attributes (an age, a population, a price) it asks about.

mod attributes;
mod counts;
mod discourse;
mod kind;
mod stance;
#[cfg(test)]
mod tests;

use super::lang::{Albanian, English, Lang};
use attributes::attributes;
use counts::counted_nouns;
pub(super) use counts::idiom_words;
use discourse::{lead_len, tail_len};
use kind::kind_of;

/// What the later stages know of the question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// How many leading words are greetings, politeness or fillers ("hi",
    /// "hello sorry if this is dumb but", "good evening quick one").
    pub lead: usize,
    /// How many trailing words are politeness ("please", "thanks").
    pub tail: usize,
    /// The kind of answer asked for, from the question words.
    pub kind: QuestionKind,
    /// Attribute words asked about ("old", "born", "population"), folded,
    /// and `English::QUANTITY` for "how many" and "how much".
    pub attributes: Vec<String>,
    /// What a "how many" question counts (`counted_nouns`); once matched,
    /// their count markers (`Index::count_marker`). A candidate whose
    /// figures count none of them does not answer it.
    pub counted: Vec<String>,
    /// The years the question names ("in 1979"): a candidate that never
    /// mentions one speaks of another time.
    pub years: Vec<String>,
    /// The months it names, as `Lang::month_markers` gives them ("in september"):
    /// likewise.
    pub months: Vec<String>,
    /// The question asks what an acronym stands for ("what does MEK stand
    /// for", "full name of JCPOA").
    pub expansion: bool,
    /// The office whose holder the question asks for ("who is Iran's
    /// foreign minister", "name of Estonia's president").
    pub office: Option<Office>,
}

/// An office asked about: its word and the word that narrows it
/// ("foreign" minister, ministri i "jashtem").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    pub word: String,
    pub modifier: Option<String>,
}

impl Analysis {
    /// True when nothing but greetings and politeness is left: small talk.
    pub fn only_discourse(&self, words: usize) -> bool {
        self.lead + self.tail >= words
    }
}

/// The kind of answer a question asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuestionKind {
    Who,
    When,
    Where,
    Why,
    How,
    /// How many, how much, how long: a number or an amount.
    HowMany,
    /// Is, did, was … : answered by the explanation of the matter.
    YesNo,
    /// What is, which, tell me about, or no question word: any answer.
    #[default]
    What,
}

impl QuestionKind {
    /// The kind's name in intent files (`kinds = ["when"]`).
    pub fn name(self) -> &'static str {
        match self {
            QuestionKind::Who => "who",
            QuestionKind::When => "when",
            QuestionKind::Where => "where",
            QuestionKind::Why => "why",
            QuestionKind::How => "how",
            QuestionKind::HowMany => "how many",
            QuestionKind::YesNo => "yes/no",
            QuestionKind::What => "what",
        }
    }

    /// The kind an intent file names.
    pub fn from_name(name: &str) -> Option<QuestionKind> {
        [
            QuestionKind::Who,
            QuestionKind::When,
            QuestionKind::Where,
            QuestionKind::Why,
            QuestionKind::How,
            QuestionKind::HowMany,
            QuestionKind::YesNo,
            QuestionKind::What,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// Whether a question of this kind is one whose answer must be of the
    /// same kind: "what" and yes/no questions take any answer about their
    /// subject.
    pub fn is_specific(self) -> bool {
        !matches!(self, QuestionKind::What | QuestionKind::YesNo)
    }
}

/// A question made of two ("what is the MEK and who leads it", "when was
/// it? who did it?"): the two parts, each of two words or more. The split
/// is at a question mark inside the text, or at "and", "also" or a comma
/// followed by a question word.
pub fn split_question(lang: Lang, question: &str) -> Option<(String, String)> {
    let text = question.trim().trim_end_matches(['?', '!', '.', ' ']);
    let parts = |at: usize, skip: usize| {
        let (a, b) = (text[..at].trim(), text[at + skip..].trim());
        let long = |s: &str| s.split_whitespace().count() >= 2;
        // "hey bot, did …": a greeting in front is not a question.
        let words: Vec<String> = crate::text::fold(a)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let greeting = lead_len(lang, &words) >= words.len();
        (long(a) && long(b) && !greeting).then(|| (a.to_string(), b.to_string()))
    };
    if let Some(at) = text.find('?') {
        // A remark after the question mark ("both dates", "pls"): the
        // question, maybe two in one, is before it.
        let rest = crate::text::fold(&text[at + 1..]);
        let asks = rest
            .split(' ')
            .any(|w| lang.split_words().contains(&w) || lang.is_question_word(w));
        if asks {
            return parts(at, 1);
        }
        return split_question(lang, &text[..at]);
    }
    let lower = text.to_lowercase();
    let joints: &[&str] = match lang {
        Lang::En => &[" and ", ", and ", " also ", ", "],
        Lang::Sq => &[" dhe ", ", dhe ", " edhe ", ", "],
    };
    for joint in joints {
        let mut from = 0;
        while let Some(found) = lower[from..].find(joint) {
            let at = from + found;
            let next = lower[at + joint.len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            // "the exiled group in albania, how many members": a phrase
            // before a comma that asks nothing is the subject of what
            // follows, not a question of its own.
            let asks = || {
                crate::text::fold(&text[..at]).split(' ').any(|w| {
                    lang.split_words().contains(&w)
                        || lang.is_question_word(w)
                        || lang.auxiliaries().contains(&w)
                })
            };
            if lang.split_words().contains(&next) && (*joint != ", " || asks()) {
                return parts(at, joint.len());
            }
            from = at + joint.len();
        }
    }
    None
}

/// Analyses the folded words of a question.
pub fn analyse(lang: Lang, words: &[String]) -> Analysis {
    let lead = lead_len(lang, words);
    let tail = if lead >= words.len() {
        0
    } else {
        tail_len(lang, &words[lead..])
    };
    let body = &words[lead..words.len() - tail];
    let kind = kind_of(lang, body);
    Analysis {
        lead,
        tail,
        kind,
        attributes: attributes(lang, body, kind),
        counted: counted_nouns(lang, body),
        years: body
            .iter()
            .filter(|w| English::is_year(w))
            .cloned()
            .collect(),
        months: Lang::month_markers(&body.join(" ")),
        expansion: lang.expansion().iter().any(|p| {
            body.windows(p.len())
                .any(|w| w.iter().zip(*p).all(|(a, b)| a == b))
        }),
        office: office_asked(lang, body, kind),
    }
}

/// The office whose holder a question asks for: an office word in "who
/// is / was …" (not "who did Estonia's foreign minister blame"), or with
/// "name" ("what is the name of Iran's president", "albania fm name?").
fn office_asked(lang: Lang, body: &[String], kind: QuestionKind) -> Option<Office> {
    let at = body
        .iter()
        .position(|w| lang.offices().contains(&w.as_str()))?;
    let named = ["name", "names", "emri", "emrin", "quhet", "quhej"];
    let copulas = [
        "is", "was", "s", "are", "were", "became", "eshte", "ishte", "jane", "ishin", "u", "behet",
    ];
    let who_is = kind == QuestionKind::Who
        && body
            .iter()
            .position(|w| matches!(w.as_str(), "who" | "whos" | "kush"))
            .and_then(|q| body.get(q + 1))
            .is_some_and(|w| w == "whos" || copulas.contains(&w.as_str()))
        || body.first().is_some_and(|w| w == "whos");
    if !who_is && !body.iter().any(|w| named.contains(&w.as_str())) {
        return None;
    }
    let modifier = match lang {
        Lang::En => at
            .checked_sub(1)
            .map(|i| &body[i])
            .filter(|w| English::OFFICE_MODIFIERS.contains(&w.as_str())),
        Lang::Sq => body
            .get(at + 1)
            .filter(|w| matches!(w.as_str(), "i" | "e"))
            .and_then(|_| body.get(at + 2))
            .filter(|w| Albanian::OFFICE_MODIFIERS.contains(&w.as_str())),
    };
    Some(Office {
        word: body[at].clone(),
        modifier: modifier.cloned(),
    })
}
