"""Scores predictions against the article text alone: each page's truth from its first line
of more than 15 words on, so that a headline, byline or date line above the text (which
`dragnet/`'s truth keeps and `dev/`'s does not) counts for no one. Same scorer otherwise.

    python3 scripts/extract_body_score.py BENCH_DIR GROUND_TRUTH.json NAME=PRED.json...
"""

import json
import re
import sys

sys.path.insert(0, sys.argv[1])
from score import doc_counts  # noqa: E402

LONG_LINE_WORDS = 15


def body_only(truth):
    lines = [line for line in truth.split("\n") if re.search(r"\w", line)]
    start = next(
        (i for i, line in enumerate(lines) if len(re.findall(r"\w+", line)) > LONG_LINE_WORDS), 0
    )
    return "\n".join(lines[start:])


gt = json.load(open(sys.argv[2]))
truths = {page: body_only((entry or {}).get("articleBody") or "") for page, entry in gt.items()}
for arg in sys.argv[3:]:
    name, path = arg.split("=", 1)
    pred = json.load(open(path))
    precision = recall = 0.0
    predicted = 0
    for page, truth in truths.items():
        got = ((pred.get(page) or {}).get("articleBody")) or ""
        tp, fp, fn, _ = doc_counts(truth, got)
        if tp + fp:
            precision += tp / (tp + fp)
            predicted += 1
        recall += tp / (tp + fn) if tp + fn else 0.0
    p = precision / predicted if predicted else 0.0
    r = recall / len(truths)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{name:<24} text only (from the first line of >15 words): F1 {f1:.3f}  P {p:.3f}  R {r:.3f}")
