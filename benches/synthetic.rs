//! Synthetic knowledge bases of 1,000 and 10,000 intents, generated from a
//! seed (`benches/synth/mod.rs`) into a temporary directory in the shipped
//! file format: the time to load and validate them (`kb::load`, files read,
//! parsed, templates rendered, every example asked), and the latency of one
//! answer (criterion's figure, then median and p99 over 2,000 questions).
//!
//! `cargo bench --bench synthetic`; `SYNTH_SIZES=1000` to run one size;
//! `SYNTH_DUMP=DIR` writes the 10,000-intent knowledge to DIR and stops
//! (for `briefbot check --intents DIR/intents --data DIR/data`, or a profiler).

#[path = "synth/mod.rs"]
mod synth;

/// The allocator the binary ships with (src/main.rs), so that the figures
/// are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use briefbot::answer::{ChatState, answer};
use briefbot::kb;
use criterion::{Criterion, criterion_group, criterion_main};

const SEED: u64 = 20261127;

fn sizes() -> Vec<usize> {
    std::env::var("SYNTH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000])
}

fn bench(c: &mut Criterion) {
    if let Ok(dir) = std::env::var("SYNTH_DUMP") {
        let n = sizes().last().copied().unwrap_or(10_000);
        synth::generate(std::path::Path::new(&dir), n, SEED);
        eprintln!("wrote {n} intents to {dir}");
        return;
    }
    for n in sizes() {
        let dir = tempfile::tempdir().unwrap();
        let synth = synth::generate(dir.path(), n, SEED);
        let (intents, data) = (dir.path().join("intents"), dir.path().join("data"));
        let start = Instant::now();
        let kb = match kb::load(&intents, &data) {
            Ok(kb) => kb,
            Err(e) => panic!("the synthetic knowledge must be valid: {e}"),
        };
        println!(
            "synthetic {n}: first load + validate {:.0} ms ({} intents, {} events, {} actors, {} topics)",
            start.elapsed().as_secs_f64() * 1000.0,
            kb.intents.len(),
            kb.events.len(),
            kb.actors.len(),
            kb.topics.len()
        );
        let questions = synth.questions(2_000, SEED + 1);
        let state = ChatState::default();
        let times = synth::latencies(
            |q| {
                std::hint::black_box(answer(&kb, &state, q));
            },
            &questions,
            5,
        );
        synth::report(&format!("synthetic {n}: one answer"), &times);

        let mut i = 0;
        c.bench_function(&format!("synthetic {n}/one answer"), |b| {
            b.iter(|| {
                i = (i + 1) % questions.len();
                std::hint::black_box(answer(&kb, &state, &questions[i]))
            })
        });
        let mut group = c.benchmark_group(format!("synthetic {n}"));
        group.sample_size(10);
        group.bench_function("load + validate", |b| {
            b.iter(|| kb::load(&intents, &data).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
