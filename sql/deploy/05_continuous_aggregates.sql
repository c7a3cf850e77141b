-- Step: continuous aggregates — 8 caggs and their refresh policies.
-- Created WITH NO DATA: WITH DATA refreshes at creation and cannot run inside
-- a transaction block (this step is one transaction). The first
-- materialization comes from the policy or from
-- CALL factory_telemetry.refresh_continuous_aggregate(...).
--
-- Offsets (refresh window = [now - start_offset, now - end_offset)):
--   hourly caggs: start_offset 3 days,  end_offset 1 hour, every 5 minutes
--   daily caggs:  start_offset 35 days, end_offset 1 hour, every 1 hour
-- * start_offset is far below every raw table's drop_after (smallest: metric_hist
--   90 days), so retention never drops raw chunks inside a refresh window (a
--   refresh over a dropped range would delete aggregated history).
-- * 35 days > the largest compress_after of a cagg source (30 days, downtime and
--   quality): late corrections to still-uncompressed rows get re-aggregated.
-- * end_offset 1 hour keeps the newest, still-filling hour out of the
--   materialization; hourly caggs use real-time aggregation
--   (materialized_only = false) to show it anyway, daily caggs are
--   materialized only (reports of closed days).
-- * Each window spans >= 2 buckets, as add_continuous_aggregate_policy requires.

CREATE MATERIALIZED VIEW IF NOT EXISTS factory_telemetry.oee_hourly_aggregate
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT public.time_bucket(interval '1 hour', calculation_time) AS bucket,
       line_id, equipment_code,
       avg(oee) AS avg_oee, min(oee) AS min_oee, max(oee) AS max_oee,
       avg(availability) AS avg_availability, avg(performance) AS avg_performance,
       avg(quality) AS avg_quality,
       sum(total_count) AS total_count, sum(good_count) AS good_count,
       count(*) AS samples
  FROM factory_telemetry.oee_calculations
 GROUP BY 1, 2, 3
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS factory_telemetry.oee_daily_aggregate
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT public.time_bucket(interval '1 day', calculation_time) AS bucket,
       line_id, equipment_code,
       avg(oee) AS avg_oee, min(oee) AS min_oee, max(oee) AS max_oee,
       avg(availability) AS avg_availability, avg(performance) AS avg_performance,
       avg(quality) AS avg_quality,
       sum(total_count) AS total_count, sum(good_count) AS good_count,
       count(*) AS samples
  FROM factory_telemetry.oee_calculations
 GROUP BY 1, 2, 3
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS factory_telemetry.metric_hourly_aggregate
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT public.time_bucket(interval '1 hour', ts) AS bucket,
       metric_def_id,
       avg(value_real) AS avg_value, min(value_real) AS min_value, max(value_real) AS max_value,
       stddev_samp(value_real) AS stddev_value,
       public.last(value_real, ts) AS last_value,
       count(*) AS samples,
       count(*) FILTER (WHERE quality <> 192) AS bad_samples
  FROM factory_telemetry.metric_hist
 GROUP BY 1, 2
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS factory_telemetry.metric_daily_aggregate
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT public.time_bucket(interval '1 day', ts) AS bucket,
       metric_def_id,
       avg(value_real) AS avg_value, min(value_real) AS min_value, max(value_real) AS max_value,
       stddev_samp(value_real) AS stddev_value,
       count(*) AS samples,
       count(*) FILTER (WHERE quality <> 192) AS bad_samples
  FROM factory_telemetry.metric_hist
 GROUP BY 1, 2
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS factory_telemetry.energy_hourly_aggregate
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT public.time_bucket(interval '1 hour', consumption_time) AS bucket,
       line_id, equipment_code,
       sum(energy_kwh) AS energy_kwh, avg(power_kw) AS avg_power_kw, max(power_kw) AS peak_power_kw,
       avg(power_factor) AS avg_power_factor, sum(cost_eur) AS cost_eur,
       count(*) AS samples
  FROM factory_telemetry.energy_consumption
 GROUP BY 1, 2, 3
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS factory_telemetry.energy_daily_aggregate
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT public.time_bucket(interval '1 day', consumption_time) AS bucket,
       line_id, equipment_code,
       sum(energy_kwh) AS energy_kwh, avg(power_kw) AS avg_power_kw, max(power_kw) AS peak_power_kw,
       avg(power_factor) AS avg_power_factor, sum(cost_eur) AS cost_eur,
       count(*) AS samples
  FROM factory_telemetry.energy_consumption
 GROUP BY 1, 2, 3
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS factory_telemetry.downtime_daily_aggregate
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT public.time_bucket(interval '1 day', start_time) AS bucket,
       line_id, category,
       count(*) AS events,
       count(*) FILTER (WHERE planned) AS planned_events,
       sum(duration_seconds) AS downtime_seconds,
       max(duration_seconds) AS longest_seconds
  FROM factory_telemetry.downtime_events
 GROUP BY 1, 2, 3
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS factory_telemetry.quality_daily_aggregate
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT public.time_bucket(interval '1 day', check_time) AS bucket,
       line_id, check_type,
       count(*) AS checks,
       count(*) FILTER (WHERE result = 'pass') AS passed,
       count(*) FILTER (WHERE result = 'fail') AS failed,
       count(*) FILTER (WHERE result = 'rework') AS rework,
       avg(measured_value) AS avg_measured
  FROM factory_telemetry.quality_checks
 GROUP BY 1, 2, 3
WITH NO DATA;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT * FROM (VALUES
            ('oee_hourly_aggregate',     interval '3 days',  interval '1 hour', interval '5 minutes'),
            ('oee_daily_aggregate',      interval '35 days', interval '1 hour', interval '1 hour'),
            ('metric_hourly_aggregate',  interval '3 days',  interval '1 hour', interval '5 minutes'),
            ('metric_daily_aggregate',   interval '35 days', interval '1 hour', interval '1 hour'),
            ('energy_hourly_aggregate',  interval '3 days',  interval '1 hour', interval '5 minutes'),
            ('energy_daily_aggregate',   interval '35 days', interval '1 hour', interval '1 hour'),
            ('downtime_daily_aggregate', interval '35 days', interval '1 hour', interval '1 hour'),
            ('quality_daily_aggregate',  interval '35 days', interval '1 hour', interval '1 hour')
        ) AS t(cagg, start_offset, end_offset, schedule)
    LOOP
        PERFORM public.add_continuous_aggregate_policy(
            format('factory_telemetry.%I', r.cagg)::regclass,
            start_offset      => r.start_offset,
            end_offset        => r.end_offset,
            schedule_interval => r.schedule,
            if_not_exists     => true);
        -- a cagg is a view in pg_class (relkind v): COMMENT ON VIEW
        EXECUTE format('COMMENT ON VIEW factory_telemetry.%I IS %L', r.cagg,
            format('continuous aggregate; refresh policy every %s over [now-%s, now-%s)',
                   r.schedule, r.start_offset, r.end_offset));
    END LOOP;
END
$$;
