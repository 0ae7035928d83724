#!/usr/bin/env bash
# The sentence matcher on the shared paraphrase pairs: sentence embeddings from the NumPy
# reference of the model (computed once, cached under target/bench-compare/), then the
# cross-validated comparison of the lexical baseline, the embedding alone and the two
# matchers, and the shared scorer on the combined matcher's predictions.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
PAIRS=$SHARED/bench/paraphrase/dev.jsonl
if [ ! -f "$PAIRS" ]; then
  echo "no paraphrase benchmark at $PAIRS: skipping (set SHARED=path to run it)"
  exit 0
fi
MODEL=models/all-MiniLM-L6-v2
OUT=target/bench-compare
mkdir -p "$OUT"
# The vectors are cached next to a copy of the pairs' checksum: new pairs, new vectors.
sum=$(sha256sum "$PAIRS" | cut -d' ' -f1)
if [ "$(cat "$OUT/pairs.sha256" 2>/dev/null)" != "$sum" ] || [ ! -f "$OUT/a.npy" ] || [ ! -f "$OUT/b.npy" ]; then
  if [ ! -f "$MODEL/model.safetensors" ]; then
    echo "no model at $MODEL: run 'make model' first" >&2
    exit 1
  fi
  echo "embedding $(wc -l <"$PAIRS") pairs with the reference model (once; a few minutes)"
  python3 scripts/embed_reference.py "$MODEL" --jsonl "$PAIRS" a "$OUT/a.npy"
  python3 scripts/embed_reference.py "$MODEL" --jsonl "$PAIRS" b "$OUT/b.npy"
  echo "$sum" >"$OUT/pairs.sha256"
fi
cargo run --quiet --release -p chorus-compare --example bench_compare -- \
  "$PAIRS" "$OUT/a.npy" "$OUT/b.npy" --pred "$OUT/combined.pred.jsonl"
echo "== shared scorer, combined matcher (cross-validated predictions)"
python3 "$SHARED/bench/paraphrase/score.py" --gold "$PAIRS" --pred "$OUT/combined.pred.jsonl"
