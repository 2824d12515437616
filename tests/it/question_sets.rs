//! The question sets in `tests/data`, through the real binary's
//! `ask --jsonl` and scored as `shared/eval/score.py` scores them.

use std::process::{Command, Stdio};
use std::time::Duration;

use briefbot::eval;

struct Score {
    in_scope: (usize, usize),
    oos: (usize, usize),
    small_talk: (usize, usize),
    failures: Vec<String>,
}

fn pct((ok, n): (usize, usize)) -> f64 {
    if n == 0 {
        100.0
    } else {
        100.0 * ok as f64 / n as f64
    }
}

fn score(file: &str) -> Score {
    let text = std::fs::read_to_string(format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let items = eval::parse(&text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefbot"))
        .args(["ask", "--jsonl"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input: String = items
        .iter()
        .map(|i| format!("{}\n", i.q.replace('\n', " ")))
        .collect();
    crate::process::feed(&mut child, &input);
    let out = crate::process::finish(child, Duration::from_secs(120), "briefbot ask --jsonl");
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), items.len());
    let mut s = Score {
        in_scope: (0, 0),
        oos: (0, 0),
        small_talk: (0, 0),
        failures: Vec::new(),
    };
    for (item, row) in items.iter().zip(&rows) {
        let matched = row["matched"].as_bool().unwrap();
        let reply = row["reply"].as_str().unwrap();
        let (slot, ok) = if item.oos {
            (&mut s.oos, !matched)
        } else if item.small_talk {
            (&mut s.small_talk, matched)
        } else {
            let folded = eval::fold(reply);
            let ok = matched
                && reply.chars().count() <= eval::MAX_REPLY_CHARS
                && item
                    .expect
                    .iter()
                    .all(|alts| alts.iter().any(|a| folded.contains(&eval::fold(a))));
            (&mut s.in_scope, ok)
        };
        slot.1 += 1;
        if ok {
            slot.0 += 1;
        } else {
            s.failures.push(format!(
                "{} -> {} {}",
                item.q,
                row["intent"],
                reply.replace('\n', " | ")
            ));
        }
    }
    s
}

#[track_caller]
fn assert_at_least(s: &Score, in_scope: f64, oos: f64) {
    assert_scores(s, in_scope, oos, 0);
}

/// The in-scope and out-of-scope shares at least as given, and at most
/// `small_talk_missed` small-talk messages not answered.
#[track_caller]
fn assert_scores(s: &Score, in_scope: f64, oos: f64, small_talk_missed: usize) {
    let report = s.failures.join("\n");
    assert!(
        pct(s.in_scope) >= in_scope,
        "in scope {:?} below {in_scope}%:\n{report}",
        s.in_scope
    );
    assert!(
        pct(s.oos) >= oos,
        "out of scope {:?} below {oos}%:\n{report}",
        s.oos
    );
    assert!(
        s.small_talk.0 + small_talk_missed >= s.small_talk.1,
        "small talk {:?}:\n{report}",
        s.small_talk
    );
}

#[test]
fn dev_questions() {
    assert_at_least(&score("dev-questions.jsonl"), 100.0, 100.0);
}

#[test]
fn every_article_fact_is_reachable() {
    assert_at_least(&score("article-facts.jsonl"), 100.0, 100.0);
}

#[test]
fn held_out_phrasings() {
    assert_at_least(&score("heldout.jsonl"), 100.0, 100.0);
}

/// Blind set 1, written from `../shared/sources/` by someone who never saw
/// the knowledge; its first-sight score (before the fixes it led to) was
/// 80.2 % in scope and 72.9 % declined. Kept as a regression set at the
/// scores it reached.
#[test]
fn blind_set_1() {
    assert_at_least(&score("blind-1.jsonl"), 96.5, 94.5);
}

/// Blind set 2, first sight 88.1 % in scope and 81.5 % declined; kept at
/// the scores it reached.
#[test]
fn blind_set_2() {
    assert_at_least(&score("blind-2.jsonl"), 97.0, 90.5);
}

/// Blind set 3, scored once at first sight after the fixes of sets 1 and 2
/// (80.1 % in scope, 75.8 % declined, small talk 7 of 8); kept as a
/// regression set at the scores it reached.
#[test]
fn blind_set_3() {
    assert_scores(&score("blind-3.jsonl"), 93.0, 95.0, 0);
}

/// Blind set 4, first sight 77.3 % in scope, 78.6 % declined, small talk 9
/// of 11 (after the fixes of sets 1 to 3); kept at the scores it reached.
#[test]
fn blind_set_4() {
    assert_scores(&score("blind-4.jsonl"), 91.5, 98.0, 0);
}

/// Blind set 5, first sight 94.2 % in scope, 91.7 % declined, small talk 10
/// of 11 (after the fixes of set 4); kept at the scores it reached.
#[test]
fn blind_set_5() {
    assert_scores(&score("blind-5.jsonl"), 97.5, 98.0, 0);
}

/// Blind set 6, first sight 83.3 % in scope, 89.5 % declined, small talk 6
/// of 10 (after the fixes of set 5); kept at the scores it reached.
#[test]
fn blind_set_6() {
    assert_scores(&score("blind-6.jsonl"), 92.0, 96.0, 1);
}

/// The Albanian blind set, written in Albanian from the sources alone:
/// first sight 82.0 % in scope, 89.8 % declined, small talk 12 of 12;
/// kept at the scores it reached.
#[test]
fn albanian_blind_set_1() {
    assert_scores(&score("blind-sq-1.jsonl"), 95.0, 98.0, 0);
}

/// Blind set 7, first sight 85.2 % in scope, 87.7 % declined, small talk
/// 10 of 11 (after the fixes of set 6 and the Albanian work); kept at the
/// scores it reached.
#[test]
fn blind_set_7() {
    assert_scores(&score("blind-7.jsonl"), 95.5, 96.0, 0);
}

/// The second Albanian blind set: first sight 81.6 % in scope, 89.1 %
/// declined, small talk 11 of 12; kept at the scores it reached.
#[test]
fn albanian_blind_set_2() {
    assert_scores(&score("blind-sq-2.jsonl"), 92.5, 96.5, 0);
}

/// Blind set 8, first sight 83.7 % in scope, 81.8 % declined, small talk
/// 10 of 10 (on the main of the PostgreSQL work, before any change it led
/// to); kept at the scores it reached.
#[test]
fn blind_set_8() {
    assert_scores(&score("blind-8.jsonl"), 91.0, 90.5, 0);
}

/// The third Albanian blind set: first sight 82.4 % in scope, 85.2 %
/// declined, small talk 8 of 10; kept at the scores it reached.
#[test]
fn albanian_blind_set_3() {
    assert_scores(&score("blind-sq-3.jsonl"), 94.0, 98.0, 0);
}

/// Blind set 9, first sight 88.5 % in scope, 90.4 % declined, small talk
/// 10 of 10 (after this stop's office-holder and opinion fixes); kept at
/// the scores it reached.
#[test]
fn blind_set_9() {
    assert_scores(&score("blind-9.jsonl"), 93.0, 96.0, 0);
}

/// The fourth Albanian blind set: first sight 83.9 % in scope, 90.6 %
/// declined, small talk 9 of 10; kept at the scores it reached.
#[test]
fn albanian_blind_set_4() {
    assert_scores(&score("blind-sq-4.jsonl"), 91.5, 100.0, 0);
}

/// Blind set 10, first sight 81.7 % in scope, 87.7 % declined, small talk
/// 14 of 15 (scored before this stop's fixes); kept at the scores it reached.
#[test]
fn blind_set_10() {
    assert_scores(&score("blind-10.jsonl"), 96.0, 98.0, 0);
}

/// The fifth Albanian blind set: first sight 77.2 % in scope, 93.4 %
/// declined, small talk 13 of 15; kept at the scores it reached.
#[test]
fn albanian_blind_set_5() {
    assert_scores(&score("blind-sq-5.jsonl"), 90.5, 98.0, 0);
}

/// Blind set 11, written after this stop's fixes and scored once: first
/// sight 87.3 % in scope, 90.3 % declined, small talk 12 of 13.
#[test]
fn blind_set_11() {
    assert_scores(&score("blind-11.jsonl"), 93.0, 93.5, 0);
}

/// The sixth Albanian blind set, written after this stop's fixes: first
/// sight 86.1 % in scope, 91.4 % declined, small talk 11 of 14.
#[test]
fn albanian_blind_set_6() {
    assert_scores(&score("blind-sq-6.jsonl"), 90.0, 96.5, 1);
}

/// Blind set 12, scored once before this stop's changes: first sight
/// 86.0 % in scope, 92.0 % declined, small talk 15 of 15.
#[test]
fn blind_set_12() {
    assert_scores(&score("blind-12.jsonl"), 92.5, 96.0, 0);
}

/// The seventh Albanian blind set, scored once before this stop's changes:
/// first sight 85.7 % in scope, 94.0 % declined, small talk 14 of 16.
#[test]
fn albanian_blind_set_7() {
    assert_scores(&score("blind-sq-7.jsonl"), 91.0, 98.5, 0);
}

/// Blind set 13, written mid-stop and scored once on the code of that
/// point: first sight 83.6 % in scope, 92.0 % declined, small talk 15 of 16.
#[test]
fn blind_set_13() {
    assert_scores(&score("blind-13.jsonl"), 90.0, 98.5, 1);
}

/// The eighth Albanian blind set, written mid-stop and scored once on the
/// code of that point: first sight 88.1 % in scope, 95.5 % declined, small
/// talk 14 of 16.
#[test]
fn albanian_blind_set_8() {
    assert_scores(&score("blind-sq-8.jsonl"), 92.0, 97.0, 0);
}

/// Blind set 14, written near the end of the stop and scored once on the
/// code of that point: first sight 88.7 % in scope, 97.3 % declined, small
/// talk 15 of 15 (87.0 % and 96.0 % on the stop's start).
#[test]
fn blind_set_14() {
    assert_scores(&score("blind-14.jsonl"), 94.5, 97.0, 0);
}

/// The ninth Albanian blind set, written near the end of the stop and
/// scored once on the code of that point: first sight 84.4 % in scope,
/// 92.5 % declined, small talk 14 of 16 (83.7 % and 92.5 % on the stop's
/// start).
#[test]
fn albanian_blind_set_9() {
    assert_scores(&score("blind-sq-9.jsonl"), 90.5, 95.5, 0);
}

/// Blind set 15, scored once before this stop's changes: first sight
/// 87.7 % in scope, 89.6 % declined, small talk 15 of 15.
#[test]
fn blind_set_15() {
    assert_scores(&score("blind-15.jsonl"), 94.0, 92.5, 0);
}

/// The tenth Albanian blind set, scored once before this stop's changes:
/// first sight 84.6 % in scope, 87.8 % declined, small talk 16 of 16.
#[test]
fn albanian_blind_set_10() {
    assert_scores(&score("blind-sq-10.jsonl"), 89.5, 93.0, 0);
}

/// Blind set 16, written mid-stop and scored once on the code of that
/// point: first sight 87.3 % in scope, 94.1 % declined, small talk 13 of 14
/// (86.5 % and 92.6 % on the stop's start).
#[test]
fn blind_set_16() {
    assert_scores(&score("blind-16.jsonl"), 93.0, 94.0, 0);
}

/// The eleventh Albanian blind set, written mid-stop and scored once on the
/// code of that point: first sight 78.2 % in scope, 86.8 % declined, small
/// talk 15 of 15 (77.4 % and 88.2 % on the stop's start).
#[test]
fn albanian_blind_set_11() {
    assert_scores(&score("blind-sq-11.jsonl"), 86.0, 88.0, 0);
}

/// The seventeenth English blind set, written at the start of a stop and
/// scored once before any change (`d79a67a`): first sight 88.7 % in scope,
/// 100 % declined, small talk 14 of 14.
#[test]
fn blind_set_17() {
    assert_scores(&score("blind-17.jsonl"), 93.5, 100.0, 0);
}

/// The twelfth Albanian blind set, written at the start of a stop and
/// scored once before any change (`d79a67a`): first sight 81.8 % in scope,
/// 97.2 % declined, small talk 13 of 14.
#[test]
fn albanian_blind_set_12() {
    assert_scores(&score("blind-sq-12.jsonl"), 88.0, 97.0, 0);
}

/// The eighteenth English blind set, written mid-stop and scored once on
/// the code of that point (`07e0546`): first sight 92.7 % in scope, 98.7 %
/// declined, small talk 15 of 15 (91.7 % and 98.7 % on the stop's start).
#[test]
fn blind_set_18() {
    assert_scores(&score("blind-18.jsonl"), 94.0, 100.0, 0);
}

/// The thirteenth Albanian blind set, written mid-stop and scored once on
/// the code of that point (`9051628`): first sight 83.6 % in scope, 93.1 %
/// declined, small talk 16 of 16 (80.4 % and 93.1 % on the stop's start).
#[test]
fn albanian_blind_set_13() {
    assert_scores(&score("blind-sq-13.jsonl"), 86.0, 97.0, 0);
}

/// The nineteenth English blind set, written at the start of a stop and
/// scored once before any change (`bd35d75`): first sight 81.3 % in scope,
/// 88.1 % declined, small talk 14 of 14.
#[test]
fn blind_set_19() {
    assert_scores(&score("blind-19.jsonl"), 88.0, 94.0, 0);
}

/// The fourteenth Albanian blind set, written at the start of a stop and
/// scored once before any change (`bd35d75`): first sight 84.0 % in scope,
/// 87.5 % declined, small talk 14 of 15.
#[test]
fn albanian_blind_set_14() {
    assert_scores(&score("blind-sq-14.jsonl"), 90.5, 94.0, 0);
}

/// The twentieth English blind set, written at the start of a stop and
/// scored once before any change (`25785d5`): first sight 88.4 % in scope,
/// 88.0 % declined, small talk 15 of 15.
#[test]
fn blind_set_20() {
    assert_scores(&score("blind-20.jsonl"), 91.0, 92.0, 0);
}

/// The fifteenth Albanian blind set, written at the start of a stop and
/// scored once before any change (`25785d5`): first sight 84.0 % in scope,
/// 82.4 % declined, small talk 15 of 15.
#[test]
fn albanian_blind_set_15() {
    assert_scores(&score("blind-sq-15.jsonl"), 89.0, 91.5, 0);
}

/// The twenty-first English blind set, written in the middle of a stop and
/// scored once before any further change (`6df9c38`): first sight 92.2 %
/// in scope, 97.1 % declined, small talk 15 of 15.
#[test]
fn blind_set_21() {
    assert_scores(&score("blind-21.jsonl"), 95.0, 97.0, 0);
}

/// The sixteenth Albanian blind set, written in the middle of a stop and
/// scored once before any further change (`6df9c38`): first sight 86.8 %
/// in scope, 89.3 % declined, small talk 15 of 16.
#[test]
fn albanian_blind_set_16() {
    assert_scores(&score("blind-sq-16.jsonl"), 89.5, 94.5, 1);
}

/// The twenty-second English blind set, scored once at the start of a stop,
/// before any change (`a2e0fcf`): first sight 93.5 % in scope, 96.1 %
/// declined, small talk 17 of 18.
#[test]
fn blind_set_22() {
    assert_scores(&score("blind-22.jsonl"), 96.5, 96.0, 0);
}

/// The seventeenth Albanian blind set, scored once at the start of a stop,
/// before any change (`a2e0fcf`): first sight 90.5 % in scope, 91.2 %
/// declined, small talk 17 of 18.
#[test]
fn albanian_blind_set_17() {
    assert_scores(&score("blind-sq-17.jsonl"), 90.5, 95.0, 0);
}

/// The twenty-third blind set, scored once at the start of a stop, before
/// any change (`a616c44`): first sight 93.4 % in scope, 90.5 % declined,
/// small talk 15 of 15.
#[test]
fn blind_set_23() {
    assert_scores(&score("blind-23.jsonl"), 95.0, 97.0, 0);
}

/// The eighteenth Albanian blind set, scored once at the start of a stop,
/// before any change (`a616c44`): first sight 90.1 % in scope, 94.6 %
/// declined, small talk 16 of 16.
#[test]
fn albanian_blind_set_18() {
    assert_scores(&score("blind-sq-18.jsonl"), 91.0, 97.0, 0);
}

/// The twenty-fourth blind set, scored once at the start of a stop, before
/// any change (`75ee4db`): first sight 91.1 % in scope, 90.5 % declined,
/// small talk 14 of 14.
#[test]
fn blind_set_24() {
    assert_scores(&score("blind-24.jsonl"), 92.5, 90.5, 0);
}

/// The nineteenth Albanian blind set, scored once at the start of a stop,
/// before any change (`75ee4db`): first sight 91.1 % in scope, 90.2 %
/// declined, small talk 15 of 15.
#[test]
fn albanian_blind_set_19() {
    assert_scores(&score("blind-sq-19.jsonl"), 91.5, 92.5, 0);
}
