-- Cross-check fixture for the native tier (and the embedded server): small
-- hypertables in the shapes users have, built relative to now().
--   xc.metrics        timestamptz, 1-day chunks, 30 days: chunks older than 10 days
--                     compressed, one of them partial (rows inserted after), chunks
--                     older than 25 days dropped; a retention policy of 20 days
--   xc.spaced         a space dimension (device, 3 partitions)
--   xc.ticks          bigint time with an integer_now function
--   xc.metrics_hourly / xc.metrics_daily   a real-time cagg and a cagg on it
--   "xc odd"."we""ird ✓ <ESC>[31m"   a hostile name (quote, space, unicode, escape)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA xc;
CREATE TABLE xc.metrics (ts timestamptz NOT NULL, device int NOT NULL, v double precision);
SELECT create_hypertable('xc.metrics', 'ts', chunk_time_interval => interval '1 day');
INSERT INTO xc.metrics
SELECT t, d, random() FROM generate_series(now() - interval '30 days', now(), interval '10 minutes') t,
       generate_series(1, 4) d;
ALTER TABLE xc.metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'device');
SELECT count(compress_chunk(c)) FROM show_chunks('xc.metrics', older_than => now() - interval '10 days') c;
-- one partially compressed chunk
INSERT INTO xc.metrics VALUES (now() - interval '15 days' + interval '1 minute', 9, 1.0);
SELECT add_compression_policy('xc.metrics', interval '10 days', initial_start => now() + interval '1 hour');
SELECT add_retention_policy('xc.metrics', interval '20 days', initial_start => now() + interval '1 hour');
SELECT count(*) FROM drop_chunks('xc.metrics', older_than => now() - interval '25 days');

CREATE TABLE xc.spaced (ts timestamptz NOT NULL, device int NOT NULL, v double precision);
SELECT create_hypertable('xc.spaced', 'ts', chunk_time_interval => interval '1 day');
SELECT add_dimension('xc.spaced', 'device', number_partitions => 3);
INSERT INTO xc.spaced
SELECT t, d, random() FROM generate_series(now() - interval '5 days', now(), interval '30 minutes') t,
       generate_series(1, 6) d;

CREATE TABLE xc.ticks (t bigint NOT NULL, v double precision);
SELECT create_hypertable('xc.ticks', 't', chunk_time_interval => 1000);
CREATE FUNCTION xc.ticks_now() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT coalesce(max(t), 0) FROM xc.ticks $$;
SELECT set_integer_now_func('xc.ticks', 'xc.ticks_now');
INSERT INTO xc.ticks SELECT g, random() FROM generate_series(1, 9999) g;

CREATE MATERIALIZED VIEW xc.metrics_hourly WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
  SELECT time_bucket('1 hour', ts) AS bucket, device, avg(v) AS v FROM xc.metrics GROUP BY 1, 2 WITH NO DATA;
CALL refresh_continuous_aggregate('xc.metrics_hourly', now() - interval '20 days', now() - interval '1 day');
SELECT add_continuous_aggregate_policy('xc.metrics_hourly', start_offset => interval '3 days',
       end_offset => interval '1 hour', schedule_interval => interval '30 minutes',
       initial_start => now() + interval '1 hour');
CREATE MATERIALIZED VIEW xc.metrics_daily WITH (timescaledb.continuous) AS
  SELECT time_bucket('1 day', bucket) AS day, device, avg(v) AS v FROM xc.metrics_hourly GROUP BY 1, 2 WITH NO DATA;
CALL refresh_continuous_aggregate('xc.metrics_daily', now() - interval '20 days', now() - interval '2 days');

CREATE SCHEMA "xc odd";
SELECT format('CREATE TABLE %I.%I (ts timestamptz NOT NULL, v int)', 'xc odd', E'we"ird \u2713 \u001b[31m') \gexec
SELECT create_hypertable(format('%I.%I', 'xc odd', E'we"ird \u2713 \u001b[31m')::regclass, 'ts',
       chunk_time_interval => interval '1 day');
SELECT format('INSERT INTO %I.%I SELECT t, 1 FROM generate_series(now() - interval ''3 days'', now(), interval ''1 hour'') t',
              'xc odd', E'we"ird \u2713 \u001b[31m') \gexec
ANALYZE;
-- Policies start in an hour and are paused: the cross-checks compare a still picture (the scheduler test
-- resumes them and watches them run).
SELECT count(*) FROM (SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs WHERE hypertable_schema = 'xc') s;
