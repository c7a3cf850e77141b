#!/bin/sh
# tests/native/jobs.sh CONNINFO VERSION: why a job failed, and whether the
# scheduler can run the jobs at all (issue #12), on a native TimescaleDB whose
# scheduler really runs jobs. Its own database jobs_t beside CONNINFO's (made
# and dropped here: the fixture database is untouched), the console in tmux
# (120x40, --interval 1), --once --json, --once --pane jobs and check:
#   - a user-defined job raising a known message: on screen (the jobs table
#     under the Compression pane) within two refresh intervals of TimescaleDB
#     recording it, in JSON (last_error message exact, sqlstate, kind error),
#     in check --only jobs and the text pane's WHY; its history newest first
#     (JSON, job_history, the h view), history_note while
#     enable_job_execution_logging is off;
#   - a role neither job owner nor database owner: error_hidden and "not
#     visible to role" where job_errors hides other roles' failures (2.28+;
#     2.24 / 2.26's job_errors shows failed runs to every role: the error
#     shown, as the server shows it);
#   - a job that sleeps: running, its duration growing (JSON, screen), not
#     shown failed while it runs; cancelled with pg_cancel_backend: kind
#     cancelled, 57014, the cancel's message;
#   - the same sleep with max_runtime 2 s, stopped there by the scheduler:
#     kind timed_out ("timed out" on screen);
#   - a message with OSC title, CSI colour, ESC c and 10 KB of text: exact in
#     JSON (= what the procedure raised = job_errors' err_message), sanitised
#     and cut on screen (no raw escape, the tmux pane title unchanged, every
#     line within the pane), no escape byte in --once / check output;
#   - fixed (the procedure replaced by one that works), with
#     enable_job_execution_logging on (ALTER SYSTEM, reset at the end): the
#     warning clears (JSON, check, screen), the success is in the history;
#   - a compression policy: succeeds on PostgreSQL 15; on 2.29.2 / PG 17.12
#     every job fails with "cannot drop portal ... while it is being set up":
#     shown as kind error with that message (the fix cannot clear there);
#   - 2.28.3 only (the one PG15 version that runs it, ~15 s): a cluster of its
#     own with max_worker_processes = 3: jobs "failed to start" (JSON kind
#     failed_to_start, the console's words), capacity.short and the warning
#     naming max_worker_processes (JSON, check --only scheduler WARNING, the
#     "worker budget" line under the Compression pane). JOBS_MWP=1 runs it on
#     any PG15 version, JOBS_MWP=0 skips it.
# Prints "ok - VERSION: jobs: ..." / "not ok - ..."; exit 1 on any failure.
# Jobs, database, role, setting and tmux server are removed whatever happens.
set -u
C=${1:?usage: jobs.sh CONNINFO VERSION}
V=${2:?usage: jobs.sh CONNINFO VERSION}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$TOP/build/tsdbtop}
W=$(mktemp -d /tmp/tsdbtop-jobs.XXXXXX) || exit 1
[ "$(id -u)" = 0 ] && chmod 755 "$W"
SOCK=tsdbtop-jobs-$$
WORK=$W
# tmux helpers of the faults tier (T screen wait_for_text wait_for_gone send start_console)
. "$TOP/tests/faults/lib.sh"
rc=0
DB=jobs_t
OTHER=tsdbtop_jobs_other
case $C in *dbname=*) ;; *) echo "not ok - $V: jobs: CONNINFO names its dbname= ($C)"; exit 1 ;; esac
ADM=$(printf '%s\n' "$C" | sed 's/dbname=[^ ]*/dbname=postgres/')
J=$(printf '%s\n' "$C" | sed "s/dbname=[^ ]*/dbname=$DB/")
JO=$(printf '%s\n' "$J" | sed "s/user=[^ ]*/user=$OTHER/")
case $JO in *"user=$OTHER"*) ;; *) JO="$JO user=$OTHER" ;; esac
MSG='jt known boom 7'     # short: the jobs table's Last error column shows it whole
ESC=$(printf '\033')
LOGGING_SET=""

ok() { echo "ok - $V: jobs: $1"; }
not_ok() { # NAME [SESSION]: with the screen for diagnosis
  echo "not ok - $V: jobs: $1"; rc=1
  [ -n "${2:-}" ] && T capture-pane -p -t "$2" 2>/dev/null | sed 's/^/    # /'
  return 0
}
skip() { echo "ok - $V: jobs: # SKIP $1"; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$J" -c "$1"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$ADM" -c "$1"; }
cleanup() {
  T kill-server >/dev/null 2>&1
  rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
  if [ -n "$LOGGING_SET" ]; then
    q "ALTER SYSTEM RESET timescaledb.enable_job_execution_logging" >/dev/null 2>&1
    q "SELECT pg_reload_conf()" >/dev/null 2>&1
  fi
  q "SELECT count(delete_job(job_id)) FROM timescaledb_information.jobs WHERE job_id >= 1000" >/dev/null 2>&1
  qa "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  qa "DROP ROLE IF EXISTS $OTHER" >/dev/null 2>&1
  mwp_stop
  rm -rf "$W"
}
MWP_UP=""
mwp_stop() { [ -n "$MWP_UP" ] && native_stop immediate; MWP_UP=""; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# snap [CONN]: --once --json into $W/snap.json; jv ID FILTER: FILTER on job ID's row
snap() { "$BIN" --once --json "${1:-$J}" >"$W/snap.json" 2>"$W/snap.err"; }
jv() { jq -r --argjson id "$1" ".panes.jobs.rows[] | select(.id == \$id) | $2" "$W/snap.json" 2>/dev/null; }
jd() { jq -r "$1" "$W/snap.json" 2>/dev/null; }
# wait_json SECS ID FILTER WANT: re-poll --once --json until FILTER on the row is WANT
wait_json() {
  _end=$(( $(date +%s) + $1 ))
  while :; do
    snap; [ "$(jv "$2" "$3")" = "$4" ] && return 0
    [ "$(date +%s)" -ge "$_end" ] && { echo "    # job $2: $3 is '$(jv "$2" "$3")' after $1 s (wanted '$4')"; return 1; }
    sleep 0.5
  done
}
# wait_sql SECS QUERY: until QUERY answers t
wait_sql() {
  _end=$(( $(date +%s) + $1 ))
  while [ "$(q "$2" 2>/dev/null)" != t ]; do
    [ "$(date +%s)" -ge "$_end" ] && return 1
    sleep 0.2
  done
}
now_ms() { date +%s%3N; }
zoom2() { send con Escape; sleep 0.2; send con Escape; sleep 0.2; send con 2 z; wait_for_text con "(zoomed: Enter/Esc)" 5; }
# detail ID: J (every job), down to job ID's line, h; its detail is open when this returns 0
detail() {
  send con Escape; sleep 0.2; send con Escape; sleep 0.2
  _k=$(jq -r --argjson id "$1" '[.panes.jobs.rows[].id] | index($id)' "$W/snap.json")
  [ "$_k" != null ] || return 1
  send con J
  wait_for_text con "─ Jobs of this database " 5 || return 1
  while [ "$_k" -gt 0 ]; do send con Down; _k=$((_k - 1)); done
  sleep 0.2
  send con h
  wait_for_text con "─ Job $1: why and recent runs " 5
}
# no_raw_escape: the pane holds only SGR sequences (capture-pane -e), no ESC c /
# OSC / other CSI; every line at most 120 columns
no_raw_escape() {
  T capture-pane -e -p -t con >"$W/cap.e"
  _odd=$(sed "s/$ESC\\[[0-9;]*m//g" "$W/cap.e" | grep -c "$ESC")
  _wide=$(screen con | wc -L)
  [ "$_odd" = 0 ] && [ "$_wide" -le 120 ] || { echo "    # $_odd lines with a non-SGR escape, the widest $_wide columns"; return 1; }
}
# framed ID: the detail dialog of job ID has its left and right border in the
# same columns on every line from its title to its bottom
framed() {
  screen con | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
top = [i for i, l in enumerate(lines) if "─ Job " + sys.argv[1] + ": why" in l]
if not top: sys.exit(1)
t = top[0]; left = lines[t].index("┌"); right = lines[t].rindex("┐")
for l in lines[t + 1:]:
    if len(l) <= right: sys.exit("short line: " + l)
    if l[left] == "└" and l[right] == "┘": sys.exit(0)
    if l[left] != "│" or l[right] != "│": sys.exit("off the frame: " + l)
sys.exit("no bottom")' "$1"
}

# ---- preconditions, the database --------------------------------------------------
[ -x "$BIN" ] || { not_ok "build/tsdbtop exists (run make)"; exit 1; }
command -v tmux >/dev/null 2>&1 || { not_ok "tmux is installed"; exit 1; }
command -v jq >/dev/null 2>&1 || { not_ok "jq is installed"; exit 1; }
if [ "$(qa "SELECT count(*) > 0 FROM pg_stat_activity WHERE backend_type = 'TimescaleDB Background Worker Launcher'" 2>/dev/null)" != t ]; then
  skip "no TimescaleDB scheduler on this server (embedded?)"; exit 0
fi
pgmaj=$(qa "SELECT current_setting('server_version_num')::int / 10000")
portal=""   # PostgreSQL 17.12 + 2.29.2: every job fails "cannot drop portal"
[ "$V" = 2.29.2 ] && portal=1
qa "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
qa "DROP ROLE IF EXISTS $OTHER" >/dev/null 2>&1
if ! qa "CREATE DATABASE $DB" >/dev/null || ! q "CREATE EXTENSION IF NOT EXISTS timescaledb VERSION '$V'" >/dev/null 2>&1 ||
   ! qa "CREATE ROLE $OTHER LOGIN" >/dev/null; then
  not_ok "database $DB with TimescaleDB $V and role $OTHER"; exit 1
fi
psql -X -q -v ON_ERROR_STOP=1 "$J" >"$W/setup.log" 2>&1 <<EOF || { not_ok "procedures made"; sed 's/^/    # /' "$W/setup.log"; exit 1; }
CREATE PROCEDURE public.jt_fail(job_id int, config jsonb) LANGUAGE plpgsql AS \$\$
BEGIN RAISE EXCEPTION '$MSG' USING ERRCODE = '22023'; END \$\$;
CREATE PROCEDURE public.jt_sleep(job_id int, config jsonb) LANGUAGE plpgsql AS \$\$
BEGIN PERFORM pg_sleep(120); END \$\$;
-- OSC 0 (window title) ending in BEL, CSI red, a raw ESC c (full reset), 10 KB
CREATE FUNCTION public.jt_evil_text() RETURNS text LANGUAGE sql IMMUTABLE AS \$\$
SELECT E'jt evil \\u001b]0;jt-pwned-title\\u0007 red:\\u001b[31mRED\\u001b[0m reset:\\u001bc end ' || repeat('0123456789', 1024) || ' tail' \$\$;
CREATE PROCEDURE public.jt_evil(job_id int, config jsonb) LANGUAGE plpgsql AS \$\$
BEGIN RAISE EXCEPTION '%', public.jt_evil_text() USING ERRCODE = 'P0001'; END \$\$;
CREATE TABLE public.jt_m(t timestamptz NOT NULL, v int);
SELECT create_hypertable('public.jt_m', 't', chunk_time_interval => interval '1 day');
INSERT INTO public.jt_m SELECT now() - i * interval '1 hour', i FROM generate_series(1, 96) i;
ALTER TABLE public.jt_m SET (timescaledb.compress);
EOF
t0=$(date +%s)

start_console con "$J" 120 40 --interval 1 --log "$W/con.log"
if wait_for_text con 'polled [0-9:]+ UTC' 20 && wait_for_text con '─ 2 Compression · live' 10; then
  ok "the console runs on $DB (--interval 1)"
else not_ok "the console runs on $DB (--interval 1)" con; fi
zoom2 || not_ok "2 z zooms the Compression pane" con

# ---- a job raising a known message ------------------------------------------------
JF=$(q "SELECT add_job('public.jt_fail', '2 seconds', initial_start => now())")
[ -n "$JF" ] || { not_ok "add_job jt_fail"; exit 1; }
if wait_sql 20 "SELECT count(*) > 0 FROM timescaledb_information.job_errors WHERE job_id = $JF"; then
  e0=$(now_ms)
  if wait_for_text con "^│. +$JF jt_fail .* error 22023: $MSG" 5; then
    dt=$(( $(now_ms) - e0 ))
    if [ "$dt" -le 2300 ]; then ok "screen: the error of job $JF in the jobs table ${dt} ms after job_errors had it (<= 2 refresh intervals)"
    else not_ok "screen: the error of job $JF in the jobs table after ${dt} ms (more than 2 refresh intervals of 1 s)" con; fi
  else not_ok "screen: the error of job $JF in the jobs table ('error 22023: $MSG')" con; fi
  line=$(screen con | grep -E "^│. +$JF jt_fail ")
  case $line in *" error "*) ok "screen: job $JF's status says error" ;; *) not_ok "screen: job $JF's status says error ('$line')" ;; esac
else not_ok "the scheduler ran job $JF and job_errors has its failure (20 s)"; fi

snap
if [ "$(jv "$JF" .last_error.message)" = "$MSG" ] && [ "$(jv "$JF" .last_error.sqlstate)" = 22023 ] &&
   [ "$(jv "$JF" .last_error.kind)" = error ] && [ "$(jv "$JF" .last_status)" = Failed ]; then
  ok "JSON: last_error {message '$MSG', sqlstate 22023, kind error}"
else not_ok "JSON: last_error of job $JF: $(jv "$JF" -c .last_error 2>/dev/null || jv "$JF" .last_error)"; fi
case $(jv "$JF" .why) in *"error 22023: $MSG"*) ok "JSON: why names the error" ;; *) not_ok "JSON: why names the error ('$(jv "$JF" .why)')" ;; esac
"$BIN" --once --pane jobs "$J" >"$W/pane.txt" 2>&1
if grep -Eq "^[A-Z]+ +$JF jt_fail .*  last run failed .*error 22023: $MSG\$|^[A-Z]+ +$JF jt_fail .*  failing: .*error 22023: $MSG\$" "$W/pane.txt"; then
  ok "--once --pane jobs: the WHY column has the error"
else not_ok "--once --pane jobs: the WHY column has the error"; sed 's/^/    # /' "$W/pane.txt"; fi
# the worst job: the one with the most failures in a row (2 s schedule: soon job $JF)
wait_json 15 "$JF" '.consecutive_failures >= 2' true >/dev/null
"$BIN" check --only jobs "$J" >"$W/chk" 2>&1; r=$?
if [ "$r" -ge 1 ] && [ "$r" -le 2 ] && grep -q "^TSDBTOP \(WARNING\|CRITICAL\) - jobs: .*(job $JF: .*error 22023: $MSG)" "$W/chk"; then
  ok "check --only jobs: exit $r, the status line names job $JF and its message"
else not_ok "check --only jobs names job $JF and its message (exit $r)"; sed 's/^/    # /' "$W/chk"; fi

# ---- the others, started now: they run while the failing job's checks go on --------
JS=$(q "SELECT add_job('public.jt_sleep', '1 day', initial_start => now())")
JE=$(q "SELECT add_job('public.jt_evil', '1 day', initial_start => now())")
JC=$(q "SELECT add_compression_policy('public.jt_m', interval '1 day', initial_start => now())")
# the same sleep with max_runtime 2 s: the scheduler stops it there (max_runtime
# set before its start, a second away)
JT=$(q "SELECT alter_job(add_job('public.jt_sleep', '1 day', initial_start => now() + interval '1 second'), max_runtime => interval '2 seconds')" | cut -d'(' -f2 | cut -d, -f1)
[ -n "$JS" ] && [ -n "$JE" ] && [ -n "$JC" ] && [ -n "$JT" ] || not_ok "add_job jt_sleep (twice), jt_evil, add_compression_policy"

# ---- history, only failures recorded ----------------------------------------------
if wait_json 20 "$JF" '.history | length >= 3' true; then
  st=$(jv "$JF" '[.history[].start] | join(" ")')
  srt=$(jv "$JF" '[.history[].start] | sort | reverse | join(" ")')
  want=$(q "SELECT count(*) FROM (SELECT 1 FROM timescaledb_information.job_history WHERE job_id = $JF LIMIT 10) s")
  if [ "$st" = "$srt" ] && [ "$(jv "$JF" '[.history[] | select(.succeeded == false and .kind == "error" and .message == "'"$MSG"'")] | length')" = "$(jv "$JF" '.history | length')" ] &&
     [ "$(jv "$JF" '.history | length')" -ge "$((want - 2))" ] && [ "$(jv "$JF" '.history | length')" -le 10 ]; then
    ok "JSON: history of job $JF newest first, $(jv "$JF" '.history | length') failed runs (job_history: $want, at most 10)"
  else not_ok "JSON: history newest first, failed runs (starts '$st'; job_history $want)"; fi
else not_ok "JSON: job $JF has 3 runs in its history"; fi
if [ "$(jd .panes.jobs.history_note)" = "only failed runs are recorded (timescaledb.enable_job_execution_logging is off)" ] &&
   [ "$(jd .panes.jobs.scheduler.execution_logging)" = false ]; then
  ok "JSON: history_note says only failed runs are recorded"
else not_ok "JSON: history_note says only failed runs are recorded ('$(jd .panes.jobs.history_note)')"; fi
if detail "$JF"; then
  screen con >"$W/detail"
  if grep -q "only failed runs are recorded" "$W/detail" && grep -q "recent runs, newest first" "$W/detail"; then
    ok "screen h: job $JF's recent runs, with the note that only failures are recorded"
  else not_ok "screen h: job $JF's recent runs and the note" con; fi
  # the runs as drawn: newest first, each an error with the message
  runs=$(grep -Eo "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} +[0-9.a-z]+ +error +22023 $MSG" "$W/detail" | cut -c1-19)
  if [ "$(printf '%s\n' "$runs" | grep -c .)" -ge 3 ] && [ "$runs" = "$(printf '%s\n' "$runs" | sort -r)" ]; then
    ok "screen h: $(printf '%s\n' "$runs" | grep -c .) failed runs listed newest first"
  else not_ok "screen h: the failed runs listed newest first" con; fi
  if grep -q "last failure .* UTC: error, SQLSTATE 22023" "$W/detail" && grep -Eq "│   $MSG +│" "$W/detail"; then
    ok "screen h: the last failure: error, SQLSTATE 22023, the message"
  else not_ok "screen h: the last failure: error, SQLSTATE 22023, the message" con; fi
else not_ok "J, h: job $JF's detail opens" con; fi

# ---- another role -------------------------------------------------------------------
snap "$JO"
leaks=$(psql -X -At "$JO" -c "SELECT count(*) > 0 FROM timescaledb_information.job_errors WHERE job_id = $JF" 2>/dev/null)
case $V in 2.24.*|2.26.*) want_leak=t ;; *) want_leak=f ;; esac
if [ "$leaks" != "$want_leak" ]; then
  not_ok "job_errors on $V shows another role's failures: '$leaks' (expected '$want_leak': the 2.24/2.26 view's OR binds before AND)"
fi
if [ "$leaks" = t ]; then
  if [ "$(jv "$JF" .error_hidden)" = false ] && [ "$(jv "$JF" .last_error.message)" = "$MSG" ]; then
    ok "role $OTHER: TimescaleDB $V's job_errors shows it the failure (upstream's precedence bug), so does tsdbtop"
  else not_ok "role $OTHER: the failure job_errors shows it (error_hidden $(jv "$JF" .error_hidden), message '$(jv "$JF" .last_error.message)')"; fi
else
  w=$(jv "$JF" .why)
  if [ "$(jv "$JF" .error_hidden)" = true ] && [ "$(jv "$JF" .last_error)" = null ]; then
    case $w in
      *"not visible to role $OTHER"*) ok "role $OTHER: error_hidden, why 'not visible to role $OTHER'" ;;
      *) not_ok "role $OTHER: why says not visible to role $OTHER ('$w')" ;;
    esac
  else not_ok "role $OTHER: error_hidden true, last_error null ($(jv "$JF" .error_hidden), '$(jv "$JF" .last_error)')"; fi
  case $w in *"no error"*|*"$MSG"*) not_ok "role $OTHER: why does not say 'no error' nor show the hidden message ('$w')" ;; esac
fi
snap

# ---- a job that sleeps, cancelled -----------------------------------------------------
if wait_json 20 "$JS" '.running != null' true; then
  d1=$(jv "$JS" .running.duration_s); sleep 2; snap; d2=$(jv "$JS" .running.duration_s)
  if [ "$(jv "$JS" '.running != null')" = true ] && awk -v a="$d1" -v b="$d2" 'BEGIN { exit !(b >= a + 1.5) }'; then
    ok "JSON: job $JS running, duration_s growing ($d1 -> $d2)"
  else not_ok "JSON: job $JS running, duration_s growing ('$d1' -> '$d2')"; fi
  # TimescaleDB counts a run as a crash from its start until it ends
  if [ "$(jv "$JS" .health)" = ok ] && [ "$(jv "$JS" .last_error)" = null ]; then
    ok "JSON: the running job is not shown failed (health ok)"
  else not_ok "JSON: the running job $JS is not shown failed (health $(jv "$JS" .health), why '$(jv "$JS" .why)', consecutive_crashes $(jv "$JS" .consecutive_crashes))"; fi
  zoom2
  if wait_for_text con "^│. +$JS jt_sleep +1d run [0-9]+s " 4; then
    r1=$(screen con | grep -E "^│. +$JS jt_sleep " | sed -E 's/.* run ([0-9]+)s .*/\1/')
    sleep 2
    r2=$(screen con | grep -E "^│. +$JS jt_sleep " | sed -E 's/.* run ([0-9]+)s .*/\1/')
    if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -gt "$r1" ] 2>/dev/null; then ok "screen: job $JS shown running, its time growing (run ${r1}s -> ${r2}s)"
    else not_ok "screen: job $JS's running time grows ('$r1' -> '$r2')" con; fi
  else not_ok "screen: job $JS shown running ('run Ns' in State)" con; fi
  line=$(screen con | grep -E "^│. +$JS jt_sleep ")
  case $line in *crash*|*failed*|*✖*) not_ok "screen: the running job is not shown failed ('$line')" ;; *) ok "screen: the running job is not shown failed" ;; esac
  app=$(q "SELECT application_name FROM timescaledb_information.jobs WHERE job_id = $JS")
  n=$(q "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE application_name = '$app' AND datname = current_database()")
  [ "$n" = 1 ] || not_ok "pg_cancel_backend on job $JS's worker ('$app': $n)"
  if wait_json 15 "$JS" .last_status Failed; then
    if [ "$(jv "$JS" .last_error.kind)" = cancelled ] && [ "$(jv "$JS" .last_error.sqlstate)" = 57014 ] &&
       [ "$(jv "$JS" .last_error.message)" = "canceling statement due to user request" ] && [ "$(jv "$JS" .running)" = null ]; then
      ok "JSON: cancelled: kind cancelled, 57014, 'canceling statement due to user request'"
    else not_ok "JSON: cancelled: $(jv "$JS" .last_error | tr -d '\n')"; fi
    if wait_for_text con "^│. +$JS jt_sleep .* cancelled .*cancelled 57014: cancel" 4; then
      ok "screen: job $JS cancelled, with the cancel's message"
    else not_ok "screen: job $JS cancelled, with the cancel's message" con; fi
  else not_ok "the cancelled run of job $JS ends Failed"; fi
else not_ok "the scheduler runs job $JS (jt_sleep) within 20 s"; fi

# ---- stopped at max_runtime ---------------------------------------------------------------
if wait_json 20 "$JT" .last_status Failed; then
  if [ "$(jv "$JT" .last_error.kind)" = timed_out ]; then
    case $(jv "$JT" .why) in *"timed out"*) ok "max_runtime 2 s: kind timed_out, why says timed out" ;;
      *) not_ok "max_runtime 2 s: why says timed out ('$(jv "$JT" .why)')" ;; esac
  else not_ok "max_runtime 2 s: kind timed_out (kind $(jv "$JT" .last_error.kind), sqlstate $(jv "$JT" .last_error.sqlstate), $(jv "$JT" .last_error.message), ran $(jv "$JT" '.history[0].duration_s') s)"; fi
  zoom2
  if wait_for_text con "^│. +$JT jt_sleep .* timed out: cancelled at max" 3; then ok "screen: job $JT's Last error says timed out"
  else not_ok "screen: job $JT's Last error says timed out" con; fi
else not_ok "the job with max_runtime 2 s ends Failed (20 s)"; fi

# ---- escape sequences and 10 KB ---------------------------------------------------------
if wait_json 20 "$JE" .last_status Failed; then
  want=$(q "SELECT md5(public.jt_evil_text()) || ' ' || length(public.jt_evil_text())")
  have=$(q "SELECT md5(err_message) || ' ' || length(err_message) FROM timescaledb_information.job_errors WHERE job_id = $JE ORDER BY start_time DESC LIMIT 1")
  got="$(jq -j --argjson id "$JE" '.panes.jobs.rows[] | select(.id == $id) | .last_error.message' "$W/snap.json" | md5sum | cut -d' ' -f1) $(jv "$JE" '.last_error.message | length')"
  if [ "$got" = "$want" ] && [ "$have" = "$want" ]; then
    ok "JSON: the 10 KB message with escapes byte for byte what the procedure raised and job_errors holds ($want)"
  else not_ok "JSON: the message byte for byte: JSON '$got', raised '$want', job_errors '$have'"; fi
  [ "$(jv "$JE" .last_error.kind)" = error ] && [ "$(jv "$JE" .last_error.sqlstate)" = P0001 ] &&
    ok "JSON: kind error, sqlstate P0001" || not_ok "JSON: kind error, sqlstate P0001 ($(jv "$JE" .last_error.kind) $(jv "$JE" .last_error.sqlstate))"
  title0=$(T display-message -p -t con '#{pane_title}')
  zoom2
  if wait_for_text con "^│. +$JE jt_evil .* error P0001: jt evil \\?\\]0;jt" 4; then
    ok "screen: the jobs table shows the message sanitised (ESC as ?)"
  else not_ok "screen: the jobs table shows the message sanitised" con; fi
  if no_raw_escape; then ok "screen: jobs table: no raw escape reaches the pane, lines within 120 columns"
  else not_ok "screen: jobs table: no raw escape reaches the pane" con; fi
  if detail "$JE"; then
    screen con >"$W/detail"
    nl=$(grep -c '[0-9]\{40\}' "$W/detail")
    if grep -q "jt evil ?\]0;jt-pwned-title? red:?\[31mRED?\[0m reset:?c end 0123" "$W/detail" &&
       [ "$nl" -ge 2 ] && [ "$nl" -le 9 ] && ! grep -q ' tail' "$W/detail" && grep -q '[0-9]…' "$W/detail"; then
      ok "screen h: the message sanitised, wrapped over $nl lines and cut (no ' tail')"
    else not_ok "screen h: the message sanitised, wrapped and cut ($nl lines of digits)" con; fi
    if no_raw_escape; then ok "screen h: no raw escape reaches the pane, lines within 120 columns"
    else not_ok "screen h: no raw escape reaches the pane" con; fi
    # every line of the dialog keeps its borders where its frame is: nothing ran past it
    if framed "$JE"; then ok "screen h: every line of the detail fits inside its frame"
    else not_ok "screen h: every line of the detail fits inside its frame" con; fi
  else not_ok "J, h: job $JE's detail opens" con; fi
  title1=$(T display-message -p -t con '#{pane_title}')
  case $title1 in *pwned*) not_ok "the tmux pane title is untouched (now '$title1')" ;;
    *) [ "$title1" = "$title0" ] && ok "the tmux pane title is untouched ('$title1')" || not_ok "the tmux pane title changed: '$title0' -> '$title1'" ;; esac
  "$BIN" --once --pane jobs "$J" >"$W/pane.txt" 2>&1
  "$BIN" check --only jobs "$J" >"$W/chk" 2>&1
  if grep -q "$ESC\|$(printf '\007')" "$W/pane.txt" "$W/chk"; then not_ok "--once --pane jobs and check print no escape or BEL byte"
  elif grep -q "$JE jt_evil .*error P0001: jt evil ?\]0;jt-pwned-title? red" "$W/pane.txt"; then
    ok "--once --pane jobs: the message sanitised, no escape byte ($(awk -v id="$JE" '$2 == id { print length($0) }' "$W/pane.txt") characters)"
  else not_ok "--once --pane jobs: job $JE's message sanitised"; sed 's/^/    # /' "$W/pane.txt" | cut -c1-200; fi
else not_ok "the scheduler ran job $JE (jt_evil) and it failed (20 s)"; fi

# ---- the compression policy ---------------------------------------------------------------
if [ -n "$portal" ]; then
  if wait_json 20 "$JC" .last_status Failed && [ "$(jv "$JC" .last_error.kind)" = error ] &&
     [ "$(jv "$JC" .last_error.sqlstate)" = 24000 ]; then
    case $(jv "$JC" .last_error.message) in
      "cannot drop portal "*" while it is being set up") ok "2.29.2/PG 17: the compression policy failed, kind error: $(jv "$JC" .last_error.message)" ;;
      *) not_ok "2.29.2/PG 17: the policy's message ('$(jv "$JC" .last_error.message)')" ;;
    esac
    zoom2
    if wait_for_text con "^│. +$JC (public\\.)?jt_m .* error .*error 24000: cannot drop portal" 4; then
      ok "screen: the compression policy's row says error 24000: cannot drop portal"
    else not_ok "screen: the compression policy's row says error 24000: cannot drop portal" con; fi
  else not_ok "2.29.2/PG 17: the compression policy failed with kind error, 24000 ($(jv "$JC" .last_error | tr -d '\n'))"; fi
else
  if wait_json 20 "$JC" .last_status Success && [ "$(jv "$JC" .last_error)" = null ] && [ "$(jv "$JC" .health)" = ok ]; then
    ok "the compression policy ran: Success, no last_error, health ok"
  else not_ok "the compression policy ran: Success ($(jv "$JC" .last_status), $(jv "$JC" .why))"; fi
fi

# ---- fixed, with execution logging on ------------------------------------------------------
LOGGING_SET=1
# (a sighup setting: not per database; ALTER SYSTEM where the extension is, so the name is known)
q "ALTER SYSTEM SET timescaledb.enable_job_execution_logging = on" >/dev/null && q "SELECT pg_reload_conf()" >/dev/null ||
  not_ok "ALTER SYSTEM SET timescaledb.enable_job_execution_logging = on"
q "SELECT delete_job($JS), delete_job($JE), delete_job($JT)" >/dev/null
q "CREATE OR REPLACE PROCEDURE public.jt_fail(job_id int, config jsonb) LANGUAGE plpgsql AS \$\$ BEGIN PERFORM 1; END \$\$" ||
  not_ok "jt_fail replaced by a procedure that works"
if [ -z "$portal" ]; then
  if wait_json 20 "$JF" .last_status Success && [ "$(jv "$JF" .last_error)" = null ] && [ "$(jv "$JF" .health)" = ok ] &&
     [ "$(jv "$JF" .why)" = "" ]; then
    ok "fixed: JSON last_error null, health ok, why empty"
  else not_ok "fixed: JSON last_error null, health ok ($(jv "$JF" .last_status), '$(jv "$JF" .why)')"; fi
  zoom2
  if wait_for_gone con "$MSG" 4; then ok "fixed: the error left the screen"; else not_ok "fixed: the error left the screen" con; fi
  wait_json 10 "$JF" '[.history[] | select(.succeeded == true)] | length > 0' true >/dev/null
  if [ "$(jv "$JF" '.history[0].succeeded')" = true ] && [ "$(jd .panes.jobs.scheduler.execution_logging)" = true ] &&
     [ "$(jd .panes.jobs.history_note)" = null ]; then
    ok "execution logging on (ALTER SYSTEM): the successful run heads the history, no history_note"
  else not_ok "execution logging on: a successful run in the history (newest succeeded $(jv "$JF" '.history[0].succeeded'), note '$(jd .panes.jobs.history_note)')"; fi
  "$BIN" check --only jobs "$J" >"$W/chk" 2>&1; r=$?
  if [ "$r" = 0 ] && grep -q "^TSDBTOP OK - " "$W/chk" && ! grep -q "$MSG" "$W/chk"; then ok "fixed: check --only jobs OK"
  else not_ok "fixed: check --only jobs OK (exit $r)"; sed 's/^/    # /' "$W/chk"; fi
else
  # 2.29.2: the procedure that works fails too, with the portal error
  if wait_json 20 "$JF" .last_error.sqlstate 24000 && [ "$(jv "$JF" .last_error.kind)" = error ]; then
    case $(jv "$JF" .last_error.message) in
      "cannot drop portal "*) ok "2.29.2/PG 17: the fixed job fails too, shown as kind error: $(jv "$JF" .last_error.message)" ;;
      *) not_ok "2.29.2/PG 17: the fixed job's message ('$(jv "$JF" .last_error.message)')" ;;
    esac
    zoom2
    if wait_for_text con "^│. +$JF jt_fail .* error 24000: cannot drop portal" 4; then ok "screen: job $JF now shows error 24000: cannot drop portal"
    else not_ok "screen: job $JF now shows error 24000: cannot drop portal" con; fi
  else not_ok "2.29.2/PG 17: the fixed job shows the portal error ($(jv "$JF" .last_error | tr -d '\n'))"; fi
  "$BIN" check --only jobs "$J" >"$W/chk" 2>&1
  grep -q "cannot drop portal" "$W/chk" && ok "2.29.2/PG 17: check --only jobs names the portal error" ||
    { not_ok "2.29.2/PG 17: check --only jobs names the portal error"; sed 's/^/    # /' "$W/chk"; }
fi
q "ALTER SYSTEM RESET timescaledb.enable_job_execution_logging" >/dev/null && q "SELECT pg_reload_conf()" >/dev/null && LOGGING_SET=""
T kill-server >/dev/null 2>&1
q "SELECT count(delete_job(job_id)) FROM timescaledb_information.jobs WHERE job_id >= 1000" >/dev/null
echo "# jobs: main checks on $V took $(( $(date +%s) - t0 )) s"

# ---- max_worker_processes = 3: a cluster of its own -----------------------------------------
mwp_checks() {
  . "$TOP/tests/tools/native.sh"
  native_settings "-c max_worker_processes=3"
  native_start "$V" "$W/mwp" || { not_ok "max_worker_processes=3: cluster started"; return; }
  MWP_UP=1
  native_create_db "$DB" || { not_ok "max_worker_processes=3: database $DB"; return; }
  M="host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=$DB"
  psql -X -q -v ON_ERROR_STOP=1 "$M" -c "CREATE PROCEDURE public.jt_ok(job_id int, config jsonb) LANGUAGE plpgsql AS \$\$ BEGIN PERFORM 1; END \$\$" ||
    { not_ok "max_worker_processes=3: procedure"; return; }
  JM=$(psql -X -q -At "$M" -c "SELECT add_job('public.jt_ok', '2 seconds', initial_start => now())")
  J=$M
  start_console mwp "$M" 120 40 --interval 1
  if wait_json 20 "$JM" .last_error.kind failed_to_start; then
    ok "max_worker_processes=3: JSON last_error.kind failed_to_start ($(jv "$JM" .last_error.message))"
  else not_ok "max_worker_processes=3: JSON last_error.kind failed_to_start"; fi
  case $(jv "$JM" .why) in *"failed to start"*) ok "max_worker_processes=3: why says failed to start" ;;
    *) not_ok "max_worker_processes=3: why says failed to start ('$(jv "$JM" .why)')" ;; esac
  wr=$(jd .panes.jobs.scheduler.capacity.warning)
  if [ "$(jd .panes.jobs.scheduler.capacity.short)" = true ] && [ "$(jd .panes.jobs.scheduler.capacity.max_worker_processes)" = 3 ]; then
    case $wr in *max_worker_processes*) ok "max_worker_processes=3: capacity.short, warning: $wr" ;;
      *) not_ok "max_worker_processes=3: the capacity warning names max_worker_processes ('$wr')" ;; esac
  else not_ok "max_worker_processes=3: capacity.short true ($(jd -c .panes.jobs.scheduler.capacity))"; fi
  "$BIN" check --only scheduler "$M" >"$W/chk" 2>&1; r=$?
  if [ "$r" = 1 ] && grep -q "^TSDBTOP WARNING - scheduler: .*max_worker_processes = 3" "$W/chk"; then
    ok "max_worker_processes=3: check --only scheduler WARNING names max_worker_processes"
  else not_ok "max_worker_processes=3: check --only scheduler WARNING (exit $r)"; sed 's/^/    # /' "$W/chk"; fi
  send mwp 2 z
  if wait_for_text mwp "^│worker budget: max_worker_processes = 3 " 5; then ok "max_worker_processes=3: screen: the worker budget line under the Compression pane"
  else not_ok "max_worker_processes=3: screen: the worker budget line under the Compression pane" mwp; fi
  if wait_for_text mwp "^│. +$JM jt_ok .* failed to start: no backg" 5; then
    ok "max_worker_processes=3: screen: job $JM's Last error says failed to start"
  else not_ok "max_worker_processes=3: screen: job $JM's Last error says failed to start" mwp; fi
  line=$(screen mwp | grep -E "^│. +$JM jt_ok ")
  case $line in *" no worker "*|*"failed to start "*) ok "max_worker_processes=3: screen: status '$(printf '%s' "$line" | awk '{ print $8 }')'" ;;
    *) not_ok "max_worker_processes=3: screen: job $JM's status says no worker / failed to start ('$line')" ;; esac
  T kill-session -t mwp >/dev/null 2>&1
  mwp_stop
}
if [ "${JOBS_MWP:-}" = 0 ]; then skip "max_worker_processes=3 cluster (JOBS_MWP=0)"
elif [ "$pgmaj" != 15 ]; then skip "max_worker_processes=3 cluster: PG15 versions only (2.28.3 runs it)"
elif [ "$V" = 2.28.3 ] || [ "${JOBS_MWP:-}" = 1 ]; then mwp_checks
else skip "max_worker_processes=3 cluster: only on 2.28.3 (JOBS_MWP=1 runs it here)"; fi
echo "# jobs: $V took $(( $(date +%s) - t0 )) s"
exit $rc
