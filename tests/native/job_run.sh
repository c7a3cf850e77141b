#!/bin/sh
# tests/native/job_run.sh CONNINFO [VERSION]: `tsdbtop job run ID` where the
# TimescaleDB scheduler runs (a native server): alter_job next_start => now(),
# the scheduler then runs the job (job_stats.last_run_started_at moves), the
# output says which path it took; a second run-now while the job runs is
# refused. Prints "ok - ..." / "not ok - ..."; exit 1 on any failure.
set -u
C=${1:?usage: job_run.sh CONNINFO [VERSION]}
V=${2:-}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$TOP/build/tsdbtop}
W=$(mktemp -d /tmp/tsdbtop-jobrun.XXXXXX)
rc=0
ok() { echo "ok - ${V:+$V: }job run: $*"; }
nok() { echo "not ok - ${V:+$V: }job run: $*"; rc=1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$C" -c "$1"; }
J=""
cleanup() {
  [ -n "$J" ] && q "SELECT delete_job($J)" >/dev/null 2>&1
  q "DROP PROCEDURE IF EXISTS public.tsdbtop_jobrun_probe(int, jsonb)" >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT INT TERM

if [ "$(q "SELECT count(*) > 0 FROM pg_stat_activity WHERE backend_type = 'TimescaleDB Background Worker Scheduler' AND datname = current_database()")" != t ]; then
  echo "ok - ${V:+$V: }job run: # SKIP no scheduler runs for this database"
  exit 0
fi
q "CREATE OR REPLACE PROCEDURE public.tsdbtop_jobrun_probe(job_id int, config jsonb) LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_sleep(6); END \$\$" ||
  { nok "probe procedure"; exit 1; }
J=$(q "SELECT add_job('public.tsdbtop_jobrun_probe', '1 day', initial_start => now() + interval '1 day')")
[ -n "$J" ] || { nok "add_job"; exit 1; }
before=$(q "SELECT coalesce(last_run_started_at::text, 'never') FROM timescaledb_information.job_stats WHERE job_id = $J")

"$BIN" job run "$J" --read-only "$C" >"$W/out" 2>"$W/err"; r=$?
if [ "$r" = 1 ] && grep -qi "read-only" "$W/err" &&
   [ "$(q "SELECT next_start > now() + interval '1 hour' FROM timescaledb_information.job_stats WHERE job_id = $J")" = t ]; then
  ok "--read-only refuses run now (exit 1), nothing scheduled"
else
  nok "--read-only refuses run now (rc $r)"; sed 's/^/    # /' "$W/out" "$W/err"
fi

"$BIN" job run "$J" "$C" >"$W/out" 2>"$W/err"; r=$?
if [ "$r" = 0 ] && grep -q "^1/1 step  schedule job $J now via alter_job (next_start => now()): ok" "$W/out" &&
   grep -q "^Run now job $J: scheduled now via alter_job; the scheduler will run it (" "$W/out"; then
  ok "exit 0, says: scheduled now via alter_job; the scheduler will run it"
else
  nok "exit 0, says: scheduled now via alter_job (rc $r)"; sed 's/^/    # /' "$W/out" "$W/err"
fi

i=0; started=""
while [ $i -lt 30 ]; do
  started=$(q "SELECT last_run_started_at::text FROM timescaledb_information.job_stats WHERE job_id = $J AND last_run_started_at > '-infinity'")
  [ -n "$started" ] && [ "$started" != "$before" ] && break
  sleep 1; i=$((i + 1))
done
if [ -n "$started" ] && [ "$started" != "$before" ]; then
  ok "the scheduler ran it: last_run_started_at $before -> $started (${i} s)"
else
  nok "the scheduler ran it: last_run_started_at still $before after 30 s"
fi

# still running (the probe sleeps 6 s): refused, one line, exit 1
if [ "$(q "SELECT job_status FROM timescaledb_information.job_stats WHERE job_id = $J")" = Running ]; then
  "$BIN" job run "$J" "$C" >"$W/out" 2>"$W/err"; r=$?
  if [ "$r" = 1 ] && grep -q "job $J is running now" "$W/err"; then
    ok "run now while it runs: refused (exit 1)"
  else
    nok "run now while it runs: refused (rc $r)"; sed 's/^/    # /' "$W/out" "$W/err"
  fi
else
  echo "ok - ${V:+$V: }job run: # SKIP the run ended before the second run-now"
fi

exit $rc
