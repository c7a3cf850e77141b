-- chunks: per hypertable (and cagg materialization hypertable), from the
-- catalog only: no chunk is opened, no size function is called. Sizes:
-- compressed chunks from compression_chunk_size (frozen at compression),
-- uncompressed chunks from pg_class.relpages (an estimate kept by
-- VACUUM/ANALYZE) of heap + TOAST + indexes.
-- Also the Cache pane's per-hypertable counters: heap / index / TOAST
-- blocks hit and read, summed over the chunks and their compressed chunks
-- (rels = how many chunk relations were found; no row there when 0). Both
-- need every chunk relation mapped through the catalog (chunks may live
-- outside _timescaledb_internal) and its indexes: one pass serves both.
-- The counters are read with pg_stat_get_blocks_* per relation: the
-- pg_statio_all_tables view computes every relation of the database first
-- (17 s at 10,000 chunks).
-- Two tiers. Every poll: the counts, ranges and compressed sizes (the chunk
-- catalog, aggregated per hypertable) and a fingerprint of the chunk
-- catalog (rows, newest id, sum of status: as cheap as one count(*)). The
-- pass over the chunk relations (pg_class, pg_index, the block counters:
-- 20-60x the catalog read) runs only when the fingerprint changed or the
-- last pass is tsdbtop.reread_every seconds old (a placeholder setting:
-- tsdbtop's sessions set 30 unless PGOPTIONS='-c tsdbtop.reread_every=N'
-- did; unset or 0, as in the MS5.0 views' callers, every run makes the pass).
-- The session keeps 'EPOCH FINGERPRINT' of the last pass in the setting
-- tsdbtop.chunks_read; reread says whether this answer made the pass: when
-- false, est_bytes and the counters are NULL and the collector keeps the
-- figures of the last pass (tui/db/collect.c). A lost setting (DISCARD ALL,
-- a new session) means a pass, so a first poll (--once) always makes one.
-- Lines marked 'until ts22600' are left out of the variant built for
-- TimescaleDB 2.26+, where chunk.dropped no longer exists.
WITH dim AS (
  SELECT DISTINCT ON (d.hypertable_id) d.hypertable_id, d.id AS dim_id,
         d.column_name, d.column_type, d.interval_length
  FROM _timescaledb_catalog.dimension d
  WHERE d.interval_length IS NOT NULL
  ORDER BY d.hypertable_id, d.id
), agg AS (                 -- per hypertable, one pass over the chunk rows (the floor's scan)
  SELECT c.hypertable_id,
         count(*) AS chunks,
         count(*) FILTER (WHERE c.status & 1 = 1) AS compressed,
         count(*) FILTER (WHERE c.status & 1 = 0) AS uncompressed,
         count(*) FILTER (WHERE c.status & 8 = 8) AS partial,
         count(*) FILTER (WHERE c.status & 4 = 4) AS frozen,
         sum(s.uncompressed_heap_size + s.uncompressed_toast_size + s.uncompressed_index_size) AS before_bytes,
         sum(s.compressed_heap_size + s.compressed_toast_size + s.compressed_index_size) AS after_bytes,
         max(c.id) AS max_id, sum(c.id) AS sum_id, sum(c.id * (c.status + 1)) AS sum_st
  FROM _timescaledb_catalog.chunk c
  LEFT JOIN _timescaledb_catalog.compression_chunk_size s ON s.chunk_id = c.id   -- its primary key
  WHERE NOT c.dropped                      -- until ts22600
  GROUP BY c.hypertable_id
), rng AS (                 -- the oldest start and newest end per time dimension, of
  SELECT dim.hypertable_id, lo.range_start AS oldest_start,   -- slices that belong to a
         greatest(top.range_end, late.range_end) AS newest_end  -- chunk (never an orphan)
  FROM dim
  LEFT JOIN LATERAL (
    SELECT x.range_start
    FROM _timescaledb_catalog.dimension_slice x
    WHERE x.dimension_id = dim.dim_id
      AND EXISTS (SELECT 1 FROM _timescaledb_catalog.chunk_constraint cc
                  JOIN _timescaledb_catalog.chunk c ON c.id = cc.chunk_id
                  WHERE cc.dimension_slice_id = x.id
                    AND NOT c.dropped                      -- until ts22600
                 )
    ORDER BY x.range_start LIMIT 1) lo ON true
  LEFT JOIN LATERAL (      -- the end of the newest slice (by start)
    SELECT x.range_end
    FROM _timescaledb_catalog.dimension_slice x
    WHERE x.dimension_id = dim.dim_id
      AND EXISTS (SELECT 1 FROM _timescaledb_catalog.chunk_constraint cc
                  JOIN _timescaledb_catalog.chunk c ON c.id = cc.chunk_id
                  WHERE cc.dimension_slice_id = x.id
                    AND NOT c.dropped                      -- until ts22600
                 )
    ORDER BY x.range_start DESC LIMIT 1) top ON true
  LEFT JOIN LATERAL (      -- a longer older slice that ends later still (rare): scanned in
    SELECT max(x.range_end) AS range_end   -- the index, a chunk looked up only for those
    FROM _timescaledb_catalog.dimension_slice x
    WHERE x.dimension_id = dim.dim_id AND x.range_end > top.range_end
      AND EXISTS (SELECT 1 FROM _timescaledb_catalog.chunk_constraint cc
                  JOIN _timescaledb_catalog.chunk c ON c.id = cc.chunk_id
                  WHERE cc.dimension_slice_id = x.id
                    AND NOT c.dropped                      -- until ts22600
                 )
    ) late ON true
), fp AS (                  -- the chunk catalog's fingerprint, from the same pass
  SELECT concat_ws('/', sum(chunks), max(max_id), sum(sum_id), sum(sum_st)) AS fp
  FROM agg
), prev AS (
  SELECT fp.fp, round(extract(epoch FROM pg_catalog.clock_timestamp())::numeric, 3) AS now_s,
         coalesce(pg_catalog.current_setting('tsdbtop.chunks_read', true), '') AS v,
         CASE WHEN pg_catalog.current_setting('tsdbtop.reread_every', true) ~ '^[0-9]+([.][0-9]+)?$'
              THEN pg_catalog.current_setting('tsdbtop.reread_every', true)::numeric ELSE 0 END AS every
  FROM fp
), gate AS MATERIALIZED (   -- make the pass? (and remember it)
  SELECT g.reread,
         CASE WHEN g.reread THEN pg_catalog.set_config('tsdbtop.chunks_read', concat_ws(' ', g.now_s, g.fp), false) END AS noted
  FROM (SELECT p.now_s, p.fp,
               NOT (p.v ~ '^[0-9]+([.][0-9]+)? [0-9/]+$'
                    AND split_part(p.v, ' ', 2) = p.fp
                    AND split_part(p.v, ' ', 1)::numeric <= p.now_s
                    AND p.now_s - split_part(p.v, ' ', 1)::numeric < p.every) AS reread
        FROM prev p) g
), rel AS MATERIALIZED (    -- every chunk relation; compressed chunks count for their hypertable
  SELECT coalesce(parent.id, c.hypertable_id) AS ht_id,
         parent.id IS NULL AND c.status & 1 = 0 AS sized,   -- in the size estimate
         cl.oid, cl.relpages, cl.reltoastrelid
  FROM _timescaledb_catalog.chunk c
  LEFT JOIN _timescaledb_catalog.hypertable parent ON parent.compressed_hypertable_id = c.hypertable_id
  JOIN pg_catalog.pg_namespace n ON n.nspname = c.schema_name
  JOIN pg_catalog.pg_class cl ON cl.relnamespace = n.oid AND cl.relname = c.table_name
  WHERE (SELECT gate.reread FROM gate)
    AND NOT c.dropped                      -- until ts22600
), obj AS MATERIALIZED (    -- each chunk's heap and TOAST relation
  SELECT ht_id, sized, false AS toast, oid, relpages FROM rel
  UNION ALL
  SELECT rel.ht_id, rel.sized, true, rel.reltoastrelid, t.relpages
  FROM rel JOIN pg_catalog.pg_class t ON t.oid = rel.reltoastrelid
  WHERE rel.reltoastrelid <> 0
), blk AS (                 -- those and their indexes (pages in the same join)
  SELECT ht_id, sized, toast, false AS idx, oid, relpages FROM obj
  UNION ALL
  SELECT obj.ht_id, obj.sized, obj.toast, true, i.indexrelid, ic.relpages
  FROM obj
  JOIN pg_catalog.pg_index i ON i.indrelid = obj.oid
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
), per AS (                 -- hit and fetched are read once per relation
  SELECT ht_id,
         count(*) FILTER (WHERE NOT toast AND NOT idx) AS rels,
         -- pages: heap, TOAST and the heap's indexes of uncompressed chunks
         sum(relpages) FILTER (WHERE sized AND NOT (toast AND idx)) AS pages,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE NOT toast AND NOT idx) AS heap_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE NOT toast AND NOT idx) AS heap_fetched,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE NOT toast AND idx) AS idx_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE NOT toast AND idx) AS idx_fetched,
         sum(pg_stat_get_blocks_hit(oid)) FILTER (WHERE toast) AS toast_hit,
         sum(pg_stat_get_blocks_fetched(oid)) FILTER (WHERE toast) AS toast_fetched
  FROM blk
  GROUP BY ht_id

)
SELECT h.id, h.schema_name, h.table_name,
       ca.user_view_schema AS cagg_schema, ca.user_view_name AS cagg_name,
       dim.column_name AS time_column,
       pg_catalog.format_type(dim.column_type, NULL) AS time_type,
       dim.column_type NOT IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) AS time_is_int,
       dim.interval_length,
       h.compression_state = 1 AS compression_enabled,
       coalesce(agg.chunks, 0) AS chunks, coalesce(agg.compressed, 0) AS compressed,
       coalesce(agg.uncompressed, 0) AS uncompressed, coalesce(agg.partial, 0) AS partial,
       coalesce(agg.frozen, 0) AS frozen,
       rng.oldest_start, rng.newest_end,
       CASE WHEN gate.reread THEN coalesce(per.pages, 0) * current_setting('block_size')::bigint
         + coalesce(agg.after_bytes, 0) END AS est_bytes,
       agg.before_bytes, agg.after_bytes,
       gate.reread AND gate.noted IS NOT NULL AS reread,
       CASE WHEN gate.reread THEN coalesce(per.rels, 0) END AS rels,
       coalesce(per.heap_hit, 0) AS heap_hit, coalesce(per.heap_fetched - per.heap_hit, 0) AS heap_read,
       coalesce(per.idx_hit, 0) AS idx_hit, coalesce(per.idx_fetched - per.idx_hit, 0) AS idx_read,
       coalesce(per.toast_hit, 0) AS toast_hit, coalesce(per.toast_fetched - per.toast_hit, 0) AS toast_read
FROM _timescaledb_catalog.hypertable h
CROSS JOIN gate
JOIN dim ON dim.hypertable_id = h.id
LEFT JOIN agg ON agg.hypertable_id = h.id
LEFT JOIN rng ON rng.hypertable_id = h.id
LEFT JOIN per ON per.ht_id = h.id
LEFT JOIN _timescaledb_catalog.continuous_agg ca ON ca.mat_hypertable_id = h.id
WHERE h.compression_state <> 2            -- not the internal compressed hypertables
ORDER BY h.schema_name, h.table_name
