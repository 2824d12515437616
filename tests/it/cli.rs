//! The command-line contract (PRODUCT.md), through the real binary.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The binary on `args`, from the project's root, without a token, every
/// pipe captured.
fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_briefbot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("TELOXIDE_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run briefbot")
}

fn briefbot(args: &[&str], stdin: &str) -> Output {
    let mut child = spawn(args);
    crate::process::feed(&mut child, stdin);
    crate::process::finish(
        child,
        Duration::from_secs(60),
        &format!("briefbot {args:?}"),
    )
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn check_passes_on_the_shipped_knowledge() {
    let out = briefbot(&["check"], "");
    assert!(
        out.status.success(),
        "{}{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).starts_with("ok: "));
}

#[test]
fn check_reports_every_problem_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let intents = dir.path().join("intents");
    std::fs::create_dir(&intents).unwrap();
    for entry in std::fs::read_dir(format!("{root}/intents")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, intents.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        intents.join("zz-broken.toml"),
        "[[intent]]\nid = \"broken\"\npatterns = ['(']\n",
    )
    .unwrap();
    std::fs::write(intents.join("zz-bad.toml"), "[[intent\n").unwrap();
    let out = briefbot(&["--intents", intents.to_str().unwrap(), "check"], "");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("zz-bad.toml:1:9: unclosed array table, expected `]]`")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("zz-broken.toml:3:13: invalid pattern `(` of intent `broken`")),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("zz-broken.toml:2:6: intent `broken` has no `answer`")),
        "{text}"
    );
    // The bot refuses to answer from broken knowledge.
    let ask = briefbot(&["--intents", intents.to_str().unwrap(), "ask", "hi"], "");
    assert_eq!(ask.status.code(), Some(1));
    assert!(stdout(&ask).is_empty());
}

#[test]
fn ask_json_has_the_contract_fields() {
    let out = briefbot(&["ask", "--json", "who hacked albania"], "");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["question"], "who hacked albania");
    assert_eq!(v["matched"], true);
    assert!(v["intent"].is_string());
    assert!(v["score"].is_number());
    assert!(v["reply"].as_str().unwrap().contains("Iran"));
}

#[test]
fn ask_jsonl_answers_every_line_in_order() {
    let input = "hi\nwhat is the capital of germany\n\n\u{1F600}\u{1F600}\nwho is xhacka\n";
    let out = briefbot(&["ask", "--jsonl"], input);
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 5);
    let questions: Vec<&str> = rows
        .iter()
        .map(|r| r["question"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions,
        [
            "hi",
            "what is the capital of germany",
            "",
            "\u{1F600}\u{1F600}",
            "who is xhacka"
        ]
    );
    assert_eq!(rows[0]["matched"], true);
    assert_eq!(rows[1]["matched"], false);
    assert_eq!(rows[1]["intent"], serde_json::Value::Null);
    assert_eq!(rows[2]["matched"], false);
    assert_eq!(rows[4]["matched"], true);
}

/// A line that could be either language takes the language of the reply
/// before it, as in `chat`; a line whose language is clear keeps its own,
/// and a number is no follow-up.
#[test]
fn ask_jsonl_asks_a_line_that_says_they_about_the_subject_before() {
    // The same follow-up after a question about the MEK, after one about
    // nothing in particular, and after a command, which keeps the subject.
    let input = "who are the mek
what was their ideology at the start
hello
what was their ideology at the start
who are the mek
/help
what was their ideology at the start
";
    let out = briefbot(&["ask", "--jsonl"], input);
    assert!(out.status.success());
    let intents: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["intent"].to_string())
        .collect();
    assert_eq!(intents[1], "\"mek.ideology\"", "{intents:?}");
    assert_eq!(
        intents[3], "\"mek.ideology\"",
        "small talk keeps it: {intents:?}"
    );
    assert_eq!(intents[6], "\"mek.ideology\"", "{intents:?}");
    let alone = briefbot(
        &["ask", "--jsonl"],
        "what was their ideology at the start\n",
    );
    assert!(
        stdout(&alone).contains("\"matched\":false"),
        "{}",
        stdout(&alone)
    );
}

#[test]
fn ask_jsonl_answers_a_line_of_either_language_in_the_one_before() {
    let input = "kush e sulmoi shqiperine
mandiant
who hacked albania
mandiant
1
";
    let out = briefbot(&["ask", "--jsonl"], input);
    assert!(out.status.success());
    let langs: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["lang"].to_string())
        .collect();
    assert_eq!(langs, ["\"sq\"", "\"sq\"", "\"en\"", "\"en\"", "\"en\""]);
    let last: serde_json::Value =
        serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert_eq!(last["matched"], false);
}

#[test]
fn plain_ask_prints_the_reply() {
    let out = briefbot(&["ask", "When did Albania cut ties with Iran?"], "");
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("7 September 2022"), "{text}");
    assert!(text.contains("Source"), "{text}");
}

#[test]
fn chat_reads_piped_stdin_with_commands_and_numbers() {
    let out = briefbot(
        &["chat"],
        "/timeline\nwho hacked albania\n1\n/quit\nnever answered\n",
    );
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("Timeline"), "{text}");
    assert!(text.contains("Goodbye."), "{text}");
    assert!(!text.contains("never answered"));
}

#[test]
fn no_token_means_local_chat_with_a_hint() {
    let out = briefbot(&[], "hi\n");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("TELOXIDE_TOKEN"));
    assert!(!stdout(&out).is_empty());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(briefbot(&["frobnicate"], "").status.code(), Some(2));
    assert_eq!(briefbot(&["ask"], "").status.code(), Some(2));
}

#[test]
fn explain_shows_each_step() {
    let out = briefbot(&["explain", "who hackd albnia"], "");
    let text = stdout(&out);
    for needle in [
        "normalised: who hackd albnia",
        "corrected:",
        "albnia -> albania",
        "candidates:",
        "decision:   answer",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn brief_prints_a_briefing() {
    let out = briefbot(&["brief"], "");
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("Briefing"));
}

fn briefbot_with_state(args: &[&str], state: &std::path::Path) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_briefbot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("TELOXIDE_TOKEN")
        .env("BRIEFBOT_STATE", state)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run briefbot");
    crate::process::finish(
        child,
        Duration::from_secs(60),
        &format!("briefbot {args:?}"),
    )
}

#[test]
fn subscribers_and_unanswered_read_the_state_file() {
    use briefbot::store::{Question, Sqlite};
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let out = briefbot_with_state(&["subscribers"], &state);
    assert_eq!(stdout(&out), "no subscribers yet\n");
    {
        let mut store = Sqlite::open(&state).unwrap();
        store
            .subscribe(-100, "group", "Tirana readers", 1_790_000_000)
            .unwrap();
        store
            .subscribe(42, "private", "private chat", 1_790_000_100)
            .unwrap();
        store
            .deactivate(42, "403: bot was blocked by the user")
            .unwrap();
        for (i, text) in [
            "population of albania",
            "what is the population of Albania?",
            "who won the world cup",
            "What is the population of Albania?",
        ]
        .iter()
        .enumerate()
        {
            let q = Question {
                at: 1_790_000_000 + i as i64,
                chat_kind: "private".to_string(),
                intent: None,
                matched: false,
                text: Some(text.to_string()),
            };
            store.record_question(&q).unwrap();
        }
    }
    let out = briefbot_with_state(&["subscribers"], &state);
    assert!(out.status.success());
    let listed = stdout(&out);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(
        lines[0],
        "chat id\tkind\ttitle\tsince\tlast briefing\tstatus"
    );
    assert_eq!(
        lines[1],
        "-100\tgroup\tTirana readers\t2026-09-21 14:13 UTC\tnever\tactive"
    );
    assert!(
        lines[2].ends_with("inactive: 403: bot was blocked by the user"),
        "{listed}"
    );

    let out = briefbot_with_state(&["unanswered"], &state);
    let listed = stdout(&out);
    assert!(
        listed.starts_with("4 unanswered questions in 2 groups, most frequent first:\n    3  "),
        "{listed}"
    );
    assert!(listed.contains("    1  who won the world cup"), "{listed}");
}

/// A reader that stops early (`briefbot ask … | head -1`) ends the command
/// quietly: exit 0, no panic on the closed pipe.
#[test]
fn a_closed_stdout_ends_quietly() {
    for (args, stdin) in [
        (&["ask", "who did it"][..], String::new()),
        (&["explain", "who did it"][..], String::new()),
        (&["ask", "--jsonl"][..], "who did it\n".repeat(2000)),
    ] {
        let mut child = spawn(args);
        drop(child.stdout.take());
        crate::process::feed(&mut child, &stdin);
        let out = crate::process::finish(child, Duration::from_secs(60), "briefbot");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !stderr.contains("panicked"),
            "{args:?}: {:?} {stderr}",
            out.status
        );
    }
}
