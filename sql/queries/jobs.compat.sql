-- jobs, compatibility mode: the columns of jobs.sql from the public views
-- only. consecutive_failures is not in any view: it is counted from
-- timescaledb_information.job_history (2.15+, which always records
-- failures) as the failed runs that started after the last successful
-- finish, 0 when the last run succeeded. That is what bgw_job_stat keeps,
-- as long as the history still holds those runs (its retention job keeps
-- a month by default).
WITH fails AS (
  SELECT h.job_id, h.start_time
  FROM timescaledb_information.job_history h
  WHERE h.succeeded IS FALSE
)
SELECT j.job_id AS id, j.proc_name AS proc,
       j.hypertable_schema AS ht_schema, j.hypertable_name AS ht_name,
       extract(epoch FROM j.schedule_interval) AS schedule_s,
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
       j.schedule_interval
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
ORDER BY j.job_id
