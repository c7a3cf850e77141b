#!/bin/sh
# Integration (issue #13): nothing blocks the loop while connecting, and
# nothing waits for ever before the screen opens. Against native PostgreSQL
# 15 (TSDBTOP_PG15), in a private mount namespace whose /etc/resolv.conf
# points at a name server that never answers (python3 reading nothing on a
# loopback address of its own) and whose /etc/hosts maps the test's names:
#   - the console, its server's name no longer resolving on a reconnect,
#     still opens its help on '?' while the lookup hangs, then says
#     "cannot resolve host NAME: timeout", and reconnects once the name
#     resolves again;
#   - --once against a name that hangs: exit 3, one line, within the 10 s
#     connect timeout;
#   - the host name is what libpq checks: a .pgpass entry for the NAME
#     (scram-sha-256 role) is used, one for its address is not; TLS with
#     sslmode=verify-full verifies the certificate against the name;
#   - a probe the server refuses ends the wait before the screen opens (the
#     console exits 1 with the reason, --info too), it never hangs.
# Needs root (unshare -m) and python3; without them it says why and skips.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
BIN=${TSDBTOP_BIN:-$TOP/build/tsdbtop}
case $BIN in /*) ;; *) BIN=$TOP/$BIN ;; esac
CONN=${TSDBTOP_PG15:-}
if [ -z "$CONN" ]; then echo "1..0 # SKIP test_reconnect.sh: TSDBTOP_PG15 not set"; exit 0; fi

if [ -z "${TSDBTOP_IN_NS:-}" ]; then
  why=""
  [ "$(id -u)" = 0 ] || why="not root: a private /etc/resolv.conf needs a mount namespace"
  [ -n "$why" ] || command -v unshare >/dev/null 2>&1 || why="unshare is not installed"
  [ -n "$why" ] || command -v python3 >/dev/null 2>&1 || why="python3 (the silent name server) is not installed"
  [ -n "$why" ] || unshare -m true 2>/dev/null || why="unshare -m is not allowed here"
  if [ -n "$why" ]; then echo "1..0 # SKIP test_reconnect.sh: $why"; exit 0; fi
  TSDBTOP_IN_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-reconnect.XXXXXX") || exit 1
chmod 755 "$WORK"
SOCK=tsdbtop-reconnect-$$
. "$TOP/tests/faults/lib.sh"
PORT=$(echo "$CONN" | sed -n 's/.*port=\([0-9]*\).*/\1/p')
PSQL() { psql -X -q -At -v ON_ERROR_STOP=1 "$CONN" "$@"; }
HBA=${TSDBTOP_PG15_DIR:+$TSDBTOP_PG15_DIR/data/pg_hba.conf}
DNS_PID=""
cleanup() {
  T kill-server >/dev/null 2>&1
  [ -n "$DNS_PID" ] && kill "$DNS_PID" 2>/dev/null
  if [ -n "$HBA" ] && [ -f "$WORK/hba.orig" ]; then cat "$WORK/hba.orig" >"$HBA"; fi
  PSQL -c "ALTER SYSTEM RESET ssl" -c "ALTER SYSTEM RESET ssl_cert_file" \
    -c "ALTER SYSTEM RESET ssl_key_file" -c "SELECT pg_reload_conf()" >/dev/null 2>&1
  PSQL -c "DROP DATABASE IF EXISTS probe_refused WITH (FORCE)" -c "DROP ROLE IF EXISTS rc_pw" \
    -c "DROP ROLE IF EXISTS rc_probe" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ the namespace
NAME=tsdb-reconnect.test
for i in $(seq 1 200); do
  NS=127.54.$(( $$ % 200 + 1 )).$i
  python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.bind((sys.argv[1], 53))
except OSError:
    sys.exit(1)
print("bound", flush=True)
time.sleep(900)            # queries pile up unread: nobody ever answers
' "$NS" >"$WORK/dns.out" 2>&1 &
  DNS_PID=$!
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "$WORK/dns.out" ] && break
    kill -0 "$DNS_PID" 2>/dev/null || break
    sleep 0.1
  done
  grep -q bound "$WORK/dns.out" && break
  DNS_PID=""
done
[ -n "$DNS_PID" ] || { echo "not ok - a silent name server on a loopback address"; exit 1; }
printf 'nameserver %s\noptions timeout:30 attempts:1\n' "$NS" >"$WORK/resolv.conf"
echo "hosts: files dns" >"$WORK/nsswitch.conf"
hosts() { printf '127.0.0.1 localhost\n::1 localhost\n%s\n' "${1:-}" >"$WORK/hosts"; }   # in place
hosts "127.0.0.1 $NAME"
for f in resolv.conf nsswitch.conf hosts; do
  mount --bind "$WORK/$f" "/etc/$f" || { echo "not ok - bind mount on /etc/$f"; exit 1; }
done
ok "private resolv.conf (silent name server $NS), hosts and nsswitch.conf"
NC="host=$NAME port=$PORT user=postgres dbname=postgres"

# ------------------------------------------------------------ --once, name hangs
t0=$(date +%s)
timeout 40 "$BIN" --once "host=hang.$NAME port=$PORT user=postgres dbname=postgres" >"$WORK/once.out" 2>"$WORK/once.err"
rc=$?; t1=$(date +%s)
lines=$(wc -l <"$WORK/once.err")
if [ "$rc" = 3 ] && [ "$lines" = 1 ] && [ $((t1 - t0)) -le 13 ] &&
   grep -q "cannot resolve host hang.$NAME: timeout" "$WORK/once.err"; then
  ok "--once, the name hangs: exit 3 after $((t1 - t0)) s, one line: $(cat "$WORK/once.err")"
else
  not_ok "--once, the name hangs: exit 3 within the connect timeout, one line (exit $rc after $((t1 - t0)) s, $lines lines)"
  sed 's/^/#   /' "$WORK/once.err"
fi

# ------------------------------------------------------------ console, reconnect while DNS hangs
S=c
start_console $S "$NC" 120 40 --interval 1
check "console up through the name" $S wait_for_text $S 'database hit ratio: now' 30
hosts ""                                   # the name now goes to the silent server
t0=$(date +%s)
PSQL -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tsdbtop'" >/dev/null
wait_for_text $S 'connecting|reconnecting' 10
send $S '?'
if wait_for_text $S 'Help: keys' 4; then
  t_help=$(date +%s)
  ok "lookup hanging: '?' opens the help $((t_help - t0)) s after the drop"
else t_help=""; not_ok "lookup hanging: '?' opens the help" $S; fi
send $S Escape
if wait_for_text $S "cannot resolve host $NAME: timeout" 25; then
  t_err=$(date +%s)
  if [ -n "$t_help" ] && [ "$t_err" -ge "$t_help" ]; then
    ok "then, after the connect timeout: cannot resolve host $NAME: timeout ($((t_err - t0)) s; the help came first)"
  else not_ok "the help opened while the lookup still hung (help ${t_help:-never}, error $t_err)"; fi
else not_ok "after the connect timeout: cannot resolve host $NAME: timeout" $S; fi
send $S '?'
check "still answering keys after the timeout" $S wait_for_text $S 'Help: keys' 4
send $S Escape
hosts "127.0.0.1 $NAME"
if alive $S && wait_for_text $S 'connected *$' 45 && wait_for_text $S '5 Cache · live' 30; then
  ok "the name resolves again: the console reconnects by itself"
else not_ok "the name resolves again: the console reconnects by itself" $S; fi
send $S q
check "q quits with 0" $S [ "$(wait_exit $S 10)" = 0 ]

# ------------------------------------------------------------ .pgpass and TLS keyed by the name
if [ -n "$HBA" ] && [ -f "$HBA" ]; then
  cp "$HBA" "$WORK/hba.orig"
  { echo "host all rc_pw 127.0.0.1/32 scram-sha-256"; cat "$WORK/hba.orig"; } >"$WORK/hba.new"
  cat "$WORK/hba.new" >"$HBA"
  PSQL -c "CREATE ROLE rc_pw LOGIN PASSWORD 'name-secret'" -c "SELECT pg_reload_conf()" >/dev/null
  PC="host=$NAME port=$PORT user=rc_pw dbname=postgres"
  echo "$NAME:$PORT:*:rc_pw:name-secret" >"$WORK/pgpass.name"
  echo "127.0.0.1:$PORT:*:rc_pw:name-secret" >"$WORK/pgpass.addr"
  chmod 600 "$WORK/pgpass.name" "$WORK/pgpass.addr"
  rc=$(PGPASSFILE=$WORK/pgpass.name timeout 30 "$BIN" --once "$PC" >"$WORK/pw.out" 2>&1; echo $?)
  if [ "$rc" = 0 ]; then ok ".pgpass entry for the host name: used (scram-sha-256, --once exit 0)"
  else not_ok ".pgpass entry for the host name: used (exit $rc)"; sed 's/^/#   /' "$WORK/pw.out" | head -5; fi
  rc=$(PGPASSFILE=$WORK/pgpass.addr timeout 30 "$BIN" --once "$PC" >"$WORK/pw.out" 2>&1; echo $?)
  if [ "$rc" = 3 ] && grep -qi 'password' "$WORK/pw.out"; then
    ok ".pgpass entry for the address only: not used, the name is the key (exit 3: $(head -1 "$WORK/pw.out"))"
  else not_ok ".pgpass entry for the address only: not used (exit $rc)"; sed 's/^/#   /' "$WORK/pw.out" | head -5; fi
  if grep -q "server at \"$NAME\" (127.0.0.1), port $PORT" "$WORK/pw.out"; then
    ok "the failure names the server by its name and address, as libpq does for names it looks up"
  else not_ok "the failure names the server \"$NAME\" (127.0.0.1)"; sed 's/^/#   /' "$WORK/pw.out" | head -5; fi

  if command -v openssl >/dev/null 2>&1 &&
     openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$NAME" -addext "subjectAltName=DNS:$NAME" \
       -keyout "$WORK/server.key" -out "$WORK/server.crt" >/dev/null 2>&1; then
    chown postgres "$WORK/server.key" "$WORK/server.crt"; chmod 600 "$WORK/server.key"
    PSQL -c "ALTER SYSTEM SET ssl_cert_file = '$WORK/server.crt'" -c "ALTER SYSTEM SET ssl_key_file = '$WORK/server.key'" \
      -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
    hosts "127.0.0.1 $NAME
127.0.0.1 alias-$NAME"
    TC="port=$PORT user=postgres dbname=postgres sslmode=verify-full sslrootcert=$WORK/server.crt"
    rc=$(timeout 30 "$BIN" --once "host=$NAME $TC" >"$WORK/tls.out" 2>&1; echo $?)
    if [ "$rc" = 0 ]; then ok "TLS verify-full: the certificate is checked against the name (exit 0)"
    else not_ok "TLS verify-full against the name (exit $rc)"; sed 's/^/#   /' "$WORK/tls.out" | head -5; fi
    rc=$(timeout 30 "$BIN" --once "host=alias-$NAME $TC" >"$WORK/tls.out" 2>&1; echo $?)
    if [ "$rc" = 3 ] && grep -q "does not match host name" "$WORK/tls.out"; then
      ok "TLS verify-full, another name for the same address: refused ($(grep -o 'server certificate[^;]*' "$WORK/tls.out" | head -1))"
    else not_ok "TLS verify-full, another name for the same address: refused (exit $rc)"; sed 's/^/#   /' "$WORK/tls.out" | head -5; fi
    PSQL -c "ALTER SYSTEM RESET ssl" -c "SELECT pg_reload_conf()" >/dev/null
  else echo "# SKIP TLS: no openssl to make a certificate"; fi
else not_ok "TSDBTOP_PG15_DIR is set (pg_hba.conf for the password role)"; fi

# ------------------------------------------------------------ a refused probe ends the wait
PSQL -c "CREATE ROLE rc_probe LOGIN" -c "CREATE DATABASE probe_refused" >/dev/null
psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$PORT user=postgres dbname=probe_refused" \
  -c "REVOKE EXECUTE ON FUNCTION pg_catalog.pg_is_in_recovery() FROM PUBLIC" >/dev/null
RC="host=127.0.0.1 port=$PORT user=rc_probe dbname=probe_refused"
S=p
start_console $S "$RC" 120 40
rc=$(wait_exit $S 20)
if [ "$rc" = 1 ] && [ "$(wc -l <"$WORK/$S.err")" = 1 ] &&
   grep -q 'cannot connect: probe failed: permission denied for function pg_is_in_recovery' "$WORK/$S.err"; then
  ok "refused probe: the console exits 1 before its screen, one line: $(cat "$WORK/$S.err")"
else not_ok "refused probe: the console exits 1 with the reason (exit $rc)" $S; sed 's/^/#   /' "$WORK/$S.err"; fi
rc=$(timeout 20 "$BIN" --info "$RC" >"$WORK/info.out" 2>&1; echo $?)
if [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -q 'probe failed: permission denied' "$WORK/info.out"; then
  ok "refused probe: --info ends (exit $rc) with the reason"
else not_ok "refused probe: --info ends with the reason (exit $rc)"; sed 's/^/#   /' "$WORK/info.out"; fi
rc=$(timeout 40 "$BIN" --once "$RC" >"$WORK/once.out" 2>&1; echo $?)
if [ "$rc" = 3 ] && grep -q 'probe failed: permission denied' "$WORK/once.out"; then ok "refused probe: --once exits 3 with the reason"
else not_ok "refused probe: --once exits 3 with the reason (exit $rc)"; sed 's/^/#   /' "$WORK/once.out"; fi

[ "$FAILS" = 0 ]
