-- Step: management routines.
-- Name handling: callers pass bare names ('metric_hist',
-- 'oee_hourly_aggregate', '_hyper_1_2_chunk'); names are checked against
-- ^[a-z_][a-z0-9_]*$ (no quotes, dots, spaces, upper case, ...), resolved with
-- to_regclass(format('%I.%I', ...)) only inside factory_telemetry (chunks: only
-- chunks of factory_telemetry hypertables), and passed on as regclass values.
-- No SQL text is ever built from a caller's string.
-- Every routine raises (with HINT) on a bad argument before changing anything.
-- Functions run with search_path = pg_catalog, pg_temp and call TimescaleDB as
-- public.* (deploy.sh checks that the extension lives in public).
-- CREATE OR REPLACE: re-runs are no-ops.
--
-- Left out on purpose: the seed's archive_chunk_data(chunk, '/backups/...',
-- 'parquet'). Writing files on the database server needs superuser or
-- pg_write_server_files, lets a SQL caller choose server paths, and PostgreSQL
-- has no parquet writer; the console exports client-side with COPY TO STDOUT.

-- ------------------------------------------------------------ helpers
CREATE OR REPLACE FUNCTION factory_telemetry._check_name(p_name text, p_what text)
RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_name IS NULL OR p_name !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid % name: %', p_what, coalesce(quote_literal(p_name), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass the bare lower-case name (letters, digits, underscore) of an object in schema factory_telemetry';
    END IF;
    RETURN p_name;
END
$$;

CREATE OR REPLACE FUNCTION factory_telemetry._positive_interval(p_value interval, p_what text)
RETURNS interval LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_value IS NULL OR p_value <= interval '0' THEN
        RAISE EXCEPTION '% must be a positive interval, got %', p_what, coalesce(p_value::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'e.g. interval ''7 days''';
    END IF;
    RETURN p_value;
END
$$;

-- hypertable name (optionally 'factory_telemetry.' prefixed) -> regclass
CREATE OR REPLACE FUNCTION factory_telemetry._resolve_hypertable(p_name text)
RETURNS regclass LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_name text := p_name;
    v_rel regclass;
BEGIN
    IF v_name LIKE 'factory\_telemetry.%' THEN
        v_name := substr(v_name, length('factory_telemetry.') + 1);
    END IF;
    PERFORM factory_telemetry._check_name(v_name, 'hypertable');
    IF NOT EXISTS (SELECT 1 FROM _timescaledb_catalog.hypertable h
                    WHERE h.schema_name = 'factory_telemetry' AND h.table_name = v_name) THEN
        RAISE EXCEPTION '% is not a hypertable of schema factory_telemetry', quote_literal(p_name)
            USING ERRCODE = 'undefined_table',
                  HINT = 'one of: ' || (SELECT string_agg(h.table_name::text, ', ' ORDER BY h.table_name)
                                          FROM _timescaledb_catalog.hypertable h
                                         WHERE h.schema_name = 'factory_telemetry');
    END IF;
    v_rel := to_regclass(format('factory_telemetry.%I', v_name));
    RETURN v_rel;
END
$$;

-- continuous aggregate name -> regclass
CREATE OR REPLACE FUNCTION factory_telemetry._resolve_cagg(p_name text)
RETURNS regclass LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_name text := p_name;
BEGIN
    IF v_name LIKE 'factory\_telemetry.%' THEN
        v_name := substr(v_name, length('factory_telemetry.') + 1);
    END IF;
    PERFORM factory_telemetry._check_name(v_name, 'continuous aggregate');
    IF NOT EXISTS (SELECT 1 FROM _timescaledb_catalog.continuous_agg ca
                    WHERE ca.user_view_schema = 'factory_telemetry' AND ca.user_view_name = v_name) THEN
        RAISE EXCEPTION '% is not a continuous aggregate of schema factory_telemetry', quote_literal(p_name)
            USING ERRCODE = 'undefined_table',
                  HINT = 'one of: ' || (SELECT string_agg(ca.user_view_name::text, ', ' ORDER BY ca.user_view_name)
                                          FROM _timescaledb_catalog.continuous_agg ca
                                         WHERE ca.user_view_schema = 'factory_telemetry');
    END IF;
    RETURN to_regclass(format('factory_telemetry.%I', v_name));
END
$$;

-- chunk name ('_hyper_1_2_chunk' or '_timescaledb_internal._hyper_1_2_chunk')
-- -> regclass, only for chunks of factory_telemetry hypertables
CREATE OR REPLACE FUNCTION factory_telemetry._resolve_chunk(p_chunk text)
RETURNS regclass LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_schema text;
    v_name text;
    v_owner text;
    v_chunk record;
BEGIN
    IF p_chunk IS NULL OR p_chunk !~ '^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'invalid chunk name: %', coalesce(quote_literal(p_chunk), 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'pass a chunk name as listed by factory_telemetry.v_chunks, e.g. _hyper_1_2_chunk';
    END IF;
    IF position('.' IN p_chunk) > 0 THEN
        v_schema := split_part(p_chunk, '.', 1);
        v_name := split_part(p_chunk, '.', 2);
    ELSE
        v_name := p_chunk;
    END IF;
    -- a chunk is an inheritance child of a hypertable (pg_inherits): no
    -- catalog column that differs between TimescaleDB versions is read
    -- (chunk.schema_name/table_name until 2.28, chunk.relid from 2.29), and
    -- dropped chunks (no table) are not found
    SELECT cl.oid AS rel, h.schema_name AS ht_schema, h.table_name AS ht_name
      INTO v_chunk
      FROM pg_class cl
      JOIN pg_namespace n ON n.oid = cl.relnamespace
      JOIN pg_inherits inh ON inh.inhrelid = cl.oid
      JOIN pg_class p ON p.oid = inh.inhparent
      JOIN pg_namespace pn ON pn.oid = p.relnamespace
      JOIN _timescaledb_catalog.hypertable h ON h.schema_name = pn.nspname AND h.table_name = p.relname
     WHERE cl.relname = v_name AND cl.relkind IN ('r', 'f')
       AND (v_schema IS NULL OR n.nspname = v_schema)
     ORDER BY (h.schema_name = 'factory_telemetry') DESC
     LIMIT 1;
    IF NOT FOUND AND coalesce(v_schema, '_timescaledb_internal') = '_timescaledb_internal'
       AND EXISTS (SELECT 1 FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace
                    WHERE cl.relname = v_name AND cl.relkind = 'r' AND n.nspname = '_timescaledb_internal') THEN
        -- a compressed-data chunk is no hypertable's inheritance child
        RAISE EXCEPTION 'chunk % belongs to no hypertable (a compressed-data relation?), not to a factory_telemetry hypertable', quote_literal(p_chunk)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'these routines only manage chunks of factory_telemetry hypertables; list them with: SELECT chunk FROM factory_telemetry.v_chunks';
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'chunk % does not exist', quote_literal(p_chunk)
            USING ERRCODE = 'undefined_table',
                  HINT = 'list chunks with: SELECT chunk FROM factory_telemetry.v_chunks';
    END IF;
    IF v_chunk.ht_schema <> 'factory_telemetry' THEN
        v_owner := format('%I.%I', v_chunk.ht_schema, v_chunk.ht_name);
        RAISE EXCEPTION 'chunk % belongs to %, not to a factory_telemetry hypertable', quote_literal(p_chunk), v_owner
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'these routines only manage chunks of factory_telemetry hypertables (compressed-data chunks included)';
    END IF;
    RETURN v_chunk.rel::regclass;
END
$$;

CREATE OR REPLACE FUNCTION factory_telemetry._retention_job(p_rel regclass)
RETURNS integer LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job integer;
    v_name text;
BEGIN
    SELECT c.relname INTO v_name FROM pg_class c WHERE c.oid = p_rel;
    SELECT j.job_id INTO v_job
      FROM timescaledb_information.jobs j
     WHERE j.proc_name = 'policy_retention'
       AND j.hypertable_schema = 'factory_telemetry' AND j.hypertable_name = v_name;
    IF v_job IS NULL THEN
        RAISE EXCEPTION 'hypertable factory_telemetry.% has no retention policy', v_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'create it with: SELECT add_retention_policy(''factory_telemetry.' || v_name || ''', interval ''...''), or re-run sql/deploy.sh';
    END IF;
    RETURN v_job;
END
$$;

-- ------------------------------------------------------------ compression
CREATE OR REPLACE FUNCTION factory_telemetry.compress_all_eligible_chunks(
    table_name text,
    older_than interval DEFAULT interval '7 days')
RETURNS TABLE (chunk_name text, range_start timestamptz, range_end timestamptz,
               action text, before_bytes bigint, after_bytes bigint)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_rel regclass;
    v_chunk regclass;
    v_info record;
BEGIN
    v_rel := factory_telemetry._resolve_hypertable(compress_all_eligible_chunks.table_name);
    PERFORM factory_telemetry._positive_interval(compress_all_eligible_chunks.older_than, 'older_than');
    -- compression_state until 2.28, hypertable.status & 4 from 2.29: the view says either
    IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables h
                    WHERE h.hypertable_schema = 'factory_telemetry'
                      AND h.hypertable_name = (SELECT c.relname FROM pg_class c WHERE c.oid = v_rel)
                      AND h.compression_enabled) THEN
        RAISE EXCEPTION 'compression is not enabled on %', v_rel
            USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 're-run sql/deploy.sh (step compression)';
    END IF;
    FOR v_chunk IN
        SELECT s.c FROM public.show_chunks(v_rel, older_than => compress_all_eligible_chunks.older_than) AS s(c)
    LOOP
        SELECT ch.chunk, ch.range_start, ch.range_end, ch.is_compressed, ch.is_partial, ch.chunk_id
          INTO v_info
          FROM factory_telemetry.v_chunks ch
         WHERE format('%I.%I', ch.chunk_schema, ch.chunk_name)::regclass = v_chunk;
        chunk_name := v_info.chunk;
        range_start := v_info.range_start;
        range_end := v_info.range_end;
        IF v_info.is_compressed AND NOT v_info.is_partial THEN
            action := 'already compressed';
        ELSE
            PERFORM public.compress_chunk(v_chunk, if_not_compressed => true);
            action := CASE WHEN v_info.is_partial THEN 'recompressed' ELSE 'compressed' END;
        END IF;
        SELECT s.uncompressed_heap_size + s.uncompressed_toast_size + s.uncompressed_index_size,
               s.compressed_heap_size + s.compressed_toast_size + s.compressed_index_size
          INTO before_bytes, after_bytes
          FROM _timescaledb_catalog.compression_chunk_size s
         WHERE s.chunk_id = v_info.chunk_id;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION factory_telemetry.compress_all_eligible_chunks(text, interval) IS
    'compress every chunk of a factory_telemetry hypertable whose range ends before now - older_than; one row per such chunk';

CREATE OR REPLACE FUNCTION factory_telemetry.compress_chunk_manual(chunk_name text)
RETURNS boolean LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_chunk regclass := factory_telemetry._resolve_chunk(chunk_name);
    v_status integer;
BEGIN
    v_status := _timescaledb_functions.chunk_status(v_chunk);
    IF (v_status & 1) = 1 AND (v_status & 8) = 0 THEN
        RAISE NOTICE 'chunk % is already compressed', v_chunk;
        RETURN false;
    END IF;
    PERFORM public.compress_chunk(v_chunk, if_not_compressed => true);
    RETURN true;
END
$$;
COMMENT ON FUNCTION factory_telemetry.compress_chunk_manual(text) IS
    'compress one chunk of a factory_telemetry hypertable; true if compressed now, false if it already was';

CREATE OR REPLACE FUNCTION factory_telemetry.decompress_chunk_manual(chunk_name text)
RETURNS boolean LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_chunk regclass := factory_telemetry._resolve_chunk(chunk_name);
    v_status integer;
BEGIN
    v_status := _timescaledb_functions.chunk_status(v_chunk);
    IF (v_status & 1) = 0 THEN
        RAISE NOTICE 'chunk % is not compressed', v_chunk;
        RETURN false;
    END IF;
    PERFORM public.decompress_chunk(v_chunk, if_compressed => true);
    RETURN true;
END
$$;
COMMENT ON FUNCTION factory_telemetry.decompress_chunk_manual(text) IS
    'decompress one chunk of a factory_telemetry hypertable; true if decompressed now, false if it was not compressed';

-- ------------------------------------------------------------ retention
CREATE OR REPLACE FUNCTION factory_telemetry.modify_retention_policy(
    p_hypertable_name text, p_new_interval interval)
RETURNS boolean LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_rel regclass := factory_telemetry._resolve_hypertable(p_hypertable_name);
    v_job integer;
    v_config jsonb;
    v_conflict text;
BEGIN
    PERFORM factory_telemetry._positive_interval(p_new_interval, 'new retention interval');
    v_job := factory_telemetry._retention_job(v_rel);
    -- continuous aggregates whose refresh window reaches past the new drop_after
    SELECT string_agg(format('%s (start_offset %s)', ca.user_view_name, j.config ->> 'start_offset'), ', ')
      INTO v_conflict
      FROM _timescaledb_catalog.continuous_agg ca
      JOIN _timescaledb_catalog.hypertable rh ON rh.id = ca.raw_hypertable_id
      JOIN timescaledb_information.jobs j ON j.proc_name = 'policy_refresh_continuous_aggregate'
                                          AND (j.config ->> 'mat_hypertable_id')::int = ca.mat_hypertable_id
     WHERE rh.schema_name = 'factory_telemetry'
       AND rh.table_name = (SELECT c.relname FROM pg_class c WHERE c.oid = v_rel)
       AND (j.config ->> 'start_offset')::interval >= p_new_interval;
    IF v_conflict IS NOT NULL THEN
        RAISE WARNING 'new drop_after % is inside the refresh window of %: a refresh after the next retention run deletes aggregated history',
            p_new_interval, v_conflict;
    END IF;
    SELECT j.config INTO v_config FROM timescaledb_information.jobs j WHERE j.job_id = v_job;
    PERFORM public.alter_job(v_job, config => jsonb_set(v_config, '{drop_after}', to_jsonb(p_new_interval::text)));
    RETURN true;
END
$$;
COMMENT ON FUNCTION factory_telemetry.modify_retention_policy(text, interval) IS
    'change drop_after of the retention policy of a factory_telemetry hypertable (same job, alter_job config)';

CREATE OR REPLACE FUNCTION factory_telemetry.disable_retention_policy(p_hypertable_name text)
RETURNS boolean LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job integer := factory_telemetry._retention_job(factory_telemetry._resolve_hypertable(p_hypertable_name));
    v_was boolean;
BEGIN
    SELECT j.scheduled INTO v_was FROM timescaledb_information.jobs j WHERE j.job_id = v_job;
    PERFORM public.alter_job(v_job, scheduled => false);
    RETURN v_was;   -- true: it was running and is paused now; false: it was already paused
END
$$;
COMMENT ON FUNCTION factory_telemetry.disable_retention_policy(text) IS
    'pause the retention job (alter_job scheduled => false); returns whether it was scheduled before';

CREATE OR REPLACE FUNCTION factory_telemetry.enable_retention_policy(p_hypertable_name text)
RETURNS boolean LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_job integer := factory_telemetry._retention_job(factory_telemetry._resolve_hypertable(p_hypertable_name));
    v_was boolean;
BEGIN
    SELECT j.scheduled INTO v_was FROM timescaledb_information.jobs j WHERE j.job_id = v_job;
    PERFORM public.alter_job(v_job, scheduled => true);
    RETURN NOT v_was;   -- true: it was paused and is scheduled now; false: it already was
END
$$;
COMMENT ON FUNCTION factory_telemetry.enable_retention_policy(text) IS
    'resume the retention job (alter_job scheduled => true); returns whether it was paused before';

-- ------------------------------------------------------------ continuous aggregates
-- A PROCEDURE, not a function: TimescaleDB's refresh_continuous_aggregate
-- commits internally and refuses to run inside a function or a transaction
-- block. Call it alone, in autocommit:
--   CALL factory_telemetry.refresh_continuous_aggregate('oee_hourly_aggregate', now() - interval '7 days', now());
-- No SET clause (a procedure with SET cannot run transaction control), and a
-- static CALL (a dynamic EXECUTE 'CALL ...' counts as "from a function").
CREATE OR REPLACE PROCEDURE factory_telemetry.refresh_continuous_aggregate(
    p_aggregate_name text,
    p_start_time timestamptz DEFAULT NULL,
    p_end_time timestamptz DEFAULT now())
LANGUAGE plpgsql AS $$
DECLARE
    v_rel regclass := factory_telemetry._resolve_cagg(p_aggregate_name);
BEGIN
    IF p_start_time IS NOT NULL AND p_end_time IS NOT NULL AND p_start_time >= p_end_time THEN
        RAISE EXCEPTION 'refresh window is empty: start % >= end %', p_start_time, p_end_time
            USING ERRCODE = 'invalid_parameter_value', HINT = 'start must be before end; NULL means open';
    END IF;
    CALL public.refresh_continuous_aggregate(v_rel, p_start_time, p_end_time);
END
$$;
COMMENT ON PROCEDURE factory_telemetry.refresh_continuous_aggregate(text, timestamptz, timestamptz) IS
    'refresh a factory_telemetry continuous aggregate over [start, end); CALL it in autocommit, never in a transaction';
