# e2e: the fleet view (issue 14, part 2), sourced by tests/e2e/run.sh (which
# gives T, send, screen, wait_for_text, wait_for_gone, ok, not_ok, check,
# $BIN, $WORK). Three servers: the embedded TimescaleDB (in memory, its own
# launcher on its own port), a native one (TimescaleDB 2.28.3 on PostgreSQL
# 15 when it is built, else PostgreSQL 15 alone) and a stopped one (a port
# nothing listens on). The console in tmux: the overview's three rows, the
# stopped one reconnecting; Enter drills into the embedded one, Esc returns,
# ] and [ cycle; an action dialog names the server; --once --json has three
# entries; a hostile server label is sanitised; the kiosk's fleet banner.
#   E2E_SKIP_FLEET=1 skips it.

. "$TOP/tests/tools/native.sh"

FLEET_NATIVE_VERSION=2.28.3
FLEET_NATIVE=            # "native" when this scenario started a native cluster

fleet_cleanup() {
  [ -n "${FLEET_FROZEN:-}" ] && fleet_signal CONT
  FLEET_FROZEN=
  [ "$FLEET_NATIVE" = native ] && native_stop immediate
  FLEET_NATIVE=
  [ -n "${FLEET_TSDB_PID:-}" ] && tsdb_stop "$FLEET_TSDB_PID" >/dev/null 2>&1
  FLEET_TSDB_PID=
}

fleet_pm_pid() { # the native server's postmaster
  if [ "$FLEET_NATIVE" = native ]; then _d=$(cat "$WORK/fleet-native/pgdata" 2>/dev/null); else _d=$WORK/fleet-pg/data; fi
  head -1 "$_d/postmaster.pid" 2>/dev/null
}

fleet_signal() { # SIGNAL: the native server's postmaster and its children
  _pm=$(fleet_pm_pid)
  [ -n "$_pm" ] && kill "-$1" "$_pm" $(pgrep -P "$_pm" 2>/dev/null) 2>/dev/null
}

fleet_dead_port() { # a loopback port nothing listens on
  _p=$(( 39000 + $$ % 1000 ))
  while ss -ltn 2>/dev/null | grep -q ":$_p "; do _p=$((_p + 1)); done
  echo "$_p"
}

# fleet_console NAME ARGS...: the console in tmux with these arguments (each
# quoted into a script: a hostile label may hold any byte but a quote).
fleet_console() {
  _fn=$1; shift
  rm -f "$WORK/$_fn.exit"
  {
    printf 'TERM=xterm-256color exec %s' "'$BIN'"
    for _a in "$@"; do printf " '%s'" "$_a"; done
    printf " 2>'%s'\n" "$WORK/$_fn.err"
  } >"$WORK/$_fn.run"
  T new-session -d -s "$_fn" -x 130 -y 40 "sh '$WORK/$_fn.run'; echo EXIT=\$? > '$WORK/$_fn.exit'; sleep 600"
}

fleet_servers() { # the three servers; FLEET_EMB, FLEET_NAT, FLEET_DEAD conninfos
  tsdb_start memory || return 1
  FLEET_TSDB_PID=$TSDB_PID
  FLEET_EMB=$TSDB_CONNINFO
  psql -X -q -v ON_ERROR_STOP=1 "$FLEET_EMB" >"$WORK/fleet-seed.log" 2>&1 <<'SQL' || return 1
CREATE TABLE fleet_t (time timestamptz NOT NULL, v int);
SELECT create_hypertable('fleet_t', 'time', chunk_time_interval => interval '1 day');
ALTER TABLE fleet_t SET (timescaledb.compress);
SELECT add_compression_policy('fleet_t', interval '3 days');
INSERT INTO fleet_t SELECT now() - i * interval '1 hour', i FROM generate_series(1, 24 * 12) i;
SQL
  if [ -f "/usr/lib/postgresql/15/lib/timescaledb-$FLEET_NATIVE_VERSION.so" ] &&
     native_start "$FLEET_NATIVE_VERSION" "$WORK/fleet-native" >/dev/null 2>"$WORK/fleet-native.err" &&
     native_create_db fleet; then
    FLEET_NATIVE=native
    FLEET_NAT="host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=fleet"
    FLEET_NAT_WHAT="TimescaleDB $FLEET_NATIVE_VERSION"
  else
    [ "$FLEET_NATIVE" = native ] || FLEET_NATIVE=
    PG15_PORT=
    pg15_start "$WORK/fleet-pg" || return 1
    FLEET_NAT=$PG15_CONNINFO
    FLEET_NAT_WHAT="PostgreSQL 15 alone"
  fi
  FLEET_DEAD="host=127.0.0.1 port=$(fleet_dead_port) user=postgres dbname=gone connect_timeout=2"
  printf '[server embedded]\nconninfo = %s\n[server native]\nconninfo = %s\n[server stopped]\nconninfo = %s\n' \
    "$FLEET_EMB" "$FLEET_NAT" "$FLEET_DEAD" >"$WORK/fleet.conf"
}

fleet_overview() { # the overview from the [server NAME] sections
  _s=fleet
  fleet_console $_s --config "$WORK/fleet.conf" --interval 1
  if wait_for_text $_s 'fleet of 3 servers' 10 &&
     wait_for_text $_s '│embedded +connected +17\.[0-9]+ +2\.[0-9]+' 20 &&
     wait_for_text $_s '│native +connected +1[0-9]\.[0-9]+ ' 20 &&
     wait_for_text $_s '│stopped +reconnecting since [0-9]{2}:[0-9]{2} ' 20; then
    ok "fleet: the overview shows the three servers, the stopped one reconnecting ($FLEET_NAT_WHAT as native)"
  else not_ok "fleet: the overview shows the three servers, the stopped one reconnecting" $_s; fi
  check "fleet: the stopped server's row says why (connection refused)" $_s \
    wait_for_text $_s '│stopped .*[Cc]onnection refused' 5
  check "fleet: the embedded row has its health counts, data age, poll time and scheduler" $_s \
    wait_for_text $_s '│embedded .* [0-9]+ +[0-9]+ +[0-9]+ .* [0-9]+s +[0-9.]+ m?s +none' 10
  send $_s Enter
  if wait_for_text $_s 'tsdbtop  \[embedded 1/3\]' 5 && wait_for_text $_s '1 Chunks' 5 &&
     wait_for_text $_s 'fleet_t' 10; then
    ok "fleet: Enter drills into the embedded server (its panes, the header names it)"
  else not_ok "fleet: Enter drills into the embedded server" $_s; fi
  send $_s Escape
  check "fleet: Esc returns to the overview" $_s wait_for_text $_s 'fleet of 3 servers' 5
  send $_s Enter
  wait_for_text $_s '\[embedded 1/3\]' 5
  send $_s ']'
  if wait_for_text $_s '\[native 2/3\]' 5 && { send $_s ']'; wait_for_text $_s '\[stopped 3/3\]' 5; } &&
     { send $_s '['; wait_for_text $_s '\[native 2/3\]' 5; } && { send $_s ']' ']'; wait_for_text $_s '\[embedded 1/3\]' 5; }; then
    ok "fleet: ] and [ cycle the servers while drilled in (round)"
  else not_ok "fleet: ] and [ cycle the servers while drilled in" $_s; fi
  # an action on the embedded server: the dialog names it; Esc cancels
  wait_for_text $_s 'fleet_t' 10
  send $_s c
  if wait_for_text $_s 'Compress .*fleet_t on server embedded' 20; then
    ok "fleet: an action dialog names the server it acts on"
  else not_ok "fleet: an action dialog names the server it acts on" $_s; fi
  send $_s n
  wait_for_gone $_s 'on server embedded' 5
  # the native server frozen (SIGSTOP): its row says so, the embedded one keeps polling
  send $_s Escape
  wait_for_text $_s 'fleet of 3 servers' 5
  FLEET_FROZEN=1
  fleet_signal STOP
  if wait_for_text $_s '│native +no answer for [0-9]+ s' 15 && sleep 3 &&
     wait_for_text $_s '│embedded +connected .* [0-2]s +[0-9.]+ m?s +none' 2 &&
     wait_for_text $_s 'fleet of 3 servers' 1 && { send $_s s; wait_for_text $_s 'worst first' 3; }; then
    ok "fleet: the native server frozen (SIGSTOP): its row says no answer, the embedded one's data stays fresh, keys answer"
  else not_ok "fleet: the native server frozen: its row says no answer, the others go on" $_s; fi
  fleet_signal CONT
  FLEET_FROZEN=
  check "fleet: the native server thawed: connected again" $_s wait_for_text $_s '│native +connected' 30
  send $_s q
  _e=0; while [ ! -s "$WORK/$_s.exit" ] && [ $_e -lt 50 ]; do sleep 0.2; _e=$((_e + 1)); done
  if grep -q 'EXIT=0' "$WORK/$_s.exit" 2>/dev/null && [ ! -s "$WORK/$_s.err" ]; then
    ok "fleet: q quits with 0, nothing on stderr"
  else not_ok "fleet: q quits with 0, nothing on stderr" $_s; sed 's/^/#   /' "$WORK/$_s.err" | head; fi
  T kill-session -t $_s 2>/dev/null
}

fleet_once() {
  "$BIN" --config "$WORK/fleet.conf" --once --json >"$WORK/fleet.json" 2>"$WORK/fleet-once.err"
  _rc=$?
  if [ "$_rc" = 3 ] && [ "$(jq '.servers | length' "$WORK/fleet.json")" = 3 ] &&
     jq -e '.servers[0].name == "embedded" and .servers[0].connected and (.servers[0].panes.chunks.rows | map(.name) | index("fleet_t")) != null' "$WORK/fleet.json" >/dev/null &&
     jq -e '.servers[1].name == "native" and .servers[1].connected and (.servers[1].server.postgresql_num >= 150000)' "$WORK/fleet.json" >/dev/null &&
     jq -e '.servers[2].name == "stopped" and (.servers[2].connected | not) and (.servers[2].error | test("cannot connect"))' "$WORK/fleet.json" >/dev/null; then
    ok "fleet: --once --json has three entries in servers[] (the stopped one's error), exit 3"
  else
    not_ok "fleet: --once --json has three entries in servers[] (rc $_rc)"
    head -c 600 "$WORK/fleet.json" | sed 's/^/#   /'
  fi
  "$BIN" --config "$WORK/fleet.conf" --once >"$WORK/fleet.txt" 2>/dev/null
  if [ "$(grep -c '^=== server ' "$WORK/fleet.txt")" = 3 ] && grep -q '^=== server stopped (3 of 3): cannot connect ===' "$WORK/fleet.txt"; then
    ok "fleet: --once text prints each server's block under a header line"
  else not_ok "fleet: --once text prints each server's block under a header line"; grep '^===' "$WORK/fleet.txt" | sed 's/^/#   /'; fi
  # a name on the command line stands for its section; one server: today's console output
  "$BIN" embedded --config "$WORK/fleet.conf" --once --json >"$WORK/fleet-one.json" 2>/dev/null
  if jq -e '.servers == null and (.panes.chunks.rows | map(.name) | index("fleet_t")) != null' "$WORK/fleet-one.json" >/dev/null; then
    ok "fleet: 'tsdbtop embedded --once --json' (a configured name): one server's document as before"
  else not_ok "fleet: 'tsdbtop embedded --once --json' (a configured name): one server's document as before"; fi
  "$BIN" nosuchserver --config "$WORK/fleet.conf" --once >/dev/null 2>"$WORK/fleet-bad.err"
  _rc=$?
  if [ "$_rc" = 2 ] && grep -q "'nosuchserver' is not a command" "$WORK/fleet-bad.err" && [ "$(wc -l <"$WORK/fleet-bad.err")" = 1 ]; then
    ok "fleet: an unknown name is one line and exit 2"
  else not_ok "fleet: an unknown name is one line and exit 2 (rc $_rc)"; fi
}

fleet_hostile_and_kiosk() {
  _s=fleeth
  _bad="host=127.0.0.1 port=$(fleet_dead_port) dbname=x$(printf '\033]0;PWNED\007')y$(printf '\033[2J')z connect_timeout=2"
  fleet_console $_s "$FLEET_EMB" "$_bad"
  # the overview's name column cuts it: the whole label is in the header once drilled in
  wait_for_text $_s 'fleet of 2 servers' 10 && wait_for_text $_s '│127\.0\.0\.1:[0-9]+.* reconnecting since ' 10
  _rows=$?
  send $_s Down Enter
  if [ "$_rows" = 0 ] && wait_for_text $_s '\[127\.0\.0\.1:[0-9]+/x\?\]0;PWNED\?y\?\[2Jz 2/2\]' 10 &&
     ! T display-message -p -t $_s '#{pane_title}' | grep -q PWNED; then
    ok "fleet: a hostile server label is sanitised on screen (no escape reaches the terminal)"
  else not_ok "fleet: a hostile server label is sanitised on screen" $_s; fi
  send $_s q
  T kill-session -t $_s 2>/dev/null
  _s=fleetk
  fleet_console $_s --config "$WORK/fleet.conf" --kiosk --interval 1
  if wait_for_text $_s 'fleet of 3 servers' 10 && wait_for_text $_s '1 UNREACHABLE: stopped' 20 &&
     wait_for_text $_s '│embedded +connected' 10 && wait_for_text $_s 'to leave: type quit' 3; then
    ok "kiosk with several servers: the fleet banner names the unreachable one, the overview below it"
  else not_ok "kiosk with several servers: the fleet banner names the unreachable one" $_s; fi
  send $_s Enter ']'
  sleep 1
  check "kiosk with several servers: keys do not drill in (the overview stays)" $_s wait_for_text $_s 'fleet of 3 servers' 2
  T kill-session -t $_s 2>/dev/null
}

e2e_fleet() {
  _t0=$(date +%s)
  if ! fleet_servers; then
    not_ok "fleet: start the embedded and the native server"
    sed 's/^/#   /' "$WORK/fleet-seed.log" "$WORK/fleet-native.err" 2>/dev/null | head -20
    fleet_cleanup
    return
  fi
  fleet_overview
  fleet_once
  fleet_hostile_and_kiosk
  fleet_cleanup
  [ -n "${PG15_DIR:-}" ] && case $PG15_DIR in "$WORK/fleet-pg") pg15_stop immediate ;; esac
  echo "# fleet: $(( $(date +%s) - _t0 )) s"
}
