//! What the matcher knows of a language: its stemmer, stopwords, question
//! words and the words that frame a question about a name. English only
//! for now; a second language is a second value of this type.

use rust_stemmers::{Algorithm, Stemmer};

/// The English the matcher reads.
pub struct English;

impl English {
    pub fn stemmer() -> Stemmer {
        Stemmer::create(Algorithm::English)
    }

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
