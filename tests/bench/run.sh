#!/bin/sh
# make bench: figures only on stdout; the setup's output (psql, loaders,
# deploy, pgbench) goes to .bench/bench.log, named once at the start.
#   embedded: 10,000 chunks over 50 hypertables in the embedded database
#     (kept in .bench/data and reused), build/bench/bench_poll (BENCH_POLLS,
#     default 1000, for the engine's RSS), tests/bench/console.sh (the console
#     in tmux: idle CPU, bytes per refresh, RSS, keystroke latency with a
#     frozen server), tests/bench/demo.sh (MS5.0 demo data: compression ratio,
#     aggregate vs raw)
#   native: tests/bench/native.sh (TimescaleDB 2.28.3 and 2.29.2: the same
#     figures at 10,000 chunks, 100,000 with BENCH_CHUNKS=100000, and the seed
#     report's tables on the MS5.0 demo data on 2.28.3)
#   exporter: tests/bench/exporter.sh (RSS per watched server, CPU per
#     scrape, scrape latency with a frozen server)
# BENCH_SKIP_CONSOLE=1, BENCH_SKIP_DEMO=1 (both demo-data parts),
# BENCH_SKIP_SEED=1, BENCH_SKIP_NATIVE=1, BENCH_SKIP_EXPORTER=1 skip parts.
set -eu
cd "$(dirname "$0")/../.."
TOP=$(pwd); export TOP
. tests/tools/tsdb.sh
mkdir -p .bench
BENCH_LOG=$TOP/.bench/bench.log
BENCH_RUN=$TOP/.bench/run
export BENCH_LOG BENCH_RUN
: >"$BENCH_LOG"
rm -rf "$BENCH_RUN"; mkdir -p "$BENCH_RUN"
trap tsdb_stop EXIT
trap 'exit 130' INT TERM
echo "bench: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'); setup output in .bench/bench.log"
echo "-- embedded PGlite, 10,000 chunks"
tsdb_start "$TOP/.bench/data" 2>>"$BENCH_LOG"
if [ ! -f .bench/built ]; then
  t0=$(date +%s)
  if ! { psql -X -q -v ON_ERROR_STOP=1 "$TSDB_CONNINFO" -f tests/bench/chunks.sql &&
         psql -X -q -v ON_ERROR_STOP=1 "$TSDB_CONNINFO" -f tests/bench/compress.sql &&
         psql -X -q -v ON_ERROR_STOP=1 "$TSDB_CONNINFO" -c 'ANALYZE'; } >>"$BENCH_LOG" 2>&1; then
    echo "bench: building the embedded bench data failed (log: .bench/bench.log)"; exit 1
  fi
  touch .bench/built
  echo "bench: embedded: built 10,000 chunks in $(( $(date +%s) - t0 )) s"
fi
build/bench/bench_poll "$TSDB_CONNINFO" "${BENCH_POLLS:-1000}" "$BENCH_RUN/embedded-10000" 2>>"$BENCH_LOG" || true
# the console binary itself (idle CPU, bytes per refresh, RSS, latency while frozen)
[ "${BENCH_SKIP_CONSOLE:-0}" = 1 ] ||
  sh tests/bench/console.sh "$TSDB_CONNINFO" "10,000 chunks, embedded" "$BENCH_RUN/embedded-10000" 2>>"$BENCH_LOG" || true
tsdb_stop
# the MS5.0 demo data (compression ratio, aggregate vs raw)
[ "${BENCH_SKIP_DEMO:-0}" = 1 ] || sh tests/bench/demo.sh 2>>"$BENCH_LOG" || true
# the exporter: RSS per watched server, CPU per scrape, latency with a frozen server
[ "${BENCH_SKIP_EXPORTER:-0}" = 1 ] || sh tests/bench/exporter.sh 2>>"$BENCH_LOG" || true
# native TimescaleDB 2.28.3 and 2.29.2
[ "${BENCH_SKIP_NATIVE:-0}" = 1 ] || sh tests/bench/native.sh || true
