-- jobs: every TimescaleDB job with its last run. LEFT JOINs, so jobs that
-- never ran are listed too (job_stats was an inner join before 2.23).
-- consecutive_failures comes from bgw_job_stat (readable by PUBLIC).
SELECT j.job_id AS id, j.proc_name AS proc,
       j.hypertable_schema AS ht_schema, j.hypertable_name AS ht_name,
       extract(epoch FROM j.schedule_interval) AS schedule_s,
       j.scheduled,
       extract(epoch FROM s.last_run_started_at) AS last_start,
       extract(epoch FROM s.last_successful_finish) AS last_finish,
       extract(epoch FROM coalesce(s.next_start, j.next_start)) AS next_start,
       s.last_run_status AS last_status,
       coalesce(bs.consecutive_failures, 0) AS consecutive_failures,
       coalesce(s.total_runs, 0) AS total_runs,
       coalesce(s.total_failures, 0) AS total_failures,
       j.schedule_interval
FROM timescaledb_information.jobs j
LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
LEFT JOIN _timescaledb_internal.bgw_job_stat bs ON bs.job_id = j.job_id
ORDER BY j.job_id
