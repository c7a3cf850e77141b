-- 50 hypertables x 200 one-hour chunks = 10,000 chunks, with compression
-- and retention policies. One statement per transaction (\gexec): a single
-- transaction creating 10,000 chunks runs out of lock slots. Re-runnable.
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
SELECT format('INSERT INTO bench.ht_%1$s SELECT g, 1, random() FROM generate_series(now() - interval ''200 hours'' + interval ''1 minute'', now(), interval ''1 hour'') g WHERE NOT EXISTS (SELECT 1 FROM bench.ht_%1$s)', lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
SELECT format('SELECT add_compression_policy(%L, interval ''7 days'', if_not_exists => true)', 'bench.ht_' || lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
SELECT format('SELECT add_retention_policy(%L, interval ''6 days'', if_not_exists => true)', 'bench.ht_' || lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
