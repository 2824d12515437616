//! The world's countries by name, in English and Albanian: what tells the
//! matcher that "si reagoi Kina" or "what did turkey say" names a country,
//! so that a question about one the knowledge never mentions is not
//! answered as if it were about Albania.
//!
//! The names come from `dict/countries.tsv`, written by `dict/countries.py`
//! from Debian's iso-codes (ISO 3166-1 and its Albanian translation). Only
//! one-word names count ("Kinë", "Gjermani", "Turkey"): the words of the
//! longer ones ("Republika", "Islands", "United") are everyday words.
//! English's dictionary already knows most country names as proper nouns,
//! but not those that are also common words ("turkey", "china", "jordan"),
//! and Albanian has no dictionary at all.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::Lang;

const TABLE: &str = include_str!("../../../dict/countries.tsv");

/// Names left out because their stem is an everyday word: "Mali" is also
/// the mountain ("mal") in Albanian, "Réunion" a meeting in English.
const LEFT_OUT: &[&str] = &["mali", "reunion"];

/// The shortest stem that counts: shorter ones meet too many words.
const MIN_STEM_CHARS: usize = 3;

/// Whether a folded word is a form of a country's one-word name in `lang`
/// ("kinen", "gjermanise", "turkey"). A word the language uses every day
/// (a stopword, a common Albanian verb) never is.
pub fn is_country(lang: Lang, word: &str) -> bool {
    if lang.is_stopword(word) || (lang == Lang::Sq && lang.is_word(word)) {
        return false;
    }
    let names = stems(lang);
    match lang {
        Lang::En => names.contains(&lang.stem(word)),
        Lang::Sq => bases(word).any(|base| names.contains(base)),
    }
}

/// The endings an Albanian country name takes ("Kina", "Kinës", "Kinën",
/// "Gjermaninë", "Turqia"), which the stemmer does not all strip the same
/// way ("kosova" loses "-ova" to it, "Kosovë" only its "-ë").
const ALBANIAN_ENDINGS: &[&str] = &[
    "ise", "ine", "ies", "ien", "es", "en", "ia", "ja", "it", "in", "ut", "a", "e", "i", "s",
];

/// A folded Albanian word and the word without each ending it may have.
fn bases(word: &str) -> impl Iterator<Item = &str> {
    std::iter::once(word).chain(ALBANIAN_ENDINGS.iter().filter_map(move |ending| {
        word.strip_suffix(ending)
            .filter(|base| base.chars().count() >= MIN_STEM_CHARS)
    }))
}

/// The one-word country names of `lang`, built once: English's stems,
/// Albanian's bases (the name and the name without an ending).
fn stems(lang: Lang) -> &'static HashSet<String> {
    static EN: OnceLock<HashSet<String>> = OnceLock::new();
    static SQ: OnceLock<HashSet<String>> = OnceLock::new();
    let cell = match lang {
        Lang::En => &EN,
        Lang::Sq => &SQ,
    };
    cell.get_or_init(|| {
        names(lang)
            .flat_map(|name| {
                let folded = crate::text::fold(name);
                match lang {
                    Lang::En => vec![lang.stem(&folded)],
                    Lang::Sq => bases(&folded).map(str::to_string).collect(),
                }
            })
            .filter(|base| base.chars().count() >= MIN_STEM_CHARS)
            .collect()
    })
}

/// The one-word names of `lang` in the table, as written, without what
/// follows a comma ("Iran, Islamic Republic of": "Iran").
fn names(lang: Lang) -> impl Iterator<Item = &'static str> {
    TABLE
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(move |line| {
            let columns: Vec<&str> = line.split('\t').collect();
            let wanted: &[usize] = match lang {
                Lang::En => &[1, 2],
                Lang::Sq => &[3],
            };
            wanted
                .iter()
                .filter_map(|&i| columns.get(i).copied())
                .collect::<Vec<_>>()
        })
        .map(|name| name.split(',').next().unwrap_or(name).trim())
        .filter(|name| !name.is_empty() && !name.contains([' ', '-', '(']))
        .filter(|name| !LEFT_OUT.contains(&crate::text::fold(name).as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn albanian_country_names_are_known_in_their_inflected_forms() {
        for word in [
            "kina",
            "kinen",
            "gjermanine",
            "serbia",
            "italise",
            "turqia",
            "kosova",
        ] {
            assert!(is_country(Lang::Sq, word), "{word}");
        }
    }

    #[test]
    fn english_country_names_that_are_also_common_words_are_known() {
        for word in ["turkey", "china", "jordan", "germany", "kosovo"] {
            assert!(is_country(Lang::En, word), "{word}");
        }
    }

    #[test]
    fn everyday_words_are_no_countries() {
        for (lang, word) in [
            (Lang::Sq, "per"),
            (Lang::Sq, "mali"),
            (Lang::Sq, "sulmi"),
            (Lang::En, "reunion"),
            (Lang::En, "attack"),
            (Lang::En, "united"),
        ] {
            assert!(!is_country(lang, word), "{word}");
        }
    }
}
