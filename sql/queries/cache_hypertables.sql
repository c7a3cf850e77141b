-- cache_hypertables: heap / index / TOAST hit ratios per hypertable, summed
-- over its chunks and their compressed chunks (mapped through the catalog:
-- chunks may live outside _timescaledb_internal). The counters are read with
-- pg_stat_get_blocks_* per relation: the pg_statio_all_tables view computes
-- every relation of the database first (17 s at 10,000 chunks, not 0.1 s).
WITH ch AS (
  SELECT coalesce(parent.id, h.id) AS ht_id, c.schema_name, c.table_name
  FROM _timescaledb_catalog.chunk c
  JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id
  LEFT JOIN _timescaledb_catalog.hypertable parent ON parent.compressed_hypertable_id = h.id
  WHERE NOT c.dropped                      -- until ts22600
), rel AS (
  SELECT ch.ht_id, cl.oid, cl.reltoastrelid
  FROM ch
  JOIN pg_catalog.pg_namespace n ON n.nspname = ch.schema_name
  JOIN pg_catalog.pg_class cl ON cl.relnamespace = n.oid AND cl.relname = ch.table_name
), per AS (
  SELECT rel.ht_id,
         pg_stat_get_blocks_hit(rel.oid) AS heap_hit,
         pg_stat_get_blocks_fetched(rel.oid) - pg_stat_get_blocks_hit(rel.oid) AS heap_read,
         (SELECT coalesce(sum(pg_stat_get_blocks_hit(i.indexrelid)), 0)
            FROM pg_catalog.pg_index i WHERE i.indrelid = rel.oid) AS idx_hit,
         (SELECT coalesce(sum(pg_stat_get_blocks_fetched(i.indexrelid) - pg_stat_get_blocks_hit(i.indexrelid)), 0)
            FROM pg_catalog.pg_index i WHERE i.indrelid = rel.oid) AS idx_read,
         CASE WHEN rel.reltoastrelid = 0 THEN 0 ELSE
           pg_stat_get_blocks_hit(rel.reltoastrelid)
           + (SELECT coalesce(sum(pg_stat_get_blocks_hit(i.indexrelid)), 0)
                FROM pg_catalog.pg_index i WHERE i.indrelid = rel.reltoastrelid) END AS toast_hit,
         CASE WHEN rel.reltoastrelid = 0 THEN 0 ELSE
           pg_stat_get_blocks_fetched(rel.reltoastrelid) - pg_stat_get_blocks_hit(rel.reltoastrelid)
           + (SELECT coalesce(sum(pg_stat_get_blocks_fetched(i.indexrelid) - pg_stat_get_blocks_hit(i.indexrelid)), 0)
                FROM pg_catalog.pg_index i WHERE i.indrelid = rel.reltoastrelid) END AS toast_read
  FROM rel
)
SELECT h.schema_name AS schema, h.table_name AS name,
       sum(heap_hit) AS heap_hit, sum(heap_read) AS heap_read,
       sum(idx_hit) AS idx_hit, sum(idx_read) AS idx_read,
       sum(toast_hit) AS toast_hit, sum(toast_read) AS toast_read
FROM per
JOIN _timescaledb_catalog.hypertable h ON h.id = per.ht_id
GROUP BY h.schema_name, h.table_name
ORDER BY h.schema_name, h.table_name
