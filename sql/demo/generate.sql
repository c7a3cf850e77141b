-- Demo time-series data for the seven hypertables, relative to now().
-- psql variables: scale (rate multiplier, > 0, may be fractional), days (history length).
-- Run in autocommit mode (NOT --single-transaction): metric_hist is written one
-- statement per day (\gexec) so that no transaction locks thousands of chunks.
-- Values are deterministic for a given start time (setseed).
--
-- Realism that matters for compression: sensor values are quantized to the
-- sensor's resolution (temperature 1/16 degC as a 12-bit sensor delivers it,
-- vibration 1/64 mm/s), processes drift slowly (daily and 2-hour cycles) with
-- small noise, state signals change rarely, counters count. Timestamps are
-- NOT exactly periodic: a gateway polls all metrics once per period and stamps
-- the read 0-99 ms (millisecond resolution, pseudo-random per cycle) after the
-- scheduled instant. What decides the compression ratio is rows per metric and
-- 1-hour chunk, i.e. the sampling rate (see sql/README.md, Demo data).

SELECT setseed(0.4242);
SELECT date_trunc('minute', now()) AS t_end,
       date_trunc('day', now()) - make_interval(days => :days) AS t_start,
       make_interval(secs => 180 / (:scale)::float8) AS metric_period,
       make_interval(secs => 900 / (:scale)::float8) AS oee_period,
       make_interval(secs => 900 / (:scale)::float8) AS energy_period,
       make_interval(secs => 7200 / (:scale)::float8) AS quality_period
\gset

-- metric_def says how often each metric is sampled (reference.sql: 3 minutes = SCALE 1)
UPDATE factory_telemetry.metric_def SET sample_period = :'metric_period'::interval;

\echo demo: metric_hist (one statement per day, period :metric_period)
SELECT format($f$
INSERT INTO factory_telemetry.metric_hist (metric_def_id, ts, value_real, value_int, value_bool, quality)
SELECT md.metric_def_id,
       -- the poll cycle's timestamp: 0-99 ms late, the same for every metric read in that cycle
       s.ts + make_interval(secs => mod(hashint8(extract(epoch FROM s.ts)::bigint)::bigint + 2147483648, 100) / 1000.0),
       CASE md.metric_key
         WHEN 'motor_temperature' THEN
           round((42 + 1.5 * e.n
                  + 6 * sin(2 * pi() * extract(epoch FROM s.ts) / 86400)
                  + 0.8 * sin(2 * pi() * extract(epoch FROM s.ts) / 7200 + e.n)
                  + 0.15 * random()) * 16) / 16.0
         WHEN 'vibration_rms' THEN
           round((1.6 + 0.05 * e.n
                  + 0.25 * sin(2 * pi() * extract(epoch FROM s.ts) / 86400)
                  + 0.4 * greatest(0, extract(epoch FROM s.ts - %2$L::timestamptz) / (%4$s * 86400.0))  -- bearing wear drift
                  + 0.03 * random()) * 64) / 64.0
       END,
       CASE WHEN md.metric_key = 'piece_count'
            THEN floor(extract(epoch FROM s.ts - date_trunc('day', s.ts)) / eq.ideal_cycle_s * 0.8)::bigint END,
       CASE WHEN md.metric_key = 'running'
            THEN mod(floor(extract(epoch FROM s.ts) / 1800)::bigint * 7919 + e.n * 31, 29) <> 0 END,
       CASE WHEN random() < 0.001 THEN 24 ELSE 192 END
  FROM factory_telemetry.metric_def md
  JOIN factory_telemetry.equipment eq ON eq.equipment_code = md.equipment_code
  JOIN (SELECT equipment_code, row_number() OVER (ORDER BY equipment_code) AS n
          FROM factory_telemetry.equipment) e ON e.equipment_code = md.equipment_code
  CROSS JOIN generate_series(%1$L::timestamptz, least(%1$L::timestamptz + interval '1 day', %3$L::timestamptz) - interval '1 microsecond', %5$L::interval) AS s(ts)
$f$, d, :'t_start', :'t_end', :days, :'metric_period')
  FROM generate_series(:'t_start'::timestamptz, :'t_end'::timestamptz - interval '1 microsecond', interval '1 day') AS d
\gexec

\echo demo: oee_calculations (period :oee_period)
INSERT INTO factory_telemetry.oee_calculations
      (calculation_time, line_id, equipment_code, planned_production_time, run_time,
       total_count, good_count, availability, performance, quality, oee)
SELECT x.ts, x.line_id, x.equipment_code, x.planned, x.run_time, x.total, x.good,
       round((x.run_time::numeric / x.planned), 4),
       round(x.perf::numeric, 4),
       round((x.good::numeric / greatest(x.total, 1)), 4),
       round((x.run_time::numeric / x.planned) * x.perf::numeric * (x.good::numeric / greatest(x.total, 1)), 4)
  FROM (SELECT y.*, round(y.run_time / y.ideal_cycle_s * y.perf)::int AS total,
               round(round(y.run_time / y.ideal_cycle_s * y.perf) * y.q)::int AS good
          FROM (SELECT s.ts, eq.line_id, eq.equipment_code, eq.ideal_cycle_s,
                       extract(epoch FROM :'oee_period'::interval)::int AS planned,
                       round(extract(epoch FROM :'oee_period'::interval)
                             * CASE WHEN random() < 0.05 THEN 0.2 + 0.3 * random() ELSE 0.82 + 0.17 * random() END)::int AS run_time,
                       0.85 + 0.13 * random() AS perf,
                       0.965 + 0.034 * random() AS q
                  FROM factory_telemetry.equipment eq
                 CROSS JOIN generate_series(:'t_start'::timestamptz, :'t_end'::timestamptz, :'oee_period'::interval) AS s(ts)) y) x;

\echo demo: energy_consumption (period :energy_period)
INSERT INTO factory_telemetry.energy_consumption
      (consumption_time, equipment_code, line_id, power_kw, energy_kwh, voltage_v, current_a, power_factor, cost_eur)
SELECT y.ts, y.equipment_code, y.line_id, y.kw,
       round((y.kw * extract(epoch FROM :'energy_period'::interval) / 3600)::numeric, 3)::float8,
       y.v, round((y.kw * 1000 / (sqrt(3) * y.v * y.pf))::numeric, 1)::float8, y.pf,
       round((y.kw * extract(epoch FROM :'energy_period'::interval) / 3600 * 0.18)::numeric, 4)
  FROM (SELECT s.ts, eq.equipment_code, eq.line_id,
               round((eq.rated_power_kw * (0.55 + 0.25 * sin(2 * pi() * extract(epoch FROM s.ts) / 86400)
                                           + 0.05 * random()))::numeric, 1)::float8 AS kw,
               round((400 + 4 * random())::numeric, 0)::float8 AS v,
               round((0.80 + 0.15 * random())::numeric, 2)::float8 AS pf
          FROM factory_telemetry.equipment eq
         CROSS JOIN generate_series(:'t_start'::timestamptz, :'t_end'::timestamptz, :'energy_period'::interval) AS s(ts)) y;

\echo demo: production_kpis
INSERT INTO factory_telemetry.production_kpis
      (kpi_date, line_id, shift_id, total_units, good_units, scrap_units, planned_minutes, downtime_minutes, oee, target_met)
SELECT x.d, x.line_id, x.shift_id, x.total, x.good, x.total - x.good, 480, x.down,
       round(x.oee::numeric, 4), x.oee >= x.target_oee
  FROM (SELECT y.*, round(y.total * (0.965 + 0.03 * random()))::int AS good,
               (480 - y.down) / 480.0 * y.perf * 0.98 AS oee
          FROM (SELECT d::date AS d, l.line_id, sh.shift_id, l.target_oee,
                       (10 + floor(random() * 80))::int AS down,
                       0.82 + 0.15 * random() AS perf,
                       round(480 * 60 / 0.4 * (0.70 + 0.2 * random()))::int AS total
                  FROM generate_series(:'t_start'::timestamptz, :'t_end'::timestamptz - interval '1 day', interval '1 day') d
                 CROSS JOIN factory_telemetry.production_lines l
                 CROSS JOIN factory_telemetry.shifts sh) y) x;

\echo demo: downtime_events
INSERT INTO factory_telemetry.downtime_events
      (start_time, end_time, line_id, equipment_code, category, reason_code, duration_seconds, planned, comment)
SELECT y.st, y.st + make_interval(secs => y.dur), y.line_id, y.equipment_code, y.category,
       y.category || '-' || (1 + floor(random() * 4))::int, y.dur, y.category IN ('planned', 'changeover'), NULL
  FROM (SELECT d + make_interval(secs => floor(random() * 86000)::int) AS st,
               l.line_id,
               format('L%s-%s', l.line_id, (ARRAY['FIL','CAP','LAB','PAL'])[1 + floor(random() * 4)::int]) AS equipment_code,
               (ARRAY['breakdown','breakdown','changeover','material','quality','operator','planned'])[1 + floor(random() * 7)::int] AS category,
               (120 + floor(random() * 3600))::int AS dur
          FROM generate_series(:'t_start'::timestamptz, :'t_end'::timestamptz - interval '1 day', interval '1 day') d
         CROSS JOIN factory_telemetry.production_lines l
         CROSS JOIN generate_series(1, greatest(1, round(4 * (:scale)::numeric))::int) k) y;
-- the state a console must show: line 2 is down right now
INSERT INTO factory_telemetry.downtime_events
      (start_time, end_time, line_id, equipment_code, category, reason_code, duration_seconds, planned, comment)
VALUES (:'t_end'::timestamptz - interval '25 minutes', NULL, 2, 'L2-CAP', 'breakdown', 'breakdown-2', NULL, false,
        'capper torque head jammed, maintenance on site');

\echo demo: quality_checks (period :quality_period per line and check type)
INSERT INTO factory_telemetry.quality_checks
      (check_time, line_id, equipment_code, product_code, batch_id, check_type, result,
       measured_value, lower_limit, upper_limit, inspector)
SELECT y.ts, y.line_id, y.equipment_code, y.product, y.batch, y.check_type,
       CASE WHEN y.r < 0.02 THEN 'fail' WHEN y.r < 0.03 THEN 'rework' ELSE 'pass' END,
       round((CASE WHEN y.r < 0.02 THEN y.hi + (y.hi - y.lo) * 0.1 ELSE y.lo + (y.hi - y.lo) * (0.3 + 0.4 * random()) END)::numeric, 2)::float8,
       y.lo, y.hi, (ARRAY['anna','ben','chris','dora'])[1 + floor(random() * 4)::int]
  FROM (SELECT s.ts, l.line_id, format('L%s-%s', l.line_id, ct.eq) AS equipment_code,
               format('P-%s%s', l.line_id, mod(extract(doy FROM s.ts)::int, 3)) AS product,
               format('B%s-%s', l.line_id, to_char(s.ts, 'YYYYMMDD')) AS batch,
               ct.check_type, ct.lo, ct.hi, random() AS r
          FROM factory_telemetry.production_lines l
         CROSS JOIN (VALUES ('weight', 'FIL', 498.0, 506.0), ('fill_level', 'FIL', 95.0, 101.0),
                            ('torque', 'CAP', 1.2, 2.0), ('label_position', 'LAB', -1.5, 1.5),
                            ('visual', 'LAB', 0.0, 1.0)) AS ct(check_type, eq, lo, hi)
         CROSS JOIN generate_series(:'t_start'::timestamptz, :'t_end'::timestamptz, :'quality_period'::interval) AS s(ts)) y;

\echo demo: fault_event
INSERT INTO factory_telemetry.fault_event
      (ts_on, ts_off, equipment_code, line_id, fault_code, severity, acknowledged, description)
SELECT y.ts_on, y.ts_on + make_interval(secs => (30 + floor(random() * 1800))::int), y.equipment_code, y.line_id,
       fc.fault_code, fc.default_severity, true, fc.description
  FROM (SELECT d + make_interval(secs => floor(random() * 86000)::int) AS ts_on, eq.equipment_code, eq.line_id,
               1 + floor(random() * 8)::int AS pick
          FROM generate_series(:'t_start'::timestamptz, :'t_end'::timestamptz - interval '1 day', interval '1 day') d
         CROSS JOIN factory_telemetry.equipment eq
         CROSS JOIN generate_series(1, greatest(1, round(2 * (:scale)::numeric))::int) k) y
  JOIN (SELECT fault_code, default_severity, description, row_number() OVER (ORDER BY fault_code) AS n
          FROM factory_telemetry.fault_catalog) fc ON fc.n = y.pick;
-- active (not cleared) faults
INSERT INTO factory_telemetry.fault_event
      (ts_on, ts_off, equipment_code, line_id, fault_code, severity, acknowledged, description)
VALUES (:'t_end'::timestamptz - interval '24 minutes', NULL, 'L2-CAP', 2, 'E102', 5, false, 'drive fault'),
       (:'t_end'::timestamptz - interval '3 hours',    NULL, 'L3-PAL', 3, 'E401', 1, true,  'pallet wrapper film empty');
