#!/bin/sh
# make bench: 10,000 chunks over 50 hypertables in the embedded database
# (kept in .bench/ and reused), then one run of build/bench/bench_poll
# (BENCH_POLLS, default 1000, for the engine's RSS), tests/bench/console.sh
# (the console in tmux: idle CPU, bytes per refresh, RSS, keystroke latency
# with a frozen server) and tests/bench/demo.sh (MS5.0 demo data: compression
# ratio, aggregate vs raw). BENCH_SKIP_CONSOLE=1 / BENCH_SKIP_DEMO=1 skip.
set -eu
cd "$(dirname "$0")/../.."
TOP=$(pwd); export TOP
. tests/tools/tsdb.sh
mkdir -p .bench
trap tsdb_stop EXIT INT TERM
tsdb_start "$TOP/.bench/data"
if [ ! -f .bench/built ]; then
  echo "bench: building 50 hypertables x 200 chunks (about a minute)..."
  t0=$(date +%s)
  psql -X -q -v ON_ERROR_STOP=1 "$TSDB_CONNINFO" -f tests/bench/chunks.sql
  psql -X -q -v ON_ERROR_STOP=1 "$TSDB_CONNINFO" -f tests/bench/compress.sql >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 "$TSDB_CONNINFO" -c 'ANALYZE'
  touch .bench/built
  echo "bench: built in $(( $(date +%s) - t0 )) s"
fi
echo "bench: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
build/bench/bench_poll "$TSDB_CONNINFO" "${BENCH_POLLS:-1000}" || true
# the console binary itself (idle CPU, bytes per refresh, RSS, latency while frozen)
[ "${BENCH_SKIP_CONSOLE:-0}" = 1 ] || sh tests/bench/console.sh || true
tsdb_stop
# the MS5.0 demo data (compression ratio, aggregate vs raw)
[ "${BENCH_SKIP_DEMO:-0}" = 1 ] || sh tests/bench/demo.sh || true
