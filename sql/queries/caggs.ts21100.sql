-- caggs: continuous aggregates and their freshness (2.11+: the watermark
-- is stored in continuous_aggs_watermark, readable without SELECT on the
-- view). A watermark at the time type's minimum means never materialized.
-- The refresh policy cannot bring the lag under end_offset, so the promised
-- lag is end_offset + schedule_interval.
-- Integer time columns: watermark, newest raw chunk, bucket and end_offset
-- are in the column's own units (the *_int columns; watermark and
-- raw_newest_start are NULL there, never a fake epoch), and "now" is the
-- hypertable's integer_now function, as TimescaleDB's own policies call it.
WITH pol AS (
  SELECT DISTINCT ON ((j.config->>'mat_hypertable_id')::int)
         (j.config->>'mat_hypertable_id')::int AS mat_id, j.job_id, j.scheduled,
         j.config->>'start_offset' AS start_offset, j.config->>'end_offset' AS end_offset,
         extract(epoch FROM j.schedule_interval) AS schedule_s
  FROM timescaledb_information.jobs j
  WHERE j.proc_name = 'policy_refresh_continuous_aggregate'
  ORDER BY (j.config->>'mat_hypertable_id')::int, j.job_id
), ret AS (
  SELECT DISTINCT ON (j.hypertable_schema, j.hypertable_name)
         j.hypertable_schema, j.hypertable_name, j.config->>'drop_after' AS drop_after
  FROM timescaledb_information.jobs j
  WHERE j.proc_name = 'policy_retention'
  ORDER BY j.hypertable_schema, j.hypertable_name, j.job_id
), rawdim AS (
  SELECT DISTINCT ON (d.hypertable_id) d.hypertable_id, d.id AS dim_id, d.column_type,
         d.column_type NOT IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype) AS time_based,
         CASE d.column_type WHEN 'smallint'::regtype THEN -32768
                            WHEN 'integer'::regtype THEN -2147483648
                            ELSE -9223372036854775808 END AS type_min,
         d.integer_now_func_schema, d.integer_now_func
  FROM _timescaledb_catalog.dimension d
  WHERE d.interval_length IS NOT NULL
  ORDER BY d.hypertable_id, d.id
), intnow AS MATERIALIZED (
  -- integer_now() once per raw hypertable of an integer aggregate per poll.
  -- SQL cannot call a function named by the catalog except through dynamic
  -- SQL: query_to_xml runs 'SELECT schema.func()' built by format('%I.%I'),
  -- so both names are quoted identifiers, never spliced text. Only a
  -- function that exists with no arguments (to_regprocedure, no error when
  -- it is gone), is STABLE or IMMUTABLE (as set_integer_now_func demands),
  -- returns an integer and that this role may execute is called; otherwise
  -- now_int is NULL and the lag is unknown. The value is read back from the
  -- one-row XML by a pattern (no libxml needed: xpath() is not used).
  SELECT d.hypertable_id,
         CASE WHEN p.oid IS NOT NULL AND p.provolatile IN ('s', 'i')
                   AND p.prorettype IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype)
                   AND has_schema_privilege(p.pronamespace, 'USAGE')
                   AND has_function_privilege(p.oid, 'EXECUTE')
              THEN substring(query_to_xml(format('SELECT %I.%I()::text AS n', d.integer_now_func_schema,
                                                 d.integer_now_func), false, true, '')::text
                             FROM '<n>(-?[0-9]+)</n>')::bigint END AS now_int
  FROM rawdim d
  LEFT JOIN pg_catalog.pg_proc p
         ON p.oid = to_regprocedure(format('%I.%I()', d.integer_now_func_schema, d.integer_now_func))
  WHERE NOT d.time_based AND d.integer_now_func IS NOT NULL
    AND EXISTS (SELECT 1 FROM _timescaledb_catalog.continuous_agg a WHERE a.raw_hypertable_id = d.hypertable_id)
)
SELECT ca.mat_hypertable_id AS mat_id, ca.user_view_schema AS schema, ca.user_view_name AS name,
       rh.schema_name AS raw_schema, rh.table_name AS raw_name,
       bf.bucket_width AS bucket,
       CASE WHEN bf.bucket_width ~ '^-?[0-9]+$' THEN NULL
            ELSE extract(epoch FROM bf.bucket_width::interval) END AS bucket_s,
       ca.materialized_only,
       rd.time_based,
       CASE WHEN NOT rd.time_based OR w.watermark IS NULL OR w.watermark <= -210866803200000000 THEN NULL
            ELSE w.watermark / 1000000.0 END AS watermark,
       CASE WHEN rd.time_based THEN raw.newest / 1000000.0 END AS raw_newest_start,
       pol.job_id, pol.scheduled, pol.start_offset, pol.end_offset, pol.schedule_s,
       CASE WHEN pol.end_offset IS NULL OR pol.end_offset ~ '^-?[0-9]+$' THEN NULL
            ELSE extract(epoch FROM pol.end_offset::interval) + pol.schedule_s END AS promised_lag_s,
       CASE WHEN ret.drop_after IS NULL OR ret.drop_after ~ '^-?[0-9]+$' THEN false
            WHEN pol.job_id IS NULL THEN false
            WHEN pol.start_offset IS NULL THEN true
            WHEN pol.start_offset ~ '^-?[0-9]+$' THEN false
            ELSE ret.drop_after::interval < pol.start_offset::interval END AS retention_cuts_window,
       ret.drop_after AS raw_drop_after,
       coalesce(bs.consecutive_failures, 0) AS consecutive_failures,
       CASE WHEN rd.time_based OR w.watermark IS NULL OR w.watermark <= rd.type_min THEN NULL
            ELSE w.watermark END AS watermark_int,
       CASE WHEN NOT rd.time_based THEN raw.newest END AS raw_newest_int,
       CASE WHEN NOT rd.time_based AND bf.bucket_width ~ '^-?[0-9]+$' THEN bf.bucket_width::bigint END AS bucket_int,
       CASE WHEN NOT rd.time_based AND pol.end_offset ~ '^-?[0-9]+$' THEN pol.end_offset::bigint END AS end_offset_int,
       NOT rd.time_based AND rd.integer_now_func IS NOT NULL AS has_integer_now,
       inow.now_int
FROM _timescaledb_catalog.continuous_agg ca
JOIN _timescaledb_catalog.hypertable rh ON rh.id = ca.raw_hypertable_id
JOIN rawdim rd ON rd.hypertable_id = rh.id
LEFT JOIN intnow inow ON inow.hypertable_id = rh.id
LEFT JOIN LATERAL (
  SELECT max(s.range_start) AS newest
    FROM _timescaledb_catalog.chunk c
    JOIN _timescaledb_catalog.chunk_constraint cc ON cc.chunk_id = c.id
    JOIN _timescaledb_catalog.dimension_slice s ON s.id = cc.dimension_slice_id AND s.dimension_id = rd.dim_id
   WHERE c.hypertable_id = rh.id
     AND NOT c.dropped                            -- until ts22600
) raw ON true
LEFT JOIN _timescaledb_catalog.continuous_aggs_bucket_function bf ON bf.mat_hypertable_id = ca.mat_hypertable_id
LEFT JOIN _timescaledb_catalog.continuous_aggs_watermark w ON w.mat_hypertable_id = ca.mat_hypertable_id
LEFT JOIN pol ON pol.mat_id = ca.mat_hypertable_id
LEFT JOIN ret ON ret.hypertable_schema = rh.schema_name AND ret.hypertable_name = rh.table_name
LEFT JOIN _timescaledb_internal.bgw_job_stat bs ON bs.job_id = pol.job_id
ORDER BY ca.user_view_schema, ca.user_view_name
