-- Step: compression — enable native compression with segmentby/orderby and add
-- one compression policy per hypertable.
-- Idempotence / convergence rules:
-- * Compression settings are applied only when compression is not yet enabled
--   on the hypertable: changing segmentby/orderby is refused by TimescaleDB once
--   compressed chunks exist, and a deploy must not fail on a loaded database.
--   A hypertable whose settings differ from the declared ones gets a WARNING.
-- * add_compression_policy(if_not_exists => true) leaves an existing policy
--   alone (an operator may have tuned it); a differing compress_after gets a
--   WARNING, not an override.
DO $$
DECLARE
    r record;
    cur_seg text;
    cur_ord text;
    enabled boolean;
    cur_after text;
BEGIN
    FOR r IN
        SELECT * FROM (VALUES
            ('metric_hist',        'metric_def_id',            'ts DESC',               interval '7 days'),
            ('oee_calculations',   'line_id, equipment_code',  'calculation_time DESC', interval '7 days'),
            ('energy_consumption', 'equipment_code',           'consumption_time DESC', interval '7 days'),
            ('production_kpis',    'line_id, shift_id',        'kpi_date DESC',         interval '14 days'),
            ('downtime_events',    'line_id, category',        'start_time DESC',       interval '30 days'),
            ('quality_checks',     'line_id, check_type',      'check_time DESC',       interval '30 days'),
            ('fault_event',        'equipment_code',           'ts_on DESC',            interval '14 days')
        ) AS t(tbl, segmentby, orderby, compress_after)
    LOOP
        SELECT h.compression_enabled INTO enabled
          FROM timescaledb_information.hypertables h
         WHERE h.hypertable_schema = 'factory_telemetry' AND h.hypertable_name = r.tbl;
        IF NOT coalesce(enabled, false) THEN
            EXECUTE format(
                'ALTER TABLE factory_telemetry.%I SET (timescaledb.compress, '
                'timescaledb.compress_segmentby = %L, timescaledb.compress_orderby = %L)',
                r.tbl, r.segmentby, r.orderby);
        ELSE
            SELECT string_agg(attname::text, ', ' ORDER BY segmentby_column_index)
                     FILTER (WHERE segmentby_column_index IS NOT NULL),
                   string_agg(attname::text || CASE WHEN orderby_asc THEN '' ELSE ' DESC' END, ', '
                              ORDER BY orderby_column_index)
                     FILTER (WHERE orderby_column_index IS NOT NULL)
              INTO cur_seg, cur_ord
              FROM timescaledb_information.compression_settings
             WHERE hypertable_schema = 'factory_telemetry' AND hypertable_name = r.tbl;
            IF cur_seg IS DISTINCT FROM r.segmentby OR cur_ord IS DISTINCT FROM r.orderby THEN
                RAISE WARNING 'factory_telemetry.%: compression settings (segmentby %, orderby %) differ from declared (segmentby %, orderby %); left unchanged',
                    r.tbl, cur_seg, cur_ord, r.segmentby, r.orderby;
            END IF;
        END IF;

        PERFORM public.add_compression_policy(
            format('factory_telemetry.%I', r.tbl)::regclass,
            compress_after => r.compress_after, if_not_exists => true);

        SELECT j.config ->> 'compress_after' INTO cur_after
          FROM timescaledb_information.jobs j
         WHERE j.proc_name = 'policy_compression'
           AND j.hypertable_schema = 'factory_telemetry' AND j.hypertable_name = r.tbl;
        IF cur_after::interval IS DISTINCT FROM r.compress_after THEN
            RAISE WARNING 'factory_telemetry.%: compression policy compress_after = % (declared %); left unchanged',
                r.tbl, cur_after, r.compress_after;
        END IF;
    END LOOP;
END
$$;
