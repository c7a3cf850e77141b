-- Step: monitoring views.
--
-- ONE DEFINITION PER FACT. The views that show what the console shows
-- (v_chunk_statistics, v_compression_statistics, v_compression_jobs,
-- v_retention_policies, v_continuous_aggregate_status) have no SQL of their
-- own for those facts: each is a projection, filtered to schema
-- factory_telemetry, over the console's own monitoring queries
-- (sql/queries/NAME*.sql) used as subqueries. A line holding only the marker
--     /*@query NAME@*/
-- is replaced at deploy time by the text of the console query NAME in the
-- variant that fits the server's TimescaleDB version, picked exactly as the
-- console picks it (query_pick: NAME.tsNNNNN.sql from version NNNNN on, and
-- the variants without the lines marked "-- until tsNNNNN"). Both deployers
-- do it: sql/deploy.sh (sh + awk over sql/queries/) and `tsdbtop deploy`
-- (the queries embedded in the binary). `sh sql/deploy.sh --render FILE
-- VERSION` prints the rendered step. This file is therefore not valid SQL
-- as it stands: run it through a deployer.
-- Only what the console does not show is derived here (interval/timestamp
-- types from the console's epoch seconds, pretty sizes, job_health, pending
-- invalidations). The other views (v_chunks, v_data_age_distribution,
-- v_index_usage_stats, v_missing_indexes_analysis,
-- v_realtime_production_dashboard) have no console counterpart.
--
-- Cost rules (see TIMESCALE.md in the shared notes beside this repository): everything here reads the
-- TimescaleDB catalog (_timescaledb_catalog.*), timescaledb_information.jobs /
-- job_stats and pg_class.relpages. No view calls chunks_detailed_size,
-- hypertable_detailed_size or hypertable_size (they open and stat every
-- relation file). Sizes are the console's estimates: uncompressed chunks from
-- relpages (heap + TOAST + indexes; updated by VACUUM / ANALYZE), compressed
-- chunks from the exact byte counts TimescaleDB froze into
-- compression_chunk_size at compression time (the numbers
-- hypertable_compression_stats() returns).
-- Policy jobs are matched by proc_name, never by application_name.
-- The views with SQL of their own read no catalog column that TimescaleDB
-- renamed or removed between 2.14 and 2.29 (chunk.dropped until 2.25,
-- chunk.schema_name/table_name/compressed_chunk_id until 2.28, replaced by
-- chunk.relid in 2.29): a chunk is found as an inheritance child
-- (pg_inherits) of its hypertable, mapped to its catalog row with
-- _timescaledb_functions.chunk_id_from_relid() (2.12+, the same in 2.29), so
-- dropped chunks (catalog rows without a table) are left out by the join.
-- Time ranges are read through _timescaledb_catalog.chunk_constraint, a
-- table until 2.27 and a view over dimension_slice (which carries chunk_id)
-- from 2.28 on. The console's compression query needs 2.14+: on an older
-- server this step fails and says so.
-- CREATE OR REPLACE VIEW: re-runs are no-ops; the column lists only grow.

-- Internal helper: one row per chunk (with a table: not dropped) of a factory_telemetry
-- hypertable with its time range, status and size estimate. approx_bytes is
-- the console's estimate per chunk (sql/queries/chunks.sql: relpages of heap,
-- TOAST and indexes while uncompressed, compressed bytes once compressed), so
-- it sums to v_chunk_statistics.approx_bytes (tested).
CREATE OR REPLACE VIEW factory_telemetry.v_chunks AS
SELECT h.id                                    AS hypertable_id,
       h.table_name::text                      AS hypertable_name,
       c.id                                    AS chunk_id,
       rn.nspname::text                        AS chunk_schema,
       rc.relname::text                        AS chunk_name,
       format('%I.%I', rn.nspname, rc.relname) AS chunk,
       _timescaledb_functions.to_timestamp(s.range_start) AS range_start,
       _timescaledb_functions.to_timestamp(s.range_end)   AS range_end,
       c.status,
       (c.status & 1) = 1                      AS is_compressed,
       (c.status & 8) = 8                      AS is_partial,
       ((CASE WHEN c.status & 1 = 0
              THEN coalesce(rc.relpages, 0)::bigint
                   + coalesce((SELECT t.relpages FROM pg_class t WHERE t.oid = rc.reltoastrelid), 0)
                   + coalesce((SELECT sum(ic.relpages) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                                WHERE i.indrelid = rc.oid), 0)
              ELSE 0 END) * current_setting('block_size')::bigint
        + coalesce(ccs.compressed_heap_size + ccs.compressed_toast_size + ccs.compressed_index_size, 0))::bigint
                                               AS approx_bytes
  FROM _timescaledb_catalog.hypertable h
  JOIN _timescaledb_catalog.dimension d        ON d.hypertable_id = h.id AND d.interval_length IS NOT NULL
  JOIN pg_namespace hn ON hn.nspname = h.schema_name
  JOIN pg_class hc     ON hc.relnamespace = hn.oid AND hc.relname = h.table_name
  JOIN pg_inherits inh ON inh.inhparent = hc.oid
  JOIN pg_class rc     ON rc.oid = inh.inhrelid
  JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  JOIN _timescaledb_catalog.chunk c            ON c.id = _timescaledb_functions.chunk_id_from_relid(rc.oid)
                                              AND c.hypertable_id = h.id
  JOIN _timescaledb_catalog.chunk_constraint cc ON cc.chunk_id = c.id
  JOIN _timescaledb_catalog.dimension_slice s  ON s.id = cc.dimension_slice_id AND s.dimension_id = d.id
  LEFT JOIN _timescaledb_catalog.compression_chunk_size ccs ON ccs.chunk_id = c.id
 WHERE h.schema_name = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_chunks IS
    'one row per chunk of the factory_telemetry hypertables: range, status, size estimate (catalog only)';

-- console query: chunks (the Chunks pane)
CREATE OR REPLACE VIEW factory_telemetry.v_chunk_statistics AS
SELECT q.table_name::text                                  AS hypertable_name,
       q.interval_length * interval '1 microsecond'        AS chunk_interval,
       q.chunks::bigint                                    AS num_chunks,
       q.compressed::bigint                                AS compressed_chunks,
       q.uncompressed::bigint                              AS uncompressed_chunks,
       q.partial::bigint                                   AS partially_compressed_chunks,
       _timescaledb_functions.to_timestamp(q.oldest_start) AS oldest_chunk_start,
       _timescaledb_functions.to_timestamp(q.newest_end)   AS newest_chunk_end,
       q.est_bytes::bigint                                 AS approx_bytes,
       pg_size_pretty(q.est_bytes::bigint)                 AS approx_size,
       q.compression_enabled,
       q.frozen::bigint                                    AS frozen_chunks
  FROM (
/*@query chunks@*/
       ) q
 WHERE q.schema_name = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_chunk_statistics IS
    'per hypertable: chunk interval, chunk counts by compression state, time span, size estimate (the console''s chunks query)';

-- console query: compression (the Compression pane)
CREATE OR REPLACE VIEW factory_telemetry.v_compression_statistics AS
SELECT q.table_name::text                                  AS hypertable_name,
       q.compressed_chunks::bigint                         AS compressed_chunks,
       coalesce(q.rows_before, 0)::bigint                  AS rows_before,
       coalesce(q.rows_after, 0)::bigint                   AS rows_after,
       coalesce(q.before_bytes, 0)::bigint                 AS before_bytes,
       coalesce(q.after_bytes, 0)::bigint                  AS after_bytes,
       round(100 * (1 - q.after_bytes::numeric / nullif(q.before_bytes, 0)), 1)
                                                           AS compression_ratio_pct,
       pg_size_pretty(coalesce(q.before_bytes, 0)::bigint) AS before_size,
       pg_size_pretty(coalesce(q.after_bytes, 0)::bigint)  AS after_size
  FROM (
/*@query compression@*/
       ) q
 WHERE q.schema_name = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_compression_statistics IS
    'per hypertable: compressed chunks and bytes before/after (frozen at compression time); ratio = 1 - after/before (the console''s compression query)';

-- console queries: compression, jobs (the Compression and Jobs panes)
CREATE OR REPLACE VIEW factory_telemetry.v_compression_jobs AS
SELECT c.job_id,
       c.table_name::text                                  AS hypertable_name,
       CASE WHEN c.compress_after_s IS NOT NULL THEN c.compress_after::interval END AS compress_after,
       j.schedule_interval,
       j.scheduled,
       to_timestamp(j.next_start)                          AS next_start,
       j.last_status                                       AS last_run_status,
       to_timestamp(j.last_finish)                         AS last_successful_finish,
       j.total_runs::bigint                                AS total_runs,
       j.total_failures::bigint                            AS total_failures,
       c.compressed_chunks::bigint                         AS chunks_compressed,
       c.backlog::bigint                                   AS chunks_eligible,
       CASE WHEN NOT j.scheduled THEN 'paused'
            WHEN j.last_status = 'Failed' THEN 'failing'
            WHEN c.backlog > 0 THEN 'backlog'
            ELSE 'ok' END                                  AS job_health,
       justify_hours(c.backlog_behind_s * interval '1 second') AS backlog_behind,
       j.consecutive_failures::integer                     AS consecutive_failures
  FROM (
/*@query compression@*/
       ) c
  JOIN (
/*@query jobs@*/
       ) j ON j.id = c.job_id
 WHERE c.schema_name = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_compression_jobs IS
    'compression policy jobs: settings, last run, chunks compressed / eligible but not compressed (backlog), health (the console''s compression and jobs queries)';

-- console queries: retention, jobs, chunks (the Retention, Jobs and Chunks panes)
CREATE OR REPLACE VIEW factory_telemetry.v_retention_policies AS
SELECT r.job_id,
       r.name::text                                        AS hypertable_name,
       CASE WHEN r.drop_after_s IS NOT NULL THEN r.drop_after::interval END AS drop_after,
       j.schedule_interval,
       r.scheduled,
       to_timestamp(r.next_start)                          AS next_start,
       j.last_status                                       AS last_run_status,
       j.total_runs::bigint                                AS total_runs,
       coalesce(ch.chunks, 0)::bigint                      AS chunks_total,
       r.drop_count::bigint                                AS chunks_eligible_for_deletion,
       coalesce(r.drop_bytes, 0)::bigint                   AS eligible_approx_bytes,
       _timescaledb_functions.to_timestamp(ch.oldest_start) AS oldest_chunk_start
  FROM (
/*@query retention@*/
       ) r
  JOIN (
/*@query jobs@*/
       ) j ON j.id = r.job_id
  LEFT JOIN (
/*@query chunks@*/
       ) ch ON ch.schema_name = r.schema AND ch.table_name = r.name
 WHERE r.schema = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_retention_policies IS
    'retention policy jobs: drop_after, paused or not, chunks (and bytes) the next run drops (the console''s retention, jobs and chunks queries)';

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
  -- a hypertable's chunks are its inheritance children; their copies of its
  -- indexes are named <chunk table>_<hypertable index>
  LEFT JOIN LATERAL (
        SELECT count(*) AS chunk_indexes, sum(ci.relpages)::bigint AS relpages,
               sum(sci.idx_scan)::bigint AS idx_scan, sum(sci.idx_tup_read)::bigint AS idx_tup_read,
               sum(sci.idx_tup_fetch)::bigint AS idx_tup_fetch
          FROM pg_inherits inh
          JOIN pg_class ch ON ch.oid = inh.inhrelid
          JOIN pg_index cx ON cx.indrelid = ch.oid
          JOIN pg_class ci ON ci.oid = cx.indexrelid
                          AND ci.relname = left(ch.relname || '_' || i.relname, 63)
          LEFT JOIN pg_stat_all_indexes sci ON sci.indexrelid = ci.oid
         WHERE inh.inhparent = t.oid) cs ON true
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
          -- a chunk: an inheritance child of a hypertable
          LEFT JOIN pg_inherits inh ON inh.inhrelid = t.oid
          LEFT JOIN pg_class p ON p.oid = inh.inhparent
          LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
          LEFT JOIN _timescaledb_catalog.hypertable h ON h.schema_name = pn.nspname AND h.table_name = p.relname
          LEFT JOIN pg_stat_all_tables st ON st.relid = t.oid
         WHERE t.relkind = 'r'
           AND (n.nspname = 'factory_telemetry' OR h.schema_name = 'factory_telemetry')
         GROUP BY 1) s
 WHERE s.seq_scan > 10 * greatest(s.idx_scan, 1) AND s.approx_rows > 10000;
COMMENT ON VIEW factory_telemetry.v_missing_indexes_analysis IS
    'candidate missing indexes: unindexed foreign keys; tables read mostly by seq scans (needs pg_stat counters)';

-- console queries: caggs, jobs (the Continuous aggregates and Jobs panes)
CREATE OR REPLACE VIEW factory_telemetry.v_continuous_aggregate_status AS
SELECT a.name::text                                        AS view_name,
       a.raw_name::text                                    AS source_hypertable,
       a.mat_id                                            AS mat_hypertable_id,
       a.materialized_only,
       to_timestamp(a.watermark)                           AS watermark,
       a.watermark IS NOT NULL                             AS ever_materialized,
       now() - to_timestamp(a.watermark)                   AS lag,
       a.job_id,
       j.schedule_interval,
       CASE WHEN a.start_offset !~ '^-?[0-9]+$' THEN a.start_offset::interval END AS start_offset,
       CASE WHEN a.end_offset !~ '^-?[0-9]+$' THEN a.end_offset::interval END     AS end_offset,
       a.scheduled,
       to_timestamp(j.next_start)                          AS next_start,
       j.last_status                                       AS last_run_status,
       coalesce(j.total_runs, 0)::bigint                   AS total_runs,
       -- not shown by the console: stale ranges below the watermark
       (SELECT count(*) FROM _timescaledb_catalog.continuous_aggs_materialization_invalidation_log il
         WHERE il.materialization_id = a.mat_id)           AS pending_invalidations,
       a.bucket::text                                      AS bucket,
       justify_hours(a.promised_lag_s * interval '1 second') AS promised_lag,
       a.retention_cuts_window,
       to_timestamp(a.raw_newest_start)                    AS raw_newest_chunk_start
  FROM (
/*@query caggs@*/
       ) a
  LEFT JOIN (
/*@query jobs@*/
       ) j ON j.id = a.job_id
 WHERE a.schema = 'factory_telemetry';
COMMENT ON VIEW factory_telemetry.v_continuous_aggregate_status IS
    'per continuous aggregate: watermark (NULL = never materialized), lag, refresh policy and its offsets (the console''s caggs and jobs queries)';

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
