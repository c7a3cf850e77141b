#!/bin/sh
# native tier: tsdbtop on native TimescaleDB, every supported release
# (tests/tools/native.sh builds them once per machine, cached outside the clone).
# Per version: deploy with both deployers (8 steps, views, routines), every pane
# and headless command on the MS5.0 layer, cross-checks against TimescaleDB's
# own functions on tests/native/fixture.sql, the helper scripts beside this one
# (layouts, caggs, job_run, compat, faults, screen; a missing one is skipped)
# and, where the scheduler really runs jobs, policies
# clearing a backlog and dropping chunks while tsdbtop watches.
# NATIVE_ONLY="2.28.3" picks versions. Every server is stopped, also on failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
. tests/tools/native.sh
BIN=$TOP/build/tsdbtop
WORK=$(mktemp -d /tmp/tsdbtop-native.XXXXXX)
[ "$(id -u)" = 0 ] && chmod 755 "$WORK"
cleanup() { native_stop immediate; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
rc=0
ok() { echo "ok - $NATIVE_VERSION: $*"; }
nok() { echo "not ok - $NATIVE_VERSION: $*"; rc=1; }
t() { name=$1; shift; if "$@" >"$WORK/last.log" 2>&1; then ok "$name"; else nok "$name"; sed 's/^/    # /' "$WORK/last.log" | head -30; fi; }
conn() { echo "host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=$1"; }
q() { psql -X -At -v ON_ERROR_STOP=1 "$(conn "$1")" -c "$2"; }

deploy_both() {
  native_create_db ms5a && native_create_db ms5b || { nok "databases created"; return; }
  t "tsdbtop deploy: 8 steps ok, validated" sh -c "'$BIN' deploy --yes '$(conn ms5a)' >'$WORK/d1' 2>&1; r=\$?; cat '$WORK/d1'; [ \$r = 0 ] && [ \$(grep -c '^ *ok\\|: ok\\| ok ' '$WORK/d1') -ge 8 ]"
  t "sql/deploy.sh: every step ok" sh sql/deploy.sh "$(conn ms5b)"
  t "both deployers made the same views and routines" sh -c "
    a=\$(psql -X -At '$(conn ms5a)' -c \"SELECT string_agg(p, ',' ORDER BY p) FROM (SELECT 'v:'||viewname p FROM pg_views WHERE schemaname='factory_telemetry' UNION ALL SELECT 'f:'||proname FROM pg_proc WHERE pronamespace='factory_telemetry'::regnamespace) s\")
    b=\$(psql -X -At '$(conn ms5b)' -c \"SELECT string_agg(p, ',' ORDER BY p) FROM (SELECT 'v:'||viewname p FROM pg_views WHERE schemaname='factory_telemetry' UNION ALL SELECT 'f:'||proname FROM pg_proc WHERE pronamespace='factory_telemetry'::regnamespace) s\")
    echo \"\$a\"; echo \"\$b\"; [ -n \"\$a\" ] && [ \"\$a\" = \"\$b\" ]"
  t "every MS5.0 view answers" sh -c "
    for v in \$(psql -X -At '$(conn ms5a)' -c \"SELECT viewname FROM pg_views WHERE schemaname='factory_telemetry' ORDER BY 1\"); do
      psql -X -At -v ON_ERROR_STOP=1 '$(conn ms5a)' -c \"SELECT count(*) FROM factory_telemetry.\\\"\$v\\\"\" >/dev/null || { echo \"view \$v failed\"; exit 1; }
    done"
  t "--once: every pane answers, no 'query failed'" sh -c "'$BIN' --once '$(conn ms5a)' >'$WORK/once' 2>&1; r=\$?; cat '$WORK/once'; [ \$r = 0 ] && ! grep -q 'query failed\\|(error)\\|(unavailable)' '$WORK/once'"
  t "check: every check answers (not UNKNOWN)" sh -c "'$BIN' check '$(conn ms5a)' >'$WORK/chk' 2>&1; r=\$?; cat '$WORK/chk'; [ \$r -le 2 ] && ! grep -q UNKNOWN '$WORK/chk'"
  for cmd in health metrics jobs; do
    t "tsdbtop $cmd" sh -c "'$BIN' $cmd '$(conn ms5a)'; [ \$? -le 2 ]"
  done
  t "tsdbtop compress --dry-run on metric_hist" "$BIN" compress factory_telemetry.metric_hist --dry-run "$(conn ms5a)"
  t "tsdbtop retention --set --dry-run on metric_hist" "$BIN" retention factory_telemetry.metric_hist --set 91d --dry-run "$(conn ms5a)"
  t "tsdbtop refresh --dry-run on an aggregate" "$BIN" refresh factory_telemetry.oee_hourly_aggregate --dry-run "$(conn ms5a)"
}

fixture_checks() {
  native_create_db xc || { nok "database xc"; return; }
  t "cross-check fixture loaded" psql -X -q -v ON_ERROR_STOP=1 "$(conn xc)" -f tests/native/fixture.sql
  python3 tests/native/crosscheck.py "$BIN" "$(conn xc)" "$NATIVE_VERSION" || rc=1
  for s in layouts caggs job_run compat faults jobs screen; do
    [ -f "tests/native/$s.sh" ] || continue
    echo "# tests/native/$s.sh $NATIVE_VERSION"
    sh "tests/native/$s.sh" "$(conn xc)" "$NATIVE_VERSION" || rc=1
  done
}

json() { # json DB PY-EXPR (d = the --once --json document)
  "$BIN" --once --json "$(conn "$1")" 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"
}

wait_for() { # wait_for SECS DB PY-EXPR WANT
  _i=0
  while [ "$_i" -lt "$1" ]; do
    [ "$(json "$2" "$3")" = "$4" ] && return 0
    sleep 2; _i=$((_i + 2))
  done
  echo "still $(json "$2" "$3") after $1 s (wanted $4)"; return 1
}

scheduler_checks() {
  # The policies of the fixture were paused; resume them and watch the console's figures follow.
  cm="[r for r in d['panes']['compression']['rows'] if r['schema']=='xc' and r['name']=='metrics'][0]['backlog']"
  rt="[r for r in d['panes']['retention']['rows'] if r['schema']=='xc' and r['name']=='metrics'][0]['drop_count']"
  q xc "SELECT decompress_chunk(c) FROM show_chunks('xc.metrics', older_than => now() - interval '14 days', newer_than => now() - interval '16 days') c" >/dev/null 2>&1
  before_b=$(json xc "$cm"); before_r=$(json xc "$rt")
  runs="sum(j['total_runs'] for j in d['panes']['jobs']['rows'] if j.get('hypertable_schema')=='xc' and j['proc'] in ('policy_compression','policy_retention'))"
  before_runs=$(json xc "$runs")
  t "backlog ($before_b) and retention drops ($before_r) seen before the policies run" test "${before_b:-0}" -gt 0 -a "${before_r:-0}" -gt 0
  q xc "SELECT count(*) FROM (SELECT alter_job(job_id, scheduled => true, next_start => now()) FROM timescaledb_information.jobs WHERE hypertable_schema = 'xc') s" >/dev/null
  t "the compression policy, run by the scheduler, clears the backlog (the console follows)" wait_for 90 xc "$cm" 0
  t "the retention policy, run by the scheduler, drops its chunks (the console follows)" wait_for 90 xc "$rt" 0
  after_runs=$(json xc "$runs")
  t "jobs pane: the policies' runs counted ($before_runs -> $after_runs) and their last status Success" sh -c "
    [ '${after_runs:-0}' -gt '${before_runs:-0}' ] && '$BIN' --once --json '$(conn xc)' | python3 -c \"import json,sys; d=json.load(sys.stdin); r=[j for j in d['panes']['jobs']['rows'] if j.get('hypertable_schema')=='xc' and j['proc'] in ('policy_compression','policy_retention')]; print(r); sys.exit(not r or any(j['last_status']!='Success' for j in r))\""
}

scheduler_fails_checks() {
  # PostgreSQL 17.12 + 2.29.2: every background job fails ("cannot drop portal"); the console must show it.
  q xc "SELECT count(*) FROM (SELECT alter_job(job_id, scheduled => true, next_start => now()) FROM timescaledb_information.jobs WHERE hypertable_schema = 'xc') s" >/dev/null
  t "jobs run by the scheduler on PostgreSQL 17.12 are shown failed" wait_for 90 xc \
    "'Failed' in [j['last_status'] for j in d['panes']['jobs']['rows'] if j.get('hypertable_schema')=='xc']" True
}

for v in ${NATIVE_ONLY:-$NATIVE_VERSIONS}; do
  NATIVE_VERSION=$v
  echo "# TimescaleDB $v"
  if ! native_ensure "$v" >"$WORK/ensure.log" 2>&1; then
    nok "built and installed"; sed 's/^/    # /' "$WORK/ensure.log"; continue
  fi
  if ! native_start "$v" "$WORK/$v"; then nok "server started"; continue; fi
  ok "server started (port $NATIVE_PORT, $(psql -X -At "$NATIVE_CONNINFO" -c 'SHOW server_version'))"
  deploy_both
  fixture_checks
  if native__chrooted "$v"; then scheduler_fails_checks; else scheduler_checks; fi
  native_stop
  NATIVE_PGDATA=
done
exit $rc
