-- retention, TimescaleDB 2.29+ catalog layout: chunk.relid (regclass)
-- instead of schema_name/table_name, no chunk.dropped, each dimension_slice
-- belongs to one chunk (dimension_slice.chunk_id). Same columns and
-- semantics as retention.sql (read its comments).
WITH pol0 AS (
  SELECT j.job_id, j.hypertable_schema, j.hypertable_name, j.scheduled,
         j.config->>'drop_after' AS drop_after,
         CASE WHEN (j.config->>'drop_after') ~ '^-?[0-9]+$' THEN NULL
              ELSE (j.config->>'drop_after')::interval END AS drop_iv,
         greatest(coalesce(s.next_start, j.next_start), now()) AS next_run,
         coalesce(s.next_start, j.next_start) AS next_start
  FROM timescaledb_information.jobs j
  LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
  WHERE j.proc_name = 'policy_retention'
), dim AS (
  SELECT DISTINCT ON (d.hypertable_id) d.hypertable_id, d.id AS dim_id
  FROM _timescaledb_catalog.dimension d
  WHERE d.interval_length IS NOT NULL
  ORDER BY d.hypertable_id, d.id
), pol AS (                 -- per policy: its hypertable, time dimension and the cut in
  SELECT p.*, h.id AS ht_id, dim.dim_id,   -- catalog units (microseconds, bigint)
         CASE WHEN x.cut >= 9223372036854775807 THEN '9223372036854775807'::bigint
              WHEN x.cut <= -9223372036854775808 THEN '-9223372036854775808'::bigint
              ELSE floor(x.cut)::bigint END AS cut
  FROM pol0 p
  LEFT JOIN _timescaledb_catalog.hypertable h
    ON h.schema_name = p.hypertable_schema AND h.table_name = p.hypertable_name
  LEFT JOIN dim ON dim.hypertable_id = h.id,
  LATERAL (SELECT extract(epoch FROM p.next_run - p.drop_iv) * 1000000 AS cut) x
), ch AS (                  -- the chunks past the cut: an index range scan per policy
  SELECT pol.job_id, s.range_start, s.range_end,
         coalesce(cl.relpages, 0) + coalesce((SELECT sum(ic.relpages) FROM pg_catalog.pg_index i
             JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = cl.oid), 0) AS pages,
         coalesce(cs.compressed_heap_size + cs.compressed_toast_size + cs.compressed_index_size, 0) AS comp_bytes
  FROM pol
  JOIN _timescaledb_catalog.dimension_slice s
    ON s.dimension_id = pol.dim_id
   AND s.range_start < pol.cut             -- implied (start < end); lets the index stop early
   AND s.range_end <= pol.cut
  JOIN _timescaledb_catalog.chunk c ON c.id = s.chunk_id AND c.hypertable_id = pol.ht_id
  LEFT JOIN _timescaledb_catalog.compression_chunk_size cs ON cs.chunk_id = c.id
  LEFT JOIN pg_catalog.pg_class cl ON cl.oid = c.relid
  WHERE pol.drop_iv IS NOT NULL
), agg AS (                 -- grouped before the join: one row per policy
  SELECT ch.job_id, count(*) AS drop_count,
         min(ch.range_start) AS oldest_start, min(ch.range_end) AS oldest_end,
         sum(ch.pages) AS pages, sum(ch.comp_bytes) AS comp_bytes
  FROM ch GROUP BY ch.job_id
)
SELECT pol.job_id, pol.hypertable_schema AS schema, pol.hypertable_name AS name,
       pol.drop_after, extract(epoch FROM pol.drop_iv) AS drop_after_s,
       pol.scheduled, extract(epoch FROM pol.next_start) AS next_start,
       CASE WHEN pol.drop_iv IS NULL THEN NULL ELSE coalesce(agg.drop_count, 0) END AS drop_count,
       agg.oldest_start / 1000000.0 AS oldest_start,
       agg.oldest_end / 1000000.0 AS oldest_end,
       agg.pages * current_setting('block_size')::bigint + agg.comp_bytes AS drop_bytes
FROM pol LEFT JOIN agg ON agg.job_id = pol.job_id
ORDER BY pol.hypertable_schema, pol.hypertable_name
