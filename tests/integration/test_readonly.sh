#!/bin/sh
# Integration: read-only holds for every headless command that writes, under
# --read-only and under read_only = yes in the configuration file (the
# default path, and --config FILE), against the embedded TimescaleDB
# (TSDBTOP_TSDB). Each run must exit 1 with one stderr line saying read-only
# mode, and leave the catalog as it was: a fingerprint over the jobs (config,
# schedule), the chunks (status), the aggregates' watermarks and the
# factory_telemetry objects is taken before and compared after every run.
# The refusals are in the action log. --dry-run stays allowed (it changes
# nothing). Objects of our own in schema ro_test, dropped afterwards.
set -u
cd "$(dirname "$0")/../.."
TOPDIR=$(pwd)
BIN=${TSDBTOP_BIN:-build/tsdbtop}
case $BIN in /*) ;; *) BIN=$TOPDIR/$BIN ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-ro.XXXXXX")
DB=${TSDBTOP_TSDB:-}
q() { psql -X -At -v ON_ERROR_STOP=1 "$DB" -c "$1"; }
cleanup() { [ -n "$DB" ] && q "DROP SCHEMA IF EXISTS ro_test CASCADE" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT INT TERM
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
FAILS=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; FAILS=$((FAILS + 1)); [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'; return 0; }
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; }
if [ -z "$DB" ]; then nok "TSDBTOP_TSDB is set"; exit 1; fi

# What any of the commands below could change.
fingerprint() {
  q "SELECT md5(concat_ws('|',
      (SELECT string_agg(job_id || ':' || scheduled || ':' || config::text || ':' || schedule_interval, ',' ORDER BY job_id)
         FROM timescaledb_information.jobs),
      (SELECT string_agg(chunk_schema || '.' || chunk_name || ':' || is_compressed, ',' ORDER BY chunk_schema, chunk_name)
         FROM timescaledb_information.chunks),
      (SELECT string_agg(user_view_name || ':' || coalesce(_timescaledb_functions.cagg_watermark(mat_hypertable_id)::text, '-'), ','
                         ORDER BY user_view_name) FROM _timescaledb_catalog.continuous_agg),
      (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'factory_telemetry'::regnamespace),
      (SELECT count(*) FROM ro_test.readings)))"
}

q "DROP SCHEMA IF EXISTS ro_test CASCADE" >/dev/null 2>&1
if ! psql -X -q -v ON_ERROR_STOP=1 "$DB" >"$T/setup.log" 2>&1 <<'EOF'
CREATE SCHEMA ro_test;
CREATE TABLE ro_test.readings (ts timestamptz NOT NULL, device int NOT NULL, v double precision);
SELECT create_hypertable('ro_test.readings', 'ts', chunk_time_interval => interval '1 day');
INSERT INTO ro_test.readings SELECT g, 1, 1 FROM generate_series(now() - interval '12 days', now(), interval '1 hour') g;
ALTER TABLE ro_test.readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'device');
SELECT add_compression_policy('ro_test.readings', interval '3 days');
SELECT add_retention_policy('ro_test.readings', interval '10 days');
CREATE MATERIALIZED VIEW ro_test.hourly WITH (timescaledb.continuous) AS
  SELECT time_bucket('1 hour', ts) AS b, device, avg(v) FROM ro_test.readings GROUP BY 1, 2 WITH NO DATA;
SELECT add_continuous_aggregate_policy('ro_test.hourly', start_offset => interval '5 days',
  end_offset => interval '1 hour', schedule_interval => interval '1 hour');
EOF
then
  nok "fixture ro_test" "$(tail -5 "$T/setup.log")"; exit 1
fi
CHUNK=$(q "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks
           WHERE hypertable_schema = 'ro_test' AND NOT is_compressed ORDER BY range_start LIMIT 1")
q "SELECT compress_chunk('$CHUNK')" >/dev/null 2>&1
CCHUNK=$CHUNK
CHUNK=$(q "SELECT format('%I.%I', chunk_schema, chunk_name) FROM timescaledb_information.chunks
           WHERE hypertable_schema = 'ro_test' AND NOT is_compressed ORDER BY range_start LIMIT 1")
JOB=$(q "SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_schema = 'ro_test' AND proc_name = 'policy_compression'")
ok "fixture ro_test (chunk $CHUNK, compressed $CCHUNK, job $JOB)"

# Every headless command that writes, one per line (words split by the shell).
cat >"$T/commands" <<EOF
compress ro_test.readings
compress $CHUNK
decompress $CCHUNK
job run $JOB
job pause $JOB
job resume $JOB
maintenance
retention ro_test.readings --set 91d
retention ro_test.readings --disable
retention ro_test.readings --enable
refresh ro_test.hourly
refresh --all
deploy --yes
EOF

mkdir -p "$T/config/tsdbtop" "$T/other"
printf '[console]\nread_only = yes\n' >"$T/other/ro.conf"
check_mode() { # check_mode LABEL: every command refused, nothing changed
  label=$1; shift
  while IFS= read -r cmd; do
    fp0=$(fingerprint)
    # shellcheck disable=SC2086
    run "$BIN" $cmd "$@" "$DB"
    fp1=$(fingerprint)
    if [ "$RC" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q 'read-only mode' "$T/err" &&
       [ -n "$fp0" ] && [ "$fp0" = "$fp1" ]; then
      ok "$label: '$cmd' refused, says read-only mode, database unchanged"
    else
      nok "$label: '$cmd' refused, says read-only mode, database unchanged (exit $RC)" \
        "$(head -c 600 "$T/err"; head -c 400 "$T/out")"
    fi
  done <"$T/commands"
}

check_mode "--read-only" --read-only
printf '[console]\nread_only = yes\n' >"$T/config/tsdbtop/config"
check_mode "read_only = yes in the configuration file"
rm -f "$T/config/tsdbtop/config"
check_mode "--config FILE with read_only = yes" --config "$T/other/ro.conf"

# The refusals are in the action log, nothing started.
log="$T/state/tsdbtop/actions.log"
if [ -s "$log" ] && python3 - "$log" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
refused = [e for e in ev if e.get("event") == "refused" and "read-only" in e.get("result", "")]
started = [e for e in ev if e.get("event") == "start"]
assert len(refused) >= 20 and not started, (len(refused), started[:2])
EOF
then ok "the action log has the read-only refusals and no start"
else nok "the action log has the read-only refusals and no start" "$(tail -5 "$log" 2>/dev/null)"; fi

# --dry-run changes nothing and is allowed in read-only mode.
fp0=$(fingerprint)
run "$BIN" retention ro_test.readings --set 91d --dry-run --read-only "$DB"
r1=$RC
run "$BIN" refresh ro_test.hourly --dry-run --read-only "$DB"
if [ "$r1" -eq 0 ] && [ "$RC" -eq 0 ] && grep -q 'refresh_continuous_aggregate' "$T/out" && [ "$fp0" = "$(fingerprint)" ]; then
  ok "--dry-run with --read-only: the statements are printed, nothing changed"
else nok "--dry-run with --read-only: the statements are printed, nothing changed" "$(cat "$T/err")"; fi

# Without read-only the same write path changes the database (the test can fail).
run "$BIN" retention ro_test.readings --set 91d "$DB"
if [ "$RC" -eq 0 ] && [ "$(q "SELECT config->>'drop_after' FROM timescaledb_information.jobs WHERE hypertable_schema = 'ro_test' AND proc_name = 'policy_retention'")" = "91 days" ] &&
   python3 - "$log" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert any(e.get("event") == "start" and e.get("action") == "retention-policy" for e in ev), ev[-3:]
EOF
then ok "retention --set without read-only: changed, through the action layer (the log has its start)"
else nok "retention --set without read-only: changed, through the action layer" "$(cat "$T/err" "$T/out")"; fi
run "$BIN" refresh --all --json "$DB"
if [ "$RC" -eq 0 ] && python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
names=[s['params'][0] for s in d['steps']]
assert d['ok'] and 'ro_test.hourly' in names, d" "$T/out" &&
   [ "$(q "SELECT _timescaledb_functions.cagg_watermark(mat_hypertable_id) IS NOT NULL FROM _timescaledb_catalog.continuous_agg WHERE user_view_name = 'hourly' AND user_view_schema = 'ro_test'")" = t ]; then
  ok "refresh --all: every aggregate with a policy refreshed over its window, ro_test.hourly among them"
else nok "refresh --all: every aggregate refreshed" "$(head -c 1500 "$T/out"; cat "$T/err")"; fi
run "$BIN" refresh --all --from yesterday "$DB"
if [ "$RC" -eq 2 ] && grep -q 'no --from / --to' "$T/err"; then ok "refresh --all --from: exit 2, one line"
else nok "refresh --all --from: exit 2, one line"; fi

# --config FILE is the configuration of the read commands too: thresholds from it
printf '[thresholds]\nbacklog_warn = 1\nbacklog_crit = 1\n' >"$T/other/th.conf"
run "$BIN" check --only backlog "$DB"
r_default=$RC
run "$BIN" check --only backlog --config "$T/other/th.conf" "$DB"
if [ "$r_default" -eq 1 ] && [ "$RC" -eq 2 ] && grep -q '^TSDBTOP CRITICAL - backlog' "$T/out"; then
  ok "check --config FILE: its thresholds apply (backlog WARNING by default, CRITICAL with backlog_crit = 1)"
else nok "check --config FILE: its thresholds apply (default exit $r_default, with the file $RC)" "$(cat "$T/out" "$T/err")"; fi
run "$BIN" check --config "$T/no-such.conf" "$DB"
if [ "$RC" -eq 3 ] && grep -q 'no-such.conf' "$T/err"; then ok "check --config with a missing file: UNKNOWN (3), names the file"
else nok "check --config with a missing file: UNKNOWN (3), names the file (exit $RC)" "$(cat "$T/err")"; fi
run "$BIN" health --config "$T/no-such.conf" "$DB"
if [ "$RC" -eq 2 ] && grep -q 'no-such.conf' "$T/err"; then ok "health --config with a missing file: exit 2, names the file"
else nok "health --config with a missing file: exit 2, names the file (exit $RC)" "$(cat "$T/err")"; fi
[ "$FAILS" -eq 0 ]
