//! Turns a question into a decision: answer one target, offer a few "did you
//! mean" choices, or decline. Pure and deterministic: no I/O, no clock, no
//! randomness, and it cannot fail — a question it does not understand is a
//! `Decision::Decline`, not an error.
//!
//! The pipeline for a question, one stage a file (see `docs/knowledge.md`,
//! "How intents are ranked"):
//! 1. `normalise`: `text::fold`, split into words, words the knowledge does
//!    not know corrected to a known word one or two edits away, stems
//!    (Snowball, from `lang`), lexicon variants rewritten to their canonical
//!    term, longest phrase first;
//! 2. `analyse`: what the question is — greetings and fillers around it, its
//!    kind (who, when, why …), the names and dates it focuses on, the
//!    attributes it asks about;
//! 3. `candidates`: which intents can score at all (patterns that fire,
//!    examples sharing a stem, keyword gates), and the entities named;
//! 4. `score`: every candidate from its keywords, its examples (TF-IDF
//!    cosine), its patterns and its coverage of the question's words, with
//!    actors, topics and dates as built-in candidates;
//! 5. `decide`: thresholds and a margin.
//!
//! Every weight and threshold lives in `weights`. `index` is what the
//! stages read, built once at load; `patterns` holds the regex machinery.

mod analyse;
mod candidates;
mod decide;
mod index;
mod lang;
mod normalise;
mod patterns;
mod retrieve;
mod score;
mod weights;

pub use analyse::{Analysis, QuestionKind, split_question};
pub use index::Index;
pub use lang::Lang;
pub use normalise::{Prepared, WordKind};
pub(crate) use patterns::{Pattern, PatternError};
pub(crate) use patterns::{ascii_boundaries, compile_pattern_within};
pub use weights::{ANSWER_THRESHOLD, CHOICE_THRESHOLD, CONFIDENT, MARGIN, RUNNER_UP_BAND};

use crate::dates::DateQuery;
use crate::kb::EntityKind;
use crate::kb::Kb;
use lang::{Albanian, English};

/// What a question can be answered with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// An intent, by index into `Kb::intents`.
    Intent(usize),
    /// An actor, by index into `Kb::actors` (built-in `lookup`).
    Actor(usize),
    /// A topic, by index into `Kb::topics` (built-in `lookup`).
    Topic(usize),
    /// The events on a date (built-in `on-date`).
    Date(DateQuery),
    /// One event, by index into `Kb::events`.
    Event(usize),
    /// What the acronym of an actor or a topic (`Actor` or `Topic`) stands
    /// for (built-in, from its `stands_for`).
    StandsFor(Box<Target>),
}

impl Target {
    /// A stable, short key: the intent id, `lookup:ID`, `on-date:2022-09-10`
    /// or `event:ID`. Callback buttons and `ask --json` carry it.
    pub fn key(&self, kb: &Kb) -> String {
        match self {
            Target::Intent(i) => kb.intents[*i].id.clone(),
            Target::Actor(i) => format!("lookup:{}", kb.actors[*i].id),
            Target::Topic(i) => format!("lookup:{}", kb.topics[*i].id),
            Target::Date(q) => format!("on-date:{}", q.key()),
            Target::Event(i) => format!("event:{}", kb.events[*i].id),
            Target::StandsFor(named) => match named.as_ref() {
                Target::Actor(i) => format!("stands-for:{}", kb.actors[*i].id),
                Target::Topic(i) => format!("stands-for:{}", kb.topics[*i].id),
                other => other.key(kb),
            },
        }
    }

    /// Parses what `key` wrote. `None` for an unknown id.
    pub fn from_key(kb: &Kb, key: &str) -> Option<Target> {
        if let Some(id) = key.strip_prefix("lookup:") {
            if let Some(i) = kb.actors.iter().position(|a| a.id == id) {
                return Some(Target::Actor(i));
            }
            return kb.topics.iter().position(|t| t.id == id).map(Target::Topic);
        }
        if let Some(date) = key.strip_prefix("on-date:") {
            return DateQuery::from_key(date).map(Target::Date);
        }
        if let Some(id) = key.strip_prefix("stands-for:") {
            let named = Target::from_key(kb, &format!("lookup:{id}"))?;
            return kb
                .stands_for(&named)
                .is_some()
                .then(|| Target::StandsFor(Box::new(named)));
        }
        if let Some(id) = key.strip_prefix("event:") {
            return kb.events.iter().position(|e| e.id == id).map(Target::Event);
        }
        kb.intent_ix.get(key).map(|&i| Target::Intent(i))
    }

    fn is_builtin(&self) -> bool {
        !matches!(self, Target::Intent(_))
    }
}

/// Why a candidate scored what it did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Parts {
    pub keywords: f32,
    pub examples: f32,
    pub pattern: bool,
    pub coverage: f32,
    /// For an event: the share of the question's content words its title
    /// says, which breaks ties between events.
    pub title: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub target: Target,
    pub score: f32,
    pub parts: Parts,
    /// Indices (into the intent's `patterns`) of the patterns that fired.
    pub fired: Vec<usize>,
}

impl Candidate {
    /// A built-in candidate: its score is all coverage.
    pub(crate) fn builtin(target: Target, score: f32) -> Candidate {
        Candidate {
            target,
            score,
            parts: Parts {
                coverage: score,
                ..Parts::default()
            },
            fired: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Answer(Target),
    /// A near tie, or nothing good enough but something close.
    Choices(Vec<Target>),
    Decline,
}

/// The decision together with how it was reached (for `explain`).
#[derive(Debug, Clone)]
pub struct Match {
    /// The question as matched: without the greetings around it.
    pub prepared: Prepared,
    pub analysis: Analysis,
    /// Best first; at most a dozen.
    pub candidates: Vec<Candidate>,
    pub decision: Decision,
    /// The actor or topic the question names first, if any: what a decline
    /// points at.
    pub focus: Option<Target>,
    /// When declined: what the question asked of its focus that the
    /// knowledge does not have ("age", "full name"), if that is why.
    pub missing: Option<&'static str>,
    /// What every candidate kept for names English knows and the knowledge
    /// does not (1 when there are none).
    pub unknown_names: f32,
    /// How much the two best candidates' texts say the same (see
    /// `decide`).
    pub alike: f32,
}

impl Match {
    /// The winning candidate's score, or the best score when nothing won.
    pub fn score(&self) -> f32 {
        self.candidates.first().map_or(0.0, |c| c.score)
    }
}

/// Words that open a clause about what comes before them.
const RELATIVE_WORDS: &[&str] = &["who", "that", "which", "whom", "qe", "cili", "cila"];

/// Decides what answers `question`.
pub fn best_match(kb: &Kb, question: &str) -> Match {
    let index = &kb.index;
    let question = index.lang.expand_contractions(question);
    let folded = index.lang.expand_chat(&crate::text::fold(&question));
    let question = folded.as_str();
    let words: Vec<String> = folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut analysis = analyse::analyse(index.lang, &words);
    // What "how many" counts, as the knowledge's counts are marked: by its
    // stem after the lexicon.
    analysis.counted = analysis
        .counted
        .iter()
        .map(|n| index.count_marker(n))
        .collect();
    // Greetings and politeness around a question are not part of it; a
    // message that is nothing but them is small talk, matched whole.
    let mut prepared = if analysis.only_discourse(words.len()) || analysis.lead + analysis.tail == 0
    {
        index.prepare(question, true)
    } else {
        let body = words[analysis.lead..words.len() - analysis.tail].join(" ");
        index.prepare(&body, true)
    };
    // The names the question mentions: built-in candidates, and its focus.
    let named = index.find_entities(&prepared.stems);
    // "How old is the MEK": the age of a thing is when it was founded or
    // first seen; only a person's age is one the sources do not give. A
    // country's founding is not in them either.
    let thing = named.iter().find_map(|(_, t)| match t {
        Target::Topic(_) => Some(true),
        Target::Actor(i) => Some(!matches!(
            kb.actors[*i].kind,
            EntityKind::Person | EntityKind::Country
        )),
        _ => None,
    });
    let age = |a: &String| index.lang.attribute_key(a) == "age";
    if thing == Some(true) && analysis.attributes.iter().any(age) {
        // The age word asks "when", as a question word does (kinds go
        // with the stems, after the lexicon's rewriting).
        let age_stems: Vec<String> = analysis
            .attributes
            .iter()
            .filter(|a| age(a))
            .map(|a| index.stem(a))
            .collect();
        for (stem, kind) in prepared.stems.iter().zip(&mut prepared.kinds) {
            if age_stems.contains(stem) {
                *kind = WordKind::Question;
            }
        }
        analysis.attributes.retain(|a| !age(a));
        analysis
            .attributes
            .push(index.lang.founded_word().to_string());
        analysis.kind = analyse::QuestionKind::When;
    }
    let mut candidates = score::score_intents(kb, &prepared, &analysis);
    // A word of the description that named something is part of that name,
    // not an attribute asked of it ("who is Albania's leader").
    let asks_more = !analysis.attributes.is_empty() || analysis.office.is_some();
    let described: Vec<&Vec<String>> = named
        .iter()
        .filter(|_| asks_more)
        .filter_map(|(_, target)| index.descriptions.get(target))
        .flatten()
        .filter(|d| prepared.words.windows(d.len()).any(|w| w == d.as_slice()))
        .collect();
    let in_description = |w: &str| described.iter().any(|d| d.iter().any(|dw| dw == w));
    analysis.attributes.retain(|a| !in_description(a));
    if analysis
        .office
        .as_ref()
        .is_some_and(|o| in_description(&o.word))
    {
        analysis.office = None;
    }
    let mut focus = named
        .iter()
        .map(|(_, target)| target)
        .find(|t| matches!(t, Target::Actor(_) | Target::Topic(_)))
        .cloned();
    // For an office asked about: the countries and bodies the question
    // names (with the words naming them), and the people it names (by an
    // alias such as "Albania's foreign minister").
    let mut owners: Vec<(usize, &[String])> = Vec::new();
    let mut people: Vec<usize> = Vec::new();
    if let Some(office) = &analysis.office {
        // Not the names of a clause about the holder ("the NSC spokesperson
        // who said Iran did it": Iran does not own the office).
        let word = index.stem(&office.word);
        let clause = prepared
            .stems
            .iter()
            .position(|s| *s == word)
            .and_then(|at| {
                let after = prepared.stems.get(at + 1..)?;
                let relative = after
                    .iter()
                    .position(|s| RELATIVE_WORDS.contains(&s.as_str()))?;
                Some(at + 1 + relative)
            })
            .unwrap_or(usize::MAX);
        for (span, target) in named.iter().filter(|(span, _)| span.start < clause) {
            if let Target::Actor(i) = *target {
                if kb.actors[i].kind == EntityKind::Person {
                    people.push(i);
                } else {
                    owners.push((i, &prepared.stems[span.clone()]));
                }
            }
        }
    }
    candidates.extend(score::builtin_candidates(kb, &prepared, &analysis, &named));
    let unknown = score::unknown_names(index, &prepared);
    candidates.extend(score::event_candidates(kb, &prepared, &analysis, &named));
    // Named things by their own text, and whole summaries, only when
    // nothing else would answer: they know many words, and an intent or a
    // name that fits answers better. A name whose own text knows the whole
    // question competes always.
    let fallback = candidates
        .iter()
        .all(|c| c.score * unknown < weights::ANSWER_THRESHOLD);
    candidates.extend(score::named_text_candidates(
        kb, &prepared, &analysis, &named, fallback,
    ));
    if fallback {
        candidates.extend(retrieve::summary_candidates(kb, &prepared, &analysis));
        candidates.extend(retrieve::figure_candidates(kb, &prepared));
    }
    for c in &mut candidates {
        c.score *= unknown;
    }
    candidates.retain(|c| c.score >= weights::MIN_CANDIDATE);
    candidates.sort_by(|a, b| rank(kb, a, b));
    // One target found two ways (a name, and its summary) keeps its best.
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|c| seen.insert(c.target.clone()));
    candidates.truncate(weights::MAX_CANDIDATES);
    // How much the two leaders' texts say the same: two answers on one
    // matter are no real choice.
    let alike = match &candidates[..] {
        [first, second, ..] => index.full_text.overlap(&first.target, &second.target),
        _ => 0.0,
    };
    let mut decision = decide::decide(&candidates, alike);
    let mut missing = None;
    // "What does MEK stand for": answered from the name's `stands_for`, or
    // declined honestly when the sources do not spell it out.
    if analysis.expansion
        && let Some(named) = &focus
    {
        if kb.stands_for(named).is_some() {
            let target = Target::StandsFor(Box::new(named.clone()));
            candidates.insert(0, Candidate::builtin(target.clone(), 1.0));
            decision = Decision::Answer(target);
        } else {
            decision = Decision::Decline;
            missing = Some("full name");
        }
    }
    // "Who is Iran's foreign minister": only a person whose role names the
    // office and whose office it is answers; where the knowledge has no
    // such person, the sources do not name the holder. Where exactly one
    // person holds it, that person answers, as one the question names by
    // that office does. Where the question names no one ("who's the PM"),
    // the story's one holder of the office answers, if it has exactly one
    // and the question names nothing the knowledge does not know;
    // otherwise it stays as decided.
    if let Some(office) = &analysis.office {
        let everyone: Vec<usize> = (0..kb.actors.len()).collect();
        let names_none = owners.is_empty() && people.is_empty();
        let holders = if !owners.is_empty() {
            office_holders(kb, &everyone, &owners, office)
        } else if !people.is_empty() {
            office_holders(kb, &people, &[], office)
        } else {
            office_holders(kb, &everyone, &[], office)
        };
        match holders[..] {
            [] if !names_none => {
                decision = Decision::Decline;
                missing = Some(index.lang.attribute_key(&office.word));
            }
            // Not when the question asks more of the holder ("now", a
            // year): that stays as decided.
            [holder]
                if analysis.attributes.iter().all(|a| *a == office.word)
                    && analysis.years.is_empty()
                    && (!names_none || unknown == 1.0) =>
            {
                let target = Target::Actor(holder);
                if !candidates.iter().any(|c| c.target == target) {
                    candidates.insert(0, Candidate::builtin(target.clone(), 1.0));
                }
                decision = Decision::Answer(target);
            }
            _ => {}
        }
    }
    // "When did X …" that nothing answers: X's events that know the rest.
    // A country is the setting of most questions ("the advisory on
    // Albania"): the other names are tried first.
    if analysis.kind == analyse::QuestionKind::When
        && !matches!(decision, Decision::Answer(_))
        && analysis.attributes.iter().all(|a| a == English::DATE)
        && analysis.years.is_empty()
    {
        let country =
            |t: &Target| matches!(t, Target::Actor(i) if kb.actors[*i].kind == EntityKind::Country);
        let mut names: Vec<&(std::ops::Range<usize>, Target)> = named
            .iter()
            .filter(|(_, t)| matches!(t, Target::Actor(_) | Target::Topic(_)))
            .collect();
        names.sort_by_key(|(_, t)| country(t));
        let events = names
            .iter()
            .map(|(span, name)| retrieve::dated_events(kb, &prepared, name, span.clone()))
            .find(|events| !events.is_empty())
            .unwrap_or_default();
        match &events[..] {
            [] => {}
            [one] => {
                candidates.insert(
                    0,
                    Candidate::builtin(one.clone(), weights::ANSWER_THRESHOLD),
                );
                decision = Decision::Answer(one.clone());
            }
            _ => decision = Decision::Choices(events),
        }
    }
    // A name the question asks about that the chosen answer never speaks
    // of ("what did Russia say when Albania cut ties"): the answer is about
    // something else. The honest reply declines, pointing at the name.
    if let Decision::Answer(Target::Intent(i)) = decision
        && let Some((_, stranger)) = named.iter().find(|(span, t)| {
            let as_named = &prepared.stems[span.clone()];
            matches!(t, Target::Actor(_))
                && !index.intent_mentions(i, t, as_named)
                && index.is_side_name(t, as_named)
        })
    {
        focus = Some(stranger.clone());
        decision = Decision::Decline;
    }
    // A name or a date alone among the choices, of a question every word
    // of which the knowledge knows and that asks nothing of it beyond a
    // figure or a date: what it says of itself is the answer ("what did
    // Berisha offer originally"). A word the knowledge never uses ("does
    // Rama paint") keeps it an offer.
    if let Decision::Choices(choices) = &decision
        && let [only] = &choices[..]
        && decide::answers_alone(kb, only, &prepared, &analysis, &named)
    {
        decision = Decision::Answer(only.clone());
    }
    // An attribute of a named actor or topic that only one weak candidate
    // touches: the honest reply is the decline that points at the name.
    if let Decision::Choices(choices) = &decision
        && choices.len() == 1
        && focus.is_some()
        && !analysis.attributes.is_empty()
    {
        decision = Decision::Decline;
    }
    if decision == Decision::Decline && missing.is_none() {
        missing = analysis
            .attributes
            .first()
            .map(|a| index.lang.attribute_key(a));
    }
    Match {
        prepared,
        analysis,
        candidates,
        decision,
        focus,
        missing,
        unknown_names: unknown,
        alike,
    }
}

/// The people among `among` whose role (in the knowledge's language) names
/// `office` (and the word narrowing it) together with every one of
/// `owners` (as the question names it, or by name, alias or description):
/// "Iran's Minister of Intelligence" holds Iran's intelligence minister,
/// not Iran's foreign minister; a deputy secretary general does not hold
/// the office of secretary general, unless the question asks for one.
fn office_holders(
    kb: &Kb,
    among: &[usize],
    owners: &[(usize, &[String])],
    office: &analyse::Office,
) -> Vec<usize> {
    let index = &kb.index;
    let stems = |text: &str| -> std::collections::HashSet<String> {
        crate::text::fold(text)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| index.stem(w))
            .collect()
    };
    let qualifiers: Vec<String> = index
        .lang
        .office_qualifiers()
        .iter()
        .filter(|q| office.modifier.as_deref() != Some(**q))
        .map(|q| index.stem(q))
        .collect();
    let holds = |role: &str| {
        let role = stems(role);
        let has = |w: &str| role.contains(&index.stem(w));
        has(&office.word)
            && office.modifier.as_deref().is_none_or(has)
            && !qualifiers.iter().any(|q| role.contains(q))
            && owners.iter().all(|&(o, as_named)| {
                let owner = &kb.actors[o];
                let named = !as_named.is_empty() && as_named.iter().all(|s| role.contains(s));
                named
                    || std::iter::once(&owner.name)
                        .chain(&owner.aliases)
                        .chain(&owner.descriptions)
                        .any(|n| {
                            let n = stems(n);
                            !n.is_empty() && n.iter().all(|s| role.contains(s))
                        })
            })
    };
    among
        .iter()
        .copied()
        .filter(|&i| kb.actors[i].kind == EntityKind::Person)
        .filter(|&i| kb.actors[i].role.as_deref().is_some_and(holds))
        .collect()
}

/// Score first, then (between events) how much of the question the title
/// says, then the intent's priority, then its specificity (keyword
/// weight), then the key: never the order of files.
fn rank(kb: &Kb, a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    let intent = |c: &Candidate| match c.target {
        Target::Intent(i) => Some(&kb.intents[i]),
        _ => None,
    };
    let priority = |c: &Candidate| intent(c).map_or(0, |i| i.priority);
    let weight =
        |c: &Candidate| intent(c).map_or(0.0, |i| i.keywords.iter().map(|k| k.weight).sum::<f32>());
    b.score
        .total_cmp(&a.score)
        .then_with(|| b.parts.title.total_cmp(&a.parts.title))
        .then_with(|| priority(b).cmp(&priority(a)))
        .then_with(|| weight(b).total_cmp(&weight(a)))
        .then_with(|| a.target.key(kb).cmp(&b.target.key(kb)))
}

/// Whether a question refers back to something said before: it holds one
/// of the language's pronouns for it ("they", "them", "ata").
pub fn refers_back(lang: Lang, question: &str) -> bool {
    let folded = crate::text::fold(question);
    folded.split(' ').any(|w| lang.anaphors().contains(&w))
}

/// The language a message is written in, from its own words: `None` when
/// they could be either (a name alone, an acronym, a date), for the chat's
/// language to decide.
///
/// The evidence for each language is the matcher's own: a word is
/// Albanian evidence when Albanian's function words, question words or
/// greetings have it, or the Albanian knowledge knows it and the English
/// does not; English evidence when English's stopwords, question words or
/// dictionary have it and Albanian's knowledge does not. "ë" and "ç"
/// count for Albanian. Measured on short questions in `tests/it/lang.rs`,
/// against a compiled-in detector's accuracy reported in the closing note.
pub fn detect_lang(kb: &Kb, message: &str) -> Option<Lang> {
    let sq = kb.in_lang(Lang::Sq);
    if sq.lang != Lang::Sq {
        return None;
    }
    let en = kb.in_lang(Lang::En);
    // A contraction ("ç'ndodhi", "s'ka") is read spelled out.
    let message = &*Lang::Sq.expand_contractions(message);
    let known_to_both = |w: &str| sq.index.vocab.contains_key(w) && en.index.vocab.contains_key(w);
    // "ë" and "ç" outside the names both languages share ("Xhaçka").
    let mut sq_score: usize = message
        .split_whitespace()
        .filter(|raw| raw.chars().any(|c| matches!(c, 'ë' | 'Ë' | 'ç' | 'Ç')))
        .filter(|raw| !crate::text::fold(raw).split(' ').all(known_to_both))
        .count()
        * 2;
    let mut en_score = 0;
    let folded = crate::text::fold(message);
    // Numbers and dates belong to neither.
    let words: Vec<&str> = folded
        .split(' ')
        .filter(|w| !w.is_empty() && !w.chars().any(|c| c.is_ascii_digit()))
        .collect();
    for (i, &w) in words.iter().enumerate() {
        // "ça" before a verb ("zeroclear ça është").
        let ca_what = Albanian::ca_asks_what(&words, i);
        let in_sq = sq.index.vocab.contains_key(w);
        let in_en = en.index.vocab.contains_key(w);
        // The dictionary only for a word neither knowledge knows (it is
        // the costly check).
        let english = || in_en || (!in_sq && English::is_word(w));
        let sq_word = Lang::Sq.is_stopword(w)
            || Lang::Sq.is_question_word(w)
            || Lang::Sq.chat_spelling(w, i == 0).is_some()
            || ca_what
            || (Lang::Sq.is_discourse_word(w) && !english())
            || (in_sq && !in_en);
        let en_word = crate::text::is_stopword(w)
            || crate::text::is_question_word(w)
            || (!in_sq && english());
        match (sq_word, en_word) {
            (true, false) => sq_score += 1,
            (false, true) => en_score += 1,
            _ => {}
        }
    }
    match sq_score.cmp(&en_score) {
        std::cmp::Ordering::Greater => Some(Lang::Sq),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}
