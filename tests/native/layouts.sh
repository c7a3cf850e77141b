#!/bin/sh
# tests/native/layouts.sh CONNINFO [VERSION]: the console's fast-path queries
# on this server's catalog layout (2.23-2.24: chunk.dropped, chunk_constraint
# table; 2.26: no dropped; 2.28: chunk_constraint a view over dimension_slice;
# 2.29: chunk.relid, compressed relations in compression_settings,
# compression enabled = hypertable.status & 4). Builds its own schema lay_chk
# (dropped first and at the end): lay_chk.m (1-day chunks over 10 days, some
# compressed, one of those partially, compression policy 3 days, retention
# policy 7 days, neither due for a day) and lay_chk.plain (no compression).
# Then every Chunks / Compression / Retention figure of `tsdbtop --once
# --json` for them must equal what TimescaleDB's own functions say
# (timescaledb_information.chunks, hypertable_compression_stats,
# show_chunks(older_than => ...), chunk_status()); every pane of --once must
# be ok; `check` must not say UNKNOWN for backlog/retention; the picked
# queries must not call a size function or an information view. When the
# MS5.0 layer is deployed, its v_chunks must list every factory_telemetry
# chunk. Prints "ok - ..." / "not ok - ..."; exit 1 on any failure.
# Needs psql and jq; BIN (default build/tsdbtop).
set -u
C=${1:?usage: layouts.sh CONNINFO [VERSION]}
V=${2:-}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$TOP/build/tsdbtop}
W=$(mktemp -d /tmp/tsdbtop-layouts.XXXXXX)
rc=0
ok() { echo "ok - ${V:+$V: }layouts: $*"; }
nok() { echo "not ok - ${V:+$V: }layouts: $*"; rc=1; }
psqlq() { psql -X -q -At -v ON_ERROR_STOP=1 "$C" "$@"; }
cleanup() {
  psqlq -c "DROP SCHEMA IF EXISTS lay_chk CASCADE" >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT INT TERM
# eq WHAT GOT EXPECTED
eq() { if [ "$2" = "$3" ]; then ok "$1 ($2)"; else nok "$1: tsdbtop says '$2', TimescaleDB '$3'"; fi; }

command -v jq >/dev/null 2>&1 || { nok "jq is missing"; exit 1; }
cleanup
mkdir -p "$W"

ver=$(psqlq -c "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'" 2>&1)
if [ -n "$V" ] && [ "$ver" != "$V" ]; then nok "server runs TimescaleDB '$ver', not $V"; exit 1; fi
ok "TimescaleDB $ver"

if ! psqlq >"$W/setup.log" 2>&1 <<'EOF'
SET client_min_messages = warning;
CREATE SCHEMA lay_chk;
CREATE TABLE lay_chk.m (t timestamptz NOT NULL, dev int NOT NULL, v double precision);
SELECT public.create_hypertable('lay_chk.m', 't', chunk_time_interval => interval '1 day');
INSERT INTO lay_chk.m SELECT g, d, random()
  FROM generate_series(date_trunc('day', now()) - interval '10 days', now(), interval '10 minutes') g,
       generate_series(1, 2) d;
ALTER TABLE lay_chk.m SET (timescaledb.compress, timescaledb.compress_segmentby = 'dev');
SELECT public.add_compression_policy('lay_chk.m', interval '3 days', initial_start => now() + interval '1 day');
SELECT public.add_retention_policy('lay_chk.m', interval '7 days', initial_start => now() + interval '1 day');
SELECT count(public.compress_chunk(c)) FROM public.show_chunks('lay_chk.m', older_than => now() - interval '5 days') c;
-- one row into the oldest (compressed) chunk: partially compressed
INSERT INTO lay_chk.m VALUES (date_trunc('day', now()) - interval '10 days' + interval '1 minute', 3, 0);
CREATE TABLE lay_chk.plain (t timestamptz NOT NULL, v int);
SELECT public.create_hypertable('lay_chk.plain', 't', chunk_time_interval => interval '1 day');
INSERT INTO lay_chk.plain SELECT g, 1 FROM generate_series(now() - interval '2 days', now(), interval '1 hour') g;
ANALYZE lay_chk.m;
ANALYZE lay_chk.plain;
EOF
then
  nok "fixture: $(tail -n 3 "$W/setup.log" | tr '\n' ' ')"; exit 1
fi
ok "fixture lay_chk built"

# ---- the queries the console picks for this server: fast path only -------
for qn in chunks compression retention jobs cache scheduler; do
  printf '/*@query %s@*/\n' "$qn" >"$W/step.sql"
  if ! sh "$TOP/sql/deploy.sh" --render "$W/step.sql" "$ver" >"$W/q.$qn.sql" 2>"$W/render.err"; then
    nok "query $qn: none for $ver: $(cat "$W/render.err")"; continue
  fi
  # (the cache query's pg_database_size runs at most once a minute per session:
  # the exact size, kept in a session setting between readings)
  if sed 's/--.*$//; s/pg_database_size[[:space:]]*(//g' "$W/q.$qn.sql" | grep -Eiq '[a-z_]+_size[[:space:]]*\(|timescaledb_information\.(chunks|hypertables|dimensions)|pg_statio_'; then
    nok "query $qn calls a size function or an information view"
  else
    ok "query $qn: catalog and relpages only"
  fi
done

# ---- the console's figures -------------------------------------------------
if ! "$BIN" --once --json "$C" >"$W/once.json" 2>"$W/once.err"; then
  nok "--once --json failed: $(head -c 300 "$W/once.err")"; exit 1
fi
for p in chunks compression retention jobs caggs cache; do
  st=$(jq -r ".panes.$p.status // \"missing\"" "$W/once.json")
  if [ "$st" = ok ]; then ok "pane $p ok"; else nok "pane $p: $st $(jq -r ".panes.$p.message // empty" "$W/once.json")"; fi
done
"$BIN" --once "$C" >"$W/once.txt" 2>&1
if grep -qi "query failed" "$W/once.txt"; then nok "--once: $(grep -i 'query failed' "$W/once.txt" | head -n 2 | tr '\n' ' ')"
else ok "--once: no query failed"; fi

# js PANE NAME FIELD: the field of lay_chk.NAME's row ("null" when none; false stays false)
js() { jq -r "[.panes.$1.rows[] | select(.schema == \"lay_chk\" and .name == \"$2\")][0].$3 | if . == null then \"null\" else tostring end" "$W/once.json"; }

# Chunks pane
info=$(psqlq -c "SELECT count(*), count(*) FILTER (WHERE is_compressed),
  count(*) FILTER (WHERE _timescaledb_functions.chunk_status(format('%I.%I', chunk_schema, chunk_name)::regclass) & 8 = 8),
  to_char(min(range_start) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
  to_char(max(range_end) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
  FROM timescaledb_information.chunks WHERE hypertable_schema = 'lay_chk' AND hypertable_name = 'm'" -F ' ')
set -- $info
eq "chunks: chunks of m" "$(js chunks m chunks)" "$1"
eq "chunks: compressed chunks of m" "$(js chunks m compressed)" "$2"
eq "chunks: uncompressed chunks of m" "$(js chunks m uncompressed)" "$(($1 - $2))"
eq "chunks: partially compressed chunks of m" "$(js chunks m partial)" "$3"
[ "$3" -ge 1 ] || nok "fixture: no partially compressed chunk"
eq "chunks: oldest start of m" "$(js chunks m oldest_start)" "$4"
eq "chunks: newest end of m" "$(js chunks m newest_end)" "$5"
eq "chunks: chunks of plain" "$(js chunks plain chunks)" \
  "$(psqlq -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'lay_chk' AND hypertable_name = 'plain'")"
for t in m plain; do
  eq "chunks: compression enabled on $t" "$(js chunks $t compression_enabled)" \
    "$(psqlq -c "SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_schema = 'lay_chk' AND hypertable_name = '$t'" | sed 's/^t$/true/;s/^f$/false/')"
done
stats=$(psqlq -F ' ' -c "SELECT number_compressed_chunks, before_compression_total_bytes, after_compression_total_bytes
                          FROM public.hypertable_compression_stats('lay_chk.m')")
set -- $stats
eq "chunks: bytes before compression of m" "$(js chunks m before_bytes)" "$2"
eq "chunks: bytes after compression of m" "$(js chunks m after_bytes)" "$3"
est=$(js chunks m est_bytes)
if [ "$est" != null ] && [ "$est" -gt "$3" ]; then ok "chunks: size estimate of m ($est > compressed $3)"
else nok "chunks: size estimate of m is '$est' (compressed bytes alone $3)"; fi

# Compression pane
eq "compression: compressed chunks of m" "$(js compression m compressed_chunks)" "$1"
eq "compression: bytes before of m" "$(js compression m before_bytes)" "$2"
eq "compression: bytes after of m" "$(js compression m after_bytes)" "$3"
eq "compression: backlog of m (not compressed or partial, past 3 days)" "$(js compression m backlog)" \
  "$(psqlq -c "SELECT count(*) FROM public.show_chunks('lay_chk.m', older_than => now() - interval '3 days') c
                WHERE _timescaledb_functions.chunk_status(c) & 1 = 0 OR _timescaledb_functions.chunk_status(c) & 8 = 8")"
eq "compression: segmentby of m" "$(js compression m segmentby)" dev
if [ "$(js compression plain name)" = null ]; then ok "compression: plain not listed (compression off)"
else nok "compression: plain listed though compression is off"; fi

# Retention pane
job=$(js retention m job_id)
eq "retention: job of m" "$job" \
  "$(psqlq -c "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_schema = 'lay_chk'")"
eq "retention: chunks the next run drops" "$(js retention m drop_count)" \
  "$(psqlq -c "SELECT count(*) FROM public.show_chunks('lay_chk.m', older_than =>
        greatest((SELECT coalesce(s.next_start, j.next_start) FROM timescaledb_information.jobs j
                   LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id WHERE j.job_id = ${job:-0}),
                 now()) - interval '7 days')")"
rb=$(js retention m drop_bytes)
if [ "$rb" != null ] && [ "$rb" -gt 0 ]; then ok "retention: bytes the next run frees ($rb)"; else nok "retention: drop_bytes '$rb'"; fi

# Cache pane: the hypertable's relations were found
if [ "$(js cache m name)" = m ]; then ok "cache: m listed"; else nok "cache: m not listed"; fi

# check: backlog and retention known
"$BIN" check "$C" >"$W/check.txt" 2>&1
for k in backlog retention; do
  if grep -q "^\[UNKNOWN\] $k" "$W/check.txt"; then nok "check: $(grep "^\[UNKNOWN\] $k" "$W/check.txt")"
  elif grep -q "^\[[A-Z]*\] $k" "$W/check.txt"; then ok "check: $k known"
  else nok "check: no $k line: $(head -c 300 "$W/check.txt")"; fi
done

# MS5.0 layer, when deployed: v_chunks lists every chunk of it
if [ "$(psqlq -c "SELECT to_regclass('factory_telemetry.v_chunks') IS NOT NULL")" = t ]; then
  eq "MS5.0 v_chunks: every factory_telemetry chunk" \
    "$(psqlq -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE is_compressed) FROM factory_telemetry.v_chunks")" \
    "$(psqlq -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE is_compressed) FROM timescaledb_information.chunks
                  WHERE hypertable_schema = 'factory_telemetry'")"
fi
exit $rc
