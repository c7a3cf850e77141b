-- scheduler, compatibility mode: the fast query reads no TimescaleDB catalog
-- (PostgreSQL statistics only), so this is the same text as scheduler.sql.
-- scheduler: is TimescaleDB's background scheduler running for this
-- database, and how many background workers are busy. backend_type is
-- visible for every role's rows (other columns need pg_read_all_stats).
SELECT count(*) FILTER (WHERE a.backend_type = 'TimescaleDB Background Worker Scheduler'
                          AND (a.datname = current_database() OR a.datname IS NULL)) > 0 AS running,
       count(*) FILTER (WHERE a.backend_type LIKE 'TimescaleDB Background Worker%'
                          AND a.backend_type NOT IN ('TimescaleDB Background Worker Launcher',
                                                     'TimescaleDB Background Worker Scheduler')) AS workers_in_use,
       current_setting('timescaledb.max_background_workers', true)::int AS workers_max
FROM pg_catalog.pg_stat_activity a
