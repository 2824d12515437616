//! What the operator sees: Prometheus metrics and a health check, served
//! on `BRIEFBOT_METRICS_LISTEN` (`GET /metrics`, `GET /healthz`).
//!
//! One `Metrics` owns its own `prometheus_client` registry (no global one),
//! so tests and several servers in one process never share counters. It
//! knows nothing of Telegram: callers say what happened in domain words
//! (an `Outcome`, an update kind, a `DeliveryResult`). It never records
//! message text, a user or the token: every label comes from a small fixed
//! set, except the language, which is kept only when it looks like a
//! language tag.

use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

/// The Bot API counts as healthy if it answered within this many seconds:
/// long polling asks every few seconds, so five minutes of silence means
/// Telegram or the network is down, not merely quiet.
pub const HEALTH_WINDOW: i64 = 300;

/// The content type of `encode`'s output (OpenMetrics text).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of `briefbot_answer_seconds`: an answer takes from about
/// 10 µs to a few ms, so 10 µs to 0.3 s by steps of about 3 (written out so
/// that the `le` labels are exact decimals, not 3.0000000000000005e-5).
const ANSWER_BUCKETS: [f64; 10] = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3];

/// `api_ok_at` before the Bot API first answered.
const NEVER: i64 = i64::MIN;

/// The update kinds `update` counts; anything else is counted as "other".
const KINDS: [&str; 5] = ["message", "edited_message", "callback", "inline", "other"];

/// What became of a question (the `outcome` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Answered,
    Declined,
    /// The bot offered choices instead of one answer.
    Choices,
}

/// What became of briefing sends (the `result` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryResult {
    Sent,
    /// To be retried (network, Telegram's side).
    Failed,
    /// The chat will never take it; its subscription was deactivated.
    Gone,
}

/// The registry and every family in it. All methods take `&self`, so one
/// `Arc<Metrics>` is shared by the dispatcher, the scheduler and the server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    questions: Family<QuestionLabels, Counter>,
    answer_seconds: Histogram,
    updates: Family<KindLabels, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    reloads: Family<ReloadLabels, Counter>,
    /// Also the health check's "knowledge is loaded".
    intents: Gauge,
    /// When the Bot API last answered (Unix seconds), or `NEVER`.
    api_ok_at: AtomicI64,
}

impl Metrics {
    /// Registers every family, with the label sets known in advance at 0 so
    /// that a rate can be computed from the first scrape.
    pub fn new() -> Metrics {
        let metrics = Metrics {
            registry: Registry::with_prefix("briefbot"),
            questions: Family::default(),
            answer_seconds: Histogram::new(ANSWER_BUCKETS),
            updates: Family::default(),
            deliveries: Family::default(),
            reloads: Family::default(),
            intents: Gauge::default(),
            api_ok_at: AtomicI64::new(NEVER),
        };
        for outcome in [Outcome::Answered, Outcome::Declined, Outcome::Choices] {
            let _ = metrics
                .questions
                .get_or_create(&QuestionLabels::new(outcome, "en"));
        }
        for kind in KINDS {
            let _ = metrics.updates.get_or_create(&KindLabels { kind });
        }
        for result in [
            DeliveryResult::Sent,
            DeliveryResult::Failed,
            DeliveryResult::Gone,
        ] {
            let _ = metrics.deliveries.get_or_create(&DeliveryLabels { result });
        }
        for result in ["ok", "rejected"] {
            let _ = metrics.reloads.get_or_create(&ReloadLabels { result });
        }
        metrics.register()
    }

    /// One question answered (or not) in `seconds`; `lang` is a language
    /// tag such as "en" (Telegram's `language_code`, or the knowledge's).
    pub fn question(&self, outcome: Outcome, lang: &str, seconds: f64) {
        self.questions
            .get_or_create(&QuestionLabels::new(outcome, lang))
            .inc();
        if seconds.is_finite() && seconds >= 0.0 {
            self.answer_seconds.observe(seconds);
        }
    }

    /// One update received: "message", "edited_message", "callback",
    /// "inline" or "other" (an unknown kind counts as "other").
    pub fn update(&self, kind: &str) {
        let kind = KINDS.into_iter().find(|k| *k == kind).unwrap_or("other");
        self.updates.get_or_create(&KindLabels { kind }).inc();
    }

    /// `n` briefing sends that ended as `result`.
    pub fn delivery(&self, result: DeliveryResult, n: u64) {
        self.deliveries
            .get_or_create(&DeliveryLabels { result })
            .inc_by(n);
    }

    /// A knowledge reload: accepted, or rejected for problems in the files.
    pub fn reload(&self, ok: bool) {
        let result = if ok { "ok" } else { "rejected" };
        self.reloads.get_or_create(&ReloadLabels { result }).inc();
    }

    /// How many intents the knowledge in use has.
    pub fn set_intents(&self, n: usize) {
        self.intents.set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// The Bot API answered at `now_unix` (getMe, a poll, a send). Calls
    /// may arrive out of order; the latest time wins.
    pub fn api_ok(&self, now_unix: i64) {
        self.api_ok_at.fetch_max(now_unix, Ordering::Relaxed);
    }

    /// Everything, in the OpenMetrics text format, ending with `# EOF`.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("encoding classic metrics into a String cannot fail");
        text
    }

    /// `Ok` when the knowledge is loaded and the Bot API answered within
    /// `HEALTH_WINDOW` of `now_unix`; otherwise a one-line reason.
    pub fn health(&self, now_unix: i64) -> Result<(), String> {
        if self.intents.get() <= 0 {
            return Err("the knowledge is not loaded".to_string());
        }
        let at = self.api_ok_at.load(Ordering::Relaxed);
        if at == NEVER {
            return Err("the Bot API has not answered yet".to_string());
        }
        let silent = now_unix.saturating_sub(at);
        if silent > HEALTH_WINDOW {
            return Err(format!("the Bot API has not answered for {silent} s"));
        }
        Ok(())
    }

    fn register(mut self) -> Metrics {
        let registry = &mut self.registry;
        let help = "Questions asked, by outcome and language";
        registry.register("questions", help, self.questions.clone());
        let help = "Time to answer one question";
        let histogram = self.answer_seconds.clone();
        registry.register_with_unit("answer", help, Unit::Seconds, histogram);
        let help = "Telegram updates received, by kind";
        registry.register("updates", help, self.updates.clone());
        let help = "Briefing sends, by result";
        registry.register("deliveries", help, self.deliveries.clone());
        let help = "Knowledge reloads, accepted or rejected";
        registry.register("reloads", help, self.reloads.clone());
        let help = "Intents in the knowledge in use";
        registry.register("knowledge_intents", help, self.intents.clone());
        let version = BuildLabels {
            version: env!("CARGO_PKG_VERSION"),
        };
        registry.register("build", "The running briefbot", Info::new(version));
        self
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

/// `GET /healthz` and `GET /metrics` for `metrics`, with `clock` giving
/// the current Unix time (injected so tests can age the Bot API's answer).
/// Every other request gets 404.
pub fn router(metrics: Arc<Metrics>, clock: fn() -> i64) -> Router {
    let not_found = || async { StatusCode::NOT_FOUND };
    Router::new()
        .route("/healthz", get(healthz).fallback(not_found))
        .route("/metrics", get(scrape).fallback(not_found))
        .fallback(not_found)
        .with_state(Served { metrics, clock })
}

/// Serves `router` on `listener` until `stop` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "serving /metrics and /healthz");
    }
    axum::serve(listener, router(metrics, unix_now))
        .with_graceful_shutdown(stop)
        .await
}

/// The system clock in Unix seconds: the clock `serve` uses, and what
/// callers pass to `api_ok` and `health`.
pub fn unix_now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[derive(Clone)]
struct Served {
    metrics: Arc<Metrics>,
    clock: fn() -> i64,
}

async fn healthz(State(served): State<Served>) -> Response {
    let text = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    match served.metrics.health((served.clock)()) {
        Ok(()) => (StatusCode::OK, text, "ok\n".to_string()).into_response(),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, text, format!("{why}\n")).into_response(),
    }
}

async fn scrape(State(served): State<Served>) -> Response {
    let body = served.metrics.encode();
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response()
}

// By hand: the derive would write the variant names as they are ("Answered").
impl EncodeLabelValue for Outcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        encoder.write_str(match self {
            Outcome::Answered => "answered",
            Outcome::Declined => "declined",
            Outcome::Choices => "choices",
        })
    }
}

impl EncodeLabelValue for DeliveryResult {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        encoder.write_str(match self {
            DeliveryResult::Sent => "sent",
            DeliveryResult::Failed => "failed",
            DeliveryResult::Gone => "gone",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct QuestionLabels {
    outcome: Outcome,
    lang: String,
}

impl QuestionLabels {
    /// A language tag ("en", "pt-br") is kept, lowercased; anything else
    /// becomes "other", so the label never carries a message's text.
    fn new(outcome: Outcome, lang: &str) -> QuestionLabels {
        let tag = (1..=8).contains(&lang.len())
            && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let lang = if tag {
            lang.to_ascii_lowercase()
        } else {
            "other".to_string()
        };
        QuestionLabels { outcome, lang }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct DeliveryLabels {
    result: DeliveryResult,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ReloadLabels {
    result: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

#[cfg(test)]
mod tests;
