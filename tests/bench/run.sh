#!/bin/sh
# make bench: 10,000 chunks over 50 hypertables in the embedded database
# (kept in .bench/ and reused), then one run of build/bench/bench_poll.
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
build/bench/bench_poll "$TSDB_CONNINFO" "${BENCH_POLLS:-100}"
