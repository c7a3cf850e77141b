#!/bin/sh
# sql/demo/load.sh CONNINFO [SCALE]
# Loads realistic MS5.0 factory data for the last ~100 days (relative to now())
# into the deployed factory_telemetry layer, then leaves the interesting states
# (compressed + eligible-but-uncompressed chunks, chunks past retention, caggs
# at different watermarks, policies that never ran). Prints the compression
# ratio of metric_hist.
# SCALE (default 1, may be fractional, e.g. 0.2) multiplies the sampling rates.
# Environment: DEMO_DAYS (default 100), PSQL (default psql).
# Re-run on a loaded database: detected (metric_hist has rows) and skipped, so
# nothing is duplicated; to reload, start from an empty database.
set -u
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: sh sql/demo/load.sh CONNINFO [SCALE]" >&2; exit 2; }
CONNINFO=$1
SCALE=${2:-1}
DAYS=${DEMO_DAYS:-100}
PSQL=${PSQL:-psql}
DIR=$(cd "$(dirname "$0")" && pwd)

case $SCALE in ''|*[!0-9.]*|*.*.*|.) echo "load: SCALE must be a positive number, got '$SCALE'" >&2; exit 2 ;; esac
awk "BEGIN { exit !($SCALE > 0 && $SCALE <= 50) }" || { echo "load: SCALE must be in (0, 50], got $SCALE" >&2; exit 2; }
case $DAYS in ''|*[!0-9]*) echo "load: DEMO_DAYS must be a whole number" >&2; exit 2 ;; esac

q() { "$PSQL" -X -At -v ON_ERROR_STOP=1 -d "$CONNINFO" "$@"; }

deployed=$(q -c "SELECT to_regclass('factory_telemetry.metric_hist') IS NOT NULL
                        AND to_regprocedure('factory_telemetry.compress_all_eligible_chunks(text,interval)') IS NOT NULL") || {
  echo "load: cannot query the database" >&2; exit 2; }
[ "$deployed" = t ] || { echo "load: the factory_telemetry layer is not deployed; run sql/deploy.sh first" >&2; exit 1; }

have=$(q -c "SELECT EXISTS (SELECT 1 FROM factory_telemetry.metric_hist)") || exit 1
if [ "$have" = t ]; then
  echo "load: demo data already present (metric_hist has rows): skipping, nothing duplicated"
  exit 0
fi

start=$(date +%s)
echo "load: scale $SCALE, $DAYS days"
q -q -f "$DIR/reference.sql" || { echo "load: reference data failed" >&2; exit 1; }
# autocommit, statement by statement (see generate.sql)
"$PSQL" -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" -v days="$DAYS" -d "$CONNINFO" \
  -c "SET client_min_messages = warning" -f "$DIR/generate.sql" >/dev/null || {
  echo "load: generating data failed" >&2; exit 1; }
t1=$(date +%s)
echo "load: data written in $((t1 - start)) s"
q -c "SELECT format('  %-20s %9s rows', h, n) FROM (VALUES
        ('metric_hist', (SELECT count(*) FROM factory_telemetry.metric_hist)),
        ('oee_calculations', (SELECT count(*) FROM factory_telemetry.oee_calculations)),
        ('energy_consumption', (SELECT count(*) FROM factory_telemetry.energy_consumption)),
        ('production_kpis', (SELECT count(*) FROM factory_telemetry.production_kpis)),
        ('downtime_events', (SELECT count(*) FROM factory_telemetry.downtime_events)),
        ('quality_checks', (SELECT count(*) FROM factory_telemetry.quality_checks)),
        ('fault_event', (SELECT count(*) FROM factory_telemetry.fault_event))) AS t(h, n)"
"$PSQL" -X -q -v ON_ERROR_STOP=1 -P footer=off -d "$CONNINFO" \
  -c "SET client_min_messages = warning" -f "$DIR/states.sql" || { echo "load: state step failed" >&2; exit 1; }
end=$(date +%s)
ratio=$(q -c "SELECT round(100 * (1 - after_compression_total_bytes::numeric / nullif(before_compression_total_bytes, 0)), 1)
              FROM public.hypertable_compression_stats('factory_telemetry.metric_hist')")
echo "load: metric_hist compression ratio ${ratio} % (1 - after/before, hypertable_compression_stats)"
echo "load: done in $((end - start)) s"
