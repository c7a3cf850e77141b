# Sourced: a private native PostgreSQL 15 cluster for tests.
#   pg15_start DIR   initdb (once) + start on a free port, socket in DIR/sock;
#                    sets PG15_PORT, PG15_DIR, PG15_CONNINFO
#   pg15_stop [MODE] pg_ctl stop (fast by default)
#   pg15_psql ARGS   psql as the superuser
# PostgreSQL refuses to run as root: as root everything runs as the
# `postgres` system user that Debian's package creates, in a directory it owns.
PG15_BIN=${PG15_BIN:-/usr/lib/postgresql/15/bin}

pg15__as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg15__free_port() {
  p=$(( 20000 + ($$ * 7 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 20000 ))
  while ss -ltn 2>/dev/null | grep -q ":$p "; do p=$((p + 1)); done
  echo "$p"
}

pg15_start() {
  PG15_DIR=$1
  mkdir -p "$PG15_DIR/sock"
  [ "$(id -u)" = 0 ] && chown -R postgres "$PG15_DIR"
  if [ ! -f "$PG15_DIR/data/PG_VERSION" ]; then
    pg15__as "$PG15_BIN/initdb" -D "$PG15_DIR/data" -U postgres -A trust \
      --no-sync >"$PG15_DIR/initdb.log" 2>&1 || { cat "$PG15_DIR/initdb.log" >&2; return 1; }
  fi
  [ -n "${PG15_PORT:-}" ] || PG15_PORT=$(pg15__free_port)
  pg15__as "$PG15_BIN/pg_ctl" -D "$PG15_DIR/data" -l "$PG15_DIR/server.log" -w -t 60 \
    -o "-p $PG15_PORT -k $PG15_DIR/sock -c listen_addresses=127.0.0.1 -c fsync=off" \
    start >/dev/null || { cat "$PG15_DIR/server.log" >&2; return 1; }
  PG15_CONNINFO="host=127.0.0.1 port=$PG15_PORT user=postgres dbname=postgres"
  export PG15_PORT PG15_DIR PG15_CONNINFO
}

pg15_stop() {
  [ -n "${PG15_DIR:-}" ] && [ -f "$PG15_DIR/data/postmaster.pid" ] || return 0
  pg15__as "$PG15_BIN/pg_ctl" -D "$PG15_DIR/data" -m "${1:-fast}" -w -t 30 stop >/dev/null 2>&1 || true
}

pg15_psql() {
  psql -X -q -v ON_ERROR_STOP=1 -At "$PG15_CONNINFO" "$@"
}
