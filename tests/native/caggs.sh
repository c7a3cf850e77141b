#!/bin/sh
# tests/native/caggs.sh CONNINFO [VERSION]: continuous-aggregate freshness
# against a live TimescaleDB (native or embedded), as --once --json and text
# show it. Builds its own schema cg_fresh (dropped first and at the end):
#   cg_fresh.ticks_agg   bigint time, integer_now() = 5000, materialized to 4000
#   cg_fresh.gone_agg    bigint time whose integer_now function was dropped
#   cg_fresh.ints_agg    integer time, no raw data, never refreshed
#   cg_fresh.empty_agg   timestamptz, no raw data, refreshed
#   cg_fresh.fut_agg     timestamptz with data 3 h into the future, refreshed
# and, where roles can log in over the same conninfo, a role without EXECUTE
# on integer_now(). Prints "ok - ..." / "not ok - ..."; exit 1 on any failure.
set -u
C=${1:?usage: caggs.sh CONNINFO [VERSION]}
V=${2:-}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$TOP/build/tsdbtop}
W=$(mktemp -d /tmp/tsdbtop-caggs.XXXXXX)
rc=0
ok() { echo "ok - ${V:+$V: }caggs: $*"; }
nok() { echo "not ok - ${V:+$V: }caggs: $*"; rc=1; }
psqlq() { psql -X -q -At -v ON_ERROR_STOP=1 "$C" "$@"; }
cleanup() {
  psqlq -c "DROP SCHEMA IF EXISTS cg_fresh CASCADE" >/dev/null 2>&1
  psqlq -c "DROP ROLE IF EXISTS cg_fresh_mon" >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT INT TERM

cleanup
mkdir -p "$W"
if ! psqlq >"$W/setup.log" 2>&1 <<'EOF'
SET client_min_messages = warning;
CREATE SCHEMA cg_fresh;
CREATE TABLE cg_fresh.ticks (t bigint NOT NULL, v double precision);
SELECT create_hypertable('cg_fresh.ticks', 't', chunk_time_interval => 1000);
CREATE FUNCTION cg_fresh.ticks_now() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT 5000::bigint $$;
SELECT set_integer_now_func('cg_fresh.ticks', 'cg_fresh.ticks_now');
INSERT INTO cg_fresh.ticks SELECT g, g FROM generate_series(0, 4500, 10) g;
CREATE MATERIALIZED VIEW cg_fresh.ticks_agg WITH (timescaledb.continuous) AS
  SELECT time_bucket(100::bigint, t) AS b, avg(v) AS v FROM cg_fresh.ticks GROUP BY 1 WITH NO DATA;
CALL refresh_continuous_aggregate('cg_fresh.ticks_agg', NULL, 4000);

CREATE TABLE cg_fresh.gone (t bigint NOT NULL, v int);
SELECT create_hypertable('cg_fresh.gone', 't', chunk_time_interval => 1000);
CREATE FUNCTION cg_fresh.gone_now() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT 5000::bigint $$;
SELECT set_integer_now_func('cg_fresh.gone', 'cg_fresh.gone_now');
INSERT INTO cg_fresh.gone SELECT g, 1 FROM generate_series(0, 4500, 10) g;
CREATE MATERIALIZED VIEW cg_fresh.gone_agg WITH (timescaledb.continuous) AS
  SELECT time_bucket(100::bigint, t) AS b, count(*) AS n FROM cg_fresh.gone GROUP BY 1 WITH NO DATA;
CALL refresh_continuous_aggregate('cg_fresh.gone_agg', NULL, 4000);
DROP FUNCTION cg_fresh.gone_now();

CREATE TABLE cg_fresh.ints (t int NOT NULL, v int);
SELECT create_hypertable('cg_fresh.ints', 't', chunk_time_interval => 1000);
CREATE FUNCTION cg_fresh.ints_now() RETURNS int LANGUAGE sql STABLE AS $$ SELECT 100 $$;
SELECT set_integer_now_func('cg_fresh.ints', 'cg_fresh.ints_now');
CREATE MATERIALIZED VIEW cg_fresh.ints_agg WITH (timescaledb.continuous) AS
  SELECT time_bucket(10, t) AS b, count(*) AS n FROM cg_fresh.ints GROUP BY 1 WITH NO DATA;

CREATE TABLE cg_fresh.empty (t timestamptz NOT NULL, v int);
SELECT create_hypertable('cg_fresh.empty', 't');
CREATE MATERIALIZED VIEW cg_fresh.empty_agg WITH (timescaledb.continuous) AS
  SELECT time_bucket('1 hour', t) AS b, count(*) AS n FROM cg_fresh.empty GROUP BY 1 WITH NO DATA;
CALL refresh_continuous_aggregate('cg_fresh.empty_agg', NULL, NULL);

CREATE TABLE cg_fresh.fut (t timestamptz NOT NULL, v int);
SELECT create_hypertable('cg_fresh.fut', 't');
INSERT INTO cg_fresh.fut SELECT g, 1 FROM generate_series(now() - interval '1 day', now() + interval '3 hours', interval '5 min') g;
CREATE MATERIALIZED VIEW cg_fresh.fut_agg WITH (timescaledb.continuous) AS
  SELECT time_bucket('1 hour', t) AS b, count(*) AS n FROM cg_fresh.fut GROUP BY 1 WITH NO DATA;
CALL refresh_continuous_aggregate('cg_fresh.fut_agg', NULL, NULL);
EOF
then
  nok "fixture"; sed 's/^/    # /' "$W/setup.log" | head -20; exit 1
fi
ok "fixture loaded"

"$BIN" --once --json --pane caggs "$C" >"$W/json" 2>"$W/json.err" || true
"$BIN" --once --pane caggs "$C" >"$W/text" 2>&1 || true
if jq -e '.panes.caggs.status == "ok"' "$W/json" >/dev/null 2>&1; then
  ok "caggs pane answers"
else
  nok "caggs pane answers: $(jq -r '.panes.caggs.message // empty' "$W/json" 2>/dev/null) $(head -c 300 "$W/json.err")"
fi

# expect NAME JQ-EXPR-ON-ROW DESCRIPTION: the row's expression must be true
expect() {
  _got=$(jq -c --arg n "$1" '.panes.caggs.rows[] | select(.schema == "cg_fresh" and .name == $n)' "$W/json" 2>/dev/null)
  if [ -n "$_got" ] && printf '%s\n' "$_got" | jq -e "$2" >/dev/null 2>&1; then
    ok "$1: $3"
  else
    nok "$1: $3 (${_got:-row missing})"
  fi
}

expect ticks_agg '.integer_time == true' "integer time"
expect ticks_agg '.watermark == null and .raw_newest == null and .lag_s == null' "no timestamp, no seconds lag (never a 1970 watermark)"
expect ticks_agg '.watermark_units == 4000' "watermark in the column's units (4000)"
expect ticks_agg '.now_units == 5000' "now from integer_now() (5000)"
expect ticks_agg '.lag_units == 1000' "lag integer_now() - watermark = 1000 units"
expect ticks_agg '.raw_newest_units == 4000 and .bucket_units == 100' "newest raw chunk and bucket in units"
expect ticks_agg '.state == "stale" and .health == "critical"' "1000 units behind, 2 buckets allowed: stale"
expect ticks_agg '.why == "lag 1,000 units, policy allows 200 units"' "why in units"
expect gone_agg '.integer_time == true and .watermark_units == 4000' "dropped integer_now: watermark still known"
expect gone_agg '.lag_units == null and .lag_s == null and .now_units == null' "dropped integer_now: lag unknown (null), no error"
expect gone_agg '.state == "lag unknown" and (.why | test("lag unknown"))' "dropped integer_now: state lag unknown, said why"
expect ints_agg '.integer_time == true and .watermark == null and .watermark_units == null' "integer, no data: watermark unknown (not the type's minimum)"
expect ints_agg '.lag_s == null and .lag_units == null' "integer, no data: no lag"
expect ints_agg '.state == "no raw data" and .health == "ok"' "integer, no data: no raw data"
expect empty_agg '.watermark == null and .lag_s == null' "timestamptz, no data: watermark unknown, no 57-year lag"
expect empty_agg '.state == "no raw data"' "timestamptz, no data: no raw data"
expect fut_agg '.watermark != null and .lag_s == 0' "future data: lag 0, never negative"
expect fut_agg '.ahead_of_now == true and .ahead_by > 7200' "future data: flagged ahead of now (by > 2 h)"
expect fut_agg '.state == "fresh" and (.why | test("ahead of now"))' "future data: fresh, the reason says ahead of now"
if jq -e '[.panes.caggs.rows[] | (.lag_s // 0, .lag_units // 0)] | all(. >= 0)' "$W/json" >/dev/null 2>&1; then
  ok "no negative lag on any row"
else
  nok "no negative lag on any row"
fi

if grep -q '^ *[A-Z]* *cg_fresh\.' "$W/text" && ! grep 'cg_fresh\.' "$W/text" | grep -q '1970\|1969\|56y\|57y'; then
  ok "text: no 1970 watermark or 56-year lag"
else
  nok "text: no 1970 watermark or 56-year lag"; sed 's/^/    # /' "$W/text"
fi
if grep 'cg_fresh\.ticks_agg' "$W/text" | grep -q ' 4,000 .* 1000u '; then
  ok "text: ticks_agg watermark 4,000 and lag 1000u"
else
  nok "text: ticks_agg watermark 4,000 and lag 1000u"; grep 'cg_fresh\.' "$W/text" | sed 's/^/    # /'
fi

# A role that may not execute integer_now(): the lag is unknown, the pane works.
mon=""
if psqlq >/dev/null 2>&1 <<'EOF'
CREATE ROLE cg_fresh_mon LOGIN;
GRANT USAGE ON SCHEMA cg_fresh TO cg_fresh_mon;
REVOKE EXECUTE ON FUNCTION cg_fresh.ticks_now() FROM PUBLIC;
EOF
then
  mon="$C user=cg_fresh_mon"
  if [ "$(psql -X -At "$mon" -c "SELECT current_user" 2>/dev/null)" = cg_fresh_mon ]; then
    "$BIN" --once --json --pane caggs "$mon" >"$W/json" 2>"$W/json.err" || true
    if jq -e '.panes.caggs.status == "ok"' "$W/json" >/dev/null 2>&1; then
      ok "without EXECUTE on integer_now(): pane answers"
    else
      nok "without EXECUTE on integer_now(): pane answers: $(jq -r '.panes.caggs.message // empty' "$W/json" 2>/dev/null) $(head -c 300 "$W/json.err")"
    fi
    expect ticks_agg '.lag_units == null and .now_units == null and .watermark_units == 4000' "without EXECUTE: lag unknown, watermark known"
    expect ticks_agg '.state == "lag unknown"' "without EXECUTE: state lag unknown"
  else
    echo "ok - ${V:+$V: }caggs: # SKIP no login as role cg_fresh_mon over this conninfo (the embedded server has one user)"
  fi
else
  echo "ok - ${V:+$V: }caggs: # SKIP cannot create a login role here"
fi
exit $rc
