-- compression, compatibility mode: the columns of compression.ts21400.sql
-- from the public views and size functions only. The backlog is what the
-- policy would compress now: chunks whose range ends at or before
-- now() - compress_after that are not compressed, or partially compressed
-- (_timescaledb_functions.chunk_status); sizes as recorded at compression
-- (chunk_compression_stats: the same figures the fast path reads). The row
-- counts before/after compression are in no view: NULL here. id as in
-- chunks.compat.sql (where the public interface names it, else NULL).
WITH ht0 AS (
  SELECT h.hypertable_schema AS schema_name, h.hypertable_name AS table_name
  FROM timescaledb_information.hypertables h
  WHERE h.compression_enabled
  UNION ALL
  SELECT ca.materialization_hypertable_schema, ca.materialization_hypertable_name
  FROM timescaledb_information.continuous_aggregates ca
  WHERE ca.compression_enabled
), dim AS (
  SELECT DISTINCT ON (d.hypertable_schema, d.hypertable_name)
         d.hypertable_schema, d.hypertable_name, d.column_type
  FROM timescaledb_information.dimensions d
  WHERE d.dimension_type = 'Time'
  ORDER BY d.hypertable_schema, d.hypertable_name, d.dimension_number
), pol AS (
  SELECT DISTINCT ON (j.hypertable_schema, j.hypertable_name)
         j.hypertable_schema, j.hypertable_name, j.job_id,
         j.config->>'compress_after' AS compress_after,
         CASE WHEN j.config->>'hypertable_id' ~ '^[0-9]+$' THEN (j.config->>'hypertable_id')::int END AS ht_id
  FROM timescaledb_information.jobs j
  WHERE j.proc_name = 'policy_compression'
  ORDER BY j.hypertable_schema, j.hypertable_name, j.job_id
), ht AS (
  SELECT ht0.schema_name, ht0.table_name,
         to_regclass(format('%I.%I', ht0.schema_name, ht0.table_name)) AS relid,
         dim.column_type IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) AS time_based,
         pol.job_id, pol.compress_after, pol.ht_id,
         CASE WHEN pol.compress_after ~ '^-?[0-9]+$' THEN NULL
              ELSE pol.compress_after::interval END AS after_iv
  FROM ht0
  JOIN dim ON dim.hypertable_schema = ht0.schema_name AND dim.hypertable_name = ht0.table_name
  LEFT JOIN pol ON pol.hypertable_schema = ht0.schema_name AND pol.hypertable_name = ht0.table_name
), cut AS MATERIALIZED (
  SELECT ht.schema_name, ht.table_name,
         CASE WHEN x.cut >= 9223372036854775807 THEN '9223372036854775807'::bigint
              WHEN x.cut <= -9223372036854775808 THEN '-9223372036854775808'::bigint
              ELSE floor(x.cut)::bigint END AS cut
  FROM ht, LATERAL (SELECT extract(epoch FROM now() - ht.after_iv) * 1000000 AS cut) x
  WHERE ht.time_based AND ht.after_iv IS NOT NULL
), chs AS MATERIALIZED (    -- the chunks of these hypertables with their status
  SELECT c.hypertable_schema, c.hypertable_name,
         round(extract(epoch FROM c.range_end) * 1000000)::bigint AS range_end,
         _timescaledb_functions.chunk_status(r.relid) AS status
  FROM timescaledb_information.chunks c
  JOIN ht ON ht.schema_name = c.hypertable_schema AND ht.table_name = c.hypertable_name,
  LATERAL (SELECT to_regclass(format('%I.%I', c.chunk_schema, c.chunk_name)) AS relid) r
  WHERE r.relid IS NOT NULL
), agg AS (                 -- the backlog: old chunks not compressed, or partially
  SELECT chs.hypertable_schema, chs.hypertable_name,
         count(*) AS backlog, min(chs.range_end) AS oldest_backlog_end
  FROM chs
  JOIN cut ON cut.schema_name = chs.hypertable_schema AND cut.table_name = chs.hypertable_name
  WHERE chs.range_end <= cut.cut AND (chs.status & 1 = 0 OR chs.status & 8 = 8)
  GROUP BY chs.hypertable_schema, chs.hypertable_name
), cnt AS (
  SELECT hypertable_schema, hypertable_name, count(*) AS compressed_chunks
  FROM chs WHERE status & 1 = 1
  GROUP BY hypertable_schema, hypertable_name
), sz AS (
  SELECT ht.schema_name, ht.table_name,
         sum(cs.before_compression_total_bytes) AS before_bytes,
         sum(cs.after_compression_total_bytes) AS after_bytes
  FROM ht CROSS JOIN LATERAL chunk_compression_stats(ht.relid) cs
  WHERE ht.relid IS NOT NULL AND cs.compression_status = 'Compressed'
  GROUP BY ht.schema_name, ht.table_name
), cs AS (
  SELECT s.hypertable_schema, s.hypertable_name,
         string_agg(s.attname::text, ', ' ORDER BY s.segmentby_column_index)
           FILTER (WHERE s.segmentby_column_index IS NOT NULL) AS segmentby,
         string_agg(quote_ident(s.attname) || CASE WHEN NOT s.orderby_asc THEN ' DESC' ELSE '' END
                    || CASE WHEN s.orderby_nullsfirst AND s.orderby_asc THEN ' NULLS FIRST'
                            WHEN NOT s.orderby_nullsfirst AND NOT s.orderby_asc THEN ' NULLS LAST' ELSE '' END,
                    ', ' ORDER BY s.orderby_column_index)
           FILTER (WHERE s.orderby_column_index IS NOT NULL) AS orderby
  FROM timescaledb_information.compression_settings s
  GROUP BY s.hypertable_schema, s.hypertable_name
)
SELECT coalesce(ht.ht_id, substring(ht.table_name FROM '^_materialized_hypertable_([0-9]+)$')::int) AS id,
       ht.schema_name, ht.table_name,
       cs.segmentby, cs.orderby,
       ht.job_id, ht.compress_after,
       extract(epoch FROM ht.after_iv) AS compress_after_s,
       CASE WHEN ht.time_based AND ht.after_iv IS NOT NULL THEN coalesce(agg.backlog, 0) END AS backlog,
       extract(epoch FROM now() - ht.after_iv) - agg.oldest_backlog_end / 1000000.0 AS backlog_behind_s,
       coalesce(cnt.compressed_chunks, 0) AS compressed_chunks,
       sz.before_bytes, sz.after_bytes, NULL::numeric AS rows_before, NULL::numeric AS rows_after
FROM ht
LEFT JOIN agg ON agg.hypertable_schema = ht.schema_name AND agg.hypertable_name = ht.table_name
LEFT JOIN cnt ON cnt.hypertable_schema = ht.schema_name AND cnt.hypertable_name = ht.table_name
LEFT JOIN cs ON cs.hypertable_schema = ht.schema_name AND cs.hypertable_name = ht.table_name
LEFT JOIN sz ON sz.schema_name = ht.schema_name AND sz.table_name = ht.table_name
ORDER BY ht.schema_name, ht.table_name
