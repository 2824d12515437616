//! The real binary stops on SIGTERM and SIGINT in every phase, within 10 s,
//! with status 0: start-up retries against an unreachable Bot API, long
//! polling (with an update in hand), polling backoff while the connection
//! keeps dropping, webhook mode, a fan-out in progress in `serve`, and
//! `brief --send`. A second signal exits at once. Each test prints the stop
//! time it measured (`cargo test stopping -- --nocapture`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use briefbot::store::Sqlite;
use serde_json::json;

use crate::fake::{Fake, fake_api, message, private};
use crate::process::{Proc, STOP_WITHIN};

fn state_file() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    (dir, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stops_during_start_up_retries_against_an_unreachable_bot_api() {
    // A port nobody listens on: every getMe is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let api = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (_dir, state) = state_file();
    let mut serve = Proc::start(&["serve"], &api, &state, &[]);
    serve
        .wait_for("a getMe retry", STOP_WITHIN, |p| {
            p.log().contains("getMe failed")
        })
        .await;
    let (status, _) = serve.stop("-TERM", "start-up retries").await;
    assert!(status.success(), "{status}: {}", serve.log());
    assert!(serve.log().contains("SIGTERM: shutting down"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_polling_answers_the_update_in_hand_and_flushes_the_log_before_it_stops() {
    let fake = Arc::new(Fake::default());
    let (config, addr) = fake_api(&[], fake.clone()).await;
    let mut serve = Proc::start(
        &["serve"],
        &format!("http://{addr}"),
        config.state.file().unwrap(),
        // The scheduler is asleep until tomorrow's briefing meanwhile.
        &[("BRIEFBOT_BRIEF_AT", "08:00")],
    );
    serve
        .wait_for("the command menu", STOP_WITHIN, |_| {
            !fake.calls("setMyCommands").is_empty()
        })
        .await;
    // The answer takes 2 s to be accepted: the stop comes while it is in hand.
    *fake.send_delay.lock().unwrap() = Some(Duration::from_secs(2));
    fake.push(message(
        1,
        private(31),
        Some("who hacked albania"),
        json!({}),
    ));
    serve
        .wait_for("the answer to be on its way", STOP_WITHIN, |_| {
            !fake.sent_to(31).is_empty()
        })
        .await;
    let (status, took) = serve.stop("-INT", "long polling, update in hand").await;
    assert!(status.success(), "{status}: {}", serve.log());
    assert!(
        took >= Duration::from_millis(1500),
        "it waited for the answer in hand ({took:?})"
    );
    assert!(serve.log().contains("SIGINT: shutting down"));
    // The question was logged before the exit.
    let stats = Sqlite::open(config.state.file().unwrap())
        .unwrap()
        .stats(0)
        .unwrap();
    assert_eq!(stats.answered, 1, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stops_while_polling_backs_off_from_dropped_connections() {
    let fake = Arc::new(Fake::default());
    // Every getUpdates loses its connection from now on.
    fake.hangups
        .lock()
        .unwrap()
        .insert("getupdates".to_string(), 1_000_000);
    let (config, addr) = fake_api(&[], fake.clone()).await;
    let mut serve = Proc::start(
        &["serve"],
        &format!("http://{addr}"),
        config.state.file().unwrap(),
        &[],
    );
    let failures = |f: &Fake| 1_000_000 - f.hangups.lock().unwrap()["getupdates"];
    serve
        .wait_for("three failed polls", Duration::from_secs(20), |_| {
            failures(&fake) >= 3
        })
        .await;
    let (status, _) = serve.stop("-TERM", "polling backoff").await;
    assert!(status.success(), "{status}: {}", serve.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_stops_and_unregisters() {
    let fake = Arc::new(Fake::default());
    let (config, addr) = fake_api(&[], fake.clone()).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = port.local_addr().unwrap().to_string();
    drop(port);
    let mut serve = Proc::start(
        &["serve"],
        &format!("http://{addr}"),
        config.state.file().unwrap(),
        &[
            ("BRIEFBOT_WEBHOOK_URL", "https://bot.example.org/hook"),
            ("BRIEFBOT_WEBHOOK_LISTEN", &listen),
        ],
    );
    serve
        .wait_for("setWebhook", STOP_WITHIN, |_| {
            !fake.calls("setWebhook").is_empty()
        })
        .await;
    let (status, _) = serve.stop("-TERM", "webhook").await;
    assert!(status.success(), "{status}: {}", serve.log());
    assert_eq!(fake.calls("deleteWebhook").len(), 1, "unregistered");
}

/// Subscribes chats 1..=n and queues the shipped knowledge's edition for
/// them, as a fan-out cut short would have left them.
fn queued(state: &Path, n: i64) {
    let kb = crate::fake::shipped_kb();
    let mut store = Sqlite::open(state).unwrap();
    for chat in 1..=n {
        store.subscribe(chat, "private", "p", chat).unwrap();
    }
    store
        .plan(&briefbot::briefing::edition(&kb), false, 100)
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_mid_fan_out_and_a_second_signal_exits_at_once() {
    let fake = Arc::new(Fake::default());
    let (config, addr) = fake_api(&[], fake.clone()).await;
    queued(config.state.file().unwrap(), 5);
    // The third chat's send never gets an answer.
    *fake.hang_chat.lock().unwrap() = Some(3);
    let api = format!("http://{addr}");
    let mut serve = Proc::start(&["serve"], &api, config.state.file().unwrap(), &[]);
    serve
        .wait_for("the fan-out to reach chat 3", STOP_WITHIN, |_| {
            !fake.sent_to(3).is_empty()
        })
        .await;
    let (status, took) = serve.stop("-TERM", "fan-out in progress (serve)").await;
    assert!(status.success(), "{status}: {}", serve.log());
    assert!(
        took >= Duration::from_secs(3),
        "the send in hand had its grace"
    );
    let pending = Sqlite::open(config.state.file().unwrap())
        .unwrap()
        .pending()
        .unwrap();
    let left: Vec<i64> = pending.iter().map(|p| p.chat_id).collect();
    assert_eq!(left, [3, 4, 5], "the rest stays queued");

    // Again, with a second signal: it exits at once, as killed by it.
    // Chat 3 is still claimed (its lease runs): the fan-out hangs on 4.
    *fake.hang_chat.lock().unwrap() = Some(4);
    let mut serve = Proc::start(&["serve"], &api, config.state.file().unwrap(), &[]);
    serve
        .wait_for("the fan-out to reach chat 4", STOP_WITHIN, |_| {
            !fake.sent_to(4).is_empty()
        })
        .await;
    serve.signal("-TERM");
    serve
        .wait_for("the first signal to be seen", STOP_WITHIN, |p| {
            p.log().contains("SIGTERM: shutting down")
        })
        .await;
    let (status, took) = serve.stop("-INT", "second signal").await;
    assert_eq!(status.code(), Some(130), "128 + SIGINT: {}", serve.log());
    assert!(
        took < Duration::from_secs(2),
        "at once, not after the grace"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brief_send_stops_with_a_send_in_flight() {
    let fake = Arc::new(Fake::default());
    let (config, addr) = fake_api(&[], fake.clone()).await;
    queued(config.state.file().unwrap(), 4);
    *fake.hang_chat.lock().unwrap() = Some(2);
    let mut send = Proc::start(
        &["brief", "--send"],
        &format!("http://{addr}"),
        config.state.file().unwrap(),
        &[],
    );
    send.wait_for("the send to chat 2", STOP_WITHIN, |_| {
        !fake.sent_to(2).is_empty()
    })
    .await;
    let (status, _) = send.stop("-TERM", "brief --send").await;
    assert!(status.success(), "{status}: {}", send.log());
    assert!(
        send.stdout().contains("1 delivered") && send.stdout().contains("stopped early"),
        "{}",
        send.stdout()
    );
    assert!(fake.sent_to(3).is_empty() && fake.sent_to(4).is_empty());
}
