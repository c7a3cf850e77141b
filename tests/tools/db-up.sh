#!/bin/sh
# make db-up: the embedded TimescaleDB for the demo, in the background, data in .demo/data.
# Port: $TSDB_PORT (default 54329). Pid in .demo/launcher.pid, log in .demo/launcher.log.
# First start (no .demo/deployed): deploys the MS5.0 layer and the demo data.
# The LAST line printed is a libpq connection string.
set -u
cd "$(dirname "$0")/../.." || exit 1
# TSDB=X (make db-up TSDB=2.28.3): a native server instead
[ -n "${TSDB:-}" ] && exec sh tests/tools/db-native.sh up "$TSDB"
TOP=$(pwd)
DEMO=$TOP/.demo
PORT=${TSDB_PORT:-54329}
PIDF=$DEMO/launcher.pid
LOG=$DEMO/launcher.log
mkdir -p "$DEMO"

running_pid() { # prints the pid of our running launcher, if any
  [ -f "$PIDF" ] || return 1
  p=$(cat "$PIDF" 2>/dev/null)
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 1
  if [ -r "/proc/$p/cmdline" ]; then
    tr '\0' ' ' <"/proc/$p/cmdline" | grep -q 'launcher.mjs' || return 1
  fi
  echo "$p"
}

if p=$(running_pid); then
  PORT=$(cat "$DEMO/launcher.port" 2>/dev/null || echo "$PORT")
  echo "db-up: embedded TimescaleDB already running (pid $p, port $PORT); reusing it"
else
  rm -f "$PIDF"
  : >"$LOG"
  if command -v setsid >/dev/null 2>&1; then DETACH=setsid; else DETACH=; fi
  # shellcheck disable=SC2086
  nohup $DETACH node "$TOP/tests/embedded/launcher.mjs" --port "$PORT" --data "$DEMO/data" \
    >>"$LOG" 2>&1 </dev/null &
  PID=$!
  echo "$PID" >"$PIDF"
  echo "$PORT" >"$DEMO/launcher.port"
  echo "db-up: starting embedded TimescaleDB (pid $PID, port $PORT, data .demo/data)"
  i=0
  while :; do
    if grep -q '^tsdb-launcher ready port=' "$LOG" 2>/dev/null; then break; fi
    if ! kill -0 "$PID" 2>/dev/null || [ "$i" -ge 900 ]; then
      echo "db-up: the launcher did not start; .demo/launcher.log:" >&2
      sed 's/^/  /' "$LOG" >&2
      kill "$PID" 2>/dev/null
      rm -f "$PIDF"
      exit 1
    fi
    sleep 0.1
    i=$((i + 1))
  done
  # With setsid the node pid may differ from $!: take it from the ready line.
  RP=$(sed -n 's/^tsdb-launcher ready port=[0-9]* pid=\([0-9]*\).*/\1/p' "$LOG" | tail -1)
  [ -n "$RP" ] && echo "$RP" >"$PIDF"
  echo "db-up: ready"
fi

CONNINFO="host=127.0.0.1 port=$PORT user=postgres dbname=template1"

if [ ! -f "$DEMO/deployed" ]; then
  if [ -f sql/deploy.sh ] && [ -f sql/demo/load.sh ]; then
    echo "db-up: first start: deploying the MS5.0 layer (sql/deploy.sh)"
    if ! sh sql/deploy.sh "$CONNINFO"; then
      echo "db-up: sql/deploy.sh failed; the server keeps running (make db-down to stop)" >&2
      exit 1
    fi
    echo "db-up: loading the demo data (sql/demo/load.sh)"
    if ! sh sql/demo/load.sh "$CONNINFO"; then
      echo "db-up: sql/demo/load.sh failed; the server keeps running (make db-down to stop)" >&2
      exit 1
    fi
    date >"$DEMO/deployed"
  else
    echo "db-up: sql/deploy.sh or sql/demo/load.sh not present yet: skipping the MS5.0 layer and demo data"
  fi
fi

echo "postgresql://postgres@127.0.0.1:$PORT/template1"
