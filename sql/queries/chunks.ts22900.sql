-- chunks, TimescaleDB 2.29+ catalog layout: chunk.relid (regclass) instead
-- of schema_name/table_name, no chunk.dropped; each dimension_slice belongs
-- to one chunk (dimension_slice.chunk_id, 2.28+); compressed relations are
-- no longer chunk rows (compression_settings.compress_relid of the chunk),
-- there are no internal compressed hypertables, and "compression enabled"
-- is hypertable.status & 4. Same columns and semantics as chunks.sql (read
-- its comments): sizes from compression_chunk_size and pg_class.relpages,
-- the Cache pane's counters per relation with pg_stat_get_blocks_*.
WITH dim AS (
  SELECT DISTINCT ON (d.hypertable_id) d.hypertable_id, d.id AS dim_id,
         d.column_name, d.column_type, d.interval_length
  FROM _timescaledb_catalog.dimension d
  WHERE d.interval_length IS NOT NULL
  ORDER BY d.hypertable_id, d.id
), ch AS (
  SELECT c.hypertable_id, c.status, s.range_start, s.range_end
  FROM _timescaledb_catalog.chunk c
  JOIN dim ON dim.hypertable_id = c.hypertable_id
  JOIN _timescaledb_catalog.dimension_slice s
    ON s.chunk_id = c.id AND s.dimension_id = dim.dim_id
), agg AS (
  SELECT hypertable_id,
         count(*) AS chunks,
         count(*) FILTER (WHERE status & 1 = 1) AS compressed,
         count(*) FILTER (WHERE status & 1 = 0) AS uncompressed,
         count(*) FILTER (WHERE status & 8 = 8) AS partial,
         count(*) FILTER (WHERE status & 4 = 4) AS frozen,
         min(range_start) AS oldest_start,
         max(range_end) AS newest_end
  FROM ch GROUP BY hypertable_id
), rel AS MATERIALIZED (    -- every chunk relation and its compressed relation
  SELECT c.hypertable_id AS ht_id,
         c.status & 1 = 0 AS sized,        -- in the size estimate
         cl.oid, cl.relpages, cl.reltoastrelid
  FROM _timescaledb_catalog.chunk c
  JOIN pg_catalog.pg_class cl ON cl.oid = c.relid
  UNION ALL
  SELECT c.hypertable_id, false, cl.oid, cl.relpages, cl.reltoastrelid
  FROM _timescaledb_catalog.chunk c
  JOIN _timescaledb_catalog.compression_settings cs ON cs.relid = c.relid
  JOIN pg_catalog.pg_class cl ON cl.oid = cs.compress_relid
), obj AS MATERIALIZED (    -- each chunk's heap and TOAST relation
  SELECT ht_id, sized, false AS toast, oid, relpages FROM rel
  UNION ALL
  SELECT ht_id, sized, true, reltoastrelid, NULL FROM rel WHERE reltoastrelid <> 0
), blk AS (                 -- those and their indexes
  SELECT ht_id, sized, toast, false AS idx, oid, relpages FROM obj
  UNION ALL
  SELECT obj.ht_id, obj.sized, obj.toast, true, i.indexrelid, NULL
  FROM obj JOIN pg_catalog.pg_index i ON i.indrelid = obj.oid
), per AS (                 -- hit and fetched are read once per relation
  SELECT ht_id,
         count(*) FILTER (WHERE NOT toast AND NOT idx) AS rels,
         -- pages: heap, TOAST and the heap's indexes of uncompressed chunks
         sum(coalesce(relpages, (SELECT pc.relpages FROM pg_catalog.pg_class pc WHERE pc.oid = blk.oid)))
           FILTER (WHERE sized AND NOT (toast AND idx)) AS pages,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE NOT toast AND NOT idx) AS heap_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE NOT toast AND NOT idx) AS heap_fetched,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE NOT toast AND idx) AS idx_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE NOT toast AND idx) AS idx_fetched,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE toast) AS toast_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE toast) AS toast_fetched
  FROM blk
  GROUP BY ht_id
), comp AS (
  SELECT c.hypertable_id,
         sum(s.uncompressed_heap_size + s.uncompressed_toast_size + s.uncompressed_index_size) AS before_bytes,
         sum(s.compressed_heap_size + s.compressed_toast_size + s.compressed_index_size) AS after_bytes
  FROM _timescaledb_catalog.compression_chunk_size s
  JOIN _timescaledb_catalog.chunk c ON c.id = s.chunk_id
  GROUP BY c.hypertable_id
)
SELECT h.id, h.schema_name, h.table_name,
       ca.user_view_schema AS cagg_schema, ca.user_view_name AS cagg_name,
       dim.column_name AS time_column,
       pg_catalog.format_type(dim.column_type, NULL) AS time_type,
       dim.column_type NOT IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) AS time_is_int,
       dim.interval_length,
       h.status & 4 = 4 AS compression_enabled,
       coalesce(agg.chunks, 0) AS chunks, coalesce(agg.compressed, 0) AS compressed,
       coalesce(agg.uncompressed, 0) AS uncompressed, coalesce(agg.partial, 0) AS partial,
       coalesce(agg.frozen, 0) AS frozen,
       agg.oldest_start, agg.newest_end,
       coalesce(per.pages, 0) * current_setting('block_size')::bigint
         + coalesce(comp.after_bytes, 0) AS est_bytes,
       comp.before_bytes, comp.after_bytes,
       coalesce(per.rels, 0) AS rels,
       coalesce(per.heap_hit, 0) AS heap_hit, coalesce(per.heap_fetched - per.heap_hit, 0) AS heap_read,
       coalesce(per.idx_hit, 0) AS idx_hit, coalesce(per.idx_fetched - per.idx_hit, 0) AS idx_read,
       coalesce(per.toast_hit, 0) AS toast_hit, coalesce(per.toast_fetched - per.toast_hit, 0) AS toast_read
FROM _timescaledb_catalog.hypertable h
JOIN dim ON dim.hypertable_id = h.id
LEFT JOIN agg ON agg.hypertable_id = h.id
LEFT JOIN per ON per.ht_id = h.id
LEFT JOIN comp ON comp.hypertable_id = h.id
LEFT JOIN _timescaledb_catalog.continuous_agg ca ON ca.mat_hypertable_id = h.id
ORDER BY h.schema_name, h.table_name
