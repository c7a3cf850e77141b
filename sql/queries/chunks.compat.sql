-- chunks, compatibility mode: the same columns as chunks.sql, read from
-- TimescaleDB's public interface only (timescaledb_information views, the
-- size functions, _timescaledb_functions.chunk_status), never from the
-- _timescaledb_catalog tables whose columns move between releases. Slower:
-- the sizes are measured (chunks_detailed_size opens every chunk's files)
-- where the fast path reads pg_class.relpages. Differences, by design:
-- id is the hypertable id only where the public interface names it (a
-- policy's config, a materialization hypertable's name), else NULL; rels
-- and the Cache counters cover the chunks' own relations and their indexes
-- and TOAST, not the compressed companions (no view names those).
WITH ht AS (
  SELECT h.hypertable_schema AS schema_name, h.hypertable_name AS table_name,
         NULL::name AS cagg_schema, NULL::name AS cagg_name, h.compression_enabled
  FROM timescaledb_information.hypertables h
  UNION ALL                 -- the view leaves out the caggs' materialization hypertables
  SELECT ca.materialization_hypertable_schema, ca.materialization_hypertable_name,
         ca.view_schema, ca.view_name, ca.compression_enabled
  FROM timescaledb_information.continuous_aggregates ca
), htr AS (
  SELECT ht.*, to_regclass(format('%I.%I', ht.schema_name, ht.table_name)) AS relid
  FROM ht
), dim AS (
  SELECT DISTINCT ON (d.hypertable_schema, d.hypertable_name)
         d.hypertable_schema, d.hypertable_name, d.column_name, d.column_type,
         coalesce(round(extract(epoch FROM d.time_interval) * 1000000)::bigint,
                  d.integer_interval) AS interval_length
  FROM timescaledb_information.dimensions d
  WHERE d.dimension_type = 'Time'
  ORDER BY d.hypertable_schema, d.hypertable_name, d.dimension_number
), pid AS (                 -- hypertable ids the public interface gives
  SELECT DISTINCT ON (j.hypertable_schema, j.hypertable_name)
         j.hypertable_schema, j.hypertable_name, (j.config->>'hypertable_id')::int AS id
  FROM timescaledb_information.jobs j
  WHERE j.config ? 'hypertable_id' AND j.config->>'hypertable_id' ~ '^[0-9]+$'
  ORDER BY j.hypertable_schema, j.hypertable_name, j.job_id
), ch AS MATERIALIZED (     -- every chunk, its status and primary range in catalog units
  SELECT c.hypertable_schema, c.hypertable_name,
         to_regclass(format('%I.%I', c.chunk_schema, c.chunk_name)) AS relid,
         c.chunk_schema, c.chunk_name,
         coalesce(round(extract(epoch FROM c.range_start) * 1000000)::bigint, c.range_start_integer) AS range_start,
         coalesce(round(extract(epoch FROM c.range_end) * 1000000)::bigint, c.range_end_integer) AS range_end
  FROM timescaledb_information.chunks c
), chs AS MATERIALIZED (
  SELECT ch.*, _timescaledb_functions.chunk_status(ch.relid) AS status
  FROM ch WHERE ch.relid IS NOT NULL
), agg AS (
  SELECT hypertable_schema, hypertable_name,
         count(*) AS chunks,
         count(*) FILTER (WHERE status & 1 = 1) AS compressed,
         count(*) FILTER (WHERE status & 1 = 0) AS uncompressed,
         count(*) FILTER (WHERE status & 8 = 8) AS partial,
         count(*) FILTER (WHERE status & 4 = 4) AS frozen,
         min(range_start) AS oldest_start,
         max(range_end) AS newest_end
  FROM chs GROUP BY hypertable_schema, hypertable_name
), sized AS (               -- measured: heap + indexes + TOAST of the uncompressed chunks
  SELECT htr.schema_name, htr.table_name, sum(ds.total_bytes) AS bytes
  FROM htr
  CROSS JOIN LATERAL chunks_detailed_size(htr.relid) ds
  JOIN chs ON chs.chunk_schema = ds.chunk_schema AND chs.chunk_name = ds.chunk_name
  WHERE htr.relid IS NOT NULL AND chs.status & 1 = 0
  GROUP BY htr.schema_name, htr.table_name
), comp AS (                -- as recorded at compression (the fast path reads the same figures)
  SELECT htr.schema_name, htr.table_name,
         sum(cs.before_compression_total_bytes) AS before_bytes,
         sum(cs.after_compression_total_bytes) AS after_bytes
  FROM htr
  CROSS JOIN LATERAL chunk_compression_stats(htr.relid) cs
  WHERE htr.relid IS NOT NULL AND htr.compression_enabled
    AND cs.compression_status = 'Compressed'
  GROUP BY htr.schema_name, htr.table_name
), obj AS MATERIALIZED (    -- each chunk's heap and TOAST relation
  SELECT chs.hypertable_schema, chs.hypertable_name, false AS toast, cl.oid
  FROM chs JOIN pg_catalog.pg_class cl ON cl.oid = chs.relid
  UNION ALL
  SELECT chs.hypertable_schema, chs.hypertable_name, true, cl.reltoastrelid
  FROM chs JOIN pg_catalog.pg_class cl ON cl.oid = chs.relid
  WHERE cl.reltoastrelid <> 0
), blk AS (
  SELECT hypertable_schema, hypertable_name, toast, false AS idx, oid FROM obj
  UNION ALL
  SELECT obj.hypertable_schema, obj.hypertable_name, obj.toast, true, i.indexrelid
  FROM obj JOIN pg_catalog.pg_index i ON i.indrelid = obj.oid
), per AS (
  SELECT hypertable_schema, hypertable_name,
         count(*) FILTER (WHERE NOT toast AND NOT idx) AS rels,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE NOT toast AND NOT idx) AS heap_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE NOT toast AND NOT idx) AS heap_fetched,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE NOT toast AND idx) AS idx_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE NOT toast AND idx) AS idx_fetched,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE toast) AS toast_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE toast) AS toast_fetched
  FROM blk
  GROUP BY hypertable_schema, hypertable_name
)
SELECT coalesce(pid.id, substring(htr.table_name FROM '^_materialized_hypertable_([0-9]+)$')::int) AS id,
       htr.schema_name, htr.table_name,
       htr.cagg_schema, htr.cagg_name,
       dim.column_name AS time_column,
       pg_catalog.format_type(dim.column_type, NULL) AS time_type,
       dim.column_type NOT IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) AS time_is_int,
       dim.interval_length,
       htr.compression_enabled,
       coalesce(agg.chunks, 0) AS chunks, coalesce(agg.compressed, 0) AS compressed,
       coalesce(agg.uncompressed, 0) AS uncompressed, coalesce(agg.partial, 0) AS partial,
       coalesce(agg.frozen, 0) AS frozen,
       agg.oldest_start, agg.newest_end,
       coalesce(sized.bytes, 0) + coalesce(comp.after_bytes, 0) AS est_bytes,
       comp.before_bytes, comp.after_bytes,
       coalesce(per.rels, 0) AS rels,
       coalesce(per.heap_hit, 0) AS heap_hit, coalesce(per.heap_fetched - per.heap_hit, 0) AS heap_read,
       coalesce(per.idx_hit, 0) AS idx_hit, coalesce(per.idx_fetched - per.idx_hit, 0) AS idx_read,
       coalesce(per.toast_hit, 0) AS toast_hit, coalesce(per.toast_fetched - per.toast_hit, 0) AS toast_read
FROM htr
JOIN dim ON dim.hypertable_schema = htr.schema_name AND dim.hypertable_name = htr.table_name
LEFT JOIN pid ON pid.hypertable_schema = htr.schema_name AND pid.hypertable_name = htr.table_name
LEFT JOIN agg ON agg.hypertable_schema = htr.schema_name AND agg.hypertable_name = htr.table_name
LEFT JOIN sized ON sized.schema_name = htr.schema_name AND sized.table_name = htr.table_name
LEFT JOIN comp ON comp.schema_name = htr.schema_name AND comp.table_name = htr.table_name
LEFT JOIN per ON per.hypertable_schema = htr.schema_name AND per.hypertable_name = htr.table_name
ORDER BY htr.schema_name, htr.table_name
