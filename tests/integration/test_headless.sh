#!/bin/sh
# Integration: the headless commands (--once, check, health, metrics, jobs,
# retention, refresh) of the real binary against the embedded TimescaleDB
# (TSDBTOP_TSDB: MS5.0 layer + fixtures/own_schema.sql) and native
# PostgreSQL 15 (TSDBTOP_PG15). JSON is read by a real parser (python3) and
# figures are checked against the database with psql.
# Prints "ok - name" / "not ok - name" lines. Run from tests/integration/run.sh
# after the C tests (it refreshes an aggregate and changes then restores a
# retention policy).
set -u
cd "$(dirname "$0")/../.."
BIN=${TSDBTOP_BIN:-build/tsdbtop}
T=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-headless.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
FAILS=0
ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; FAILS=$((FAILS + 1)); [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /'; return 0; }
# verdict STATUS NAME: ok when STATUS (the $? of the condition just run) is 0
verdict() { if [ "$1" -eq 0 ]; then ok "$2"; else nok "$2" "$(head -c 2000 "$T/out" "$T/err" 2>/dev/null)"; fi; }
# run: $T/out, $T/err, $RC
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; }
one_err_line() { [ "$(wc -l <"$T/err")" -eq 1 ] && [ ! -s "$T/out" ]; }
py() { python3 -c "$1" "$T/out"; }
# A port with nothing listening.
DEAD="host=127.0.0.1 port=1 connect_timeout=5"

if [ ! -x "$BIN" ]; then nok "binary $BIN exists"; exit 1; fi

# ---- bad input (no server needed) ------------------------------------------------
run "$BIN" frobnicate
[ "$RC" -eq 2 ] && one_err_line
verdict $? "unknown command: exit 2, one line on stderr"
run "$BIN" --once --bogus
[ "$RC" -eq 2 ] && one_err_line
verdict $? "unknown flag: exit 2, one line on stderr"
run "$BIN" metrics --bogus
[ "$RC" -eq 2 ] && one_err_line && grep -q '^tsdbtop metrics: --bogus: unknown option' "$T/err"
verdict $? "unknown flag of a command: exit 2, one line naming the command"
run "$BIN" --once --pane nope "$DEAD"
[ "$RC" -eq 2 ] && one_err_line
verdict $? "--pane unknown: exit 2, one line"
run "$BIN" --pane chunks
[ "$RC" -eq 2 ] && one_err_line
verdict $? "--pane without --once: exit 2"
run "$BIN" check --only nope
[ "$RC" -eq 3 ] && one_err_line
verdict $? "check --only unknown: exit 3 (Nagios UNKNOWN), one line"
run "$BIN" check --warn backlog=lots
[ "$RC" -eq 3 ] && one_err_line
verdict $? "check --warn malformed: exit 3, one line"
run "$BIN" check --warn backlog=60
[ "$RC" -eq 3 ] && one_err_line
verdict $? "check warning above critical: exit 3, one line"
run "$BIN" retention some_table --set '12 parsecs'
[ "$RC" -eq 2 ] && one_err_line
verdict $? "retention --set malformed interval: exit 2, one line"
run "$BIN" retention some_table --enable --disable
[ "$RC" -eq 2 ] && one_err_line
verdict $? "retention with two actions: exit 2, one line"
run "$BIN" refresh
[ "$RC" -eq 2 ] && one_err_line
verdict $? "refresh without an aggregate: exit 2, one line"
for c in check health metrics jobs retention refresh; do
  run "$BIN" $c --help
  [ "$RC" -eq 0 ] && grep -q "^Usage: tsdbtop $c" "$T/out"
  verdict $? "$c --help: exit 0, usage on stdout"
done
run "$BIN" --help
[ "$RC" -eq 0 ] && grep -q '^  check ' "$T/out" && grep -q '^  retention ' "$T/out"
verdict $? "--help lists every command"

# ---- unreachable server ------------------------------------------------------------
run "$BIN" check "$DEAD"
[ "$RC" -eq 3 ] && grep -q '^TSDBTOP UNKNOWN - cannot connect' "$T/out" && [ "$(wc -l <"$T/out")" -eq 1 ]
verdict $? "check, no server: exit 3, TSDBTOP UNKNOWN - cannot connect"
run "$BIN" --once "$DEAD"
[ "$RC" -eq 3 ] && one_err_line
verdict $? "--once, no server: exit 3, one line on stderr"
run "$BIN" metrics --json "$DEAD"
[ "$RC" -eq 3 ] && one_err_line
verdict $? "metrics, no server: exit 3, one line on stderr"

# ---- native PostgreSQL 15 (no TimescaleDB) -------------------------------------------
PG=${TSDBTOP_PG15:-}
if [ -n "$PG" ]; then
  run "$BIN" --once "$PG"
  [ "$RC" -eq 0 ] && [ "$(grep -c 'TimescaleDB is not installed in database' "$T/out")" -ge 5 ] && grep -q '^== Cache (ok' "$T/out"
  verdict $? "PG15 --once: exit 0, every TimescaleDB pane says not installed"
  run "$BIN" check --only backlog "$PG"
  [ "$RC" -eq 3 ] && grep -q '^TSDBTOP UNKNOWN - backlog: TimescaleDB is not installed in database postgres' "$T/out"
  verdict $? "PG15 check --only backlog: UNKNOWN (3), says not installed"
  run "$BIN" check --only cache --warn cache=1% --crit cache=0% "$PG"
  [ "$RC" -eq 0 ] && grep -q '^TSDBTOP OK - cache: .*| cache_hit=[0-9.]*%;1:;0:;0;100$' "$T/out"
  verdict $? "PG15 check --only cache works without TimescaleDB (OK with low thresholds)"
  run "$BIN" metrics --json "$PG"
  [ "$RC" -eq 0 ] && py "import json,sys; d=json.load(open(sys.argv[1])); assert d['timescaledb'] is None and d['db_bytes']>0 and d['version']==1" &&
    [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["db_bytes"])' "$T/out")" = \
      "$(psql -X -At "$PG" -c 'SELECT pg_database_size(current_database())')" ]
  verdict $? "PG15 metrics --json: db size = pg_database_size, timescaledb null"
  run "$BIN" retention some_table --disable "$PG"
  [ "$RC" -eq 1 ] && one_err_line && grep -q 'not installed' "$T/err"
  verdict $? "PG15 retention: exit 1, one line: not installed"
  # A role the server refuses: a database of our own without CONNECT for PUBLIC.
  PGC() { psql -X -q -At -v ON_ERROR_STOP=1 "$PG" -c "$1"; }
  PGC "DROP DATABASE IF EXISTS tsdbtop_priv" 2>/dev/null; PGC "DROP ROLE IF EXISTS tsdbtop_nopriv" 2>/dev/null
  PGC "CREATE ROLE tsdbtop_nopriv LOGIN" && PGC "CREATE DATABASE tsdbtop_priv" &&
    PGC "REVOKE CONNECT ON DATABASE tsdbtop_priv FROM PUBLIC"
  NOPRIV="$PG user=tsdbtop_nopriv dbname=tsdbtop_priv"
  run "$BIN" metrics "$NOPRIV"
  one_err_line && grep -q '^tsdbtop metrics: cannot connect: .*permission denied for database' "$T/err" && [ "$RC" -eq 3 ]
  verdict $? "PG15 without CONNECT privilege: metrics exits 3 with one line naming the permission"
  run "$BIN" check --only cache "$NOPRIV"
  [ "$RC" -eq 3 ] && grep -q '^TSDBTOP UNKNOWN - cannot connect: .*permission denied' "$T/out"
  verdict $? "PG15 without CONNECT privilege: check is UNKNOWN (3)"
  PGC "DROP DATABASE tsdbtop_priv"; PGC "DROP ROLE tsdbtop_nopriv"
else
  nok "TSDBTOP_PG15 is set"
fi

# ---- embedded TimescaleDB ----------------------------------------------------------------
DB=${TSDBTOP_TSDB:-}
if [ -z "$DB" ]; then nok "TSDBTOP_TSDB is set"; exit 1; fi
q() { psql -X -At -v ON_ERROR_STOP=1 "$DB" -c "$1"; }

# Objects of our own (whatever earlier tests did to the fixture): a hypertable
# with 20 days of data, a compression policy (2 days: a backlog), a retention
# policy (10 days: chunks past it), an aggregate refreshed up to 5 days ago
# (stale), and a hypertable whose name holds ESC and a newline.
if psql -X -q -v ON_ERROR_STOP=1 "$DB" >"$T/setup.log" 2>&1 <<'SQL'
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS headless_test CASCADE;
CREATE SCHEMA headless_test;
CREATE TABLE headless_test.readings (ts timestamptz NOT NULL, dev int NOT NULL, v float8);
SELECT create_hypertable('headless_test.readings', by_range('ts', interval '1 day'));
ALTER TABLE headless_test.readings SET (timescaledb.compress, timescaledb.compress_segmentby = 'dev');
INSERT INTO headless_test.readings SELECT t, 1, 1 FROM generate_series(now() - interval '20 days', now(), interval '1 hour') t;
SELECT add_compression_policy('headless_test.readings', interval '2 days');
SELECT add_retention_policy('headless_test.readings', interval '10 days');
CREATE MATERIALIZED VIEW headless_test.readings_hourly WITH (timescaledb.continuous) AS
  SELECT time_bucket('1 hour', ts) AS bucket, dev, avg(v) AS v FROM headless_test.readings GROUP BY 1, 2 WITH NO DATA;
SELECT add_continuous_aggregate_policy('headless_test.readings_hourly', start_offset => interval '3 days',
  end_offset => interval '1 hour', schedule_interval => interval '30 minutes');
CALL refresh_continuous_aggregate('headless_test.readings_hourly', now() - interval '15 days', now() - interval '5 days');
SELECT format('CREATE TABLE headless_test.%I (ts timestamptz NOT NULL)', E'evil\x1b[31m\nname') \gexec
SELECT create_hypertable(format('headless_test.%I', E'evil\x1b[31m\nname')::regclass, by_range('ts'));
SQL
then ok "test objects created (schema headless_test)"
else nok "test objects created (schema headless_test)" "$(cat "$T/setup.log")"; exit 1
fi
trap 'q "DROP SCHEMA IF EXISTS headless_test CASCADE" >/dev/null 2>&1; rm -rf "$T"' EXIT

run "$BIN" --once "$DB"
[ "$RC" -eq 0 ] && [ ! -s "$T/err" ]
verdict $? "--once text: exit 0, nothing on stderr"
for title in "Chunks" "Compression" "Compression jobs" "Retention" "Continuous aggregates" "Cache"; do
  grep -q "^== $title (ok" "$T/out"
  verdict $? "--once text has pane '$title'"
done
n=$(q "SELECT count(*) FROM show_chunks('headless_test.readings')")
grep -q "^OK   headless_test.readings  *$n " "$T/out"
verdict $? "--once text: our hypertable's chunk count ($n) is on its row"
n=$(q "SELECT count(*) FROM show_chunks('\"Odd Schema\".\"Sensor \"\"Data\"\" %s\"')")
grep -q "^[A-Z]*  *Odd Schema.Sensor \"Data\" %s  *$n " "$T/out"
verdict $? "--once text: the fixture's quoted name with its chunk count ($n)"
grep -q '^CRIT headless_test.readings_hourly .*stale .*lag .*policy allows' "$T/out"
verdict $? "--once text: the stale aggregate is marked CRIT with why"
no_esc() { ! grep -q "$(printf '\033')" "$T/out"; }
no_esc && grep -q '^OK   headless_test.evil?\[31m?name ' "$T/out"
verdict $? "--once text: a name with ESC and newline is sanitised"

run "$BIN" --once --json "$DB"
cp "$T/out" "$T/once.json"
[ "$RC" -eq 0 ] && py '
import json,sys
d=json.load(open(sys.argv[1]))
assert d["version"]==1, d["version"]
assert set(d["panes"])=={"chunks","compression","jobs","retention","caggs","cache"}
for p in d["panes"].values():
    assert p["status"]=="ok" and p["updated_at"].endswith("Z") and isinstance(p["rows"], list)
assert d["server"]["timescaledb"]["installed"] is True
assert set(d["health"])=={"ok","warning","critical","unknown"}
for p in d["panes"].values():
    for r in p["rows"]:
        assert r["health"] in ("ok","warning","critical","unknown") and "why" in r
'
verdict $? "--once --json: exit 0, one document, version 1, six panes"
# chunk counts per hypertable = show_chunks, through psql with the names from the JSON
python3 -c '
import json,sys
for r in json.load(open(sys.argv[1]))["panes"]["chunks"]["rows"]:
    if "\n" in r["name"]: continue
    print("%s\t%s\t%d" % (r["schema"], r["name"], r["chunks"]))' "$T/once.json" >"$T/chunks.tsv"
bad=0; rows=0
while IFS="$(printf '\t')" read -r s n c; do
  rows=$((rows + 1))
  real=$(psql -X -At "$DB" -v s="$s" -v n="$n" <<'SQL'
SELECT count(*) FROM show_chunks(format('%I.%I', :'s', :'n')::regclass)
SQL
)
  [ "$real" = "$c" ] || { bad=$((bad + 1)); echo "# $s.$n: json $c, show_chunks $real"; }
done <"$T/chunks.tsv"
[ "$bad" -eq 0 ] && [ "$rows" -ge 10 ]
verdict $? "--once --json: chunks per hypertable = show_chunks for all $rows hypertables"
# retention drop counts = show_chunks(older_than => now() - drop_after)
python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))["panes"]
types={(r["schema"], r["name"]): r["time_type"] for r in d["chunks"]["rows"]}
for r in d["retention"]["rows"]:
    print("%s\t%s\t%s\t%d\t%s" % (r["schema"], r["name"], r["drop_after"], r["drop_count"], types[(r["schema"], r["name"])]))' "$T/once.json" >"$T/ret.tsv"
bad=0; rows=0; dropping=0
while IFS="$(printf '\t')" read -r s n a c ty; do
  rows=$((rows + 1)); [ "$c" -gt 0 ] && dropping=$((dropping + 1))
  if [ "$ty" = date ]; then older="(now() - :'a'::interval)::date"; else older="now() - :'a'::interval"; fi
  real=$(psql -X -At "$DB" -v s="$s" -v n="$n" -v a="$a" <<SQL
SELECT count(*) FROM show_chunks(format('%I.%I', :'s', :'n')::regclass, older_than => $older)
SQL
)
  [ "$real" = "$c" ] || { bad=$((bad + 1)); echo "# $s.$n: json $c, show_chunks $real"; }
done <"$T/ret.tsv"
[ "$bad" -eq 0 ] && [ "$rows" -eq "$(q "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'")" ] && [ "$dropping" -ge 1 ]
verdict $? "--once --json: retention drop counts = show_chunks(older_than) for all $rows policies"
py '
import json,sys
d=json.load(open(sys.argv[1]))
rows=d["panes"]["chunks"]["rows"]
assert any(r["schema"]=="Odd Schema" and r["name"]=="Sensor \"Data\" %s" for r in rows)
assert any(r["schema"]=="headless_test" and r["name"]=="evil\x1b[31m\nname" for r in rows)
assert any(r["name"]=="readings_hourly" and r["state"]=="stale" and r["health"]=="critical" for r in d["panes"]["caggs"]["rows"])
'
verdict $? "--once --json: names come back exactly (json-c escaping: quotes, ESC, newline)"
jobs=$(q "SELECT count(*) FROM timescaledb_information.jobs")
py "
import json,sys
d=json.load(open(sys.argv[1]))['panes']['jobs']
assert len(d['rows'])==$jobs and d['scheduler']['known'] and d['scheduler']['running'] is False
"
verdict $? "--once --json: one jobs row per job ($jobs), scheduler not running"
# the largest compression backlog, for thresholds around it
B=$(python3 -c 'import json,sys; print(max(r["backlog"] or 0 for r in json.load(open(sys.argv[1]))["panes"]["compression"]["rows"]))' "$T/once.json")
[ "$B" -ge 10 ]
verdict $? "--once --json: our hypertable has a compression backlog (max $B)"

run "$BIN" --once --pane retention "$DB"
[ "$RC" -eq 0 ] && [ "$(grep -c '^== ' "$T/out")" -eq 1 ] && grep -q '^== Retention (ok' "$T/out"
verdict $? "--once --pane retention: only that pane"
run "$BIN" --once --json --pane caggs "$DB"
[ "$RC" -eq 0 ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert list(d["panes"])==["caggs"] and d["version"]==1'
verdict $? "--once --json --pane caggs: only that pane"

# ---- check: one scenario per status ----------------------------------------------------
run "$BIN" check --only update "$DB"
[ "$RC" -eq 0 ] && grep -q '^TSDBTOP OK - update: TimescaleDB .* is current | update_pending=0;;;0;1$' "$T/out"
verdict $? "check OK (0): --only update"
run "$BIN" check --only backlog --warn backlog=$((B + 1)) --crit backlog=$((B + 2)) "$DB"
[ "$RC" -eq 0 ] && grep -q '^TSDBTOP OK - backlog: ' "$T/out"
verdict $? "check OK (0): --only backlog with thresholds above the backlog"
run "$BIN" check --only backlog --warn backlog=1 --crit backlog=$((B + 1)) "$DB"
[ "$RC" -eq 1 ] && grep -q "^TSDBTOP WARNING - backlog: $B chunks not compressed on .*| backlog=$B;1;$((B + 1));0 backlog_total=[0-9]*;;;0\$" "$T/out"
verdict $? "check WARNING (1): --only backlog --warn backlog=1, perfdata"
run "$BIN" check --only backlog --warn backlog=2 --crit backlog=$B "$DB"
[ "$RC" -eq 2 ] && grep -q "^TSDBTOP CRITICAL - backlog: .*| backlog=$B;2;$B;0" "$T/out"
verdict $? "check CRITICAL (2): --only backlog --crit backlog=$B"
run "$BIN" check --only cagg "$DB"
[ "$RC" -eq 2 ] && grep -q '^TSDBTOP CRITICAL - cagg: [1-9][0-9]* critical, .*| cagg_lag_factor=[0-9.]*;1;3;0 caggs_warning=[0-9]*;;;0 caggs_critical=[1-9][0-9]*;;;0$' "$T/out"
verdict $? "check CRITICAL (2): --only cagg (our stale aggregate)"
run "$BIN" check --only cagg --warn lag=1000 --crit lag=2000 "$DB"
[ "$RC" -eq 0 ]
verdict $? "check OK (0): --only cagg with lag thresholds above the lag"
q "SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs WHERE hypertable_schema = 'headless_test' AND proc_name = 'policy_compression'" >/dev/null
run "$BIN" check --only jobs --warn failures=1000 --crit failures=1000 "$DB"
[ "$RC" -eq 1 ] && grep -q '^TSDBTOP WARNING - jobs: [0-9]* jobs\{0,1\} paused' "$T/out"
verdict $? "check WARNING (1): --only jobs (a paused job)"
run "$BIN" check --only scheduler "$DB"
[ "$RC" -eq 2 ] && grep -q '^TSDBTOP CRITICAL - scheduler: scheduler not running' "$T/out"
verdict $? "check CRITICAL (2): --only scheduler (no background workers, jobs scheduled)"
run "$BIN" check --only cache "$DB"
[ "$RC" -eq 3 ] && grep -q '^TSDBTOP UNKNOWN - cache: the server keeps no statistics' "$T/out"
verdict $? "check UNKNOWN (3): --only cache (the embedded server keeps no statistics)"
run "$BIN" check "$DB"
[ "$RC" -eq 2 ] && [ "$(wc -l <"$T/out")" -eq 8 ] && [ "$(head -1 "$T/out" | tr -cd '|' | wc -c)" -eq 1 ]
verdict $? "check, every check: worst is CRITICAL, one line per check after the status line"

# ---- management commands ------------------------------------------------------------------
run "$BIN" metrics --json "$DB"
[ "$RC" -eq 0 ] && py "
import json,sys
d=json.load(open(sys.argv[1]))
assert d['timescaledb']['chunks']==$(q 'SELECT count(*) FROM timescaledb_information.chunks')
assert d['timescaledb']['hypertables']==$(q 'SELECT count(*) FROM timescaledb_information.hypertables')
assert d['db_bytes']>0 and d['cache_hit_ratio'] is None
"
verdict $? "metrics --json: chunk and hypertable totals = timescaledb_information"
run "$BIN" metrics "$DB"
[ "$RC" -eq 0 ] && grep -q '^size: ' "$T/out" && grep -q '^connections: ' "$T/out" && grep -q '^chunks: ' "$T/out"
verdict $? "metrics text: size, connections, chunks"
run "$BIN" jobs --json "$DB"
[ "$RC" -eq 0 ] && py "
import json,sys
d=json.load(open(sys.argv[1]))
assert len(d['jobs'])==$jobs
assert sum(1 for j in d['jobs'] if not j['scheduled'])==$(q 'SELECT count(*) FROM timescaledb_information.jobs WHERE NOT scheduled')
"
verdict $? "jobs --json: every job, paused ones as in timescaledb_information.jobs"
run "$BIN" jobs "$DB"
[ "$RC" -eq 0 ] && grep -q '^WARN .* policy_compression  *headless_test.readings .* paused ' "$T/out"
verdict $? "jobs text: the paused job is listed as paused"
run "$BIN" health "$DB"
[ "$RC" -eq 0 ] && grep -q '^health: [0-9]* ok, [0-9]* warning, [0-9]* critical$' "$T/out" && grep -q '^critical *caggs *headless_test.readings_hourly' "$T/out"
verdict $? "health: exit 0, counts line, the critical aggregate listed"
run "$BIN" health --json "$DB"
[ "$RC" -eq 0 ] && py '
import json,sys
d=json.load(open(sys.argv[1]))
assert any(p["pane"]=="caggs" and p["name"]=="readings_hourly" and p["health"]=="critical" and p["why"] for p in d["problems"])
assert d["health"]["critical"]>=1'
verdict $? "health --json: problems with pane, name, health, why"

TBL=headless_test.readings
drop_after() { q "SELECT config->>'drop_after' FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_schema = 'headless_test' AND hypertable_name = 'readings'"; }
scheduled() { q "SELECT scheduled FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_schema = 'headless_test' AND hypertable_name = 'readings'"; }
before=$(drop_after)
run "$BIN" retention $TBL --set 120d --dry-run "$DB"
[ "$RC" -eq 0 ] && grep -q '"public".alter_job' "$T/out" && grep -q '\$1::regclass' "$T/out" && [ "$(drop_after)" = "$before" ]
verdict $? "retention --dry-run: prints the SQL (schema-qualified alter_job, \$1::regclass), changes nothing"
run "$BIN" retention $TBL --set 120d "$DB"
[ "$RC" -eq 0 ] && [ "$(drop_after)" = "120 days" ] && grep -q "drop_after $before -> 120 days" "$T/out"
verdict $? "retention --set 120d: drop_after is now 120 days"
run "$BIN" --once --json --pane retention "$DB"
py '
import json,sys
r=[r for r in json.load(open(sys.argv[1]))["panes"]["retention"]["rows"] if r["schema"]=="headless_test"][0]
assert r["drop_after"]=="120 days" and r["drop_count"]==0, r'
verdict $? "retention --set: --once shows the new drop_after, nothing to drop any more"
run "$BIN" retention $TBL --disable --json "$DB"
[ "$RC" -eq 0 ] && [ "$(scheduled)" = f ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert d["scheduled"] is False and d["scheduled_before"] is True and d["version"]==1'
verdict $? "retention --disable --json: job paused"
run "$BIN" retention $TBL --disable --dry-run --json "$DB"
[ "$RC" -eq 0 ] && [ "$(scheduled)" = f ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert d["dry_run"] is True and "alter_job" in d["sql"] and d["params"]==["headless_test.readings","false"]'
verdict $? "retention --enable --dry-run --json: sql and params, still paused"
run "$BIN" retention $TBL --enable "$DB"
[ "$RC" -eq 0 ] && [ "$(scheduled)" = t ]
verdict $? "retention --enable: job scheduled again"
run "$BIN" retention $TBL --set "$before" "$DB"
[ "$RC" -eq 0 ] && [ "$(drop_after)" = "$before" ]
verdict $? "retention --set back to $before"
run "$BIN" retention headless_test.no_such_table --set 1d "$DB"
[ "$RC" -eq 1 ] && one_err_line && [ "$(drop_after)" = "$before" ]
verdict $? "retention, unknown table: exit 1, one line, nothing changed"
run "$BIN" retention factory_telemetry.equipment --disable "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'has no retention policy' "$T/err"
verdict $? "retention, table without a policy: exit 1, one line"
run "$BIN" retention $TBL --set '3 fortnights' "$DB"
[ "$RC" -eq 2 ] && one_err_line && [ "$(drop_after)" = "$before" ]
verdict $? "retention --set malformed: exit 2, one line, nothing changed"

CAGG=headless_test.readings_hourly
wm() { q "SELECT _timescaledb_functions.cagg_watermark(mat_hypertable_id) FROM _timescaledb_catalog.continuous_agg WHERE user_view_schema = 'headless_test' AND user_view_name = 'readings_hourly'"; }
w0=$(wm)
FROM=$(q "SELECT now() - interval '3 days'")
run "$BIN" refresh "$CAGG" --from "$FROM" --dry-run "$DB"
[ "$RC" -eq 0 ] && grep -q '^CALL "public".refresh_continuous_aggregate(\$1::regclass, \$2::timestamptz, \$3::timestamptz);$' "$T/out" && [ "$(wm)" = "$w0" ]
verdict $? "refresh --dry-run: prints CALL refresh_continuous_aggregate, watermark unchanged"
run "$BIN" refresh "$CAGG" --from yesterdayish "$DB"
[ "$RC" -eq 2 ] && one_err_line && [ "$(wm)" = "$w0" ]
verdict $? "refresh with a malformed timestamp: exit 2, one line, watermark unchanged"
run "$BIN" refresh "$TBL" "$DB"
[ "$RC" -eq 1 ] && one_err_line && grep -q 'is not a continuous aggregate' "$T/err"
verdict $? "refresh of a hypertable: exit 1, one line: not a continuous aggregate"
run "$BIN" refresh headless_test.nope "$DB"
[ "$RC" -eq 1 ] && one_err_line
verdict $? "refresh of an unknown name: exit 1, one line"
run "$BIN" refresh "$CAGG" --from "$FROM" --json "$DB"
[ "$RC" -eq 0 ] && [ "$(wm)" -gt "$w0" ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert d["cagg"]=="headless_test.readings_hourly" and d["window_end"] is None'
verdict $? "refresh: exit 0, the watermark moved forward"
run "$BIN" --once --json --pane caggs "$DB"
[ "$RC" -eq 0 ] && py '
import json,sys
r=[r for r in json.load(open(sys.argv[1]))["panes"]["caggs"]["rows"] if r["name"]=="readings_hourly"][0]
assert r["state"]!="stale", r'
verdict $? "after the refresh our aggregate is no longer stale"

[ "$FAILS" -eq 0 ]
