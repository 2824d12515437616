//! Stage 5, decide: answer the leader, offer choices when answers tie, or
//! decline.

use super::weights::*;
use super::{Candidate, Decision, Target};

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
