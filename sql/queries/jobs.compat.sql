-- jobs, compatibility mode: the columns of jobs.ts21500.sql from the public
-- views only. consecutive_failures is not in any view: it is counted from
-- timescaledb_information.job_history (2.15+, which always records
-- failures) as the failed runs that started after the last successful
-- finish, 0 when the last run succeeded. That is what bgw_job_stat keeps,
-- as long as the history still holds those runs (its retention job keeps
-- a month by default). Crashes and the mean successful run are not in any
-- view: consecutive_crashes 0 and mean_s unknown here.
WITH fails AS (
  SELECT h.job_id, h.start_time
  FROM timescaledb_information.job_history h
  WHERE h.succeeded IS FALSE
)
SELECT j.job_id AS id, j.proc_name AS proc, j.owner::text AS owner,
       j.hypertable_schema AS ht_schema, j.hypertable_name AS ht_name,
       extract(epoch FROM j.schedule_interval) AS schedule_s,
       extract(epoch FROM j.max_runtime) AS max_runtime_s,
       j.scheduled,
       extract(epoch FROM s.last_run_started_at) AS last_start,
       extract(epoch FROM s.last_successful_finish) AS last_finish,
       extract(epoch FROM coalesce(s.next_start, j.next_start)) AS next_start,
       s.last_run_status AS last_status,
       CASE WHEN s.last_run_status IS DISTINCT FROM 'Failed' THEN 0
            ELSE (SELECT count(*) FROM fails f
                   WHERE f.job_id = j.job_id
                     AND (s.last_successful_finish IS NULL OR f.start_time > s.last_successful_finish))
       END AS consecutive_failures,
       coalesce(s.total_runs, 0) AS total_runs,
       coalesce(s.total_failures, 0) AS total_failures,
       w.pid IS NOT NULL AS running,
       CASE WHEN w.pid IS NOT NULL THEN extract(epoch FROM now() - s.last_run_started_at) END AS running_s,
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
LEFT JOIN LATERAL (
  SELECT a.pid FROM pg_catalog.pg_stat_activity a
  WHERE a.datname = current_database() AND a.application_name = j.application_name
    AND coalesce(a.backend_type, a.application_name) = j.application_name
  LIMIT 1) w ON true
LEFT JOIN LATERAL (
  SELECT x.job_id, x.start_time, x.finish_time, x.sqlerrcode, x.err_message
  FROM timescaledb_information.job_errors x
  WHERE x.job_id = j.job_id
    AND NOT (x.finish_time IS NULL AND x.pid IS NOT NULL)  -- a run going on now (execution logging) AND s.last_run_status = 'Failed'
  ORDER BY x.start_time DESC NULLS LAST
  LIMIT 1) e ON true
ORDER BY j.job_id
