-- Step: monitoring views.
-- Cost rules (see /work/shared/TIMESCALE.md): everything here reads the
-- TimescaleDB catalog (_timescaledb_catalog.*), timescaledb_information.jobs /
-- job_stats and pg_class.relpages. No view calls chunks_detailed_size,
-- hypertable_detailed_size or hypertable_size (they open and stat every
-- relation file). Sizes are estimates from relpages (updated by VACUUM /
-- ANALYZE / compression) except the compression figures, which are the exact
-- byte counts TimescaleDB froze into compression_chunk_size at compression
-- time (the same numbers hypertable_compression_stats() returns).
-- Policy jobs are matched by proc_name, never by application_name.
-- Catalog layout as of TimescaleDB 2.14-2.24 (chunk.schema_name/table_name,
-- chunk_constraint table); later versions need this step adapted.
-- CREATE OR REPLACE VIEW: re-runs are no-ops; the column lists only grow.

-- Internal helper: one row per (non-dropped) chunk of a factory_telemetry
-- hypertable with its time range, status and a relpages size estimate.
CREATE OR REPLACE VIEW factory_telemetry.v_chunks AS
SELECT h.id                                    AS hypertable_id,
       h.table_name::text                      AS hypertable_name,
       c.id                                    AS chunk_id,
       c.schema_name::text                     AS chunk_schema,
       c.table_name::text                      AS chunk_name,
       format('%I.%I', c.schema_name, c.table_name) AS chunk,
       _timescaledb_functions.to_timestamp(s.range_start) AS range_start,
       _timescaledb_functions.to_timestamp(s.range_end)   AS range_end,
       c.status,
       (c.status & 1) = 1                      AS is_compressed,
       (c.status & 8) = 8                      AS is_partial,
       (coalesce(rc.relpages, 0)::bigint + coalesce(rcc.relpages, 0)::bigint) * current_setting('block_size')::bigint
                                               AS approx_bytes
  FROM _timescaledb_catalog.hypertable h
  JOIN _timescaledb_catalog.dimension d        ON d.hypertable_id = h.id AND d.interval_length IS NOT NULL
  JOIN _timescaledb_catalog.chunk c            ON c.hypertable_id = h.id AND NOT c.dropped
  JOIN _timescaledb_catalog.chunk_constraint cc ON cc.chunk_id = c.id
  JOIN _timescaledb_catalog.dimension_slice s  ON s.id = cc.dimension_slice_id AND s.dimension_id = d.id
  LEFT JOIN _timescaledb_catalog.chunk cz      ON cz.id = c.compressed_chunk_id
  LEFT JOIN pg_class rc  ON rc.oid  = to_regclass(format('%I.%I', c.schema_name, c.table_name))
  LEFT JOIN pg_class rcc ON cz.id IS NOT NULL
                        AND rcc.oid = to_regclass(CASE WHEN cz.id IS NOT NULL THEN format('%I.%I', cz.schema_name, cz.table_name) END)
 WHERE h.schema_name = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_chunks IS
    'one row per chunk of the factory_telemetry hypertables: range, status, relpages size estimate (catalog only)';

CREATE OR REPLACE VIEW factory_telemetry.v_chunk_statistics AS
SELECT h.table_name::text                                  AS hypertable_name,
       (d.interval_length * interval '1 microsecond')      AS chunk_interval,
       count(ch.chunk_id)                                  AS num_chunks,
       count(ch.chunk_id) FILTER (WHERE ch.is_compressed)  AS compressed_chunks,
       count(ch.chunk_id) FILTER (WHERE NOT ch.is_compressed) AS uncompressed_chunks,
       count(ch.chunk_id) FILTER (WHERE ch.is_partial)     AS partially_compressed_chunks,
       min(ch.range_start)                                 AS oldest_chunk_start,
       max(ch.range_end)                                   AS newest_chunk_end,
       coalesce(sum(ch.approx_bytes), 0)::bigint           AS approx_bytes,
       pg_size_pretty(coalesce(sum(ch.approx_bytes), 0)::bigint) AS approx_size,
       (h.compression_state = 1)                           AS compression_enabled
  FROM _timescaledb_catalog.hypertable h
  JOIN _timescaledb_catalog.dimension d ON d.hypertable_id = h.id AND d.interval_length IS NOT NULL
  LEFT JOIN factory_telemetry.v_chunks ch ON ch.hypertable_id = h.id
 WHERE h.schema_name = 'factory_telemetry'
 GROUP BY h.id, h.table_name, d.interval_length, h.compression_state;
COMMENT ON VIEW factory_telemetry.v_chunk_statistics IS
    'per hypertable: chunk interval, chunk counts by compression state, time span, size estimate';

CREATE OR REPLACE VIEW factory_telemetry.v_compression_statistics AS
SELECT h.table_name::text                              AS hypertable_name,
       count(ccs.chunk_id)                             AS compressed_chunks,
       coalesce(sum(ccs.numrows_pre_compression), 0)::bigint  AS rows_before,
       coalesce(sum(ccs.numrows_post_compression), 0)::bigint AS rows_after,
       coalesce(sum(ccs.uncompressed_heap_size + ccs.uncompressed_toast_size + ccs.uncompressed_index_size), 0)::bigint
                                                       AS before_bytes,
       coalesce(sum(ccs.compressed_heap_size + ccs.compressed_toast_size + ccs.compressed_index_size), 0)::bigint
                                                       AS after_bytes,
       round(100 * (1 - sum(ccs.compressed_heap_size + ccs.compressed_toast_size + ccs.compressed_index_size)::numeric
                        / nullif(sum(ccs.uncompressed_heap_size + ccs.uncompressed_toast_size + ccs.uncompressed_index_size), 0)), 1)
                                                       AS compression_ratio_pct,
       pg_size_pretty(coalesce(sum(ccs.uncompressed_heap_size + ccs.uncompressed_toast_size + ccs.uncompressed_index_size), 0)::bigint)
                                                       AS before_size,
       pg_size_pretty(coalesce(sum(ccs.compressed_heap_size + ccs.compressed_toast_size + ccs.compressed_index_size), 0)::bigint)
                                                       AS after_size
  FROM _timescaledb_catalog.hypertable h
  LEFT JOIN _timescaledb_catalog.chunk c ON c.hypertable_id = h.id AND NOT c.dropped
  LEFT JOIN _timescaledb_catalog.compression_chunk_size ccs ON ccs.chunk_id = c.id
 WHERE h.schema_name = 'factory_telemetry' AND h.compression_state = 1
 GROUP BY h.table_name;
COMMENT ON VIEW factory_telemetry.v_compression_statistics IS
    'per hypertable: compressed chunks and bytes before/after (frozen at compression time); ratio = 1 - after/before';

CREATE OR REPLACE VIEW factory_telemetry.v_compression_jobs AS
SELECT j.job_id,
       j.hypertable_name::text                        AS hypertable_name,
       (j.config ->> 'compress_after')::interval      AS compress_after,
       j.schedule_interval,
       j.scheduled,
       j.next_start,
       js.last_run_status,
       js.last_successful_finish,
       coalesce(js.total_runs, 0)                     AS total_runs,
       coalesce(js.total_failures, 0)                 AS total_failures,
       (SELECT count(*) FROM factory_telemetry.v_chunks ch
         WHERE ch.hypertable_name = j.hypertable_name AND ch.is_compressed) AS chunks_compressed,
       (SELECT count(*) FROM factory_telemetry.v_chunks ch
         WHERE ch.hypertable_name = j.hypertable_name AND (NOT ch.is_compressed OR ch.is_partial)
           AND ch.range_end <= now() - (j.config ->> 'compress_after')::interval) AS chunks_eligible,
       CASE WHEN NOT j.scheduled THEN 'paused'
            WHEN js.last_run_status = 'Failed' THEN 'failing'
            WHEN (SELECT count(*) FROM factory_telemetry.v_chunks ch
                   WHERE ch.hypertable_name = j.hypertable_name AND (NOT ch.is_compressed OR ch.is_partial)
                     AND ch.range_end <= now() - (j.config ->> 'compress_after')::interval) > 0 THEN 'backlog'
            ELSE 'ok' END                             AS job_health
  FROM timescaledb_information.jobs j
  LEFT JOIN timescaledb_information.job_stats js ON js.job_id = j.job_id
 WHERE j.proc_name = 'policy_compression' AND j.hypertable_schema = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_compression_jobs IS
    'compression policy jobs: settings, last run, chunks compressed / eligible but not compressed, health';

CREATE OR REPLACE VIEW factory_telemetry.v_retention_policies AS
SELECT j.job_id,
       j.hypertable_name::text                      AS hypertable_name,
       (j.config ->> 'drop_after')::interval        AS drop_after,
       j.schedule_interval,
       j.scheduled,
       j.next_start,
       js.last_run_status,
       coalesce(js.total_runs, 0)                   AS total_runs,
       (SELECT count(*) FROM factory_telemetry.v_chunks ch
         WHERE ch.hypertable_name = j.hypertable_name) AS chunks_total,
       (SELECT count(*) FROM factory_telemetry.v_chunks ch
         WHERE ch.hypertable_name = j.hypertable_name
           AND ch.range_end <= now() - (j.config ->> 'drop_after')::interval) AS chunks_eligible_for_deletion,
       (SELECT coalesce(sum(ch.approx_bytes), 0)::bigint FROM factory_telemetry.v_chunks ch
         WHERE ch.hypertable_name = j.hypertable_name
           AND ch.range_end <= now() - (j.config ->> 'drop_after')::interval) AS eligible_approx_bytes,
       (SELECT min(ch.range_start) FROM factory_telemetry.v_chunks ch
         WHERE ch.hypertable_name = j.hypertable_name) AS oldest_chunk_start
  FROM timescaledb_information.jobs j
  LEFT JOIN timescaledb_information.job_stats js ON js.job_id = j.job_id
 WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_retention_policies IS
    'retention policy jobs: drop_after, paused or not, chunks past drop_after that are still there';

CREATE OR REPLACE VIEW factory_telemetry.v_data_age_distribution AS
WITH bands(band_order, age_band, lo, hi) AS (
    VALUES (1, '0-1 day',     interval '0',        interval '1 day'),
           (2, '1-7 days',    interval '1 day',    interval '7 days'),
           (3, '7-30 days',   interval '7 days',   interval '30 days'),
           (4, '30-90 days',  interval '30 days',  interval '90 days'),
           (5, '90-365 days', interval '90 days',  interval '365 days'),
           (6, '> 1 year',    interval '365 days', NULL::interval))
SELECT ch.hypertable_name,
       b.band_order,
       b.age_band,
       count(*)                                  AS chunks,
       count(*) FILTER (WHERE ch.is_compressed)  AS compressed_chunks,
       sum(ch.approx_bytes)::bigint              AS approx_bytes
  FROM factory_telemetry.v_chunks ch
  JOIN bands b ON (now() - ch.range_end) >= b.lo AND (b.hi IS NULL OR (now() - ch.range_end) < b.hi)
 GROUP BY ch.hypertable_name, b.band_order, b.age_band
UNION ALL
-- chunks reaching into the future (range_end > now) are "current"
SELECT ch.hypertable_name, 0, 'current', count(*), count(*) FILTER (WHERE ch.is_compressed),
       sum(ch.approx_bytes)::bigint
  FROM factory_telemetry.v_chunks ch
 WHERE ch.range_end > now()
 GROUP BY ch.hypertable_name;
COMMENT ON VIEW factory_telemetry.v_data_age_distribution IS
    'per hypertable and age band (age = now - chunk range end): chunk counts, compressed, size estimate';

CREATE OR REPLACE VIEW factory_telemetry.v_index_usage_stats AS
SELECT t.relname::text                                 AS table_name,
       i.relname::text                                 AS index_name,
       obj_description(i.oid, 'pg_class')              AS purpose,
       x.indisunique                                   AS is_unique,
       x.indpred IS NOT NULL                           AS is_partial,
       x.indnkeyatts < x.indnatts                      AS is_covering,
       coalesce(st.idx_scan, 0) + coalesce(cs.idx_scan, 0)             AS index_scans,
       coalesce(st.idx_tup_read, 0) + coalesce(cs.idx_tup_read, 0)     AS tuples_read,
       coalesce(st.idx_tup_fetch, 0) + coalesce(cs.idx_tup_fetch, 0)   AS tuples_fetched,
       coalesce(cs.chunk_indexes, 0)                   AS chunk_indexes,
       ((i.relpages::bigint + coalesce(cs.relpages, 0)) * current_setting('block_size')::bigint) AS approx_bytes,
       pg_get_indexdef(i.oid)                          AS definition
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'factory_telemetry'
  LEFT JOIN pg_stat_all_indexes st ON st.indexrelid = i.oid
  -- chunk indexes are named <chunk table>_<hypertable index>
  LEFT JOIN LATERAL (
        SELECT count(*) AS chunk_indexes, sum(ci.relpages)::bigint AS relpages,
               sum(sci.idx_scan)::bigint AS idx_scan, sum(sci.idx_tup_read)::bigint AS idx_tup_read,
               sum(sci.idx_tup_fetch)::bigint AS idx_tup_fetch
          FROM _timescaledb_catalog.hypertable h
          JOIN _timescaledb_catalog.chunk c ON c.hypertable_id = h.id AND NOT c.dropped
          JOIN pg_namespace cn ON cn.nspname = c.schema_name
          JOIN pg_class ci ON ci.relnamespace = cn.oid AND ci.relkind = 'i'
                          AND ci.relname = left(c.table_name || '_' || i.relname, 63)
          LEFT JOIN pg_stat_all_indexes sci ON sci.indexrelid = ci.oid
         WHERE h.schema_name = n.nspname AND h.table_name = t.relname) cs ON true
 WHERE t.relkind IN ('r', 'p');
COMMENT ON VIEW factory_telemetry.v_index_usage_stats IS
    'per index of a factory_telemetry table: purpose (COMMENT), kind, scans summed over the chunk copies, size estimate';

CREATE OR REPLACE VIEW factory_telemetry.v_missing_indexes_analysis AS
-- (a) foreign-key columns with no index that starts with them
SELECT t.relname::text AS table_name,
       'unindexed foreign key'::text AS issue,
       format('column %s references %s', a.attname, con.confrelid::regclass) AS detail,
       NULL::bigint AS seq_scan, NULL::bigint AS idx_scan,
       greatest(t.reltuples, 0)::bigint AS approx_rows,
       format('CREATE INDEX ON factory_telemetry.%I (%I)', t.relname, a.attname) AS suggestion
  FROM pg_constraint con
  JOIN pg_class t ON t.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'factory_telemetry'
  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
 WHERE con.contype = 'f' AND cardinality(con.conkey) = 1
   AND NOT EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = con.conrelid AND x.indkey[0] = con.conkey[1])
UNION ALL
-- (b) tables (hypertables summed over their chunks) read mostly by sequential scans
SELECT s.table_name, 'sequential scans dominate',
       format('%s seq scans vs %s index scans', s.seq_scan, s.idx_scan),
       s.seq_scan, s.idx_scan, s.approx_rows,
       'check the WHERE clauses of frequent queries against v_index_usage_stats'
  FROM (SELECT coalesce(h.table_name, t.relname)::text AS table_name,
               sum(coalesce(st.seq_scan, 0))::bigint AS seq_scan,
               sum(coalesce(st.idx_scan, 0))::bigint AS idx_scan,
               sum(greatest(t.reltuples, 0))::bigint AS approx_rows
          FROM pg_class t
          JOIN pg_namespace n ON n.oid = t.relnamespace
          LEFT JOIN _timescaledb_catalog.chunk c ON c.schema_name = n.nspname AND c.table_name = t.relname
          LEFT JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id
          LEFT JOIN pg_stat_all_tables st ON st.relid = t.oid
         WHERE t.relkind = 'r'
           AND (n.nspname = 'factory_telemetry' OR h.schema_name = 'factory_telemetry')
         GROUP BY 1) s
 WHERE s.seq_scan > 10 * greatest(s.idx_scan, 1) AND s.approx_rows > 10000;
COMMENT ON VIEW factory_telemetry.v_missing_indexes_analysis IS
    'candidate missing indexes: unindexed foreign keys; tables read mostly by seq scans (needs pg_stat counters)';

CREATE OR REPLACE VIEW factory_telemetry.v_continuous_aggregate_status AS
SELECT ca.user_view_name::text                          AS view_name,
       rh.table_name::text                              AS source_hypertable,
       ca.mat_hypertable_id,
       ca.materialized_only,
       w.watermark,
       w.watermark IS NOT NULL                          AS ever_materialized,
       now() - w.watermark                              AS lag,
       j.job_id,
       j.schedule_interval,
       (j.config ->> 'start_offset')::interval          AS start_offset,
       (j.config ->> 'end_offset')::interval            AS end_offset,
       j.scheduled,
       j.next_start,
       js.last_run_status,
       coalesce(js.total_runs, 0)                       AS total_runs,
       (SELECT count(*) FROM _timescaledb_catalog.continuous_aggs_materialization_invalidation_log il
         WHERE il.materialization_id = ca.mat_hypertable_id) AS pending_invalidations
  FROM _timescaledb_catalog.continuous_agg ca
  JOIN _timescaledb_catalog.hypertable rh ON rh.id = ca.raw_hypertable_id
  CROSS JOIN LATERAL (
        -- never materialized: the watermark is the minimum of the time type
        -- (timestamptz: 4714-11-24 BC = -210866803200000000 us; INT64 min on
        -- older versions): shown as NULL
        SELECT CASE WHEN wm <= -210866803200000000 THEN NULL
                    ELSE _timescaledb_functions.to_timestamp(wm) END AS watermark
          FROM (SELECT _timescaledb_functions.cagg_watermark(ca.mat_hypertable_id) AS wm) x) w
  LEFT JOIN timescaledb_information.jobs j
         ON j.proc_name = 'policy_refresh_continuous_aggregate'
        AND (j.config ->> 'mat_hypertable_id')::int = ca.mat_hypertable_id
  LEFT JOIN timescaledb_information.job_stats js ON js.job_id = j.job_id
 WHERE ca.user_view_schema = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_continuous_aggregate_status IS
    'per continuous aggregate: watermark (NULL = never materialized), lag, refresh policy and its offsets';

CREATE OR REPLACE VIEW factory_telemetry.v_realtime_production_dashboard AS
SELECT l.line_id,
       l.line_code,
       l.name                                   AS line_name,
       l.target_oee,
       o.last_hour_oee,
       o.oee_24h,
       o.good_units_24h,
       o.total_units_24h,
       e.energy_kwh_24h,
       q.checks_24h,
       round(100.0 * q.passed_24h / nullif(q.checks_24h, 0), 1) AS quality_pass_pct_24h,
       f.active_faults,
       f.max_active_severity,
       d.open_downtime_events,
       d.down_since,
       CASE WHEN d.open_downtime_events > 0 THEN 'down'
            WHEN f.max_active_severity >= 4 THEN 'fault'
            WHEN o.last_hour_oee < l.target_oee THEN 'below target'
            ELSE 'running' END                 AS status
  FROM factory_telemetry.production_lines l
  LEFT JOIN LATERAL (
        SELECT avg(a.avg_oee) FILTER (WHERE a.bucket >= now() - interval '1 hour') AS last_hour_oee,
               avg(a.avg_oee)            AS oee_24h,
               sum(a.good_count)::bigint AS good_units_24h,
               sum(a.total_count)::bigint AS total_units_24h
          FROM factory_telemetry.oee_hourly_aggregate a
         WHERE a.line_id = l.line_id AND a.bucket >= now() - interval '24 hours') o ON true
  LEFT JOIN LATERAL (
        SELECT sum(a.energy_kwh) AS energy_kwh_24h
          FROM factory_telemetry.energy_hourly_aggregate a
         WHERE a.line_id = l.line_id AND a.bucket >= now() - interval '24 hours') e ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS checks_24h, count(*) FILTER (WHERE qc.result = 'pass') AS passed_24h
          FROM factory_telemetry.quality_checks qc
         WHERE qc.line_id = l.line_id AND qc.check_time >= now() - interval '24 hours') q ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS active_faults, max(fe.severity) AS max_active_severity
          FROM factory_telemetry.fault_event fe
         WHERE fe.line_id = l.line_id AND fe.ts_off IS NULL
           AND fe.ts_on >= now() - interval '14 days') f ON true
  LEFT JOIN LATERAL (
        SELECT count(*) AS open_downtime_events, min(de.start_time) AS down_since
          FROM factory_telemetry.downtime_events de
         WHERE de.line_id = l.line_id AND de.end_time IS NULL
           AND de.start_time >= now() - interval '30 days') d ON true
 WHERE l.enabled;
COMMENT ON VIEW factory_telemetry.v_realtime_production_dashboard IS
    'per enabled line: OEE (real-time hourly cagg), energy, quality pass rate, active faults, open downtime (open items searched in the last 14/30 days)';
