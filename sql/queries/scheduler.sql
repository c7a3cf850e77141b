-- scheduler: is TimescaleDB's background scheduler running for this
-- database, how many job workers are busy, and what else draws on
-- max_worker_processes. backend_type is visible for every role's rows (other
-- columns need pg_read_all_stats). A job's worker is a dynamic background
-- worker named after the job's application_name ("Compression Policy
-- [1002]"), cluster-wide; TimescaleDB's launcher and one scheduler per
-- database are workers too, as are other extensions' and logical
-- replication's; parallel query takes up to max_parallel_workers more.
SELECT count(*) FILTER (WHERE a.backend_type = 'TimescaleDB Background Worker Scheduler'
                          AND (a.datname = current_database() OR a.datname IS NULL)) > 0 AS running,
       count(*) FILTER (WHERE a.backend_type ~ ' \[[0-9]+\]$'
                          AND a.backend_type = a.application_name) AS workers_in_use,
       current_setting('timescaledb.max_background_workers', true)::int AS workers_max,
       current_setting('max_worker_processes')::int AS max_worker_processes,
       current_setting('max_parallel_workers')::int AS max_parallel_workers,
       count(*) FILTER (WHERE a.backend_type = 'TimescaleDB Background Worker Launcher') AS launchers,
       count(*) FILTER (WHERE a.backend_type = 'TimescaleDB Background Worker Scheduler') AS schedulers,
       count(*) FILTER (WHERE a.backend_type NOT IN ('client backend', 'autovacuum launcher',
                          'autovacuum worker', 'background writer', 'checkpointer', 'walwriter',
                          'startup', 'walreceiver', 'walsender', 'archiver', 'logger',
                          'standalone backend', 'parallel worker', 'slotsync worker',
                          'walsummarizer', 'io worker')
                          AND a.backend_type NOT LIKE 'TimescaleDB Background Worker%'
                          AND NOT (a.backend_type ~ ' \[[0-9]+\]$'
                                   AND a.backend_type = a.application_name)) AS other_workers,
       current_setting('timescaledb.enable_job_execution_logging', true) AS execution_logging,
       version() ILIKE '%emscripten%' AS embedded
FROM pg_catalog.pg_stat_activity a
