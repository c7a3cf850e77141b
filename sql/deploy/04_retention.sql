-- Step: retention — one retention policy (drop_after) per hypertable.
-- add_retention_policy(if_not_exists => true): an existing policy is left as
-- it is (modify_retention_policy() may have changed it on purpose); a differing
-- drop_after is reported as a WARNING.
DO $$
DECLARE
    r record;
    cur_after text;
BEGIN
    FOR r IN
        SELECT * FROM (VALUES
            ('metric_hist',        interval '90 days'),
            ('oee_calculations',   interval '2 years'),
            ('energy_consumption', interval '1 year'),
            ('production_kpis',    interval '3 years'),
            ('downtime_events',    interval '2 years'),
            ('quality_checks',     interval '7 years'),
            ('fault_event',        interval '1 year')
        ) AS t(tbl, drop_after)
    LOOP
        PERFORM public.add_retention_policy(
            format('factory_telemetry.%I', r.tbl)::regclass,
            drop_after => r.drop_after, if_not_exists => true);

        SELECT j.config ->> 'drop_after' INTO cur_after
          FROM timescaledb_information.jobs j
         WHERE j.proc_name = 'policy_retention'
           AND j.hypertable_schema = 'factory_telemetry' AND j.hypertable_name = r.tbl;
        IF cur_after::interval IS DISTINCT FROM r.drop_after THEN
            RAISE WARNING 'factory_telemetry.%: retention drop_after = % (declared %); left unchanged',
                r.tbl, cur_after, r.drop_after;
        END IF;
    END LOOP;
END
$$;
