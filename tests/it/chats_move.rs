//! Subscriptions follow the chat: a group that becomes a supergroup keeps
//! its subscription and history (from Telegram's notice, or from a send
//! refused with the new id), and a channel taken out of `BRIEFBOT_CHANNELS`
//! is deactivated at start-up, with a line in the log.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use briefbot::store::Sqlite;
use serde_json::json;

use crate::fake::*;
use crate::process::{Proc, STOP_WITHIN};

const ADMIN: i64 = 7;

/// A state file kept for the test, with `subscribe` already applied.
fn state(subscribe: impl FnOnce(&mut Sqlite)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    subscribe(&mut Sqlite::open(&path).unwrap());
    (dir, path)
}

/// Waits, at most 10 s, until the state file shows what `done` wants.
async fn wait_for_state(path: &std::path::Path, what: &str, done: impl Fn(&Sqlite) -> bool) {
    for _ in 0..200 {
        if done(&Sqlite::open(path).unwrap()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for the state file to show {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_upgraded_to_a_supergroup_keeps_its_subscription() {
    let fake = Arc::new(Fake::default());
    fake.admins.lock().unwrap().insert(ADMIN);
    let (_dir, path) = state(|s| {
        s.subscribe(-5, "group", "G", 1).unwrap();
        s.delivered("old-edition", -5, &["ev".to_string()], 2)
            .unwrap();
    });
    let state_var = path.display().to_string();
    let bot = start_with(
        &[("BRIEFBOT_ADMINS", "7"), ("BRIEFBOT_STATE", &state_var)],
        fake,
    )
    .await;
    // Telegram's notices: in the old group, then in the new supergroup.
    bot.fake.push(message(
        1,
        group(-5),
        None,
        json!({"migrate_to_chat_id": -1005}),
    ));
    let supergroup = json!({"id": -1005, "type": "supergroup", "title": "G"});
    bot.fake.push(message(
        2,
        supergroup,
        None,
        json!({"migrate_from_chat_id": -5}),
    ));
    wait_for_state(&path, "the subscription moved", |s| {
        s.subscriber(-1005).unwrap().is_some_and(|s| s.active)
            && s.subscriber(-5).unwrap().is_none()
    })
    .await;
    let store = Sqlite::open(&path).unwrap();
    assert_eq!(store.seen_events(-1005).unwrap().len(), 1, "history kept");
    drop(store);
    bot.fake
        .push(message(3, private(95), Some("/brief_now"), from(ADMIN)));
    bot.wait_for("the briefing", |f| f.briefings_to(-1005).len() == 1)
        .await;
    assert!(bot.fake.sent_to(-5).is_empty(), "nothing to the old id");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_refused_because_the_group_was_upgraded_goes_to_the_new_id() {
    let fake = Arc::new(Fake::default());
    // The first send gets Telegram's answer for an upgraded group.
    fake.errors.lock().unwrap().insert(
        "sendmessage".to_string(),
        vec![json!({"ok": false, "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": {"migrate_to_chat_id": -1006}})],
    );
    let (_dir, path) = state(|s| {
        s.subscribe(-6, "group", "G", 1).unwrap();
    });
    let state_var = path.display().to_string();
    let bot = start_with(
        &[("BRIEFBOT_ADMINS", "7"), ("BRIEFBOT_STATE", &state_var)],
        fake,
    )
    .await;
    bot.fake
        .push(message(1, private(96), Some("/brief_now"), from(ADMIN)));
    bot.wait_for("the report", |f| !f.sent_to(96).is_empty())
        .await;
    let report = bot.fake.sent_to(96)[0]["text"].to_string();
    assert!(report.contains("1 delivered"), "{report}");
    assert_eq!(bot.fake.briefings_to(-1006).len(), 1);
    assert_eq!(bot.fake.sent_to(-6).len(), 1, "the refused send only");
    bot.stop().await;
    let store = Sqlite::open(&path).unwrap();
    assert!(store.subscriber(-6).unwrap().is_none());
    let moved = store.subscriber(-1006).unwrap().unwrap();
    assert!(moved.active && moved.last_edition.is_some(), "{moved:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_taken_out_of_the_configuration_is_deactivated_at_start_up() {
    let fake = Arc::new(Fake::default());
    let (config, addr) = fake_api(&[], fake.clone()).await;
    {
        let mut store = Sqlite::open(config.state.file().unwrap()).unwrap();
        store.subscribe(-1001, "channel", "News", 1).unwrap();
        store.subscribe(-1003, "channel", "Old", 2).unwrap();
        store.subscribe(42, "private", "p", 3).unwrap();
    }
    let mut serve = Proc::start(
        &["serve"],
        &format!("http://{addr}"),
        config.state.file().unwrap(),
        &[("BRIEFBOT_CHANNELS", "@albania_news")],
    );
    serve
        .wait_for("the log line", STOP_WITHIN, |p| {
            p.log().contains("channel -1003 (Old) is no longer listed")
        })
        .await;
    let (status, _) = serve.stop("-TERM", "after the channel check").await;
    assert!(status.success());
    let store = Sqlite::open(config.state.file().unwrap()).unwrap();
    let old = store.subscriber(-1003).unwrap().unwrap();
    assert!(!old.active);
    assert_eq!(old.note.as_deref(), Some("removed from BRIEFBOT_CHANNELS"));
    assert!(store.subscriber(-1001).unwrap().unwrap().active);
    assert!(store.subscriber(42).unwrap().unwrap().active);
}
