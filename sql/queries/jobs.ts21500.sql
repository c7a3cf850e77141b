-- jobs (TimescaleDB 2.15+): every job with its last run, as jobs.sql, and
-- why its last run failed: the newest job_errors row of a job whose last run
-- failed or crashed (job_errors reads bgw_job_stat_history, 2.15+; it hides
-- other roles' jobs from roles that are neither their owner nor the
-- database owner, so errors_visible says whether "no row" means "no error").
-- running: a background worker of this database carries the job's
-- application_name now (visible to every role); for how long from
-- bgw_job_stat.last_start (readable by PUBLIC). mean_s: successful runs only
-- (bgw_job_stat keeps failed runs' time apart).
SELECT j.job_id AS id, j.proc_name AS proc, j.owner::text AS owner,
       j.hypertable_schema AS ht_schema, j.hypertable_name AS ht_name,
       extract(epoch FROM j.schedule_interval) AS schedule_s,
       extract(epoch FROM j.max_runtime) AS max_runtime_s,
       j.scheduled,
       extract(epoch FROM s.last_run_started_at) AS last_start,
       extract(epoch FROM s.last_successful_finish) AS last_finish,
       extract(epoch FROM coalesce(s.next_start, j.next_start)) AS next_start,
       s.last_run_status AS last_status,
       coalesce(bs.consecutive_failures, 0) AS consecutive_failures,
       coalesce(bs.consecutive_crashes, 0) AS consecutive_crashes,
       coalesce(s.total_runs, 0) AS total_runs,
       coalesce(s.total_failures, 0) AS total_failures,
       CASE WHEN bs.total_successes > 0
            THEN extract(epoch FROM bs.total_duration) / bs.total_successes END AS mean_s,
       w.pid IS NOT NULL AS running,
       CASE WHEN w.pid IS NOT NULL AND bs.last_start IS NOT NULL
            THEN extract(epoch FROM now() - bs.last_start) END AS running_s,
       (pg_catalog.pg_has_role(current_user, d.datdba, 'MEMBER')
        OR pg_catalog.pg_has_role(current_user, j.owner::oid, 'MEMBER')) AS errors_visible,
       e.job_id IS NOT NULL AS has_error,
       extract(epoch FROM e.start_time) AS error_start,
       extract(epoch FROM e.finish_time) AS error_finish,
       e.sqlerrcode AS error_sqlstate,
       e.err_message AS error_message,
       j.schedule_interval
FROM timescaledb_information.jobs j
CROSS JOIN (SELECT datdba FROM pg_catalog.pg_database WHERE datname = current_database()) d
LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
LEFT JOIN _timescaledb_internal.bgw_job_stat bs ON bs.job_id = j.job_id
LEFT JOIN LATERAL (
  SELECT a.pid FROM pg_catalog.pg_stat_activity a
  WHERE a.datname = current_database() AND a.application_name = j.application_name
    AND coalesce(a.backend_type, a.application_name) = j.application_name
  LIMIT 1) w ON true
LEFT JOIN LATERAL (
  SELECT x.job_id, x.start_time, x.finish_time, x.sqlerrcode, x.err_message
  FROM timescaledb_information.job_errors x
  WHERE x.job_id = j.job_id
    AND NOT (x.finish_time IS NULL AND x.pid IS NOT NULL)  -- a run going on now (execution logging)
    AND (s.last_run_status = 'Failed' OR (bs.consecutive_crashes > 0 AND w.pid IS NULL))
  ORDER BY x.start_time DESC NULLS LAST
  LIMIT 1) e ON true
ORDER BY j.job_id
