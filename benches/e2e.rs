//! End to end: updates handled per second by the real dispatcher (routing,
//! flood guard, answering, question log, HTML, sending) against a minimal
//! fake Bot API on 127.0.0.1, throttling off, 1,000 updates from 100 chats
//! per iteration. Run with `cargo bench --bench e2e`.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use briefbot::config::Config;
use briefbot::telegram::{Listen, Server};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The allocator the binary ships with (src/main.rs), so that the figures
/// are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::{Value, json};

#[path = "support/fake_bot_api.rs"]
mod fake_bot_api;
use fake_bot_api::Fake;

const BATCH: usize = 1_000;
const CHATS: i64 = 100;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let state = tempfile::tempdir().unwrap();
    let fake = Arc::new(Fake::default());
    let addr = runtime.block_on(fake_bot_api::serve(fake.clone()));
    let state_path = state.path().join("state.db");
    let config = Config::from_vars(|k| match k {
        "TELOXIDE_TOKEN" => Some("1:BENCH".to_string()),
        "TELOXIDE_API_URL" => Some(format!("http://{addr}")),
        "BRIEFBOT_THROTTLE" => Some("off".to_string()),
        "BRIEFBOT_STATE" => Some(state_path.display().to_string()),
        _ => None,
    })
    .unwrap();
    let kb = Arc::new(briefbot::kb::load(&root.join("intents"), &root.join("data")).unwrap());
    let token = briefbot::shutdown::CancellationToken::new();
    let server = runtime.block_on(async { Server::new(&config, kb, token.clone()).await.unwrap() });
    let task = runtime.spawn(server.serve(Listen::Polling));

    let questions = [
        "who hacked albania",
        "what is the mek",
        "when did albania cut ties with iran",
        "what happened on 10 september",
        "what is the population of albania",
    ];
    let mut next_id = 1i64;
    let mut round = 0i64;
    let mut group = c.benchmark_group("e2e");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.sample_size(20);
    group.bench_function("1,000 updates from 100 chats through the dispatcher", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                round += 1;
                let target = fake.sent.load(Ordering::SeqCst) + BATCH;
                let batch: Vec<Value> = (0..BATCH as i64)
                    .map(|i| {
                        next_id += 1;
                        // Fresh chats every round: the flood guard allows
                        // each chat a burst of 10.
                        let chat = round * 1_000 + i % CHATS;
                        json!({"update_id": next_id, "message": {
                            "message_id": next_id, "date": 0,
                            "chat": {"id": chat, "type": "private", "first_name": "U"},
                            "from": {"id": chat, "is_bot": false, "first_name": "U"},
                            "text": questions[i as usize % questions.len()]
                        }})
                    })
                    .collect();
                let started = Instant::now();
                fake.updates.lock().unwrap().extend(batch);
                while fake.sent.load(Ordering::SeqCst) < target {
                    std::thread::sleep(Duration::from_micros(200));
                }
                total += started.elapsed();
            }
            total
        })
    });
    group.finish();
    runtime.block_on(async {
        token.cancel();
        task.await.unwrap().unwrap();
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
