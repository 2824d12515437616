//! A fake Bot API server on 127.0.0.1:0 (see ../shared/TELEGRAM.md) that
//! records every call, and the real server started against it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use briefbot::config::Config;
use briefbot::telegram::{Listen, Server};
use serde_json::{Value, json};

pub(crate) const BOT_ID: i64 = 4242;

#[derive(Default)]
pub(crate) struct Fake {
    pub(crate) updates: Mutex<Vec<Value>>,
    pub(crate) calls: Mutex<Vec<(String, Value)>>,
    /// Error bodies to answer the next calls of a method with, in order.
    pub(crate) errors: Mutex<HashMap<String, Vec<Value>>>,
    /// How many of the next calls of a method fail on the network: the
    /// response is cut off mid-body.
    pub(crate) hangups: Mutex<HashMap<String, usize>>,
    pub(crate) next_id: Mutex<i64>,
    /// Chats that blocked the bot: sendMessage gets a 403.
    pub(crate) blocked: Mutex<HashSet<i64>>,
    /// Users getChatMember reports as administrators (of any chat).
    pub(crate) admins: Mutex<HashSet<i64>>,
    /// A chat whose sendMessage never gets an answer (a send in flight).
    pub(crate) hang_chat: Mutex<Option<i64>>,
    /// How long every sendMessage takes to be answered.
    pub(crate) send_delay: Mutex<Option<Duration>>,
}

impl Fake {
    pub(crate) fn push(&self, update: Value) {
        self.updates.lock().unwrap().push(update);
    }

    pub(crate) fn calls(&self, method: &str) -> Vec<Value> {
        let calls = self.calls.lock().unwrap();
        calls
            .iter()
            .filter(|(m, _)| m.eq_ignore_ascii_case(method))
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// The texts of the briefings sent to `chat`.
    pub(crate) fn briefings_to(&self, chat: i64) -> Vec<String> {
        self.sent_to(chat)
            .iter()
            .filter_map(|m| m["text"].as_str())
            .filter(|t| t.starts_with("<b>Briefing</b>") || t.starts_with("<b>Përmbledhje</b>"))
            .map(str::to_string)
            .collect()
    }

    pub(crate) fn sent_to(&self, chat: i64) -> Vec<Value> {
        self.calls("sendMessage")
            .into_iter()
            .filter(|b| b["chat_id"] == chat)
            .collect()
    }
}

async fn api(
    State(fake): State<Arc<Fake>>,
    Path((_bot, method)): Path<(String, String)>,
    body: Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| form_fields(&body));
    let method_lc = method.to_lowercase();
    if method_lc != "getupdates" {
        fake.calls
            .lock()
            .unwrap()
            .push((method.clone(), body.clone()));
    }
    if let Some(n) = fake.hangups.lock().unwrap().get_mut(&method_lc)
        && *n > 0
    {
        *n -= 1;
        let cut = futures_util::stream::once(async {
            Err::<Bytes, _>(std::io::Error::other("connection lost"))
        });
        return axum::body::Body::from_stream(cut).into_response();
    }
    reply(&fake, &method_lc, &body).await.into_response()
}

/// The fields of a multipart/form-data body (teloxide sends `setWebhook`
/// that way) as a JSON object of strings.
pub(crate) fn form_fields(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body);
    let mut fields = serde_json::Map::new();
    for part in text
        .split("Content-Disposition: form-data; name=\"")
        .skip(1)
    {
        let Some((name, rest)) = part.split_once('"') else {
            continue;
        };
        let Some((_, value)) = rest.split_once("\r\n\r\n") else {
            continue;
        };
        let value = value.split("\r\n--").next().unwrap_or_default();
        fields.insert(name.to_string(), json!(value));
    }
    Value::Object(fields)
}

pub(crate) async fn reply(fake: &Fake, method_lc: &str, body: &Value) -> axum::Json<Value> {
    if let Some(err) = fake
        .errors
        .lock()
        .unwrap()
        .get_mut(method_lc)
        .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
    {
        return axum::Json(err);
    }
    let result = match method_lc {
        "getme" => json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Brief", "username": "briefbot",
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": true, "has_main_web_app": false
        }),
        "getwebhookinfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        "getupdates" => {
            let offset = body["offset"].as_i64().unwrap_or(0);
            for _ in 0..20 {
                let ready: Vec<Value> = {
                    let mut updates = fake.updates.lock().unwrap();
                    updates.retain(|u| u["update_id"].as_i64().unwrap() >= offset);
                    updates.clone()
                };
                if !ready.is_empty() {
                    return axum::Json(json!({"ok": true, "result": ready}));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            json!([])
        }
        "sendmessage"
            if body["chat_id"]
                .as_i64()
                .is_some_and(|c| fake.blocked.lock().unwrap().contains(&c)) =>
        {
            return axum::Json(json!({"ok": false, "error_code": 403,
                "description": "Forbidden: bot was blocked by the user"}));
        }
        "sendmessage" if body["chat_id"].as_i64() == *fake.hang_chat.lock().unwrap() => {
            std::future::pending::<()>().await;
            unreachable!()
        }
        "getchat" => {
            // Channels by @username: @albania_news is -1001, anything else -1002.
            let id = match &body["chat_id"] {
                Value::String(name) if name == "@albania_news" => -1001,
                Value::String(_) => -1002,
                other => other.as_i64().unwrap_or(0),
            };
            json!({"id": id, "type": "channel", "title": format!("Channel {id}"),
                "accepted_gift_types": {"unlimited_gifts": false, "limited_gifts": false,
                    "unique_gifts": false, "premium_subscription": false},
                "max_reaction_count": 11, "accent_color_id": 1})
        }
        "getchatmember" => {
            let user = body["user_id"].as_i64().unwrap_or(0);
            // The bot administers channel -1001 only.
            let chat = body["chat_id"].as_i64().unwrap_or(0);
            let user = if user == BOT_ID && chat == -1001 {
                -user
            } else {
                user
            };
            let user_json = json!({"id": user.abs(), "is_bot": false, "first_name": "U"});
            if user < 0 || fake.admins.lock().unwrap().contains(&user) {
                json!({"status": "administrator", "user": user_json, "can_be_edited": false,
                    "is_anonymous": false, "can_manage_chat": true, "can_change_info": true,
                    "can_delete_messages": true, "can_manage_video_chats": true,
                    "can_invite_users": true, "can_restrict_members": true,
                    "can_promote_members": false, "can_post_messages": true})
            } else {
                json!({"status": "member", "user": user_json})
            }
        }
        "sendmessage" => {
            let delay = *fake.send_delay.lock().unwrap();
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            let mut id = fake.next_id.lock().unwrap();
            *id += 1;
            json!({
                "message_id": *id, "date": 1_700_000_000,
                "chat": {"id": body["chat_id"], "type": "private", "first_name": "U"},
                "from": {"id": BOT_ID, "is_bot": true, "first_name": "Brief"},
                "text": body["text"]
            })
        }
        _ => json!(true),
    };
    axum::Json(json!({"ok": true, "result": result}))
}

pub(crate) struct Running {
    pub(crate) fake: Arc<Fake>,
    pub(crate) config: Config,
    pub(crate) token: briefbot::shutdown::CancellationToken,
    pub(crate) task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

pub(crate) async fn start() -> Running {
    start_with(&[], Arc::default()).await
}

/// Starts the fake Bot API and the real server against it by long polling,
/// with extra configuration `vars`; `fake` may be prepared with failures.
pub(crate) async fn start_with(vars: &[(&str, &str)], fake: Arc<Fake>) -> Running {
    let (config, _) = fake_api(vars, fake.clone()).await;
    let token = briefbot::shutdown::CancellationToken::new();
    let server = Server::new(&config, shipped_kb(), token.clone())
        .await
        .unwrap();
    let task = tokio::spawn(server.serve(Listen::Polling));
    Running {
        fake,
        config,
        token,
        task,
    }
}

/// Serves the fake Bot API on 127.0.0.1:0; the configuration points at it.
pub(crate) async fn fake_api(
    vars: &[(&str, &str)],
    fake: Arc<Fake>,
) -> (Config, std::net::SocketAddr) {
    let app = Router::new()
        .route("/{bot}/{method}", post(api))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://{addr}");
    // Each server gets its own state file, kept until the process ends.
    let state = tempfile::tempdir().unwrap().keep().join("state.db");
    let config = Config::from_vars(|k| match k {
        "TELOXIDE_TOKEN" => Some(TOKEN.to_string()),
        "TELOXIDE_API_URL" => Some(url.clone()),
        "BRIEFBOT_STATE" if !vars.iter().any(|(name, _)| *name == k) => {
            Some(state.display().to_string())
        }
        _ => vars
            .iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.to_string()),
    })
    .unwrap();
    (config, addr)
}

pub(crate) const TOKEN: &str = "123:TEST-SECRET";

pub(crate) fn shipped_kb() -> Arc<briefbot::kb::Kb> {
    Arc::new(
        briefbot::kb::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intents"),
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
        )
        .unwrap(),
    )
}

impl Running {
    pub(crate) async fn wait_for(&self, what: &str, done: impl Fn(&Fake) -> bool) {
        for _ in 0..200 {
            if done(&self.fake) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "timed out waiting for {what}; calls: {:?}",
            self.fake.calls.lock().unwrap()
        );
    }

    /// Stops the server as a signal would and waits, at most 30 s, for
    /// `serve` to return `Ok`.
    pub(crate) async fn stop(self) {
        self.token.cancel();
        let ended = tokio::time::timeout(Duration::from_secs(30), self.task).await;
        ended
            .expect("the server did not stop within 30 s of its stop token")
            .expect("the server task panicked")
            .expect("serve returned an error");
    }
}

pub(crate) fn message(update_id: i64, chat: Value, text: Option<&str>, extra: Value) -> Value {
    let mut m = json!({
        "message_id": update_id, "date": 1_700_000_000, "chat": chat,
        "from": {"id": 7, "is_bot": false, "first_name": "U"}
    });
    if let Some(t) = text {
        m["text"] = json!(t);
        if t.starts_with('/') {
            let len = t.split_whitespace().next().unwrap().chars().count();
            m["entities"] = json!([{"type": "bot_command", "offset": 0, "length": len}]);
        }
    }
    if let (Some(m), Some(e)) = (m.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    json!({"update_id": update_id, "message": m})
}

/// The `from` of a message sent by `user`.
pub(crate) fn from(user: i64) -> Value {
    json!({"from": {"id": user, "is_bot": false, "first_name": "U"}})
}

pub(crate) fn private(id: i64) -> Value {
    json!({"id": id, "type": "private", "first_name": "U"})
}

pub(crate) fn group(id: i64) -> Value {
    json!({"id": id, "type": "group", "title": "G"})
}
