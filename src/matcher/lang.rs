//! What the matcher knows of a language, behind one small type: `Lang`.
//! Its stemmer, stopwords, question words, the words that frame, open and
//! close a question, the attributes the sources seldom give, and a
//! dictionary where one is vendored (English). Each language's word lists
//! live in its own file: `english`, `albanian`.

mod albanian;
mod contractions;
mod countries;
pub(super) use countries::same_country;
mod english;

pub use albanian::Albanian;
pub use english::English;

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::sync::OnceLock;

use rust_stemmers::Stemmer;

/// A language the knowledge is written and questions are asked in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    #[default]
    En,
    Sq,
}

/// How many English stems each thread keeps before it starts afresh.
const STEM_CACHE_WORDS: usize = 1 << 16;

/// Snowball's English stemmer, made once per thread.
fn english_stemmer<R>(f: impl FnOnce(&Stemmer) -> R) -> R {
    thread_local! {
        static STEMMER: Stemmer = English::stemmer();
    }
    STEMMER.with(|s| f(s))
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Sq];

    /// The ISO 639-1 code: "en", "sq".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sq => "sq",
        }
    }

    /// The language of an ISO 639-1 code or a Telegram `language_code`
    /// ("sq", "sq-AL", "en-GB"); `None` for any other.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "sq" | "al" => Some(Lang::Sq),
            _ => None,
        }
    }

    /// The stem of a folded word. Markers such as `English::QUANTITY`
    /// are not words and stay as they are.
    pub fn stem(self, word: &str) -> String {
        if word.starts_with('#') {
            return word.to_string();
        }
        // Albanian's suffix stripper costs less than a lookup.
        if self == Lang::Sq {
            return Albanian::stem(word);
        }
        // Loading stems every word of the knowledge, and checking it stems
        // every example again: most words recur, so each thread keeps the
        // English stems it made (up to a bound, as questions bring new
        // words). Snowball's stemmer is the costly part of preparing a text.
        thread_local! {
            static STEMS: RefCell<HashMap<String, String>> = RefCell::default();
        }
        STEMS.with_borrow_mut(|cache| {
            if let Some(stem) = cache.get(word) {
                return stem.clone();
            }
            let stem = english_stemmer(|s| s.stem(word).into_owned());
            if cache.len() >= STEM_CACHE_WORDS {
                cache.clear();
            }
            cache.insert(word.to_string(), stem.clone());
            stem
        })
    }

    /// The word without its inflection, to check a lexicon match that the
    /// stems alone would allow. Albanian's stemmer strips endings only
    /// (of nouns and verbs), so its stem is its base.
    pub fn inflection_base(self, word: &str) -> String {
        match self {
            Lang::En => English::inflection_base(word),
            Lang::Sq => Albanian::stem(word),
        }
    }

    /// The same for the words of a name or description, which must agree
    /// by their inflection alone: Albanian "grupimet iraniane" (Microsoft's
    /// clusters) is not "grupi iranian" (an Iranian group), though the
    /// stemmer joins "grupim" and "grup".
    pub fn name_base(self, word: &str) -> String {
        match self {
            Lang::En => English::inflection_base(word),
            Lang::Sq => Albanian::inflection_base(word),
        }
    }

    pub fn is_stopword(self, word: &str) -> bool {
        match self {
            Lang::En => crate::text::is_stopword(word),
            Lang::Sq => Albanian::is_stopword(word),
        }
    }

    pub fn is_question_word(self, word: &str) -> bool {
        match self {
            Lang::En => crate::text::is_question_word(word),
            Lang::Sq => Albanian::is_question_word(word),
        }
    }

    /// Whether a folded word is a real word of the language, never to be
    /// "corrected" into a knowledge word: English's dictionary; Albanian's
    /// function words and common verbs, as no Albanian dictionary is
    /// vendored ("bënë" is no typo of "bën").
    pub fn is_word(self, word: &str) -> bool {
        match self {
            Lang::En => English::is_word(word),
            Lang::Sq => Albanian::is_common_word(word),
        }
    }

    pub fn is_proper_noun(self, word: &str) -> bool {
        self == Lang::En && English::is_proper_noun(word)
    }

    /// Whether a folded word is a form of a country's name in this
    /// language ("kinen", "turkey"), from ISO 3166-1's names.
    pub fn is_country(self, word: &str) -> bool {
        countries::is_country(self, word)
    }

    /// The length of a country's name of two words or more that `words`
    /// spell from `at` ("malin e zi", "saudi arabia"), if any.
    pub fn country_phrase_at(self, words: &[String], at: usize) -> Option<usize> {
        countries::phrase_at(self, words, at)
    }

    pub fn frame_words(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::FRAME_WORDS,
            Lang::Sq => Albanian::FRAME_WORDS,
        }
    }

    pub fn discourse(self) -> &'static [&'static [&'static str]] {
        match self {
            Lang::En => English::DISCOURSE,
            Lang::Sq => Albanian::DISCOURSE,
        }
    }

    /// An apology for the question closed by "but" ("sorry if dumb but"):
    /// the words it may hold, those of which it needs one, and its end.
    pub fn apology(
        self,
    ) -> (
        &'static [&'static str],
        &'static [&'static str],
        &'static str,
    ) {
        match self {
            Lang::En => (
                English::APOLOGY_WORDS,
                English::APOLOGY_MARKERS,
                English::APOLOGY_END,
            ),
            Lang::Sq => (
                Albanian::APOLOGY_WORDS,
                Albanian::APOLOGY_MARKERS,
                Albanian::APOLOGY_END,
            ),
        }
    }

    /// Whether a word is by itself a greeting, politeness or filler the
    /// language lists (one of `discourse`'s one-word entries).
    pub fn is_discourse_word(self, word: &str) -> bool {
        self.discourse().iter().any(|p| p == &[word])
    }

    pub fn expansion(self) -> &'static [&'static [&'static str]] {
        match self {
            Lang::En => English::EXPANSION,
            Lang::Sq => Albanian::EXPANSION,
        }
    }

    pub fn split_words(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::SPLIT_WORDS,
            Lang::Sq => Albanian::SPLIT_WORDS,
        }
    }

    /// Pronouns that refer back to what the chat spoke of ("they", "ata").
    pub fn anaphors(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::ANAPHORS,
            Lang::Sq => Albanian::ANAPHORS,
        }
    }

    pub fn trailing(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::TRAILING,
            Lang::Sq => Albanian::TRAILING,
        }
    }

    /// Phrases that may close a question without adding to it ("in all
    /// this").
    pub fn trailing_phrases(self) -> &'static [&'static [&'static str]] {
        match self {
            Lang::En => English::TRAILING_PHRASES,
            Lang::Sq => Albanian::TRAILING_PHRASES,
        }
    }

    pub fn auxiliaries(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::AUXILIARIES,
            Lang::Sq => Albanian::AUXILIARIES,
        }
    }

    pub fn time_nouns(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::TIME_NOUNS,
            Lang::Sq => Albanian::TIME_NOUNS,
        }
    }

    pub fn attributes(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::ATTRIBUTES,
            Lang::Sq => Albanian::ATTRIBUTES,
        }
    }

    pub fn offices(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::OFFICES,
            Lang::Sq => Albanian::OFFICES,
        }
    }

    /// The lexicon's word for a founding ("founded", "themelim"): what a
    /// thing's age is asked by.
    pub fn founded_word(self) -> &'static str {
        match self {
            Lang::En => "founded",
            Lang::Sq => "themelim",
        }
    }

    /// Words in a role that make it another office ("deputy").
    pub fn office_qualifiers(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::OFFICE_QUALIFIERS,
            Lang::Sq => Albanian::OFFICE_QUALIFIERS,
        }
    }

    /// What an attribute word asks about, as a key the replies put in
    /// words ("age", "figure", "office holder").
    pub fn attribute_key(self, word: &str) -> &'static str {
        match self {
            Lang::En => English::attribute_noun(word),
            Lang::Sq => {
                Albanian::attribute_key(word).unwrap_or_else(|| English::attribute_noun(word))
            }
        }
    }

    /// A question with its contractions spelled out, before it is folded
    /// (Albanian "ç'ndodhi", "s'ka").
    pub fn expand_contractions(self, text: &str) -> std::borrow::Cow<'_, str> {
        match self {
            Lang::En => std::borrow::Cow::Borrowed(text),
            Lang::Sq => contractions::expand(text),
        }
    }

    /// Folded text with the language's chat spellings written out.
    ///
    /// A greeting that opens the message is kept as typed when spelling it
    /// out would lose it ("çka ka" is "what's up", not "what is there").
    pub fn expand_chat(self, folded: &str) -> String {
        let words: Vec<&str> = folded.split(' ').collect();
        let expanded: Vec<&str> = words
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                // Gheg "qysh kur", "qysh prej kur": "since when".
                let since = matches!(words.get(i + 1), Some(&("kur" | "prej")));
                if self == Lang::Sq && w == "qysh" && since {
                    return "qe";
                }
                // "(qysh|që) prej kur" is "që kur".
                let between = i > 0
                    && matches!(words[i - 1], "qysh" | "qe")
                    && words.get(i + 1) == Some(&"kur");
                if self == Lang::Sq && w == "prej" && between {
                    return "";
                }
                // Gheg's infinitive "me bo", "me ba": "të bëj".
                let after_me = i > 0 && words[i - 1] == "me";
                if self == Lang::Sq && after_me && matches!(w, "bo" | "ba" | "bone" | "bere") {
                    return "bej";
                }
                // "u bë" (became, was done) is a verb, not the EU ("BE").
                let after_u = i > 0 && words[i - 1] == "u";
                if self == Lang::Sq && after_u && matches!(w, "be" | "bo" | "ba") {
                    return "bere";
                }
                if self == Lang::Sq && Albanian::ca_asks_what(&words, i) {
                    return "cfare";
                }
                // "sa vjet ka (që)": how many years since, that is "që kur".
                if self == Lang::Sq {
                    if let Some(word) = since_years(&words, i) {
                        return word;
                    }
                }
                self.chat_spelling(w, i == 0).unwrap_or(w)
            })
            .collect();
        if expanded == words {
            return folded.to_string();
        }
        let lead = |ws: &[&str]| {
            self.discourse()
                .iter()
                .filter(|p| ws.starts_with(p))
                .map(|p| p.len())
                .max()
                .unwrap_or(0)
        };
        let kept = lead(&words);
        let out: Vec<&str> = if kept > lead(&expanded) {
            words[..kept]
                .iter()
                .chain(&expanded[kept..])
                .copied()
                .collect()
        } else {
            expanded
        };
        let out: Vec<&str> = out.into_iter().filter(|w| !w.is_empty()).collect();
        out.join(" ")
    }

    /// The word a chat spelling stands for (`first`: it opens the message).
    pub fn chat_spelling(self, folded_word: &str, first: bool) -> Option<&'static str> {
        type Table = HashMap<&'static str, &'static str>;
        static TABLES: OnceLock<[Table; 2]> = OnceLock::new();
        let [english, albanian] = TABLES.get_or_init(|| {
            [
                English::CHAT_SPELLINGS.iter().copied().collect(),
                Albanian::CHAT_SPELLINGS.iter().copied().collect(),
            ]
        });
        let (table, first_only): (&Table, Spellings) = match self {
            Lang::En => (english, &[]),
            Lang::Sq => (albanian, Albanian::FIRST_WORD_SPELLINGS),
        };
        let first_only = if first { first_only } else { &[] };
        table.get(folded_word).copied().or_else(|| {
            first_only
                .iter()
                .find(|(short, _)| *short == folded_word)
                .map(|(_, long)| *long)
        })
    }

    /// The language's number words ("four", "katër").
    pub fn number_words(self) -> &'static [&'static str] {
        match self {
            Lang::En => English::NUMBER_WORDS,
            Lang::Sq => Albanian::NUMBER_WORDS,
        }
    }

    /// Whether a text states a quantity: a number word of the language, or
    /// a number that is neither a year nor the day of a date.
    pub fn states_quantity(self, text: &str) -> bool {
        English::states_quantity_with(text, self.number_words())
    }

    /// Whether a text gives a date (month names of either language).
    pub fn states_date(text: &str) -> bool {
        English::states_date(text)
    }

    /// The months a text names, as markers (`#month:7`), in either
    /// language. A month name that is also an everyday word ("may",
    /// Albanian "shkurt", short) counts only next to a number.
    pub fn month_markers(text: &str) -> Vec<String> {
        const EVERYDAY: &[&str] = &["may", "shkurt", "mar", "jan"];
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(crate::text::fold)
            .collect();
        let number = |j: Option<usize>| {
            j.and_then(|j| words.get(j))
                .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
        };
        let mut out: Vec<String> = words
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                let m = crate::dates::month_number(w)?;
                let everyday = EVERYDAY
                    .iter()
                    .any(|e| w.starts_with(e) && w.len() <= e.len() + 2);
                (!everyday || number(Some(i + 1)) || number(i.checked_sub(1)))
                    .then(|| Lang::month_marker(m))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The marker of month `m` (1 to 12).
    pub fn month_marker(m: u8) -> String {
        format!("{MONTH}{m}")
    }

    /// Month markers with `ANY_MONTH` added when there is one: what a text
    /// that names months knows.
    pub fn with_any_month(mut markers: Vec<String>) -> Vec<String> {
        if !markers.is_empty() {
            markers.push(ANY_MONTH.to_string());
        }
        markers
    }
}

/// The prefix of a month marker (`Lang::month_markers`).
const MONTH: &str = "#month:";

/// Known by a text that names any month (`Lang::with_any_month`).
pub const ANY_MONTH: &str = "#month:any";

/// A table of spellings and the words they stand for.
type Spellings = &'static [(&'static str, &'static str)];

/// What word `i` of an Albanian question becomes when it is part of "sa
/// vjet ka (që)" or "sa kohë ka që" (how many years, how long since): "që
/// kur", as "qysh kur" is. Its other words become empty.
fn since_years(words: &[&str], i: usize) -> Option<&'static str> {
    let starts = |j: usize| {
        words.get(j) == Some(&"sa")
            && matches!(
                words.get(j + 1),
                Some(&("vjet" | "vite" | "vjete" | "kohe"))
            )
            && words.get(j + 2) == Some(&"ka")
    };
    // "sa kohë ka" alone is "how long has", which the knowledge answers as
    // it is; only "sa kohë ka që" asks since when.
    let complete = |j: usize| words[j + 1] != "kohe" || words.get(j + 3) == Some(&"qe");
    let start = (i.saturating_sub(3)..=i).find(|&j| starts(j) && complete(j))?;
    let with_qe = words.get(start + 3) == Some(&"qe");
    match i - start {
        0 => Some("qe"),
        1 => Some("kur"),
        2 => Some(""),
        3 if with_qe => Some(""),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_and_colloquial_spellings_are_spelled_out() {
        assert_eq!(
            Lang::En.expand_chat("thx u r great"),
            "thanks you are great"
        );
        assert_eq!(Lang::Sq.expand_chat("ca osht akshi"), "cfare eshte akshi");
        assert_eq!(
            Lang::Sq.expand_chat("homeland justice kush jan"),
            "homeland justice kush jane"
        );
        // "ca" is "what" only as the first word; elsewhere "a few".
        assert_eq!(Lang::Sq.expand_chat("ne ca vende"), "ne ca vende");
        // A greeting that spelling out would lose is kept as typed.
        assert_eq!(Lang::Sq.expand_chat("cka ka"), "cka ka");
        assert_eq!(
            Lang::Sq.expand_chat("qysh prej kur kon mrena"),
            "qe kur qene brenda"
        );
        // "u bë" is a verb; "BE" alone is the EU.
        assert_eq!(Lang::Sq.expand_chat("kur u be publik"), "kur u bere publik");
        assert_eq!(Lang::Sq.expand_chat("a reagoi be"), "a reagoi be");
        // "ça" before a verb asks what, anywhere in the question.
        assert_eq!(
            Lang::Sq.expand_chat("zeroclear ca eshte"),
            "zeroclear cfare eshte"
        );
        assert_eq!(
            Lang::Sq.expand_chat("dev-0166 ca bente"),
            "dev-0166 cfare bente"
        );
        // How many years since: since when; a count of years is not.
        assert_eq!(
            Lang::Sq.expand_chat("sa vjet ka qe eshte themeluar mek"),
            "qe kur eshte themeluar mek"
        );
        assert_eq!(Lang::Sq.expand_chat("sa vjet ka mek"), "qe kur mek");
        assert_eq!(
            Lang::Sq.expand_chat("sa kohe ka qe ka ikur"),
            "qe kur ka ikur"
        );
        assert_eq!(
            Lang::Sq.expand_chat("sa kohe ka zgjatur"),
            "sa kohe ka zgjatur"
        );
        assert_eq!(
            Lang::Sq.expand_chat("sa vjet burg mori"),
            "sa vjet burg mori"
        );
        assert_eq!(
            Lang::Sq.expand_chat("cka synonte sulmi"),
            "cfare synonte sulmi"
        );
        // Each language reads only its own.
        assert_eq!(Lang::En.expand_chat("kush jan"), "kush jan");
    }
}
