-- Hostile names for the faults tier (tests/faults/tsdb.sh): hypertables and a
-- continuous aggregate whose names hold quotes, spaces, a backslash, printf
-- conversions, unicode, terminal escape sequences (clear screen, set window
-- title, bell), SQL text, and 63 bytes (NAMEDATALEN - 1). Identifiers are
-- made with format('%I'), so each name is exactly the text in the list.
-- A plain table "victim" must survive everything.
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS "hostile ""s""" CASCADE;
CREATE SCHEMA "hostile ""s""";
SET search_path = "hostile ""s""", public;
CREATE TABLE victim (x int);
INSERT INTO victim VALUES (1);

CREATE TABLE hostile_names (n int PRIMARY KEY, name text NOT NULL);
INSERT INTO hostile_names VALUES
  (1, 'it''s "quoted"'),
  (2, 'with space'),
  (3, 'back\slash'),
  (4, '%s%n%x%%'),
  (5, 'ünïcødé_测试_🙂'),
  (6, E'evil\x1b[2J\x1b]0;pwned\x07\x1b[31mred'),
  (7, 'x"; DROP TABLE victim; --'),
  (8, repeat('L', 63)),
  (9, repeat('é', 31) || 'z');   -- 63 bytes, multibyte

DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT n, name FROM hostile_names ORDER BY n LOOP
    EXECUTE format('CREATE TABLE %I (t timestamptz NOT NULL, dev int NOT NULL, v double precision)', r.name);
    PERFORM create_hypertable(format('%I', r.name)::regclass, by_range('t', interval '1 day'));
    EXECUTE format('ALTER TABLE %I SET (timescaledb.compress, timescaledb.compress_segmentby = ''dev'')', r.name);
    EXECUTE format('INSERT INTO %I SELECT t, (extract(epoch FROM t)::bigint %% 3)::int, random()
                    FROM generate_series(now() - interval ''6 days'', now(), interval ''1 hour'') t', r.name);
  END LOOP;
END $$;

-- a continuous aggregate with an escape sequence and a quote in its name
DO $$
BEGIN
  EXECUTE format('CREATE MATERIALIZED VIEW %I WITH (timescaledb.continuous) AS
                  SELECT time_bucket(interval ''1 hour'', t) AS bucket, dev, avg(v) AS v
                  FROM %I GROUP BY 1, 2 WITH NO DATA', E'cagg\x1b[2J''q', 'with space');
END $$;
RESET search_path;
