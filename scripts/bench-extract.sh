#!/usr/bin/env bash
# Extraction quality and speed on the shared dev set: F1/P/R from the benchmark's scorer,
# pages/s and MB/s for the whole `chorus extract --html-dir` run (charset decoding included).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
DEV=$SHARED/bench/extract/dev
if [ ! -d "$DEV/html" ]; then
  echo "no extraction benchmark at $DEV: skipping (set SHARED=path to run it)"
  exit 0
fi
cargo build --quiet --release --bin chorus
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pages=$(ls "$DEV"/html/*.html* | wc -l)
bytes=$(for f in "$DEV"/html/*.html.gz; do gzip -dc "$f"; done | wc -c)
start=$(date +%s.%N)
# One core, pinned when taskset is there, so the figure is per core.
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
"${pin[@]}" target/release/chorus extract --html-dir "$DEV/html" --out "$out/pred.json" --jobs 1
end=$(date +%s.%N)
python3 "$SHARED/bench/extract/score.py" --gt "$DEV/ground-truth.json" "$out/pred.json"
python3 - "$start" "$end" "$pages" "$bytes" <<'PY'
import sys
start, end, pages, size = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
secs = end - start
print(f"speed: {pages / secs:.0f} pages/s, {size / secs / 1e6:.1f} MB/s (one thread, {pages} pages, {size / 1e6:.1f} MB, {secs:.2f} s incl. process start)")
PY
