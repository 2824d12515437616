//! The world's countries by name, in English and Albanian: what tells the
//! matcher that "si reagoi Kina" or "what did turkey say" names a country,
//! so that a question about one the knowledge never mentions is not
//! answered as if it were about Albania.
//!
//! The names come from `dict/countries.tsv`, written by `dict/countries.py`
//! from Debian's iso-codes (ISO 3166-1 and its Albanian translation).
//! One-word names count alone ("Kinë", "Gjermani", "Turkey"); the words of
//! the longer ones ("Republika", "Islands", "United", "Mali" of "Mali i
//! Zi") are everyday words, so those count only as the whole name
//! (`phrase_at`).
//! English's dictionary already knows most country names as proper nouns,
//! but not those that are also common words ("turkey", "china", "jordan"),
//! and Albanian has no dictionary at all.

use std::collections::{HashMap, HashSet};
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

/// Whether two folded words are forms of one country's name in `lang`
/// ("estonin", "estonia").
pub fn same_country(lang: Lang, a: &str, b: &str) -> bool {
    let names = stems(lang);
    match lang {
        Lang::En => {
            let stem = lang.stem(a);
            names.contains(&stem) && stem == lang.stem(b)
        }
        Lang::Sq => bases(a).any(|x| names.contains(x) && bases(b).any(|y| x == y)),
    }
}

/// The endings an Albanian country name takes ("Kina", "Kinës", "Kinën",
/// "Gjermaninë", "Turqia"), which the stemmer does not all strip the same
/// way ("kosova" loses "-ova" to it, "Kosovë" only its "-ë").
/// Also those of the adjective and the genitive ("italiane", "kineze",
/// "Koresë").
const ALBANIAN_ENDINGS: &[&str] = &[
    "ise", "ine", "ies", "ien", "ane", "eze", "ese", "es", "en", "ez", "ia", "ja", "it", "in",
    "ut", "se", "a", "e", "i", "s",
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
    all_names(lang)
        .filter(|name| !name.contains([' ', '-', '(']))
        .filter(|name| !LEFT_OUT.contains(&crate::text::fold(name).as_str()))
}

/// Every name of `lang` in the table, as written, without what follows a
/// comma.
fn all_names(lang: Lang) -> impl Iterator<Item = &'static str> {
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
        .filter(|name| !name.is_empty())
}

/// Albanian's particles between a name's words ("Mali i Zi", "Malin e
/// Zi", "Malit të Zi"): any stands for any.
const PARTICLES: &[&str] = &["i", "e", "te", "se"];

/// The length of the longer country name of `lang` that the words from
/// `at` spell, in any inflection ("malin e zi", "new zealand"), if any.
pub fn phrase_at(lang: Lang, words: &[String], at: usize) -> Option<usize> {
    let table = phrases(lang);
    let forms = |typed: &str| forms(lang, typed);
    let first = forms(words.get(at)?);
    let mut best = None;
    for &k in first.iter().filter_map(|f| table.by_first.get(f)).flatten() {
        let name = &table.names[k];
        let spelled = words.len() >= at + name.len()
            && name[1..]
                .iter()
                .zip(&words[at + 1..])
                .all(|(keys, w)| forms(w).iter().any(|f| keys.contains(f)));
        if spelled {
            best = best.max(Some(name.len()));
        }
    }
    best
}

/// What every particle is matched as.
const PARTICLE: &str = "\u{0}particle";

/// The forms a word of a name is matched by, in the name and as typed:
/// English's stem; Albanian's bases, or `PARTICLE` for a particle.
fn forms(lang: Lang, word: &str) -> Vec<String> {
    match lang {
        Lang::En => vec![lang.stem(word)],
        Lang::Sq if PARTICLES.contains(&word) => vec![PARTICLE.to_string()],
        Lang::Sq => bases(word).map(str::to_string).collect(),
    }
}

/// The country names of `lang` of two words or more, each word as its
/// `forms`, and the names by the forms of their first word.
#[derive(Default)]
struct Phrases {
    names: Vec<Vec<Vec<String>>>,
    by_first: HashMap<String, Vec<usize>>,
}

fn phrases(lang: Lang) -> &'static Phrases {
    static EN: OnceLock<Phrases> = OnceLock::new();
    static SQ: OnceLock<Phrases> = OnceLock::new();
    let cell = match lang {
        Lang::En => &EN,
        Lang::Sq => &SQ,
    };
    cell.get_or_init(|| {
        let mut out = Phrases::default();
        for name in all_names(lang).filter(|n| n.contains(' ') && !n.contains('(')) {
            let words: Vec<Vec<String>> = crate::text::fold(name)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| forms(lang, w))
                .collect();
            if words.len() < 2 {
                continue;
            }
            for f in &words[0] {
                out.by_first
                    .entry(f.clone())
                    .or_default()
                    .push(out.names.len());
            }
            out.names.push(words);
        }
        out
    })
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

    #[test]
    fn longer_names_count_whole_in_any_inflection() {
        let words = |q: &str| q.split(' ').map(str::to_string).collect::<Vec<_>>();
        let q = words("sulmi ne malin e zi");
        assert_eq!(phrase_at(Lang::Sq, &q, 2), Some(3));
        assert_eq!(phrase_at(Lang::Sq, &words("mal te zi"), 0), Some(3));
        assert_eq!(phrase_at(Lang::Sq, &words("mali i larte"), 0), None);
        assert_eq!(phrase_at(Lang::En, &words("new zealand"), 0), Some(2));
        assert_eq!(phrase_at(Lang::En, &words("new sanctions"), 0), None);
    }
}
