//! The metrics module's tests: the encoded families and labels, the health
//! transitions, the router in memory and `serve` on loopback (every wait
//! bounded).

use super::*;
use axum::body::Body;
use axum::http::Request;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

#[track_caller]
fn assert_lines(metrics: &Metrics, expected: &[&str]) {
    let text = metrics.encode();
    for line in expected {
        assert!(text.lines().any(|l| l == *line), "no `{line}` in:\n{text}");
    }
}

#[test]
fn every_family_is_encoded_with_its_labels() {
    let metrics = Metrics::new();
    assert_lines(
        &metrics,
        &[
            "briefbot_questions_total{outcome=\"choices\",lang=\"en\"} 0",
            "briefbot_deliveries_total{result=\"failed\"} 0",
            "briefbot_reloads_total{result=\"rejected\"} 0",
            "briefbot_answer_seconds_count 0",
        ],
    );
    metrics.question(Outcome::Answered, "en", 0.000_2);
    metrics.question(Outcome::Declined, "PT-br", 0.003);
    metrics.update("message");
    metrics.update("channel_post");
    metrics.delivery(DeliveryResult::Sent, 3);
    metrics.delivery(DeliveryResult::Gone, 1);
    metrics.reload(true);
    metrics.reload(false);
    metrics.set_intents(42);
    let version = env!("CARGO_PKG_VERSION");
    assert_lines(
        &metrics,
        &[
            "# TYPE briefbot_questions counter",
            "briefbot_questions_total{outcome=\"answered\",lang=\"en\"} 1",
            "briefbot_questions_total{outcome=\"declined\",lang=\"pt-br\"} 1",
            "# TYPE briefbot_answer_seconds histogram",
            "briefbot_answer_seconds_count 2",
            "briefbot_answer_seconds_bucket{le=\"0.0001\"} 0",
            "briefbot_answer_seconds_bucket{le=\"0.0003\"} 1",
            "briefbot_answer_seconds_bucket{le=\"+Inf\"} 2",
            "briefbot_updates_total{kind=\"message\"} 1",
            "briefbot_updates_total{kind=\"other\"} 1",
            "briefbot_deliveries_total{result=\"sent\"} 3",
            "briefbot_deliveries_total{result=\"gone\"} 1",
            "briefbot_reloads_total{result=\"ok\"} 1",
            "briefbot_reloads_total{result=\"rejected\"} 1",
            "# TYPE briefbot_knowledge_intents gauge",
            "briefbot_knowledge_intents 42",
            &format!("briefbot_build_info{{version=\"{version}\"}} 1"),
        ],
    );
    assert!(metrics.encode().ends_with("# EOF\n"));
}

#[test]
fn labels_never_carry_text() {
    let metrics = Metrics::new();
    metrics.question(Outcome::Answered, "who hacked albania", 1e-4);
    metrics.question(Outcome::Answered, "", f64::NAN);
    let text = metrics.encode();
    assert!(!text.contains("albania"), "{text}");
    assert_lines(
        &metrics,
        &[
            "briefbot_questions_total{outcome=\"answered\",lang=\"other\"} 2",
            "briefbot_answer_seconds_count 1",
        ],
    );
}

#[test]
fn health_needs_knowledge_and_a_recent_bot_api() {
    let metrics = Metrics::new();
    let not_loaded = Err("the knowledge is not loaded".to_string());
    assert_eq!(metrics.health(1_000), not_loaded);
    metrics.set_intents(10);
    let not_yet = Err("the Bot API has not answered yet".to_string());
    assert_eq!(metrics.health(1_000), not_yet);
    metrics.api_ok(1_000);
    assert_eq!(metrics.health(1_000), Ok(()));
    assert_eq!(metrics.health(1_000 + HEALTH_WINDOW), Ok(()));
    let stale = Err("the Bot API has not answered for 412 s".to_string());
    assert_eq!(metrics.health(1_412), stale);
    metrics.api_ok(1_400);
    metrics.api_ok(900); // late news of an older call changes nothing
    assert_eq!(metrics.health(1_412), Ok(()));
    metrics.set_intents(0);
    assert_eq!(metrics.health(1_412), not_loaded);
}

/// Sends one request through the router; the status, content type and body.
async fn call(metrics: &Arc<Metrics>, method: &str, uri: &str) -> (u16, String, String) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty());
    let response = router(metrics.clone(), || 1_000)
        .oneshot(request.unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response.headers().get(header::CONTENT_TYPE);
    let kind = kind
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, kind, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn the_router_answers_healthz_and_metrics_only() {
    let metrics = Arc::new(Metrics::new());
    let plain = "text/plain; charset=utf-8".to_string();
    let (status, kind, body) = call(&metrics, "GET", "/healthz").await;
    assert_eq!(
        (status, kind, body.as_str()),
        (503, plain.clone(), "the knowledge is not loaded\n")
    );
    metrics.set_intents(3);
    metrics.api_ok(990);
    assert_eq!(
        call(&metrics, "GET", "/healthz").await,
        (200, plain, "ok\n".to_string())
    );
    let (status, kind, body) = call(&metrics, "GET", "/metrics").await;
    assert_eq!((status, kind.as_str()), (200, CONTENT_TYPE));
    assert!(body.contains("briefbot_knowledge_intents 3\n"), "{body}");
    assert!(body.ends_with("# EOF\n"), "{body}");
    assert_eq!(call(&metrics, "GET", "/").await.0, 404);
    assert_eq!(call(&metrics, "POST", "/metrics").await.0, 404);
}

#[tokio::test]
async fn serve_answers_on_loopback_and_stops_when_asked() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let stop_signal = async move {
        let _ = stopped.await;
    };
    let server = tokio::spawn(serve(listener, Arc::new(Metrics::new()), stop_signal));
    let bound = Duration::from_secs(10);
    let exchange = async {
        let mut tcp = tokio::net::TcpStream::connect(addr).await?;
        let request = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        tcp.write_all(request.as_bytes()).await?;
        let mut response = String::new();
        tcp.read_to_string(&mut response).await?;
        std::io::Result::Ok(response)
    };
    let response = tokio::time::timeout(bound, exchange)
        .await
        .expect("waited 10 s for the response to GET /metrics")
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("briefbot_build_info{version="),
        "{response}"
    );
    stop.send(()).unwrap();
    let ended = tokio::time::timeout(bound, server)
        .await
        .expect("waited 10 s for serve to return after stop");
    ended.unwrap().unwrap();
}
