#!/usr/bin/env bash
# `make bench-export`: export speed and peak memory on a large database. Builds a database of
# BENCH_EXPORT_ARTICLES articles (default 1,000,000; about 4 GB) under target/bench-export
# once, with the store's schema and a direct bulk insert (crates/store/examples/export_db.rs),
# then runs the release `chorus export` in each format and with each filter, and prints rows
# per second, output MB per second and the export process's peak resident memory (its
# ru_maxrss, read by the parent when it ends).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_EXPORT_ARTICLES:-1000000}
dir=target/bench-export
db=$dir/articles-$N.db
cargo build --quiet --release --bin chorus
cargo build --quiet --release -p chorus-store --example export_db
if [ ! -f "$db" ]; then
  echo "building $db (once)"
  target/release/examples/export_db "$db" "$N"
fi
python3 scripts/bench_export.py target/release/chorus "$db" "$dir"
