#!/usr/bin/env bash
# Clustering quality and speed on the shared dev sets, through the binary: replay each
# articles.jsonl with `chorus backfill --jsonl`, read it back with `chorus export`, score.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
DEV=$SHARED/bench/cluster/dev
if [ ! -d "$DEV" ]; then
  echo "no clustering benchmark at $DEV: skipping (set SHARED=path to run it)"
  exit 0
fi
cargo build --quiet --release --bin chorus
cargo build --quiet --release -p chorus-dedup --example cluster_jsonl
# The clustering step's speed is taken on one core where taskset can pin it.
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for set in "$DEV"/*/; do
  name=$(basename "$set")
  n=$(wc -l <"$set/articles.jsonl")
  start=$(date +%s.%N)
  target/release/chorus backfill --jsonl "$set/articles.jsonl" --db "$out/$name.db" >/dev/null
  end=$(date +%s.%N)
  target/release/chorus export --format jsonl --db "$out/$name.db" \
    | python3 -c 'import sys, json
for line in sys.stdin:
    r = json.loads(line); print(json.dumps({"id": r["id"], "cluster": r["event"]}))' >"$out/$name.pred.jsonl"
  echo "== $name ($n articles)"
  python3 "$SHARED/bench/cluster/score.py" --gold "$set/gold.jsonl" --pred "$out/$name.pred.jsonl"
  python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'backfill: {int(sys.argv[3])/s:.0f} articles/s ({s:.2f} s, JSONL to SQLite, process start included)')" "$start" "$end" "$n"
  # The dedup stage alone, in process, fastest of 5 passes: the whole decision, and the
  # sequential half (the clustering step) after the text analysis done ahead of it.
# Then the same with the semantic channel on (embeddings of headline and lead from the
# installed model, `make model`), scored, with the embedding time per article; the vectors
# are cached in target/cluster-vectors/, so only the first run pays for them.
  ${pin[@]+"${pin[@]}"} target/release/examples/cluster_jsonl "$set/articles.jsonl" "$out/$name.speed.jsonl" \
    --repeat 5 2>&1 | sed -n 's/^fastest of 5 passes: /dedup stage, one core: /p'
  if [ -d models/all-MiniLM-L6-v2 ] || [ -n "${CHORUS_MODEL_DIR:-}" ]; then
    echo "-- $name, semantic on"
    target/release/examples/cluster_jsonl "$set/articles.jsonl" "$out/$name.semantic.jsonl" \
      --semantic 2>&1 | sed -n 's/^embedding: /embedding: /p'
    python3 "$SHARED/bench/cluster/score.py" --gold "$set/gold.jsonl" --pred "$out/$name.semantic.jsonl"
    ${pin[@]+"${pin[@]}"} target/release/examples/cluster_jsonl "$set/articles.jsonl" \
      "$out/$name.speed.jsonl" --semantic --repeat 5 2>&1 \
      | sed -n 's/^fastest of 5 passes: /dedup stage with vectors, one core: /p'
  else
    echo "-- $name, semantic on: skipped (no model; run make model)"
  fi
done
