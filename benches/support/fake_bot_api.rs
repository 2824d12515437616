//! A minimal fake Bot API on 127.0.0.1 for the benchmarks (`e2e`,
//! `scaling`): getMe, getUpdates from a queue, sendMessage counted, `true`
//! for anything else. Included with `#[path]`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};

#[derive(Default)]
pub struct Fake {
    /// Updates that getUpdates hands out, by offset.
    pub updates: Mutex<Vec<Value>>,
    /// sendMessage calls so far.
    pub sent: AtomicUsize,
}

async fn api(
    State(fake): State<Arc<Fake>>,
    Path((_bot, method)): Path<(String, String)>,
    body: Bytes,
) -> axum::Json<Value> {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let result = match method.to_lowercase().as_str() {
        "getme" => json!({
            "id": 1, "is_bot": true, "first_name": "B", "username": "briefbot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": true, "has_main_web_app": false
        }),
        "getwebhookinfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        "getupdates" => {
            let offset = body["offset"].as_i64().unwrap_or(0);
            for _ in 0..200 {
                let ready: Vec<Value> = {
                    let mut updates = fake.updates.lock().unwrap();
                    updates.retain(|u| u["update_id"].as_i64().unwrap() >= offset);
                    updates.iter().take(100).cloned().collect()
                };
                if !ready.is_empty() {
                    return axum::Json(json!({"ok": true, "result": ready}));
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            json!([])
        }
        "sendmessage" => {
            fake.sent.fetch_add(1, Ordering::SeqCst);
            json!({"message_id": 1, "date": 0, "chat": {"id": body["chat_id"], "type": "private", "first_name": "U"}, "text": "x"})
        }
        _ => json!(true),
    };
    axum::Json(json!({"ok": true, "result": result}))
}

/// Serves `fake` on 127.0.0.1:0, on the current runtime; its address.
pub async fn serve(fake: Arc<Fake>) -> std::net::SocketAddr {
    let app = Router::new()
        .route("/{bot}/{method}", post(api))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}
