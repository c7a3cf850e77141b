#!/bin/sh
# make db-down: stops the embedded TimescaleDB started by make db-up (SIGTERM, bounded wait).
set -u
cd "$(dirname "$0")/../.." || exit 1
[ -n "${TSDB:-}" ] && exec sh tests/tools/db-native.sh down "$TSDB"
PIDF=.demo/launcher.pid
p=$(cat "$PIDF" 2>/dev/null)
if [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; then
  echo "db-down: embedded TimescaleDB is not running"
  rm -f "$PIDF"
  exit 0
fi
if [ -r "/proc/$p/cmdline" ] && ! tr '\0' ' ' <"/proc/$p/cmdline" | grep -q 'launcher.mjs'; then
  echo "db-down: pid $p is not the launcher (stale pid file); nothing stopped"
  rm -f "$PIDF"
  exit 0
fi
kill -TERM "$p" 2>/dev/null
i=0
while kill -0 "$p" 2>/dev/null && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$p" 2>/dev/null; then
  echo "db-down: launcher (pid $p) did not stop in 30 s; sending SIGKILL (committed data is safe)"
  kill -KILL "$p" 2>/dev/null
fi
rm -f "$PIDF"
echo "db-down: embedded TimescaleDB stopped (pid $p)"
