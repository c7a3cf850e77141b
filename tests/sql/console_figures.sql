-- tests/sql/run.sh: every figure of the MS5.0 views that the console also
-- shows equals the console query's figure, row by row. The console queries
-- come in through the deployer's own markers, in the variant picked for this
-- server. One statement, so now() is the same for the views and the queries.
-- Output: one line per view: "name rows-that-differ rows".
WITH
ch AS (SELECT * FROM (
/*@query chunks@*/
  ) x WHERE x.schema_name = 'factory_telemetry'),
co AS (SELECT * FROM (
/*@query compression@*/
  ) x WHERE x.schema_name = 'factory_telemetry'),
jo AS (SELECT * FROM (
/*@query jobs@*/
  ) x),
re AS (SELECT * FROM (
/*@query retention@*/
  ) x WHERE x.schema = 'factory_telemetry'),
ca AS (SELECT * FROM (
/*@query caggs@*/
  ) x WHERE x.schema = 'factory_telemetry'),
us AS (SELECT hypertable_name, count(*) AS n, sum(approx_bytes) AS bytes FROM factory_telemetry.v_chunks GROUP BY 1),
ag AS (SELECT hypertable_name, sum(chunks) AS n, sum(approx_bytes) AS bytes FROM factory_telemetry.v_data_age_distribution GROUP BY 1)
SELECT 'v_chunk_statistics ' || count(*) FILTER (WHERE v.hypertable_name IS NULL OR q.table_name IS NULL OR
         (v.num_chunks, v.compressed_chunks, v.uncompressed_chunks, v.partially_compressed_chunks, v.frozen_chunks,
          v.approx_bytes, v.compression_enabled, extract(epoch FROM v.chunk_interval) * 1000000,
          extract(epoch FROM v.oldest_chunk_start) * 1000000, extract(epoch FROM v.newest_chunk_end) * 1000000)
         IS DISTINCT FROM
         (q.chunks, q.compressed, q.uncompressed, q.partial, q.frozen, q.est_bytes, q.compression_enabled,
          q.interval_length, q.oldest_start, q.newest_end)) || ' ' || count(*)
  FROM ch q FULL JOIN factory_telemetry.v_chunk_statistics v ON v.hypertable_name = q.table_name
UNION ALL
SELECT 'v_compression_statistics ' || count(*) FILTER (WHERE v.hypertable_name IS NULL OR q.table_name IS NULL OR
         (v.compressed_chunks, v.rows_before, v.rows_after, v.before_bytes, v.after_bytes)
         IS DISTINCT FROM
         (q.compressed_chunks, coalesce(q.rows_before, 0), coalesce(q.rows_after, 0),
          coalesce(q.before_bytes, 0), coalesce(q.after_bytes, 0))) || ' ' || count(*)
  FROM co q FULL JOIN factory_telemetry.v_compression_statistics v ON v.hypertable_name = q.table_name
UNION ALL
SELECT 'v_compression_jobs ' || count(*) FILTER (WHERE v.hypertable_name IS NULL OR q.table_name IS NULL OR
         (v.job_id, v.chunks_compressed, v.chunks_eligible, extract(epoch FROM v.compress_after), v.scheduled,
          extract(epoch FROM v.next_start), extract(epoch FROM v.last_successful_finish), v.last_run_status,
          v.total_runs, v.total_failures, v.consecutive_failures, extract(epoch FROM v.schedule_interval),
          extract(epoch FROM v.backlog_behind))
         IS DISTINCT FROM
         (q.job_id, q.compressed_chunks, q.backlog, q.compress_after_s, j.scheduled,
          j.next_start, j.last_finish, j.last_status,
          j.total_runs, j.total_failures, j.consecutive_failures, j.schedule_s,
          q.backlog_behind_s)) || ' ' || count(*)
  FROM (co q JOIN jo j ON j.id = q.job_id) FULL JOIN factory_telemetry.v_compression_jobs v ON v.hypertable_name = q.table_name
UNION ALL
SELECT 'v_retention_policies ' || count(*) FILTER (WHERE v.hypertable_name IS NULL OR q.name IS NULL OR
         (v.job_id, v.chunks_eligible_for_deletion, v.eligible_approx_bytes, extract(epoch FROM v.drop_after),
          v.scheduled, extract(epoch FROM v.next_start), v.chunks_total,
          extract(epoch FROM v.oldest_chunk_start) * 1000000, v.total_runs, v.last_run_status)
         IS DISTINCT FROM
         (q.job_id, q.drop_count, coalesce(q.drop_bytes, 0), q.drop_after_s,
          q.scheduled, q.next_start, c.chunks, c.oldest_start, j.total_runs, j.last_status)) || ' ' || count(*)
  FROM (re q JOIN jo j ON j.id = q.job_id LEFT JOIN ch c ON c.table_name = q.name)
  FULL JOIN factory_telemetry.v_retention_policies v ON v.hypertable_name = q.name
UNION ALL
SELECT 'v_continuous_aggregate_status ' || count(*) FILTER (WHERE v.view_name IS NULL OR q.name IS NULL OR
         (v.mat_hypertable_id, v.source_hypertable, v.materialized_only, extract(epoch FROM v.watermark), v.job_id,
          v.scheduled, extract(epoch FROM v.start_offset), extract(epoch FROM v.end_offset),
          extract(epoch FROM v.promised_lag), v.retention_cuts_window, extract(epoch FROM v.raw_newest_chunk_start),
          v.bucket, extract(epoch FROM v.next_start), v.total_runs)
         IS DISTINCT FROM
         (q.mat_id, q.raw_name::text, q.materialized_only, q.watermark, q.job_id,
          q.scheduled, extract(epoch FROM q.start_offset::interval), extract(epoch FROM q.end_offset::interval),
          q.promised_lag_s, q.retention_cuts_window, q.raw_newest_start,
          q.bucket, j.next_start, j.total_runs)) || ' ' || count(*)
  FROM (ca q LEFT JOIN jo j ON j.id = q.job_id)
  FULL JOIN factory_telemetry.v_continuous_aggregate_status v ON v.view_name = q.name
UNION ALL
-- the per-chunk helper and the age bands add up to the console's per-hypertable figures
SELECT 'v_chunks ' || count(*) FILTER (WHERE (q.chunks, q.est_bytes) IS DISTINCT FROM (coalesce(u.n, 0), coalesce(u.bytes, 0)))
       || ' ' || count(*)
  FROM ch q LEFT JOIN us u ON u.hypertable_name = q.table_name
UNION ALL
SELECT 'v_data_age_distribution ' || count(*) FILTER (WHERE (q.chunks, q.est_bytes) IS DISTINCT FROM (coalesce(a.n, 0), coalesce(a.bytes, 0)))
       || ' ' || count(*)
  FROM ch q LEFT JOIN ag a ON a.hypertable_name = q.table_name
ORDER BY 1;
