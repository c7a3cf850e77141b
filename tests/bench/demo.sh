#!/bin/sh
# MS5.0 demo data figures (run by tests/bench/run.sh): a second embedded
# database in .bench/demo-SCALE-DAYS (built once: deploy + sql/demo/load.sh
# with BENCH_DEMO_SCALE (1, as make demo) and BENCH_DEMO_DAYS (30), reused), then
#   metric_hist compression ratio (hypertable_compression_stats, target >= 85 %)
#   a dashboard query (hourly avg/min/max per metric over 7 days) on
#   metric_hourly_aggregate vs the same on metric_hist (best of 3, target >= 40x)
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
. "$TOP/tests/tools/tsdb.sh"
SC=${BENCH_DEMO_SCALE:-1}; DAYS=${BENCH_DEMO_DAYS:-30}
DD=.bench/demo-$SC-$DAYS
if ! tsdb_start "$TOP/$DD"; then echo "demo: launcher did not start (skipped)"; exit 0; fi
D=$TSDB_CONNINFO
DQ() { psql -X -q -At -v ON_ERROR_STOP=1 "$D" "$@"; }
if [ ! -f $DD.built ]; then
  echo "bench: deploying MS5.0 and loading demo data, scale $SC, $DAYS days (minutes)..."
  t0=$(date +%s)
  sh sql/deploy.sh "$D" >/dev/null 2>&1 &&
  DEMO_DAYS=$DAYS sh sql/demo/load.sh "$D" "$SC" >$DD.load.log 2>&1 &&
  DQ -c "CALL refresh_continuous_aggregate('factory_telemetry.metric_hourly_aggregate', NULL, now() - interval '1 hour')" &&
  DQ -c 'ANALYZE' && touch $DD.built
  echo "bench: demo built in $(( $(date +%s) - t0 )) s"
fi
DQ -c "SELECT 'demo data (scale $SC, $DAYS days): metric_hist ' || count(*) || ' rows' FROM factory_telemetry.metric_hist"
DQ -c "SELECT 'metric_hist compression ratio:  ' || round(100 * (1 - after_compression_total_bytes::numeric / nullif(before_compression_total_bytes, 0)), 1)
              || ' % (1 - after/before over ' || number_compressed_chunks || ' compressed chunks; target >= 85 %)'
         FROM public.hypertable_compression_stats('factory_telemetry.metric_hist')"
CAGG="SELECT metric_def_id, bucket, avg_value, min_value, max_value FROM factory_telemetry.metric_hourly_aggregate
      WHERE bucket >= now() - interval '8 days' AND bucket < now() - interval '1 day' ORDER BY 1, 2"
RAW="SELECT metric_def_id, public.time_bucket(interval '1 hour', ts) b, avg(value_real), min(value_real), max(value_real)
      FROM factory_telemetry.metric_hist WHERE ts >= now() - interval '8 days' AND ts < now() - interval '1 day' GROUP BY 1, 2 ORDER BY 1, 2"
best() { # SQL -> best of 3 in ms (psql \timing over count(*) of the result:
         # the server's work, not the transfer and printing of the rows)
  for _i in 1 2 3; do
    printf '\\timing on\nSELECT count(*) FROM (%s) x;\n' "$1" | psql -X -q "$D" 2>/dev/null | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
  done | sort -n | head -1
}
tc=$(best "$CAGG"); tr_=$(best "$RAW")
rows=$(DQ -c "SELECT count(*) FROM ($CAGG) x")
awk -v c="$tc" -v r="$tr_" -v n="$rows" 'BEGIN {
  printf "dashboard query (7 days hourly per metric, %d rows): aggregate %.1f ms, raw %.1f ms: %.0fx (target >= 40x)\n", n, c, r, (c > 0 ? r / c : 0) }'
tsdb_stop "$TSDB_PID"
