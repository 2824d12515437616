//! Several processes on one PostgreSQL state, end to end: real `serve`
//! replicas and `brief --send` processes against the fake Bot API. Each
//! test skips, saying why, where PostgreSQL is not installed (a failure
//! under `BRIEFBOT_REQUIRE_POSTGRES=1`).

use std::sync::Arc;
use std::time::Duration;

use briefbot::store::{Location, Store};
use serde_json::json;

use crate::briefings::{LEASE, brief_send, delivered_by};
use crate::fake::{Fake, fake_api, message, private};
use crate::process::{Proc, STOP_WITHIN, free_addr};
use crate::telegram::post_update;

/// The secret every replica registers the webhook with.
const SECRET: &str = "replicas-share-this-secret";

async fn store(url: &str) -> Store {
    Store::open(&Location::Postgres(url.to_string()))
        .await
        .expect("the PostgreSQL state opens")
}

/// Subscribes chats `1..=n` (private chats).
async fn subscribe(url: &str, n: i64) {
    let store = store(url).await;
    for chat in 1..=n {
        store.subscribe(chat, "private", "p", chat).await.unwrap();
    }
}

/// A `serve` replica in webhook mode on `url`, listening on `listen`.
fn replica(api: &str, url: &str, listen: &str, vars: &[(&str, &str)]) -> Proc {
    let mut all = vec![
        ("BRIEFBOT_WEBHOOK_URL", "https://bot.example.org/hook"),
        ("BRIEFBOT_WEBHOOK_LISTEN", listen),
        ("BRIEFBOT_WEBHOOK_SECRET", SECRET),
        ("BRIEFBOT_ADMINS", "7"),
    ];
    all.extend_from_slice(vars);
    Proc::start(&["serve"], api, url, &all)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_webhook_replicas_answer_each_update_once_and_share_state() {
    let Some(url) = crate::pg::fresh_database() else {
        return;
    };
    let fake = Arc::new(Fake::default());
    let (_, addr) = fake_api(&[], fake.clone()).await;
    let api = format!("http://{addr}");
    let (listen_a, listen_b) = (free_addr(), free_addr());
    // Replica b reads a copy of the intents, broken later to see a reload
    // it cannot take.
    let b_intents = tempfile::tempdir().unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents");
    for file in std::fs::read_dir(&shipped).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(&file, b_intents.path().join(file.file_name().unwrap())).unwrap();
    }
    let b_dir = b_intents.path().display().to_string();
    let mut a = replica(&api, &url, &listen_a, &[]);
    let mut b = replica(&api, &url, &listen_b, &[("BRIEFBOT_INTENTS", &b_dir)]);
    for p in [&mut a, &mut b] {
        p.wait_for("the webhook listener", STOP_WITHIN, |p| {
            p.log().contains("serving Telegram updates by webhook")
        })
        .await;
    }
    let hooks = fake.calls("setWebhook");
    assert_eq!(hooks.len(), 2, "each replica registers the webhook");
    assert!(hooks.iter().all(|h| h["secret_token"] == SECRET));
    let (to_a, to_b): (std::net::SocketAddr, std::net::SocketAddr) =
        (listen_a.parse().unwrap(), listen_b.parse().unwrap());

    // Updates spread over both; each one is answered once. Update 1 is
    // posted to both, as Telegram does again after a slow answer.
    for id in 1..=10 {
        let update = message(id, private(100 + id), Some("who is xhacka"), json!({}));
        let to = if id % 2 == 0 { to_b } else { to_a };
        assert_eq!(post_update(to, "/hook", Some(SECRET), &update).await, 200);
        if id == 1 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            assert_eq!(post_update(to_b, "/hook", Some(SECRET), &update).await, 200);
        }
    }
    a.wait_for("ten answers", STOP_WITHIN, |_| {
        (101..=110).all(|c| !fake.sent_to(c).is_empty())
    })
    .await;
    // A subscription made through one replica is seen by the other.
    let subscribe = message(11, private(120), Some("/subscribe"), json!({}));
    assert_eq!(
        post_update(to_a, "/hook", Some(SECRET), &subscribe).await,
        200
    );
    a.wait_for("the subscription", STOP_WITHIN, |_| {
        !fake.sent_to(120).is_empty()
    })
    .await;
    let again = message(12, private(120), Some("/subscribe"), json!({}));
    assert_eq!(post_update(to_b, "/hook", Some(SECRET), &again).await, 200);
    b.wait_for("the second answer", STOP_WITHIN, |_| {
        fake.sent_to(120).len() == 2
    })
    .await;
    let second = fake.sent_to(120)[1]["text"].as_str().unwrap().to_string();
    assert!(second.contains("already"), "{second}");

    // /reload on one replica reloads the other.
    let reload = message(13, private(130), Some("/reload"), json!({}));
    assert_eq!(post_update(to_a, "/hook", Some(SECRET), &reload).await, 200);
    b.wait_for("the reload to reach replica b", STOP_WITHIN, |p| {
        p.log().contains("another replica reloaded")
    })
    .await;
    // A replica that cannot load the new files keeps its knowledge and
    // says so.
    std::fs::write(b_intents.path().join("broken.toml"), "[[intent]]\nid = ").unwrap();
    let reload = message(15, private(130), Some("/reload"), json!({}));
    assert_eq!(post_update(to_a, "/hook", Some(SECRET), &reload).await, 200);
    b.wait_for("replica b to refuse the broken files", STOP_WITHIN, |p| {
        p.log().contains("reload failed, keeping the old knowledge")
    })
    .await;

    // One replica stops: the webhook stays, the other still answers.
    let (status, _) = a.stop("-TERM", "replica a").await;
    assert!(status.success(), "{status}: {}", a.log());
    assert!(
        fake.calls("deleteWebhook").is_empty(),
        "the webhook is kept"
    );
    let after = message(14, private(140), Some("who is xhacka"), json!({}));
    assert_eq!(post_update(to_b, "/hook", Some(SECRET), &after).await, 200);
    b.wait_for("an answer after a stopped", STOP_WITHIN, |_| {
        !fake.sent_to(140).is_empty()
    })
    .await;
    for chat in 101..=110 {
        assert_eq!(fake.sent_to(chat).len(), 1, "chat {chat} answered once");
    }
    let (status, _) = b.stop("-TERM", "replica b").await;
    assert!(status.success(), "{status}: {}", b.log());
    let stats = store(&url).await.stats(0).await.unwrap();
    assert_eq!(stats.answered, 11, "both replicas' questions are counted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_senders_deliver_200_briefings_once() {
    let Some(url) = crate::pg::fresh_database() else {
        return;
    };
    subscribe(&url, 200).await;
    let fake = Arc::new(Fake::default());
    *fake.send_delay.lock().unwrap() = Some(Duration::from_millis(5));
    let (_, addr) = fake_api(&[], fake.clone()).await;
    let senders = [
        brief_send(addr, &url),
        brief_send(addr, &url),
        brief_send(addr, &url),
    ];
    let delivered = delivered_by(senders, Duration::from_secs(120)).await;
    assert_eq!(delivered, 200);
    assert_eq!(fake.calls("sendMessage").len(), 200);
    for chat in 1..=200 {
        assert_eq!(fake.briefings_to(chat).len(), 1, "chat {chat}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_fan_out_is_finished_by_the_other() {
    let Some(url) = crate::pg::fresh_database() else {
        return;
    };
    subscribe(&url, 20).await;
    let fake = Arc::new(Fake::default());
    let (_, addr) = fake_api(&[], fake.clone()).await;
    let api = format!("http://{addr}");
    // Replica a fans out and hangs on chat 5's send, holding its claim.
    *fake.hang_chat.lock().unwrap() = Some(5);
    let lease = LEASE.to_string();
    let vars = [("BRIEFBOT_DELIVERY_LEASE", lease.as_str())];
    let mut a = replica(&api, &url, &free_addr(), &vars);
    a.wait_for("the webhook listener", STOP_WITHIN, |p| {
        p.log().contains("serving Telegram updates by webhook")
    })
    .await;
    let brief_now = message(1, private(7), Some("/brief_now"), json!({}));
    let to_a: std::net::SocketAddr = a_listen(&a);
    assert_eq!(
        post_update(to_a, "/hook", Some(SECRET), &brief_now).await,
        200
    );
    a.wait_for("chat 5's send in flight", STOP_WITHIN, |_| {
        !fake.sent_to(5).is_empty()
    })
    .await;
    // Replica b comes up meanwhile and sends what is free.
    let mut b = replica(&api, &url, &free_addr(), &vars);
    b.wait_for("the rest sent", STOP_WITHIN, |_| {
        (1..=20)
            .filter(|c| *c != 5)
            .all(|c| !fake.sent_to(c).is_empty())
    })
    .await;
    a.kill();
    *fake.hang_chat.lock().unwrap() = None;
    // After the lease, b takes over the dead replica's claim.
    b.wait_for(
        "chat 5 briefed by replica b",
        Duration::from_secs(LEASE + 15),
        |_| fake.sent_to(5).len() == 2,
    )
    .await;
    for chat in 1..=20 {
        let expected = if chat == 5 { 2 } else { 1 };
        assert_eq!(fake.briefings_to(chat).len(), expected, "chat {chat}");
    }
    let (status, _) = b.stop("-TERM", "replica b").await;
    assert!(status.success(), "{status}: {}", b.log());
}

/// The webhook address a replica was started with.
fn a_listen(p: &Proc) -> std::net::SocketAddr {
    p.env("BRIEFBOT_WEBHOOK_LISTEN").parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_goes_on_while_the_database_is_down() {
    let Some(cluster) = crate::pg::own_cluster() else {
        return;
    };
    let url = cluster.fresh_database();
    let fake = Arc::new(Fake::default());
    let (_, addr) = fake_api(&[], fake.clone()).await;
    let mut serve = Proc::start(&["serve"], &format!("http://{addr}"), &url, &[]);
    fake.push(message(1, private(50), Some("who is xhacka"), json!({})));
    serve
        .wait_for("the first answer", STOP_WITHIN, |_| {
            !fake.sent_to(50).is_empty()
        })
        .await;
    cluster.stop();
    fake.push(message(
        2,
        private(51),
        Some("when did albania cut ties"),
        json!({}),
    ));
    serve
        .wait_for(
            "an answer with the database down",
            Duration::from_secs(30),
            |_| !fake.sent_to(51).is_empty(),
        )
        .await;
    serve
        .wait_for(
            "the question log kept for later",
            Duration::from_secs(30),
            |p| p.log().contains("keeping them for later"),
        )
        .await;
    // A command sent while the database is still down is retried, and
    // saved once it is back within seconds (a restart, a failover).
    let retries = serve.log().matches("trying again in").count();
    fake.push(message(4, private(53), Some("/subscribe"), json!({})));
    serve
        .wait_for(
            "the /subscribe to be retried",
            Duration::from_secs(10),
            |p| p.log().matches("trying again in").count() > retries,
        )
        .await;
    cluster.start();
    serve
        .wait_for(
            "a reply to the retried /subscribe",
            Duration::from_secs(30),
            |_| !fake.sent_to(53).is_empty(),
        )
        .await;
    let reply = fake.sent_to(53)[0]["text"].as_str().unwrap().to_string();
    assert!(reply.starts_with("Subscribed"), "{reply}");
    let store = store(&url).await;
    assert!(
        store
            .subscriber(53)
            .await
            .unwrap()
            .is_some_and(|s| s.active)
    );
    let mut counted = 0;
    for _ in 0..200 {
        counted = store.stats(0).await.unwrap().answered;
        if counted == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(counted, 2, "both questions reach the log once it is back");
    let (status, _) = serve.stop("-TERM", "after the outage").await;
    assert!(status.success(), "{status}: {}", serve.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_state_url_names_the_variable_never_the_password() {
    let Some(cluster) = crate::pg::cluster() else {
        return;
    };
    let wrong_password = cluster
        .url("postgres")
        .replace(crate::pg::PASSWORD, "not-the-Password-42");
    let nobody_listens = format!("postgres://bot:hush-42@{}/briefbot", free_addr());
    for (url, says) in [
        (wrong_password.as_str(), "password authentication failed"),
        (
            nobody_listens.as_str(),
            "cannot use the PostgreSQL database",
        ),
        (
            "postgres://bot:hush-42@127.0.0.1:notaport/db",
            "not a valid URL",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_briefbot"))
            .arg("subscribers")
            .env("BRIEFBOT_STATE", url)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{url}: {stderr}");
        assert!(stderr.contains("BRIEFBOT_STATE"), "{stderr}");
        assert!(stderr.contains(says), "{url}: {stderr}");
        for secret in ["not-the-Password-42", "hush-42", crate::pg::PASSWORD] {
            assert!(!stderr.contains(secret), "{stderr}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_schema_is_refused() {
    let Some(url) = crate::pg::fresh_database() else {
        return;
    };
    drop(store(&url).await);
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .execute("UPDATE briefbot_schema SET version = 99", &[])
        .await
        .unwrap();
    let err = Store::open(&Location::Postgres(url.clone()))
        .await
        .err()
        .expect("refused");
    let message = err.to_string();
    assert!(
        message.contains("99") && message.contains("newer"),
        "{message}"
    );
    assert!(!message.contains(crate::pg::PASSWORD), "{message}");
    let version: i32 = client
        .query_one("SELECT version FROM briefbot_schema", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(version, 99, "nothing was written");
}
