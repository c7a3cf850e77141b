#!/bin/sh
# make db-up TSDB=X / make db-down TSDB=X: a native PostgreSQL with TimescaleDB X
# (built once per machine by tests/tools/native.sh), its cluster in .demo/native-X.
# First start: database tsdb with TimescaleDB X, the MS5.0 layer and the demo data;
# the scheduler then runs the policies. Port: $TSDB_PORT, else a fixed one per
# release. The LAST line printed by `up` is a libpq connection string.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
. tests/tools/native.sh
CMD=$1
V=$2
native__supported "$V" || { echo "db-$CMD: TSDB=$V is not supported (one of: $NATIVE_VERSIONS; none for the embedded one)" >&2; exit 2; }
DIR=$TOP/.demo/native-$V
STATE=$DIR/state
case $V in 2.24.0) DEFPORT=54424 ;; 2.26.4) DEFPORT=54426 ;; 2.28.3) DEFPORT=54428 ;; *) DEFPORT=54429 ;; esac
PORT=${TSDB_PORT:-$DEFPORT}

load_state() { [ -f "$STATE" ] && . "$STATE"; }

running() { # the cluster of $STATE answers pg_ctl status
  load_state || return 1
  native__as "$NATIVE_BIN/pg_ctl" -D "$NATIVE_PGDATA" status >/dev/null 2>&1
}

down() {
  if ! running; then
    echo "db-down: TimescaleDB $V is not running"
    NATIVE_VERSION=$V; native__chrooted "$V" && [ -d "$NATIVE_ROOT" ] && native__chroot_umount
    exit 0
  fi
  native_stop
  echo "db-down: TimescaleDB $V stopped"
}

fail_first() { # first start failed: nothing half-installed stays behind
  echo "db-up: $1" >&2
  native_stop
  rm -rf "$(cat "$DIR/pgdata" 2>/dev/null)" "$DIR"
  exit 1
}

up() {
  mkdir -p "$DIR"
  exec 8>"$TOP/.demo/native-$V.lock"
  flock -n 8 || { echo "db-up: another 'make db-up TSDB=$V' is running (lock .demo/native-$V.lock)" >&2; exit 1; }
  if running; then
    echo "db-up: TimescaleDB $V already running (port $NATIVE_PORT); reusing it"
  else
    native_ensure "$V" || exit 1
    first=no
    [ -f "$DIR/deployed" ] || first=yes
    native_start "$V" "$DIR" "$PORT" 8>&- || { [ $first = yes ] && rm -rf "$DIR"; exit 1; }
    printf 'NATIVE_VERSION=%s\nNATIVE_PGDATA=%s\nNATIVE_BIN=%s\nNATIVE_PORT=%s\nNATIVE_LOG=%s\n' \
      "$V" "$NATIVE_PGDATA" "$NATIVE_BIN" "$NATIVE_PORT" "$NATIVE_LOG" >"$STATE"
    echo "db-up: TimescaleDB $V on PostgreSQL $(native__as "$NATIVE_BIN/postgres" --version | awk '{print $3}') (port $NATIVE_PORT, log $(native_log))"
    if [ $first = yes ]; then
      C="host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=tsdb"
      native_create_db tsdb || fail_first "could not create database tsdb with TimescaleDB $V"
      echo "db-up: first start: deploying the MS5.0 layer (sql/deploy.sh)"
      sh sql/deploy.sh "$C" || fail_first "sql/deploy.sh failed on TimescaleDB $V (cluster removed)"
      echo "db-up: loading the demo data (sql/demo/load.sh)"
      sh sql/demo/load.sh "$C" || fail_first "sql/demo/load.sh failed on TimescaleDB $V (cluster removed)"
      psql -X -q "$C" -c ANALYZE >/dev/null 2>&1
      date >"$DIR/deployed"
    fi
  fi
  echo "postgresql://postgres@127.0.0.1:$NATIVE_PORT/tsdb"
}

case $CMD in
  up) up ;;
  down) down ;;
  *) echo "usage: db-native.sh up|down VERSION" >&2; exit 2 ;;
esac
