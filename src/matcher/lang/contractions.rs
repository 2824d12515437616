//! Albanian contractions with an apostrophe, and the endings names take
//! after a hyphen ("MEK-un"). Contractions: "ç'ndodhi" is "çfarë
//! ndodhi", "s'ka" "nuk ka", "t'u" "të u", "n'Tiranë" "në Tiranë", "m'pëlqen"
//! "më pëlqen". Folding drops the apostrophe and would leave one unknown
//! word ("cndodhi"); the words are spelled out before it.

use std::borrow::Cow;

use crate::text::is_apostrophe;

/// What "ç'" stands for in a greeting rather than "çfarë": "ç'kemi",
/// "ç'bën" are words of their own, which small talk knows.
const GREETINGS: &[&str] = &[
    "kemi", "kena", "ke", "keni", "ben", "bën", "bon", "beni", "bëni",
];

/// The endings a name takes after a hyphen ("MEK-un", "SHBA-ja",
/// "hack-un"): the article and case, not a word of their own.
const HYPHEN_ENDINGS: &[&str] = &[
    "u", "un", "i", "in", "it", "ut", "ja", "ne", "në", "se", "së", "te", "të", "s", "n", "t",
    "ve", "es", "ës", "en", "ën", "et", "ët", "a", "ave", "ri", "rit", "rin",
];

/// `text` with each contracted word spelled out and the hyphenated endings
/// of names dropped; borrowed when it has neither.
pub(super) fn expand(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_apostrophe(c) || c == '-') {
        return Cow::Borrowed(text);
    }
    let words: Vec<Cow<str>> = text
        .split(' ')
        .map(|w| match expand_word(w) {
            Cow::Borrowed(w) => drop_ending(w),
            owned => owned,
        })
        .collect();
    Cow::Owned(words.join(" "))
}

/// "hack-un" is "hack" (with the punctuation after it): an ending after a
/// hyphen is the name's inflection. "e-Albania" and "DEV-0861" stay.
fn drop_ending(word: &str) -> Cow<'_, str> {
    let Some(at) = word.rfind('-') else {
        return Cow::Borrowed(word);
    };
    let (base, rest) = (&word[..at], &word[at + 1..]);
    let ending_len = rest
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(rest.len());
    let ending = rest[..ending_len].to_lowercase();
    if base.chars().count() < 2 || !HYPHEN_ENDINGS.contains(&ending.as_str()) {
        return Cow::Borrowed(word);
    }
    Cow::Owned(format!("{base}{}", &rest[ending_len..]))
}

fn expand_word(word: &str) -> Cow<'_, str> {
    let mut chars = word.char_indices();
    let (Some((_, first)), Some((_, second)), Some((rest, _))) =
        (chars.next(), chars.next(), chars.next())
    else {
        return Cow::Borrowed(word);
    };
    if !is_apostrophe(second) {
        return Cow::Borrowed(word);
    }
    let rest = &word[rest..];
    let bare = rest
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let full = match first.to_lowercase().next() {
        Some('c' | 'ç') if GREETINGS.contains(&bare.as_str()) => {
            return Cow::Borrowed(word);
        }
        Some('c' | 'ç') => "çfarë",
        Some('s') => "nuk",
        Some('t') => "të",
        Some('n') => "në",
        Some('m') => "më",
        _ => return Cow::Borrowed(word),
    };
    Cow::Owned(format!("{full} {rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contracted_words_are_spelled_out() {
        assert_eq!(
            expand("c'ndodhi me 10 shtator"),
            "çfarë ndodhi me 10 shtator"
        );
        assert_eq!(expand("Ç’lloj sulmesh ishin"), "çfarë lloj sulmesh ishin");
        assert_eq!(expand("sa veta jan n'shqipni"), "sa veta jan në shqipni");
        assert_eq!(expand("a s'ka lidhje"), "a nuk ka lidhje");
        assert_eq!(expand("per t'u larguar"), "per të u larguar");
    }

    #[test]
    fn greetings_and_other_words_stay() {
        assert!(matches!(expand("c'kemi, a kane ik"), Cow::Owned(s) if s == "c'kemi, a kane ik"));
        assert_eq!(expand("ç'kemi"), "ç'kemi");
        assert_eq!(expand("c'ben bot"), "c'ben bot");
        assert!(matches!(expand("kush e sulmoi"), Cow::Borrowed(_)));
        assert_eq!(expand("albania's pm"), "albania's pm");
        assert_eq!(expand("'"), "'");
    }

    #[test]
    fn a_hyphenated_ending_is_the_name_s() {
        assert_eq!(expand("kush e beri hack-un?"), "kush e beri hack?");
        assert_eq!(expand("cfare beri SHBA-ja"), "cfare beri SHBA");
        assert_eq!(expand("kur u themelua MEK-u"), "kur u themelua MEK");
        assert_eq!(expand("e-Albania dhe DEV-0861"), "e-Albania dhe DEV-0861");
        assert_eq!(expand("anti-amerikan"), "anti-amerikan");
    }
}
