-- retention, compatibility mode: the columns of retention.sql from the
-- public views and size functions only. The chunks the next run drops are
-- those whose whole range ends at or before
-- greatest(next_start, now()) - drop_after (show_chunks(older_than)
-- semantics), from timescaledb_information.chunks; drop_bytes is measured
-- (chunks_detailed_size) for uncompressed chunks and the size recorded at
-- compression (chunk_compression_stats) for compressed ones, where the fast
-- path estimates from pg_class.relpages.
WITH pol AS (
  SELECT j.job_id, j.hypertable_schema, j.hypertable_name, j.scheduled,
         j.config->>'drop_after' AS drop_after,
         CASE WHEN (j.config->>'drop_after') ~ '^-?[0-9]+$' THEN NULL
              ELSE (j.config->>'drop_after')::interval END AS drop_iv,
         greatest(coalesce(s.next_start, j.next_start), now()) AS next_run,
         coalesce(s.next_start, j.next_start) AS next_start,
         to_regclass(format('%I.%I', j.hypertable_schema, j.hypertable_name)) AS relid
  FROM timescaledb_information.jobs j
  LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
  WHERE j.proc_name = 'policy_retention'
), cut AS (                 -- the cut in catalog units (microseconds, bigint)
  SELECT p.*,
         CASE WHEN x.cut >= 9223372036854775807 THEN '9223372036854775807'::bigint
              WHEN x.cut <= -9223372036854775808 THEN '-9223372036854775808'::bigint
              ELSE floor(x.cut)::bigint END AS cut
  FROM pol p, LATERAL (SELECT extract(epoch FROM p.next_run - p.drop_iv) * 1000000 AS cut) x
  WHERE p.drop_iv IS NOT NULL
), ch AS MATERIALIZED (     -- the chunks past the cut
  SELECT cut.job_id, cut.relid AS ht_relid, c.chunk_schema, c.chunk_name,
         round(extract(epoch FROM c.range_start) * 1000000)::bigint AS range_start,
         round(extract(epoch FROM c.range_end) * 1000000)::bigint AS range_end,
         c.is_compressed
  FROM cut
  JOIN timescaledb_information.chunks c
    ON c.hypertable_schema = cut.hypertable_schema AND c.hypertable_name = cut.hypertable_name
  WHERE c.range_end IS NOT NULL
    AND round(extract(epoch FROM c.range_end) * 1000000) <= cut.cut
), hts AS (
  SELECT DISTINCT job_id, ht_relid FROM ch WHERE ht_relid IS NOT NULL
), sz AS (                  -- per chunk: measured when uncompressed, recorded when compressed
  SELECT hts.job_id, ds.chunk_schema, ds.chunk_name, ds.total_bytes, NULL::bigint AS comp_bytes
  FROM hts CROSS JOIN LATERAL chunks_detailed_size(hts.ht_relid) ds
  UNION ALL
  SELECT hts.job_id, cs.chunk_schema, cs.chunk_name, NULL, cs.after_compression_total_bytes
  FROM hts CROSS JOIN LATERAL chunk_compression_stats(hts.ht_relid) cs
  WHERE cs.compression_status = 'Compressed'
), chb AS (
  SELECT ch.job_id, ch.range_start, ch.range_end,
         CASE WHEN ch.is_compressed
              THEN (SELECT max(sz.comp_bytes) FROM sz WHERE sz.job_id = ch.job_id
                       AND sz.chunk_schema = ch.chunk_schema AND sz.chunk_name = ch.chunk_name)
              ELSE (SELECT max(sz.total_bytes) FROM sz WHERE sz.job_id = ch.job_id
                       AND sz.chunk_schema = ch.chunk_schema AND sz.chunk_name = ch.chunk_name)
         END AS bytes
  FROM ch
), agg AS (
  SELECT job_id, count(*) AS drop_count,
         min(range_start) AS oldest_start, min(range_end) AS oldest_end,
         sum(coalesce(bytes, 0)) AS bytes
  FROM chb GROUP BY job_id
)
SELECT pol.job_id, pol.hypertable_schema AS schema, pol.hypertable_name AS name,
       pol.drop_after, extract(epoch FROM pol.drop_iv) AS drop_after_s,
       pol.scheduled, extract(epoch FROM pol.next_start) AS next_start,
       CASE WHEN pol.drop_iv IS NULL THEN NULL ELSE coalesce(agg.drop_count, 0) END AS drop_count,
       agg.oldest_start / 1000000.0 AS oldest_start,
       agg.oldest_end / 1000000.0 AS oldest_end,
       agg.bytes AS drop_bytes
FROM pol LEFT JOIN agg ON agg.job_id = pol.job_id
ORDER BY pol.hypertable_schema, pol.hypertable_name
