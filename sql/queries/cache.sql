-- cache: database buffer cache counters (cumulative since stats_reset; the
-- console shows the delta between polls as well) and the database's size.
--
-- db_bytes is pg_database_size(), exact, but it stats every file of the
-- database (at 100,000 chunks several hundred thousand files): too dear for
-- every poll. The session keeps its last reading in a placeholder setting,
-- tsdbtop.db_size = 'BYTES READ_AT_EPOCH READ_SECONDS', and this query reads
-- the size again only when that reading is at least a minute old and at
-- least 100 times as old as the read took (a read of 2 s: every 200 s, 1 %
-- of one backend). The first poll of a session reads it (--once is exact).
-- CASE evaluates pg_database_size() only on a re-read; the CTEs holding
-- volatile calls are never inlined, so the clock is read before the size.
-- A setting lost (DISCARD ALL, a pooler's other session) is read again.
WITH t AS (
  SELECT pg_catalog.clock_timestamp() AS t0,
         pg_catalog.current_setting('tsdbtop.db_size', true) AS v
), prev AS (
  SELECT t.t0, round(extract(epoch FROM t.t0)::numeric, 3) AS now_s,
         CASE WHEN t.v ~ '^[0-9]+ [0-9]+([.][0-9]+)? [0-9]+([.][0-9]+)?$'
              THEN pg_catalog.string_to_array(t.v, ' ')::numeric[] END AS a
  FROM t
), sz AS (
  SELECT CASE WHEN p.a IS NULL OR p.a[2] > p.now_s
                   OR p.now_s - p.a[2] >= greatest(60, 100 * p.a[3])
              THEN pg_catalog.string_to_array(pg_catalog.set_config('tsdbtop.db_size',
                     concat_ws(' ', pg_catalog.pg_database_size(pg_catalog.current_database()),
                               p.now_s, round(extract(epoch FROM pg_catalog.clock_timestamp() - p.t0)::numeric, 3)),
                     false), ' ')::numeric[]
              ELSE p.a END AS a
  FROM prev p
)
SELECT d.blks_hit, d.blks_read, extract(epoch FROM d.stats_reset) AS stats_reset,
       d.numbackends,
       current_setting('track_counts')::bool AS track_counts,
       sz.a[1] AS db_bytes
FROM pg_catalog.pg_stat_database d, sz
WHERE d.datname = current_database()
