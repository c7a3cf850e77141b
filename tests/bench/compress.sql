-- compress the chunks older than 160 hours of every bench hypertable: 40 of
-- 200 each, 2,000 in all; one transaction per hypertable.
SELECT format('SELECT count(compress_chunk(c, if_not_compressed => true)) FROM show_chunks(%L::regclass, older_than => now() - interval ''160 hours'') c',
              'bench.ht_' || lpad(i::text, 2, '0'))
  FROM generate_series(1, 50) i
\gexec
