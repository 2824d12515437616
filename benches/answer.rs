//! Time of one answer on the shipped knowledge, over every question of the
//! question sets in `tests/data/*.jsonl` (dev, held-out, article facts; and
//! blind sets 7 and Albanian 1 as people type), and
//! the time to load and validate it. Besides criterion's figures it prints the
//! median and p99 of the per-question latency (each question answered 50
//! times, its time the mean). Run with `cargo bench --bench answer`; the
//! figures are in `docs/performance.md`.

#[path = "synth/mod.rs"]
mod synth;

use std::path::Path;

use briefbot::answer::{ChatState, answer};
use briefbot::{eval, kb};
use criterion::{Criterion, criterion_group, criterion_main};

/// The allocator the binary ships with (src/main.rs), so that the figures
/// are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kb = kb::load(&root.join("intents"), &root.join("data")).expect("shipped knowledge loads");
    let mut questions: Vec<String> = Vec::new();
    for set in ["dev-questions", "heldout", "article-facts"] {
        let text = std::fs::read_to_string(root.join(format!("tests/data/{set}.jsonl"))).unwrap();
        questions.extend(eval::parse(&text).unwrap().into_iter().map(|i| i.q));
    }
    let state = ChatState::default();

    let times = synth::latencies(
        |q| {
            std::hint::black_box(answer(&kb, &state, q));
        },
        &questions,
        50,
    );
    synth::report("shipped knowledge: one answer", &times);
    // Blind sets, as people type (longer, chattier questions): English and
    // Albanian.
    for (label, set) in [
        ("one answer, English blind set 7", "blind-7"),
        ("one answer, Albanian blind set 1", "blind-sq-1"),
    ] {
        let text = std::fs::read_to_string(root.join(format!("tests/data/{set}.jsonl"))).unwrap();
        let blind: Vec<String> = eval::parse(&text)
            .unwrap()
            .into_iter()
            .map(|i| i.q)
            .collect();
        let times = synth::latencies(
            |q| {
                std::hint::black_box(answer(&kb, &state, q));
            },
            &blind,
            50,
        );
        synth::report(&format!("shipped knowledge: {label}"), &times);
    }

    let mut i = 0;
    c.bench_function("answer/one question (shipped knowledge)", |b| {
        b.iter(|| {
            i = (i + 1) % questions.len();
            std::hint::black_box(answer(&kb, &state, &questions[i]))
        })
    });
    c.bench_function("answer/all questions of tests/data", |b| {
        b.iter(|| {
            for q in &questions {
                std::hint::black_box(answer(&kb, &state, q));
            }
        })
    });
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("load + validate shipped knowledge", |b| {
        b.iter(|| kb::load(&root.join("intents"), &root.join("data")).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
