DO $$ BEGIN PERFORM 1; END $$;
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$
BEGIN
  RETURN 1; -- ; $$ inside
END
$body$;
SELECT $1::int, a$b, a$$b$$, $x$;$y$;$x$;
