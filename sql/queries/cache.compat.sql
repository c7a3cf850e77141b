-- cache, compatibility mode: the fast query reads no TimescaleDB catalog
-- (PostgreSQL statistics only), so this is the same text as cache.sql.
-- cache: database buffer cache counters (cumulative since stats_reset; the
-- console shows the delta between polls as well).
SELECT d.blks_hit, d.blks_read, extract(epoch FROM d.stats_reset) AS stats_reset,
       d.numbackends,
       current_setting('track_counts')::bool AS track_counts
FROM pg_catalog.pg_stat_database d
WHERE d.datname = current_database()
