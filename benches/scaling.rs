//! Replicas and senders on one PostgreSQL state, measured end to end with
//! the real binary against a minimal fake Bot API on 127.0.0.1 (throttling
//! off unless said), for `docs/scaling.md`:
//! - updates per second through one and two `serve` replicas in webhook
//!   mode (and one on SQLite, for comparison);
//! - the fan-out time for 10,000 subscribers with one and two `brief
//!   --send` processes;
//! - one and two senders under Telegram's limits (throttling on), on 600.
//!
//! Not a criterion benchmark: each figure is one run of several processes.
//! Run with `cargo bench --bench scaling`; it needs PostgreSQL (skips
//! without), and takes about two minutes.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::json;

#[allow(dead_code)]
#[path = "../tests/it/pg.rs"]
mod pg;

#[allow(dead_code)]
#[path = "support/fake_bot_api.rs"]
mod fake_bot_api;
use fake_bot_api::Fake;

const SECRET: &str = "scaling-bench-secret";
const UPDATES: usize = 3_000;
const POSTERS: usize = 32;
/// Subscribers for the runs under Telegram's limits (about 30 a second).
const THROTTLED: i64 = 600;

fn briefbot(args: &[&str], api: &str, state: &str, vars: &[(&str, String)]) -> Child {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_briefbot"));
    cmd.args(args)
        .env("TELOXIDE_TOKEN", "1:BENCH")
        .env("TELOXIDE_API_URL", api)
        .env("BRIEFBOT_STATE", state)
        .env("BRIEFBOT_THROTTLE", "off")
        .env("BRIEFBOT_INTENTS", root.join("intents"))
        .env("BRIEFBOT_DATA", root.join("data"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.spawn().expect("starting briefbot")
}

fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

async fn post_update(addr: SocketAddr, body: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let request = format!(
        "POST /hook HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
}

/// Updates per second through `replicas` webhook replicas on `state`.
async fn updates_per_second(api: &str, fake: &Fake, state: &str, replicas: usize) -> f64 {
    let listens: Vec<SocketAddr> = (0..replicas).map(|_| free_addr()).collect();
    let children: Vec<Child> = listens
        .iter()
        .map(|l| {
            let vars = [
                (
                    "BRIEFBOT_WEBHOOK_URL",
                    "https://bot.example.org/hook".to_string(),
                ),
                ("BRIEFBOT_WEBHOOK_LISTEN", l.to_string()),
                ("BRIEFBOT_WEBHOOK_SECRET", SECRET.to_string()),
            ];
            briefbot(&["serve"], api, state, &vars)
        })
        .collect();
    for l in &listens {
        let started = Instant::now();
        while tokio::net::TcpStream::connect(l).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "replica on {l} never listened"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let questions = [
        "who hacked albania",
        "what is the mek",
        "when did albania cut ties with iran",
    ];
    let base = fake.sent.load(Ordering::SeqCst);
    let started = Instant::now();
    let mut posters = Vec::new();
    for p in 0..POSTERS {
        let listens = listens.clone();
        posters.push(tokio::spawn(async move {
            for i in (p..UPDATES).step_by(POSTERS) {
                let id = i as i64 + 1;
                let body = json!({"update_id": id, "message": {
                    "message_id": id, "date": 0,
                    "chat": {"id": 10_000 + id, "type": "private", "first_name": "U"},
                    "from": {"id": 10_000 + id, "is_bot": false, "first_name": "U"},
                    "text": questions[i % questions.len()]
                }});
                post_update(listens[i % listens.len()], &body.to_string()).await;
            }
        }));
    }
    for p in posters {
        p.await.unwrap();
    }
    while fake.sent.load(Ordering::SeqCst) < base + UPDATES {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "answers missing"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let rate = UPDATES as f64 / started.elapsed().as_secs_f64();
    for child in children {
        stop(child);
    }
    rate
}

/// A fresh PostgreSQL state with `n` active subscribers.
async fn subscribed(cluster: &pg::Cluster, n: i64) -> String {
    let url = cluster.fresh_database();
    let store = briefbot::store::Store::open(&briefbot::store::Location::Postgres(url.clone()))
        .await
        .unwrap();
    drop(store);
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .execute(
            "INSERT INTO subscription (chat_id, kind, title, since, active)
             SELECT g, 'private', 'p', g, TRUE FROM generate_series(1, $1::bigint) AS g",
            &[&n],
        )
        .await
        .unwrap();
    url
}

/// Seconds for `senders` concurrent `brief --send` to deliver to all.
async fn fan_out_seconds(
    api: &str,
    fake: &Fake,
    url: &str,
    senders: usize,
    throttle: bool,
    n: usize,
) -> f64 {
    let base = fake.sent.load(Ordering::SeqCst);
    let vars = [(
        "BRIEFBOT_THROTTLE",
        if throttle { "on" } else { "off" }.to_string(),
    )];
    let started = Instant::now();
    let children: Vec<Child> = (0..senders)
        .map(|_| briefbot(&["brief", "--send"], api, url, &vars))
        .collect();
    for mut child in children {
        let limit = Duration::from_secs(300);
        while child.try_wait().unwrap().is_none() {
            assert!(started.elapsed() < limit, "brief --send ran too long");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    let took = started.elapsed().as_secs_f64();
    let sent = fake.sent.load(Ordering::SeqCst) - base;
    assert_eq!(sent, n, "each subscriber briefed once");
    took
}

fn main() {
    // `cargo bench` passes `--bench`; a plain `cargo test --benches` run
    // would pass nothing useful: only run when asked as a benchmark.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let Some(cluster) = pg::cluster() else {
        eprintln!("scaling: skipped, PostgreSQL is not installed");
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let fake = Arc::new(Fake::default());
        let api_addr = fake_bot_api::serve(fake.clone()).await;
        let api_url = format!("http://{api_addr}");

        let dir = tempfile::tempdir().unwrap();
        let sqlite = dir.path().join("state.db").display().to_string();
        let rate = updates_per_second(&api_url, &fake, &sqlite, 1).await;
        println!("updates/s, 1 replica, SQLite:      {rate:>8.0}");
        for replicas in [1, 2] {
            let url = cluster.fresh_database();
            let rate = updates_per_second(&api_url, &fake, &url, replicas).await;
            println!("updates/s, {replicas} replica(s), PostgreSQL: {rate:>8.0}");
        }
        for senders in [1, 2] {
            let url = subscribed(cluster, 10_000).await;
            let took = fan_out_seconds(&api_url, &fake, &url, senders, false, 10_000).await;
            println!("fan-out to 10,000, {senders} sender(s), throttling off: {took:>6.1} s");
        }
        for senders in [1, 2] {
            let url = subscribed(cluster, THROTTLED).await;
            let took = fan_out_seconds(&api_url, &fake, &url, senders, true, THROTTLED as usize).await;
            println!(
                "fan-out to {THROTTLED}, {senders} sender(s), Telegram's limits: {took:>6.1} s ({:.1} a second)",
                THROTTLED as f64 / took
            );
        }
    });
}
