#!/usr/bin/env bash
# The peers on the same pages and scorers as `make bench-extract`: trafilatura (default and
# fast=True, comments excluded) and readability-lxml, scored in full and on the article text
# alone. Needs `pip install trafilatura readability-lxml`; skips what is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${1:-../shared}
BENCH=$SHARED/bench/extract
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for set in dev dragnet; do
  dir=$BENCH/$set
  [ -d "$dir/html" ] || continue
  echo "== extract/$set, peers"
  python3 - "$dir/html" "$out" <<'PY'
import gzip, json, os, sys
html_dir, out = sys.argv[1], sys.argv[2]
tools = {}
try:
    import trafilatura
    tools["trafilatura"] = lambda b: trafilatura.extract(b, include_comments=False)
    tools["trafilatura-fast"] = lambda b: trafilatura.extract(b, fast=True, include_comments=False)
except ImportError:
    print("trafilatura not installed: skipped")
try:
    import lxml.html
    from readability import Document
    tools["readability"] = lambda b: lxml.html.fromstring(Document(b).summary()).text_content()
except ImportError:
    print("readability-lxml not installed: skipped")
preds = {name: {} for name in tools}
for f in sorted(os.listdir(html_dir)):
    page = f.split(".")[0]
    raw = open(os.path.join(html_dir, f), "rb").read()
    data = gzip.decompress(raw) if f.endswith(".gz") else raw
    for name, run in tools.items():
        try:
            text = run(data) or ""
        except Exception:
            text = ""
        preds[name][page] = {"articleBody": text}
for name, pred in preds.items():
    json.dump(pred, open(os.path.join(out, name + ".json"), "w"))
PY
  for pred in "$out"/*.json; do
    [ -e "$pred" ] || continue
    python3 "$BENCH/score.py" --gt "$dir/ground-truth.json" "$pred" | tail -n 1
    python3 scripts/extract_body_score.py "$BENCH" "$dir/ground-truth.json" "$(basename "$pred" .json)=$pred"
  done
  rm -f "$out"/*.json
done
