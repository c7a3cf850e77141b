#!/bin/sh
# tests/sql/run.sh — tests of the factory_telemetry SQL layer (sql/) on the
# embedded TimescaleDB, through the launcher and the real psql client.
# TAP-like output: "ok - name" / "not ok - name" at column 0; exit 1 on any failure.
# Two in-memory databases: DB1 (deploy, structure, idempotence, routines, bad
# arguments), DB2 (a step broken on purpose, resume, demo data at SCALE 0.2).
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
export TOP
PSQL=${PSQL:-psql}
DEMO_SCALE=${SQL_TEST_DEMO_SCALE:-0.2}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsdb-sqltest.XXXXXX") || exit 1
. "$TOP/tests/tools/tsdb.sh"
cleanup() { tsdb_stop >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

PASS=0
FAIL=0
ok()    { PASS=$((PASS + 1)); echo "ok - $1"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done; }

DB=
q() { "$PSQL" -X -At -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

# t_eq NAME EXPECTED SQL: the query's -At output must equal EXPECTED
t_eq() {
  name=$1; exp=$2; sql=$3
  got=$(q -c "$sql" 2>"$tmp/err")
  if [ "$got" = "$exp" ]; then ok "$name"; else notok "$name" "expected: $exp" "got: $got" "$(cat "$tmp/err")"; fi
}
# t_true NAME SQL: the query must return exactly t
t_true() { t_eq "$1" t "$2"; }
# t_raises NAME SQL PATTERN [nohint]: the statement must fail with an error
# matching PATTERN, and (unless nohint) carry a HINT
t_raises() {
  name=$1; sql=$2; pat=$3; hint=${4:-hint}
  out=$(q -c "$sql" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] && printf '%s' "$out" | grep -q "ERROR:.*$pat"; then
    if [ "$hint" = nohint ] || printf '%s' "$out" | grep -q "HINT:"; then ok "$name"; else notok "$name" "no HINT in: $out"; fi
  else
    notok "$name" "expected an error matching: $pat" "rc=$rc output: $out"
  fi
}

# t_console_figures NAME: every figure the MS5.0 views share with the console
# equals the console query's figure, row by row (tests/sql/console_figures.sql,
# rendered with the console queries picked for this server, as deploy does).
FIGURES_EXPECTED="v_chunk_statistics 0 7
v_chunks 0 7
v_compression_jobs 0 7
v_compression_statistics 0 7
v_continuous_aggregate_status 0 8
v_data_age_distribution 0 7
v_retention_policies 0 7"
t_console_figures() {
  ver=$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'" 2>&1)
  pgn=$(q -c "SHOW server_version_num" 2>&1)
  if sh sql/deploy.sh --render tests/sql/console_figures.sql "$ver" "$pgn" >"$tmp/figures.sql" 2>"$tmp/err"; then
    t_eq "$1: the views' figures equal the console queries' row by row (TimescaleDB $ver)" "$FIGURES_EXPECTED" "$(cat "$tmp/figures.sql")"
  else notok "$1: the views' figures equal the console queries' row by row" "$(cat "$tmp/err")"; fi
}

# fingerprint of everything deploy declares (for "deploy twice changes nothing")
FP_SQL="SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT format('ht %s %s', hypertable_name, compression_enabled) x FROM timescaledb_information.hypertables
  UNION ALL SELECT format('dim %s %s %s', hypertable_name, column_name, time_interval) FROM timescaledb_information.dimensions
  UNION ALL SELECT format('job %s %s %s %s %s %s', job_id, proc_name, hypertable_name, config, schedule_interval, scheduled) FROM timescaledb_information.jobs
  UNION ALL SELECT format('cs %s %s %s %s', hypertable_name, attname, segmentby_column_index, orderby_column_index) FROM timescaledb_information.compression_settings
  UNION ALL SELECT format('rel %s %s %s', c.relname, c.relkind, obj_description(c.oid, 'pg_class')) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'factory_telemetry'
  UNION ALL SELECT format('proc %s %s', p.oid::regprocedure, md5(p.prosrc)) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'factory_telemetry'
  UNION ALL SELECT format('ca %s %s', view_name, materialized_only) FROM timescaledb_information.continuous_aggregates) s"

# snapshot of mutable state (for "bad arguments change nothing")
STATE_SQL="SELECT md5(coalesce((SELECT string_agg(format('%s:%s', id, status), ',' ORDER BY id) FROM _timescaledb_catalog.chunk WHERE NOT dropped), '')
   || coalesce((SELECT string_agg(format('%s:%s:%s', job_id, config, scheduled), ',' ORDER BY job_id) FROM timescaledb_information.jobs), '')
   || coalesce((SELECT string_agg(format('%s:%s', mat_hypertable_id, watermark), ',' ORDER BY mat_hypertable_id) FROM _timescaledb_catalog.continuous_aggs_watermark), ''))"

t0=$(date +%s)
# ====================================================================== DB1
if ! tsdb_start memory; then notok "start embedded database (DB1)"; exit 1; fi
DB=$TSDB_CONNINFO
ok "start embedded database (DB1)"

out=$(sh sql/deploy.sh "$DB" 2>&1); rc=$?
nsteps=$(printf '%s\n' "$out" | grep -c '^step [0-9]*/[0-9]* .* \.\.\. ok$')
if [ $rc -eq 0 ] && [ "$nsteps" -eq 8 ]; then ok "deploy on a fresh database: 8 steps ok"
else notok "deploy on a fresh database: 8 steps ok" "rc=$rc" "$out"; fi

t_eq "exactly the seven hypertables with their time columns and chunk intervals" \
"downtime_events start_time 7 days
energy_consumption consumption_time 1 day
fault_event ts_on 1 day
metric_hist ts 01:00:00
oee_calculations calculation_time 1 day
production_kpis kpi_date 7 days
quality_checks check_time 7 days" \
"SELECT h.hypertable_name || ' ' || d.column_name || ' ' || d.time_interval
   FROM timescaledb_information.hypertables h
   JOIN timescaledb_information.dimensions d USING (hypertable_schema, hypertable_name)
  WHERE h.hypertable_schema = 'factory_telemetry' ORDER BY 1"

t_eq "no space partitioning (one dimension each), no hypertable outside factory_telemetry" "7 7" \
"SELECT count(*) FILTER (WHERE num_dimensions = 1) || ' ' || count(*) FROM timescaledb_information.hypertables"

t_eq "compression settings: segmentby / orderby" \
"downtime_events line_id,category start_time DESC
energy_consumption equipment_code consumption_time DESC
fault_event equipment_code ts_on DESC
metric_hist metric_def_id ts DESC
oee_calculations line_id,equipment_code calculation_time DESC
production_kpis line_id,shift_id kpi_date DESC
quality_checks line_id,check_type check_time DESC" \
"SELECT hypertable_name || ' ' ||
        string_agg(attname::text, ',' ORDER BY segmentby_column_index) FILTER (WHERE segmentby_column_index IS NOT NULL) || ' ' ||
        string_agg(attname || CASE WHEN orderby_asc THEN '' ELSE ' DESC' END, ',' ORDER BY orderby_column_index) FILTER (WHERE orderby_column_index IS NOT NULL)
   FROM timescaledb_information.compression_settings WHERE hypertable_schema = 'factory_telemetry'
  GROUP BY hypertable_name ORDER BY 1"

t_eq "compression policies: compress_after" \
"downtime_events 30 days
energy_consumption 7 days
fault_event 14 days
metric_hist 7 days
oee_calculations 7 days
production_kpis 14 days
quality_checks 30 days" \
"SELECT hypertable_name || ' ' || (config->>'compress_after')::interval FROM timescaledb_information.jobs
  WHERE proc_name = 'policy_compression' AND hypertable_schema = 'factory_telemetry' ORDER BY 1"

t_eq "retention policies: drop_after" \
"downtime_events 2 years
energy_consumption 1 year
fault_event 1 year
metric_hist 90 days
oee_calculations 2 years
production_kpis 3 years
quality_checks 7 years" \
"SELECT hypertable_name || ' ' || (config->>'drop_after')::interval FROM timescaledb_information.jobs
  WHERE proc_name = 'policy_retention' AND hypertable_schema = 'factory_telemetry' ORDER BY 1"

t_eq "index counts per hypertable (all commented; time-desc, composite, covering, partial present)" \
"downtime_events 6 6 1 1
energy_consumption 4 4 1 1
fault_event 6 6 1 1
metric_hist 5 5 2 2
oee_calculations 5 5 1 1
production_kpis 4 4 1 1
quality_checks 6 6 1 1
total 36" \
"SELECT t.relname || ' ' || count(*) || ' ' || count(obj_description(i.oid, 'pg_class')) || ' ' ||
        count(*) FILTER (WHERE x.indnkeyatts < x.indnatts) || ' ' || count(*) FILTER (WHERE x.indpred IS NOT NULL)
   FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
   JOIN _timescaledb_catalog.hypertable h ON h.schema_name = 'factory_telemetry' AND h.table_name = t.relname
   JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'factory_telemetry'
  GROUP BY t.relname
 UNION ALL
 SELECT 'total ' || count(*) FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
   JOIN _timescaledb_catalog.hypertable h ON h.schema_name = 'factory_telemetry' AND h.table_name = t.relname
   JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'factory_telemetry'
  ORDER BY 1"

t_eq "8 continuous aggregates with refresh policies (schedule, start/end offset)" \
"downtime_daily_aggregate 01:00:00 35 days 01:00:00
energy_daily_aggregate 01:00:00 35 days 01:00:00
energy_hourly_aggregate 00:05:00 3 days 01:00:00
metric_daily_aggregate 01:00:00 35 days 01:00:00
metric_hourly_aggregate 00:05:00 3 days 01:00:00
oee_daily_aggregate 01:00:00 35 days 01:00:00
oee_hourly_aggregate 00:05:00 3 days 01:00:00
quality_daily_aggregate 01:00:00 35 days 01:00:00" \
"SELECT ca.view_name || ' ' || j.schedule_interval || ' ' || (j.config->>'start_offset')::interval || ' ' || (j.config->>'end_offset')::interval
   FROM timescaledb_information.continuous_aggregates ca
   JOIN _timescaledb_catalog.continuous_agg c ON c.user_view_schema = ca.view_schema AND c.user_view_name = ca.view_name
   JOIN timescaledb_information.jobs j ON j.proc_name = 'policy_refresh_continuous_aggregate'
                                      AND (j.config->>'mat_hypertable_id')::int = c.mat_hypertable_id
  WHERE ca.view_schema = 'factory_telemetry' ORDER BY 1"

t_true "cagg start_offset < drop_after of its raw hypertable, for every cagg" \
"SELECT bool_and((jr.config->>'start_offset')::interval < (rp.config->>'drop_after')::interval) AND count(*) = 8
   FROM _timescaledb_catalog.continuous_agg c
   JOIN _timescaledb_catalog.hypertable rh ON rh.id = c.raw_hypertable_id
   JOIN timescaledb_information.jobs jr ON jr.proc_name = 'policy_refresh_continuous_aggregate' AND (jr.config->>'mat_hypertable_id')::int = c.mat_hypertable_id
   JOIN timescaledb_information.jobs rp ON rp.proc_name = 'policy_retention' AND rp.hypertable_schema = rh.schema_name AND rp.hypertable_name = rh.table_name
  WHERE c.user_view_schema = 'factory_telemetry'"

VIEWS="v_chunk_statistics v_compression_statistics v_compression_jobs v_retention_policies v_data_age_distribution v_index_usage_stats v_missing_indexes_analysis v_continuous_aggregate_status v_realtime_production_dashboard"
missing=""
for v in $VIEWS; do
  r=$(q -c "SELECT to_regclass('factory_telemetry.$v') IS NOT NULL" 2>&1)
  [ "$r" = t ] || missing="$missing $v"
done
if [ -z "$missing" ]; then ok "the nine monitoring views exist"; else notok "the nine monitoring views exist" "missing:$missing"; fi

t_eq "management routines exist with their signatures (refresh is a procedure)" \
"compress_all_eligible_chunks(text,interval) f
compress_chunk_manual(text) f
decompress_chunk_manual(text) f
disable_retention_policy(text) f
enable_retention_policy(text) f
modify_retention_policy(text,interval) f
refresh_continuous_aggregate(text,timestamp with time zone,timestamp with time zone) p" \
"SELECT regexp_replace(p.oid::regprocedure::text, '^factory_telemetry\.', '') || ' ' || p.prokind::text
   FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'factory_telemetry' AND p.proname NOT LIKE '\_%' ORDER BY 1"

# ---------------------------------------------------------------- deploy twice
fp1=$(q -c "$FP_SQL" 2>&1)
out=$(sh sql/deploy.sh "$DB" 2>&1); rc=$?
nsteps=$(printf '%s\n' "$out" | grep -c '^step [0-9]*/[0-9]* .* \.\.\. ok$')
fp2=$(q -c "$FP_SQL" 2>&1)
if [ $rc -eq 0 ] && [ "$nsteps" -eq 8 ] && ! printf '%s' "$out" | grep -q 'WARNING\|FAILED'; then
  ok "deploy twice: all 8 steps ok again, no warning"
else notok "deploy twice: all 8 steps ok again, no warning" "rc=$rc" "$out"; fi
if [ -n "$fp1" ] && [ "$fp1" = "$fp2" ]; then ok "deploy twice: catalog fingerprint unchanged"
else notok "deploy twice: catalog fingerprint unchanged" "$fp1" "$fp2"; fi

out=$(sh sql/deploy.sh "$DB" --from-step 7 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -c 'skipped$')" -eq 6 ]; then ok "deploy --from-step 7 skips steps 1-6"
else notok "deploy --from-step 7 skips steps 1-6" "$out"; fi
out=$(sh sql/deploy.sh "$DB" --from-step x 2>&1); rc=$?
if [ $rc -eq 2 ]; then ok "deploy with a bad --from-step: usage error"; else notok "deploy with a bad --from-step: usage error" "rc=$rc $out"; fi

# ---------------------------------------------------------------- routines on small data
# metric_hist samples at now-20d (3 h), now-10d (2 h), now-2h (2 h): 7 one-hour chunks
q -q -c "INSERT INTO factory_telemetry.metric_hist (metric_def_id, ts, value_real)
         SELECT m, ts, 20 + m FROM generate_series(1, 3) m,
           (SELECT generate_series(date_trunc('hour', now()) - interval '20 days', date_trunc('hour', now()) - interval '20 days' + interval '179 minutes', interval '1 minute')
            UNION ALL SELECT generate_series(date_trunc('hour', now()) - interval '10 days', date_trunc('hour', now()) - interval '10 days' + interval '119 minutes', interval '1 minute')
            UNION ALL SELECT generate_series(date_trunc('hour', now()) - interval '2 hours', date_trunc('hour', now()) - interval '1 minute', interval '1 minute')) s(ts)" >/dev/null 2>&1
t_eq "test data: 7 metric_hist chunks, none compressed" "7 0" \
"SELECT count(*) || ' ' || count(*) FILTER (WHERE is_compressed) FROM factory_telemetry.v_chunks WHERE hypertable_name = 'metric_hist'"

# a hypertable outside factory_telemetry, for the "chunk of another schema" checks
q -q -c "CREATE TABLE public.sqltest_other (ts timestamptz NOT NULL, v int);
         SELECT public.create_hypertable('public.sqltest_other', 'ts', chunk_time_interval => interval '1 day');
         INSERT INTO public.sqltest_other VALUES (now() - interval '30 days', 1);
         ALTER TABLE public.sqltest_other SET (timescaledb.compress)" >/dev/null 2>&1
other_chunk=$(q -c "SELECT c FROM public.show_chunks('public.sqltest_other') c LIMIT 1")

state0=$(q -c "$STATE_SQL")
t_raises "compress_all_eligible_chunks: unknown table raises" \
  "SELECT * FROM factory_telemetry.compress_all_eligible_chunks('no_such_table')" "is not a hypertable of schema factory_telemetry"
t_raises "compress_all_eligible_chunks: a name with a quote raises" \
  "SELECT * FROM factory_telemetry.compress_all_eligible_chunks('metric_hist\"; DROP TABLE x; --')" "invalid hypertable name"
t_raises "compress_all_eligible_chunks: a table of another schema raises" \
  "SELECT * FROM factory_telemetry.compress_all_eligible_chunks('public.sqltest_other')" "invalid hypertable name"
t_raises "compress_all_eligible_chunks: negative interval raises" \
  "SELECT * FROM factory_telemetry.compress_all_eligible_chunks('metric_hist', interval '-1 day')" "must be a positive interval"
t_raises "compress_all_eligible_chunks: zero interval raises" \
  "SELECT * FROM factory_telemetry.compress_all_eligible_chunks('metric_hist', interval '0')" "must be a positive interval"
t_raises "compress_chunk_manual: chunk of another schema's hypertable raises" \
  "SELECT factory_telemetry.compress_chunk_manual('$other_chunk')" "not to a factory_telemetry hypertable"
t_raises "compress_chunk_manual: a non-chunk table raises" \
  "SELECT factory_telemetry.compress_chunk_manual('pg_catalog.pg_class')" "does not exist"
t_raises "decompress_chunk_manual: odd characters raise" \
  "SELECT factory_telemetry.decompress_chunk_manual('_hyper_1_1_chunk; select 1')" "invalid chunk name"
t_raises "modify_retention_policy: zero interval raises" \
  "SELECT factory_telemetry.modify_retention_policy('metric_hist', interval '0 days')" "must be a positive interval"
t_raises "modify_retention_policy: negative interval raises" \
  "SELECT factory_telemetry.modify_retention_policy('metric_hist', interval '-5 days')" "must be a positive interval"
t_raises "modify_retention_policy: unknown table raises" \
  "SELECT factory_telemetry.modify_retention_policy('metric_history', interval '5 days')" "is not a hypertable"
t_raises "modify_retention_policy: upper-case / quoted name raises" \
  "SELECT factory_telemetry.modify_retention_policy('\"Metric_Hist\"', interval '5 days')" "invalid hypertable name"
t_raises "disable_retention_policy: unknown table raises" \
  "SELECT factory_telemetry.disable_retention_policy('pg_class')" "is not a hypertable"
t_raises "enable_retention_policy: NULL raises" \
  "SELECT factory_telemetry.enable_retention_policy(NULL)" "invalid hypertable name"
t_raises "refresh_continuous_aggregate: unknown aggregate raises" \
  "CALL factory_telemetry.refresh_continuous_aggregate('metric_hist', now() - interval '1 day', now())" "is not a continuous aggregate"
t_raises "refresh_continuous_aggregate: empty window raises" \
  "CALL factory_telemetry.refresh_continuous_aggregate('metric_hourly_aggregate', now(), now() - interval '1 day')" "refresh window is empty"
state1=$(q -c "$STATE_SQL")
if [ -n "$state0" ] && [ "$state0" = "$state1" ]; then ok "bad arguments changed nothing (chunks, jobs, watermarks)"
else notok "bad arguments changed nothing (chunks, jobs, watermarks)" "$state0" "$state1"; fi

# compress_all_eligible_chunks compresses exactly the chunks older than the interval
eligible=$(q -c "SELECT string_agg(chunk_name, ',' ORDER BY chunk_name) FROM factory_telemetry.v_chunks
                  WHERE hypertable_name = 'metric_hist' AND range_end <= now() - interval '5 days'")
rows=$(q -c "SELECT string_agg(chunk_name || ':' || action, ',' ORDER BY chunk_name)
               FROM factory_telemetry.compress_all_eligible_chunks('metric_hist', interval '5 days')" 2>&1)
after=$(q -c "SELECT coalesce(string_agg(chunk_name, ',' ORDER BY chunk_name), '') FROM factory_telemetry.v_chunks
               WHERE hypertable_name = 'metric_hist' AND is_compressed")
n_el=$(printf '%s' "$eligible" | tr ',' '\n' | grep -c .)
if [ "$n_el" -eq 5 ] && [ "$after" = "$eligible" ] && [ "$(printf '%s' "$rows" | grep -o ':compressed' | wc -l)" -eq 5 ]; then
  ok "compress_all_eligible_chunks compresses the 5 eligible chunks and nothing else"
else notok "compress_all_eligible_chunks compresses the 5 eligible chunks and nothing else" "eligible=$eligible" "compressed=$after" "rows=$rows"; fi
t_eq "compress_all_eligible_chunks again: 5 rows 'already compressed'" "5 already compressed" \
"SELECT count(*) || ' ' || min(action) FROM factory_telemetry.compress_all_eligible_chunks('metric_hist', interval '5 days') HAVING min(action) = max(action)"
t_true "compressed data still readable (row count unchanged)" \
"SELECT count(*) = 3 * (180 + 120 + 120) FROM factory_telemetry.metric_hist"

c1=$(q -c "SELECT chunk FROM factory_telemetry.v_chunks WHERE hypertable_name = 'metric_hist' AND is_compressed ORDER BY range_start LIMIT 1")
c1n=${c1#*.}
t_eq "decompress_chunk_manual: true, chunk uncompressed, then false" "t
f
f" \
"SELECT factory_telemetry.decompress_chunk_manual('$c1');
 SELECT is_compressed FROM factory_telemetry.v_chunks WHERE chunk = '$c1';
 SELECT factory_telemetry.decompress_chunk_manual('$c1n')"
t_eq "compress_chunk_manual: true, chunk compressed, then false" "t
t
f" \
"SELECT factory_telemetry.compress_chunk_manual('$c1n');
 SELECT is_compressed FROM factory_telemetry.v_chunks WHERE chunk = '$c1';
 SELECT factory_telemetry.compress_chunk_manual('$c1')"
cc=$(q -c "SELECT format('%I.%I', z.schema_name, z.table_name) FROM _timescaledb_catalog.chunk c JOIN _timescaledb_catalog.chunk z ON z.id = c.compressed_chunk_id LIMIT 1")
t_raises "decompress_chunk_manual: an internal compressed-data chunk raises" \
  "SELECT factory_telemetry.decompress_chunk_manual('$cc')" "not to a factory_telemetry hypertable"

job=$(q -c "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = 'metric_hist'")
t_eq "modify_retention_policy changes drop_after of the same job" "t
$job 120 days" \
"SELECT factory_telemetry.modify_retention_policy('metric_hist', interval '120 days');
 SELECT job_id || ' ' || (config->>'drop_after')::interval FROM timescaledb_information.jobs
  WHERE proc_name = 'policy_retention' AND hypertable_name = 'metric_hist'"
t_eq "disable_retention_policy pauses the job (true), twice: false" "t
f
f" \
"SELECT factory_telemetry.disable_retention_policy('metric_hist');
 SELECT scheduled FROM timescaledb_information.jobs WHERE job_id = $job;
 SELECT factory_telemetry.disable_retention_policy('metric_hist')"
t_eq "enable_retention_policy resumes the job (true), twice: false" "t
t
f" \
"SELECT factory_telemetry.enable_retention_policy('factory_telemetry.metric_hist');
 SELECT scheduled FROM timescaledb_information.jobs WHERE job_id = $job;
 SELECT factory_telemetry.enable_retention_policy('metric_hist')"
out=$(q -c "SELECT factory_telemetry.modify_retention_policy('metric_hist', interval '2 days')" 2>&1)
if printf '%s' "$out" | grep -q 'WARNING:.*refresh window'; then ok "modify_retention_policy warns when drop_after cuts into a refresh window"
else notok "modify_retention_policy warns when drop_after cuts into a refresh window" "$out"; fi
q -q -c "SELECT factory_telemetry.modify_retention_policy('metric_hist', interval '90 days')" >/dev/null 2>&1

t_eq "metric_hourly_aggregate never materialized before the refresh" "never" \
"SELECT coalesce(watermark::text, 'never') FROM factory_telemetry.v_continuous_aggregate_status WHERE view_name = 'metric_hourly_aggregate'"
out=$(q -c "CALL factory_telemetry.refresh_continuous_aggregate('metric_hourly_aggregate', now() - interval '30 days', now())" 2>&1); rc=$?
t_true "refresh_continuous_aggregate procedure moves the watermark to within the last 2 hours (CALL rc=$rc)" \
"SELECT watermark > now() - interval '2 hours' FROM factory_telemetry.v_continuous_aggregate_status WHERE view_name = 'metric_hourly_aggregate'"
t_raises "refresh_continuous_aggregate inside a transaction block raises" \
  "BEGIN; CALL factory_telemetry.refresh_continuous_aggregate('metric_daily_aggregate', now() - interval '30 days', now()); COMMIT;" "transaction block" nohint

out=$(sh sql/deploy.sh "$DB" 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'WARNING:.*metric_hist.*120 days\|WARNING' ; then :; fi
if [ $rc -eq 0 ]; then ok "deploy on a database with compressed chunks and data: ok"
else notok "deploy on a database with compressed chunks and data: ok" "$out"; fi

t_true "views on DB1 return sane rows" \
"SELECT (SELECT count(*) FROM factory_telemetry.v_chunk_statistics) = 7
    AND (SELECT num_chunks = 7 AND compressed_chunks = 5 FROM factory_telemetry.v_chunk_statistics WHERE hypertable_name = 'metric_hist')
    AND (SELECT compressed_chunks = 5 AND rows_before = 3 * 300 FROM factory_telemetry.v_compression_statistics WHERE hypertable_name = 'metric_hist')
    AND (SELECT count(*) FROM factory_telemetry.v_compression_jobs) = 7
    AND (SELECT count(*) FROM factory_telemetry.v_retention_policies) = 7
    AND (SELECT sum(chunks) FROM factory_telemetry.v_data_age_distribution WHERE hypertable_name = 'metric_hist') = 7
    AND (SELECT count(*) FROM factory_telemetry.v_index_usage_stats WHERE purpose IS NOT NULL) >= 36
    AND (SELECT count(*) >= 0 FROM factory_telemetry.v_missing_indexes_analysis)
    AND (SELECT count(*) FROM factory_telemetry.v_continuous_aggregate_status) = 8
    AND (SELECT count(*) = 0 FROM factory_telemetry.v_realtime_production_dashboard)"

t_console_figures "DB1 (small fixture, 5 compressed chunks)"

out=$(sh sql/deploy.sh --render sql/deploy/06_monitoring_views.sql 2.13.0 2>&1); rc=$?
if [ $rc -ne 0 ] && printf '%s' "$out" | grep -q "console query 'compression', and the console has none for TimescaleDB 2.13.0"; then
  ok "step 7 needs the console's queries: refused for a TimescaleDB without them (2.13), saying which"
else notok "step 7 needs the console's queries: refused for a TimescaleDB without them (2.13), saying which" "rc=$rc" "$out"; fi

# ====================================================================== DB2
if ! tsdb_start memory; then notok "start embedded database (DB2)"; exit 1; fi
DB=$TSDB_CONNINFO
ok "start embedded database (DB2)"

# a copy of sql/ whose continuous-aggregates step fails after creating objects
cp -R sql "$tmp/sqlcopy"
step=$(ls "$tmp/sqlcopy/deploy" | grep continuous_aggregates)
printf '\n-- injected by tests/sql/run.sh\nSELECT 1 / 0 AS broken_on_purpose;\n' >>"$tmp/sqlcopy/deploy/$step"
out=$(TSDB_SQL_DIR="$tmp/sqlcopy" sh sql/deploy.sh "$DB" 2>&1); rc=$?
if [ $rc -ne 0 ] && printf '%s' "$out" | grep -q '^step 6/8 continuous_aggregates \.\.\. FAILED' \
   && printf '%s' "$out" | grep -q 'division by zero' && printf '%s' "$out" | grep -q '^step 5/8 retention \.\.\. ok'; then
  ok "broken step: deploy stops at step 6 with the server's error, non-zero exit"
else notok "broken step: deploy stops at step 6 with the server's error, non-zero exit" "rc=$rc" "$out"; fi
t_eq "broken step: rolled back (no cagg, no refresh policy), earlier steps kept" "0 0 14 0" \
"SELECT (SELECT count(*) FROM _timescaledb_catalog.continuous_agg) || ' ' ||
        (SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_refresh_continuous_aggregate') || ' ' ||
        (SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name IN ('policy_compression', 'policy_retention')) || ' ' ||
        (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'factory_telemetry' AND c.relname LIKE '%aggregate')"
out=$(sh sql/deploy.sh "$DB" --from-step 6 2>&1); rc=$?
if [ $rc -eq 0 ] && [ "$(q -c "SELECT count(*) FROM _timescaledb_catalog.continuous_agg")" = 8 ]; then
  ok "resume with --from-step 6: 8 continuous aggregates"
else notok "resume with --from-step 6: 8 continuous aggregates" "$out"; fi

# ---------------------------------------------------------------- demo data
d0=$(date +%s)
out=$(sh sql/demo/load.sh "$DB" "$DEMO_SCALE" 2>&1); rc=$?
d1=$(date +%s)
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'compression ratio [0-9.-]* %'; then
  ok "demo load at scale $DEMO_SCALE ($((d1 - d0)) s): $(printf '%s' "$out" | grep -o 'compression ratio [0-9.-]* %')"
else notok "demo load at scale $DEMO_SCALE" "rc=$rc" "$out"; fi

t_true "demo: all seven hypertables have data" \
"SELECT bool_and(num_chunks > 0) AND count(*) = 7 FROM factory_telemetry.v_chunk_statistics"
t_true "demo: compressed chunks and chunks past compress_after still uncompressed" \
"SELECT sum(chunks_compressed) > 0 AND (SELECT chunks_eligible > 0 AND job_health = 'backlog' FROM factory_telemetry.v_compression_jobs WHERE hypertable_name = 'metric_hist')
   FROM factory_telemetry.v_compression_jobs"
t_true "demo: metric_hist chunks past drop_after (90 days) still present" \
"SELECT chunks_eligible_for_deletion > 0 AND oldest_chunk_start < now() - interval '95 days'
   FROM factory_telemetry.v_retention_policies WHERE hypertable_name = 'metric_hist'"
t_true "demo: caggs at different watermarks, quality_daily never refreshed" \
"SELECT count(DISTINCT watermark) >= 5 AND bool_or(view_name = 'quality_daily_aggregate' AND watermark IS NULL)
        AND count(*) FILTER (WHERE watermark IS NULL) = 1
   FROM factory_telemetry.v_continuous_aggregate_status"
t_true "demo: no policy has ever run" \
"SELECT coalesce(sum(total_runs), 0) = 0 FROM (SELECT total_runs FROM factory_telemetry.v_compression_jobs
   UNION ALL SELECT total_runs FROM factory_telemetry.v_retention_policies
   UNION ALL SELECT total_runs FROM factory_telemetry.v_continuous_aggregate_status) s"
t_true "demo: metric_hist compression ratio positive (hypertable_compression_stats)" \
"SELECT after_compression_total_bytes < before_compression_total_bytes FROM public.hypertable_compression_stats('factory_telemetry.metric_hist')"
t_true "demo: dashboard shows 3 lines, line 2 down, active faults" \
"SELECT count(*) = 3 AND bool_or(line_id = 2 AND status = 'down') AND sum(active_faults) >= 2
        AND bool_and(oee_24h IS NOT NULL)
   FROM factory_telemetry.v_realtime_production_dashboard"
t_true "demo: data age distribution spans current to 90-365 days" \
"SELECT count(DISTINCT age_band) >= 5 AND bool_or(age_band = '90-365 days') FROM factory_telemetry.v_data_age_distribution"
t_console_figures "demo"
n1=$(q -c "SELECT count(*) FROM factory_telemetry.metric_hist")
out=$(sh sql/demo/load.sh "$DB" "$DEMO_SCALE" 2>&1); rc=$?
n2=$(q -c "SELECT count(*) FROM factory_telemetry.metric_hist")
if [ $rc -eq 0 ] && [ "$n1" = "$n2" ] && printf '%s' "$out" | grep -q skipping; then ok "demo load twice: skipped, no duplicates ($n1 rows)"
else notok "demo load twice: skipped, no duplicates" "$n1 $n2 $out"; fi
out=$(sh sql/deploy.sh "$DB" 2>&1); rc=$?
if [ $rc -eq 0 ]; then ok "deploy again on the loaded demo database: ok"; else notok "deploy again on the loaded demo database: ok" "$out"; fi

echo "# sql tests: $PASS passed, $FAIL failed in $(( $(date +%s) - t0 )) s"
[ "$FAIL" -eq 0 ]
