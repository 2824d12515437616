//! Stage 5, decide: answer the leader, offer choices when answers tie, or
//! decline.

use super::analyse::{Analysis, QuestionKind};
use super::lang::English;
use super::normalise::Prepared;
use super::weights::*;
use super::{Candidate, Decision, Target};
use crate::kb::Kb;

/// `alike` is how much the texts of the two best candidates say the same
/// (`FullText::overlap`): a tie between two answers on one matter is
/// answered by the leader, the other offered beside it.
pub(super) fn decide(candidates: &[Candidate], alike: f32) -> Decision {
    let Some(top) = candidates.first() else {
        return Decision::Decline;
    };
    let runner_up = candidates.get(1).map_or(0.0, |c| c.score);
    // A name or a date alone is clear; events can tie like intents.
    let named = top.target.is_builtin() && !matches!(top.target, Target::Event(_));
    let clear =
        top.score >= CONFIDENT || top.score - runner_up >= MARGIN || named || alike >= SAME_MATTER;
    if top.score >= ANSWER_THRESHOLD && clear {
        return Decision::Answer(top.target.clone());
    }
    if top.score >= CHOICE_THRESHOLD {
        let floor = CHOICE_THRESHOLD.max(top.score - CHOICE_BAND);
        let choices: Vec<Target> = candidates
            .iter()
            .filter(|c| c.score >= floor)
            .take(MAX_CHOICES)
            .map(|c| c.target.clone())
            .collect();
        // A single weak option stays an offer ("did you mean"), never a
        // confident answer: answering it declined far fewer out-of-scope
        // questions on the blind sets.
        if choices.len() == 1 && top.score >= ANSWER_THRESHOLD {
            return Decision::Answer(top.target.clone());
        }
        return Decision::Choices(choices);
    }
    Decision::Decline
}

/// Whether a name or a date offered alone answers. Only when the question
/// is no "how" or "why" (a name's text says what it is, as an event's says
/// what happened, not how); asks nothing of it beyond a figure or a date
/// (no "age", no "wife", no office, no year it never names, no count of a
/// thing it never counts); has only words the knowledge uses ("does Rama
/// paint" stays an offer); and names nothing else that the name's own
/// text does not speak of ("is the MEK funded by Saudi Arabia" is not
/// answered by Saudi Arabia). Then what it says of itself is the answer:
/// "what did Berisha offer originally", "what got hit in December 2023".
pub(super) fn answers_alone(
    kb: &Kb,
    only: &Target,
    q: &Prepared,
    a: &Analysis,
    named: &[(std::ops::Range<usize>, Target)],
) -> bool {
    let index = &kb.index;
    let figure_or_date = |attribute: &String| {
        attribute == English::QUANTITY
            || attribute == English::DATE
            || attribute.starts_with(English::COUNT)
    };
    // What the name's own text knows; a date has no text.
    let vocab = index.lookup_vocab.get(only);
    let knows = |stem: &str| vocab.is_some_and(|v| v.contains(stem));
    matches!(only, Target::Actor(_) | Target::Topic(_) | Target::Date(_))
        && a.office.is_none()
        && !matches!(a.kind, QuestionKind::How | QuestionKind::Why)
        && a.attributes.iter().all(figure_or_date)
        && (a.counted.is_empty() || a.counted.iter().any(|m| knows(m)))
        && (matches!(only, Target::Date(_)) || a.years.iter().all(|y| knows(y)))
        && q.content().all(|(_, stem)| index.stem_id(stem).is_some())
        && named
            .iter()
            .filter(|(_, t)| t != only && matches!(t, Target::Actor(_) | Target::Topic(_)))
            .all(|(span, _)| q.stems[span.clone()].iter().all(|s| knows(s)))
}
