//! Stage 2, analyse: what the question is, beside its words.

use super::normalise::Prepared;

/// What the stages after normalisation know of the question.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// The kind of answer asked for.
    pub kind: QuestionKind,
}

/// The kind of answer a question asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum QuestionKind {
    Who,
    When,
    Where,
    Why,
    How,
    HowMany,
    YesNo,
    /// "what is", "tell me about", or no question word.
    #[default]
    What,
}

/// Analyses a prepared question.
pub fn analyse(_q: &Prepared) -> Analysis {
    Analysis::default()
}
