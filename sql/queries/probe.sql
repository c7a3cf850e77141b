-- probe: one row describing the server, read once per connection.
-- Catalog layout is probed with to_regclass/pg_attribute, not inferred
-- from the version number. Works on plain PostgreSQL (TimescaleDB absent).
SELECT
  current_setting('server_version_num')::int                        AS pg_version_num,
  current_setting('server_version')                                  AS pg_version,
  current_database()                                                 AS database,
  current_user                                                       AS username,
  e.extversion                                                       AS ts_version,
  n.nspname                                                          AS ts_schema,
  (SELECT a.default_version FROM pg_catalog.pg_available_extensions a
    WHERE a.name = 'timescaledb')                                    AS ts_default_version,
  current_setting('timescaledb.license', true)                       AS ts_license,
  current_setting('timescaledb.max_background_workers', true)        AS ts_max_bgw,
  to_regnamespace('_timescaledb_functions') IS NOT NULL              AS has_functions_schema,
  to_regclass('_timescaledb_catalog.compression_settings') IS NOT NULL AS has_compression_settings,
  to_regclass('_timescaledb_catalog.continuous_aggs_watermark') IS NOT NULL AS has_watermark_table,
  coalesce(to_regclass('_timescaledb_internal.bgw_job_stat_history'),
           to_regclass('_timescaledb_catalog.bgw_job_stat_history')) IS NOT NULL AS has_job_history,
  EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
           WHERE attrelid = to_regclass('_timescaledb_catalog.chunk')
             AND attname = 'dropped' AND NOT attisdropped)          AS chunk_has_dropped,
  EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
           WHERE attrelid = to_regclass('_timescaledb_catalog.chunk')
             AND attname = 'relid' AND NOT attisdropped)            AS chunk_has_relid,
  coalesce(to_regclass('_timescaledb_catalog.bgw_job'),
           to_regclass('_timescaledb_config.bgw_job'))::text         AS bgw_job_table,
  coalesce(to_regclass('_timescaledb_catalog.bgw_job_stat'),
           to_regclass('_timescaledb_internal.bgw_job_stat'))::text  AS job_stat_table,
  r.rolsuper                                                         AS is_superuser,
  pg_has_role(current_user, 'pg_monitor', 'USAGE')                   AS is_monitor,
  pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')            AS can_read_all_stats,
  pg_is_in_recovery()                                                AS in_recovery
FROM (SELECT 1) AS one
LEFT JOIN pg_catalog.pg_extension e ON e.extname = 'timescaledb'
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_roles r ON r.rolname = current_user
