-- Leaves the states a console must show (run in autocommit, after generate.sql):
-- * compressed chunks AND chunks past compress_after that are not compressed:
--   only chunks older than 30 days are compressed (60 days for downtime_events
--   and quality_checks, whose compress_after is 30 days), by the layer's own
--   routine compress_all_eligible_chunks;
-- * metric_hist keeps data back to ~100 days although drop_after is 90 days:
--   retention never runs here (no background workers; policies never ran);
-- * continuous aggregates materialized up to different points; quality_daily
--   never refreshed.
\echo demo: compressing chunks older than 30 days (60 for downtime/quality), one transaction per chunk
-- One statement per chunk (\gexec, autocommit): compressing ~1,700 metric_hist
-- chunks in one transaction (compress_all_eligible_chunks) exhausts
-- max_locks_per_transaction. Same selection rule as compress_all_eligible_chunks:
-- chunks whose range ends before now - older_than.
SELECT format('DO $d$ BEGIN PERFORM factory_telemetry.compress_chunk_manual(%L); END $d$', ch.chunk)
  FROM factory_telemetry.v_chunks ch
  JOIN (VALUES ('metric_hist', interval '30 days'), ('oee_calculations', interval '30 days'),
               ('energy_consumption', interval '30 days'), ('production_kpis', interval '30 days'),
               ('fault_event', interval '30 days'), ('downtime_events', interval '60 days'),
               ('quality_checks', interval '60 days')) AS t(tbl, older) ON t.tbl = ch.hypertable_name
 WHERE ch.range_end <= now() - t.older AND NOT ch.is_compressed
 ORDER BY ch.hypertable_name, ch.range_start
\gexec
SELECT hypertable_name, num_chunks, compressed_chunks, uncompressed_chunks
  FROM factory_telemetry.v_chunk_statistics ORDER BY hypertable_name;

\echo demo: refreshing continuous aggregates to different watermarks
CALL factory_telemetry.refresh_continuous_aggregate('metric_hourly_aggregate',  now() - interval '7 days',  now() - interval '1 hour');
CALL factory_telemetry.refresh_continuous_aggregate('oee_hourly_aggregate',     now() - interval '3 days',  now() - interval '1 hour');
CALL factory_telemetry.refresh_continuous_aggregate('energy_hourly_aggregate',  now() - interval '10 days', now() - interval '2 days');
CALL factory_telemetry.refresh_continuous_aggregate('oee_daily_aggregate',      now() - interval '35 days', now() - interval '1 hour');
CALL factory_telemetry.refresh_continuous_aggregate('metric_daily_aggregate',   now() - interval '35 days', now() - interval '5 days');
CALL factory_telemetry.refresh_continuous_aggregate('energy_daily_aggregate',   now() - interval '35 days', now() - interval '1 day');
CALL factory_telemetry.refresh_continuous_aggregate('downtime_daily_aggregate', now() - interval '35 days', now() - interval '10 days');
-- quality_daily_aggregate: deliberately never refreshed

\echo demo: compression of metric_hist (hypertable_compression_stats: 1 - after/before)
SELECT total_chunks, number_compressed_chunks,
       pg_size_pretty(before_compression_total_bytes) AS before,
       pg_size_pretty(after_compression_total_bytes) AS after,
       round(100 * (1 - after_compression_total_bytes::numeric / nullif(before_compression_total_bytes, 0)), 1)
           AS compression_ratio_pct,
       round(100 * (1 - (after_compression_table_bytes + after_compression_toast_bytes)::numeric
                        / nullif(before_compression_table_bytes + before_compression_toast_bytes, 0)), 1)
           AS ratio_without_indexes_pct
  FROM public.hypertable_compression_stats('factory_telemetry.metric_hist');
