-- compress the chunks of every bench hypertable older than 4/5 of :hours
-- (psql variable, default 200: older than 160 hours, 40 of 200 each, 2,000
-- in all); one transaction per hypertable.
\if :{?hours}
\else
\set hours 200
\endif
SELECT format('SELECT count(compress_chunk(c, if_not_compressed => true)) FROM show_chunks(%L::regclass, older_than => now() - interval ''%s hours'') c',
              'bench.ht_' || lpad(i::text, 2, '0'), :hours * 4 / 5)
  FROM generate_series(1, 50) i
\gexec
