#!/usr/bin/env bash
# Regenerates crates/compare/tests/fixtures/seed_vectors.json: the embedding of every
# paragraph of the two seed stories (crates/newsroom/src/stories/italy.rs), from the NumPy
# reference of the sentence model, rounded to 5 decimals. The seeds test reads it, so the
# test needs no model. Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-models/all-MiniLM-L6-v2}
OUT=crates/compare/tests/fixtures/seed_vectors.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - crates/newsroom/src/stories/italy.rs >"$tmp/sentences.txt" <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf8").read()
for name in ("SEED_ROME_DESK", "SEED_KMIA"):
    block = src.split(f"const {name}: &[&str] = &[", 1)[1].split("\n];", 1)[0]
    for text in re.findall(r'r#"(.*?)"#', block, re.S):
        print(text)
PY
python3 scripts/embed_reference.py "$MODEL" "$tmp/sentences.txt" "$tmp/reference.json"
python3 - "$tmp/reference.json" "$OUT" <<'PY'
import json, sys
ref = json.load(open(sys.argv[1], encoding="utf8"))
vectors = {s["text"]: [round(v, 5) for v in s["vector"]] for s in ref["sentences"]}
with open(sys.argv[2], "w", encoding="utf8") as f:
    f.write("{\n")
    f.write(",\n".join(f"{json.dumps(t, ensure_ascii=False)}: {json.dumps(v)}" for t, v in vectors.items()))
    f.write("\n}\n")
print(f"{len(vectors)} sentences -> {sys.argv[2]}")
PY
