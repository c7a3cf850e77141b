#!/bin/sh
# tests/native/screen.sh CONNINFO VERSION: the console itself (build/tsdbtop in
# tmux, 120x40, send-keys / capture-pane as in tests/e2e) on a native
# TimescaleDB with tests/native/fixture.sql loaded in CONNINFO's database:
#   - the header names the server's PostgreSQL and TimescaleDB versions, every
#     pane title says live, no compat / error text (a known catalog layout);
#   - each pane, zoomed with its digit + z, shows the figures the server gives
#     (chunks / compressed / partial vs timescaledb_information.chunks and
#     chunk_status, backlog, chunks retention drops vs show_chunks, aggregate
#     lag vs cagg_watermark, the database hit ratio and size vs pg_stat_database
#     and pg_database_size, every fixture hypertable's hit ratio);
#   - the hostile name (quote, unicode, ESC [31m) is drawn sanitised: no escape
#     reaches the terminal (its row has the same SGR codes as a plain one, its
#     columns line up, the tmux pane title is untouched);
#   - j on the compression policy of xc.metrics (resumed for the test, due in an
#     hour): r opens the dialog with the alter_job path, y schedules it, and the
#     Compression pane's job row shows the scheduler's run (Success; on 2.29.2 /
#     PostgreSQL 17.12 Failed, as every job fails there); p pauses it again;
#   - --read-only: every action key refused with "read-only mode", the database
#     unchanged;
#   - ms5a (the MS5.0 database beside it, when present): five panes live,
#     metric_hist's chunk count, a hit ratio in the Cache pane.
# Prints "ok - VERSION: screen: ..." / "not ok - ..."; exits 1 on any failure.
# The tmux server (private socket) is killed and the job paused again whatever happens.
set -u
C=${1:?usage: screen.sh CONNINFO VERSION}
V=${2:?usage: screen.sh CONNINFO VERSION}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$TOP/build/tsdbtop}
W=$(mktemp -d /tmp/tsdbtop-screen.XXXXXX) || exit 1
[ "$(id -u)" = 0 ] && chmod 755 "$W"
SOCK=tsdbtop-screen-$$
WORK=$W
CM=$(printf '%s\n' "$C" | sed 's/dbname=[^ ]*/dbname=ms5a/')
rc=0
JID=""
# tmux helpers of the faults tier (T screen send wait_for_text start_console ...)
. "$TOP/tests/faults/lib.sh"

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$C" -c "$1" 2>/dev/null; }
cleanup() {
  T kill-server >/dev/null 2>&1
  # the fixture keeps its policies paused (the scheduler tier resumes them)
  [ -n "$JID" ] && q "SELECT alter_job($JID, scheduled => false)" >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok() { echo "ok - $V: screen: $1"; }
not_ok() { # NAME [SESSION]: the screen for diagnosis
  echo "not ok - $V: screen: $1"; rc=1
  [ -n "${2:-}" ] && T capture-pane -p -t "$2" 2>/dev/null | sed 's/^/    # /'
  return 0
}
start() { _n=$1; _c=$2; shift 2; start_console "$_n" "$_c" 120 40 --interval 1 --log "$W/$_n.log" "$@"; }
# cells SESSION NAME: what follows NAME on the table row that starts with it
# (after the left border and the health mark); NAME is a fixed string.
cells() {
  screen "$1" | sed -E 's/^│(✓|▲|✖|[ !X?]) +//' | N="$2" awk 'index($0, ENVIRON["N"] " ") == 1 {
    print substr($0, length(ENVIRON["N"]) + 2); exit }'
}
zoom() { # SESSION DIGIT: zoom that pane alone (unzooms what was zoomed)
  send "$1" Escape
  sleep 0.2
  send "$1" "$2" z
  wait_for_text "$1" "(zoomed: Enter/Esc)" 5 && wait_for_text "$1" "^┌─ $2 " 5
}
# secs 2d13h -> 219600
secs() { echo "$1" | awk '{ s = 0; t = $0; while (match(t, /^[0-9]+[dhms]/)) { n = substr(t, 1, RLENGTH - 1); u = substr(t, RLENGTH, 1);
  s += n * (u == "d" ? 86400 : u == "h" ? 3600 : u == "m" ? 60 : 1); t = substr(t, RLENGTH + 1) } print (t == "" ? s : "bad") }'; }
# bytes "12.3 MB" -> bytes
bytes() { echo "$1" | awk '{ m = $2 == "kB" ? 1024 : $2 == "MB" ? 1048576 : $2 == "GB" ? 1073741824 : 1; printf "%.0f\n", $1 * m }'; }
# job_dialog KEY TITLE: in the jobs list, KEY on job $JID (Down until its dialog
# opens, the list's order is the server's); prints 1 when its dialog is open.
job_dialog() {
  for _i in 1 2 3; do
    send $S "$1"
    if wait_for_text $S "─ $2 job [0-9]+ " 10 && screen $S | grep -Eq "─ $2 job $JID "; then echo 1; return; fi
    send $S n; sleep 0.3; send $S Down
  done
}
fingerprint() {
  q "SELECT md5(concat_ws('|',
       (SELECT string_agg(c::text || ':' || _timescaledb_functions.chunk_status(c), ',' ORDER BY c::text)
          FROM (SELECT format('%I.%I', chunk_schema, chunk_name)::regclass c FROM timescaledb_information.chunks) s),
       (SELECT string_agg(j.job_id || ':' || j.scheduled || ':' || coalesce(s.next_start::text, '') || ':' || s.total_runs, ',' ORDER BY j.job_id)
          FROM timescaledb_information.jobs j LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id),
       (SELECT string_agg(mat_hypertable_id || ':' || _timescaledb_functions.cagg_watermark(mat_hypertable_id), ',' ORDER BY 1)
          FROM _timescaledb_catalog.continuous_agg)))"
}

[ -x "$BIN" ] || { not_ok "build/tsdbtop exists (run make)"; exit 1; }
command -v tmux >/dev/null 2>&1 || { not_ok "tmux is installed"; exit 1; }
ver=$(q "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")
[ "$ver" = "$V" ] || { not_ok "the database runs TimescaleDB '$ver', not $V"; exit 1; }
[ "$(q "SELECT to_regclass('xc.metrics') IS NOT NULL")" = t ] || { not_ok "tests/native/fixture.sql is loaded (no xc.metrics)"; exit 1; }
sv=$(q "SHOW server_version")
scheduler=$(q "SELECT count(*) > 0 FROM pg_stat_activity WHERE backend_type = 'TimescaleDB Background Worker Scheduler' AND datname = current_database()")
t0=$(date +%s)

# ---- start, header, every pane live -----------------------------------------
S=main
start $S "$C"
if wait_for_text $S 'polled [0-9:]+ UTC' 20 && wait_for_text $S '^┌─ 1 Chunks · live' 10 && wait_for_text $S '─ 2 Compression · live' 2 &&
   wait_for_text $S '─ 3 Retention · live' 2 && wait_for_text $S '─ 4 Continuous aggregates · live' 2 && wait_for_text $S '─ 5 Cache · live' 2; then
  ok "the console starts; the five pane titles say live"
else not_ok "the console starts; the five pane titles say live" $S; fi
pgv=${sv%% *}
check "header: PostgreSQL $pgv and TimescaleDB $V" $S wait_for_text $S "PostgreSQL ${pgv}[ ].*TimescaleDB ${V}[ ]" 2
check "header: the database and user" $S wait_for_text $S "db $(q 'SELECT current_database()') +user $(q 'SELECT current_user')" 2
if screen $S | grep -Eiq 'compat|query failed|\(error\)|error:|unavailable|waiting for first poll'; then
  not_ok "no compat or error text on a known catalog layout" $S
else ok "no compat or error text on a known catalog layout"; fi

# ---- 1 Chunks: counts per fixture hypertable ---------------------------------
zoom $S 1 || not_ok "1 z zooms the Chunks pane" $S
hostile=$(q "SELECT count(*) FROM pg_class WHERE relname = E'we\"ird \\u2713 \\u001b[31m'")
for ht in 'xc.metrics' 'xc.spaced' 'xc.ticks' 'xc odd.we"ird'; do
  case $ht in
    'xc odd.we"ird') where="hypertable_schema = 'xc odd' AND hypertable_name LIKE 'we\"ird%'" ;;
    *) where="hypertable_schema = 'xc' AND hypertable_name = '${ht#xc.}'" ;;
  esac
  want=$(q "SELECT count(*) || ' ' || count(*) FILTER (WHERE is_compressed) || ' ' ||
                   count(*) FILTER (WHERE _timescaledb_functions.chunk_status(format('%I.%I', chunk_schema, chunk_name)::regclass) & 8 = 8)
            FROM timescaledb_information.chunks WHERE $where")
  row=$(cells $S "$ht")
  [ "$ht" = 'xc odd.we"ird' ] && row=$(printf '%s\n' "$row" | sed 's/^✓ ?\[31m *//')
  # shellcheck disable=SC2086
  got=$(printf '%s\n' "$row" | tr -d , | awk '{ print $1 " " $2 " " $7 }')
  if [ -n "$row" ] && [ "$got" = "$want" ]; then ok "Chunks: $ht chunks/compressed/partial $got as the server says"
  else not_ok "Chunks: $ht chunks/compressed/partial: screen '$got', server '$want'" $S; fi
done

# ---- hostile name: sanitised, no escape reaches the terminal -----------------
line_h=$(screen $S | grep -F 'xc odd.we"ird' | head -1)
line_p=$(screen $S | grep -F '│✓ xc.spaced ' | head -1)
sgr() { T capture-pane -e -p -t $S | grep -F "$1" | head -1 | grep -o "$(printf '\033')\\[[0-9;]*m" | tr -d '\033' | tr '\n' ' '; }
if [ "$hostile" = 1 ] && printf '%s\n' "$line_h" | grep -Fq 'xc odd.we"ird ✓ ?[31m' &&
   [ -n "$(sgr ' xc.spaced ')" ] && [ "$(sgr 'xc odd.we"ird')" = "$(sgr ' xc.spaced ')" ]; then
  ok "hostile name shown sanitised (ESC as ?, the row's SGR codes those of a plain row: $(sgr ' xc.spaced '))"
else not_ok "hostile name shown sanitised (screen '$line_h'; SGR '$(sgr 'xc odd.we"ird')' vs '$(sgr ' xc.spaced ')')" $S; fi
# the columns line up: the hostile row as wide as a plain one (a raw ESC would be zero-width)
if [ -n "$line_p" ] && [ "$(printf '%s' "$line_h" | wc -m)" = "$(printf '%s' "$line_p" | wc -m)" ]; then
  ok "hostile row is as wide as a plain one (no zero-width escape in it)"
else not_ok "hostile row is as wide as a plain one ($(printf '%s' "$line_h" | wc -m) vs $(printf '%s' "$line_p" | wc -m) characters)" $S; fi
title=$(T display-message -p -t $S '#{pane_title}')
case $title in *ird*|*31m*|*xc*) not_ok "the tmux pane title is untouched (now '$title')" ;; *) ok "the tmux pane title is untouched ('$title')" ;; esac

# ---- 2 Compression -------------------------------------------------------------
zoom $S 2 || not_ok "2 z zooms the Compression pane" $S
want=$(q "SELECT count(*) FROM show_chunks('xc.metrics', older_than => now() - interval '10 days') c
          WHERE _timescaledb_functions.chunk_status(c) & 1 = 0 OR _timescaledb_functions.chunk_status(c) & 8 = 8")
row=$(cells $S xc.metrics)
got=$(printf '%s\n' "$row" | awk '{ print $1 }')
if [ -n "$row" ] && [ "$got" = "$want" ] && printf '%s\n' "$row" | grep -Eq ' 10 days +device '; then
  ok "Compression: xc.metrics backlog $got as the server says, compress_after 10 days, segmentby device"
else not_ok "Compression: xc.metrics backlog: screen '$got', server '$want' (row '$row')" $S; fi
JID=$(q "SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_schema = 'xc' AND hypertable_name = 'metrics' AND proc_name = 'policy_compression'")
check "Compression: its job $JID listed" $S wait_for_text $S "^│. +$JID xc\\.metrics " 3

# ---- 3 Retention -----------------------------------------------------------------
zoom $S 3 || not_ok "3 z zooms the Retention pane" $S
rj=$(q "SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_schema = 'xc' AND hypertable_name = 'metrics' AND proc_name = 'policy_retention'")
want=$(q "SELECT count(*) FROM show_chunks('xc.metrics', older_than => greatest((SELECT coalesce(s.next_start, j.next_start)
            FROM timescaledb_information.jobs j LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
            WHERE j.job_id = ${rj:-0}), now()) - interval '20 days')")
row=$(cells $S xc.metrics)
got=$(printf '%s\n' "$row" | awk '$1 == 20 && $2 == "days" { print $3 }')
if [ -n "$got" ] && [ "$got" = "$want" ] && [ "$want" -gt 0 ]; then ok "Retention: xc.metrics drops $got chunks next as show_chunks says (drop_after 20 days)"
else not_ok "Retention: xc.metrics chunks to drop: screen '$got', server '$want' (row '$row')" $S; fi

# ---- 4 Continuous aggregates: lag vs the watermark --------------------------------
zoom $S 4 || not_ok "4 z zooms the Continuous aggregates pane" $S
for cg in metrics_hourly metrics_daily; do
  want=$(q "SELECT round(extract(epoch FROM now() - _timescaledb_functions.to_timestamp(_timescaledb_functions.cagg_watermark(mat_hypertable_id))))
            FROM _timescaledb_catalog.continuous_agg WHERE user_view_schema = 'xc' AND user_view_name = '$cg'")
  row=$(cells $S "xc.$cg")
  state=$(printf '%s\n' "$row" | awk '{ print $1 }')
  lag=$(printf '%s\n' "$row" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^([0-9]+[dhms])+$/) { print $i; exit } }')
  ls=$(secs "${lag:-x}")
  if [ -n "$want" ] && [ "$ls" != bad ] && [ -n "$lag" ] && echo "$state" | grep -Eq '^(fresh|lagging|stale)$' &&
     [ $((want - ls)) -le 3660 ] && [ $((ls - want)) -le 60 ]; then
    ok "Caggs: xc.$cg $state, lag $lag as cagg_watermark says (${want} s)"
  else not_ok "Caggs: xc.$cg lag: screen '$lag' ('$row'), cagg_watermark ${want} s ago" $S; fi
done

# ---- 5 Cache: hit ratios and the database's size ------------------------------------
zoom $S 5 || not_ok "5 z zooms the Cache pane" $S
want=$(q "SELECT round(100.0 * blks_hit / nullif(blks_hit + blks_read, 0), 1) FROM pg_stat_database WHERE datname = current_database()")
line=$(screen $S | grep -F 'database hit ratio:' | head -1)
got=$(printf '%s\n' "$line" | sed -nE 's/.* since .* ([0-9.]+)%  \|.*/\1/p')
if [ -n "$got" ] && [ -n "$want" ] && awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(d < 1.01 && d > -1.01) }'; then
  ok "Cache: database hit ratio since reset $got % (pg_stat_database $want %)"
else not_ok "Cache: database hit ratio since reset: screen '$got', pg_stat_database '$want' ($line)" $S; fi
dbb=$(q "SELECT pg_database_size(current_database())")
shown=$(printf '%s\n' "$line" | sed -nE 's/.*backends  ([0-9.]+ (B|kB|MB|GB)).*/\1/p')
sb=$(bytes "${shown:-0 B}")
if [ -n "$shown" ] && [ "$sb" -gt $((dbb / 2)) ] && [ "$sb" -lt $((dbb * 2)) ]; then
  ok "Cache: database size $shown (pg_database_size $dbb bytes)"
else not_ok "Cache: database size: screen '$shown', pg_database_size $dbb bytes" $S; fi
miss=""
for ht in xc.metrics xc.spaced xc.ticks 'xc odd.we"ird'; do
  cells $S "$ht" | grep -Eq '[0-9.]+%' || miss="$miss '$ht'"
done
if [ -z "$miss" ]; then ok "Cache: every fixture hypertable has a hit ratio"
else not_ok "Cache: no hit ratio for$miss" $S; fi

# ---- j -> r: run now through the scheduler -------------------------------------------
# Resumed and due in an hour: only the run now makes the scheduler start it.
if [ -z "$JID" ] || ! q "SELECT alter_job($JID, scheduled => true, next_start => now() + interval '1 hour')" >/dev/null; then
  not_ok "the compression job of xc.metrics resumed for the run-now test"
elif [ "$scheduler" != t ]; then
  not_ok "a TimescaleDB scheduler runs for the fixture database"
else
  runs0=$(q "SELECT total_runs FROM timescaledb_information.job_stats WHERE job_id = $JID")
  zoom $S 2
  if [ "$runs0" = 0 ]; then
    check "Compression: job $JID scheduled, never run (Last run -)" $S wait_for_text $S "^│. +$JID xc\\.metrics .* scheduled +- +never " 5
  fi
  send $S Escape
  sleep 0.2
  # the Compression pane's rows sort by name and other schemas' tables (the
  # MS5.0 layer compat.sh deploys) may come first: select xc.metrics by filter
  send $S 2 /
  send $S metrics
  send $S Enter
  sleep 0.3
  send $S j
  check "j on xc.metrics opens its jobs" $S wait_for_text $S "Jobs of xc\\.metrics" 5
  check "the list shows job $JID active" $S wait_for_text $S " $JID +policy_compression +active " 5
  picked=$(job_dialog r 'Run now')
  if [ -n "$picked" ] && wait_for_text $S "1\\. schedule job $JID now via alter_job \\(next_start => now\\(\\)\\)" 3 &&
     wait_for_text $S "SELECT public\\.alter_job\\('$JID'::int, next_start => now\\(\\)\\);" 2 &&
     wait_for_text $S 'the scheduler is running: it starts the job' 2 && wait_for_text $S 'Enter / y runs' 2; then
    ok "r: the dialog names the alter_job path and shows its SQL"
  else not_ok "r: the dialog names the alter_job path and shows its SQL" $S; fi
  send $S y
  check "y: 'scheduled now via alter_job; the scheduler will run it'" $S \
    wait_for_text $S "Run now job $JID: scheduled now via alter_job; the scheduler will run it" 10
  send $S Escape
  zoom $S 2
  # the Status column says how a failed run failed ("error", "failed to start", ...)
  case $V in 2.29.2) want_st=Failed screen_st=error ;; *) want_st=Success screen_st=Success ;; esac
  if wait_for_text $S "^│. +$JID xc\\.metrics .* [0-9]+s ago $screen_st " 30; then
    runs1=$(q "SELECT total_runs FROM timescaledb_information.job_stats WHERE job_id = $JID")
    st=$(q "SELECT last_run_status FROM timescaledb_information.job_stats WHERE job_id = $JID")
    if [ "${runs1:-0}" -gt "${runs0:-0}" ] && [ "$st" = "$want_st" ]; then
      ok "the Compression pane shows the scheduler's run: last run ago, $want_st (job_stats: runs $runs0 -> $runs1, $st)"
    else not_ok "the run shown is the server's (job_stats runs $runs0 -> '$runs1', status '$st')" $S; fi
  else not_ok "the Compression pane shows the scheduler's run of job $JID ($want_st)" $S; fi
  if [ "$want_st" = Failed ]; then
    check "... and counts the failure (Fails >= 1)" $S wait_for_text $S "^│. +$JID xc\\.metrics .* error .* [1-9][0-9]* .*│$" 5
  fi
  # pause it again from the console
  send $S Escape
  sleep 0.2
  send $S 2 j
  wait_for_text $S " $JID +policy_compression +active " 5
  picked=$(job_dialog p 'Pause')
  [ -n "$picked" ] && wait_for_text $S "alter_job\\('$JID'::int, scheduled => false\\)" 3 && send $S y
  if [ -n "$picked" ] && wait_for_text $S "Pause job $JID: 1/1 steps, finished" 15 &&
     [ "$(q "SELECT scheduled FROM timescaledb_information.jobs WHERE job_id = $JID")" = f ]; then
    ok "p + y pauses job $JID again (scheduled = false)"
  else not_ok "p + y pauses job $JID again" $S; fi
fi
send $S Escape q
if [ -s "$W/$S.err" ]; then not_ok "nothing on stderr"; sed 's/^/    # /' "$W/$S.err" | head; else ok "nothing on stderr"; fi

# ---- --read-only: every action key refused, nothing changes -------------------------
fp0=$(fingerprint)
R=ro
start $R "$C" --read-only
wait_for_text $R 'polled [0-9:]+ UTC' 20 && wait_for_text $R '─ 5 Cache · live' 10
refused=""
for ks in "1 c:compress" "3 x:retention" "4 f:refresh" "1 m:maintenance" "2 j r:job-run" "p:job-pause" "u:job-resume"; do
  keys=${ks%%:*}; what=${ks#*:}
  # shellcheck disable=SC2086
  send $R $keys
  wait_for_text $R "read-only mode: $what is disabled" 5 || refused="$refused $what"
done
if [ -z "$refused" ]; then ok "--read-only: c x f m and the jobs list's r p u each say 'read-only mode: ... is disabled'"
else not_ok "--read-only: no 'read-only mode' refusal for:$refused" $R; fi
if screen $R | grep -q 'Enter / y runs'; then not_ok "--read-only: no action dialog opens" $R; else ok "--read-only: no action dialog opens"; fi
send $R Escape q
sleep 0.5
fp1=$(fingerprint)
if [ -n "$fp0" ] && [ "$fp0" = "$fp1" ]; then ok "--read-only: the database is unchanged (chunks, jobs, watermarks)"
else not_ok "--read-only: the database is unchanged ('$fp0' -> '$fp1')"; fi
if grep -q '"event":"refused"' "$W/$R.log" 2>/dev/null; then ok "--read-only: the refusals are in the action log"
else not_ok "--read-only: the refusals are in the action log"; fi

# ---- ms5a: the MS5.0 layer ------------------------------------------------------------
if psql -X -At "$CM" -c "SELECT to_regclass('factory_telemetry.metric_hist') IS NOT NULL" 2>/dev/null | grep -q t; then
  M=ms5
  start $M "$CM"
  if wait_for_text $M 'polled [0-9:]+ UTC' 20 && wait_for_text $M '^┌─ 1 Chunks · live' 10 && wait_for_text $M '─ 2 Compression · live' 2 &&
     wait_for_text $M '─ 3 Retention · live' 2 && wait_for_text $M '─ 4 Continuous aggregates · live' 2 && wait_for_text $M '─ 5 Cache · live' 2 &&
     wait_for_text $M 'db ms5a ' 2 && ! screen $M | grep -Eiq 'compat|query failed|\(error\)|error:'; then
    ok "ms5a (MS5.0 layer): five panes live, no compat or error text"
  else not_ok "ms5a (MS5.0 layer): five panes live, no compat or error text" $M; fi
  zoom $M 1
  want=$(psql -X -At "$CM" -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'factory_telemetry' AND hypertable_name = 'metric_hist'")
  # the schema is left out when every hypertable is in one
  got=$({ cells $M factory_telemetry.metric_hist; cells $M metric_hist; } | tr -d , | awk 'NR == 1 { print $1 }')
  if [ -n "$got" ] && [ "$got" = "$want" ]; then ok "ms5a: Chunks shows metric_hist with $got chunks as the server says"
  else not_ok "ms5a: Chunks: metric_hist screen '$got', server '$want'" $M; fi
  zoom $M 5
  check "ms5a: the Cache pane has a hit ratio (statistics kept)" $M wait_for_text $M 'database hit ratio: now [0-9.(]' 5
  send $M Escape q
else
  echo "ok - $V: screen: # SKIP no MS5.0 database ms5a beside the fixture"
fi
echo "# screen: $(( $(date +%s) - t0 )) s"
exit $rc
