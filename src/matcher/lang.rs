//! What the matcher knows of a language: its stemmer, stopwords, question
//! words and the words that frame a question about a name. English only
//! for now; a second language is a second value of this type.

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
const AFF: &str = include_str!("../../dict/en_US.aff");
const DIC: &str = include_str!("../../dict/en_US.dic");

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
        &["thank", "you", "very", "much"],
        &["sorry", "to", "bother", "you"],
        &["sorry", "to", "bother"],
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

    /// What an attribute word asks about, for the reply that declines it.
    pub fn attribute_noun(word: &str) -> &'static str {
        match word {
            "age" | "aged" | "old" => "age",
            "born" | "birthplace" | "birthday" | "birth" => "birthplace or birthday",
            "salary" | "salaries" | "earn" | "earns" | "income" | "wealth" | "worth" | "rich"
            | "pay" | "pays" | "paid" => "income or wealth",
            "married" | "marry" | "wife" | "husband" | "spouse" | "children" | "kids" | "son"
            | "daughter" | "parents" => "family",
            "height" | "tall" | "weight" => "height or weight",
            "population" => "population",
            "capital" => "capital",
            "currency" => "currency",
            "religion" => "religion",
            "educated" | "education" | "university" | "degree" | "studied" => "education",
            "die" | "died" | "death" | "dead" | "alive" | "buried" => "death",
            "price" | "prices" | "cost" | "costs" => "prices or costs",
            "weather" | "temperature" => "weather",
            "replaced" | "replace" | "successor" | "predecessor" => "successor",
            "currently" | "nowadays" | "now" | "today" | "current" => "situation today",
            _ => "details",
        }
    }

    /// Words that open the second question of two in one.
    pub const SPLIT_WORDS: &[&str] = &[
        "who", "what", "when", "where", "why", "how", "which", "whats", "whos", "is", "was", "did",
        "does", "do", "are", "were",
    ];

    /// Politeness that may close a question.
    pub const TRAILING: &[&str] = &["please", "pls", "plz", "thanks", "thx", "ty", "lol"];

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
        "price",
        "prices",
        "cost",
        "costs",
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
    ];

    /// Words that frame a question about an actor, a topic or a date.
    pub const FRAME_WORDS: &[&str] = &[
        "who",
        "what",
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
