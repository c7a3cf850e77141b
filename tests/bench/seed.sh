# seed.sh — the seed report's own performance tables, measured on the MS5.0
# demo data on native TimescaleDB 2.28.3 (sourced by tests/bench/native.sh,
# with its cluster running: NATIVE_PORT, DIR, LOG, RUN set).
#
#   seed_build    (once; the build-phase server, scheduler off) database tsdb
#                 as `make db-up` makes it (tests/tools/db-native.sh:
#                 native_create_db, sql/deploy.sh, sql/demo/load.sh, ANALYZE),
#                 then what its scheduler would do first: every compression
#                 policy run once (CALL run_job) and every continuous
#                 aggregate refreshed up to H, the build hour; then every
#                 policy paused (alter_job scheduled => false) so nothing
#                 changes the data under the measurement. Marked done in
#                 $DIR/built-seed (H, scale, days).
#   seed_measure  "Query Performance": each of its six queries on the raw
#                 tables and on the aggregates, server-side, best of 3 after a
#                 warm-up (tests/bench/bench_ms.sql), the seed's figures
#                 beside; "Concurrent User Performance": pgbench with 10, 50,
#                 100 and 200 clients running the dashboard query for
#                 BENCH_PGBENCH_SECS (10) each: mean latency, success rate.
# Windows end at H, not now(): a reused database measures the same rows.
# BENCH_SEED_SCALE (1: make db-up's sampling) and BENCH_SEED_DAYS (100) pick
# the data; a change rebuilds it.

SEED_SCALE=${BENCH_SEED_SCALE:-1}
SEED_DAYS=${BENCH_SEED_DAYS:-100}

seed_q() { psql -X -q -At -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=tsdb" "$@"; }

seed_build() {
  if [ -s "$DIR/built-seed" ] && [ "$(cut -d'|' -f2,3 "$DIR/built-seed")" = "$SEED_SCALE|$SEED_DAYS" ] &&
     bench_db_exists tsdb; then
    return 0
  fi
  rm -f "$DIR/built-seed"
  t0=$(date +%s)
  C="host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=tsdb"
  if { bench_db_drop tsdb &&
       native_create_db tsdb &&
       sh sql/deploy.sh "$C" &&
       DEMO_DAYS=$SEED_DAYS sh sql/demo/load.sh "$C" "$SEED_SCALE" &&
       H=$(seed_q -c "SELECT date_trunc('hour', now())") &&
       seed_q -v h="$H" <<'EOF'
SELECT format('CALL public.run_job(%s)', job_id) FROM timescaledb_information.jobs
 WHERE proc_name = 'policy_compression' ORDER BY job_id
\gexec
SELECT format('CALL public.refresh_continuous_aggregate(%L, NULL, %L)',
              format('%I.%I', view_schema, view_name), :'h'::timestamptz)
  FROM timescaledb_information.continuous_aggregates ORDER BY view_name
\gexec
SELECT count(*) FROM (SELECT public.alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs WHERE job_id >= 1000) s;
ANALYZE;
EOF
     } >>"$LOG" 2>&1; then
    echo "$H|$SEED_SCALE|$SEED_DAYS" >"$DIR/built-seed"
    echo "bench: native $V: MS5.0 demo data (scale $SEED_SCALE, $SEED_DAYS days) built in $(( $(date +%s) - t0 )) s"
  else
    echo "bench: native $V: building the MS5.0 demo data failed (log: $LOG)"
  fi
}

seed_measure() {
  [ -s "$DIR/built-seed" ] || return 0
  H=$(cut -d'|' -f1 "$DIR/built-seed"); HB=$H
  # the window edges as literal timestamps, as a dashboard sends them (plan-time chunk exclusion)
  eval "$(seed_q -v h="$H" <<'EOF'
SELECT format('H="%s" H1="%s" H24="%s" H7D="%s" D0="%s" D30="%s"',
              quote_literal(h) || '::timestamptz', quote_literal(h - interval '1 hour') || '::timestamptz',
              quote_literal(h - interval '24 hours') || '::timestamptz', quote_literal(h - interval '7 days') || '::timestamptz',
              quote_literal(date_trunc('day', h)) || '::timestamptz',
              quote_literal(date_trunc('day', h) - interval '30 days') || '::timestamptz')
  FROM (SELECT :'h'::timestamptz AS h) s;
EOF
)" || { echo "seed tables: cannot read the build hour (skipped)"; return 0; }
  FT=factory_telemetry
  # 1. v_realtime_production_dashboard's query with now() at H: OEE and energy
  #    from the real-time hourly aggregates (raw: from the tables)
  dash() { # OEE_FROM OEE_TIME ENERGY_FROM ENERGY_TIME OEE_COLUMN
    echo "SELECT l.line_id, l.line_code, l.name, l.target_oee, o.last_hour_oee, o.oee_24h, o.good_units_24h,
       o.total_units_24h, e.energy_kwh_24h, q.checks_24h,
       round(100.0 * q.passed_24h / nullif(q.checks_24h, 0), 1) AS quality_pass_pct_24h,
       f.active_faults, f.max_active_severity, d.open_downtime_events, d.down_since
  FROM $FT.production_lines l
  LEFT JOIN LATERAL (SELECT avg(a.$5) FILTER (WHERE a.$2 >= $H1) AS last_hour_oee, avg(a.$5) AS oee_24h,
                            sum(a.good_count)::bigint AS good_units_24h, sum(a.total_count)::bigint AS total_units_24h
                       FROM $FT.$1 a WHERE a.line_id = l.line_id AND a.$2 >= $H24) o ON true
  LEFT JOIN LATERAL (SELECT sum(a.energy_kwh) AS energy_kwh_24h FROM $FT.$3 a
                      WHERE a.line_id = l.line_id AND a.$4 >= $H24) e ON true
  LEFT JOIN LATERAL (SELECT count(*) AS checks_24h, count(*) FILTER (WHERE qc.result = 'pass') AS passed_24h
                       FROM $FT.quality_checks qc WHERE qc.line_id = l.line_id AND qc.check_time >= $H24) q ON true
  LEFT JOIN LATERAL (SELECT count(*) AS active_faults, max(fe.severity) AS max_active_severity
                       FROM $FT.fault_event fe WHERE fe.line_id = l.line_id AND fe.ts_off IS NULL
                        AND fe.ts_on >= $H - interval '14 days') f ON true
  LEFT JOIN LATERAL (SELECT count(*) AS open_downtime_events, min(de.start_time) AS down_since
                       FROM $FT.downtime_events de WHERE de.line_id = l.line_id AND de.end_time IS NULL
                        AND de.start_time >= $H - interval '30 days') d ON true
 WHERE l.enabled"
  }
  A1=$(dash oee_hourly_aggregate bucket energy_hourly_aggregate bucket avg_oee)
  R1=$(dash oee_calculations calculation_time energy_consumption consumption_time oee)
  # 2. hourly OEE trend, 7 days, per line and equipment
  A2="SELECT bucket, line_id, equipment_code, avg_oee, avg_availability, avg_performance, avg_quality
        FROM $FT.oee_hourly_aggregate WHERE bucket >= $H7D AND bucket < $H"
  R2="SELECT public.time_bucket(interval '1 hour', calculation_time), line_id, equipment_code, avg(oee),
             avg(availability), avg(performance), avg(quality)
        FROM $FT.oee_calculations WHERE calculation_time >= $H7D AND calculation_time < $H GROUP BY 1, 2, 3"
  # 3. daily production report, the 30 closed days before H: units, good, OEE, energy per line and day
  A3="SELECT o.bucket, o.line_id, sum(o.total_count), sum(o.good_count), avg(o.avg_oee), max(e.kwh)
        FROM $FT.oee_daily_aggregate o
        LEFT JOIN (SELECT bucket, line_id, sum(energy_kwh) AS kwh FROM $FT.energy_daily_aggregate
                    WHERE bucket >= $D30 AND bucket < $D0 GROUP BY 1, 2) e USING (bucket, line_id)
       WHERE o.bucket >= $D30 AND o.bucket < $D0 GROUP BY 1, 2"
  R3="SELECT o.day, o.line_id, o.total, o.good, o.oee, e.kwh
        FROM (SELECT public.time_bucket(interval '1 day', calculation_time) AS day, line_id, sum(total_count) AS total,
                     sum(good_count) AS good, avg(oee) AS oee
                FROM $FT.oee_calculations WHERE calculation_time >= $D30 AND calculation_time < $D0 GROUP BY 1, 2) o
        LEFT JOIN (SELECT public.time_bucket(interval '1 day', consumption_time) AS day, line_id, sum(energy_kwh) AS kwh
                     FROM $FT.energy_consumption WHERE consumption_time >= $D30 AND consumption_time < $D0 GROUP BY 1, 2) e
          USING (day, line_id)"
  # 4. recent telemetry: the last hour per metric
  A4="SELECT bucket, metric_def_id, avg_value, min_value, max_value, last_value, samples
        FROM $FT.metric_hourly_aggregate WHERE bucket >= $H1"
  R4="SELECT public.time_bucket(interval '1 hour', ts), metric_def_id, avg(value_real), min(value_real), max(value_real),
             public.last(value_real, ts), count(*)
        FROM $FT.metric_hist WHERE ts >= $H1 GROUP BY 1, 2"
  # 5. energy consumption, 24 hours, per line and equipment and hour
  A5="SELECT bucket, line_id, equipment_code, energy_kwh, avg_power_kw, peak_power_kw, cost_eur
        FROM $FT.energy_hourly_aggregate WHERE bucket >= $H24"
  R5="SELECT public.time_bucket(interval '1 hour', consumption_time), line_id, equipment_code, sum(energy_kwh),
             avg(power_kw), max(power_kw), sum(cost_eur)
        FROM $FT.energy_consumption WHERE consumption_time >= $H24 GROUP BY 1, 2, 3"
  # 6. quality check summary, the 30 closed days before H, per line and check type
  A6="SELECT line_id, check_type, sum(checks), sum(passed), sum(failed), sum(rework)
        FROM $FT.quality_daily_aggregate WHERE bucket >= $D30 AND bucket < $D0 GROUP BY 1, 2"
  R6="SELECT line_id, check_type, count(*), count(*) FILTER (WHERE result = 'pass'),
             count(*) FILTER (WHERE result = 'fail'), count(*) FILTER (WHERE result = 'rework')
        FROM $FT.quality_checks WHERE check_time >= $D30 AND check_time < $D0 GROUP BY 1, 2"
  sql=""
  for i in 1 2 3 4 5 6; do
    sql="$sql
SELECT pg_temp.bench_ms(:'a$i') + pg_temp.bench_ms(:'r$i') AS warm \\gset
SELECT $i, (SELECT min(pg_temp.bench_ms(:'a$i')) FROM generate_series(1, 3)),
       (SELECT min(pg_temp.bench_ms(:'r$i')) FROM generate_series(1, 3)),
       (SELECT count(*) FROM (:a$i) s), (SELECT count(*) FROM (:r$i) s);"
  done
  rows=$(seed_q -c "SELECT format('%s rows in metric_hist, %s in oee_calculations, %s in energy_consumption, %s in quality_checks',
                                   (SELECT count(*) FROM factory_telemetry.metric_hist), (SELECT count(*) FROM factory_telemetry.oee_calculations),
                                   (SELECT count(*) FROM factory_telemetry.energy_consumption), (SELECT count(*) FROM factory_telemetry.quality_checks))")
  echo "seed \"Query Performance\" on the MS5.0 demo data, native $V (scale $SEED_SCALE, $SEED_DAYS days: $rows;"
  echo "  windows end at $(echo "$HB" | cut -c1-16), the build hour; server-side, best of 3 after a warm-up; policies paused):"
  printf '%s\n' "$sql" |
    seed_q -F '|' -v a1="$A1" -v r1="$R1" -v a2="$A2" -v r2="$R2" -v a3="$A3" -v r3="$R3" \
      -v a4="$A4" -v r4="$R4" -v a5="$A5" -v r5="$R5" -v a6="$A6" -v r6="$R6" \
      -f tests/bench/bench_ms.sql -f - 2>>"$LOG" |
    awk -F'|' 'BEGIN {
      split("Dashboard load|Hourly OEE trend (7 days)|Daily production report (30 days)|Recent telemetry (1 hour)|Energy consumption (24 h)|Quality check summary (30 days)", name, "|")
      split("2000 ms -> 50 ms (40x)|500 ms -> 10 ms (50x)|30 s -> 2 s (15x)|200 ms -> 30 ms (6.7x)|800 ms -> 50 ms (16x)|1200 ms -> 80 ms (15x)", claim, "|")
      printf "  %-34s %-24s %s\n", "query", "seed: before -> after", "measured: raw -> aggregates (rows)"
    }
    NF == 5 { done[$1] = 1
      printf "  %-34s %-24s %.1f ms -> %.1f ms (%.1fx) (%d / %d rows)\n", name[$1], claim[$1], $3, $2, ($2 > 0 ? $3 / $2 : 0), $5, $4 }
    END { for (i = 1; i <= 6; i++) if (!(i in done)) printf "  %-34s %-24s failed (log)\n", name[i], claim[i] }'

  # pgbench: the dashboard query on the aggregates
  PGB=$NATIVE_PG15_BIN/pgbench
  [ -x "$PGB" ] || PGB=$(command -v pgbench || true)
  if [ -z "$PGB" ]; then echo "seed \"Concurrent User Performance\": no pgbench (skipped)"; return 0; fi
  printf '%s;\n' "$A1" >"$RUN/dashboard.sql"
  secs=${BENCH_PGBENCH_SECS:-10}
  echo "seed \"Concurrent User Performance\": pgbench -T $secs, clients running the dashboard query (on the aggregates):"
  printf '  %-8s %-24s %s\n' clients "seed: load time, success" "measured: mean latency, success (transactions)"
  for n in 10 50 100 200; do
    j=$(nproc); [ "$j" -gt "$n" ] && j=$n
    "$PGB" -n -c "$n" -j "$j" -T "$secs" -f "$RUN/dashboard.sql" \
      "host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=tsdb" >"$RUN/pgbench.out" 2>"$RUN/pgbench.err"
    cat "$RUN/pgbench.out" "$RUN/pgbench.err" >>"$LOG"
    aborted=$(grep -c 'aborted' "$RUN/pgbench.err")
    awk -v n="$n" -v ab="$aborted" 'BEGIN { c[10] = "45 ms, 100 %"; c[50] = "52 ms, 100 %"; c[100] = "65 ms, 100 %"; c[200] = "120 ms, 99.5 %" }
      /^latency average/ { lat = $4 }
      /^number of transactions actually processed/ { split($NF, p, "/"); ok = p[1] }
      /^number of failed transactions/ { failed = $5 }
      END {
        if (lat == "") { printf "  %-8s %-24s failed (%d clients aborted; log)\n", n, c[n], ab; exit }
        printf "  %-8s %-24s %.1f ms, %.1f %% (%d)%s\n", n, c[n], lat, (ok + failed > 0 ? 100 * ok / (ok + failed) : 0), ok,
               (ab > 0 ? sprintf(", %d clients aborted", ab) : "") }' "$RUN/pgbench.out"
  done
}
