use super::*;

pub(super) fn keys(ks: &[&str]) -> Vec<String> {
    ks.iter().map(|k| k.to_string()).collect()
}

pub(super) fn temp_store() -> (tempfile::TempDir, PathBuf, Sqlite) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("briefbot.sqlite");
    let store = Sqlite::open(&path).unwrap();
    (dir, path, store)
}

fn question(at: i64, intent: Option<&str>, matched: bool, text: Option<&str>) -> Question {
    Question {
        at,
        chat_kind: "private".into(),
        intent: intent.map(str::to_string),
        matched,
        text: text.map(str::to_string),
    }
}

#[test]
fn open_migrates_an_empty_file_to_the_latest_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite");
    std::fs::write(&path, b"").unwrap();
    let store = Sqlite::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
    let mode: String = store
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let synchronous: i64 = store
        .conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!(synchronous, 2, "FULL");
    drop(store);
    // Opening again migrates nothing and keeps the version.
    let store = Sqlite::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
}

#[test]
fn open_creates_parent_directories() {
    let (_dir, path, _store) = temp_store();
    assert!(path.exists());
}

#[test]
fn a_newer_database_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = Sqlite::open(&path).err().expect("refused");
    match &err {
        StoreError::TooNew {
            path: p,
            found,
            known,
        } => {
            assert_eq!(p, &path);
            assert_eq!(*found, 99);
            assert_eq!(*known, MIGRATIONS.len() as u32);
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("99"), "{message}");
    // Nothing was written: still version 99, not switched to WAL.
    let conn = Connection::open(&path).unwrap();
    let v: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, 99);
}

#[test]
fn a_file_that_is_not_a_database_is_an_open_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "this is not a database, just some text. ".repeat(50)).unwrap();
    let err = Sqlite::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains(&path.display().to_string()));
}

#[test]
fn reopening_keeps_subscriptions_deliveries_and_questions() {
    let (_dir, path, mut store) = temp_store();
    store.subscribe(1, "private", "Ana", 100).unwrap();
    store.subscribe(2, "group", "Newsroom", 101).unwrap();
    store.plan("2024-w01", false, 110).unwrap();
    store
        .delivered("2024-w01", 1, &keys(&["ev-a"]), 111)
        .unwrap();
    store
        .record_question(&question(120, None, false, Some("who is Ana?")))
        .unwrap();
    let before = store.subscribers().unwrap();
    drop(store);

    let store = Sqlite::open(&path).unwrap();
    assert_eq!(store.subscribers().unwrap(), before);
    assert_eq!(
        store.deliveries(1).unwrap(),
        vec![("2024-w01".to_string(), "sent".to_string(), 0)]
    );
    assert_eq!(
        store.pending().unwrap(),
        vec![Pending {
            edition: "2024-w01".into(),
            chat_id: 2,
            attempts: 0
        }]
    );
    assert_eq!(
        store.seen_events(1).unwrap(),
        HashSet::from(["ev-a".into()])
    );
    assert_eq!(
        store.unanswered(0).unwrap(),
        vec![("who is Ana?".to_string(), 120, "private".to_string())]
    );
}

#[test]
fn subscribe_unsubscribe_and_resubscribe() {
    let (_dir, _path, mut store) = temp_store();
    assert!(store.subscribe(7, "private", "Ana", 100).unwrap());
    // Already active: not new; title and kind updated, since kept.
    assert!(!store.subscribe(7, "group", "Ana's group", 200).unwrap());
    let s = store.subscriber(7).unwrap().unwrap();
    assert_eq!(
        s,
        Subscriber {
            chat_id: 7,
            kind: "group".into(),
            title: "Ana's group".into(),
            since: 100,
            active: true,
            note: None,
            last_briefing_at: None,
            last_edition: None,
        }
    );
    store.delivered("e1", 7, &keys(&["k1"]), 250).unwrap();

    assert!(store.unsubscribe(7).unwrap());
    assert!(!store.unsubscribe(7).unwrap(), "already inactive");
    assert!(!store.unsubscribe(8).unwrap(), "never subscribed");
    assert!(!store.subscriber(7).unwrap().unwrap().active);

    // Re-subscribing re-activates with a new `since`, keeping history.
    assert!(store.subscribe(7, "group", "Ana's group", 300).unwrap());
    let s = store.subscriber(7).unwrap().unwrap();
    assert!(s.active);
    assert_eq!(s.since, 300);
    assert_eq!(s.last_edition.as_deref(), Some("e1"));
    assert_eq!(s.last_briefing_at, Some(250));
    assert_eq!(store.seen_events(7).unwrap(), HashSet::from(["k1".into()]));

    // Deactivated with a reason, then back: the note is cleared.
    store
        .deactivate(7, "403: bot was blocked by the user")
        .unwrap();
    let s = store.subscriber(7).unwrap().unwrap();
    assert!(!s.active);
    assert_eq!(s.note.as_deref(), Some("403: bot was blocked by the user"));
    assert!(store.subscribe(7, "group", "Ana's group", 400).unwrap());
    assert_eq!(store.subscriber(7).unwrap().unwrap().note, None);

    assert!(matches!(
        store.deactivate(99, "x"),
        Err(StoreError::UnknownChat { chat_id: 99 })
    ));
    assert_eq!(store.subscriber(99).unwrap(), None);
}

#[test]
fn subscribers_are_listed_oldest_first_active_or_not() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(30, "private", "c", 100).unwrap();
    store.subscribe(20, "private", "b", 100).unwrap();
    store.subscribe(10, "private", "a", 200).unwrap();
    store.unsubscribe(20).unwrap();
    let order: Vec<(i64, bool)> = store
        .subscribers()
        .unwrap()
        .iter()
        .map(|s| (s.chat_id, s.active))
        .collect();
    assert_eq!(order, vec![(20, false), (30, true), (10, true)]);
}

#[test]
fn plan_is_idempotent_and_skips_chats_already_on_this_edition() {
    let (_dir, _path, mut store) = temp_store();
    for id in 1..=3 {
        store.subscribe(id, "private", "x", 100 + id).unwrap();
    }
    store.subscribe(4, "private", "gone", 100).unwrap();
    store.unsubscribe(4).unwrap();
    // Chat 3 already has this edition (sent on demand, say).
    store.delivered("e1", 3, &[], 105).unwrap();

    assert_eq!(store.plan("e1", false, 110).unwrap(), 2);
    assert_eq!(store.plan("e1", false, 111).unwrap(), 0);
    let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
    assert_eq!(pending, vec![1, 2]);

    // Delivered ones are not queued again, even once the row is sent.
    store.delivered("e1", 1, &[], 120).unwrap();
    assert_eq!(store.plan("e1", false, 121).unwrap(), 0);
    // A chat on a later edition is not queued for an older one it had.
    store.delivered("e2", 1, &[], 130).unwrap();
    assert_eq!(store.plan("e1", false, 131).unwrap(), 0);
    assert_eq!(store.deliveries(4).unwrap(), vec![]);
}

#[test]
fn force_requeues_every_active_subscriber() {
    let (_dir, _path, mut store) = temp_store();
    for id in 1..=3 {
        store.subscribe(id, "private", "x", 100 + id).unwrap();
    }
    store.subscribe(4, "private", "off", 100).unwrap();
    store.unsubscribe(4).unwrap();
    store.plan("e1", false, 110).unwrap();
    store.delivered("e1", 1, &[], 111).unwrap();
    store.failed("e1", 2, "timeout", 112).unwrap();

    assert_eq!(store.plan("e1", true, 120).unwrap(), 3);
    let pending = store.pending().unwrap();
    assert_eq!(
        pending,
        vec![
            Pending {
                edition: "e1".into(),
                chat_id: 1,
                attempts: 0
            },
            Pending {
                edition: "e1".into(),
                chat_id: 2,
                attempts: 0
            },
            Pending {
                edition: "e1".into(),
                chat_id: 3,
                attempts: 0
            },
        ]
    );
    // One row per (edition, chat), reset rather than duplicated.
    assert_eq!(
        store.deliveries(1).unwrap(),
        vec![("e1".to_string(), "pending".to_string(), 0)]
    );
    assert_eq!(store.deliveries(4).unwrap(), vec![]);
}

#[test]
fn delivered_updates_last_edition_and_seen_events_together() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(1, "channel", "Wire", 100).unwrap();
    store.plan("e1", false, 110).unwrap();
    store.delivered("e1", 1, &keys(&["a", "b"]), 111).unwrap();
    let s = store.subscriber(1).unwrap().unwrap();
    assert_eq!(s.last_edition.as_deref(), Some("e1"));
    assert_eq!(s.last_briefing_at, Some(111));
    assert_eq!(
        store.seen_events(1).unwrap(),
        HashSet::from(["a".into(), "b".into()])
    );
    assert_eq!(store.pending().unwrap(), vec![]);

    store.plan("e2", false, 120).unwrap();
    store.delivered("e2", 1, &keys(&["b", "c"]), 121).unwrap();
    assert_eq!(
        store.seen_events(1).unwrap(),
        HashSet::from(["a".into(), "b".into(), "c".into()])
    );
    assert_eq!(
        store.deliveries(1).unwrap(),
        vec![
            ("e1".to_string(), "sent".to_string(), 0),
            ("e2".to_string(), "sent".to_string(), 0)
        ]
    );

    // Atomic: when the transaction fails, nothing of it is kept.
    assert!(matches!(
        store.delivered("e3", 42, &keys(&["z"]), 130),
        Err(StoreError::UnknownChat { chat_id: 42 })
    ));
    assert_eq!(store.deliveries(42).unwrap(), vec![]);
    assert!(store.seen_events(42).unwrap().is_empty());
}

#[test]
fn delivered_is_all_or_nothing_when_a_statement_fails() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(1, "private", "Ana", 100).unwrap();
    store.plan("e1", false, 110).unwrap();
    // Make the last statement of the transaction (seen events) fail.
    store
        .conn
        .execute_batch(
            "CREATE TRIGGER no_bad_keys BEFORE INSERT ON seen_event
             WHEN NEW.event_key = 'bad' BEGIN SELECT RAISE(ABORT, 'bad key'); END;",
        )
        .unwrap();
    assert!(
        store
            .delivered("e1", 1, &keys(&["ok", "bad"]), 111)
            .is_err()
    );
    let s = store.subscriber(1).unwrap().unwrap();
    assert_eq!(s.last_edition, None);
    assert_eq!(s.last_briefing_at, None);
    assert!(store.seen_events(1).unwrap().is_empty());
    assert_eq!(
        store.deliveries(1).unwrap(),
        vec![("e1".to_string(), "pending".to_string(), 0)]
    );
}

#[test]
fn gone_deactivates_and_removes_from_pending() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(1, "private", "Ana", 100).unwrap();
    store.subscribe(2, "group", "Desk", 101).unwrap();
    store.plan("e1", false, 110).unwrap();
    store
        .gone("e1", 1, "403: bot was blocked by the user", 111)
        .unwrap();
    let s = store.subscriber(1).unwrap().unwrap();
    assert!(!s.active);
    assert_eq!(s.note.as_deref(), Some("403: bot was blocked by the user"));
    assert_eq!(s.last_edition, None);
    let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
    assert_eq!(pending, vec![2]);
    assert_eq!(
        store.deliveries(1).unwrap(),
        vec![("e1".to_string(), "dropped".to_string(), 0)]
    );
    // Planning again does not bring it back while inactive …
    assert_eq!(store.plan("e1", false, 112).unwrap(), 0);
    // … but a chat that comes back is queued for the edition it missed.
    store.subscribe(1, "private", "Ana", 120).unwrap();
    assert_eq!(store.plan("e1", false, 121).unwrap(), 1);
    assert_eq!(
        store.deliveries(1).unwrap(),
        vec![("e1".to_string(), "pending".to_string(), 0)]
    );
}

#[test]
fn failed_keeps_the_delivery_pending_with_attempts() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(1, "private", "Ana", 100).unwrap();
    store.plan("e1", false, 110).unwrap();
    store
        .failed("e1", 1, "429: too many requests", 111)
        .unwrap();
    store.failed("e1", 1, "timeout", 112).unwrap();
    assert_eq!(
        store.pending().unwrap(),
        vec![Pending {
            edition: "e1".into(),
            chat_id: 1,
            attempts: 2
        }]
    );
    let last_error: String = store
        .conn
        .query_row(
            "SELECT last_error FROM delivery WHERE chat_id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(last_error, "timeout");
    // Not planned twice while it waits for its retry.
    assert_eq!(store.plan("e1", false, 113).unwrap(), 0);
    store.delivered("e1", 1, &[], 114).unwrap();
    assert_eq!(
        store.deliveries(1).unwrap(),
        vec![("e1".to_string(), "sent".to_string(), 2)]
    );
    assert!(matches!(
        store.failed("e1", 5, "x", 115),
        Err(StoreError::UnknownChat { chat_id: 5 })
    ));
}

#[test]
fn pending_excludes_inactive_subscribers() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(1, "private", "a", 100).unwrap();
    store.subscribe(2, "private", "b", 101).unwrap();
    store.subscribe(3, "private", "c", 102).unwrap();
    store.plan("e1", false, 110).unwrap();
    store.unsubscribe(2).unwrap();
    store.deactivate(3, "400: chat not found").unwrap();
    let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
    assert_eq!(pending, vec![1]);
    // Their rows are dropped, so coming back does not resend a stale edition
    // unless it is planned again.
    store.subscribe(2, "private", "b", 120).unwrap();
    let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
    assert_eq!(pending, vec![1]);
    assert_eq!(
        store.deliveries(3).unwrap(),
        vec![("e1".to_string(), "dropped".to_string(), 0)]
    );
}

#[test]
fn pending_spans_editions_in_queue_order() {
    let (_dir, _path, mut store) = temp_store();
    store.subscribe(1, "private", "a", 100).unwrap();
    store.subscribe(2, "private", "b", 101).unwrap();
    store.plan("e1", false, 110).unwrap();
    store.delivered("e1", 2, &[], 111).unwrap();
    store.plan("e2", false, 120).unwrap();
    let pending: Vec<(String, i64)> = store
        .pending()
        .unwrap()
        .into_iter()
        .map(|p| (p.edition, p.chat_id))
        .collect();
    assert_eq!(
        pending,
        vec![("e1".into(), 1), ("e2".into(), 1), ("e2".into(), 2)]
    );
}

#[test]
fn stats_and_unanswered_over_a_time_window() {
    let (_dir, _path, mut store) = temp_store();
    // Before the window.
    store
        .record_question(&question(50, Some("old"), true, None))
        .unwrap();
    store
        .record_question(&question(60, None, false, Some("too old")))
        .unwrap();
    // In the window (since = 100, inclusive).
    for (at, intent) in [
        (100, "who"),
        (101, "when"),
        (102, "who"),
        (103, "why"),
        (104, "when"),
        (105, "who"),
        (106, "a"),
        (107, "b"),
        (108, "c"),
    ] {
        store
            .record_question(&question(at, Some(intent), true, None))
            .unwrap();
    }
    // A matched question's text is never kept.
    store
        .record_question(&question(109, Some("why"), true, Some("why is that?")))
        .unwrap();
    store
        .record_question(&Question {
            at: 110,
            chat_kind: "group".into(),
            intent: None,
            matched: false,
            text: Some("what about Kosovo?".into()),
        })
        .unwrap();
    store
        .record_question(&question(111, Some("nearly"), false, Some("who paid?")))
        .unwrap();
    store
        .record_question(&question(112, None, false, None))
        .unwrap();

    let stats = store.stats(100).unwrap();
    assert_eq!(
        stats,
        Stats {
            answered: 10,
            declined: 3,
            top_intents: vec![
                ("who".into(), 3),
                ("when".into(), 2),
                ("why".into(), 2),
                ("a".into(), 1),
                ("b".into(), 1),
            ],
            unanswered: 2,
        }
    );
    assert_eq!(
        store.unanswered(100).unwrap(),
        vec![
            ("who paid?".to_string(), 111, "private".to_string()),
            ("what about Kosovo?".to_string(), 110, "group".to_string()),
        ]
    );
    let all = store.stats(0).unwrap();
    assert_eq!((all.answered, all.declined, all.unanswered), (11, 4, 3));
    assert_eq!(store.stats(1_000).unwrap(), Stats::default());
    let texts: i64 = store
        .conn
        .query_row(
            "SELECT COUNT(*) FROM question WHERE matched = 1 AND text IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(texts, 0);
}

/// Plans 10 chats, delivers 4 and returns the store without closing it.
fn fan_out_interrupted(path: &Path) -> Sqlite {
    let mut store = Sqlite::open(path).unwrap();
    for id in 1..=10 {
        store.subscribe(id, "private", "x", 100 + id).unwrap();
    }
    assert_eq!(store.plan("e1", false, 200).unwrap(), 10);
    for _ in 0..4 {
        let p = store.claim_next("dead", 201, 60).unwrap().unwrap();
        store
            .delivered(&p.edition, p.chat_id, &keys(&["ev"]), 201)
            .unwrap();
    }
    // The fifth is claimed, its send in flight when the process dies.
    let fifth = store.claim_next("dead", 201, 60).unwrap().unwrap();
    assert_eq!(fifth.chat_id, 5);
    store
}

fn assert_resumes(path: &Path) {
    let mut store = Sqlite::open(path).unwrap();
    assert_eq!(store.subscribers().unwrap().len(), 10);
    let pending: Vec<i64> = store.pending().unwrap().iter().map(|p| p.chat_id).collect();
    assert_eq!(pending, (5..=10).collect::<Vec<_>>());
    assert_eq!(store.plan("e1", false, 300).unwrap(), 0);
    // The dead sender's claim holds until its lease ends (261), then the
    // next sender takes it over.
    assert_eq!(
        store.claim_next("next", 230, 60).unwrap().unwrap().chat_id,
        6
    );
    assert_eq!(
        store.claim_next("next", 300, 60).unwrap().unwrap().chat_id,
        5
    );
    for id in 1..=4 {
        let s = store.subscriber(id).unwrap().unwrap();
        assert_eq!(s.last_edition.as_deref(), Some("e1"));
        assert_eq!(store.seen_events(id).unwrap(), HashSet::from(["ev".into()]));
    }
}

#[test]
fn a_crash_mid_fan_out_resumes_without_resending() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.sqlite");
    let store = fan_out_interrupted(&path);
    // No close, no checkpoint: the connection is leaked, as by a crash.
    // The WAL file is left behind for the next open to recover.
    std::mem::forget(store);
    assert!(path.with_extension("sqlite-wal").exists());
    assert_resumes(&path);
}

/// Env var telling `crash_child` (run as a child process) where to work.
const CRASH_DB: &str = "BRIEFBOT_STORE_CRASH_DB";

/// The child half of `a_kill_9_mid_fan_out_resumes_without_resending`:
/// does nothing unless run by it.
#[test]
#[ignore = "run as a child process by a_kill_9_mid_fan_out_resumes_without_resending"]
fn crash_child() {
    let Some(path) = std::env::var_os(CRASH_DB) else {
        return;
    };
    let _store = fan_out_interrupted(Path::new(&path));
    println!("ready");
    std::thread::sleep(Duration::from_secs(600));
}

#[cfg(unix)]
#[test]
fn a_kill_9_mid_fan_out_resumes_without_resending() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("killed.sqlite");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "store::sqlite::tests::crash_child",
            "--ignored",
            "--nocapture",
        ])
        .env(CRASH_DB, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let ready = BufReader::new(stdout)
        .lines()
        .map_while(std::result::Result::ok)
        .any(|line| line.contains("ready"));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(ready, "the child never got to the middle of its fan-out");
    assert_resumes(&path);
}
