#!/usr/bin/env bash
# Extraction quality and speed on the shared dev sets (`dev/`, then `dragnet/`): F1/P/R from
# the benchmark's scorer; pages/s and MB/s of whole extraction (charset decoding, parsing,
# body and metadata) on one thread, against parsing alone in the same process; how many
# pages the extractor doubted and how many took the second reading; and per set a list of
# the pages scoring below F1 0.8 (ids, figures, and the extractor's doubts about each;
# never page text) in target/bench-extract/SET-below-0.8.tsv. Each set is also scored on
# the article text alone (scripts/extract_body_score.py), since dragnet/'s truth keeps the
# headline and byline lines that Chorus keeps apart from the text.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
BENCH=$SHARED/bench/extract
if [ ! -d "$BENCH/dev/html" ]; then
  echo "no extraction benchmark at $BENCH/dev: skipping (set SHARED=path to run it)"
  exit 0
fi
cargo build --quiet --release -p chorus-extract --example bench_dev
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
report=target/bench-extract
mkdir -p "$report"
# One core, pinned when taskset is there, so the figure is per core.
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
for set in dev dragnet; do
  dir=$BENCH/$set
  [ -d "$dir/html" ] || continue
  echo "== extract/$set"
  "${pin[@]}" target/release/examples/bench_dev "$dir/html" "$out/$set.json" 3
  python3 "$BENCH/score.py" --gt "$dir/ground-truth.json" "$out/$set.json"
  python3 scripts/extract_body_score.py "$BENCH" "$dir/ground-truth.json" "chorus=$out/$set.json"
  python3 - "$out/$set.json" <<'PY'
# The second opinion: pages in doubt, by reason, and pages whose text it changed.
import collections, json, sys
pred = json.load(open(sys.argv[1]))
doubted = [p for p in pred.values() if p.get("doubts")]
reasons = collections.Counter(d for p in doubted for d in p["doubts"])
second = sum(1 for p in pred.values() if p.get("second_reading"))
detail = ", ".join(f"{name} {n}" for name, n in reasons.most_common())
print(f"second opinion: {len(doubted)} of {len(pred)} pages flagged uncertain ({detail}); "
      f"{second} took the second reading")
PY
  python3 - "$BENCH" "$dir/ground-truth.json" "$out/$set.json" "$report/$set-below-0.8.tsv" <<'PY'
# The pages where extraction fails, by the scorer's own per-page counts.
import json, sys
sys.path.insert(0, sys.argv[1])
from score import doc_counts
gt, pred = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
rows = []
for page in sorted(gt):
    truth = (gt[page] or {}).get("articleBody") or ""
    got = ((pred.get(page) or {}).get("articleBody")) or ""
    tp, fp, fn, _ = doc_counts(truth, got)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    if f1 < 0.8:
        entry = pred.get(page) or {}
        notes = ["empty"] if not got.strip() else []
        notes += entry.get("doubts") or []
        if entry.get("second_reading"):
            notes.append("second_reading")
        rows.append((f1, page, p, r, ",".join(notes)))
rows.sort()
with open(sys.argv[4], "w") as f:
    f.write("page\tf1\tprecision\trecall\tnotes (empty, doubts, second_reading)\n")
    for f1, page, p, r, note in rows:
        f.write(f"{page}\t{f1:.3f}\t{p:.3f}\t{r:.3f}\t{note}\n")
empty = sum(1 for row in rows if row[4].startswith("empty"))
print(f"below F1 0.8: {len(rows)} pages ({empty} empty), listed in {sys.argv[4]}")
PY
done
