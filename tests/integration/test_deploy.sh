#!/bin/sh
# Integration: `tsdbtop deploy` on a fresh in-memory embedded TimescaleDB
# (started here), native PostgreSQL 15 (TSDBTOP_PG15: no TimescaleDB) and a
# port with no server. Prints "ok - name" / "not ok - name" lines.
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
export TOP
BIN=${TSDBTOP_BIN:-build/tsdbtop}
T=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-deploy.XXXXXX")
. tests/tools/tsdb.sh
cleanup() { tsdb_stop >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
FAILS=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; FAILS=$((FAILS + 1)); }
# verdict STATUS NAME: ok when STATUS (the $? of the condition just run) is 0
verdict() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2"; sed 's/^/#   /' "$T/out" "$T/err" | head -30; fi; }
run() { "$@" >"$T/out" 2>"$T/err" </dev/null; RC=$?; }
one_err_line() { [ "$(wc -l <"$T/err")" -eq 1 ]; }
DEAD="host=127.0.0.1 port=1 connect_timeout=5"

# ---- bad usage: nothing is contacted --------------------------------------------
run "$BIN" deploy --env qa "$DEAD"
[ "$RC" -eq 2 ] && one_err_line && [ ! -s "$T/out" ]
verdict $? "deploy --env unknown: exit 2, one line"
run "$BIN" deploy --from-step 0 "$DEAD"
[ "$RC" -eq 2 ] && one_err_line
verdict $? "deploy --from-step 0: exit 2, one line"
run "$BIN" deploy --from-step 9 "$DEAD"
[ "$RC" -eq 2 ] && one_err_line && grep -q 'only 8 steps' "$T/err"
verdict $? "deploy --from-step beyond the 8 steps: exit 2, one line"
TSDBTOP_SQL_DIR=$T/none run "$BIN" deploy "$DEAD"
[ "$RC" -eq 2 ] && one_err_line
verdict $? "deploy with TSDBTOP_SQL_DIR without step files: exit 2, one line"
run "$BIN" deploy --env production "$DEAD"
[ "$RC" -eq 2 ] && one_err_line && grep -q 'needs --yes' "$T/err"
verdict $? "deploy --env production without --yes and no terminal: exit 2, one line"
run "$BIN" deploy "$DEAD"
[ "$RC" -eq 3 ] && one_err_line
verdict $? "deploy, no server: exit 3, one line"
run "$BIN" deploy --help
[ "$RC" -eq 0 ] && grep -q '^Usage: tsdbtop deploy' "$T/out"
verdict $? "deploy --help"

if [ -n "${TSDBTOP_PG15:-}" ]; then
  run "$BIN" deploy "$TSDBTOP_PG15"
  [ "$RC" -eq 1 ] && one_err_line && grep -q 'TimescaleDB is not available' "$T/err" &&
    [ "$(psql -X -At "$TSDBTOP_PG15" -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'factory_telemetry'")" = 0 ]
  verdict $? "deploy on PostgreSQL 15 without TimescaleDB: pre-flight refuses (exit 1, one line)"
fi

# ---- a fresh embedded TimescaleDB ---------------------------------------------------
if ! tsdb_start memory; then nok "start a fresh embedded TimescaleDB"; exit 1; fi
DB=$TSDB_CONNINFO
q() { psql -X -At -v ON_ERROR_STOP=1 "$DB" -c "$1"; }
schema_count() { q "SELECT count(*) FROM pg_namespace WHERE nspname = 'factory_telemetry'"; }

run "$BIN" deploy --dry-run "$DB"
[ "$RC" -eq 0 ] && grep -q '^pre-flight: TimescaleDB .* license timescale' "$T/out" &&
  [ "$(grep -c '^step [1-8]/8 ' "$T/out")" -eq 8 ] && [ "$(schema_count)" = 0 ]
verdict $? "deploy --dry-run: pre-flight and 8 steps listed, nothing changed"

# A copy of sql/ whose step 4 creates a table and then fails.
cp -r sql "$T/sql"
printf '\nCREATE TABLE factory_telemetry.deploy_probe (x int);\nSELECT no_such_function();\n' >>"$T/sql/deploy/03_compression.sql"
TSDBTOP_SQL_DIR=$T/sql run "$BIN" deploy "$DB"
[ "$RC" -eq 1 ] && [ "$(grep -c '^step [1-3]/8 .* ok (' "$T/out")" -eq 3 ] && grep -q '^step 4/8 compression ... FAILED$' "$T/out"
verdict $? "deploy with a broken step 4: exit 1, steps 1-3 ok, step 4 FAILED"
grep -q '^tsdbtop deploy: step 4/8 (.*03_compression.sql, statement at line [0-9]*) failed: 42883 .*no_such_function' "$T/err" &&
  grep -q -- '--from-step 4$' "$T/err"
verdict $? "deploy with a broken step: stderr names the step, file, line, error, and the resume command"
[ "$(q "SELECT to_regclass('factory_telemetry.deploy_probe') IS NULL")" = t ] &&
  [ "$(q "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'")" = 0 ] &&
  [ "$(q "SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_schema = 'factory_telemetry'")" = 7 ]
verdict $? "deploy with a broken step: that step was rolled back (no table, no compression policy)"
[ "$(tr -cd '\r' <"$T/out" | wc -c)" -eq 0 ]
verdict $? "deploy progress is plain lines when not a terminal"

run "$BIN" deploy --from-step 4 "$DB"
[ "$RC" -eq 0 ] && [ "$(grep -c ' ... skipped$' "$T/out")" -eq 3 ] && [ "$(grep -c ' ... ok (' "$T/out")" -eq 5 ] &&
  grep -q '^deploy: 8 steps ok, validated$' "$T/out"
verdict $? "deploy --from-step 4 resumes: 3 skipped, 5 ok, validated"
grep -q '^validate: hypertables  *7 (7) ok$' "$T/out" && grep -q '^validate: indexes  *3[6-9] (>= 36) ok$' "$T/out" &&
  grep -q '^validate: continuous aggregates  *8 (8) ok$' "$T/out" && grep -q '^validate: retention policies  *7 (7) ok$' "$T/out"
verdict $? "deploy validation lines: 7 hypertables, 7+7 policies, >= 36 indexes, 8 aggregates"
[ "$(q "SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_schema = 'factory_telemetry'")" = 7 ] &&
  [ "$(q "SELECT count(*) FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'factory_telemetry'")" = 8 ] &&
  [ "$(q "SELECT count(*) FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
          JOIN _timescaledb_catalog.hypertable h ON h.schema_name = n.nspname AND h.table_name = t.relname
          WHERE n.nspname = 'factory_telemetry'")" = 36 ]
verdict $? "deployed layer as psql sees it: 7 hypertables, 36 indexes, 8 aggregates"

# production on a terminal asks (script(1) gives it one)
if command -v script >/dev/null 2>&1; then
  printf 'no\n' | script -qec "'$BIN' deploy --env production '$DB'" /dev/null >"$T/out" 2>&1; RC=$?
  [ "$RC" -eq 1 ] && grep -q 'Type yes to continue' "$T/out" && grep -q 'not confirmed; nothing changed' "$T/out" && ! grep -q '^step ' "$T/out"
  verdict $? "deploy --env production on a terminal: 'no' declines, exit 1, no step ran"
  printf 'yes\n' | script -qec "'$BIN' deploy --env production '$DB'" /dev/null >"$T/out" 2>&1; RC=$?
  [ "$RC" -eq 0 ] && grep -q 'deploy: 8 steps ok, validated' "$T/out"
  verdict $? "deploy --env production on a terminal: 'yes' deploys"
fi

run "$BIN" deploy --env production --yes "$DB"
[ "$RC" -eq 0 ] && [ "$(grep -c ' ... ok (' "$T/out")" -eq 8 ] && grep -q 'environment production' "$T/out"
verdict $? "deploy again (production --yes): idempotent, 8 steps ok"

# One definition per fact: both deployers build the same views from the
# console's queries. sql/deploy.sh over what tsdbtop deploy built changes no
# view definition.
VIEWDEFS="SELECT md5(string_agg(c.relname || ':' || pg_get_viewdef(c.oid), '|' ORDER BY c.relname))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'factory_telemetry' AND c.relkind = 'v'"
vd1=$(q "$VIEWDEFS")
run sh sql/deploy.sh "$DB" --from-step 7
vd2=$(q "$VIEWDEFS")
[ "$RC" -eq 0 ] && [ -n "$vd1" ] && [ "$vd1" = "$vd2" ] &&
  [ "$(q "SELECT count(*) FROM pg_views WHERE schemaname = 'factory_telemetry' AND definition LIKE '%compression_chunk_size%'
                                                          AND viewname = 'v_compression_statistics'")" = 1 ]
verdict $? "tsdbtop deploy and sql/deploy.sh build the same views (the console's queries inside)"

# A step naming a console query that this server's console does not have
# fails before it runs, in both deployers; nothing of the step is left.
cp -r sql "$T/sqlq"
printf '\nCREATE VIEW factory_telemetry.v_probe AS SELECT * FROM (\n/*@query no_such_query@*/\n) q;\n' \
  >>"$T/sqlq/deploy/06_monitoring_views.sql"
TSDBTOP_SQL_DIR=$T/sqlq run "$BIN" deploy --from-step 7 "$DB"
[ "$RC" -eq 1 ] && grep -q '^step 7/8 monitoring_views ... FAILED$' "$T/out" &&
  grep -q "failed before it ran: it uses the console query 'no_such_query'" "$T/err" &&
  grep -q -- '--from-step 7$' "$T/err" && [ "$(q "SELECT to_regclass('factory_telemetry.v_probe') IS NULL")" = t ]
verdict $? "tsdbtop deploy: a step naming a console query that does not exist fails before it runs"
TSDB_SQL_DIR=$T/sqlq run sh sql/deploy.sh "$DB" --from-step 7
[ "$RC" -eq 1 ] && grep -q '^step 7/8 monitoring_views ... FAILED$' "$T/out" &&
  grep -q "console query 'no_such_query'" "$T/err" && [ "$(q "SELECT to_regclass('factory_telemetry.v_probe') IS NULL")" = t ] &&
  [ "$(q "$VIEWDEFS")" = "$vd1" ]
verdict $? "sql/deploy.sh: the same step fails the same way; the views are unchanged"

# A policy changed at run time is left alone and the step's WARNING is shown.
q "SELECT alter_job(job_id, config => jsonb_set(config, '{drop_after}', '\"100 days\"')) FROM timescaledb_information.jobs
   WHERE proc_name = 'policy_retention' AND hypertable_schema = 'factory_telemetry' AND hypertable_name = 'metric_hist'" >/dev/null
run "$BIN" deploy --from-step 5 "$DB"
[ "$RC" -eq 0 ] && grep -A9 '^step 5/8 retention ... ok' "$T/out" | grep -q '^    WARNING:  factory_telemetry.metric_hist: retention drop_after = 100 days (declared 90 days); left unchanged$' &&
  [ "$(q "SELECT config->>'drop_after' FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = 'metric_hist'")" = "100 days" ]
verdict $? "deploy shows a step's server WARNING under its line; the changed policy is left alone"

# Validation catches a layer that is not as declared.
q "SELECT remove_retention_policy('factory_telemetry.metric_hist')" >/dev/null
run "$BIN" deploy --from-step 8 "$DB"
[ "$RC" -eq 1 ] && grep -q '^validate: retention policies  *6 (7) WRONG$' "$T/out" && grep -q 'validation failed' "$T/err"
verdict $? "deploy validation fails (exit 1) when a declared policy is missing"

[ "$FAILS" -eq 0 ]
