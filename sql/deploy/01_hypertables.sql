-- Step: hypertables — turn the seven time-series tables into hypertables.
-- migrate_data => true moves rows that already exist into chunks (a no-op on
-- an empty table); if_not_exists => true makes a re-run a no-op.
-- create_default_indexes => false: every index, including the time-descending
-- one TimescaleDB would create by itself, is declared (and commented) in
-- step 02_indexes, so the index count there is the complete list.
-- Chunk intervals are (re)applied with set_chunk_time_interval: it only affects
-- chunks created afterwards and is a catalog update that is the same on re-run.
-- No space partitioning (the seed's "4 partitions per hypertable"): TimescaleDB
-- documents hash space partitions as useful only for multi-node / several
-- tablespaces; on one node they multiply chunk count without parallelism gain.
-- Uses the classic create_hypertable(relation, time_column, ...) signature so the
-- step also works on TimescaleDB 2.9-2.12 (by_range() arrived in 2.13).
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT * FROM (VALUES
            ('metric_hist',        'ts',               interval '1 hour'),
            ('oee_calculations',   'calculation_time', interval '1 day'),
            ('energy_consumption', 'consumption_time', interval '1 day'),
            ('production_kpis',    'kpi_date',         interval '7 days'),
            ('downtime_events',    'start_time',       interval '7 days'),
            ('quality_checks',     'check_time',       interval '7 days'),
            ('fault_event',        'ts_on',            interval '1 day')
        ) AS t(tbl, time_col, chunk_interval)
    LOOP
        PERFORM public.create_hypertable(
            format('factory_telemetry.%I', r.tbl)::regclass,
            r.time_col::name,
            chunk_time_interval    => r.chunk_interval,
            if_not_exists          => true,
            migrate_data           => true,
            create_default_indexes => false);
        PERFORM public.set_chunk_time_interval(
            format('factory_telemetry.%I', r.tbl)::regclass, r.chunk_interval);
    END LOOP;
END
$$;
