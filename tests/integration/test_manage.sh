#!/bin/sh
# Integration: the changing headless commands of the real binary (compress,
# decompress, job, maintenance, archive) and the man page, against the
# embedded TimescaleDB (TSDBTOP_TSDB). Every effect is checked against the
# server with psql (chunk status before and after, job scheduled, row
# counts). Objects of our own in schema manage_test, dropped afterwards.
# Prints "ok - name" / "not ok - name" lines. Run from tests/integration/run.sh
# (after the C tests and test_headless.sh).
set -u
cd "$(dirname "$0")/../.."
TOPDIR=$(pwd)
BIN=${TSDBTOP_BIN:-build/tsdbtop}
case $BIN in /*) ;; *) BIN=$TOPDIR/$BIN ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-manage.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
# Our own state and config directories: the action log goes to $T/state.
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
FAILS=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; FAILS=$((FAILS + 1)); [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'; return 0; }
verdict() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2" "$(head -c 2000 "$T/out" "$T/err" 2>/dev/null)"; fi; }
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; }
one_err_line() { [ "$(wc -l <"$T/err")" -eq 1 ] && [ ! -s "$T/out" ]; }
py() { python3 -c "$1" "$T/out"; }
no_esc() { ! grep -q "$(printf '\033')" "$T/out" "$T/err"; }
DEAD="host=127.0.0.1 port=1 connect_timeout=5"

if [ ! -x "$BIN" ]; then nok "binary $BIN exists"; exit 1; fi

# ---- help, bad usage, the man page (no server) -------------------------------------------
for c in compress decompress job maintenance archive; do
  run "$BIN" $c --help
  [ "$RC" -eq 0 ] && grep -q "^Usage: tsdbtop $c" "$T/out" && grep -q 'Exit 0' "$T/out"
  verdict $? "$c --help: exit 0, usage and exit codes on stdout"
done
run "$BIN" --help
r=0; for c in compress decompress job maintenance archive; do grep -q "^  $c " "$T/out" || r=1; done
[ "$RC" -eq 0 ] && [ "$r" -eq 0 ]
verdict $? "--help lists compress, decompress, job, maintenance, archive"
run "$BIN" compress
[ "$RC" -eq 2 ] && one_err_line
verdict $? "compress without a table: exit 2, one line"
run "$BIN" compress some_table --older-than '3 fortnights'
[ "$RC" -eq 2 ] && one_err_line && grep -q "^tsdbtop compress: --older-than: '3 fortnights' is not a positive interval" "$T/err"
verdict $? "compress --older-than malformed: exit 2, one line"
run "$BIN" compress some_table --bogus
[ "$RC" -eq 2 ] && one_err_line && grep -q '^tsdbtop compress: --bogus: unknown option' "$T/err"
verdict $? "compress unknown flag: exit 2, one line naming the command"
run "$BIN" decompress
[ "$RC" -eq 2 ] && one_err_line
verdict $? "decompress without a chunk: exit 2, one line"
run "$BIN" job frob 1
[ "$RC" -eq 2 ] && one_err_line && grep -q "'frob' is not run, pause or resume" "$T/err"
verdict $? "job frob: exit 2, one line"
run "$BIN" job run 12x
[ "$RC" -eq 2 ] && one_err_line && grep -q "'12x' is not a job id" "$T/err"
verdict $? "job run 12x: exit 2, one line"
run "$BIN" job run
[ "$RC" -eq 2 ] && one_err_line
verdict $? "job run without an id: exit 2, one line"
run "$BIN" maintenance extra args
[ "$RC" -eq 2 ] && one_err_line
verdict $? "maintenance with two arguments: exit 2, one line"
run "$BIN" archive some_chunk
[ "$RC" -eq 2 ] && one_err_line && grep -q -- '--out FILE is required' "$T/err"
verdict $? "archive without --out: exit 2, one line"
run "$BIN" archive some_chunk --out "$T/p.parquet" --format parquet "$DEAD"
[ "$RC" -eq 2 ] && one_err_line && grep -q -- '--format parquet is not supported: the only format is csv' "$T/err" && ! ls "$T"/p.parquet* >/dev/null 2>&1
verdict $? "archive --format parquet: exit 2, one line, no file"

if groff -man -Tutf8 -z -w all tui/tsdbtop.1 >"$T/out" 2>&1 && [ ! -s "$T/out" ]; then
  ok "tsdbtop.1: groff -man -w all reports nothing"
else
  nok "tsdbtop.1: groff -man -w all reports nothing" "$(cat "$T/out")"
fi
if command -v mandoc >/dev/null 2>&1; then
  mandoc -T lint -W error tui/tsdbtop.1 >"$T/out" 2>&1
  verdict $? "tsdbtop.1: mandoc -T lint finds no error"
fi
groff -man -Tutf8 tui/tsdbtop.1 2>/dev/null | sed 's/.\x08//g' >"$T/man.txt"
r=0
for c in check health metrics jobs retention refresh compress decompress job maintenance archive deploy; do
  grep -q "^       $c" "$T/man.txt" || { echo "# man page lacks $c"; r=1; }
done
for k in read_only log_file statement_timeout backlog_warn overdue_grace order cycle; do
  grep -q "^$k  *= \|^ *$k  *= " "$T/man.txt" || { echo "# man page lacks config key $k"; r=1; }
done
grep -q 'EXIT STATUS' "$T/man.txt" && grep -q 'XDG_CONFIG_HOME' "$T/man.txt" && grep -q 'NO_COLOR' "$T/man.txt" || r=1
[ "$r" -eq 0 ]
verdict $? "tsdbtop.1 covers every command, the config keys, exit status, files, environment"
# the config keys of the man page = the keys of the config table (by name)
keys=$(sed -n '/^ *\[console\]/,/^ *overdue_grace/p' "$T/man.txt" | sed -n 's/^ *\([a-z_]*\)  *=.*/\1/p' | sort | tr '\n' ' ')
src=$(sed -n 's/^\t{ "[a-z]*", "\([a-z_]*\)", K_.*/\1/p' tui/core/config.c | sort | tr '\n' ' ')
[ -n "$src" ] && [ "$keys" = "$src" ]
verdict $? "tsdbtop.1: every key of tui/core/config.c, no other"

# ---- unreachable server -------------------------------------------------------------------
for c in "compress some_table" "decompress some_chunk" "job pause 1" "maintenance --plan"; do
  # shellcheck disable=SC2086
  run "$BIN" $c "$DEAD"
  [ "$RC" -eq 3 ] && one_err_line && grep -q 'cannot connect' "$T/err"
  verdict $? "$c, no server: exit 3, one line: cannot connect"
done
run "$BIN" archive some_chunk --out "$T/dead.csv" "$DEAD"
[ "$RC" -eq 3 ] && one_err_line && ! ls "$T"/dead.csv* >/dev/null 2>&1
verdict $? "archive, no server: exit 3, one line, no file"

# ---- native PostgreSQL 15 (no TimescaleDB) ---------------------------------------------------
PG=${TSDBTOP_PG15:-}
if [ -n "$PG" ]; then
  for c in "compress some_table" "decompress some_chunk" "job run 1" "maintenance --plan" "archive some_chunk --out $T/pg.csv"; do
    # shellcheck disable=SC2086
    run "$BIN" $c "$PG"
    [ "$RC" -eq 1 ] && one_err_line && grep -q 'TimescaleDB is not installed in database' "$T/err" && ! ls "$T"/pg.csv* >/dev/null 2>&1
    verdict $? "PG15 $c: exit 1, one line: not installed"
  done
else
  nok "TSDBTOP_PG15 is set"
fi

# ---- embedded TimescaleDB -------------------------------------------------------------------
DB=${TSDBTOP_TSDB:-}
if [ -z "$DB" ]; then nok "TSDBTOP_TSDB is set"; exit 1; fi
q() { psql -X -At -v ON_ERROR_STOP=1 "$DB" -c "$1"; }

if psql -X -q -v ON_ERROR_STOP=1 "$DB" >"$T/setup.log" 2>&1 <<'SQL'
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS manage_test CASCADE;
CREATE SCHEMA manage_test;
-- 20 days in 1-day chunks, a compression policy of 2 days: a backlog
CREATE TABLE manage_test.readings (ts timestamptz NOT NULL, dev int NOT NULL, v float8);
SELECT create_hypertable('manage_test.readings', by_range('ts', interval '1 day'));
ALTER TABLE manage_test.readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'dev');
INSERT INTO manage_test.readings SELECT t, d, d FROM generate_series(now() - interval '20 days', now(), interval '1 hour') t,
  generate_series(1, 2) d;
SELECT add_compression_policy('manage_test.readings', interval '2 days');
-- compression enabled, no policy (the default window: 7 days)
CREATE TABLE manage_test.nopol (ts timestamptz NOT NULL, v float8);
SELECT create_hypertable('manage_test.nopol', by_range('ts', interval '1 day'));
ALTER TABLE manage_test.nopol SET (timescaledb.compress);
INSERT INTO manage_test.nopol SELECT t, 1 FROM generate_series(now() - interval '12 days', now(), interval '2 hours') t;
-- integer time
CREATE TABLE manage_test.intt (t bigint NOT NULL, v float8);
SELECT create_hypertable('manage_test.intt', by_range('t', 100));
ALTER TABLE manage_test.intt SET (timescaledb.compress);
INSERT INTO manage_test.intt SELECT g, 1 FROM generate_series(1, 500) g;
-- a name with ESC, a newline and a quote
SELECT format('CREATE TABLE manage_test.%I (ts timestamptz NOT NULL, v float8)', E'ev"il\x1b[31m\nname') \gexec
SELECT create_hypertable(format('manage_test.%I', E'ev"il\x1b[31m\nname')::regclass, by_range('ts', interval '1 day'));
SELECT format('ALTER TABLE manage_test.%I SET (timescaledb.compress)', E'ev"il\x1b[31m\nname') \gexec
SELECT format('INSERT INTO manage_test.%I SELECT t, 1 FROM generate_series(now() - interval ''10 days'', now(), interval ''6 hours'') t',
  E'ev"il\x1b[31m\nname') \gexec
CREATE TABLE manage_test.plain (x int);
-- 241 one-hour chunks: a run long enough to be stopped
CREATE TABLE manage_test.big (ts timestamptz NOT NULL, v float8);
SELECT create_hypertable('manage_test.big', by_range('ts', interval '1 hour'));
ALTER TABLE manage_test.big SET (timescaledb.compress);
INSERT INTO manage_test.big SELECT t, 1 FROM generate_series(now() - interval '20 days', now() - interval '10 days', interval '10 minutes') t;
SQL
then ok "test objects created (schema manage_test)"
else nok "test objects created (schema manage_test)" "$(cat "$T/setup.log")"; exit 1
fi
trap 'q "DROP SCHEMA IF EXISTS manage_test CASCADE" >/dev/null 2>&1; rm -rf "$T"' EXIT

TBL=manage_test.readings
# chunks of a hypertable: "schema.name status" lines, oldest first
chunks() { psql -X -At -F ' ' "$DB" -v t="$1" <<'SQL'
SELECT format('%s.%s', c.chunk_schema, c.chunk_name), CASE WHEN c.is_compressed THEN 'C' ELSE 'U' END
FROM timescaledb_information.chunks c
WHERE format('%I.%I', c.hypertable_schema, c.hypertable_name)::regclass = :'t'::regclass ORDER BY c.range_start
SQL
}
# uncompressed chunks older than INTERVAL (show_chunks), oldest first
eligible() { psql -X -At "$DB" -v t="$1" -v i="$2" <<'SQL'
SELECT format('%s.%s', c.chunk_schema, c.chunk_name)
FROM show_chunks(:'t'::regclass, older_than => :'i'::interval) s
JOIN timescaledb_information.chunks c ON format('%I.%I', c.chunk_schema, c.chunk_name)::regclass = s
WHERE NOT c.is_compressed ORDER BY c.range_start
SQL
}
compressed() { chunks "$1" | awk '$2 == "C" { print $1 }'; }

chunks $TBL >"$T/before"
eligible $TBL '2 days' >"$T/eligible"
N=$(wc -l <"$T/eligible")
[ "$N" -ge 15 ] && [ "$(wc -l <"$T/before")" -gt "$N" ] && [ -z "$(compressed $TBL)" ]
verdict $? "our hypertable: $N chunks past compress_after, newer ones too, none compressed"

# ---- compress --------------------------------------------------------------------------------
run "$BIN" compress $TBL --dry-run "$DB"
[ "$RC" -eq 0 ] && [ "$(grep -c '^SELECT "public".compress_chunk(\$1::regclass, if_not_compressed => true);$' "$T/out")" -eq "$N" ] &&
  grep -q "^-- dry run: Compress $TBL: $N chunks past compress_after (2 days)" "$T/out" &&
  [ "$(sed -n "s/^-- \\\$1 = '\(.*\)'\$/\1/p" "$T/out")" = "$(cat "$T/eligible")" ] &&
  chunks $TBL | cmp -s - "$T/before"
verdict $? "compress --dry-run: one compress_chunk(\$1::regclass) per eligible chunk, oldest first; nothing changed"
run "$BIN" compress $TBL --dry-run --json "$DB"
[ "$RC" -eq 0 ] && py "
import json,sys
d=json.load(open(sys.argv[1]))
assert d['command']=='compress' and d['dry_run'] is True and d['action']=='compress' and d['target']=='$TBL'
assert [s['params'][0] for s in d['steps']]==open('$T/eligible').read().split()
assert all('state' not in s and s['sql'].startswith('SELECT \"public\".compress_chunk(\$1::regclass') for s in d['steps'])
" && chunks $TBL | cmp -s - "$T/before"
verdict $? "compress --dry-run --json: steps with sql and params, nothing changed"

run "$BIN" compress $TBL --read-only "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'read-only mode' "$T/err" && chunks $TBL | cmp -s - "$T/before"
verdict $? "compress --read-only: exit 1, one line, nothing changed"
mkdir -p "$T/config/tsdbtop" && printf '[console]\nread_only = yes\n' >"$T/config/tsdbtop/config"
run "$BIN" compress $TBL "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'read-only mode' "$T/err" && chunks $TBL | cmp -s - "$T/before"
verdict $? "compress with read_only = yes in the config file: exit 1, nothing changed"
run "$BIN" compress $TBL --dry-run "$DB"
[ "$RC" -eq 0 ] && chunks $TBL | cmp -s - "$T/before"
verdict $? "compress --dry-run in read-only mode: the plan is printed, nothing changed"
rm -f "$T/config/tsdbtop/config"

run "$BIN" compress $TBL "$DB"
[ "$RC" -eq 0 ] && [ ! -s "$T/err" ] && compressed $TBL | cmp -s - "$T/eligible" &&
  grep -q "^Compress $TBL: $N chunks past compress_after" "$T/out" &&
  [ "$(grep -c "^[0-9]*/$N chunks  compress _timescaledb_internal\.[a-z_0-9]*: ok (" "$T/out")" -eq "$N" ] &&
  grep -q "^$N/$N chunks " "$T/out" && tail -1 "$T/out" | grep -q "^Compress $TBL: $N/$N steps, finished"
verdict $? "compress: exactly the $N eligible chunks are compressed now, one progress line each ($N/$N)"
[ "$(chunks $TBL | awk '$2 == "U"' | wc -l)" -eq $(($(wc -l <"$T/before") - N)) ]
verdict $? "compress: the newer chunks are still uncompressed"
python3 - "$T/state/tsdbtop/actions.log" "$TBL" "$N" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
mine = [e for e in ev if e["target"] == sys.argv[2] and e["action"] == "compress"]
start = max(i for i, e in enumerate(mine) if e["event"] == "start")
run = mine[start:]
assert sum(1 for e in run if e["event"] == "step") == int(sys.argv[3]), run
assert run[-1]["event"] == "done"
assert any(e["event"] == "refused" and "read-only" in e["result"] for e in mine[:start])
PY
verdict $? "compress: the action log has the read-only refusals, then start, $N steps, done (JSON lines)"
run "$BIN" compress $TBL "$DB"
[ "$RC" -eq 0 ] && grep -q '^nothing to compress' "$T/out" && [ ! -s "$T/err" ]
verdict $? "compress again: exit 0, nothing to compress"

NP=manage_test.nopol
eligible $NP '7 days' >"$T/np7"
run "$BIN" compress $NP --dry-run --json "$DB"
[ "$RC" -eq 0 ] && py "
import json,sys
d=json.load(open(sys.argv[1]))
assert [s['params'][0] for s in d['steps']]==open('$T/np7').read().split(), d
assert '7 days' in d['effect'] and 'no compression policy' in d['effect']
" && [ -s "$T/np7" ] && [ -z "$(compressed $NP)" ]
verdict $? "compress without a policy: the default window is 7 days ($(wc -l <"$T/np7") chunks), dry run"
eligible $NP '5 days' >"$T/np5"
run "$BIN" compress $NP --older-than 5d --json "$DB"
[ "$RC" -eq 0 ] && compressed $NP | cmp -s - "$T/np5" && py "
import json,sys
d=json.load(open(sys.argv[1]))
assert d['ok'] is True and d['done']==d['total']==$(wc -l <"$T/np5") and d['dry_run'] is False
assert all(s['state']=='done' and s['seconds'] is not None for s in d['steps'])
"
verdict $? "compress --older-than 5d --json: exactly the chunks older than 5 days, ok, every step done"

run "$BIN" compress manage_test.no_such_table "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'does not exist' "$T/err"
verdict $? "compress an unknown table: exit 1, one line"
run "$BIN" compress manage_test.plain "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'is not a hypertable' "$T/err"
verdict $? "compress a plain table: exit 1, one line: not a hypertable"
run "$BIN" compress manage_test.intt --older-than 1d "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'integer time column' "$T/err" && [ -z "$(compressed manage_test.intt)" ]
verdict $? "compress an integer-time hypertable with --older-than: exit 1, one line, nothing changed"

EVIL=$(q "SELECT format('manage_test.%I', E'ev\"il\\x1b[31m\\nname')")
EVN=$(eligible "$EVIL" '3 days' | wc -l)
run "$BIN" compress "$EVIL" --older-than 3d "$DB"
[ "$RC" -eq 0 ] && no_esc && [ "$(wc -l <"$T/out")" -eq $((EVN + 2)) ] &&
  grep -q '^Compress manage_test."ev""il?\[31m?name": ' "$T/out" && [ "$(compressed "$EVIL" | wc -l)" -eq "$EVN" ]
verdict $? "compress a name with a quote, ESC and a newline: done, every line sanitised"
run "$BIN" compress "$(printf 'manage_test."no\033[31msuch"')" "$DB"
[ "$RC" -eq 1 ] && one_err_line && no_esc && grep -q 'no?\[31msuch' "$T/err"
verdict $? "compress an unknown name with ESC: exit 1, one sanitised line"

# SIGINT stops a run: no further step; what was reported done is what the server has
BIG=manage_test.big
TOTAL=$(eligible $BIG '1 day' | wc -l)
"$BIN" compress $BIG --older-than 1d "$DB" >"$T/out" 2>"$T/err" &
P=$!
i=0
while [ "$(grep -c ' chunks  compress ' "$T/out")" -lt 5 ] && [ $i -lt 400 ] && kill -0 $P 2>/dev/null; do
  sleep 0.05; i=$((i + 1))
done
kill -INT $P 2>/dev/null
wait $P
RC=$?
done_n=$(sed -n "s/^Compress $BIG: \([0-9]*\)\/$TOTAL steps, stopped by the operator.*/\1/p" "$T/out")
[ "$RC" -eq 1 ] && [ -n "$done_n" ] && [ "$done_n" -lt "$TOTAL" ] && [ "$(compressed $BIG | wc -l)" -eq "$done_n" ] &&
  grep -q 'stopping: the statement in flight is cancelled' "$T/err"
verdict $? "compress stopped by SIGINT: exit 1, ${done_n:-?}/$TOTAL reported done = compressed on the server"

# ---- decompress -------------------------------------------------------------------------------
C1=$(head -1 "$T/eligible")
chunks $TBL >"$T/before"
run "$BIN" decompress "$C1" --dry-run "$DB"
[ "$RC" -eq 0 ] && grep -q '^SELECT "public".decompress_chunk(\$1::regclass, if_compressed => true);$' "$T/out" &&
  chunks $TBL | cmp -s - "$T/before"
verdict $? "decompress --dry-run: prints decompress_chunk(\$1::regclass), nothing changed"
run "$BIN" decompress "$C1" "$DB"
[ "$RC" -eq 0 ] && [ "$(chunks $TBL | awk -v c="$C1" '$1 == c { print $2 }')" = U ] &&
  [ "$(compressed $TBL | wc -l)" -eq $((N - 1)) ] && grep -q "^1/1 chunk  decompress $C1: ok" "$T/out"
verdict $? "decompress CHUNK: that chunk (only) is uncompressed now"
run "$BIN" decompress "$C1" "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'is not compressed' "$T/err"
verdict $? "decompress an uncompressed chunk: exit 1, one line"
run "$BIN" decompress $TBL "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'is not a chunk' "$T/err"
verdict $? "decompress a hypertable: exit 1, one line: not a chunk"

# ---- job ----------------------------------------------------------------------------------------
JOB=$(q "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression' AND hypertable_schema = 'manage_test' AND hypertable_name = 'readings'")
sched() { q "SELECT scheduled FROM timescaledb_information.jobs WHERE job_id = $JOB"; }
run "$BIN" job pause "$JOB" --dry-run "$DB"
[ "$RC" -eq 0 ] && grep -q '^SELECT "public".alter_job(\$1::int, scheduled => false);$' "$T/out" && [ "$(sched)" = t ]
verdict $? "job pause --dry-run: prints alter_job(\$1::int, scheduled => false), still scheduled"
run "$BIN" job pause "$JOB" "$DB"
[ "$RC" -eq 0 ] && [ "$(sched)" = f ] && grep -q "^1/1 step  pause job $JOB: ok" "$T/out"
verdict $? "job pause ID: the job is paused"
run "$BIN" job pause "$JOB" "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'already paused' "$T/err"
verdict $? "job pause a paused job: exit 1, one line"
run "$BIN" job resume "$JOB" --json "$DB"
[ "$RC" -eq 0 ] && [ "$(sched)" = t ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert d["ok"] and d["action"]=="job-resume" and d["steps"][0]["state"]=="done"'
verdict $? "job resume ID --json: the job is scheduled again"
run "$BIN" job run "$JOB" "$DB"
[ "$RC" -eq 0 ] && grep -q 'CALL run_job runs the job here' "$T/out" && grep -q "^1/1 step  run job $JOB in this session with CALL run_job: ok" "$T/out" &&
  grep -q "^Run now job $JOB: ran in this session with CALL run_job (" "$T/out" &&
  [ "$(chunks $TBL | awk -v c="$C1" '$1 == c { print $2 }')" = C ]
verdict $? "job run ID: says CALL run_job (no scheduler), and the policy compressed the decompressed chunk again"
run "$BIN" job run 999999 "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'there is no job 999999' "$T/err"
verdict $? "job run of an unknown id: exit 1, one line"

# ---- maintenance ----------------------------------------------------------------------------
fingerprint() { q "SELECT (SELECT count(*) FROM timescaledb_information.chunks WHERE is_compressed),
  (SELECT sum(c.reltuples) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('manage_test', '_timescaledb_internal')),
  (SELECT string_agg(w.watermark::text, ',' ORDER BY w.mat_hypertable_id) FROM _timescaledb_catalog.continuous_aggs_watermark w)"; }
f0=$(fingerprint)
run "$BIN" maintenance --plan "$DB"
[ "$RC" -eq 0 ] && grep -q '^Maintenance database ' "$T/out" && grep -q '^ *[0-9]*\. ANALYZE manage_test.nopol$' "$T/out" &&
  tail -1 "$T/out" | grep -q '^plan only: nothing changed$' && [ "$(fingerprint)" = "$f0" ]
verdict $? "maintenance --plan: lists the steps (ANALYZE of our new hypertable), nothing changed"
run "$BIN" maintenance --dry-run "$DB"
[ "$RC" -eq 0 ] && grep -q '^ANALYZE "manage_test"."nopol";$' "$T/out" && [ "$(fingerprint)" = "$f0" ]
verdict $? "maintenance --dry-run: ANALYZE with the identifier quoted, nothing changed"
run "$BIN" maintenance --plan --json "$DB"
[ "$RC" -eq 0 ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert d["action"]=="maintenance" and d["dry_run"] and len(d["steps"])>=1' && [ "$(fingerprint)" = "$f0" ]
verdict $? "maintenance --plan --json: the steps, nothing changed"
tp=$(q "SELECT reltuples FROM pg_class WHERE oid = 'manage_test.nopol'::regclass")
run "$BIN" maintenance "$DB"
[ "$RC" -eq 0 ] && tail -1 "$T/out" | grep -q '^Maintenance database .*: \([0-9]*\)/\1 steps, finished' &&
  [ "$(q "SELECT reltuples >= 0 FROM pg_class WHERE oid = 'manage_test.nopol'::regclass")" = t ] && [ "$tp" = -1 ]
verdict $? "maintenance: every step done; our hypertable has statistics now"

# ---- archive --------------------------------------------------------------------------------------
U1=$(chunks $TBL | awk '$2 == "U" { print $1 }' | tail -2 | head -1)
rows() { q "SELECT count(*) FROM $1"; }
csv_rows() { python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]))); print(len(r)-1 if r and r[0]==["ts","dev","v"] else -1)' "$1"; }
run "$BIN" archive "$U1" --out "$T/u1.csv" "$DB"
n=$(rows "$U1")
[ "$RC" -eq 0 ] && [ "$n" -gt 0 ] && [ "$(csv_rows "$T/u1.csv")" = "$n" ] && ! ls "$T"/u1.csv.tmp* >/dev/null 2>&1 &&
  grep -q "^archived $U1 ($TBL): $n rows, " "$T/out"
verdict $? "archive an uncompressed chunk: a CSV with a header and count(*) = $n rows"
run "$BIN" archive "$C1" --out "$T/c1.csv" --format csv --json "$DB"
n=$(rows "$C1")
[ "$RC" -eq 0 ] && [ "$(csv_rows "$T/c1.csv")" = "$n" ] && py "
import json,sys
d=json.load(open(sys.argv[1])); assert d['rows']==$n and d['format']=='csv' and d['hypertable_name']=='readings' and d['bytes']>0"
verdict $? "archive a compressed chunk --json: rows = count(*) = $n"
echo old >"$T/keep.csv"
run "$BIN" archive manage_test.no_such_chunk --out "$T/keep.csv" "$DB"
[ "$RC" -eq 1 ] && one_err_line && [ "$(cat "$T/keep.csv")" = old ] && ! ls "$T"/keep.csv.* >/dev/null 2>&1
verdict $? "archive a bad chunk name: exit 1, one line, FILE untouched, no temp file"
run "$BIN" archive manage_test.plain --out "$T/keep.csv" "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'is not a chunk' "$T/err" && [ "$(cat "$T/keep.csv")" = old ] && ! ls "$T"/keep.csv.* >/dev/null 2>&1
verdict $? "archive a plain table: exit 1, one line, FILE untouched, no temp file"
run "$BIN" archive "$U1" --out "$T/p.parquet" --format parquet "$DB"
[ "$RC" -eq 2 ] && one_err_line && ! ls "$T"/p.parquet* >/dev/null 2>&1
verdict $? "archive --format parquet: exit 2, one line, no file"
echo busy >"$T/keep.csv.tmp"
run "$BIN" archive "$U1" --out "$T/keep.csv" "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'keep.csv.tmp exists' "$T/err" && [ "$(cat "$T/keep.csv")" = old ] && [ "$(cat "$T/keep.csv.tmp")" = busy ]
verdict $? "archive when FILE.tmp exists: exit 1, one line, neither file touched"
rm -f "$T/keep.csv.tmp"
run "$BIN" archive "$U1" --out "$T/keep.csv" --dry-run "$DB"
[ "$RC" -eq 0 ] && grep -q '^COPY (SELECT \* FROM "_timescaledb_internal"."[a-z_0-9]*") TO STDOUT WITH (FORMAT csv, HEADER);$' "$T/out" &&
  [ "$(cat "$T/keep.csv")" = old ]
verdict $? "archive --dry-run: prints the COPY with the quoted name, FILE untouched"
run "$BIN" archive "$U1" --out "$T/keep.csv" "$DB"
[ "$RC" -eq 0 ] && [ "$(csv_rows "$T/keep.csv")" = "$(rows "$U1")" ] && ! ls "$T"/keep.csv.tmp >/dev/null 2>&1
verdict $? "archive over an existing FILE: replaced whole (renamed from FILE.tmp)"
# a write that fails half-way (file size limit 0, SIGXFSZ ignored): stderr
# through a pipe, which the limit does not apply to
echo old >"$T/keep.csv"
{ sh -c 'trap "" XFSZ; ulimit -f 0; exec "$@"' sh "$BIN" archive "$U1" --out "$T/keep.csv" "$DB" 2>&1 >/dev/null; echo $? >"$T/rc"; } |
  cat >"$T/err"
: >"$T/out"
RC=$(cat "$T/rc")
[ "$RC" -eq 1 ] && one_err_line && grep -q 'cannot write: File too large (nothing written to ' "$T/err" &&
  [ "$(cat "$T/keep.csv")" = old ] && ! ls "$T"/keep.csv.tmp >/dev/null 2>&1
verdict $? "archive when writing fails: exit 1, one line, FILE untouched, the temp file removed"
EC=$(chunks "$EVIL" | head -1 | cut -d' ' -f1)
run "$BIN" archive "$EC" --out "$T/evil.csv" "$DB"
[ "$RC" -eq 0 ] && no_esc && [ "$(wc -l <"$T/out")" -eq 1 ] && grep -q '(manage_test.ev"il?\[31m?name)' "$T/out" &&
  [ "$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1]))))-1)' "$T/evil.csv")" = "$(q "SELECT count(*) FROM $EC")" ]
verdict $? "archive a chunk of a hypertable named with a quote, ESC and a newline: one sanitised line, all rows"

[ "$FAILS" -eq 0 ]
