#!/bin/sh
# Whole-process throughput and memory of `briefbot ask --jsonl`:
# 10,000 questions, cycling every question of tests/data/*.jsonl, answered by
# the release binary on the shipped knowledge. Prints questions per second
# (wall clock, load included: best of 5 runs) and the peak resident set
# (/usr/bin/time -v) at rest (no questions) and after the 10,000 questions.
#
#   cargo build --release && sh benches/ask_jsonl.sh
set -eu
cd "$(dirname "$0")/.."
bin=target/release/briefbot
n=${N:-10000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$n" "$tmp/questions.txt" <<'PY'
import glob, json, sys
n, out = int(sys.argv[1]), sys.argv[2]
qs = []
for f in sorted(glob.glob("tests/data/*.jsonl")):
    for line in open(f, encoding="utf-8"):
        if line.strip():
            qs.append(json.loads(line)["q"].replace("\n", " "))
with open(out, "w", encoding="utf-8") as o:
    for i in range(n):
        o.write(qs[i % len(qs)] + "\n")
PY
best=
for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    "$bin" ask --jsonl <"$tmp/questions.txt" >"$tmp/out.jsonl"
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done
lines=$(wc -l <"$tmp/out.jsonl")
echo "ask --jsonl: $lines answers, best of 5: $(printf %.3f "$best") s, $(echo "$n / $best" | bc) questions/s"
rest=$(/usr/bin/time -v "$bin" ask --jsonl </dev/null 2>&1 >/dev/null | awk '/Maximum resident/ {print $6}')
after=$(/usr/bin/time -v "$bin" ask --jsonl <"$tmp/questions.txt" 2>&1 >/dev/null | awk '/Maximum resident/ {print $6}')
echo "ask --jsonl peak RSS: at rest (no questions) $((rest / 1024)) MB ($rest kB), after $n questions $((after / 1024)) MB ($after kB)"
