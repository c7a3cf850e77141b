-- job_history (TimescaleDB 2.15+): the ten newest runs of every job, newest
-- first, for the jobs dialog's history. With
-- timescaledb.enable_job_execution_logging off (the default) TimescaleDB
-- records failed runs only; the scheduler query reads that setting so the
-- console can say so. Messages cut to 250 characters here: the whole last
-- error comes with the jobs query.
SELECT j.job_id, extract(epoch FROM h.start_time) AS start, extract(epoch FROM h.finish_time) AS finish,
       h.succeeded, h.sqlerrcode, left(h.err_message, 250) AS message
FROM timescaledb_information.jobs j
CROSS JOIN LATERAL (
  SELECT x.id, x.start_time, x.finish_time, x.succeeded, x.sqlerrcode, x.err_message
  FROM timescaledb_information.job_history x
  WHERE x.job_id = j.job_id
  ORDER BY x.start_time DESC NULLS LAST
  LIMIT 10) h
ORDER BY j.job_id, h.start_time DESC NULLS LAST
