#!/usr/bin/env bash
# The sentence matcher on the shared paraphrase pairs: every sentence embedded with the
# installed model (make model), then the cross-validated comparison of the lexical
# baseline, the embedding alone and the two matchers, and the shared scorer on the
# combined matcher's predictions. Then the event comparison on the hand-judged claims of
# crates/compare/gold (the seeds and the newsroom's events), with the model and on words
# alone; the sentences it gets wrong go to target/bench-compare/alignment-errors.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
PAIRS=$SHARED/bench/paraphrase/dev.jsonl
OUT=target/bench-compare
mkdir -p "$OUT"
if [ -f "$PAIRS" ]; then
  cargo run --quiet --release -p chorus-compare --example bench_compare -- \
    "$PAIRS" --pred "$OUT/combined.pred.jsonl"
  echo "== shared scorer, combined matcher (cross-validated predictions)"
  python3 "$SHARED/bench/paraphrase/score.py" --gold "$PAIRS" --pred "$OUT/combined.pred.jsonl"
  echo
else
  echo "no paraphrase benchmark at $PAIRS: skipping it (set SHARED=path to run it)"
fi
cargo run --quiet --release -p chorus-compare --example bench_compare -- \
  --alignment "$OUT/alignment-errors.txt"
