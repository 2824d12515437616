//! Stage 4, score: each candidate intent from its keywords, examples,
//! patterns and coverage of the question; actors, topics and dates named in
//! the question as built-in candidates.

use rustc_hash::FxHashSet as HashSet;

use super::analyse::{Analysis, QuestionKind};
use super::index::IdGroup;
use super::lang::English;
use super::normalise::Prepared;
use super::weights::*;
use super::{Candidate, Parts, Target};
use crate::dates;
use crate::kb::{EntityKind, Kb};

/// How well a candidate agrees with the analysis: a penalty when it does
/// not answer the kind of question asked, and one for each attribute it
/// knows nothing of ("how old is X" of an intent that never speaks of age).
pub(super) fn agreement(a: &Analysis, kinds: &[QuestionKind], knows: impl Fn(&str) -> bool) -> f32 {
    let mut factor = 1.0;
    // Only a candidate that answers specific kinds alone can disagree: one
    // whose examples include "what" or yes/no questions explains its matter.
    let general = kinds.iter().any(|k| !k.is_specific());
    if a.kind.is_specific() && !kinds.is_empty() && !general && !kinds.contains(&a.kind) {
        factor *= KIND_MISMATCH;
    }
    for attribute in &a.attributes {
        if !knows(attribute) {
            factor *= ATTRIBUTE_UNKNOWN;
        }
    }
    // What "how many" counts: any one of its markers.
    if !a.counted.is_empty() && !a.counted.iter().any(|m| knows(m)) {
        factor *= COUNT_UNKNOWN;
    }
    for year in &a.years {
        if !knows(year) {
            factor *= YEAR_UNKNOWN;
        }
    }
    // A month is often only the setting ("did the July attack succeed",
    // of an answer that names no month): only a candidate that names other
    // months, and not this one, is about another time.
    if !a.months.is_empty() {
        let names_months = knows(super::lang::ANY_MONTH);
        for month in &a.months {
            if names_months && !knows(month) {
                factor *= MONTH_UNKNOWN;
            }
        }
    }
    factor
}

pub(super) fn score_intents(kb: &Kb, q: &Prepared, a: &Analysis) -> Vec<Candidate> {
    let index = &kb.index;
    let mut fired = index.fired_patterns(q);
    let query = index.query_weights(q);
    let sims = index.example_similarity(&query);
    // The question's weighted stems as ids, for gated intents' examples.
    let mut query_ids: Vec<(u32, f32)> = query
        .0
        .iter()
        .filter_map(|&(s, w)| index.stem_id(s).map(|id| (id, w)))
        .collect();
    query_ids.sort_unstable_by_key(|&(id, _)| id);
    let content: Vec<&str> = q.content().map(|(_, s)| s).collect();
    let mut present: Vec<&str> = q.stems.iter().map(String::as_str).collect();
    present.sort_unstable();
    present.dedup();
    let mut present_ids: Vec<u32> = present.iter().filter_map(|s| index.stem_id(s)).collect();
    present_ids.sort_unstable();
    let content_ids: Vec<Option<u32>> = content.iter().map(|s| index.stem_id(s)).collect();

    // Only an intent with a fired pattern, an example sharing a stem or a
    // keyword term whose first stem is present can score above zero, and
    // only if its gate (one required keyword group) can match: the others
    // would score zero and be dropped, so they are not scored at all.
    // Gated intents are listed under their gate's stems only, so every one
    // found there passes its gate; from patterns and examples only ungated
    // intents are taken (a gated one whose gate matched is found anyway).
    let mut candidates: Vec<usize> = fired
        .keys()
        .copied()
        .chain(sims.iter().map(|&(i, _)| i))
        .filter(|&i| index.gates[i].is_none())
        .collect();
    for s in &present {
        if let Some(owners) = index.keyword_owners.get(*s) {
            candidates.extend(owners.iter().map(|&i| i as usize));
        }
    }
    candidates.sort_unstable();
    candidates.dedup();

    candidates
        .into_iter()
        .map(|i| {
            let intent = &kb.intents[i];
            let fired: Vec<usize> = fired.remove(&i).unwrap_or_default();
            let pattern = !fired.is_empty();
            let (keywords, required_ok) =
                keyword_score(&index.intent_groups[i], &present_ids, &q.stems);
            let examples = if index.gates[i].is_none() {
                sims.binary_search_by_key(&i, |&(j, _)| j)
                    .map_or(0.0, |k| sims[k].1)
            } else {
                index.intent_similarity(i, &query_ids, query.1)
            };
            let known = content_ids
                .iter()
                .filter(|&&id| index.intent_knows(i, id))
                .count();
            let coverage = if content.is_empty() {
                1.0
            } else {
                known as f32 / content.len() as f32
            };
            let parts = Parts {
                keywords,
                examples,
                pattern,
                coverage,
                title: 0.0,
            };
            let score = if !required_ok {
                0.0
            } else {
                let kw = if intent.keywords.is_empty() {
                    examples
                } else {
                    keywords
                };
                let bonus = if pattern { PATTERN_BONUS } else { 0.0 };
                let base = KEYWORD_SHARE * kw + EXAMPLE_SHARE * examples + bonus;
                let knows = |w: &str| index.intent_knows(i, index.stem_id(&index.stem(w)));
                base.min(1.0)
                    * (COVERAGE_FLOOR + (1.0 - COVERAGE_FLOOR) * coverage)
                    * agreement(a, &index.intent_kinds[i], knows)
            };
            Candidate {
                target: Target::Intent(i),
                score,
                parts,
                fired,
            }
        })
        .collect()
}

/// The matched share of keyword weight, and whether every required group
/// matched. `present` are the ids of the question's stems, sorted.
fn keyword_score(groups: &[IdGroup], present: &[u32], stems: &[String]) -> (f32, bool) {
    let mut total = 0.0;
    let mut matched = 0.0;
    let mut required_ok = true;
    for group in groups {
        total += group.weight;
        let hit = group
            .singles
            .iter()
            .any(|id| present.binary_search(id).is_ok())
            || group
                .runs
                .iter()
                .any(|run| stems.windows(run.len()).any(|w| w == &run[..]));
        if hit {
            matched += group.weight;
        } else if group.required {
            required_ok = false;
        }
    }
    let score = if total > 0.0 { matched / total } else { 0.0 };
    (score, required_ok)
}

/// A penalty for each name in the question that English knows and the
/// knowledge does not ("who is germany's foreign minister"): the question
/// is about something the sources do not cover. Two words running that
/// the knowledge never uses, in any form, count as one more such name
/// ("the colonial pipeline attack"): one such word is often a question's
/// own wording, two together mostly a thing the story does not have.
/// The same for every candidate, so applied to all at once.
pub(super) fn unknown_names(index: &super::index::Index, q: &Prepared) -> f32 {
    let unknown = q.words.iter().filter(|w| index.is_unknown_name(w)).count();
    let strange = |w: &String| {
        w.len() >= UNKNOWN_PAIR_MIN_CHARS
            && !index.knows_word(w)
            && w.chars().all(|c| c.is_ascii_lowercase())
            && !index.lang.is_stopword(w)
            && !index.lang.is_question_word(w)
            && !index.lang.is_discourse_word(w)
            && index.stem_id(&index.stem(w)).is_none()
    };
    let strange: Vec<bool> = q.words.iter().map(strange).collect();
    let pairs = strange.windows(2).filter(|p| p[0] && p[1]).count();
    // A country of two words or more ("Mali i Zi", "Saudi Arabia") that
    // the knowledge never spells whole.
    let countries = (0..q.words.len())
        .filter_map(|i| index.lang.country_phrase_at(&q.words, i).map(|n| (i, n)))
        .filter(|&(i, n)| !index.knows_phrase(&q.words[i..i + n]))
        .count();
    UNKNOWN_NAME.powi((unknown + pairs.min(1) + countries) as i32)
}

/// The positions of the question's content words that are not frame words
/// ("who is", "tell me about"): what a name must explain.
fn meaningful_words(index: &super::index::Index, q: &Prepared) -> Vec<usize> {
    q.content()
        .filter(|(_, s)| !index.frame.contains(*s))
        .map(|(i, _)| i)
        .collect()
}

/// Actors, topics and dates named in the question. Each explains the words
/// it spans plus the "frame" words around it ("who is", "what happened on");
/// one that explains every word is a strong candidate, one that explains a
/// part of the question a weak one, so that "who is the president of Russia"
/// is not answered with Russia.
/// `found` are the names the question mentions, with their spans.
pub(super) fn builtin_candidates(
    kb: &Kb,
    q: &Prepared,
    a: &Analysis,
    found: &[(std::ops::Range<usize>, Target)],
) -> Vec<Candidate> {
    let index = &kb.index;
    let meaningful = meaningful_words(index, q);
    // The score of a candidate that explains `explained` of the
    // meaningful words.
    let explaining = |explained: usize| {
        if meaningful.is_empty() {
            return 0.0;
        }
        let frac = explained as f32 / meaningful.len() as f32;
        BUILTIN_FULL * frac * frac
    };
    let explained_score = |span: &std::ops::Range<usize>| {
        explaining(meaningful.iter().filter(|i| span.contains(i)).count())
    };
    let mut out = Vec::new();
    let mut seen = HashSet::default();
    // Names alone ("pmoi albania"): when the names together explain the
    // question, each is a candidate in proportion to its share, and a country
    // (the setting of most questions) yields to a more specific name.
    let covered =
        |span: &std::ops::Range<usize>| meaningful.iter().filter(|i| span.contains(i)).count();
    let all_named = !meaningful.is_empty()
        && meaningful
            .iter()
            .all(|i| found.iter().any(|(span, _)| span.contains(i)));
    for (span, target) in found {
        if seen.insert(target.clone()) {
            let mut score = explained_score(span);
            if all_named && covered(span) > 0 {
                let share = covered(span) as f32 / meaningful.len() as f32;
                let country =
                    matches!(target, Target::Actor(i) if kb.actors[*i].kind == EntityKind::Country);
                let penalty = if country { COUNTRY_PENALTY } else { 0.0 };
                score = score.max(BUILTIN_FULL * (0.5 + 0.5 * share) - penalty);
            }
            let vocab = index.lookup_vocab.get(target);
            let knows = |w: &str| vocab.is_some_and(|v| v.contains(&index.stem(w)));
            let lookup = [QuestionKind::Who, QuestionKind::What];
            score *= agreement(a, &lookup, knows);
            out.push(Candidate::builtin(target.clone(), score));
        }
    }
    let words: Vec<&str> = q.words.iter().map(String::as_str).collect();
    if let Some((date, span)) = dates::find_date(&words) {
        // Dates are found in words, scored on stems; the two align one to one
        // except where the lexicon merged a phrase, which dates never are.
        let span = if q.stems.len() == words.len() {
            span
        } else {
            0..0
        };
        let on_that_date: Vec<usize> = (0..kb.events.len())
            .filter(|&e| date.matches(&kb.events[e].date))
            .collect();
        if !on_that_date.is_empty() {
            let on_date = [QuestionKind::When, QuestionKind::What];
            let knows = |w: &str| w == English::DATE || English::is_year(w);
            // "Which companies were hit in December 2023", "who was attacked
            // then": the words that the events of that month speak of are
            // explained by the date too; only for "what" or "who" of a day,
            // or a month of a year, that few events share (a bare month or
            // year holds much of the story).
            let narrow = date.month.is_some()
                && (date.year.is_some() || date.day.is_some())
                && on_that_date.len() <= DATE_TEXT_MAX_EVENTS
                && matches!(a.kind, QuestionKind::What | QuestionKind::Who);
            let explained = meaningful
                .iter()
                .filter(|&&i| {
                    span.contains(&i)
                        || (narrow
                            && on_that_date
                                .iter()
                                .any(|&e| index.full_text.event_knows(e, &q.stems[i])))
                })
                .count();
            let score = explaining(explained) * agreement(a, &on_date, knows);
            out.push(Candidate::builtin(Target::Date(date), score));
        }
    }
    out
}

/// Actors and topics named in the question whose own text (role, summary)
/// knows most of its other words: "what is europium linked to" is answered
/// by EUROPIUM's summary, which says what it is tied to. Weaker than a name
/// that explains the whole question, and asked only when nothing else would
/// answer (a summary's many words meet many questions about other things).
/// Not for "when": a summary that merely mentions a date says little of
/// when its matter happened.
///
/// With `fallback` false (something else answers), only a name whose own
/// text knows every other word of the question is a candidate (not a
/// country, nor for "how many"), scored `NAMED_TEXT_WHOLE`: "where was the
/// ZeroCleare wiper used before Albania" is answered by ZeroCleare's own
/// text, which says, and not by the answer that lists the malware.
pub(super) fn named_text_candidates(
    kb: &Kb,
    q: &Prepared,
    a: &Analysis,
    found: &[(std::ops::Range<usize>, Target)],
    fallback: bool,
) -> Vec<Candidate> {
    let index = &kb.index;
    let meaningful = meaningful_words(index, q);
    if meaningful.is_empty() || a.kind == QuestionKind::When {
        return Vec::new();
    }
    let lookup = [QuestionKind::Who, QuestionKind::What];
    let mut out: Vec<Candidate> = Vec::new();
    for (span, target) in found {
        let Some(vocab) = index.lookup_vocab.get(target) else {
            continue;
        };
        let inside = meaningful.iter().filter(|i| span.contains(i)).count() as f32;
        let known = meaningful
            .iter()
            .filter(|&&i| !span.contains(&i) && vocab.contains(q.stems[i].as_str()))
            .count() as f32;
        // Not a country, whose long text meets most questions, nor a count,
        // which a text may state of something else.
        let country =
            matches!(target, Target::Actor(i) if kb.actors[*i].kind == EntityKind::Country);
        let whole = inside >= 1.0
            && known >= 1.0
            && inside + known == meaningful.len() as f32
            && !country
            && a.kind != QuestionKind::HowMany;
        if !fallback && !whole {
            continue;
        }
        let (full, frac) = if whole {
            (NAMED_TEXT_WHOLE, 1.0)
        } else {
            let frac = (inside + NAMED_TEXT_CREDIT * known) / meaningful.len() as f32;
            (BUILTIN_FULL, frac)
        };
        let knows = |w: &str| vocab.contains(&index.stem(w));
        let score = full * frac * frac * agreement(a, &lookup, knows);
        if !out.iter().any(|c| &c.target == target) {
            out.push(Candidate::builtin(target.clone(), score));
        }
    }
    out
}

/// Events that say what the question asks about: each scores by the
/// IDF-weighted share of the question's meaningful stems it knows (title,
/// tags, its actors' names), squared, up to `EVENT_FULL`. An
/// event answers when, what and who questions.
///
/// An event loses `EVENT_ACTOR_ABSENT` for each actor named in the question
/// that it does not involve ("what did Russia say about the Albania
/// attack", of the attacks on Estonia, whose summary only compares them):
/// the actors are who the question is about, and a name weighs little
/// where the story names it everywhere. Not for yes/no questions.
pub(super) fn event_candidates(
    kb: &Kb,
    q: &Prepared,
    a: &Analysis,
    named: &[(std::ops::Range<usize>, Target)],
) -> Vec<Candidate> {
    let index = &kb.index;
    let (weighted, total) = super::retrieve::weighted_stems(index, q);
    let meaningful = q
        .content()
        .filter(|(_, s)| weighted.iter().any(|(w, _)| w == s))
        .count();
    if meaningful < EVENT_MIN_WORDS {
        return Vec::new();
    }
    let kinds = [QuestionKind::When, QuestionKind::What, QuestionKind::Who];
    let found = super::retrieve::covering(
        &weighted,
        total,
        EVENT_MIN_SHARE,
        |s| index.event_postings.get(s).map_or(&[], Vec::as_slice),
        |e, s| index.event_vocab[e as usize].contains(s),
    );
    // An event says what happened, when and who did it, not how or why:
    // "si reagoi Teherani" is not the day the attackers got in, whose
    // summary has the word.
    let manner = if matches!(a.kind, QuestionKind::How | QuestionKind::Why) {
        KIND_MISMATCH
    } else {
        1.0
    };
    // The actors the question names; none for a yes/no question: "was Iran
    // behind the TIMS copy" is answered by an event that blames no one.
    let actors: Vec<&str> = if a.kind == QuestionKind::YesNo {
        Vec::new()
    } else {
        named
            .iter()
            .filter_map(|(_, target)| match target {
                Target::Actor(i) => Some(kb.actors[*i].id.as_str()),
                _ => None,
            })
            .collect()
    };
    found
        .into_iter()
        .filter(|&(_, _, hits)| hits >= EVENT_MIN_WORDS)
        .map(|(e, share, _)| {
            let vocab = &index.event_vocab[e as usize];
            let knows = |w: &str| vocab.contains(&index.stem(w));
            let involved = &kb.events[e as usize].actors;
            let absent = actors
                .iter()
                .filter(|id| !involved.iter().any(|a| a == *id))
                .count();
            // Of two events that know the question equally, the one whose
            // title says it ranks first (`rank`): "the MEK is founded", not
            // "HomeLand Justice sets up its website" (anti-MEK), for "the
            // MEK's founding date".
            let title = &index.event_titles[e as usize];
            let in_title = q.content().filter(|(_, s)| title.contains(*s)).count();
            let title_share = in_title as f32 / meaningful as f32;
            let score = EVENT_FULL
                * share
                * share
                * manner
                * agreement(a, &kinds, knows)
                * EVENT_ACTOR_ABSENT.powi(absent as i32);
            let mut candidate = Candidate::builtin(Target::Event(e as usize), score);
            candidate.parts.title = title_share;
            candidate
        })
        .collect()
}
