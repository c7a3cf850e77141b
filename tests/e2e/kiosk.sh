# Sourced by tests/e2e/run.sh (uses its helpers: T, screen, send, check,
# ok, not_ok, wait_for_text, wait_for_gone, start_console, wait_exit, WORK,
# BIN). Issue 6: the configuration file, kiosk mode, trends (sparklines),
# the database switch (D) and y.
#   e2e_config              --print-config, flags over the file, bad and missing files (no server)
#   e2e_kiosk_pg15 CONNINFO kiosk against native PostgreSQL 15: banner, stray keys, quit sequence,
#                           the server stopped for ~25 s (not a full minute, to keep the suite
#                           short) and started again, CPU while waiting
#   e2e_dbswitch_pg15 CONNINFO   D lists the databases, Enter switches, the header shows it
#   e2e_trends_tsdb CONNINFO     sparklines, the zoomed chart, D on the embedded server, y

# The screen without what moves by itself (digits of clocks and ages,
# sparklines, the hit ratio between two polls).
kiosk_masked() {
  screen "$1" | sed -E 's/[0-9]/0/g; s/ +[▁▂▃▄▅▆▇█ ]*[▁▂▃▄▅▆▇█]/ #/g; s/hit ratio: now .*/hit ratio: X/'
}

# utime + stime of a process, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null; }

e2e_config() {
  _cf=$WORK/config.ini
  printf '# tsdbtop\n[console]\ninterval = 5\ntheme = light\n[thresholds]\ncache_warn = 90%%\n[kiosk]\ncycle = 15\n' >"$_cf"
  "$BIN" --config "$_cf" --print-config --interval 1 >"$WORK/pc.out" 2>"$WORK/pc.err"
  _rc=$?
  if [ "$_rc" = 0 ] && [ ! -s "$WORK/pc.err" ] &&
     grep -Eq '^interval +=  *1 +# --interval' "$WORK/pc.out" &&
     grep -Eq "^theme +=  *light +# .*config\\.ini:4" "$WORK/pc.out" &&
     grep -Eq "^cache_warn +=  *0\\.9 +# .*config\\.ini:6" "$WORK/pc.out" &&
     grep -Eq "^cycle +=  *15 +# .*config\\.ini:8" "$WORK/pc.out" &&
     grep -Eq '^read_only +=  *no +# default' "$WORK/pc.out"; then
    ok "--print-config: values with their origin (file:line, --flag over the file, default)"
  else
    not_ok "--print-config: values with their origin (rc $_rc)"
    sed 's/^/#   /' "$WORK/pc.out" "$WORK/pc.err" | head -40
  fi
  "$BIN" --config "$_cf" --print-config --kiosk >"$WORK/pc2.out" 2>&1
  if grep -Eq '^enabled +=  *yes +# --kiosk' "$WORK/pc2.out"; then ok "--print-config --kiosk: kiosk.enabled from the flag"
  else not_ok "--print-config --kiosk: kiosk.enabled from the flag"; sed 's/^/#   /' "$WORK/pc2.out" | head; fi

  _bad=$WORK/bad.ini
  printf '[console]\ninterval = 7\nbogus = 1\n[thresholds]\nchunks_warn = many\nbacklog_crit = 9\n' >"$_bad"
  "$BIN" --config "$_bad" --print-config >"$WORK/pb.out" 2>"$WORK/pb.err"
  _rc=$?
  if [ "$_rc" = 0 ] && grep -q "bad\\.ini:3: unknown key 'bogus' in \\[console\\]" "$WORK/pb.err" &&
     grep -q "bad\\.ini:5: chunks_warn: 'many' is not a valid number" "$WORK/pb.err" &&
     grep -Eq '^interval +=  *7 ' "$WORK/pb.out" && grep -Eq '^backlog_crit +=  *9 ' "$WORK/pb.out" &&
     grep -Eq '^chunks_warn +=  *1000 +# default' "$WORK/pb.out"; then
    ok "a bad configuration file: each error with file:line on stderr, the rest still loads"
  else
    not_ok "a bad configuration file: each error with file:line on stderr, the rest still loads (rc $_rc)"
    sed 's/^/#   /' "$WORK/pb.err" | head
  fi
  "$BIN" --config "$WORK/missing.ini" --print-config >"$WORK/pm.out" 2>"$WORK/pm.err"
  _rc=$?
  if [ "$_rc" = 2 ] && grep -q 'missing\.ini: No such file or directory' "$WORK/pm.err"; then
    ok "--config of a missing file: a clear error, exit 2"
  else not_ok "--config of a missing file: a clear error, exit 2 (rc $_rc)"; sed 's/^/#   /' "$WORK/pm.err"; fi
  mkdir -p "$WORK/xdg/tsdbtop"
  printf '[connection]\nstatement_timeout = 30s\n' >"$WORK/xdg/tsdbtop/config"
  XDG_CONFIG_HOME=$WORK/xdg "$BIN" --print-config >"$WORK/px.out" 2>&1
  if grep -Eq "^statement_timeout +=  *30 +# .*:2 \(" "$WORK/px.out" && grep -q "^# configuration file: $WORK/xdg/tsdbtop/config\$" "$WORK/px.out"; then
    ok "the default file \$XDG_CONFIG_HOME/tsdbtop/config is loaded when present"
  else not_ok "the default file \$XDG_CONFIG_HOME/tsdbtop/config is loaded when present"; sed 's/^/#   /' "$WORK/px.out" | head; fi
  XDG_CONFIG_HOME=$WORK/none "$BIN" --print-config >"$WORK/pn.out" 2>&1
  if [ $? = 0 ] && grep -q 'not present: defaults' "$WORK/pn.out"; then
    ok "no configuration file: defaults, said so"
  else not_ok "no configuration file: defaults, said so"; fi
}

e2e_kiosk_pg15() {
  _c=$1; _k=kiosk
  start_console $_k "$_c" 120 40 --kiosk --interval 1
  if wait_for_text $_k '(ALL OK|[0-9]+ WARNING|[0-9]+ CRITICAL)' 20 &&
     wait_for_text $_k "127\\.0\\.0\\.1:$PG15_PORT +db postgres +[0-9]{2}:[0-9]{2}:[0-9]{2}" 5 &&
     wait_for_text $_k 'data from [0-9:]+ \([0-9a-z]+ old\)' 10; then
    ok "kiosk: the banner shows the state in words, the server, the clock and the data's age"
  else not_ok "kiosk: the banner shows the state in words, the server, the clock and the data's age" $_k; fi
  check "kiosk: the footer shows the quit sequence" $_k wait_for_text $_k 'to leave: type quit, then Enter' 3
  check "kiosk: read-only (the banner says so)" $_k wait_for_text $_k 'kiosk +read-only' 3
  sleep 2
  kiosk_masked $_k >"$WORK/kiosk.before"
  send $_k c x q r '?' 1 2 3 4 5 Enter Tab z m f D y / Escape C-c Space
  sleep 2
  kiosk_masked $_k >"$WORK/kiosk.after"
  if [ ! -s "$WORK/$_k.exit" ] && cmp -s "$WORK/kiosk.before" "$WORK/kiosk.after"; then
    ok "kiosk: stray keys (c x q r ? digits Enter Tab z m f D y / Esc Ctrl-C Space) change nothing"
  else
    not_ok "kiosk: stray keys change nothing" $_k
    diff "$WORK/kiosk.before" "$WORK/kiosk.after" | head -20 | sed 's/^/#   /'
  fi

  # the server goes away for a while and comes back
  _pid=$(pgrep -n -f -- "$BIN --kiosk --interval 1")
  _t0=$(date +%s)
  pg15_stop fast
  if wait_for_text $_k 'SERVER UNREACHABLE since [0-9:]+' 15 && wait_for_text $_k 'showing data [0-9a-z]+ old' 5 &&
     wait_for_text $_k 'reconnecting (in|now)' 15; then
    ok "kiosk: server stopped: the banner shows the outage, the last data's age and that it reconnects"
  else not_ok "kiosk: server stopped: the banner shows the outage, the last data's age and that it reconnects" $_k; fi
  # CPU while waiting: utime+stime over 15 s of outage
  _hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
  _c0=$(cpu_ticks "$_pid")
  sleep 15
  _c1=$(cpu_ticks "$_pid")
  if [ -n "$_c0" ] && [ -n "$_c1" ]; then
    _pct=$(awk -v a="$_c0" -v b="$_c1" -v hz="$_hz" 'BEGIN { printf "%.2f", (b - a) / hz / 15 * 100 }')
    echo "# kiosk CPU while the server is down: $((_c1 - _c0)) ticks (1/$_hz s) in 15 s = $_pct % of one core"
    if awk -v p="$_pct" 'BEGIN { exit !(p < 5) }'; then ok "kiosk: CPU while waiting stays idle ($_pct % < 5 %)"
    else not_ok "kiosk: CPU while waiting stays idle ($_pct % of one core)"; fi
  else
    not_ok "kiosk: CPU while waiting measured (no /proc/$_pid/stat)"
  fi
  check "kiosk: after 15 s without the server it still shows the last data" $_k \
    wait_for_text $_k 'showing data [0-9]+s old' 3
  _left=$(( 25 - ($(date +%s) - _t0) ))
  [ "$_left" -gt 0 ] && sleep "$_left"
  echo "# kiosk: server down for $(( $(date +%s) - _t0 )) s"
  if pg15_start "$WORK/pg"; then
    if wait_for_text $_k 'RECOVERED at [0-9:]+ after an outage of [0-9a-z]+' 60 &&
       wait_for_gone $_k 'SERVER UNREACHABLE' 5 && wait_for_text $_k 'data from [0-9:]+ \([0-9]s old\)' 15; then
      ok "kiosk: server back: the banner shows the recovery, the outage's length and fresh data"
    else not_ok "kiosk: server back: the banner shows the recovery, the outage's length and fresh data" $_k; fi
  else
    not_ok "PostgreSQL 15 restarts on the same port (kiosk)"
  fi
  check "kiosk: still running after all that" $_k [ ! -s "$WORK/$_k.exit" ]
  send $_k -l quit
  send $_k Enter
  _rc=$(wait_exit $_k 10)
  check "kiosk: typing quit + Enter exits 0" $_k [ "$_rc" = 0 ]
  if [ -s "$WORK/$_k.err" ]; then not_ok "kiosk: nothing on stderr"; sed 's/^/#   /' "$WORK/$_k.err" | head
  else ok "kiosk: nothing on stderr"; fi
  T kill-session -t $_k 2>/dev/null

  # a bad configuration file: the errors before the screen, the console still runs
  printf '[console]\ninterval = fast\n' >"$WORK/badc.ini"
  start_console badc "$_c" 120 40 --config "$WORK/badc.ini"
  if wait_for_text badc 'database hit ratio' 20 && grep -q 'badc\.ini:2: interval' "$WORK/badc.err"; then
    ok "a bad configuration file: file:line on stderr, the console still starts"
  else not_ok "a bad configuration file: file:line on stderr, the console still starts" badc; fi
  send badc q
  wait_exit badc 10 >/dev/null

  # check honours the configuration file's thresholds; --warn overrides them
  mkdir -p "$WORK/xdgc/tsdbtop"
  printf '[thresholds]\ncache_warn = 50%%\ncache_crit = 40%%\n' >"$WORK/xdgc/tsdbtop/config"
  _p1=$(XDG_CONFIG_HOME=$WORK/xdgc "$BIN" check "$_c" 2>&1 | head -1 | sed 's/.*|//')
  _p2=$(XDG_CONFIG_HOME=$WORK/xdgc "$BIN" check --warn cache=60% "$_c" 2>&1 | head -1 | sed 's/.*|//')
  if echo "$_p1" | grep -Eq 'cache_hit=[0-9.]+%;50:;40:' && echo "$_p2" | grep -Eq 'cache_hit=[0-9.]+%;60:;40:'; then
    ok "check: the configuration's thresholds in the perfdata, --warn over them"
  else not_ok "check: the configuration's thresholds in the perfdata, --warn over them ('$_p1' / '$_p2')"; fi

  # [panes] order: the tabs in that order, the panes left out hidden
  printf '[panes]\norder = cache, caggs, chunks\n' >"$WORK/panes.ini"
  start_console pord "$_c" 80 24 --config "$WORK/panes.ini"
  if wait_for_text pord ' 5 Cache +4 Caggs +1 Chunks( |$)' 20 && ! screen pord | grep -Eq '2 Compression|3 Retention'; then
    ok "[panes] order: tabs in the configured order, the others hidden"
  else not_ok "[panes] order: tabs in the configured order, the others hidden" pord; fi
  send pord Tab
  check "[panes] order: Tab follows it (Cache -> Caggs)" pord wait_for_text pord '─ 4 Continuous aggregates' 5
  send pord 2
  check "[panes] order: a hidden pane's digit says so" pord wait_for_text pord 'pane 2 is hidden \(\[panes\] order\)' 5
  send pord q
  wait_exit pord 10 >/dev/null
}

e2e_dbswitch_pg15() {
  _c=$1; _d=dbs
  psql -X -q "$_c" -c 'CREATE DATABASE e2e_alpha' -c 'CREATE DATABASE e2e_beta' >/dev/null 2>&1
  start_console $_d "$_c" 120 40 --interval 1
  wait_for_text $_d 'database hit ratio' 20
  check "PG15: sparkline of the cache hit ratio in the Cache title" $_d \
    wait_for_text $_d '5 Cache · live · hit [▁▂▃▄▅▆▇█]+' 20
  send $_d D
  if wait_for_text $_d 'Databases on the server' 5 && wait_for_text $_d 'e2e_alpha' 5 &&
     wait_for_text $_d 'e2e_beta' 1 && wait_for_text $_d 'postgres +current, TimescaleDB not installed' 5; then
    ok "PG15: D lists the databases (the current one marked)"
  else not_ok "PG15: D lists the databases (the current one marked)" $_d; fi
  check "PG15: D checks each database for TimescaleDB (its own connection)" $_d \
    wait_for_text $_d 'e2e_beta +no TimescaleDB' 15
  send $_d Down Enter
  if wait_for_text $_d 'db e2e_beta +user postgres' 20 && wait_for_text $_d 'now in database e2e_beta' 10 &&
     wait_for_text $_d 'database hit ratio' 20; then
    ok "PG15: Enter switches to e2e_beta; the header shows it"
  else not_ok "PG15: Enter switches to e2e_beta; the header shows it" $_d; fi
  _n=$(psql -X -At "$_c" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tsdbtop' AND datname = 'postgres'" 2>/dev/null)
  _m=$(psql -X -At "$_c" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tsdbtop' AND datname = 'e2e_beta'" 2>/dev/null)
  if [ "$_n" = 0 ] && [ "${_m:-0}" -ge 1 ]; then ok "PG15: the old connections are closed ($_m on e2e_beta, none left on postgres)"
  else not_ok "PG15: the old connections are closed (postgres: '$_n', e2e_beta: '$_m')"; fi
  send $_d q
  _rc=$(wait_exit $_d 10)
  check "PG15: q after a switch exits 0" $_d [ "$_rc" = 0 ]
}

e2e_trends_tsdb() {
  _c=$1; _t=trends
  start_console $_t "$_c" 120 40 --interval 1
  if wait_for_text $_t 'in [0-9]+ ms +[▁▂▃▄▅▆▇█]{2,}' 30; then ok "sparkline of the poll duration on the status line"
  else not_ok "sparkline of the poll duration on the status line" $_t; fi
  send $_t 4 z Down Down
  if wait_for_text $_t 'Trend of [a-z_.]+ \(cagg\.lag\) over the session, [0-9]+ polls' 10; then
    ok "zoomed Continuous aggregates: a chart of the selected row's lag"
  else not_ok "zoomed Continuous aggregates: a chart of the selected row's lag" $_t; fi
  resize $_t 160 45
  if wait_for_text $_t 'MatOnly +Trend' 5 && wait_for_text $_t '_aggregate .*[▁▂▃▄▅▆▇█]{2,} *│' 10; then
    ok "160 columns: a Trend column of sparklines in the zoomed pane"
  else not_ok "160 columns: a Trend column of sparklines in the zoomed pane" $_t; fi
  resize $_t 120 40
  wait_for_gone $_t 'MatOnly +Trend' 5
  send $_t y
  check "y copies the selected name (OSC 52) and says so" $_t wait_for_text $_t 'copied [a-z_.]+_aggregate' 5
  send $_t Escape m
  if wait_for_text $_t 'Enter / y runs' 20; then
    send $_t Y
    check "Y in a dialog copies the chosen step's SQL (OSC 52) and says so" $_t \
      wait_for_text $_t 'copied the SQL of step 1' 5
    send $_t Escape
    wait_for_text $_t 'cancelled: nothing ran' 5
  else
    echo "# maintenance had nothing to plan: Y in a dialog not checked"
    send $_t Escape
  fi
  send $_t D
  if wait_for_text $_t 'Databases on the server' 10 && wait_for_text $_t 'template1 +current, TimescaleDB 2\.' 10; then
    ok "embedded: D lists template1 as the current database"
  else not_ok "embedded: D lists template1 as the current database" $_t; fi
  if screen $_t | grep -Eq '│ postgres '; then
    check "embedded: the check of another database says the server answers from template1" $_t \
      wait_for_text $_t 'postgres +the server answers from template1 instead' 20
  fi
  # choose a database other than template1 (if any) and switch
  if screen $_t | grep -Eq '│ postgres '; then
    send $_t Enter
    check "embedded: switching says the server ignores database names" $_t \
      wait_for_text $_t 'server ignores database names: still in template1' 20
  else
    send $_t Escape
    check "embedded: only template1 is offered, and the list says why" $_t \
      wait_for_text $_t 'ignore database names' 5
  fi
  send $_t q
  _rc=$(wait_exit $_t 10)
  check "trends console: q exits 0" $_t [ "$_rc" = 0 ]
  # --mouse: a click focuses the Continuous aggregates pane and selects its third row
  # (screen line 32 at 120x40), the wheel moves the selection 3 rows down (line 35).
  # SGR mouse reports (xterm-256color's kmous), typed into the pane as the terminal would.
  start_console mou "$_c" 120 40 --mouse
  if wait_for_text mou '─ 4 Continuous aggregates · live' 30 && wait_for_text mou '_aggregate ' 10; then
    send mou -l "$(printf '\033[<0;20;32M')"
    send mou -l "$(printf '\033[<0;20;32m')"
    sleep 1
    if T capture-pane -p -e -t mou | sed -n 32p | grep -q '46m' &&
       T capture-pane -p -e -t mou | sed -n 28p | grep -q '46m 4 Continuous'; then
      ok "--mouse: a click focuses a pane and selects the row under it"
    else not_ok "--mouse: a click focuses a pane and selects the row under it" mou; fi
    send mou -l "$(printf '\033[<65;20;32M')"
    sleep 1
    if T capture-pane -p -e -t mou | sed -n 35p | grep -q '46m'; then ok "--mouse: the wheel scrolls the selection"
    else not_ok "--mouse: the wheel scrolls the selection" mou; fi
  else not_ok "--mouse: the console comes up" mou; fi
  send mou q
  wait_exit mou 10 >/dev/null

  # kiosk --cycle: the pane with critical rows first, shown twice as long, then the others
  start_console kcy "$_c" 120 40 --kiosk --cycle 3
  if wait_for_text kcy '(ALL OK|WARNING|CRITICAL)' 30 && wait_for_text kcy 'kiosk: panes in turn' 5; then
    _first=$(screen kcy | grep -Eo '^┌─ [1-5] [A-Za-z ]+' | head -1 | sed 's/^┌─ //; s/ *$//')
    _banner=$(screen kcy | grep -Eo '[0-9]+ CRITICAL' | head -1)
    _critrows=$(screen kcy | grep -c '^│✖ ')
    _t0=$(date +%s)
    wait_for_gone kcy "^┌─ $_first" 20
    _shown=$(( $(date +%s) - _t0 ))
    _next=$(screen kcy | grep -Eo '^┌─ [1-5] [A-Za-z ]+' | head -1 | sed 's/^┌─ //; s/ *$//')
    echo "# kiosk --cycle 3: first '$_first' ($_critrows critical rows; banner: ${_banner:-no critical}) for about ${_shown} s more, then '$_next'"
    if [ -n "$_banner" ] && [ "$_critrows" -gt 0 ] && [ "$_shown" -ge 3 ] && [ -n "$_next" ] &&
       [ "$_next" != "$_first" ]; then
      ok "kiosk --cycle: the critical pane first and longer, then the next"
    elif [ -z "$_banner" ] && [ -n "$_next" ] && [ "$_next" != "$_first" ]; then
      ok "kiosk --cycle: panes in turn (no critical row on this data)"
    else not_ok "kiosk --cycle: the critical pane first and longer, then the next" kcy; fi
  else not_ok "kiosk --cycle: the banner comes up" kcy; fi
  send kcy -l quit
  send kcy Enter
  wait_exit kcy 10 >/dev/null
  start_console tra "$_c" 100 36 --ascii --interval 1
  if wait_for_text tra 'in [0-9]+ ms +[._~=+*#-]{3,}' 30 && ! screen tra | grep -q '[▁▂▃▄▅▆▇█]'; then
    ok "--ascii: the sparklines are ASCII"
  else not_ok "--ascii: the sparklines are ASCII" tra; fi
  send tra q
  wait_exit tra 10 >/dev/null
}
