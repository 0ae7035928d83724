#!/usr/bin/env bash
# The `make run` demo: the bundled newsroom on loopback, the real daemon polling it while
# the news of a week comes out, then the events that formed.
set -euo pipefail
cd "$(dirname "$0")/.."

ADDR=127.0.0.1:7311
PACE_SECS=${PACE_SECS:-2}
DAYS=7
DATA=demo-data
DB=$DATA/chorus.db

echo "==> building chorus"
cargo build --quiet --bin chorus
bin=target/debug/chorus

mkdir -p "$DATA"
rm -f "$DB" "$DB-wal" "$DB-shm"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

echo "==> starting the newsroom on http://$ADDR (one simulated day every ${PACE_SECS}s)"
"$bin" newsroom --listen "$ADDR" --pace-secs "$PACE_SECS" >"$DATA/newsroom.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  if (exec 3<>"/dev/tcp/${ADDR%:*}/${ADDR#*:}") 2>/dev/null; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "the newsroom did not start; is $ADDR in use?" >&2; cat "$DATA/newsroom.log" >&2; exit 1
  fi
  sleep 0.1
done

echo "==> running the daemon: chorus run --config config/demo.toml --db $DB"
"$bin" run --config config/demo.toml --db "$DB" 2>"$DATA/daemon.log" >"$DATA/daemon.out" &
daemon=$!
pids+=("$daemon")

total=$(( PACE_SECS * DAYS + 4 ))
for ((t = 0; t < total; t += 2)); do
  sleep 2
  if [ -f "$DB" ]; then
    n=$("$bin" --db "$DB" events --json 2>/dev/null | wc -l || true)
    echo "    ${t}s: ${n} events so far"
  fi
done

echo "==> stopping the daemon (SIGTERM: it drains in-flight work, then exits)"
kill -TERM "$daemon"
wait "$daemon"
cat "$DATA/daemon.out"

echo
echo "==> events, most covered first (chorus events --db $DB --sort coverage)"
"$bin" --db "$DB" events --sort coverage
# The event the project started from: Italy and the 'coalition of the willing', told by
# several outlets, one of which adds claims nobody else makes.
first=$("$bin" --db "$DB" search --json Meloni troops | head -n1 | sed -E 's/.*"event":([0-9]+).*/\1/')
echo
echo "==> one event in detail: what the outlets share, what one alone claims (chorus event $first --db $DB)"
"$bin" --db "$DB" event "$first"
echo
echo "database: $(pwd)/$DB  (open it with sqlite3, Python, R or Datasette)"
echo "try:      $bin --db $DB search storm"
echo "          $bin --db $DB export --format jsonl | head -n 2"
echo "web view: $bin serve --db $DB   (then open http://127.0.0.1:9310/)"
