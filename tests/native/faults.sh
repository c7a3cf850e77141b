#!/bin/sh
# tests/native/faults.sh CONNINFO [VERSION]: faults on a native TimescaleDB
# server (issue #11, section 3), in a scratch database of their own:
#   1. a job cancelled with pg_cancel_backend (its background worker found in
#      pg_stat_activity): failed in --once --json and `tsdbtop jobs`;
#   2. roles without privileges: a LOGIN role with CONNECT only (no grant on
#      the hypertables or their chunks), one without USAGE on
#      _timescaledb_internal, one without USAGE on _timescaledb_catalog (for
#      both TimescaleDB itself refuses every query that reads a table), one
#      refused one catalog table: --once, --json, check, health, jobs neither
#      crash nor hang, say what is denied, keep the panes that answer, exit as
#      the README says; write commands refused with the reason, nothing changed;
#   3. actions on a hypertable blocked by a lock another session holds on its
#      chunks: lock_timeout, --statement-timeout (compress, refresh, archive),
#      SIGINT, and the console's stop key k in tmux; the action log says so,
#      the database is unchanged, no session or lock is left behind;
#   4. the server restarted (stopped, down a few seconds, started) while a
#      compression policy runs, under a console polling every second: it keeps
#      running, says the server is unreachable, marks its figures old,
#      reconnects by itself; the job's state afterwards is what TimescaleDB
#      records for an interrupted run. Needs the cluster started by
#      tests/tools/native.sh (NATIVE_PGDATA, NATIVE_VERSION exported).
# Where the scheduler runs no job (TimescaleDB 2.29.2 on PostgreSQL 17.12
# here: "cannot drop portal") the job parts are skipped with the reason.
# TimescaleDB holds a job whose run a restart interrupted back for max(5 min,
# retry_period) (MIN_WAIT_AFTER_CRASH_MS; a policy's retry_period is 1 hour
# unless set, here 1 minute; alter_job(next_start) restarts that wait):
# NATIVE_FAULTS_CRASH_WAIT=1 waits for the job to run again.
# Defects of code another change owns are "not ok ... # TODO" (reported, not
# failing). Prints "ok - ..." / "not ok - ..."; exit 1 on any failure.
set -u
C=${1:?usage: faults.sh CONNINFO [VERSION]}
V=${2:-}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$TOP/build/tsdbtop}
WORK=$(mktemp -d /tmp/tsdbtop-nfaults.XXXXXX) || exit 1
chmod 755 "$WORK"
SOCK=tsdbtop-nfaults-$$
. "$TOP/tests/faults/lib.sh"     # tmux helpers on a private socket
. "$TOP/tests/tools/native.sh"   # native_restart
rc=0
ok() { echo "ok - ${V:+$V: }faults: $*"; }
nok() { echo "not ok - ${V:+$V: }faults: $*"; rc=1; }
todo() { _w=$1; shift; echo "not ok - ${V:+$V: }faults: $* # TODO $_w"; }
skip() { echo "ok - ${V:+$V: }faults: $1 # SKIP $2"; }
show() { sed 's/^/    # /' "$@" | head -${SHOW_LINES:-12}; }
scr() { echo "    # screen:"; screen "$1" | sed 's/^/    #   /' | head -40; }
D=tsdbtop_faults
S="$C dbname=postgres"
F="$C dbname=$D"
qs() { psql -X -q -At -v ON_ERROR_STOP=1 "$S" -c "$1"; }
qf() { psql -X -q -At -v ON_ERROR_STOP=1 "$F" -c "$1"; }
R_PLAIN=tsdbtop_f_plain
R_NOINT=tsdbtop_f_noint
R_NOCAT=tsdbtop_f_nocat
HOLDER=tsdbtop-faults-holder
unhold() { qs "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '$HOLDER'" >/dev/null 2>&1; }
cleanup() {
  T kill-server >/dev/null 2>&1
  unhold
  qs "DROP DATABASE IF EXISTS $D WITH (FORCE)" >/dev/null 2>&1
  for r in $R_PLAIN $R_NOINT $R_NOCAT; do qs "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t_start=$(date +%s)
# the scheduler runs jobs here (not where every job fails)
case $V in 2.29.2) NOJOBS="every background job fails on PostgreSQL 17.12 with TimescaleDB 2.29.2 here ('cannot drop portal')" ;; *) NOJOBS= ;; esac

# ---- the scratch database ----------------------------------------------------
tv=$(psql -X -At "$C" -c "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")
qs "DROP DATABASE IF EXISTS $D WITH (FORCE)" >/dev/null 2>&1
if ! qs "CREATE DATABASE $D" >/dev/null || ! psql -X -q -v ON_ERROR_STOP=1 "$F" >"$WORK/setup.log" 2>&1 <<EOF
SET client_min_messages = warning;
CREATE EXTENSION timescaledb VERSION '$tv';
CREATE SCHEMA f;
CREATE TABLE f.readings (ts timestamptz NOT NULL, device int NOT NULL, v double precision);
SELECT create_hypertable('f.readings', 'ts', chunk_time_interval => interval '1 day');
INSERT INTO f.readings SELECT t, d, random() FROM generate_series(now() - interval '8 days', now(), interval '10 minutes') t,
       generate_series(1, 2) d;
ALTER TABLE f.readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'device');
SELECT count(compress_chunk(c)) FROM show_chunks('f.readings', older_than => now() - interval '5 days') c;
SELECT add_compression_policy('f.readings', interval '3 days', initial_start => now() + interval '1 hour');
-- after an interrupted run TimescaleDB waits max(5 min, retry_period) (the policy's default: 1 hour)
SELECT alter_job(j.job_id, retry_period => interval '1 minute') FROM timescaledb_information.jobs j
 WHERE j.hypertable_name = 'readings' AND j.proc_name = 'policy_compression';
CREATE MATERIALIZED VIEW f.hourly WITH (timescaledb.continuous) AS
  SELECT time_bucket('1 hour', ts) AS b, device, avg(v) AS v FROM f.readings GROUP BY 1, 2 WITH NO DATA;
CALL refresh_continuous_aggregate('f.hourly', now() - interval '8 days', now() - interval '2 days');
SELECT add_continuous_aggregate_policy('f.hourly', start_offset => interval '3 days', end_offset => interval '1 hour',
       schedule_interval => interval '30 minutes', initial_start => now() + interval '1 hour');
-- the compression policy paused (fault 4 resumes it); the aggregate's stays scheduled, an hour ahead
SELECT count(*) FROM (SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs
                       WHERE hypertable_schema = 'f' AND proc_name = 'policy_compression') s;
CREATE PROCEDURE f.sleeper(job_id int, config jsonb) LANGUAGE plpgsql AS
  \$\$ BEGIN PERFORM pg_sleep((config->>'s')::float8); END \$\$;
ANALYZE;
EOF
then
  nok "scratch database $D with TimescaleDB $tv"; show "$WORK/setup.log"; exit 1
fi
JC=$(qf "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression' AND hypertable_name = 'readings'")
# what the faults must not change: chunk status, jobs' schedule, the watermark
fp() { qf "SELECT md5(string_agg(c.chunk_name || c.is_compressed, ',' ORDER BY c.chunk_name)) FROM timescaledb_information.chunks c WHERE c.hypertable_schema = 'f'
           UNION ALL SELECT string_agg(job_id || ':' || scheduled || ':' || schedule_interval, ',' ORDER BY job_id) FROM timescaledb_information.jobs WHERE hypertable_schema = 'f'
           UNION ALL SELECT coalesce(_timescaledb_functions.cagg_watermark(mat_hypertable_id)::text, 'none') FROM _timescaledb_catalog.continuous_agg" 2>/dev/null | tr '\n' ' '; }
# the chunks a compression would take first: past compress_after, not compressed
ELIGIBLE=$(qf "SELECT string_agg(format('%I.%I', chunk_schema, chunk_name), ', ' ORDER BY range_start) FROM timescaledb_information.chunks
               WHERE hypertable_schema = 'f' AND hypertable_name = 'readings' AND NOT is_compressed AND range_end < now() - interval '3 days'")
FIRST=${ELIGIBLE%%,*}
FP0=$(fp)
[ -n "$ELIGIBLE" ] && [ -n "$JC" ] && [ -n "$FP0" ] || { nok "fixture: eligible chunks '$ELIGIBLE', job '$JC'"; exit 1; }
ok "scratch database $D: f.readings (compression policy $JC, chunks to compress: $ELIGIBLE), f.hourly"

# hold LOCKMODE on RELATIONS in another session (for SECS); waits until held
hold() {
  PGAPPNAME=$HOLDER psql -X -q "$F" -c "BEGIN; LOCK TABLE $2 IN $1 MODE; SELECT pg_sleep(${3:-120})" >/dev/null 2>&1 &
  _i=0
  while [ $_i -lt 50 ]; do
    [ "$(qf "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = '$HOLDER' AND l.granted AND l.locktype = 'relation' AND l.mode LIKE '%ExclusiveLock'" 2>/dev/null)" -ge 1 ] 2>/dev/null && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}
# wait (SECS) until a session named APP waits for a lock
waits() {
  _i=0
  while [ $_i -lt $(($2 * 10)) ]; do
    [ "$(qf "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name LIKE '$1' AND a.datname = '$D' AND NOT l.granted")" -ge 1 ] && return 0
    sleep 0.1; _i=$((_i + 1))
  done
  return 1
}
# nothing of tsdbtop left on the scratch database: no session in a transaction, no lock on a chunk of f
leftovers() {
  qf "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = '$D' AND application_name = 'tsdbtop' AND state NOT IN ('idle'))
           + (SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'tsdbtop' AND a.datname = '$D'
               AND l.relation IN (SELECT c FROM show_chunks('f.readings') c))"
}
elapsed() { echo "$(( $(date +%s) - $1 ))"; }
json_py() { # json_py FILE PY-EXPR (d = the document)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null
}

# ---- 1. a job cancelled with pg_cancel_backend --------------------------------
if :; then
  J=$(qf "SELECT add_job('f.sleeper', '1 hour', config => '{\"s\": 60}', initial_start => now())")
  pid=""; i=0
  while [ -z "$pid" ] && [ $i -lt 60 ]; do
    pid=$(qf "SELECT pid FROM pg_stat_activity WHERE application_name = 'User-Defined Action [$J]' AND state = 'active'")
    [ -n "$pid" ] || { sleep 0.5; i=$((i + 1)); }
  done
  if [ -z "$pid" ] && [ -n "$NOJOBS" ]; then
    skip "a job cancelled with pg_cancel_backend is shown failed" "no worker of job $J ever ran: $NOJOBS"
  elif [ -z "$pid" ]; then
    nok "job $J: its background worker 'User-Defined Action [$J]' found in pg_stat_activity within 30 s"
  else
    ok "job $J runs: its background worker $pid found in pg_stat_activity"
    "$BIN" --once --json "$F" >"$WORK/run.json" 2>/dev/null
    s=$(json_py "$WORK/run.json" "[r['last_status'] for r in d['panes']['jobs']['rows'] if r['id']==$J]")
    [ "$s" != "['Failed']" ] && [ "$s" != "['Success']" ] && ok "while it runs: --once --json shows no outcome yet ($s)" ||
      nok "while it runs: --once --json shows no outcome yet ($s)"
    qf "SELECT pg_cancel_backend($pid)" >/dev/null
    i=0
    while [ "$(qf "SELECT last_run_status FROM timescaledb_information.job_stats WHERE job_id = $J")" != Failed ] && [ $i -lt 40 ]; do
      sleep 0.5; i=$((i + 1))
    done
    "$BIN" --once --json "$F" >"$WORK/cancel.json" 2>"$WORK/cancel.err"; r=$?
    row=$(json_py "$WORK/cancel.json" "[(r['last_status'], r['consecutive_failures'], r['health']) for r in d['panes']['jobs']['rows'] if r['id']==$J]")
    if [ $r = 0 ] && [ "$row" = "[('Failed', 1, 'warning')]" ]; then
      ok "cancelled: --once --json jobs row $J: last_status Failed, 1 failure in a row, health warning"
    else nok "cancelled: --once --json jobs row $J failed (exit $r, $row)"; show "$WORK/cancel.err"; fi
    "$BIN" jobs "$F" >"$WORK/jobs.out" 2>&1; r=$?
    if [ $r -le 2 ] && grep -Eq "^WARN +$J +sleeper .* Failed +1 .*last run failed" "$WORK/jobs.out"; then
      ok "cancelled: tsdbtop jobs says job $J Failed (last run failed, 1 in a row)"
    else nok "cancelled: tsdbtop jobs says job $J Failed (exit $r)"; show "$WORK/jobs.out"; fi
    if [ "$(qf "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'User-Defined Action [$J]'")" = 0 ]; then
      ok "cancelled: the job's worker is gone"
    else nok "cancelled: the job's worker is gone"; fi
    # what TimescaleDB keeps of it (the message the jobs pane could show: issue #12)
    if [ "$(qf "SELECT to_regclass('timescaledb_information.job_errors') IS NOT NULL")" = t ]; then
      e=$(qf "SELECT sqlerrcode || ' ' || err_message FROM timescaledb_information.job_errors WHERE job_id = $J ORDER BY finish_time DESC LIMIT 1")
      case $e in 57014\ *) ok "TimescaleDB's job_errors has the cancel: $e" ;; *) nok "TimescaleDB's job_errors has the cancel (got '$e')" ;; esac
    else skip "job_errors has the cancel" "no timescaledb_information.job_errors in $tv"; fi
    qf "SELECT delete_job($J)" >/dev/null
  fi
fi

# ---- 2. roles without privileges ------------------------------------------------
qs "CREATE ROLE $R_PLAIN LOGIN; CREATE ROLE $R_NOINT LOGIN; CREATE ROLE $R_NOCAT LOGIN" >/dev/null
qs "GRANT CONNECT ON DATABASE $D TO $R_PLAIN, $R_NOINT, $R_NOCAT" >/dev/null
qf "GRANT USAGE ON SCHEMA f TO $R_PLAIN" >/dev/null   # sees the names, owns nothing, no SELECT on any table
RP="$F user=$R_PLAIN"
run() { # run NAME CMD...: exit code in $r, stdout in $WORK/NAME.out, stderr in $WORK/NAME.err; bounded
  _rn=$1; shift
  timeout 60 "$@" >"$WORK/$_rn.out" 2>"$WORK/$_rn.err"; r=$?
}
run once "$BIN" --once "$RP"
if [ $r = 0 ] && [ "$(grep -c '^== .* (ok, updated' "$WORK/once.out")" -ge 6 ] && ! grep -q 'query failed\|(error)\|permission' "$WORK/once.out"; then
  ok "role with CONNECT only: --once exit 0, every pane answers (the catalog is readable by PUBLIC)"
else nok "role with CONNECT only: --once exit 0, every pane answers (exit $r)"; show "$WORK/once.out" "$WORK/once.err"; fi
run json "$BIN" --once --json "$RP"
st=$(json_py "$WORK/json.out" "' '.join(k + '=' + v['status'] for k, v in sorted(d['panes'].items()))")
case $r:$st in 0:*=*) case $st in *=error*|*=unavailable*) nok "role with CONNECT only: --once --json panes ($st)" ;; *) ok "role with CONNECT only: --once --json exit 0 ($st)" ;; esac ;;
  *) nok "role with CONNECT only: --once --json (exit $r)"; show "$WORK/json.err" ;; esac
run health "$BIN" health "$RP"
[ $r = 0 ] && ok "role with CONNECT only: health exit 0" || { nok "role with CONNECT only: health exit 0 (exit $r)"; show "$WORK/health.err"; }
run jobs "$BIN" jobs "$RP"
[ $r = 0 ] && grep -q " $JC .*policy_compression" "$WORK/jobs.out" && ok "role with CONNECT only: tsdbtop jobs exit 0, lists job $JC" ||
  { nok "role with CONNECT only: tsdbtop jobs (exit $r)"; show "$WORK/jobs.out" "$WORK/jobs.err"; }
run check "$BIN" check "$RP"
if [ $r -le 2 ] && ! grep -q '^\[UNKNOWN\] \(jobs\|backlog\|retention\|cagg\|cache\|update\)' "$WORK/check.out"; then
  ok "role with CONNECT only: check exit $r, every check but the scheduler answers"
else nok "role with CONNECT only: check (exit $r)"; show "$WORK/check.out"; fi
# pg_stat_activity hides backend_type of other roles' sessions from a role without
# pg_read_all_stats (application_name stays visible): the scheduler cannot be seen
sched_ok=$(qs "SELECT count(*) FROM pg_stat_activity WHERE datname = '$D' AND application_name = 'TimescaleDB Background Worker Scheduler'")
if [ "$sched_ok" -ge 1 ] && grep -q '^\[CRITICAL\] scheduler: scheduler not running' "$WORK/check.out"; then
  todo "scheduler collector (sql/queries/scheduler.sql): backend_type is NULL in other roles' pg_stat_activity rows without pg_read_all_stats; application_name still says 'TimescaleDB Background Worker Scheduler'" \
    "role with CONNECT only: check does not say CRITICAL 'scheduler not running' while it runs (README: UNKNOWN when it cannot be seen)"
else ok "role with CONNECT only: check does not claim the running scheduler is not running ($(grep '^\[[A-Z]*\] scheduler' "$WORK/check.out"); scheduler sessions $sched_ok)"; fi
# write commands: refused with the reason, nothing changed
wr() { # wr NAME PATTERN CMD...
  _n=$1; _p=$2; shift 2
  run "w_$_n" "$@"
  if [ $r = 1 ] && grep -Eq "$_p" "$WORK/w_$_n.err" && [ "$(wc -l <"$WORK/w_$_n.err")" -le 2 ] && [ "$(fp)" = "$FP0" ]; then
    ok "role with CONNECT only: $_n refused (exit 1): $(head -1 "$WORK/w_$_n.err" | cut -c1-110); nothing changed"
  else nok "role with CONNECT only: $_n refused with the reason, nothing changed (exit $r)"; show "$WORK/w_$_n.out" "$WORK/w_$_n.err"; fi
}
wr "compress f.readings" 'needs the owner of f\.readings' "$BIN" compress f.readings --log "$WORK/ro-act.log" "$RP"
wr "decompress a chunk" 'needs the owner of ' "$BIN" decompress "$(qf "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' AND is_compressed LIMIT 1")" --log "$WORK/ro-act.log" "$RP"
wr "job pause $JC" "needs the owner of job $JC" "$BIN" job pause "$JC" --log "$WORK/ro-act.log" "$RP"
wr "refresh f.hourly" 'must be owner|permission' "$BIN" refresh f.hourly "$RP"
wr "retention --set" 'no retention policy|permission|owner' "$BIN" retention f.readings --set 30d "$RP"
run mp "$BIN" maintenance --plan "$RP"
if [ $r = 0 ] && grep -q 'nothing to do: .*no compression backlog' "$WORK/mp.out"; then
  todo "maintenance plan (tui/db/action.c): 'only what the role owns' should say what it left out" \
    "role with CONNECT only: maintenance --plan does not say 'no compression backlog' while f.readings (owned by another role) has one"
else ok "role with CONNECT only: maintenance --plan (exit $r): $(head -1 "$WORK/mp.out" "$WORK/mp.err" | grep -v '^==' | head -1 | cut -c1-100)"; fi

# without USAGE on TimescaleDB's schemas, TimescaleDB refuses every query that reads
# a table (pg_class included): tsdbtop says so and exits as for a failed connection
for sch in _timescaledb_internal:$R_NOINT _timescaledb_catalog:$R_NOCAT; do
  n=${sch%%:*}; role=${sch#*:}
  RN="$F user=$role"
  qf "REVOKE USAGE ON SCHEMA $n FROM PUBLIC" >/dev/null
  e=$(psql -X -At "$RN" -c "SELECT count(*) FROM pg_catalog.pg_class" 2>&1)
  case $e in *"permission denied for schema $n"*)
    ok "no USAGE on $n: TimescaleDB refuses the role every query on a table ($e)" ;;
    *) ok "no USAGE on $n: TimescaleDB lets the role read pg_class ($e)" ;; esac
  t0=$(date +%s)
  bad=""
  for cmd in "--once" "--once --json" "check" "health" "jobs"; do
    # shellcheck disable=SC2086
    run q "$BIN" $cmd "$RN"
    if [ $r != 3 ] || ! grep -q "permission denied for schema $n" "$WORK/q.out" "$WORK/q.err"; then bad="$bad $cmd(exit $r: $(cat "$WORK/q.out" "$WORK/q.err" | head -2 | tr '\n' ' '))"; fi
  done
  if [ -z "$bad" ]; then
    ok "no USAGE on $n: --once, --once --json, check, health, jobs exit 3 in $(elapsed "$t0") s and say 'permission denied for schema $n'"
  else nok "no USAGE on $n: every headless command exits 3 and says what is denied:$bad"; fi
  run cw "$BIN" compress f.readings "$RN"
  [ $r = 3 ] && grep -q "permission denied for schema $n" "$WORK/cw.err" && [ "$(fp)" = "$FP0" ] &&
    ok "no USAGE on $n: compress refused (exit 3, says so), nothing changed" ||
    { nok "no USAGE on $n: compress refused, nothing changed (exit $r)"; show "$WORK/cw.err"; }
  qf "GRANT USAGE ON SCHEMA $n TO PUBLIC" >/dev/null
done

# one catalog table refused (the aggregates' watermarks): that pane says so, the others answer
qf "REVOKE SELECT ON _timescaledb_catalog.continuous_aggs_watermark FROM PUBLIC" >/dev/null
run json "$BIN" --once --json "$RP"
st=$(json_py "$WORK/json.out" "' '.join(k + '=' + v['status'] for k, v in sorted(d['panes'].items()))")
msg=$(json_py "$WORK/json.out" "d['panes']['caggs'].get('message') or ''")
if [ $r = 0 ] && [ "$st" = "cache=ok caggs=error chunks=ok compression=ok jobs=ok retention=ok" ] &&
   echo "$msg" | grep -q 'permission denied for table continuous_aggs_watermark'; then
  ok "no SELECT on continuous_aggs_watermark: --once --json exit 0, caggs error '$msg', the other panes ok"
else nok "no SELECT on continuous_aggs_watermark: only the caggs pane fails, and says so (exit $r, $st, '$msg')"; show "$WORK/json.err"; fi
run once "$BIN" --once "$RP"
[ $r = 0 ] && grep -A2 '^== Continuous aggregates' "$WORK/once.out" | grep -q 'permission denied for table continuous_aggs_watermark' &&
  ok "no SELECT on continuous_aggs_watermark: --once text says it under Continuous aggregates" ||
  { nok "no SELECT on continuous_aggs_watermark: --once says it under Continuous aggregates (exit $r)"; show "$WORK/once.out"; }
run check "$BIN" check "$RP"
[ $r -le 3 ] && grep -q '^\[UNKNOWN\] cagg: .*permission denied' "$WORK/check.out" && grep -q '^\[\(OK\|WARNING\|CRITICAL\)\] backlog' "$WORK/check.out" &&
  ok "no SELECT on continuous_aggs_watermark: check exit $r, cagg UNKNOWN with the reason, backlog still checked" ||
  { nok "no SELECT on continuous_aggs_watermark: check says cagg UNKNOWN with the reason (exit $r)"; show "$WORK/check.out"; }
run health "$BIN" health "$RP"
[ $r = 0 ] && ok "no SELECT on continuous_aggs_watermark: health exit 0" || { nok "no SELECT on continuous_aggs_watermark: health (exit $r)"; show "$WORK/health.out" "$WORK/health.err"; }
qf "GRANT SELECT ON _timescaledb_catalog.continuous_aggs_watermark TO PUBLIC" >/dev/null

# ---- 3. actions on a hypertable blocked by a lock -----------------------------------
L=$WORK/actions.log
hold EXCLUSIVE "$ELIGIBLE" 300 || nok "another session locks $ELIGIBLE"
t0=$(date +%s)
run lt "$BIN" compress f.readings --log "$L" "$F"
if [ $r = 1 ] && grep -q "compress $FIRST: FAILED: lock timeout: another session holds a lock on the target: .*\[55P03\]" "$WORK/lt.out" &&
   [ "$(elapsed "$t0")" -le 10 ] && [ "$(fp)" = "$FP0" ] && grep -q '"event":"error".*55P03' "$L"; then
  ok "compress on a locked chunk: lock timeout (2 s) at step 1, exit 1, said and logged, nothing changed"
else nok "compress on a locked chunk: lock timeout, exit 1 (exit $r, $(elapsed "$t0") s)"; show "$WORK/lt.out" "$WORK/lt.err"; fi
t0=$(date +%s)
run st "$BIN" compress f.readings --lock-timeout 60 --statement-timeout 2 --log "$L" "$F"
if [ $r = 1 ] && grep -q "compress $FIRST: FAILED: statement timeout: canceling statement due to statement timeout \[57014\]" "$WORK/st.out" &&
   [ "$(elapsed "$t0")" -le 10 ] && [ "$(fp)" = "$FP0" ]; then
  ok "compress --statement-timeout 2 (lock timeout 60) on a locked chunk: statement timeout after $(elapsed "$t0") s, exit 1, nothing changed"
else nok "compress --statement-timeout 2 on a locked chunk: statement timeout (exit $r, $(elapsed "$t0") s)"; show "$WORK/st.out" "$WORK/st.err"; fi
"$BIN" compress f.readings --lock-timeout 60 --log "$L" "$F" >"$WORK/int.out" 2>"$WORK/int.err" &
p=$!
if waits tsdbtop 15; then
  t0=$(date +%s)
  kill -INT $p; wait $p; r=$?
  if [ $r = 1 ] && [ "$(elapsed "$t0")" -le 3 ] && grep -q "0/[0-9]* steps, stopped by the operator at step 1/" "$WORK/int.out" &&
     grep -q '"event":"stop".*57014' "$L" && [ "$(fp)" = "$FP0" ]; then
    ok "SIGINT while compress waits for the lock: cancelled in $(elapsed "$t0") s, exit 1, 'stopped by the operator', logged, nothing changed"
  else nok "SIGINT while compress waits for the lock: cancelled, exit 1 (exit $r)"; show "$WORK/int.out" "$WORK/int.err"; fi
else nok "compress --lock-timeout 60 waits for the lock"; kill -INT $p 2>/dev/null; wait $p; fi
# refresh of an aggregate whose materialization hypertable is locked: --statement-timeout bounds it
MAT=$(qf "SELECT format('%I.%I', materialization_hypertable_schema, materialization_hypertable_name) FROM timescaledb_information.continuous_aggregates WHERE view_name = 'hourly'")
hold "ACCESS EXCLUSIVE" "$MAT" 300 || nok "another session locks $MAT"
t0=$(date +%s)
run rf "$BIN" refresh f.hourly --from "$(qf "SELECT now() - interval '3 days'")" --lock-timeout 60 --statement-timeout 2 "$F"
if [ $r = 1 ] && grep -qi 'statement timeout' "$WORK/rf.err" && [ "$(elapsed "$t0")" -le 15 ] && [ "$(fp)" = "$FP0" ]; then
  ok "refresh --statement-timeout 2 with the aggregate's hypertable locked: exit 1 after $(elapsed "$t0") s: $(head -1 "$WORK/rf.err" | cut -c1-100)"
else nok "refresh --statement-timeout 2 with the aggregate's hypertable locked: statement timeout, exit 1 (exit $r, $(elapsed "$t0") s)"; show "$WORK/rf.out" "$WORK/rf.err"; fi
# archive of a chunk locked ACCESS EXCLUSIVE: --statement-timeout bounds the COPY, nothing written
CH=$(qf "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' ORDER BY range_start DESC LIMIT 1")
hold "ACCESS EXCLUSIVE" "$CH" 300 || nok "another session locks $CH"
t0=$(date +%s)
run ar "$BIN" archive "$CH" --out "$WORK/chunk.csv" --lock-timeout 60 --statement-timeout 2 "$F"
if [ $r = 1 ] && grep -qi 'statement timeout' "$WORK/ar.err" && [ "$(elapsed "$t0")" -le 15 ] && [ ! -e "$WORK/chunk.csv" ] && [ ! -e "$WORK/chunk.csv.tmp" ]; then
  ok "archive --statement-timeout 2 of a locked chunk: exit 1 after $(elapsed "$t0") s, no file, no temp file: $(head -1 "$WORK/ar.err" | cut -c1-90)"
else nok "archive --statement-timeout 2 of a locked chunk: statement timeout, nothing written (exit $r, $(elapsed "$t0") s)"; show "$WORK/ar.out" "$WORK/ar.err"; ls -la "$WORK" | grep chunk | show; fi
unhold
# the console: c on f.readings, Enter, the step waits for the lock; k cancels it
hold EXCLUSIVE "$ELIGIBLE" 300 || nok "another session locks $ELIGIBLE"
A=act
start_console $A "$F" 160 50 --interval 1 --lock-timeout 60 --log "$WORK/console.log"
if wait_for_text $A 'polled [0-9:]+ UTC' 30; then
  send $A 1 /
  send $A -l readings
  send $A Enter
  wait_for_text $A 'filter: readings' 5
  send $A c
  if wait_for_text $A "compress_chunk\\('$FIRST'::regclass" 30 && wait_for_text $A 'Enter / y runs' 5; then
    send $A Enter
    if waits tsdbtop 15; then
      ok "console: c + Enter on f.readings, the first step waits for the lock"
      t0=$(date +%s)
      send $A k
      if wait_for_text $A 'readings: 0/[0-9]+ steps, stopped' 10 && [ "$(fp)" = "$FP0" ]; then
        ok "console: k stops it within $(elapsed "$t0") s: '0/N steps, stopped', nothing changed"
      else nok "console: k stops the waiting step" ; scr $A; fi
      if grep -q '"event":"stop".*"result":"stopped by the operator (statement cancelled): canceling statement due to user request \[57014\]"' "$WORK/console.log"; then
        ok "console: the action log says stopped by the operator (statement cancelled) [57014]"
      else nok "console: the action log says the statement was cancelled"; show "$WORK/console.log"; fi
      sleep 1
      lo=$(leftovers)
      [ "$lo" = 0 ] && ok "console: after the stop no tsdbtop session is in a transaction or holds/waits for a chunk lock" ||
        nok "console: after the stop no tsdbtop session is busy or holds a chunk lock ($lo)"
    else nok "console: the step waits for the lock"; scr $A; fi
  else nok "console: c on f.readings shows the dialog with the SQL"; scr $A; fi
  send $A q
  [ "$(wait_exit $A 10)" = 0 ] && [ ! -s "$WORK/$A.err" ] && ok "console: q exits 0, nothing on stderr" ||
    { nok "console: q exits 0, nothing on stderr"; show "$WORK/$A.err"; }
else nok "console on $D polls"; scr $A; fi
unhold
i=0
while [ "$(qf "SELECT count(*) FROM pg_stat_activity WHERE datname = '$D' AND application_name IN ('tsdbtop', '$HOLDER')")" != 0 ] && [ $i -lt 50 ]; do
  sleep 0.1; i=$((i + 1))
done
n=$(qf "SELECT count(*) FROM pg_stat_activity WHERE datname = '$D' AND application_name IN ('tsdbtop', '$HOLDER')")
[ "$n" = 0 ] && [ "$(fp)" = "$FP0" ] && ok "actions: no session left behind, the database is as before" ||
  nok "actions: no session left behind ($n), the database as before"

# ---- 4. the server restarted while a policy runs ------------------------------------
if [ -z "${NATIVE_PGDATA:-}" ] || [ -z "${NATIVE_VERSION:-}" ]; then
  skip "server restarted while a policy runs" "no cluster of tests/tools/native.sh here (NATIVE_PGDATA unset)"
else
  R=rs
  DOWN=10
  start_console $R "$F" 160 50 --interval 1
  wait_for_text $R 'polled [0-9:]+ UTC' 30 && send $R 2 z
  if [ -z "$NOJOBS" ]; then
    # the policy compresses the oldest eligible chunk first, and waits for the lock on it
    hold EXCLUSIVE "$ELIGIBLE" 600 || nok "another session locks $ELIGIBLE"
    qf "SELECT alter_job($JC, scheduled => true, next_start => now())" >/dev/null
    if waits "%[$JC]" 30 && [ "$(qf "SELECT job_status FROM timescaledb_information.job_stats WHERE job_id = $JC")" = Running ]; then
      ok "compression policy $JC runs (job_status Running), waiting for the lock on $FIRST"
    else nok "compression policy $JC runs and waits for the lock"; fi
    started=$(qf "SELECT last_run_started_at FROM timescaledb_information.job_stats WHERE job_id = $JC")
    if wait_for_text $R "^│[^ ]* +$JC +(f\\.)?readings +[0-9a-z]+ +run(ning| [0-9])" 10; then ok "console: job $JC shown running ($(screen $R | grep -E "^│[^ ]* +$JC " | grep -Eo "run(ning| [0-9]+[a-z]+)" | head -1))"
    else todo "jobs table (pane_compression.c): a running job is not said to run" "console: job $JC shown running while it runs"; fi
    if screen $R | grep -E "^│[^ ]* +$JC " | grep -qi 'crash'; then
      todo "jobs collector (issue #12): bgw_job_stat.consecutive_crashes is already 1 while a run is in progress (mark_start counts a crash until mark_end takes it back): only a job not Running has crashed" \
        "console: job $JC is not said to have crashed while it runs ($(screen $R | grep -E "^│[^ ]* +$JC " | sed 's/  */ /g' | cut -c1-120))"
    else ok "console: job $JC is not said to have crashed while it runs"; fi
  else
    skip "a compression policy runs during the restart" "$NOJOBS"
  fi
  b0=$(qf "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' AND is_compressed")
  t0=$(date +%s)
  native_restart fast $DOWN >"$WORK/restart.log" 2>&1 &
  rp=$!
  # while it is down: the console says so, and its figures are marked old once older than
  # two intervals + 5 s (README: 'live' within that); DOWN covers it
  if wait_for_text $R 'reconnecting in|disconnected|unreachable|no answer' 10; then
    ok "console: while the server is down it says so ($(screen $R | grep -Eo '(reconnecting in|disconnected|unreachable|no answer)[^│]*' | head -1 | sed 's/  *$//' | cut -c1-80))"
  else nok "console: says the server is unreachable while it is down"; scr $R; fi
  if wait_for_text $R '2 Compression · [0-9a-z]+ old' $DOWN; then ok "console: the Compression pane's figures are marked old while it is down"
  else nok "console: the figures are marked old while the server is down"; scr $R; fi
  if wait $rp; then ok "server stopped (fast), down $DOWN s, started again ($(elapsed "$t0") s)"
  else nok "native_restart fast $DOWN"; show "$WORK/restart.log"; fi
  if alive $R && wait_for_text $R 'connected *$' 40 && wait_for_text $R '2 Compression · live' 40; then
    ok "console: still running after the restart, reconnected by itself, data live again"
  else nok "console: reconnects by itself after the restart" ; scr $R; fi
  if [ -z "$NOJOBS" ]; then
    st=$(qf "SELECT job_status || ' ' || coalesce(last_run_status, 'null') || ' ' || last_run_started_at FROM timescaledb_information.job_stats WHERE job_id = $JC")
    cr=$(qf "SELECT consecutive_crashes FROM $(qf "SELECT coalesce(to_regclass('_timescaledb_catalog.bgw_job_stat'), to_regclass('_timescaledb_internal.bgw_job_stat'))") WHERE job_id = $JC")
    ok "TimescaleDB records the interrupted run: job_stats '$st', consecutive_crashes $cr"
    "$BIN" --once --json "$F" >"$WORK/after.json" 2>/dev/null
    row=$(json_py "$WORK/after.json" "[(r['last_status'], r['last_start']) for r in d['panes']['jobs']['rows'] if r['id']==$JC]")
    ts_start=$(qf "SELECT to_char(last_run_started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM timescaledb_information.job_stats WHERE job_id = $JC")
    if [ "$row" = "[(None, '$ts_start')]" ]; then
      ok "after the restart: --once --json job $JC: last_status null, last_start $ts_start (the interrupted run; not Running, not Success)"
    else nok "after the restart: --once --json job $JC shows the interrupted run as TimescaleDB has it ($row; started $ts_start)"; fi
    why=$(json_py "$WORK/after.json" "[r['why'] for r in d['panes']['jobs']['rows'] if r['id']==$JC][0]")
    case $why in *interrupt*|*crash*|*restart*) ok "after the restart: the jobs row says the run was interrupted ($why)" ;;
      *) todo "jobs collector (issue #12): read bgw_job_stat.consecutive_crashes (or job_errors' row without sqlerrcode) and say 'interrupted (server restart or crash)'; the next start is held max(5 min, retry_period) after it, job_stats.next_start says -infinity" \
           "after the restart: the jobs row of $JC says its last run was interrupted (why '$why')" ;; esac
    b1=$(qf "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' AND is_compressed")
    [ "$b1" = "$b0" ] && ok "after the restart: no chunk was compressed by the interrupted run ($b0 compressed)" ||
      nok "after the restart: compressed chunks $b0 -> $b1"
    i=0
    while [ "$(qf "SELECT count(*) FROM pg_stat_activity WHERE datname = '$D' AND application_name = 'TimescaleDB Background Worker Scheduler'")" = 0 ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
    run sj "$BIN" --once --json "$F"
    sr=$(json_py "$WORK/sj.out" "d['panes']['jobs']['scheduler']['running']")
    [ "$sr" = True ] && ok "after the restart: the scheduler of $D runs again, and the JSON says so" || nok "after the restart: the scheduler runs again (JSON running '$sr')"
    if [ "${NATIVE_FAULTS_CRASH_WAIT:-0}" = 1 ]; then
      i=0
      while [ "$(qf "SELECT coalesce(last_run_status, '') FROM timescaledb_information.job_stats WHERE job_id = $JC AND last_run_started_at > '$started'")" = "" ] && [ $i -lt 420 ]; do
        sleep 2; i=$((i + 2))
      done
      "$BIN" --once --json "$F" >"$WORK/again.json" 2>/dev/null
      row=$(json_py "$WORK/again.json" "[r['last_status'] for r in d['panes']['jobs']['rows'] if r['id']==$JC]")
      b2=$(qf "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' AND is_compressed")
      [ "$row" = "['Success']" ] && [ "$b2" -gt "$b0" ] && ok "the job ran again by itself $((i)) s after the restart: Success, compressed chunks $b0 -> $b2" ||
        nok "the job runs again by itself after the crash hold (after $i s: $row, compressed $b0 -> $b2)"
    else
      skip "the job runs again by itself" "TimescaleDB holds an interrupted job back max(5 min, retry_period) (MIN_WAIT_AFTER_CRASH_MS); NATIVE_FAULTS_CRASH_WAIT=1 waits for it"
    fi
  fi
  send $R q
  [ "$(wait_exit $R 10)" = 0 ] && [ ! -s "$WORK/$R.err" ] && ok "console: q exits 0 after the restart, nothing on stderr" ||
    { nok "console: q exits 0 after the restart, nothing on stderr"; show "$WORK/$R.err"; }
fi
echo "# faults: $(elapsed "$t_start") s"
exit $rc
