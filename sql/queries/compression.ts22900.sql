-- compression, TimescaleDB 2.29+ catalog layout: "compression enabled" is
-- hypertable.status & 4 (no internal compressed hypertables, and
-- compression_state is no longer maintained), each dimension_slice belongs
-- to one chunk (dimension_slice.chunk_id), no chunk.dropped. Same columns
-- and semantics as compression.ts21400.sql (read its comments).
WITH dim AS (
  SELECT DISTINCT ON (d.hypertable_id) d.hypertable_id, d.id AS dim_id, d.column_type
  FROM _timescaledb_catalog.dimension d
  WHERE d.interval_length IS NOT NULL
  ORDER BY d.hypertable_id, d.id
), pol AS (
  SELECT DISTINCT ON (j.hypertable_schema, j.hypertable_name)
         j.hypertable_schema, j.hypertable_name, j.job_id,
         j.config->>'compress_after' AS compress_after
  FROM timescaledb_information.jobs j
  WHERE j.proc_name = 'policy_compression'
  ORDER BY j.hypertable_schema, j.hypertable_name, j.job_id
), ht AS (
  SELECT h.id, h.schema_name, h.table_name, dim.dim_id,
         dim.column_type IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) AS time_based,
         pol.job_id, pol.compress_after,
         CASE WHEN pol.compress_after ~ '^-?[0-9]+$' THEN NULL
              ELSE pol.compress_after::interval END AS after_iv
  FROM _timescaledb_catalog.hypertable h
  JOIN dim ON dim.hypertable_id = h.id
  LEFT JOIN pol ON pol.hypertable_schema = h.schema_name AND pol.hypertable_name = h.table_name
  WHERE h.status & 4 = 4
), cut AS MATERIALIZED (   -- the cut in catalog units (microseconds, bigint), once per hypertable
  SELECT ht.id, ht.dim_id,
         CASE WHEN x.cut >= 9223372036854775807 THEN '9223372036854775807'::bigint
              WHEN x.cut <= -9223372036854775808 THEN '-9223372036854775808'::bigint
              ELSE floor(x.cut)::bigint END AS cut
  FROM ht, LATERAL (SELECT extract(epoch FROM now() - ht.after_iv) * 1000000 AS cut) x
  WHERE ht.time_based AND ht.after_iv IS NOT NULL
), old AS (                 -- chunks whose range ends at or before the cut: few of them
  SELECT c.hypertable_id, c.status, s.range_end
  FROM cut
  JOIN _timescaledb_catalog.dimension_slice s
    ON s.dimension_id = cut.dim_id
   AND s.range_start < cut.cut             -- implied (start < end); lets the index stop early
   AND s.range_end <= cut.cut
  JOIN _timescaledb_catalog.chunk c ON c.id = s.chunk_id AND c.hypertable_id = cut.id
), sz AS (
  SELECT c.hypertable_id,
         sum(s.uncompressed_heap_size + s.uncompressed_toast_size + s.uncompressed_index_size) AS before_bytes,
         sum(s.compressed_heap_size + s.compressed_toast_size + s.compressed_index_size) AS after_bytes,
         sum(s.numrows_pre_compression) AS rows_before, sum(s.numrows_post_compression) AS rows_after
  FROM _timescaledb_catalog.compression_chunk_size s
  JOIN _timescaledb_catalog.chunk c ON c.id = s.chunk_id
  GROUP BY c.hypertable_id
), agg AS (                 -- the backlog: old chunks not compressed, or partially
  SELECT hypertable_id, count(*) AS backlog, min(range_end) AS oldest_backlog_end
  FROM old
  WHERE status & 1 = 0 OR status & 8 = 8
  GROUP BY hypertable_id
), cnt AS (                 -- from the chunk rows alone: no range needed
  SELECT c.hypertable_id, count(*) AS compressed_chunks
  FROM _timescaledb_catalog.chunk c
  JOIN ht ON ht.id = c.hypertable_id
  WHERE c.status & 1 = 1
  GROUP BY c.hypertable_id
)
SELECT ht.id, ht.schema_name, ht.table_name,
       array_to_string(cs.segmentby, ', ') AS segmentby,
       (SELECT string_agg(quote_ident(o) || CASE WHEN d THEN ' DESC' ELSE '' END
                          || CASE WHEN nf AND NOT d THEN ' NULLS FIRST'
                                  WHEN NOT nf AND d THEN ' NULLS LAST' ELSE '' END, ', ')
          FROM unnest(cs.orderby, cs.orderby_desc, cs.orderby_nullsfirst) AS u(o, d, nf)) AS orderby,
       ht.job_id, ht.compress_after,
       extract(epoch FROM ht.after_iv) AS compress_after_s,
       CASE WHEN ht.time_based AND ht.after_iv IS NOT NULL THEN coalesce(agg.backlog, 0) END AS backlog,
       extract(epoch FROM now() - ht.after_iv) - agg.oldest_backlog_end / 1000000.0 AS backlog_behind_s,
       coalesce(cnt.compressed_chunks, 0) AS compressed_chunks,
       sz.before_bytes, sz.after_bytes, sz.rows_before, sz.rows_after
FROM ht
LEFT JOIN agg ON agg.hypertable_id = ht.id
LEFT JOIN cnt ON cnt.hypertable_id = ht.id
LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = ht.schema_name
LEFT JOIN pg_catalog.pg_class hc ON hc.relnamespace = n.oid AND hc.relname = ht.table_name
LEFT JOIN _timescaledb_catalog.compression_settings cs ON cs.relid = hc.oid
LEFT JOIN sz ON sz.hypertable_id = ht.id
ORDER BY ht.schema_name, ht.table_name
