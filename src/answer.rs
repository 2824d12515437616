//! The one entry point both front ends call: a message in, an `Outcome` out.
//! It handles commands (`/timeline`, `/who NAME` …), numbers that pick a
//! follow-up offered by the previous reply, and questions. Pure: the chat's
//! state is passed in and the new state handed back.

use crate::command;
use crate::kb::Kb;
use crate::matcher::Lang;
use crate::matcher::{self, Decision, Target};
use crate::render::{self, Button, Reply};

/// What a chat remembers between two messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatState {
    /// Target keys of the numbered follow-ups of the last reply.
    pub offered: Vec<String>,
    /// The chat's language: its `/lang` setting, or the language of the
    /// last reply. A message whose language is clear is answered in its
    /// own; one that could be either ("MEK?") in this one.
    pub lang: Option<Lang>,
    /// The key of the actor or topic the chat last asked about: what
    /// "they" or "it" in a question that names nothing refers to.
    pub subject: Option<String>,
}

impl ChatState {
    /// A chat with nothing offered, in `lang` (its setting, or the
    /// language of its last reply) when known.
    pub fn in_lang(lang: Option<Lang>) -> ChatState {
        ChatState {
            lang,
            ..ChatState::default()
        }
    }
}

/// The answer to one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub reply: Reply,
    /// True when the reply answers from the knowledge (small talk included);
    /// false for a decline, a "did you mean" or an unknown command.
    pub matched: bool,
    /// The key of the target answered, when `matched`.
    pub intent: Option<String>,
    pub score: f32,
    /// True for a "did you mean" choice.
    pub choices: bool,
    /// True when the user asked to leave (`/quit`).
    pub quit: bool,
    /// The key of the actor or topic the question named (or, when it named
    /// none, the chat's subject before it).
    pub subject: Option<String>,
}

impl Outcome {
    /// What a set read line by line (`ask --jsonl`, `eval`) carries to
    /// the next line: the language and the subject, not the buttons (a
    /// number there is no follow-up).
    pub fn carried(&self) -> ChatState {
        ChatState {
            offered: Vec::new(),
            ..self.state()
        }
    }

    /// The chat's state after this reply.
    pub fn state(&self) -> ChatState {
        ChatState {
            offered: self.reply.related.iter().map(|b| b.key.clone()).collect(),
            lang: Some(self.reply.lang),
            subject: self.subject.clone(),
        }
    }

    fn from_reply(reply: Reply, matched: bool, intent: Option<String>, score: f32) -> Outcome {
        Outcome {
            reply,
            matched,
            intent,
            score,
            choices: false,
            quit: false,
            subject: None,
        }
    }
}

/// Answers a message, in its own language when that is clear (see
/// `matcher::detect_lang`), else in the chat's.
pub fn answer(kb: &Kb, state: &ChatState, message: &str) -> Outcome {
    answer_in(kb, state, message, None)
}

/// `answer`, in `lang` whatever the message's language when one is given
/// (`--lang`).
pub fn answer_in(kb: &Kb, state: &ChatState, message: &str, lang: Option<Lang>) -> Outcome {
    let message = message.trim();
    let chat = state.lang.unwrap_or_default();
    if let Ok(n) = message.parse::<usize>()
        && let Some(key) = n.checked_sub(1).and_then(|i| state.offered.get(i))
        // A button keeps the language of the message it sat under.
        && let Some(outcome) = answer_key(kb.in_lang(lang.unwrap_or(chat)), key)
    {
        return Outcome {
            subject: state.subject.clone(),
            ..outcome
        };
    }
    if let Some(cmd) = command::parse(message) {
        return Outcome {
            subject: state.subject.clone(),
            ..command::run(kb.in_lang(lang.unwrap_or(chat)), cmd)
        };
    }
    let lang = lang
        .or_else(|| matcher::detect_lang(kb, message))
        .unwrap_or(chat);
    let kb = kb.in_lang(lang);
    let mut outcome = answer_question(kb, message);
    if outcome.subject.is_none() {
        if !outcome.matched
            && let Some(retry) = answer_about_subject(kb, state, message)
        {
            return retry;
        }
        outcome.subject.clone_from(&state.subject);
    }
    outcome
}

/// A follow-up that names nothing and refers back ("why does Albania keep
/// hosting them", "when were those Americans killed"), asked again with the
/// chat's subject named; `None` unless that answers it.
fn answer_about_subject(kb: &Kb, state: &ChatState, message: &str) -> Option<Outcome> {
    let key = state.subject.as_deref()?;
    if !matcher::refers_back(kb.index.lang(), message) {
        return None;
    }
    let target = Target::from_key(kb, key)?;
    let named = kb.named(&target)?;
    let retry = answer_question(kb, &format!("{message} {}", named.short_name()));
    retry.matched.then_some(retry)
}

/// Answers a question (never a command). Two questions in one ("what is
/// the MEK and who leads it") get both answers in one reply when each part
/// is answered on its own.
pub fn answer_question(kb: &Kb, question: &str) -> Outcome {
    if let Some(both) = answer_both(kb, question) {
        return both;
    }
    answer_one(kb, question)
}

/// The two answers of a question made of two, or `None` when it is not
/// two questions or a part finds no answer of its own.
fn answer_both(kb: &Kb, question: &str) -> Option<Outcome> {
    let (first, second) = matcher::split_question(kb.index.lang(), question)?;
    let first_match = matcher::best_match(kb, &first);
    // The second part often speaks of the first's subject ("… and who
    // leads it"): it is asked with that subject when it names none.
    let subject = first_match.focus.as_ref().and_then(|t| kb.named(t));
    let one = outcome(kb, first_match);
    let mut two = answer_one(kb, &second);
    if !two.matched
        && let Some(named) = subject
    {
        two = answer_one(kb, &format!("{second} {}", named.short_name()));
    }
    if one.intent.is_some() && one.intent == two.intent {
        return None;
    }
    // Never half an answer: a part the sources cannot answer is said so.
    let unanswered = |part: &str| crate::i18n::texts(kb.lang).part_unanswered(part);
    let (mut reply, second_body, score) = match (one.matched, two.matched) {
        (true, true) => {
            let body = match &two.reply.title {
                Some(title) => format!("{title}: {}", two.reply.body),
                None => two.reply.body.clone(),
            };
            (one.reply, body, one.score.min(two.score))
        }
        (true, false) if !two.choices => (one.reply, unanswered(&second), one.score),
        (false, true) if !one.choices => {
            let mut reply = two.reply;
            reply.body = format!("{}\n\n{}", reply.body.trim_end(), unanswered(&first));
            return within_limit(Outcome::from_reply(reply, true, two.intent, two.score));
        }
        _ => return None,
    };
    reply.body = format!("{}\n\n{}", reply.body.trim_end(), second_body.trim_end());
    if two.matched {
        for c in two.reply.sources {
            if !reply.sources.contains(&c) {
                reply.sources.push(c);
            }
        }
        for b in two.reply.related {
            if !reply.related.iter().any(|r| r.key == b.key) {
                reply.related.push(b);
            }
        }
    }
    within_limit(Outcome::from_reply(reply, true, one.intent, score))
}

/// The longest reply two answers in one may make: past it, the question is
/// answered whole instead (no answer dumps).
const MAX_COMBINED_CHARS: usize = 1500;

fn within_limit(outcome: Outcome) -> Option<Outcome> {
    (outcome.reply.to_plain().chars().count() <= MAX_COMBINED_CHARS).then_some(outcome)
}

/// Answers one question.
fn answer_one(kb: &Kb, question: &str) -> Outcome {
    outcome(kb, matcher::best_match(kb, question))
}

/// The reply to what the matcher decided.
fn outcome(kb: &Kb, m: matcher::Match) -> Outcome {
    let score = m.score();
    let subject = m
        .focus
        .as_ref()
        .filter(|t| matches!(t, Target::Actor(_) | Target::Topic(_)))
        .map(|t| t.key(kb));
    let mut outcome = match m.decision {
        Decision::Answer(target) => {
            let mut reply = render::render(kb, &target);
            // The runner-up, when it is a real alternative, is offered first.
            if let Some(second) = m.candidates.get(1)
                && second.target != target
                && second.score >= matcher::ANSWER_THRESHOLD
                && score - second.score <= matcher::RUNNER_UP_BAND
            {
                let button = render::button(kb, &second.target);
                reply.related.retain(|b| b.key != button.key);
                reply.related.insert(0, button);
            }
            Outcome::from_reply(reply, true, Some(target.key(kb)), score)
        }
        Decision::Choices(choices) => {
            let related: Vec<Button> = choices.iter().map(|t| render::button(kb, t)).collect();
            let body = if related.len() == 1 {
                crate::i18n::texts(kb.lang).did_you_mean_one
            } else {
                crate::i18n::texts(kb.lang).did_you_mean_many
            };
            let reply = Reply {
                lang: kb.lang,
                title: None,
                body: body.to_string(),
                sources: Vec::new(),
                related,
            };
            Outcome {
                choices: true,
                ..Outcome::from_reply(reply, false, None, score)
            }
        }
        Decision::Decline => match &m.focus {
            Some(named) => decline_about(kb, score, named, m.missing),
            None => decline(kb, score),
        },
    };
    outcome.subject = subject;
    outcome
}

/// The decline of a question about a known name that the knowledge cannot
/// answer: says so, and points at what is known about the name first.
fn decline_about(kb: &Kb, score: f32, named: &Target, missing: Option<&str>) -> Outcome {
    let Some(name) = kb.named(named).map(|n| n.name) else {
        return decline(kb, score);
    };
    let body = crate::i18n::texts(kb.lang).decline_about(name, missing);
    let mut related = vec![render::button(kb, named)];
    related.extend(render::buttons(kb, &kb.bot.suggestions));
    related.dedup_by(|a, b| a.key == b.key);
    let reply = Reply {
        lang: kb.lang,
        title: None,
        body,
        sources: Vec::new(),
        related,
    };
    Outcome::from_reply(reply, false, None, score)
}

/// Answers a target key directly (a button press, a number, a deep link).
pub fn answer_key(kb: &Kb, key: &str) -> Option<Outcome> {
    let target = Target::from_key(kb, key)?;
    Some(Outcome::from_reply(
        render::render(kb, &target),
        true,
        Some(target.key(kb)),
        1.0,
    ))
}

/// The honest "I don't know", with pointers to what the bot does know.
pub fn decline(kb: &Kb, score: f32) -> Outcome {
    let reply = Reply {
        lang: kb.lang,
        title: None,
        body: kb.bot.decline.clone(),
        sources: Vec::new(),
        related: render::buttons(kb, &kb.bot.suggestions),
    };
    Outcome::from_reply(reply, false, None, score)
}

/// The best few answers to a question, best first, for inline mode: every
/// candidate that would at least be offered as a choice.
pub fn best_answers(kb: &Kb, question: &str, limit: usize) -> Vec<(String, Reply)> {
    matcher::best_match(kb, question)
        .candidates
        .iter()
        .filter(|c| c.score >= matcher::CHOICE_THRESHOLD)
        .take(limit)
        .map(|c| (c.target.key(kb), render::render(kb, &c.target)))
        .collect()
}
