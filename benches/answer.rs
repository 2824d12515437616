//! Time of one answer on the shipped knowledge, over the sample questions in
//! `tests/data/dev-questions.jsonl`, and the time to load and validate it.
//! Run with `cargo bench`; figures go in the closing notes and docs.

use std::path::Path;

use briefbot::answer::{ChatState, answer};
use briefbot::{eval, kb};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kb = kb::load(&root.join("intents"), &root.join("data")).expect("shipped knowledge loads");
    let text = std::fs::read_to_string(root.join("tests/data/dev-questions.jsonl")).unwrap();
    let questions: Vec<String> = eval::parse(&text)
        .unwrap()
        .into_iter()
        .map(|i| i.q)
        .collect();
    let state = ChatState::default();

    let mut i = 0;
    c.bench_function("answer/one question (shipped knowledge)", |b| {
        b.iter(|| {
            i = (i + 1) % questions.len();
            std::hint::black_box(answer(&kb, &state, &questions[i]))
        })
    });
    c.bench_function("answer/all dev questions", |b| {
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
