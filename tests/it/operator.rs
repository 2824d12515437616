//! The operator's view through the real binary: `/healthz` and `/metrics`
//! on `BRIEFBOT_METRICS_LISTEN`.

use std::sync::Arc;
use std::time::Duration;

use crate::fake::*;
use crate::process::{Proc, STOP_WITHIN, free_addr, http_get};

/// Polls `GET path` until `done` holds for its answer, at most 10 s.
async fn get_until(addr: &str, path: &str, what: &str, done: impl Fn(u16, &str) -> bool) -> String {
    let mut last = None;
    for _ in 0..200 {
        last = http_get(addr, path).await;
        if let Some((status, body)) = &last
            && done(*status, body)
        {
            return body.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what} on GET {path}; last answer: {last:?}");
}

/// The value of the series `name` (exactly, labels included) in `body`.
fn series(body: &str, name: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_health_through_the_real_binary() {
    let fake = Arc::new(Fake::default());
    let (config, addr) = fake_api(&[], fake.clone()).await;
    let listen = free_addr();
    let mut serve = Proc::start(
        &["serve"],
        &format!("http://{addr}"),
        config.state.file().unwrap(),
        &[
            ("BRIEFBOT_METRICS_LISTEN", &listen),
            ("BRIEFBOT_ADMINS", "7"),
        ],
    );
    let ok = get_until(&listen, "/healthz", "a healthy bot", |s, _| s == 200).await;
    assert_eq!(ok, "ok\n");
    let question = "what is the population of mars";
    let updates = [
        (1, "who hacked albania"),
        (2, question),
        (3, "/subscribe"),
        (4, "/brief_now"),
        (5, "/reload"),
    ];
    for (id, words) in updates {
        let before = fake.sent_to(31).len();
        fake.push(message(id, private(31), Some(words), from(7)));
        serve
            .wait_for(words, STOP_WITHIN, |_| fake.sent_to(31).len() > before)
            .await;
    }
    let body = get_until(&listen, "/metrics", "the reload counted", |_, b| {
        series(b, "briefbot_reloads_total{result=\"ok\"}") == Some(1.0)
    })
    .await;
    let expect = [
        (
            "briefbot_questions_total{outcome=\"answered\",lang=\"en\"}",
            1.0,
        ),
        (
            "briefbot_questions_total{outcome=\"declined\",lang=\"en\"}",
            1.0,
        ),
        ("briefbot_answer_seconds_count", 2.0),
        ("briefbot_updates_total{kind=\"message\"}", 5.0),
        ("briefbot_deliveries_total{result=\"sent\"}", 1.0),
        ("briefbot_deliveries_total{result=\"gone\"}", 0.0),
        ("briefbot_reloads_total{result=\"rejected\"}", 0.0),
        ("briefbot_build_info{version=\"0.1.0\"}", 1.0),
    ];
    for (name, value) in expect {
        assert_eq!(series(&body, name), Some(value), "{name} in:\n{body}");
    }
    let intents = series(&body, "briefbot_knowledge_intents").unwrap();
    assert!(intents >= 20.0, "{intents}");
    assert!(!body.contains("TEST-SECRET") && !body.contains("population"));
    assert_eq!(http_get(&listen, "/nothing").await.map(|a| a.0), Some(404));
    let (status, _) = serve.stop("-TERM", "with metrics").await;
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_503_with_a_reason_while_the_bot_api_is_unreachable() {
    let closed = free_addr();
    let (_dir, state) = {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.db");
        (dir, state)
    };
    let listen = free_addr();
    let mut serve = Proc::start(
        &["serve"],
        &format!("http://{closed}"),
        &state,
        &[("BRIEFBOT_METRICS_LISTEN", &listen)],
    );
    let reason = get_until(&listen, "/healthz", "an unhealthy bot", |s, _| s == 503).await;
    assert_eq!(reason, "the Bot API has not answered yet\n");
    let (status, _) = serve.stop("-TERM", "unhealthy").await;
    assert!(status.success());
}
