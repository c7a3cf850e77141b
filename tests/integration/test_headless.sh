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
# check NAME CONDITION...: ok when the command succeeds
check() { name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
# run: $T/out, $T/err, $RC
run() { "$@" >"$T/out" 2>"$T/err"; RC=$?; }
one_err_line() { [ "$(wc -l <"$T/err")" -eq 1 ] && [ ! -s "$T/out" ]; }
py() { python3 -c "$1" "$T/out"; }
# A port with nothing listening.
DEAD="host=127.0.0.1 port=1 connect_timeout=5"

if [ ! -x "$BIN" ]; then nok "binary $BIN exists"; exit 1; fi

# ---- bad input (no server needed) ------------------------------------------------
run "$BIN" frobnicate
check "unknown command: exit 2, one line on stderr" [ "$RC" -eq 2 ] && one_err_line
run "$BIN" --once --bogus
check "unknown flag: exit 2, one line on stderr" [ "$RC" -eq 2 ] && one_err_line
run "$BIN" metrics --bogus
check "unknown flag of a command: exit 2, one line naming the command" \
  [ "$RC" -eq 2 ] && one_err_line && grep -q '^tsdbtop metrics: --bogus: unknown option' "$T/err"
run "$BIN" --once --pane nope "$DEAD"
check "--pane unknown: exit 2, one line" [ "$RC" -eq 2 ] && one_err_line
run "$BIN" --pane chunks
check "--pane without --once: exit 2" [ "$RC" -eq 2 ] && one_err_line
run "$BIN" check --only nope
check "check --only unknown: exit 3 (Nagios UNKNOWN), one line" [ "$RC" -eq 3 ] && one_err_line
run "$BIN" check --warn backlog=lots
check "check --warn malformed: exit 3, one line" [ "$RC" -eq 3 ] && one_err_line
run "$BIN" check --warn backlog=60
check "check warning above critical: exit 3, one line" [ "$RC" -eq 3 ] && one_err_line
run "$BIN" retention some_table --set '12 parsecs'
check "retention --set malformed interval: exit 2, one line" [ "$RC" -eq 2 ] && one_err_line
run "$BIN" retention some_table --enable --disable
check "retention with two actions: exit 2, one line" [ "$RC" -eq 2 ] && one_err_line
run "$BIN" refresh
check "refresh without an aggregate: exit 2, one line" [ "$RC" -eq 2 ] && one_err_line
for c in check health metrics jobs retention refresh; do
  run "$BIN" $c --help
  check "$c --help: exit 0, usage on stdout" [ "$RC" -eq 0 ] && grep -q "^Usage: tsdbtop $c" "$T/out"
done
run "$BIN" --help
check "--help lists every command" [ "$RC" -eq 0 ] && grep -q '^  check ' "$T/out" && grep -q '^  retention ' "$T/out"

# ---- unreachable server ------------------------------------------------------------
run "$BIN" check "$DEAD"
check "check, no server: exit 3, TSDBTOP UNKNOWN - cannot connect" \
  [ "$RC" -eq 3 ] && grep -q '^TSDBTOP UNKNOWN - cannot connect' "$T/out" && [ "$(wc -l <"$T/out")" -eq 1 ]
run "$BIN" --once "$DEAD"
check "--once, no server: exit 3, one line on stderr" [ "$RC" -eq 3 ] && one_err_line
run "$BIN" metrics --json "$DEAD"
check "metrics, no server: exit 3, one line on stderr" [ "$RC" -eq 3 ] && one_err_line

# ---- native PostgreSQL 15 (no TimescaleDB) -------------------------------------------
PG=${TSDBTOP_PG15:-}
if [ -n "$PG" ]; then
  run "$BIN" --once "$PG"
  check "PG15 --once: exit 0, every TimescaleDB pane says not installed" \
    [ "$RC" -eq 0 ] && [ "$(grep -c 'TimescaleDB is not installed in database' "$T/out")" -ge 5 ] && grep -q '^== Cache (ok' "$T/out"
  run "$BIN" check --only backlog "$PG"
  check "PG15 check --only backlog: UNKNOWN (3), says not installed" \
    [ "$RC" -eq 3 ] && grep -q '^TSDBTOP UNKNOWN - backlog: TimescaleDB is not installed in database postgres' "$T/out"
  run "$BIN" check --only cache --warn cache=1% --crit cache=0% "$PG"
  check "PG15 check --only cache works without TimescaleDB (OK with low thresholds)" \
    [ "$RC" -eq 0 ] && grep -q '^TSDBTOP OK - cache: .*| cache_hit=[0-9.]*%;1:;0:;0;100$' "$T/out"
  run "$BIN" metrics --json "$PG"
  check "PG15 metrics --json: db size = pg_database_size, timescaledb null" \
    [ "$RC" -eq 0 ] && py "import json,sys; d=json.load(open(sys.argv[1])); assert d['timescaledb'] is None and d['db_bytes']>0 and d['version']==1" &&
    [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["db_bytes"])' "$T/out")" = \
      "$(psql -X -At "$PG" -c 'SELECT pg_database_size(current_database())')" ]
  run "$BIN" retention some_table --disable "$PG"
  check "PG15 retention: exit 1, one line: not installed" [ "$RC" -eq 1 ] && one_err_line && grep -q 'not installed' "$T/err"
else
  nok "TSDBTOP_PG15 is set"
fi

# ---- embedded TimescaleDB ----------------------------------------------------------------
DB=${TSDBTOP_TSDB:-}
if [ -z "$DB" ]; then nok "TSDBTOP_TSDB is set"; exit 1; fi
q() { psql -X -At -v ON_ERROR_STOP=1 "$DB" -c "$1"; }

run "$BIN" --once "$DB"
check "--once text: exit 0, nothing on stderr" [ "$RC" -eq 0 ] && [ ! -s "$T/err" ]
for title in "Chunks" "Compression" "Compression jobs" "Retention" "Continuous aggregates" "Cache"; do
  check "--once text has pane '$title'" grep -q "^== $title (ok" "$T/out"
done
n=$(q "SELECT count(*) FROM show_chunks('\"Odd Schema\".\"Sensor \"\"Data\"\" %s\"')")
check "--once text: the fixture hypertable's chunk count ($n) is on its row" \
  grep -q "^OK   Odd Schema.Sensor \"Data\" %s  *$n " "$T/out"
check "--once text: the stale aggregate is marked CRIT with why" \
  grep -q '^CRIT Odd Schema.hourly "view" .*lag .*promised' "$T/out"

run "$BIN" --once --json "$DB"
cp "$T/out" "$T/once.json"
check "--once --json: exit 0, one document, version 1, six panes" [ "$RC" -eq 0 ] && py '
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
# chunk counts per hypertable = show_chunks, through psql with the names from the JSON
python3 -c '
import json,sys
for r in json.load(open(sys.argv[1]))["panes"]["chunks"]["rows"]:
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
check "--once --json: chunks per hypertable = show_chunks for all $rows hypertables" [ "$bad" -eq 0 ] && [ "$rows" -ge 9 ]
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
check "--once --json: retention drop counts = show_chunks(older_than) for all $rows policies" \
  [ "$bad" -eq 0 ] && [ "$rows" -eq "$(q "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'")" ] && [ "$dropping" -ge 1 ]
check "--once --json: quoted names come back exactly (json-c escaping)" py '
import json,sys
d=json.load(open(sys.argv[1]))
assert any(r["schema"]=="Odd Schema" and r["name"]=="Sensor \"Data\" %s" for r in d["panes"]["chunks"]["rows"])
assert any(r["name"]=="hourly \"view\"" and r["state"]=="stale" and r["health"]=="critical" for r in d["panes"]["caggs"]["rows"])
'
jobs=$(q "SELECT count(*) FROM timescaledb_information.jobs")
check "--once --json: one jobs row per job ($jobs), scheduler not running" py "
import json,sys
d=json.load(open(sys.argv[1]))['panes']['jobs']
assert len(d['rows'])==$jobs and d['scheduler']['known'] and d['scheduler']['running'] is False
"

run "$BIN" --once --pane retention "$DB"
check "--once --pane retention: only that pane" \
  [ "$RC" -eq 0 ] && [ "$(grep -c '^== ' "$T/out")" -eq 1 ] && grep -q '^== Retention (ok' "$T/out"
run "$BIN" --once --json --pane caggs "$DB"
check "--once --json --pane caggs: only that pane" [ "$RC" -eq 0 ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert list(d["panes"])==["caggs"] and d["version"]==1'

# Names with control characters: sanitised in text, exact in JSON.
psql -X -q -v ON_ERROR_STOP=1 "$DB" >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS headless_test;
SELECT format('CREATE TABLE IF NOT EXISTS headless_test.%I (ts timestamptz NOT NULL)', E'evil\x1b[31m\nname') \gexec
SELECT create_hypertable(format('headless_test.%I', E'evil\x1b[31m\nname')::regclass, by_range('ts'), if_not_exists => true);
SQL
run "$BIN" --once --pane chunks "$DB"
check "--once text: a name with ESC and newline is sanitised" \
  [ "$RC" -eq 0 ] && ! grep -q "$(printf '\033')" "$T/out" && grep -q '^OK   headless_test.evil?\[31m?name ' "$T/out"
run "$BIN" --once --json --pane chunks "$DB"
check "--once --json: the same name round-trips exactly" py '
import json,sys
d=json.load(open(sys.argv[1]))
assert any(r["name"]=="evil\x1b[31m\nname" for r in d["panes"]["chunks"]["rows"])'
q "DROP SCHEMA headless_test CASCADE" >/dev/null 2>&1

# ---- check: one scenario per status ----------------------------------------------------
run "$BIN" check --only update "$DB"
check "check OK (0): --only update" [ "$RC" -eq 0 ] && grep -q '^TSDBTOP OK - update: TimescaleDB .* is current | update_pending=0;;;0;1$' "$T/out"
run "$BIN" check --only backlog --warn backlog=20 --crit backlog=30 "$DB"
check "check OK (0): --only backlog with thresholds above the backlog" [ "$RC" -eq 0 ] && grep -q '^TSDBTOP OK - backlog: ' "$T/out"
run "$BIN" check --only backlog "$DB"
check "check WARNING (1): --only backlog, default thresholds, perfdata" \
  [ "$RC" -eq 1 ] && grep -q '^TSDBTOP WARNING - backlog: [0-9]* chunks not compressed on Odd Schema.Sensor "Data" %s .*| backlog=[0-9]*;1;50;0 backlog_total=[0-9]*;;;0$' "$T/out"
run "$BIN" check --only backlog --warn backlog=2 --crit backlog=5 "$DB"
check "check CRITICAL (2): --only backlog --crit backlog=5" [ "$RC" -eq 2 ] && grep -q '^TSDBTOP CRITICAL - backlog: .*| backlog=[0-9]*;2;5;0' "$T/out"
run "$BIN" check --only cagg "$DB"
check "check CRITICAL (2): --only cagg (the fixture's stale aggregate)" [ "$RC" -eq 2 ] && grep -q '^TSDBTOP CRITICAL - cagg: .*hourly "view": lag' "$T/out"
run "$BIN" check --only cagg --warn lag=1000 --crit lag=2000 "$DB"
check "check OK (0): --only cagg with lag thresholds above the lag" [ "$RC" -eq 0 ]
run "$BIN" check --only jobs "$DB"
check "check WARNING (1): --only jobs (a paused job)" [ "$RC" -eq 1 ] && grep -q '^TSDBTOP WARNING - jobs: 1 job paused' "$T/out"
run "$BIN" check --only scheduler "$DB"
check "check CRITICAL (2): --only scheduler (no background workers, jobs scheduled)" \
  [ "$RC" -eq 2 ] && grep -q '^TSDBTOP CRITICAL - scheduler: scheduler not running' "$T/out"
run "$BIN" check --only cache "$DB"
check "check UNKNOWN (3): --only cache (the embedded server keeps no statistics)" \
  [ "$RC" -eq 3 ] && grep -q '^TSDBTOP UNKNOWN - cache: the server keeps no statistics' "$T/out"
run "$BIN" check "$DB"
check "check, every check: worst is CRITICAL, one line per check after the status line" \
  [ "$RC" -eq 2 ] && [ "$(wc -l <"$T/out")" -eq 8 ] && [ "$(head -1 "$T/out" | tr -cd '|' | wc -c)" -eq 1 ]

# ---- management commands ------------------------------------------------------------------
run "$BIN" metrics --json "$DB"
check "metrics --json: chunk and hypertable totals = timescaledb_information" [ "$RC" -eq 0 ] && py "
import json,sys
d=json.load(open(sys.argv[1]))
assert d['timescaledb']['chunks']==$(q 'SELECT count(*) FROM timescaledb_information.chunks')
assert d['timescaledb']['hypertables']==$(q 'SELECT count(*) FROM timescaledb_information.hypertables')
assert d['db_bytes']>0 and d['cache_hit_ratio'] is None
"
run "$BIN" metrics "$DB"
check "metrics text: size, connections, chunks" [ "$RC" -eq 0 ] && grep -q '^size: ' "$T/out" && grep -q '^connections: ' "$T/out" && grep -q '^chunks: ' "$T/out"
run "$BIN" jobs --json "$DB"
check "jobs --json: every job, paused ones as in timescaledb_information.jobs" [ "$RC" -eq 0 ] && py "
import json,sys
d=json.load(open(sys.argv[1]))
assert len(d['jobs'])==$jobs
assert sum(1 for j in d['jobs'] if not j['scheduled'])==$(q 'SELECT count(*) FROM timescaledb_information.jobs WHERE NOT scheduled')
"
run "$BIN" health "$DB"
check "health: exit 0, counts line, the critical aggregate listed" \
  [ "$RC" -eq 0 ] && grep -q '^health: [0-9]* ok, [0-9]* warning, [0-9]* critical$' "$T/out" && grep -q '^critical *caggs *Odd Schema.hourly "view"' "$T/out"

T_MH=factory_telemetry.metric_hist
drop_after() { q "SELECT config->>'drop_after' FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_schema = 'factory_telemetry' AND hypertable_name = 'metric_hist'"; }
scheduled() { q "SELECT scheduled FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_schema = 'factory_telemetry' AND hypertable_name = 'metric_hist'"; }
before=$(drop_after)
run "$BIN" retention $T_MH --set 120d --dry-run "$DB"
check "retention --dry-run: prints the SQL with \$1::regclass, changes nothing" \
  [ "$RC" -eq 0 ] && grep -q 'alter_job' "$T/out" && grep -q '\$1::regclass' "$T/out" && [ "$(drop_after)" = "$before" ]
run "$BIN" retention $T_MH --set 120d "$DB"
check "retention --set 120d: drop_after is now 120 days" [ "$RC" -eq 0 ] && [ "$(drop_after)" = "120 days" ] && grep -q "drop_after $before -> 120 days" "$T/out"
run "$BIN" retention $T_MH --disable --json "$DB"
check "retention --disable --json: job paused" [ "$RC" -eq 0 ] && [ "$(scheduled)" = f ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert d["scheduled"] is False and d["scheduled_before"] is True and d["version"]==1'
run "$BIN" retention $T_MH --enable "$DB"
check "retention --enable: job scheduled again" [ "$RC" -eq 0 ] && [ "$(scheduled)" = t ]
run "$BIN" retention $T_MH --set "$before" "$DB"
check "retention --set back to $before" [ "$RC" -eq 0 ] && [ "$(drop_after)" = "$before" ]
run "$BIN" retention factory_telemetry.no_such_table --set 1d "$DB"
check "retention, unknown table: exit 1, one line, nothing changed" [ "$RC" -eq 1 ] && one_err_line && [ "$(drop_after)" = "$before" ]
run "$BIN" retention factory_telemetry.equipment --disable "$DB"
check "retention, table without a policy: exit 1, one line" [ "$RC" -eq 1 ] && one_err_line && grep -q 'has no retention policy' "$T/err"
run "$BIN" retention '"Odd Schema".counters' --set 1d "$DB"
check "retention on a table without policy (integer time fixture): exit 1, one line" [ "$RC" -eq 1 ] && one_err_line

CAGG='"Odd Schema"."hourly ""view"""'
wm() { q "SELECT _timescaledb_functions.cagg_watermark(mat_hypertable_id) FROM _timescaledb_catalog.continuous_agg WHERE user_view_schema = 'Odd Schema' AND user_view_name = 'hourly \"view\"'"; }
w0=$(wm)
run "$BIN" refresh "$CAGG" --from "$(q "SELECT now() - interval '3 days'")" --dry-run "$DB"
check "refresh --dry-run: prints CALL refresh_continuous_aggregate, watermark unchanged" \
  [ "$RC" -eq 0 ] && grep -q '^CALL refresh_continuous_aggregate(\$1::regclass, \$2::timestamptz, \$3::timestamptz);$' "$T/out" && [ "$(wm)" = "$w0" ]
run "$BIN" refresh "$CAGG" --from yesterdayish "$DB"
check "refresh with a malformed timestamp: exit 2, one line, watermark unchanged" [ "$RC" -eq 2 ] && one_err_line && [ "$(wm)" = "$w0" ]
run "$BIN" refresh factory_telemetry.metric_hist "$DB"
check "refresh of a hypertable: exit 1, one line: not a continuous aggregate" [ "$RC" -eq 1 ] && one_err_line && grep -q 'is not a continuous aggregate' "$T/err"
run "$BIN" refresh "$CAGG" --from "$(q "SELECT now() - interval '3 days'")" --json "$DB"
check "refresh: exit 0, the watermark moved forward" [ "$RC" -eq 0 ] && [ "$(wm)" -gt "$w0" ] && py '
import json,sys
d=json.load(open(sys.argv[1])); assert d["cagg"]=="\"Odd Schema\".\"hourly \"\"view\"\"\"" and d["window_end"] is None'
run "$BIN" check --only cagg "$DB"
check "check --only cagg after the refresh: no longer CRITICAL" [ "$RC" -ne 2 ] && [ "$RC" -ne 3 ]

[ "$FAILS" -eq 0 ]
