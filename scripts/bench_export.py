"""Runs `chorus export` over a large database in each format and with each filter; prints
rows/s, output MB/s and peak RSS of each run (the child's ru_maxrss, from wait4).

usage: bench_export.py CHORUS DB OUTDIR
"""

import os
import re
import sqlite3
import subprocess
import sys
import time

chorus, db, outdir = sys.argv[1:4]
# An event in the middle of the file, whatever its size.
with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
    middle_event = str(conn.execute("SELECT max(id) / 2 FROM events").fetchone()[0])

CASES = [
    ("jsonl, all", "jsonl", []),
    ("csv, all", "csv", []),
    ("parquet, all", "parquet", []),
    ("parquet, first 10% (--until)", "parquet", ["--until", "2024-03-13"]),
    ("jsonl, --since (last half)", "jsonl", ["--since", "2025-01-01"]),
    ("jsonl, --since --until (a year)", "jsonl", ["--since", "2025-01-01", "--until", "2025-12-31"]),
    ("jsonl, --since --until (a day)", "jsonl", ["--since", "2025-06-01", "--until", "2025-06-01"]),
    ("jsonl, --time stored --since", "jsonl", ["--time", "stored", "--since", "2026-01-01"]),
    ("jsonl, --outlet (1 of 300)", "jsonl", ["--outlet", "Outlet 001"]),
    ("jsonl, --event", "jsonl", ["--event", middle_event]),
    ("jsonl, --query (common word)", "jsonl", ["--query", "ka"]),
    ("jsonl, --query (rare phrase)", "jsonl", ["--query", '"shazu velren"']),
    ("csv, --outlet x2 --since --query", "csv",
     ["--outlet", "Outlet 001", "--outlet", "Outlet 002", "--since", "2025-01-01", "--query", "ka"]),
]


def run(label, fmt, extra):
    out = os.path.join(outdir, f"export.{fmt}")
    args = [chorus, "export", "--db", db, "--format", fmt, "--out", out, *extra]
    env = dict(os.environ, CHORUS_LOG="warn")
    start = time.monotonic()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    secs = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{label}: chorus failed:\n{err}")
    m = re.search(r"exported (\d+) articles", err)
    rows = int(m.group(1)) if m else -1
    size = os.path.getsize(out)
    print(
        f"{label:<36} {rows:>9} rows  {secs:7.1f} s  {rows / secs:>9,.0f} rows/s  "
        f"{size / 1e6:>8.0f} MB  {size / 1e6 / secs:6.1f} MB/s  peak RSS {usage.ru_maxrss / 1024:6.1f} MB",
        flush=True,
    )
    return out


print(f"database: {db} ({os.path.getsize(db) / 1e9:.1f} GB)")
for label, fmt, extra in CASES:
    run(label, fmt, extra)

parquet = run("parquet, all (for the readers)", "parquet", [])
for name, code in [
    ("pyarrow", "import pyarrow.parquet as pq; f = pq.ParquetFile(p); print(f.metadata.num_rows, f.metadata.num_row_groups, 'row groups')"),
    ("duckdb", "import duckdb; print(duckdb.sql(f\"select count(*), count(distinct outlet) from '{p}'\").fetchall())"),
]:
    r = subprocess.run([sys.executable, "-c", f"p = {parquet!r}; {code}"], capture_output=True, text=True)
    print(f"{name}: {r.stdout.strip() if r.returncode == 0 else 'not installed, or failed: ' + r.stderr.strip().splitlines()[-1]}")
