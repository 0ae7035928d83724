#!/usr/bin/env bash
# The sentence matcher on the shared paraphrase pairs: every sentence embedded with the
# installed model (make model), then the cross-validated comparison of the lexical
# baseline, the embedding alone and the two matchers, and the shared scorer on the
# combined matcher's predictions.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
PAIRS=$SHARED/bench/paraphrase/dev.jsonl
if [ ! -f "$PAIRS" ]; then
  echo "no paraphrase benchmark at $PAIRS: skipping (set SHARED=path to run it)"
  exit 0
fi
OUT=target/bench-compare
mkdir -p "$OUT"
cargo run --quiet --release -p chorus-compare --example bench_compare -- \
  "$PAIRS" --pred "$OUT/combined.pred.jsonl"
echo "== shared scorer, combined matcher (cross-validated predictions)"
python3 "$SHARED/bench/paraphrase/score.py" --gold "$PAIRS" --pred "$OUT/combined.pred.jsonl"
