#!/bin/sh
# MS5.0 demo data figures (run by tests/bench/run.sh):
#   metric_hist compression ratio (hypertable_compression_stats, target >= 85 %)
#   a dashboard query (hourly avg/min/max per metric over 7 days) on
#   metric_hourly_aggregate vs the same on metric_hist (best of 3, target >= 40x)
# on demo data made by the project's loader (sql/deploy.sh + sql/demo/load.sh),
# in an embedded database .bench/demo-SCALE-DAYS (built once, then reused).
#
# Sampling: BENCH_DEMO_SCALE (default 18: each of the 48 metrics every 10 s,
# 4.8 rows/s; the seed expects 100-1000 rows/s for metric_hist) over
# BENCH_DEMO_DAYS (default 10, at least 9: compressed chunks past compress_after,
# 7 days, plus the 7-day dashboard window ending a day before the build). The same figures follow at scale 1 (every
# 180 s, what `make demo` loads) over the same days, unless BENCH_DEMO_SCALE
# is 1 or BENCH_DEMO_SCALE1=0.
# After loading, the bench does what the layer's policies would do on a live
# server (there are no background workers here): the metric_hist compression
# policy (CALL run_job: chunks older than 7 days) and a full refresh of
# metric_hourly_aggregate. The dashboard window is [H - 8 days, H - 1 day),
# H = the hour the database was built (kept in the .built file), so a reused
# database measures the same window, and both queries return the same buckets.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
. "$TOP/tests/tools/tsdb.sh"
SC=${BENCH_DEMO_SCALE:-18}; DAYS=${BENCH_DEMO_DAYS:-10}
mkdir -p .bench
trap tsdb_stop EXIT
trap 'exit 130' INT TERM

demo() { # SCALE DAYS: build (once) and measure
  sc=$1; days=$2
  period=$(awk -v s="$sc" 'BEGIN { if (s + 0 > 0) printf "%g", 180 / s }')
  [ -n "$period" ] || { echo "demo: BENCH_DEMO_SCALE must be a positive number, got '$sc' (skipped)"; exit 0; }
  dd=.bench/demo-$sc-$days
  log=${BENCH_LOG:-$dd.load.log}
  # not (completely) built: start from an empty database (load.sh skips a loaded one)
  [ -s $dd.built ] || rm -rf "./$dd"
  if ! tsdb_start "$TOP/$dd"; then echo "demo: launcher did not start (skipped)"; return 0; fi
  D=$TSDB_CONNINFO
  if [ ! -s $dd.built ]; then
    echo "bench: demo data at scale $sc (every metric every $period s), $days days: deploy, load, compression policy, cagg refresh..."
    t0=$(date +%s)
    if sh sql/deploy.sh "$D" >>"$log" 2>&1 &&
       DEMO_DAYS=$days sh sql/demo/load.sh "$D" "$sc" >>"$log" 2>&1 &&
       DQ -c "CALL refresh_continuous_aggregate('factory_telemetry.metric_hourly_aggregate', NULL, now() - interval '1 hour')" &&
       job=$(DQ -c "SELECT job_id FROM timescaledb_information.jobs
                     WHERE proc_name = 'policy_compression' AND hypertable_schema = 'factory_telemetry' AND hypertable_name = 'metric_hist'") &&
       [ -n "$job" ] && DQ -c "CALL run_job($job)" >>"$log" 2>&1 &&
       DQ -c 'ANALYZE' &&
       DQ -c "SELECT date_trunc('hour', now())" >$dd.built; then
      echo "bench: demo data built in $(( $(date +%s) - t0 )) s (log: $log)"
    else
      rm -f $dd.built
      echo "bench: building the demo data failed (log: $log)"; tsdb_stop "$TSDB_PID"; return 0
    fi
  fi
  H=$(cat $dd.built)
  DQ -c "SELECT format('demo data: scale %s (each of the 48 metrics every %s s: %s rows per metric and 1-hour chunk), %s days: metric_hist %s rows',
                       '$sc', '$period', round(3600 / $period::numeric), '$days', count(*))
           FROM factory_telemetry.metric_hist"
  DQ -c "SELECT format('metric_hist compression ratio:  %s %% (1 - after/before over %s compressed 1-hour chunks, %s -> %s; heap+toast alone %s %%; target >= 85 %%)',
                       round(100 * (1 - after_compression_total_bytes::numeric / nullif(before_compression_total_bytes, 0)), 1),
                       number_compressed_chunks, pg_size_pretty(before_compression_total_bytes), pg_size_pretty(after_compression_total_bytes),
                       round(100 * (1 - (after_compression_table_bytes + after_compression_toast_bytes)::numeric
                                        / nullif(before_compression_table_bytes + before_compression_toast_bytes, 0)), 1))
           FROM public.hypertable_compression_stats('factory_telemetry.metric_hist')"
  # the window as literal timestamps, as a dashboard sends them (plan-time chunk exclusion)
  W0=$(DQ -c "SELECT quote_literal('$H'::timestamptz - interval '8 days')")
  W1=$(DQ -c "SELECT quote_literal('$H'::timestamptz - interval '1 day')")
  CAGG="SELECT metric_def_id, bucket, avg_value, min_value, max_value FROM factory_telemetry.metric_hourly_aggregate
        WHERE bucket >= $W0 AND bucket < $W1"
  RAW="SELECT metric_def_id, public.time_bucket(interval '1 hour', ts) AS bucket, avg(value_real) AS avg_value,
              min(value_real) AS min_value, max(value_real) AS max_value
         FROM factory_telemetry.metric_hist WHERE ts >= $W0 AND ts < $W1 GROUP BY 1, 2"
  # Timed on the server (tests/bench/bench_ms.sql). Warm-up first (the equality
  # check runs both queries; the first queries after the launcher starts load
  # the catalog caches of ~250 chunks), then best of 3 of each. PGlite's clock
  # ticks in milliseconds.
  out=$(DQ -v cagg="$CAGG ORDER BY 1, 2" -v raw="$RAW ORDER BY 1, 2" -v w0="$W0" -v w1="$W1" -f tests/bench/bench_ms.sql -f - <<'EOF'
SELECT format('%s rows, %s differ', count(*),
              count(*) FILTER (WHERE c.bucket IS NULL OR r.bucket IS NULL OR c.min_value IS DISTINCT FROM r.min_value
                               OR c.max_value IS DISTINCT FROM r.max_value
                               OR abs(c.avg_value - r.avg_value) > 1e-9 * abs(r.avg_value)))
  FROM (:cagg) c FULL JOIN (:raw) r USING (metric_def_id, bucket);
SELECT count(*) FROM factory_telemetry.metric_hist WHERE ts >= :w0 AND ts < :w1;
SELECT min(pg_temp.bench_ms(:'cagg')) FROM generate_series(1, 3);
SELECT min(pg_temp.bench_ms(:'raw')) FROM generate_series(1, 3);
EOF
)
  printf '%s\n' "$out" | awk 'NR == 1 { same = $0 } NR == 2 { n = $1 } NR == 3 { c = $1 } NR == 4 { r = $1 } END {
    if (NR < 4 || c <= 0) { print "dashboard query: failed"; exit }
    printf "dashboard query (hourly avg/min/max per metric over 7 days; %s): aggregate %.0f ms, raw %.0f ms (%d rows): %.0fx (target >= 40x)\n",
           same, c, r, n, r / c }'
  tsdb_stop "$TSDB_PID"
}
DQ() { psql -X -q -At -v ON_ERROR_STOP=1 "$D" "$@"; }

demo "$SC" "$DAYS"
if [ "$SC" != 1 ] && [ "${BENCH_DEMO_SCALE1:-1}" != 0 ]; then
  echo "the same at scale 1 (make demo's sampling), same days: lower figures, its chunks hold ${SC}x fewer rows"
  demo 1 "$DAYS"
fi
