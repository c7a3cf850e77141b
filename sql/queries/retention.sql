-- retention: per retention policy, the chunks its next run drops:
-- show_chunks(older_than => greatest(next_start, now()) - drop_after)
-- semantics (whole range ends at or before the cut), from the catalog.
-- Integer time: drop_after is a number and the cut needs integer_now, so
-- the count is left NULL.
-- Two tiers, as in chunks.sql: every poll the count and ranges of the
-- chunks past the cut (an index range scan per policy) and a fingerprint of
-- them (per policy: how many, and their ids and status); drop_bytes needs
-- each of those chunks' relations and indexes in pg_class, a pass made only
-- when the fingerprint changed or the last one is tsdbtop.reread_every
-- seconds old (30 in tsdbtop's sessions; unset or 0: every run). The session keeps 'EPOCH FINGERPRINT' of the
-- last pass in tsdbtop.retention_read; reread false: drop_bytes is NULL and
-- the collector keeps the figure of the last pass (tui/db/collect.c).
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
), ch AS MATERIALIZED (     -- the chunks past the cut: an index range scan per policy
  SELECT pol.job_id, c.id, c.status, c.schema_name, c.table_name, s.range_start, s.range_end,
         coalesce(cs.compressed_heap_size + cs.compressed_toast_size + cs.compressed_index_size, 0) AS comp_bytes
  FROM pol
  JOIN _timescaledb_catalog.dimension_slice s
    ON s.dimension_id = pol.dim_id
   AND s.range_start < pol.cut             -- implied (start < end); lets the index stop early
   AND s.range_end <= pol.cut
  JOIN _timescaledb_catalog.chunk_constraint cc ON cc.dimension_slice_id = s.id
  JOIN _timescaledb_catalog.chunk c ON c.id = cc.chunk_id AND c.hypertable_id = pol.ht_id
  LEFT JOIN _timescaledb_catalog.compression_chunk_size cs ON cs.chunk_id = c.id
  WHERE pol.drop_iv IS NOT NULL
    AND NOT c.dropped                      -- until ts22600
), agg AS (                 -- grouped before the join: one row per policy
  SELECT ch.job_id, count(*) AS drop_count,
         min(ch.range_start) AS oldest_start, min(ch.range_end) AS oldest_end,
         sum(ch.comp_bytes) AS comp_bytes, sum(ch.id) AS sum_id, sum(ch.id * (ch.status + 1)) AS sum_st
  FROM ch GROUP BY ch.job_id
), prev AS (
  SELECT (SELECT coalesce(string_agg(concat_ws(':', agg.job_id, agg.drop_count, agg.sum_id, agg.sum_st), '/'
                                     ORDER BY agg.job_id), '-') FROM agg) AS fp,
         round(extract(epoch FROM pg_catalog.clock_timestamp())::numeric, 3) AS now_s,
         coalesce(pg_catalog.current_setting('tsdbtop.retention_read', true), '') AS v,
         CASE WHEN pg_catalog.current_setting('tsdbtop.reread_every', true) ~ '^[0-9]+([.][0-9]+)?$'
              THEN pg_catalog.current_setting('tsdbtop.reread_every', true)::numeric ELSE 0 END AS every
), gate AS MATERIALIZED (   -- make the pass? (and remember it)
  SELECT g.reread,
         CASE WHEN g.reread THEN pg_catalog.set_config('tsdbtop.retention_read', concat_ws(' ', g.now_s, g.fp), false) END AS noted
  FROM (SELECT p.now_s, p.fp,
               NOT (p.v ~ '^[0-9]+([.][0-9]+)? [-0-9:/]+$'
                    AND split_part(p.v, ' ', 2) = p.fp
                    AND split_part(p.v, ' ', 1)::numeric <= p.now_s
                    AND p.now_s - split_part(p.v, ' ', 1)::numeric < p.every) AS reread
        FROM prev p) g
), rel AS MATERIALIZED (    -- on a pass: each chunk's relation
  SELECT ch.job_id, cl.oid, cl.relpages
  FROM ch
  JOIN pg_catalog.pg_namespace n ON n.nspname = ch.schema_name
  JOIN pg_catalog.pg_class cl ON cl.relnamespace = n.oid AND cl.relname = ch.table_name
  WHERE (SELECT gate.reread FROM gate)
), pg AS (                  -- its pages and its indexes' pages, per policy
  SELECT x.job_id, sum(x.relpages) AS pages
  FROM (SELECT rel.job_id, rel.relpages FROM rel
        UNION ALL
        SELECT rel.job_id, ic.relpages
        FROM rel
        JOIN pg_catalog.pg_index i ON i.indrelid = rel.oid
        JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid) x
  GROUP BY x.job_id
)
SELECT pol.job_id, pol.hypertable_schema AS schema, pol.hypertable_name AS name,
       pol.drop_after, extract(epoch FROM pol.drop_iv) AS drop_after_s,
       pol.scheduled, extract(epoch FROM pol.next_start) AS next_start,
       CASE WHEN pol.drop_iv IS NULL THEN NULL ELSE coalesce(agg.drop_count, 0) END AS drop_count,
       agg.oldest_start / 1000000.0 AS oldest_start,
       agg.oldest_end / 1000000.0 AS oldest_end,
       CASE WHEN gate.reread
            THEN coalesce(pg.pages, 0) * current_setting('block_size')::bigint + agg.comp_bytes END AS drop_bytes,
       gate.reread AND gate.noted IS NOT NULL AS reread
FROM pol CROSS JOIN gate
LEFT JOIN agg ON agg.job_id = pol.job_id
LEFT JOIN pg ON pg.job_id = pol.job_id
ORDER BY pol.hypertable_schema, pol.hypertable_name
