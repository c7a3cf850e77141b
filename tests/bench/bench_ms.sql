-- pg_temp.bench_ms(query): the server-side time of one run of the query, in ms
-- (clock_timestamp() around EXECUTE in PL/pgSQL: planning, execution, every
-- result row computed; not the transfer to the client, which would cost the
-- same for both sides of a comparison). Not count(*) over the query: the
-- planner drops unused aggregates from such a subquery. Used by demo.sh and
-- seed.sh (psql -f tests/bench/bench_ms.sql -f -).
CREATE OR REPLACE FUNCTION pg_temp.bench_ms(q text) RETURNS float8 LANGUAGE plpgsql AS $f$
DECLARE t0 timestamptz;
BEGIN t0 := clock_timestamp(); EXECUTE q; RETURN 1000 * extract(epoch FROM clock_timestamp() - t0); END $f$;
