#!/bin/sh
# Faults against a native PostgreSQL 15 cluster under a running console:
# restart (fast, immediate), stopped for FAULTS_STOP_SECS (default 60),
# frozen (SIGSTOP) then resumed, the backend killed with
# pg_terminate_backend, password refused, database dropped; roles with no
# privileges and with pg_monitor. The console never exits, says what
# happened, shows the data age and recovers by itself; `check` says UNKNOWN.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
BIN=${TSDBTOP_BIN:-$TOP/build/tsdbtop}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-faults.XXXXXX") || exit 1
chmod 755 "$WORK"
. "$TOP/tests/faults/lib.sh"
. "$TOP/tests/tools/pg15.sh"
cleanup() {
  T kill-server >/dev/null 2>&1
  if [ -n "${PG15_DIR:-}" ] && [ -f "$PG15_DIR/data/postmaster.pid" ]; then
    pm=$(head -1 "$PG15_DIR/data/postmaster.pid" 2>/dev/null)
    [ -n "$pm" ] && kill -CONT "$pm" $(pgrep -P "$pm" 2>/dev/null) 2>/dev/null
    pg15_stop immediate
  fi
  [ "${FAULTS_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s)
STOP_SECS=${FAULTS_STOP_SECS:-60}

pg15_start "$WORK/pg" || { echo "not ok - PostgreSQL 15 starts"; exit 1; }
ok "PostgreSQL 15 starts (port $PG15_PORT)"
# a password-checked role: scram for it only, trust for everyone else
hba=$PG15_DIR/data/pg_hba.conf
{ echo "host all pwrole 127.0.0.1/32 scram-sha-256"; cat "$hba"; } >"$WORK/hba" && cat "$WORK/hba" >"$hba"
pg15_psql -c "CREATE ROLE pwrole LOGIN PASSWORD 'right'" \
  -c "CREATE ROLE nopriv LOGIN" -c "CREATE ROLE mon LOGIN IN ROLE pg_monitor" \
  -c "CREATE DATABASE victim" -c "SELECT pg_reload_conf()" >/dev/null || not_ok "roles and database created"
C=$PG15_CONNINFO
CHK() { # CHK CONNINFO -> check's exit code (bounded: a hang is a failure)
  timeout 60 "$BIN" check "$1" >"$WORK/check.out" 2>&1; echo $?
}

# ------------------------------------------------------------ restarts
S=r
start_console $S "$C" 120 40 --interval 1
check "console up, Cache pane polled" $S wait_for_text $S 'database hit ratio: now' 30
for mode in fast immediate; do
  pg15__as "$PG15_BIN/pg_ctl" -D "$PG15_DIR/data" -m $mode -w -t 30 restart >/dev/null 2>&1
  # a restart can be quicker than a poll: the console either notices or not,
  # but after it the data must be fresh again and the console connected
  sleep 2
  if alive $S && wait_for_text $S 'connected *$' 40 && wait_for_text $S '5 Cache · live' 40; then
    ok "restart -m $mode: the console reconnects by itself, data fresh again"
  else not_ok "restart -m $mode: the console reconnects by itself, data fresh again" $S; fi
done

# ------------------------------------------------------------ pg_terminate_backend
n=$(pg15_psql -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'tsdbtop'")
if [ "${n:-0}" -ge 1 ]; then ok "pg_terminate_backend killed the console's backend ($n)"
else not_ok "pg_terminate_backend found the console's backend (application_name tsdbtop)"; fi
if wait_for_text $S 'terminat|reconnecting in|connection lost|server closed' 15 || true; then :; fi
if alive $S && wait_for_text $S 'connected *$' 40 && wait_for_text $S '5 Cache · live' 40; then
  ok "pg_terminate_backend: the console reconnects, data fresh again"
else not_ok "pg_terminate_backend: the console reconnects, data fresh again" $S; fi

# ------------------------------------------------------------ frozen
pm=$(head -1 "$PG15_DIR/data/postmaster.pid")
kids=$(pgrep -P "$pm" | tr '\n' ' ')
# shellcheck disable=SC2086
kill -STOP "$pm" $kids 2>/dev/null
check "frozen: 'no answer for N s' or reconnecting shown" $S wait_for_text $S 'no answer for [0-9]+ s|reconnecting in' 25
check "frozen: the data age shows" $S wait_for_text $S '5 Cache · [0-9a-z]+ old' 20
t0=$(date +%s)
rc=$(CHK "$C")   # no connect_timeout: check bounds the connect itself (10 s)
t1=$(date +%s)
if [ "$rc" = 3 ] && [ $((t1 - t0)) -le 30 ]; then ok "frozen: check says UNKNOWN (exit 3) in $((t1 - t0)) s"
else not_ok "frozen: check says UNKNOWN (exit $rc after $((t1 - t0)) s)"; sed 's/^/#   /' "$WORK/check.out"; fi
# shellcheck disable=SC2086
kill -CONT "$pm" $kids 2>/dev/null
if alive $S && wait_for_gone $S 'no answer for|reconnecting in' 60 && wait_for_text $S '5 Cache · live' 40; then
  ok "resumed: the console recovers by itself"
else not_ok "resumed: the console recovers by itself" $S; fi

# ------------------------------------------------------------ stopped for a while
pg15_stop fast
check "stopped: reconnecting shown" $S wait_for_text $S 'reconnecting in|disconnected' 20
rc=$(CHK "$C")
if [ "$rc" = 3 ] && grep -q '^TSDBTOP UNKNOWN - cannot connect' "$WORK/check.out"; then ok "stopped: check says UNKNOWN (exit 3)"
else not_ok "stopped: check says UNKNOWN (exit $rc)"; sed 's/^/#   /' "$WORK/check.out"; fi
sleep "$STOP_SECS"
if alive $S && screen $S | grep -Eq 'reconnecting in|disconnected'; then
  ok "stopped ${STOP_SECS} s: still running, still says it is reconnecting"
else not_ok "stopped ${STOP_SECS} s: still running, still says it is reconnecting" $S; fi
check "stopped ${STOP_SECS} s: the data age shows" $S wait_for_text $S '5 Cache · [0-9a-z]+ old' 5
send $S '?'
check "stopped: keys still work" $S wait_for_text $S 'Help: keys' 3
send $S Escape
pg15_start "$WORK/pg" >/dev/null 2>&1
# backoff is at most 30 s
if alive $S && wait_for_text $S 'connected *$' 45 && wait_for_text $S '5 Cache · live' 30; then
  ok "started again: the console reconnects by itself within the 30 s backoff"
else not_ok "started again: the console reconnects by itself within the 30 s backoff" $S; fi
send $S q
check "q still quits with 0 after all that" $S [ "$(wait_exit $S 10)" = 0 ]
[ -s "$WORK/$S.err" ] && { not_ok "nothing on stderr"; sed 's/^/#   /' "$WORK/$S.err" | head; }

# ------------------------------------------------------------ database dropped
S=d
CV="host=127.0.0.1 port=$PG15_PORT user=postgres dbname=victim"
start_console $S "$CV" 120 40 --interval 1
wait_for_text $S 'database hit ratio: now' 30
pg15_psql -c "DROP DATABASE victim WITH (FORCE)" >/dev/null 2>&1
check "database dropped: says the database does not exist" $S wait_for_text $S 'database "victim" does not exist' 30
check "database dropped: the console keeps running, data age shown" $S wait_for_text $S '5 Cache · [0-9a-z]+ old' 20
rc=$(CHK "$CV")
if [ "$rc" = 3 ]; then ok "database dropped: check says UNKNOWN (exit 3)"
else not_ok "database dropped: check says UNKNOWN (exit $rc)"; sed 's/^/#   /' "$WORK/check.out"; fi
pg15_psql -c "CREATE DATABASE victim" >/dev/null
if alive $S && wait_for_text $S 'connected *$' 45 && wait_for_text $S '5 Cache · live' 30; then
  ok "database created again: the console reconnects by itself"
else not_ok "database created again: the console reconnects by itself" $S; fi
send $S q; wait_exit $S 10 >/dev/null

# ------------------------------------------------------------ auth refused
S=a
CP="host=127.0.0.1 port=$PG15_PORT user=pwrole dbname=postgres"
rc=$(PGPASSWORD=wrong timeout 30 "$BIN" --once "$CP" >"$WORK/once.out" 2>&1; echo $?)
if [ "$rc" = 3 ] && grep -q 'password authentication failed' "$WORK/once.out"; then
  ok "wrong password: --once exits 3 and says password authentication failed"
else not_ok "wrong password: --once exits 3 and says so (exit $rc)"; sed 's/^/#   /' "$WORK/once.out"; fi
rc=$(PGPASSWORD=wrong CHK "$CP")
if [ "$rc" = 3 ]; then ok "wrong password: check says UNKNOWN (exit 3)"
else not_ok "wrong password: check says UNKNOWN (exit $rc)"; sed 's/^/#   /' "$WORK/check.out"; fi
CONSOLE_ENV="PGPASSWORD=right"
start_console $S "$CP" 120 40 --interval 1
CONSOLE_ENV=
check "right password: the console runs" $S wait_for_text $S 'database hit ratio: now' 30
pg15_psql -c "ALTER ROLE pwrole PASSWORD 'changed'" \
  -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'pwrole'" >/dev/null
check "password changed under it: says password authentication failed" $S \
  wait_for_text $S 'password authentication failed' 30
check "password changed: the console keeps running, data age shown" $S wait_for_text $S '5 Cache · [0-9a-z]+ old' 20
pg15_psql -c "ALTER ROLE pwrole PASSWORD 'right'" >/dev/null
if alive $S && wait_for_text $S 'connected *$' 45 && wait_for_text $S '5 Cache · live' 30; then
  ok "password restored: the console reconnects by itself"
else not_ok "password restored: the console reconnects by itself" $S; fi
send $S q; wait_exit $S 10 >/dev/null

# ------------------------------------------------------------ roles
for role in nopriv mon; do
  S=$role
  CR="host=127.0.0.1 port=$PG15_PORT user=$role dbname=postgres"
  start_console $S "$CR" 120 40 --interval 1
  check "role $role: the Cache pane works" $S wait_for_text $S 'database hit ratio: now' 30
  check "role $role: the TimescaleDB panes say it is not installed" $S wait_for_text $S 'TimescaleDB is not installed' 10
  send $S c
  check "role $role: c is refused with the reason, no dialog" $S wait_for_text $S 'not installed|not allowed|permission|read-only|cannot' 5
  sleep 2
  if alive $S && ! screen $S | grep -Eqi 'permission denied|must be (owner|superuser)'; then
    ok "role $role: no pane shows a refused query"
  else not_ok "role $role: no pane shows a refused query" $S; fi
  send $S q
  check "role $role: q quits with 0" $S [ "$(wait_exit $S 10)" = 0 ]
  rc=$(timeout 30 "$BIN" --once --json "$CR" >"$WORK/$role.json" 2>"$WORK/$role.jerr"; echo $?)
  if [ "$rc" = 0 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/$role.json" 2>/dev/null; then
    ok "role $role: --once --json works (exit 0, valid JSON)"
  else not_ok "role $role: --once --json works (exit $rc)"; sed 's/^/#   /' "$WORK/$role.jerr" | head; fi
  rc=$(timeout 30 "$BIN" maintenance --plan "$CR" >"$WORK/$role.m" 2>&1; echo $?)
  if [ "$rc" = 1 ] && grep -qi 'not installed' "$WORK/$role.m"; then
    ok "role $role: maintenance --plan refuses, says TimescaleDB is not installed"
  else not_ok "role $role: maintenance --plan refuses with the reason (exit $rc)"; sed 's/^/#   /' "$WORK/$role.m" | head; fi
done

echo "# faults/pg15: $PASSES passed, $FAILS failed in $(( $(date +%s) - started )) s"
[ "$FAILS" -eq 0 ]
