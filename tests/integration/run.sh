#!/bin/sh
# Integration tier: C test binaries against real servers this script starts
# (native PostgreSQL 15; the embedded TimescaleDB where a test needs it).
# Servers are always stopped, also on failure.
set -u
cd "$(dirname "$0")/../.."
. tests/tools/pg15.sh
WORK=$(mktemp -d /tmp/tsdbtop-integ.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
cleanup() {
  pg15_stop immediate
  [ -n "${TSDB_PID:-}" ] && tsdb_stop
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

pg15_start "$WORK/pg15" || { echo "not ok - start PostgreSQL 15"; exit 1; }
echo "ok - start PostgreSQL 15 on port $PG15_PORT"
export TSDBTOP_PG15="$PG15_CONNINFO"
export TSDBTOP_PG15_DIR="$PG15_DIR"
export TSDBTOP_PG15_BIN="$PG15_BIN"

if [ -f tests/tools/tsdb.sh ] && [ -f tests/embedded/launcher.mjs ]; then
  . tests/tools/tsdb.sh
  if tsdb_start "$WORK/tsdb"; then
    echo "ok - start embedded TimescaleDB on port $TSDB_PORT"
    if sh sql/deploy.sh "$TSDB_CONNINFO" >"$WORK/deploy.log" 2>&1 &&
       psql -X -q -v ON_ERROR_STOP=1 "$TSDB_CONNINFO" -f tests/integration/fixtures/own_schema.sql >"$WORK/fixture.log" 2>&1; then
      echo "ok - MS5.0 layer and fixture schema loaded"
      export TSDBTOP_TSDB="$TSDB_CONNINFO"
    else
      echo "not ok - MS5.0 layer and fixture schema loaded"
      cat "$WORK/deploy.log" "$WORK/fixture.log"
    fi
  else
    echo "not ok - start embedded TimescaleDB"
  fi
fi

rc=0
for b in build/tests/integration/test_* build/asan/tests/integration/test_*; do
  [ -x "$b" ] || continue
  echo "# $b"
  "$b" || rc=1
done
# Shell-level tests of the real binary (after the C tests: they change state).
for t in tests/integration/test_*.sh; do
  [ -f "$t" ] || continue
  echo "# $t"
  sh "$t" || rc=1
done
exit $rc
