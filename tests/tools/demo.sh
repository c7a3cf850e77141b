#!/bin/sh
# make demo: the embedded TimescaleDB with the MS5.0 demo data, then tsdbtop on it.
set -u
cd "$(dirname "$0")/../.." || exit 1
OUT=$(mktemp "${TMPDIR:-/tmp}/tsdbtop-demo.XXXXXX") || exit 1
sh tests/tools/db-up.sh | tee "$OUT"
CONNINFO=$(tail -n 1 "$OUT")
rm -f "$OUT"
case $CONNINFO in
  postgresql://*) ;;
  *) echo "demo: db-up failed" >&2; exit 1 ;;
esac
if [ -x build/tsdbtop ] && [ -t 0 ] && [ -t 1 ]; then
  exec build/tsdbtop "$CONNINFO"
fi
echo
echo "The demo database is up. Connect with:"
echo "  build/tsdbtop '$CONNINFO'"
echo "  psql '$CONNINFO'"
echo "Stop it with: make db-down"
