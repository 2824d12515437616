//! `briefbot ask --jsonl` on 10,000 questions, whole process (start-up and
//! knowledge load included), as criterion throughput in questions per
//! second. The questions cycle through every question of `tests/data/*.jsonl`.
//! Run with `cargo bench --bench ask_jsonl` (the binary is built in the
//! bench profile); `benches/ask_jsonl.sh` measures the same with the release
//! binary and adds the peak resident set.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use briefbot::eval;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const QUESTIONS: usize = 10_000;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pool = Vec::new();
    for name in ["dev-questions", "article-facts", "heldout"] {
        let text = std::fs::read_to_string(root.join(format!("tests/data/{name}.jsonl"))).unwrap();
        pool.extend(
            eval::parse(&text)
                .unwrap()
                .into_iter()
                .map(|i| i.q.replace('\n', " ")),
        );
    }
    let input: String = (0..QUESTIONS)
        .map(|i| format!("{}\n", pool[i % pool.len()]))
        .collect();
    let mut group = c.benchmark_group("ask --jsonl");
    group.throughput(Throughput::Elements(QUESTIONS as u64));
    group.sample_size(10);
    group.bench_function("10,000 questions, whole process", |b| {
        b.iter(|| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_briefbot"))
                .args(["ask", "--jsonl"])
                .current_dir(root)
                .env_remove("TELOXIDE_TOKEN")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            let feed = input.clone();
            let writer = std::thread::spawn(move || stdin.write_all(feed.as_bytes()));
            let out = child.wait_with_output().unwrap();
            writer.join().unwrap().unwrap();
            assert!(out.status.success());
            assert_eq!(
                out.stdout.iter().filter(|&&b| b == b'\n').count(),
                QUESTIONS
            );
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
