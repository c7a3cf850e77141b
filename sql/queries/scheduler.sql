-- scheduler: is TimescaleDB's background scheduler running for this
-- database, how many job workers are busy, and what else draws on
-- max_worker_processes. Without pg_read_all_stats, PostgreSQL 15 hides
-- backend_type of other roles' rows but not application_name, which a
-- TimescaleDB worker sets to the same name: bt is whichever is seen (other
-- background workers are then counted only where backend_type is seen). A job's worker is a dynamic background
-- worker named after the job's application_name ("Compression Policy
-- [1002]"), cluster-wide; TimescaleDB's launcher and one scheduler per
-- database are workers too, as are other extensions' and logical
-- replication's; parallel query takes up to max_parallel_workers more.
SELECT count(*) FILTER (WHERE a.bt = 'TimescaleDB Background Worker Scheduler'
                          AND (a.datname = current_database() OR a.datname IS NULL)) > 0 AS running,
       count(*) FILTER (WHERE a.job_worker) AS workers_in_use,
       current_setting('timescaledb.max_background_workers', true)::int AS workers_max,
       current_setting('max_worker_processes')::int AS max_worker_processes,
       current_setting('max_parallel_workers')::int AS max_parallel_workers,
       count(*) FILTER (WHERE a.bt = 'TimescaleDB Background Worker Launcher') AS launchers,
       count(*) FILTER (WHERE a.bt = 'TimescaleDB Background Worker Scheduler') AS schedulers,
       count(*) FILTER (WHERE a.backend_type NOT IN ('client backend', 'autovacuum launcher',
                          'autovacuum worker', 'background writer', 'checkpointer', 'walwriter',
                          'startup', 'walreceiver', 'walsender', 'archiver', 'logger',
                          'standalone backend', 'parallel worker', 'slotsync worker',
                          'walsummarizer', 'io worker')
                          AND a.bt NOT LIKE 'TimescaleDB Background Worker%'
                          AND NOT a.job_worker) AS other_workers,
       current_setting('timescaledb.enable_job_execution_logging', true) AS execution_logging,
       version() ILIKE '%emscripten%' AS embedded
FROM (SELECT s.datname, s.backend_type, coalesce(s.backend_type, s.application_name) AS bt,
             coalesce(s.backend_type, s.application_name) ~ ' \[[0-9]+\]$'
               AND s.datname IS NOT NULL AND s.backend_type IS DISTINCT FROM 'client backend'
               AND (s.backend_type IS NULL OR s.backend_type = s.application_name) AS job_worker
      FROM pg_catalog.pg_stat_activity s) a
