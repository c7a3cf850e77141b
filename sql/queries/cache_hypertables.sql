-- cache_hypertables: heap / index / TOAST hit ratios per hypertable, summed
-- over its chunks and their compressed chunks (mapped through the catalog:
-- chunks may live outside _timescaledb_internal).
WITH ch AS (
  SELECT coalesce(parent.id, h.id) AS ht_id, c.schema_name, c.table_name
  FROM _timescaledb_catalog.chunk c
  JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id
  LEFT JOIN _timescaledb_catalog.hypertable parent ON parent.compressed_hypertable_id = h.id
  WHERE NOT c.dropped                      -- until ts22600
)
SELECT h.schema_name AS schema, h.table_name AS name,
       sum(coalesce(s.heap_blks_hit, 0)) AS heap_hit, sum(coalesce(s.heap_blks_read, 0)) AS heap_read,
       sum(coalesce(s.idx_blks_hit, 0)) AS idx_hit, sum(coalesce(s.idx_blks_read, 0)) AS idx_read,
       sum(coalesce(s.toast_blks_hit, 0) + coalesce(s.tidx_blks_hit, 0)) AS toast_hit,
       sum(coalesce(s.toast_blks_read, 0) + coalesce(s.tidx_blks_read, 0)) AS toast_read
FROM ch
JOIN _timescaledb_catalog.hypertable h ON h.id = ch.ht_id
JOIN pg_catalog.pg_statio_all_tables s ON s.schemaname = ch.schema_name AND s.relname = ch.table_name
GROUP BY h.schema_name, h.table_name
ORDER BY h.schema_name, h.table_name
