#!/bin/sh
# e2e: the real build/tsdbtop in tmux (send-keys, capture-pane) against the
# real embedded TimescaleDB with the MS5.0 demo data, and against a native
# PostgreSQL 15 cluster (no TimescaleDB; stopped, frozen and restarted under
# the running console). Prints "ok - name" / "not ok - name"; exits non-zero
# on failure. Cleans up its tmux server (private socket), launchers and
# clusters whatever happens.
#   E2E_SKIP_TSDB=1 / E2E_SKIP_PG15=1 skip a half; E2E_KEEP=1 keeps the work dir;
#   E2E_ACTIONS_ONLY=1 runs only the actions scenario (tests/e2e/actions.sh);
#   E2E_SKIP_FLEET=1 skips the fleet view (tests/e2e/fleet.sh).
#   E2E_SCALE (default 0.2) and E2E_DEMO_DAYS (default 30: the embedded
#   server is slow; 100 days take about 4 minutes to load) size the demo data.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
export TOP
BIN=${TSDBTOP_BIN:-$TOP/build/tsdbtop}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-e2e.XXXXXX") || exit 1
[ "$(id -u)" = 0 ] && chmod 755 "$WORK"
SOCK=tsdbtop-e2e-$$
FAILS=0
PASSES=0
# a UTF-8 locale for the console when the machine has one (symbols, ellipsis)
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
  export LANG=C.UTF-8 LC_ALL=C.UTF-8
fi
unset NO_COLOR

. "$TOP/tests/tools/tsdb.sh"
. "$TOP/tests/tools/pg15.sh"
. "$TOP/tests/e2e/actions.sh"
. "$TOP/tests/e2e/kiosk.sh"
. "$TOP/tests/e2e/fleet.sh"

T() { tmux -L "$SOCK" "$@"; }

cleanup() {
  T kill-server >/dev/null 2>&1
  fleet_cleanup
  if [ -n "${PG15_DIR:-}" ]; then
    # a frozen cluster cannot stop: thaw it first
    if [ -f "$PG15_DIR/data/postmaster.pid" ]; then
      pm=$(head -1 "$PG15_DIR/data/postmaster.pid" 2>/dev/null)
      [ -n "$pm" ] && kill -CONT "$pm" $(pgrep -P "$pm" 2>/dev/null) 2>/dev/null
    fi
    pg15_stop immediate
  fi
  tsdb_stop >/dev/null 2>&1
  [ "${E2E_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $1"; PASSES=$((PASSES + 1)); }
not_ok() { # NAME [SESSION]: report, and show the screen for diagnosis
  echo "not ok - $1"
  FAILS=$((FAILS + 1))
  if [ -n "${2:-}" ]; then
    echo "# screen of $2:"
    T capture-pane -p -t "$2" 2>/dev/null | sed 's/^/#   /'
  fi
}
check() { # NAME SESSION CMD...: ok when CMD succeeds
  _n=$1; _s=$2; shift 2
  if "$@"; then ok "$_n"; else not_ok "$_n" "$_s"; fi
}

screen() { T capture-pane -p -t "$1" 2>/dev/null; }

# wait_for_text SESSION ERE TIMEOUT: until the screen matches (bounded).
wait_for_text() {
  _end=$(( $(date +%s) + $3 ))
  while :; do
    screen "$1" | grep -Eq -- "$2" && return 0
    [ "$(date +%s)" -ge "$_end" ] && return 1
    sleep 0.2
  done
}
# wait_for_gone SESSION ERE TIMEOUT: until the screen no longer matches.
wait_for_gone() {
  _end=$(( $(date +%s) + $3 ))
  while :; do
    screen "$1" | grep -Eq -- "$2" || return 0
    [ "$(date +%s)" -ge "$_end" ] && return 1
    sleep 0.2
  done
}
send() { _s=$1; shift; T send-keys -t "$_s" "$@"; }

# start_console NAME CONNINFO [COLS ROWS] [extra options...]; CONSOLE_ENV="V=x" adds env
start_console() {
  _name=$1; _conn=$2; _x=${3:-120}; _y=${4:-40}
  shift 2; [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
  rm -f "$WORK/$_name.exit"
  T new-session -d -s "$_name" -x "$_x" -y "$_y" \
    "TERM=xterm-256color ${CONSOLE_ENV:-} '$BIN' $* '$_conn' 2>'$WORK/$_name.err'; rc=\$?; echo EXIT=\$rc > '$WORK/$_name.exit'; echo EXIT=\$rc; sleep 600"
}
wait_exit() { # NAME TIMEOUT -> prints the exit code
  _end=$(( $(date +%s) + $2 ))
  while [ ! -s "$WORK/$1.exit" ]; do
    [ "$(date +%s)" -ge "$_end" ] && { echo none; return 1; }
    sleep 0.2
  done
  sed -n 's/^EXIT=//p' "$WORK/$1.exit"
}
resize() { T resize-window -t "$1" -x "$2" -y "$3"; }
# the number of non-blank lines on screen
nonblank() { screen "$1" | grep -c '[^[:space:]]'; }
# rows of the pane tables (UTF-8 mode: a health mark after the left border)
table_rows() { screen "$1" | grep -E '^│(✓|▲|✖) '; }

if [ ! -x "$BIN" ]; then
  echo "not ok - build/tsdbtop exists (run make)"
  exit 1
fi
if ! command -v tmux >/dev/null 2>&1; then
  echo "not ok - tmux is installed"
  exit 1
fi

started=$(date +%s)

# ---------------------------------------------------------------- TimescaleDB
tsdb_part() {
  if ! tsdb_start "$WORK/tsdb"; then
    not_ok "embedded TimescaleDB starts"
    return
  fi
  ok "embedded TimescaleDB starts"
  if sh sql/deploy.sh "$TSDB_CONNINFO" >"$WORK/deploy.log" 2>&1 &&
     DEMO_DAYS=${E2E_DEMO_DAYS:-30} sh sql/demo/load.sh "$TSDB_CONNINFO" "${E2E_SCALE:-0.2}" >"$WORK/load.log" 2>&1; then
    ok "MS5.0 layer deployed and demo data loaded"
  else
    not_ok "MS5.0 layer deployed and demo data loaded"
    sed 's/^/#   /' "$WORK/deploy.log" "$WORK/load.log" | tail -20
    return
  fi
  C=$TSDB_CONNINFO
  if [ "${E2E_ACTIONS_ONLY:-0}" = 1 ]; then
    e2e_actions "$C"
    tsdb_stop >/dev/null 2>&1
    return
  fi
  S=ts
  start_console $S "$C" 120 40

  # five pane titles and the first poll's values
  if wait_for_text $S '1 Chunks' 20 && wait_for_text $S '2 Compression' 1 &&
     wait_for_text $S '3 Retention' 1 && wait_for_text $S '4 Continuous aggregates' 1 &&
     wait_for_text $S '5 Cache' 1; then ok "grid 120x40 shows the five pane titles"
  else not_ok "grid 120x40 shows the five pane titles" $S; fi
  check "header shows server, database and versions" $S \
    wait_for_text $S "127\\.0\\.0\\.1:$TSDB_PORT .*db template1 .*user postgres" 30
  check "header shows PostgreSQL and TimescaleDB versions and license" $S \
    wait_for_text $S 'PostgreSQL 17\.[0-9]+ +TimescaleDB 2\.[0-9]+.*\((timescale|apache)\)' 30
  check "connection state shown as connected" $S wait_for_text $S 'connected *$' 30
  # every pane polled (no "waiting for first poll" left)
  check "every pane gets its first poll" $S wait_for_gone $S 'waiting for first poll' 90
  check "status line shows the last poll and its duration" $S \
    wait_for_text $S 'polled [0-9:]+ UTC in [0-9]+ ms' 10

  # an idle screen is steady: polls at 0.2 s for 5 s, nothing above the
  # status line changes (no flicker of half-classified rows, no ticking ages);
  # started early in a minute so that no lag or age rounds over meanwhile
  start_console std "$C" 120 40 --interval 0.2 --read-only
  wait_for_text std 'polled [0-9:]+ UTC' 30 >/dev/null
  sleep 2
  [ "$(date +%S | sed 's/^0//')" -lt 50 ] || sleep 12
  prev=; flips=0
  for _i in $(seq 50); do
    cur=$(screen std | sed '$d' | cksum)
    [ -n "$prev" ] && [ "$cur" != "$prev" ] && flips=$((flips + 1))
    prev=$cur; sleep 0.1
  done
  if [ "$flips" = 0 ]; then ok "idle screen at --interval 0.2: nothing above the status line changes in 5 s"
  else not_ok "idle screen at --interval 0.2: nothing above the status line changes ($flips changes in 5 s)" std; fi
  send std q

  # metric_hist and its chunk count, compared with the server
  want=$(psql -X -At "$C" -c "select count(*) from timescaledb_information.chunks where hypertable_name = 'metric_hist'" 2>/dev/null)
  if wait_for_text $S '(✓|▲|✖|[ !X?]) (factory_telemetry\.)?metric_hist ' 30; then
    got=$(screen $S | grep -E '^│(✓|▲|✖|[ !X?]) (factory_telemetry\.)?metric_hist ' | head -1 |
          sed -E 's/^│[^ ]* +[^ ]+ +([0-9,]+) .*/\1/' | tr -d ,)
    if [ -n "$want" ] && [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then
      ok "Chunks pane: metric_hist shows $got chunks like the server"
    else
      not_ok "Chunks pane: metric_hist shows the server's chunk count (screen '$got', server '$want')" $S
    fi
  else
    not_ok "Chunks pane lists metric_hist" $S
  fi
  check "Chunks pane has a TOTALS row" $S wait_for_text $S 'TOTAL \([0-9]+\)' 5
  check "cagg materialisation hypertables are marked" $S wait_for_text $S '(⧉|\[cagg\]) [a-z_]+' 5
  check "health marks are shown per row" $S wait_for_text $S '^│(✓|▲|✖) ' 5
  check "Cache pane shows the database hit ratio" $S wait_for_text $S 'database hit ratio|keeps no statistics' 30
  check "Compression pane shows the scheduler line" $S wait_for_text $S 'scheduler: ' 30
  check "Continuous aggregates pane lists a view" $S wait_for_text $S '_aggregate ' 30

  # help (?): lists the keys, Esc closes it
  send $S '?'
  if wait_for_text $S 'Help: keys' 5 && wait_for_text $S 'Shift-Tab' 1 && wait_for_text $S 'PgDn' 1; then
    ok "? opens the help with the keys"
  else not_ok "? opens the help with the keys" $S; fi
  send $S Escape
  check "Esc closes the help" $S wait_for_gone $S 'Help: keys' 5
  send $S F1
  check "F1 opens the help too" $S wait_for_text $S 'Help: keys' 5
  send $S '?'
  wait_for_gone $S 'Help: keys' 5

  # focus with digits and zoom with Enter: only the focused pane remains
  send $S 3 Enter
  if wait_for_text $S '3 Retention' 5 && wait_for_gone $S '1 Chunks ·|2 Compression ·|5 Cache ·' 5 &&
     wait_for_text $S 'zoomed' 2; then ok "3 + Enter zooms the Retention pane"
  else not_ok "3 + Enter zooms the Retention pane" $S; fi
  send $S Tab
  check "Tab moves the focus to the next pane (zoomed: Continuous aggregates)" $S \
    wait_for_text $S '─ 4 Continuous aggregates' 5
  send $S BTab BTab
  check "Shift-Tab moves the focus back (Compression)" $S wait_for_text $S '─ 2 Compression' 5
  send $S Escape
  if wait_for_text $S '1 Chunks' 5 && wait_for_text $S '5 Cache' 5; then ok "Esc unzooms: grid again"
  else not_ok "Esc unzooms: grid again" $S; fi

  # sort: s moves to the next sortable column (Chunks), S reverses
  send $S 1 s
  check "s sorts the Chunks pane by the Chunks column (▲)" $S wait_for_text $S 'Chunks(▲|\^)' 5
  send $S S
  check "S reverses the sort (▼)" $S wait_for_text $S 'Chunks(▼|v) ' 5
  top=$(table_rows $S | head -1 | sed -E 's/^│[^ ]* +[^ ]+ +([0-9,]+) .*/\1/' | tr -d ,)
  max=$(psql -X -At "$C" -c "select max(n) from (select count(*) n from timescaledb_information.chunks group by hypertable_schema, hypertable_name) x" 2>/dev/null)
  if [ -n "$top" ] && [ "$top" = "$max" ]; then ok "descending sort puts the hypertable with most chunks ($max) first"
  else not_ok "descending sort puts the hypertable with most chunks first (screen '$top', server '$max')" $S; fi
  send $S S
  wait_for_text $S 'Chunks(▲|\^)' 5
  # back to the name column
  for _i in 1 2 3 4 5 6 7 8 9; do
    screen $S | grep -Eq 'Hypertable(▲|\^)' && break
    send $S s; sleep 0.2
  done

  # filter: / metric Enter -> only metric rows in the Chunks pane
  send $S z  # zoom Chunks so that only its rows are on screen (Enter there opens the chunk list)
  wait_for_text $S 'zoomed' 5
  send $S /
  check "/ opens the filter prompt on the status line" $S wait_for_text $S 'Filter Chunks: _' 5
  send $S -l metrix
  send $S BSpace
  send $S -l c
  check "the prompt edits (Backspace)" $S wait_for_text $S 'Filter Chunks: metric_' 5
  send $S Enter
  if wait_for_text $S 'filter: metric' 5 && wait_for_gone $S 'Filter Chunks:' 5; then
    rows=$(table_rows $S)
    n=$(printf '%s\n' "$rows" | grep -c .)
    bad=$(printf '%s\n' "$rows" | grep -vci metric)
    if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; then ok "filter 'metric' leaves only metric rows ($n)"
    else not_ok "filter 'metric' leaves only metric rows ($n rows, $bad others)" $S; fi
  else
    not_ok "filter shown in the pane title" $S
  fi
  send $S / Escape
  check "Esc in the prompt clears the filter" $S wait_for_gone $S 'filter: metric' 5
  check "... and other hypertables come back" $S wait_for_text $S '(✓|▲|✖|[ !X?]) (factory_telemetry\.)?(quality_checks|downtime_events|fault_event)' 5
  send $S Escape

  # selection moves without breaking the screen
  send $S Down Down NPage End Home PPage Up
  check "arrows / PgUp / PgDn / Home / End keep the console alive" $S wait_for_text $S '1 Chunks' 5

  # interval + / -
  send $S +
  check "+ raises the refresh interval to 5 s" $S wait_for_text $S 'every 5s' 5
  send $S - -
  check "- lowers it (1 s)" $S wait_for_text $S 'every 1s' 5
  send $S +

  # pause
  send $S Space
  check "Space pauses (PAUSED shown)" $S wait_for_text $S 'PAUSED' 5
  send $S Space
  check "Space again resumes" $S wait_for_gone $S 'PAUSED' 5
  send $S r
  check "r asks for a refresh now" $S wait_for_text $S 'refreshing|poll is already running' 5

  # unknown keys do nothing
  send $S X Y '!'
  sleep 0.3
  check "unknown keys do nothing" $S wait_for_text $S '5 Cache' 2

  # resize: 120x40 -> 80x24 (tabs) -> 60x15 (too small) -> 120x40 (grid)
  resize $S 80 24
  if wait_for_text $S '1 Chunks +2 Compression +3 Retention +4 Caggs +5 Cache' 5 &&
     wait_for_gone $S '─ 5 Cache' 5; then ok "80x24: tabs, one pane at a time"
  else not_ok "80x24: tabs, one pane at a time" $S; fi
  send $S 5
  check "80x24: 5 shows the Cache pane" $S wait_for_text $S '─ 5 Cache' 5
  resize $S 60 15
  if wait_for_text $S 'Terminal too small: enlarge to at least 70x18 \(now 60x15\)' 5 &&
     [ "$(nonblank $S)" -eq 1 ]; then ok "60x15: only the 'Terminal too small' message"
  else not_ok "60x15: only the 'Terminal too small' message" $S; fi
  send $S '?'  # keys while too small must not draw garbage
  sleep 0.3
  check "60x15: still nothing else after a key" $S [ "$(nonblank $S)" -eq 1 ]
  send $S Escape
  resize $S 120 40
  if wait_for_text $S '─ 1 Chunks' 5 && wait_for_text $S '─ 2 Compression' 5 &&
     wait_for_text $S '─ 3 Retention' 5 && wait_for_text $S '─ 4 Continuous' 5 &&
     wait_for_text $S '─ 5 Cache' 5 && wait_for_gone $S 'too small' 2; then ok "back to 120x40: the grid again"
  else not_ok "back to 120x40: the grid again" $S; fi

  # q quits with 0 and leaves the terminal clean
  send $S q
  rc=$(wait_exit $S 10)
  check "q quits with exit code 0" $S [ "$rc" = 0 ]
  sleep 0.3
  if screen $S | grep -q 'EXIT=0' && ! screen $S | grep -Eq '┌|└|│|Chunks|polled|help'; then
    ok "after q the terminal is clean (shell output only)"
  else not_ok "after q the terminal is clean (shell output only)" $S; fi
  if [ -s "$WORK/$S.err" ]; then not_ok "nothing written to stderr"; sed 's/^/#   /' "$WORK/$S.err"
  else ok "nothing written to stderr"; fi

  # Ctrl-C quits cleanly as well; ASCII mode marks
  start_console tsc "$C" 100 36 --ascii --no-color
  if wait_for_text tsc '1 Chunks' 20 && wait_for_text tsc '^\|[ !X?] ' 60 && ! screen tsc | grep -q '[✓▲✖│]'; then
    ok "--ascii: ASCII marks and borders only"
  else not_ok "--ascii: ASCII marks and borders only" tsc; fi
  send tsc C-c
  rc=$(wait_exit tsc 10)
  check "Ctrl-C quits with exit code 0" tsc [ "$rc" = 0 ]
  # --polls N: quits by itself after N polls, the screen drawn first
  start_console tsn "$C" 120 40 --interval 0.2 --polls 5
  rc=$(wait_exit tsn 30)
  if [ "$rc" = 0 ] && [ ! -s "$WORK/tsn.err" ]; then ok "--polls 5: quits by itself with exit code 0"
  else not_ok "--polls 5: quits by itself with exit code 0 (exit $rc)" tsn; fi
  # operator actions (tests/e2e/actions.sh)
  e2e_actions "$C"
  # sparklines, the zoomed chart, D and y (tests/e2e/kiosk.sh)
  e2e_trends_tsdb "$C"
  tsdb_stop >/dev/null 2>&1
}

# -------------------------------------------------------------- PostgreSQL 15
pg15_part() {
  if ! [ -x "$PG15_BIN/initdb" ]; then
    not_ok "PostgreSQL 15 is installed ($PG15_BIN)"
    return
  fi
  if ! pg15_start "$WORK/pg"; then
    not_ok "PostgreSQL 15 starts"
    return
  fi
  ok "PostgreSQL 15 starts"
  C=$PG15_CONNINFO
  S=pg
  start_console $S "$C" 120 40 --interval 1
  check "PG15: 'TimescaleDB is not installed' shown in the panes" $S \
    wait_for_text $S 'TimescaleDB is not installed' 20
  check "PG15: header says TimescaleDB not installed" $S wait_for_text $S 'PostgreSQL 15\.[0-9]+.* TimescaleDB not installed' 5
  check "PG15: the Cache pane works (database hit ratio)" $S wait_for_text $S 'database hit ratio: now' 20

  # freeze the whole cluster: the console stays responsive and says so
  pm=$(head -1 "$PG15_DIR/data/postmaster.pid")
  kids=$(pgrep -P "$pm" | tr '\n' ' ')
  # shellcheck disable=SC2086
  kill -STOP "$pm" $kids 2>/dev/null
  check "frozen server: 'no answer for N s' (or reconnecting) in the header" $S \
    wait_for_text $S 'no answer for [0-9]+ s|reconnecting in' 20
  send $S '?'
  check "frozen server: keys still work (? opens help)" $S wait_for_text $S 'Help: keys' 3
  send $S Escape
  check "frozen server: Esc closes help" $S wait_for_gone $S 'Help: keys' 3
  check "frozen server: the data age shows in the titles" $S wait_for_text $S '5 Cache · [0-9a-z]+ old' 15
  # shellcheck disable=SC2086
  kill -CONT "$pm" $kids 2>/dev/null
  if wait_for_gone $S 'no answer for|reconnecting in' 60 && wait_for_text $S 'connected *$' 30 &&
     wait_for_text $S '5 Cache · live' 30; then ok "thawed server: the console recovers (fresh data)"
  else not_ok "thawed server: the console recovers (fresh data)" $S; fi

  # stop the server, then start it again on the same port
  pg15_stop fast
  check "stopped server: reconnecting / disconnected shown" $S \
    wait_for_text $S 'reconnecting in|disconnected|no answer for' 20
  send $S '?'
  check "stopped server: keys still work" $S wait_for_text $S 'Help: keys' 3
  send $S Escape
  if pg15_start "$WORK/pg"; then
    if wait_for_text $S 'connected *$' 60 && wait_for_gone $S 'reconnecting in' 30 &&
       wait_for_text $S 'database hit ratio: now' 30 && wait_for_text $S '5 Cache · live' 30; then
      ok "restarted server: the console reconnects and values come back"
    else not_ok "restarted server: the console reconnects and values come back" $S; fi
  else
    not_ok "PostgreSQL 15 restarts on the same port"
  fi
  # colours: the default theme uses them, NO_COLOR and --no-color do not
  if T capture-pane -p -e -t $S | grep -Eq '\[(3[0-7]|38;5;[0-9]+)m|\[[0-9;]*;(3[0-7]|38;5;[0-9]+)m'; then
    ok "PG15: the default theme draws in colour"
  else not_ok "PG15: the default theme draws in colour" $S; fi
  send $S q
  rc=$(wait_exit $S 10)
  check "PG15: q quits with exit code 0" $S [ "$rc" = 0 ]
  T kill-session -t $S

  # NO_COLOR: monochrome (attributes only), marks still tell the health
  CONSOLE_ENV="NO_COLOR=1"
  start_console nc "$C" 120 40
  CONSOLE_ENV=
  if wait_for_text nc 'database hit ratio' 20 &&
     ! T capture-pane -p -e -t nc | grep -Eq '\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m'; then
    ok "NO_COLOR=1: no colour at all"
  else not_ok "NO_COLOR=1: no colour at all" nc; fi
  send nc q
  wait_exit nc 10 >/dev/null

  # a bad theme file: the built-in default stays, the error (file:line) is shown
  printf '[theme]\nwarning = purple default\n' >"$WORK/bad.theme"
  start_console bt "$C" 120 40 --theme "$WORK/bad.theme"
  check "a bad theme file: its error (file:line: message) on the status line" bt \
    wait_for_text bt 'bad\.theme:2: unknown colo' 10
  check "a bad theme file: the console still runs" bt wait_for_text bt 'database hit ratio' 20
  send bt q
  rc=$(wait_exit bt 10)
  check "a bad theme file: q still exits 0 and stderr stays empty" bt [ "$rc" = 0 ] && [ ! -s "$WORK/bt.err" ]
  S=pg
  if [ -s "$WORK/$S.err" ]; then not_ok "PG15: nothing written to stderr"; sed 's/^/#   /' "$WORK/$S.err" | head -40
  else ok "PG15: nothing written to stderr"; fi
  e2e_actions_pg15 "$C"
  # the database switch and kiosk mode (tests/e2e/kiosk.sh)
  e2e_dbswitch_pg15 "$C"
  e2e_kiosk_pg15 "$C"
  pg15_stop fast
}

# the configuration file (no server needed)
[ "${E2E_ACTIONS_ONLY:-0}" = 1 ] || e2e_config
[ "${E2E_SKIP_PG15:-0}" = 1 ] || pg15_part
[ "${E2E_SKIP_TSDB:-0}" = 1 ] || tsdb_part
[ "${E2E_ACTIONS_ONLY:-0}" = 1 ] || [ "${E2E_SKIP_FLEET:-0}" = 1 ] || e2e_fleet

echo "# e2e: $PASSES passed, $FAILS failed in $(( $(date +%s) - started )) s"
[ "$FAILS" -eq 0 ]
