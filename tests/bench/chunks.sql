-- 50 hypertables x :hours one-hour chunks (psql variable, default 200:
-- 10,000 chunks; 2000 makes 100,000), with compression and retention
-- policies. One statement per transaction (\gexec), 200 chunks each: a single
-- transaction creating 10,000 chunks runs out of lock slots. Re-runnable.
\if :{?hours}
\else
\set hours 200
\endif
CREATE SCHEMA IF NOT EXISTS bench;
SELECT format('CREATE TABLE IF NOT EXISTS bench.ht_%s (ts timestamptz NOT NULL, dev int NOT NULL, v double precision)', lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
SELECT format('SELECT create_hypertable(%L, by_range(''ts'', interval ''1 hour''), if_not_exists => true)', 'bench.ht_' || lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
SELECT format('ALTER TABLE bench.ht_%s SET (timescaledb.compress, timescaledb.compress_segmentby = ''dev'')', lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
-- batch b of a table: the hours (:hours - 200 b, :hours - 200 (b + 1)] before now, one row each
SELECT format('INSERT INTO bench.ht_%1$s SELECT g, 1, random() FROM generate_series(now() - interval ''%2$s hours'' + interval ''1 minute'', now() - interval ''%3$s hours'', interval ''1 hour'') g WHERE NOT EXISTS (SELECT 1 FROM bench.ht_%1$s WHERE ts > now() - interval ''%2$s hours'' AND ts <= now() - interval ''%3$s hours'' + interval ''1 minute'')',
              lpad(i::text, 2, '0'), :hours - 200 * b, greatest(:hours - 200 * (b + 1), 0))
  FROM generate_series(1, 50) i, generate_series(0, (:hours - 1) / 200) b
 ORDER BY i, b
\gexec
SELECT format('SELECT add_compression_policy(%L, interval ''7 days'', if_not_exists => true)', 'bench.ht_' || lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
SELECT format('SELECT add_retention_policy(%L, interval ''6 days'', if_not_exists => true)', 'bench.ht_' || lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
