-- retention: per retention policy, the chunks its next run drops:
-- show_chunks(older_than => greatest(next_start, now()) - drop_after)
-- semantics (whole range ends at or before the cut), from the catalog.
-- Integer time: drop_after is a number and the cut needs integer_now, so
-- the count is left NULL.
WITH pol AS (
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
), ch AS (
  SELECT pol.job_id, s.range_start, s.range_end,
         coalesce(cl.relpages, 0) + coalesce((SELECT sum(ic.relpages) FROM pg_catalog.pg_index i
             JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = cl.oid), 0) AS pages,
         coalesce(cs.compressed_heap_size + cs.compressed_toast_size + cs.compressed_index_size, 0) AS comp_bytes
  FROM pol
  JOIN _timescaledb_catalog.hypertable h
    ON h.schema_name = pol.hypertable_schema AND h.table_name = pol.hypertable_name
  JOIN dim ON dim.hypertable_id = h.id
  JOIN _timescaledb_catalog.chunk c ON c.hypertable_id = h.id
  JOIN _timescaledb_catalog.chunk_constraint cc ON cc.chunk_id = c.id
  JOIN _timescaledb_catalog.dimension_slice s ON s.id = cc.dimension_slice_id AND s.dimension_id = dim.dim_id
  LEFT JOIN _timescaledb_catalog.compression_chunk_size cs ON cs.chunk_id = c.id
  LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = c.schema_name
  LEFT JOIN pg_catalog.pg_class cl ON cl.relnamespace = n.oid AND cl.relname = c.table_name
  WHERE pol.drop_iv IS NOT NULL
    AND NOT c.dropped                      -- until ts22600
    AND s.range_end <= extract(epoch FROM pol.next_run - pol.drop_iv) * 1000000
)
SELECT pol.job_id, pol.hypertable_schema AS schema, pol.hypertable_name AS name,
       pol.drop_after, extract(epoch FROM pol.drop_iv) AS drop_after_s,
       pol.scheduled, extract(epoch FROM pol.next_start) AS next_start,
       CASE WHEN pol.drop_iv IS NULL THEN NULL ELSE count(ch.job_id) END AS drop_count,
       min(ch.range_start) / 1000000.0 AS oldest_start,
       min(ch.range_end) / 1000000.0 AS oldest_end,
       sum(ch.pages) * current_setting('block_size')::bigint + sum(ch.comp_bytes) AS drop_bytes
FROM pol LEFT JOIN ch ON ch.job_id = pol.job_id
GROUP BY pol.job_id, pol.hypertable_schema, pol.hypertable_name, pol.drop_after, pol.drop_iv,
         pol.scheduled, pol.next_start
ORDER BY pol.hypertable_schema, pol.hypertable_name
