//! What a "how many" question counts, and the idiom "paying the price",
//! which speaks of no payment.

use super::Lang;

/// The words of a text that are part of the idiom "paying the price" (and
/// "po paguan çmimin"): they speak of no payment and no price, so neither
/// a question nor an answer using the idiom is about a figure.
pub(in crate::matcher) fn idiom_words(words: &[String]) -> Vec<&str> {
    let pay = |w: &str| {
        matches!(
            w,
            "pay"
                | "paid"
                | "pays"
                | "paying"
                | "pagua"
                | "paguan"
                | "paguar"
                | "pagoi"
                | "paguaj"
                | "paguhet"
                | "paguhen"
        )
    };
    let price = |w: &str| matches!(w, "price" | "prices" | "cmimi" | "cmimin" | "cmim");
    if !(words.iter().any(|w| pay(w)) && words.iter().any(|w| price(w))) {
        return Vec::new();
    }
    words
        .iter()
        .map(String::as_str)
        .filter(|w| pay(w) || price(w))
        .collect()
}

/// What a "how many" question counts: the words of the phrase after "how
/// many" ("how many Iranian diplomats", "how many police hurt"), any of
/// which an answer's figure may count. None for people in general ("how
/// many people"), whom answers count by many names. In Albanian, the
/// phrase after "sa" when it is a count ("sa diplomatë"): not "sa kohë"
/// (how long), "sa larg" (how far), "sa i rëndë" (an adjective), nor a
/// verb ("sa zgjati", "sa kushtoi", "sa ka").
pub(super) fn counted_nouns(lang: Lang, words: &[String]) -> Vec<String> {
    const ANYONE: &[&str] = &["people", "ppl", "persons", "person", "individuals", "times"];
    const ANYONE_SQ: &[&str] = &[
        "njerez",
        "njerezit",
        "njerezve",
        "njeri",
        "persona",
        "personave",
        "veta",
        "vete",
        "individe",
        "here",
        "heresh",
    ];
    const NOT_COUNTS_SQ: &[&str] = &[
        "kohe",
        "larg",
        "gjate",
        "shpejt",
        "shume",
        "pak",
        "zgjati",
        "zgjat",
        "zgjasin",
        "kushton",
        "kushtoi",
        "kushtuan",
        "ka",
        "kane",
        "kishte",
        "kishin",
        "ishte",
        "ishin",
        "eshte",
        "jane",
        "u",
        "do",
        "mund",
        "duhet",
        "besohet",
        "thuhet",
        "dihet",
        "serioz",
        "seriozisht",
        "madh",
        "vlen",
        "perqind",
    ];
    // Where each counted phrase starts: after every "how many" or "sa"
    // ("sa diplomatë, sa orë": either may be what the answer counts).
    let (starts, anyone): (Vec<usize>, _) = match lang {
        Lang::En => (
            words
                .windows(2)
                .enumerate()
                .filter(|(_, p)| p[0] == "how" && p[1] == "many")
                .map(|(at, _)| at + 2)
                .collect(),
            ANYONE,
        ),
        Lang::Sq => (
            words
                .iter()
                .enumerate()
                .filter(|(at, w)| {
                    *w == "sa"
                        && words
                            .get(at + 1)
                            .is_some_and(|n| !NOT_COUNTS_SQ.contains(&n.as_str()))
                })
                .map(|(at, _)| at + 1)
                .collect(),
            ANYONE_SQ,
        ),
    };
    let mut counted = Vec::new();
    for at in starts {
        let phrase: Vec<String> = words[at..]
            .iter()
            .take_while(|w| !lang.is_stopword(w) && !lang.is_question_word(w))
            .take(3)
            .cloned()
            .collect();
        // A count of people in general: any figure may be it.
        if phrase.iter().any(|w| anyone.contains(&w.as_str())) {
            return Vec::new();
        }
        counted.extend(phrase);
    }
    counted
}
