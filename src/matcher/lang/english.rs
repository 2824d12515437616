//! The English the matcher reads: Snowball's stemmer, SCOWL's dictionary,
//! and the words that frame, open and close English questions.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use spellbook::Dictionary;

/// The English the matcher reads.
pub struct English;

/// `word` with its first letter in capitals; `None` for an empty word.
fn capitalised(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = chars.next()?;
    Some(first.to_uppercase().chain(chars).collect())
}

/// SCOWL's en_US Hunspell dictionary (Debian's `hunspell-en-us`; its
/// licence is `dict/COPYRIGHT-en_US`), compiled in: the core reads no file.
const AFF: &str = include_str!("../../../dict/en_US.aff");
const DIC: &str = include_str!("../../../dict/en_US.dic");

impl English {
    pub fn stemmer() -> Stemmer {
        Stemmer::create(Algorithm::English)
    }

    /// Whether `word` (folded: lower case) is an English word, a proper
    /// noun ("germany") included. Parsed once per process, on first use.
    pub fn is_word(word: &str) -> bool {
        Self::is_word_exact(word) || capitalised(word).is_some_and(|c| Self::is_word_exact(&c))
    }

    /// Whether a folded word is a proper noun the dictionary knows
    /// ("germany", "eurovision") and not a common word.
    pub fn is_proper_noun(word: &str) -> bool {
        capitalised(word).is_some_and(|capital| {
            capital != word && !Self::is_word_exact(word) && Self::is_word_exact(&capital)
        })
    }

    fn is_word_exact(word: &str) -> bool {
        Self::dictionary().is_some_and(|d| d.check(word))
    }

    fn dictionary() -> Option<&'static Dictionary> {
        static DICTIONARY: OnceLock<Option<Dictionary>> = OnceLock::new();
        DICTIONARY
            .get_or_init(|| Dictionary::new(AFF, DIC).ok())
            .as_ref()
    }

    /// Greetings, politeness and fillers that may open a question, as
    /// folded words, longest first where one begins another.
    pub const DISCOURSE: &[&[&str]] = &[
        &["sorry", "if", "this", "is", "a", "dumb", "question"],
        &["sorry", "if", "this", "is", "a", "stupid", "question"],
        &["sorry", "if", "this", "is", "dumb"],
        &["sorry", "if", "this", "is", "stupid"],
        &["thank", "you", "so", "much"],
        &["thank", "you", "in", "advance"],
        &["thanks", "in", "advance"],
        &["thx", "in", "advance"],
        &["thank", "you", "very", "much"],
        &["sorry", "to", "bother", "you"],
        &["sorry", "to", "bother"],
        &["that", "is", "all", "for", "now"],
        &["that", "all", "for", "now"],
        &["that", "is", "all"],
        &["that", "all"],
        &["i", "have", "a", "question"],
        &["i", "was", "wondering"],
        &["can", "i", "ask", "you"],
        &["can", "i", "ask"],
        &["may", "i", "ask"],
        &["just", "wondering"],
        &["quick", "question"],
        &["quick", "one"],
        &["one", "more", "question"],
        &["another", "question"],
        &["random", "question"],
        &["good", "morning"],
        &["good", "afternoon"],
        &["good", "evening"],
        &["good", "day"],
        &["hello", "there"],
        &["hello", "bot"],
        &["hi", "bot"],
        &["hey", "bot"],
        &["hi", "there"],
        &["hey", "there"],
        &["by", "the", "way"],
        &["excuse", "me"],
        &["thanks", "a", "lot"],
        &["thanks", "so", "much"],
        &["many", "thanks"],
        &["thank", "you"],
        &["hi"],
        &["hello"],
        &["hey"],
        &["hiya"],
        &["howdy"],
        &["greetings"],
        &["yo"],
        &["morning"],
        &["evening"],
        &["ok"],
        &["okay"],
        &["so"],
        &["um"],
        &["uh"],
        &["hmm"],
        &["well"],
        &["sorry"],
        &["please"],
        &["pls"],
        &["plz"],
        &["thanks"],
        &["thx"],
        &["btw"],
        &["also"],
        &["but"],
        &["and"],
        &["basically"],
        &["lol"],
        &["haha"],
        &["hehe"],
        &["lmao"],
        // Asides ("tbh what is the mek even trying to do").
        &["tbh"],
        &["ngl"],
        &["idk"],
        &["honestly"],
        // Praise ("ok cool thanks").
        &["cool"],
        &["great"],
        &["nice"],
        &["awesome"],
        &["perfect"],
        // Forms of address ("thx a lot mate").
        &["mate"],
        &["bro"],
        &["dude"],
        &["buddy"],
    ];

    /// Phrases that ask what an acronym stands for.
    pub const EXPANSION: &[&[&str]] = &[
        &["stand", "for"],
        &["stands", "for"],
        &["short", "for"],
        &["full", "name"],
        &["full", "form"],
        &["long", "form"],
        &["spelled", "out"],
        &["acronym"],
        &["abbreviation"],
    ];

    /// The attribute a "how many" or "how much" question asks for: a
    /// figure, which only a text that states one can give (see
    /// `states_quantity`).
    pub const QUANTITY: &'static str = "#quantity";
    /// The prefix of the markers of what a text counts (`Index::count_marker`).
    pub const COUNT: &'static str = "#count:";
    /// The attribute a "when" question asks for: a date, which only a text
    /// that gives one can answer (see `states_date`).
    pub const DATE: &'static str = "#date";
    /// The attribute of a question asking the bot for personal advice
    /// ("how do I get a residence permit").
    pub const ADVICE: &'static str = "#advice";
    /// The attribute of a question asking when a country joined an
    /// alliance or a union, which the story's sources take as given.
    pub const MEMBERSHIP: &'static str = "#membership";
    /// The attribute of a question asking the bot's opinion or prediction.
    pub const OPINION: &'static str = "#opinion";

    /// Chat spellings, as folded words, and the words they stand for.
    pub const CHAT_SPELLINGS: &'static [(&'static str, &'static str)] = &[
        ("u", "you"),
        ("ur", "your"),
        ("r", "are"),
        ("pls", "please"),
        ("plz", "please"),
        ("thx", "thanks"),
        ("thnx", "thanks"),
        ("tnx", "thanks"),
        ("ty", "thank you"),
        ("cya", "see you"),
        ("b4", "before"),
        ("bc", "because"),
        ("cuz", "because"),
        ("coz", "because"),
        ("abt", "about"),
        ("govt", "government"),
        ("ppl", "people"),
        ("im", "i am"),
        ("pm", "prime minister"),
        ("fm", "foreign minister"),
        ("w", "with"),
        ("wht", "what"),
        ("wat", "what"),
        ("wut", "what"),
        ("whn", "when"),
        ("hw", "how"),
        ("sposed", "supposed"),
        ("suposed", "supposed"),
        ("spose", "suppose"),
        ("bcz", "because"),
        ("dept", "department"),
        ("intl", "international"),
        ("msg", "message"),
        ("msgs", "messages"),
        ("n", "and"),
        ("info", "information"),
        ("msft", "microsoft"),
        ("diff", "different"),
        ("tho", "though"),
        ("rn", "right now"),
        ("smth", "something"),
        ("sth", "something"),
    ];

    /// Number words that state a quantity ("four groups", "six Americans",
    /// "thousands of members").
    pub const NUMBER_WORDS: &'static [&'static str] = &[
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "dozen",
        "dozens",
        "half",
        "double",
        "twice",
        "percent",
    ];

    /// Whether a text gives a date: a date filled in from `data/` (an
    /// answer's `| date`), a year, or a day or year next to a month name.
    pub fn states_date(text: &str) -> bool {
        if text.contains("| date") {
            return true;
        }
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        words.iter().enumerate().any(|(i, w)| {
            let month = |j: Option<usize>| {
                j.and_then(|j| words.get(j))
                    .is_some_and(|n| crate::dates::month_number(&crate::text::fold(n)).is_some())
            };
            // Albanian "vitet 1990" is a decade, as "the 1990s" is: no date.
            let decade = i.checked_sub(1).is_some_and(|p| {
                matches!(crate::text::fold(words[p]).as_str(), "vitet" | "viteve")
            });
            (Self::is_year(w) && !decade)
                || (w.chars().all(|c| c.is_ascii_digit())
                    && (month(Some(i + 1)) || month(i.checked_sub(1))))
        })
    }

    /// `states_quantity` with another language's number words.
    pub fn states_quantity_with(text: &str, number_words: &[&str]) -> bool {
        let words: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        words.iter().enumerate().any(|(i, w)| {
            let lower = crate::text::fold(w);
            if number_words.contains(&lower.as_str()) {
                return true;
            }
            if !w.chars().all(|c| c.is_ascii_digit()) {
                return false;
            }
            let next = words.get(i + 1).map(|n| n.to_lowercase());
            let prev = i.checked_sub(1).map(|p| words[p].to_lowercase());
            let month = |w: &Option<String>| {
                w.as_deref()
                    .is_some_and(|w| crate::dates::month_number(w).is_some())
            };
            !(Self::is_year(w) || month(&next) || month(&prev))
        })
    }

    /// A word without its inflection: a plural, a past or a gerund
    /// ("attacks", "hacked", "probing", "countries" lose them), and no
    /// more. Snowball's stems go further and join words of different
    /// meanings ("executive" and "executed" are both "execut"); a lexicon
    /// variant matches a word only when both agree.
    pub fn inflection_base(word: &str) -> String {
        let mut w = word;
        let mut out = None;
        if let Some(base) = w.strip_suffix("ies").filter(|b| b.len() >= 2) {
            out = Some(format!("{base}y"));
        } else {
            for suffix in ["ing", "ed", "es", "s"] {
                if let Some(base) = w.strip_suffix(suffix).filter(|b| b.len() >= 3) {
                    // "ss" is not a plural ("access", "address").
                    if suffix == "s" && base.ends_with('s') {
                        break;
                    }
                    w = base;
                    break;
                }
            }
        }
        let base = out.unwrap_or_else(|| w.to_string());
        // "probe"/"prob(ed)", "hacked"/"hack": a final "e" and a doubled
        // consonant say nothing of the meaning.
        let mut base = base.strip_suffix('e').map_or(base.clone(), str::to_string);
        let bytes = base.as_bytes();
        if bytes.len() >= 4 && bytes[bytes.len() - 1] == bytes[bytes.len() - 2] {
            base.pop();
        }
        base
    }

    /// A year as a question or a text writes it: four digits, 1900–2099.
    pub fn is_year(word: &str) -> bool {
        word.len() == 4
            && word.chars().all(|c| c.is_ascii_digit())
            && (word.starts_with("19") || word.starts_with("20"))
    }

    /// What an attribute word asks about, for the reply that declines it.
    pub fn attribute_noun(word: &str) -> &'static str {
        match word {
            Self::QUANTITY => "figure",
            Self::DATE => "date",
            Self::ADVICE => "advice",
            Self::OPINION => "opinion",
            Self::MEMBERSHIP => "membership history",
            "hometown" => "birthplace or upbringing",
            "age" | "aged" | "old" => "age",
            "born" | "birthplace" | "birthday" | "birth" => "birthplace or birthday",
            "founded" => "age",
            "salary" | "salaries" | "earn" | "earns" | "income" | "wealth" | "worth" | "rich"
            | "pay" | "pays" | "paid" => "income or wealth",
            "married" | "marry" | "wife" | "husband" | "spouse" | "children" | "kids" | "son"
            | "daughter" | "parents" => "family",
            "height" | "tall" | "weight" => "height or weight",
            "population" => "population",
            "capital" => "capital",
            "currency" => "currency",
            "religion" => "religion",
            "educated" | "education" | "university" | "degree" | "studied" | "study"
            | "college" | "school" | "graduated" => "education",
            "die" | "died" | "death" | "dead" | "alive" | "buried" => "death",
            "price" | "prices" | "cost" | "costs" | "charge" | "charged" | "fee" | "fees"
            | "bill" | "billed" => "prices or costs",
            "weather" | "temperature" => "weather",
            "appointed" | "elected" | "sworn" => "appointment",
            "replaced" | "replace" | "successor" | "predecessor" => "successor",
            "currently" | "nowadays" | "now" | "today" | "current" => "situation today",
            "translate" | "translated" | "translation" => "translation",
            "address" | "addresses" => "address",
            "language" | "languages" => "languages",
            "owns" | "owner" | "owners" | "owned" | "ownership" | "shareholders" | "ceo" => {
                "owners"
            }
            "identity" | "identities" | "real names" => "identities",
            "party" | "parties" => "political party",
            w if Self::OFFICES.contains(&w) => "office holder",
            _ => "details",
        }
    }

    /// Offices a "who" question may ask the holder of ("who is the head of
    /// the NCSC", "who was Estonia's president"): a candidate that never
    /// names the office does not answer it.
    pub const OFFICES: &[&str] = &[
        "president",
        "head",
        "leader",
        "director",
        "chief",
        "ceo",
        "boss",
        "chairman",
        "chair",
        "minister",
        "ambassador",
        "king",
        "monarch",
        "secretary",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "mayor",
        "speaker",
        "governor",
        "chancellor",
        "commander",
    ];

    /// Words in a role that make it another office than the one named:
    /// a deputy secretary general does not hold the office of secretary
    /// general.
    pub const OFFICE_QUALIFIERS: &[&str] = &[
        "deputy",
        "assistant",
        "vice",
        "former",
        "acting",
        "interim",
        "ex",
        "then",
    ];

    /// Words before an office that narrow it ("foreign" minister).
    pub const OFFICE_MODIFIERS: &[&str] = &[
        "foreign",
        "prime",
        "defence",
        "defense",
        "intelligence",
        "interior",
        "finance",
        "deputy",
        "vice",
        "supreme",
        "security",
    ];

    /// Words that open the second question of two in one.
    pub const SPLIT_WORDS: &[&str] = &[
        "who", "what", "when", "where", "why", "how", "which", "whats", "whos", "is", "was", "did",
        "does", "do", "are", "were",
    ];

    /// An apology for the question that ends in "but" ("sorry if dumb but",
    /// "prob a silly q but"): the words it may hold …
    pub const APOLOGY_WORDS: &[&str] = &[
        "sorry", "if", "this", "is", "its", "it", "a", "an", "be", "might", "may", "probably",
        "prob", "maybe", "kinda", "bit", "really", "very", "such", "question", "q", "qs", "lol",
        "dumb", "stupid", "silly", "basic", "noob", "newbie", "naive", "obvious", "dumbass",
    ];
    /// … the words that make it one (one at least) …
    pub const APOLOGY_MARKERS: &[&str] = &[
        "sorry", "dumb", "stupid", "silly", "basic", "noob", "newbie", "naive", "obvious",
    ];
    /// … and the word that closes it.
    pub const APOLOGY_END: &str = "but";

    /// Politeness that may close a question.
    pub const TRAILING: &[&str] = &[
        "please", "pls", "plz", "thanks", "thx", "ty", "lol", "mate", "bro", "dude", "buddy",
        // Asides ("who is khatib btw").
        "btw", "tbh", "ngl", "haha", "hehe", "lmao",
    ];

    /// Pronouns that refer back to the chat's subject.
    pub const ANAPHORS: &[&str] = &[
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "it",
        "its",
        "itself",
        "he",
        "him",
        "his",
        "she",
        "her",
        "those",
        "these",
    ];

    /// Phrases that may close a question: the story itself.
    pub const TRAILING_PHRASES: &[&[&str]] = &[
        &["in", "all", "this"],
        &["in", "all", "of", "this"],
        &["in", "this", "story"],
        &["in", "this", "whole", "thing"],
        &["in", "this", "whole", "story"],
        &["in", "the", "whole", "story"],
        &["in", "this", "affair"],
        // Requests about the reply's length ("who did it? pls short answer").
        &["short", "answer"],
        &["short", "answer", "please"],
        &["just", "a", "short", "answer"],
        &["keep", "it", "short"],
        &["in", "short"],
        &["in", "a", "few", "words"],
        &["in", "one", "sentence"],
        &["in", "one", "line"],
        &["briefly"],
        &["tldr"],
        // A yes/no question's own "or not" ("did it work or nah").
        &["or", "not"],
        &["or", "nah"],
        &["or", "no"],
    ];

    /// Words that open a yes/no question.
    pub const AUXILIARIES: &[&str] = &[
        "is", "are", "was", "were", "did", "does", "do", "has", "have", "had", "can", "could",
        "will", "would", "should", "shall", "isnt", "wasnt", "didnt", "doesnt", "arent",
    ];

    /// Nouns that make "what" or "which" ask for a time.
    pub const TIME_NOUNS: &[&str] = &["date", "day", "year", "month", "time", "week"];

    /// Words that ask for an attribute of a person, a place or a thing that
    /// the story's sources seldom give: an age, a birthplace, a price. A
    /// question that asks one is answered only by an intent that knows the
    /// word; otherwise it is declined, with a pointer to what is known.
    pub const ATTRIBUTES: &[&str] = &[
        "language",
        "languages",
        "address",
        "addresses",
        "age",
        "aged",
        "born",
        "birthplace",
        "birthday",
        "birth",
        "salary",
        "salaries",
        "earn",
        "earns",
        "income",
        "wealth",
        "worth",
        "rich",
        "married",
        "marry",
        "wife",
        "husband",
        "spouse",
        "children",
        "kids",
        "son",
        "daughter",
        "parents",
        "height",
        "tall",
        "weight",
        "population",
        "capital",
        "currency",
        "religion",
        "educated",
        "education",
        "university",
        "degree",
        "studied",
        "die",
        "died",
        "death",
        "dead",
        "alive",
        "buried",
        "cost",
        "costs",
        "fee",
        "fees",
        "college",
        "school",
        "graduated",
        "price",
        "prices",
        "translate",
        "translated",
        "translation",
        "charge",
        "charged",
        "bill",
        "billed",
        "weather",
        "temperature",
        "hobbies",
        "hobby",
        "favourite",
        "favorite",
        "nickname",
        "nationality",
        "currently",
        "nowadays",
        "replaced",
        "replace",
        "successor",
        "predecessor",
        "appointed",
        "elected",
        "sworn",
        "owns",
        "owner",
        "owners",
        "ownership",
        "shareholders",
        "ceo",
        "identity",
        "identities",
        "party",
        "parties",
    ];

    /// Words that frame a question about an actor, a topic or a date.
    pub const FRAME_WORDS: &[&str] = &[
        "who",
        "what",
        // "What's the JCPOA even about": emphasis, no subject.
        "even",
        "is",
        "are",
        "was",
        "were",
        "tell",
        "me",
        "about",
        "the",
        "a",
        "an",
        "explain",
        "describe",
        "whos",
        "whats",
        "info",
        "information",
        "on",
        "of",
        "in",
        "define",
        "definition",
        "meaning",
        "mean",
        "does",
        "do",
        // "What's the gas angle": the thing's part in the story.
        "angle",
        // "What was the JCPOA supposed to do", "meant to do".
        "supposed",
        "meant",
        // "Since when has CHIMNEYSWEEP been around", "how long has it
        // existed": the thing's own date.
        "since",
        "around",
        "exist",
        "exists",
        "existed",
        "did",
        "stand",
        "for",
        "know",
        "you",
        "can",
        "please",
        "more",
        "anything",
        "something",
        "give",
        "some",
        "background",
        "profile",
        "role",
        // "What's Edi Rama's job": the role a name's own text gives.
        "job",
        "title",
        "position",
        "occupation",
        "profession",
        "happened",
        "happen",
        "events",
        "event",
        "news",
        "show",
        "list",
        "during",
        "day",
        "date",
        "occurred",
        "occur",
        "took",
        "place",
        "going",
        "there",
        "again",
        "and",
        "exactly",
        "exact",
        "briefly",
        "summary",
        "summarise",
        "summarize",
        "quick",
        "overview",
        "i",
        "want",
        "to",
        "like",
        "would",
        "learn",
        "details",
        "detail",
    ];
}

#[cfg(test)]
mod tests {
    use super::super::Lang;
    use super::*;

    #[test]
    fn a_quantity_is_a_number_but_not_a_date() {
        for stated in [
            "About 3,000 MEK members live there.",
            "four groups organised and funded by Tehran",
            "the diplomats had 24 hours to leave",
            "some 30 km west of Tirana",
            "thousands of documents",
        ] {
            assert!(Lang::En.states_quantity(stated), "{stated}");
        }
        for none in [
            "On 15 July 2022 a cyberattack hit Albania.",
            "Albania cut ties on September 7, 2022, in a video.",
            "In 2006 Albania took in Uighurs, and in 2021 Afghans.",
            "Tehran denies it.",
        ] {
            assert!(!Lang::En.states_quantity(none), "{none}");
        }
    }

    #[test]
    fn inflections_agree_where_stems_overreach() {
        let same = |a: &str, b: &str| English::inflection_base(a) == English::inflection_base(b);
        for (a, b) in [
            ("attack", "attacks"),
            ("hack", "hacked"),
            ("probe", "probing"),
            ("probe", "probed"),
            ("country", "countries"),
            ("expel", "expelled"),
            ("kill", "killing"),
            ("sanction", "sanctions"),
        ] {
            assert!(same(a, b), "{a} {b}");
        }
        for (a, b) in [
            ("executed", "executive"),
            ("general", "generate"),
            ("access", "acce"),
        ] {
            assert!(!same(a, b), "{a} {b}");
        }
    }

    #[test]
    fn years_are_four_digits_of_this_or_the_last_century() {
        assert!(English::is_year("1979") && English::is_year("2026"));
        // A date filled in from the data, a year, a day by its month.
        assert!(English::states_date(r#"On {{ event("x").date | date }}."#));
        assert!(English::states_date("Albania agreed in 2013."));
        assert!(English::states_date("They left on 8 September."));
        assert!(English::states_date("më 15 korrik"));
        assert!(!English::states_date("About 3,000 members live there."));
        assert!(!English::states_date("They left within hours."));
        assert!(!English::is_year("3000") && !English::is_year("210") && !English::is_year("0842"));
    }
}
