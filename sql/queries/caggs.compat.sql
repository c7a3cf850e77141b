-- caggs, compatibility mode: the columns of caggs.ts21100.sql from the
-- public views and functions only: timescaledb_information.
-- continuous_aggregates / dimensions / chunks / jobs / job_stats /
-- job_history, the watermark from _timescaledb_functions.cagg_watermark(),
-- the bucket from _timescaledb_functions.cagg_get_bucket_function_info().
-- Both take the materialization hypertable id: the refresh policy's config
-- names it, else the materialization hypertable's name does
-- (_materialized_hypertable_ID, as TimescaleDB names them); without it the
-- watermark is unknown. dimensions gives integer_now's name without its
-- schema: it is called only when exactly one function of that name with no
-- arguments is visible. consecutive_failures as in jobs.compat.sql.
WITH ca AS (
  SELECT c.view_schema, c.view_name, c.hypertable_schema AS raw_schema, c.hypertable_name AS raw_name,
         c.materialized_only, c.materialization_hypertable_name AS mat_name
  FROM timescaledb_information.continuous_aggregates c
), pol AS (
  SELECT DISTINCT ON (j.hypertable_schema, j.hypertable_name)
         j.hypertable_schema, j.hypertable_name,
         CASE WHEN j.config->>'mat_hypertable_id' ~ '^[0-9]+$' THEN (j.config->>'mat_hypertable_id')::int END AS mat_id,
         j.job_id, j.scheduled,
         j.config->>'start_offset' AS start_offset, j.config->>'end_offset' AS end_offset,
         extract(epoch FROM j.schedule_interval) AS schedule_s
  FROM timescaledb_information.jobs j
  WHERE j.proc_name = 'policy_refresh_continuous_aggregate'
  ORDER BY j.hypertable_schema, j.hypertable_name, j.job_id
), ret AS (
  SELECT DISTINCT ON (j.hypertable_schema, j.hypertable_name)
         j.hypertable_schema, j.hypertable_name, j.config->>'drop_after' AS drop_after
  FROM timescaledb_information.jobs j
  WHERE j.proc_name = 'policy_retention'
  ORDER BY j.hypertable_schema, j.hypertable_name, j.job_id
), rawdim AS (
  SELECT DISTINCT ON (d.hypertable_schema, d.hypertable_name)
         d.hypertable_schema, d.hypertable_name, d.column_type,
         d.column_type NOT IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) AS time_based,
         CASE d.column_type WHEN 'smallint'::regtype THEN -32768
                            WHEN 'integer'::regtype THEN -2147483648
                            ELSE -9223372036854775808 END AS type_min,
         d.integer_now_func
  FROM timescaledb_information.dimensions d
  WHERE d.dimension_type = 'Time'
  ORDER BY d.hypertable_schema, d.hypertable_name, d.dimension_number
), cag AS (
  SELECT ca.*, coalesce(pol.mat_id, substring(ca.mat_name FROM '^_materialized_hypertable_([0-9]+)$')::int) AS mat_id,
         pol.job_id, pol.scheduled, pol.start_offset, pol.end_offset, pol.schedule_s,
         rd.time_based, rd.type_min, rd.integer_now_func
  FROM ca
  JOIN rawdim rd ON rd.hypertable_schema = ca.raw_schema AND rd.hypertable_name = ca.raw_name
  LEFT JOIN pol ON pol.hypertable_schema = ca.view_schema AND pol.hypertable_name = ca.view_name
), intnow AS MATERIALIZED (
  -- integer_now() once per raw hypertable of an integer aggregate, through
  -- query_to_xml with format('%I.%I') (quoted identifiers, never spliced
  -- text), only for a single visible STABLE/IMMUTABLE function of that name
  -- with no arguments returning an integer that this role may execute.
  SELECT r.raw_schema, r.raw_name,
         CASE WHEN p.oid IS NOT NULL AND p.provolatile IN ('s', 'i')
                   AND p.prorettype IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype)
                   AND has_schema_privilege(p.pronamespace, 'USAGE')
                   AND has_function_privilege(p.oid, 'EXECUTE')
              THEN substring(query_to_xml(format('SELECT %I.%I()::text AS n', n.nspname, p.proname),
                                          false, true, '')::text FROM '<n>(-?[0-9]+)</n>')::bigint END AS now_int
  FROM (SELECT DISTINCT raw_schema, raw_name, integer_now_func FROM cag
         WHERE NOT time_based AND integer_now_func IS NOT NULL) r
  LEFT JOIN LATERAL (
    SELECT min(pp.oid) AS oid FROM pg_catalog.pg_proc pp
     WHERE pp.proname = r.integer_now_func AND pp.pronargs = 0
    HAVING count(*) = 1) one ON true
  LEFT JOIN pg_catalog.pg_proc p ON p.oid = one.oid
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
), raw AS (
  SELECT c.hypertable_schema, c.hypertable_name,
         max(round(extract(epoch FROM c.range_start) * 1000000)::bigint) AS newest_time,
         max(c.range_start_integer) AS newest_int
  FROM timescaledb_information.chunks c
  WHERE (c.hypertable_schema, c.hypertable_name) IN (SELECT raw_schema, raw_name FROM cag)
  GROUP BY c.hypertable_schema, c.hypertable_name
), w AS (
  SELECT cag.view_schema, cag.view_name,
         _timescaledb_functions.cagg_watermark(cag.mat_id) AS watermark,
         (_timescaledb_functions.cagg_get_bucket_function_info(cag.mat_id)).bucket_width AS bucket_width
  FROM cag WHERE cag.mat_id IS NOT NULL
), fails AS (
  SELECT h.job_id, h.start_time FROM timescaledb_information.job_history h WHERE h.succeeded IS FALSE
), bs AS (
  SELECT s.job_id,
         CASE WHEN s.last_run_status IS DISTINCT FROM 'Failed' THEN 0
              ELSE (SELECT count(*) FROM fails f WHERE f.job_id = s.job_id
                      AND (s.last_successful_finish IS NULL OR f.start_time > s.last_successful_finish))
         END AS consecutive_failures
  FROM timescaledb_information.job_stats s
  WHERE s.job_id IN (SELECT job_id FROM cag)
)
SELECT cag.mat_id, cag.view_schema AS schema, cag.view_name AS name,
       cag.raw_schema, cag.raw_name,
       w.bucket_width AS bucket,
       CASE WHEN w.bucket_width ~ '^-?[0-9]+$' THEN NULL
            ELSE extract(epoch FROM w.bucket_width::interval) END AS bucket_s,
       cag.materialized_only,
       cag.time_based,
       CASE WHEN NOT cag.time_based OR w.watermark IS NULL OR w.watermark <= -210866803200000000 THEN NULL
            ELSE w.watermark / 1000000.0 END AS watermark,
       CASE WHEN cag.time_based THEN raw.newest_time / 1000000.0 END AS raw_newest_start,
       cag.job_id, cag.scheduled, cag.start_offset, cag.end_offset, cag.schedule_s,
       CASE WHEN cag.end_offset IS NULL OR cag.end_offset ~ '^-?[0-9]+$' THEN NULL
            ELSE extract(epoch FROM cag.end_offset::interval) + cag.schedule_s END AS promised_lag_s,
       CASE WHEN ret.drop_after IS NULL OR ret.drop_after ~ '^-?[0-9]+$' THEN false
            WHEN cag.job_id IS NULL THEN false
            WHEN cag.start_offset IS NULL THEN true
            WHEN cag.start_offset ~ '^-?[0-9]+$' THEN false
            ELSE ret.drop_after::interval < cag.start_offset::interval END AS retention_cuts_window,
       ret.drop_after AS raw_drop_after,
       coalesce(bs.consecutive_failures, 0) AS consecutive_failures,
       CASE WHEN cag.time_based OR w.watermark IS NULL OR w.watermark <= cag.type_min THEN NULL
            ELSE w.watermark END AS watermark_int,
       CASE WHEN NOT cag.time_based THEN raw.newest_int END AS raw_newest_int,
       CASE WHEN NOT cag.time_based AND w.bucket_width ~ '^-?[0-9]+$' THEN w.bucket_width::bigint END AS bucket_int,
       CASE WHEN NOT cag.time_based AND cag.end_offset ~ '^-?[0-9]+$' THEN cag.end_offset::bigint END AS end_offset_int,
       NOT cag.time_based AND cag.integer_now_func IS NOT NULL AS has_integer_now,
       inow.now_int
FROM cag
LEFT JOIN w ON w.view_schema = cag.view_schema AND w.view_name = cag.view_name
LEFT JOIN raw ON raw.hypertable_schema = cag.raw_schema AND raw.hypertable_name = cag.raw_name
LEFT JOIN intnow inow ON inow.raw_schema = cag.raw_schema AND inow.raw_name = cag.raw_name
LEFT JOIN ret ON ret.hypertable_schema = cag.raw_schema AND ret.hypertable_name = cag.raw_name
LEFT JOIN bs ON bs.job_id = cag.job_id
ORDER BY cag.view_schema, cag.view_name
