#!/bin/sh
# make bench, native part (run by tests/bench/run.sh; BENCH_SKIP_NATIVE=1 skips it):
# TimescaleDB 2.28.3 (PostgreSQL 15) and 2.29.2 (PostgreSQL 17), built once per
# machine by tests/tools/native.sh. One cluster per version in .bench/native-V,
# kept and reused; each database is built once and marked done there
# (built-10000, built-100000, built-seed).
#   bench data: database bench, 50 hypertables x 200 one-hour chunks (10,000,
#     tests/bench/chunks.sql + compress.sql, as on the embedded server);
#     BENCH_CHUNKS=100000 also database bench_100000 (50 x 2,000: 100,000) and
#     the growth of every figure from 10,000
#   figures: build/bench/bench_poll (full poll, views path, floor, ratios,
#     engine RSS) and tests/bench/console.sh (idle CPU, bytes per refresh,
#     console RSS) on each, then one table of every server next to the
#     embedded one
#   on 2.28.3: the seed report's tables on the MS5.0 demo data
#     (tests/bench/seed.sh; BENCH_SKIP_SEED=1 or BENCH_SKIP_DEMO=1 skip them)
# Policies do not change the data under the measurement: the databases are
# built on a server started with timescaledb.max_background_workers=0 (no
# scheduler), every policy job is paused there (alter_job scheduled => false),
# and the measurement runs on a restart with the scheduler up (it runs, finds
# nothing scheduled). Setup output goes to $BENCH_LOG; the servers are stopped
# on exit, also on failure or interrupt.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
. tests/tools/native.sh
. tests/bench/seed.sh
mkdir -p .bench
LOG=${BENCH_LOG:-$TOP/.bench/bench.log}
RUN=${BENCH_RUN:-$TOP/.bench/run}
mkdir -p "$RUN"
VERSIONS=${BENCH_NATIVE_VERSIONS:-2.28.3 2.29.2}
BIG=${BENCH_CHUNKS:-10000}
case $BIG in ''|*[!0-9]*) echo "bench: BENCH_CHUNKS must be a number of chunks (100000), got '$BIG'"; exit 2 ;; esac
if [ "$BIG" -le 10000 ] || [ $((BIG % 10000)) -ne 0 ]; then SIZES=10000
else SIZES="10000 $BIG"; fi
POLLS=${BENCH_POLLS:-1000}
SETTINGS="-c max_locks_per_transaction=256 -c max_connections=300"
trap native_stop EXIT
trap 'exit 130' INT TERM

bench_q() { # DB PSQL-ARGS...: as the superuser
  _db=$1; shift
  psql -X -q -At -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=$_db" "$@"
}
bench_db_exists() {
  [ "$(echo "SELECT count(*) FROM pg_database WHERE datname = :'d'" | bench_q postgres -v d="$1")" = 1 ]
}
bench_db_drop() {
  echo 'DROP DATABASE IF EXISTS :"d" WITH (FORCE)' | bench_q postgres -v d="$1"
}
db_of() { if [ "$1" = 10000 ]; then echo bench; else echo "bench_$1"; fi; }
fmt_n() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

build_chunks() { # N: database with N chunks (once)
  db=$(db_of "$1"); mark=$DIR/built-$1
  [ -f "$mark" ] && bench_db_exists "$db" && return 0
  rm -f "$mark"
  t0=$(date +%s)
  if { bench_db_drop "$db" && native_create_db "$db" &&
       bench_q "$db" -v hours=$(($1 / 50)) -f tests/bench/chunks.sql &&
       bench_q "$db" -v hours=$(($1 / 50)) -f tests/bench/compress.sql &&
       bench_q "$db" -c "SELECT count(*) FROM (SELECT alter_job(job_id, scheduled => false)
                          FROM timescaledb_information.jobs WHERE job_id >= 1000) s" &&
       bench_q "$db" -c 'VACUUM ANALYZE'; } >>"$LOG" 2>&1; then
    date >"$mark"
    echo "bench: native $V: built $(fmt_n "$1") chunks in $(( $(date +%s) - t0 )) s"
  else
    echo "bench: native $V: building $(fmt_n "$1") chunks failed (log: $LOG)"
  fi
}

measure() { # N
  db=$(db_of "$1"); f=$RUN/native-$V-$1
  [ -f "$DIR/built-$1" ] || return 0
  C="host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=$db"
  polls=$POLLS; [ "$1" = 10000 ] || polls=$(( POLLS / 10 > 10 ? POLLS / 10 : 10 ))
  echo "-- native TimescaleDB $V on PostgreSQL $PGV, $(fmt_n "$1") chunks"
  : >"$f"
  build/bench/bench_poll "$C" "$polls" "$f" 2>>"$LOG" || echo "bench_poll failed (log: $LOG)"
  [ "${BENCH_SKIP_CONSOLE:-0}" = 1 ] ||
    BENCH_FROZEN=0 sh tests/bench/console.sh "$C" "$(fmt_n "$1") chunks, native $V" "$f" 2>>"$LOG"
}

for V in $VERSIONS; do
  DIR=$TOP/.bench/native-$V
  if ! native_ensure "$V" >>"$LOG" 2>&1; then
    echo "bench: native $V: not available (log: $LOG; make native builds it)"; continue
  fi
  # build phase: no scheduler
  NATIVE_EXTRA=; native_settings "$SETTINGS -c timescaledb.max_background_workers=0"
  if ! native_start "$V" "$DIR" >>"$LOG" 2>&1; then
    echo "bench: native $V: the server did not start (log: $LOG)"; continue
  fi
  for n in $SIZES; do build_chunks "$n"; done
  if [ "$V" = 2.28.3 ] && [ "${BENCH_SKIP_SEED:-0}" != 1 ] && [ "${BENCH_SKIP_DEMO:-0}" != 1 ]; then seed_build; fi
  native_stop
  # measurement: the scheduler up, every policy paused
  NATIVE_EXTRA=; native_settings "$SETTINGS"
  if ! native_start "$V" "$DIR" >>"$LOG" 2>&1; then
    echo "bench: native $V: the server did not start (log: $LOG)"; continue
  fi
  echo "bench: native $V: server log $(native_log)" >>"$LOG"
  PGV=$(bench_q postgres -c 'SHOW server_version' | awk '{ print $1 }')
  for n in $SIZES; do measure "$n"; done
  if [ "$V" = 2.28.3 ] && [ "${BENCH_SKIP_SEED:-0}" != 1 ] && [ "${BENCH_SKIP_DEMO:-0}" != 1 ]; then seed_measure; fi
  native_stop
done

# ------------------------------------------------------------ summary tables
# table TITLE LABEL=FILE...: the figures of each file in a column
table() {
  title=$1; shift
  labels=""; files=""
  for a in "$@"; do
    [ -s "${a#*=}" ] || continue
    labels="$labels|${a%%=*}"; files="$files ${a#*=}"
  done
  [ -n "$files" ] || return 0
  # shellcheck disable=SC2086
  awk -v title="$title" -v labels="${labels#|}" '
    FNR == 1 { col++ }
    { v[col, $1] = $2; have[col, $1] = 1 }
    function cell(c, k, fmt) {
      if (k == "pv") return have[c, "views_ms"] && v[c, "poll_ms"] > 0 ? sprintf("1/%.0f", v[c, "views_ms"] / v[c, "poll_ms"]) : "-"
      if (k == "pf") return have[c, "floor_ms"] && v[c, "floor_ms"] > 0 ? sprintf("%.1fx", v[c, "poll_ms"] / v[c, "floor_ms"]) : "-"
      if (k == "pvp") return have[c, "views_ms"] && v[c, "pass_poll_ms"] > 0 ? sprintf("1/%.0f", v[c, "views_ms"] / v[c, "pass_poll_ms"]) : "-"
      if (k == "pfp") return have[c, "floor_ms"] && v[c, "floor_ms"] > 0 && v[c, "pass_poll_ms"] > 0 ? sprintf("%.1fx", v[c, "pass_poll_ms"] / v[c, "floor_ms"]) : "-"
      return have[c, k] ? sprintf(fmt, v[c, k]) : "-"
    }
    END {
      n = split(labels, lab, "|")
      split("full poll, steady state, ms (best of 5)|full poll with the 30 s pass, ms|views + size functions, ms|floor: count(*) per hypertable, ms|poll / views (target <= 1/50)|poll / floor (target <= 3x)|the same with the pass: / views|the same with the pass: / floor|engine RSS, MB (bench_poll)|console idle CPU, % of one core|bytes per refresh, nothing changed|bytes for a full repaint|console RSS, MB", rn, "|")
      split("poll_ms|pass_poll_ms|views_ms|floor_ms|pv|pf|pvp|pfp|rss_mb|idle_cpu_pct|bytes_refresh|repaint_bytes|console_rss_mb", rk, "|")
      split("%.1f|%.1f|%.1f|%.2f|||||%.1f|%.2f|%.0f|%.0f|%.1f", rf, "|")
      print title
      printf "  %-40s", ""; for (c = 1; c <= n; c++) printf " %16s", lab[c]; printf "\n"
      for (r = 1; r <= 13; r++) {
        printf "  %-40s", rn[r]; for (c = 1; c <= n; c++) printf " %16s", cell(c, rk[r], rf[r]); printf "\n"
      }
    }' $files
}

args="embedded=$RUN/embedded-10000"
for V in $VERSIONS; do args="$args $V=$RUN/native-$V-10000"; done
# shellcheck disable=SC2086
table "== every server at 10,000 chunks (console targets on native: no worse than embedded)" $args

for n in $SIZES; do
  [ "$n" = 10000 ] && continue
  for V in $VERSIONS; do
    a=$RUN/native-$V-10000; b=$RUN/native-$V-$n
    [ -s "$a" ] && [ -s "$b" ] || continue
    echo "== growth on native $V from 10,000 to $(fmt_n "$n") chunks ($(fmt_n $((n / 10000)))x the chunks; target: the poll grows no faster than the floor)"
    awk 'FNR == 1 { f++ } { v[f, $1] = $2 }
      END {
        split("chunks|poll_ms|pass_poll_ms|views_ms|floor_ms|rss_mb|idle_cpu_pct|bytes_refresh|repaint_bytes|console_rss_mb", k, "|")
        split("chunks (the Chunks pane)|full poll, steady state, ms|full poll with the 30 s pass, ms|views + size functions, ms|floor, ms|engine RSS, MB|console idle CPU, %|bytes per refresh|bytes for a full repaint|console RSS, MB", name, "|")
        for (i = 1; i <= 10; i++) {
          if (!((1, k[i]) in v) || !((2, k[i]) in v)) continue
          a = v[1, k[i]]; b = v[2, k[i]]
          printf "  %-34s %12.2f -> %12.2f  %s\n", name[i], a, b, (a > 0 ? sprintf("%.1fx", b / a) : "-")
        }
        if (v[1, "poll_ms"] > 0 && v[1, "floor_ms"] > 0 && v[2, "floor_ms"] > 0)
          printf "  the poll grew %.1fx (with the pass %s), the floor %.1fx\n", v[2, "poll_ms"] / v[1, "poll_ms"],
                 (v[1, "pass_poll_ms"] > 0 && v[2, "pass_poll_ms"] > 0 ? sprintf("%.1fx", v[2, "pass_poll_ms"] / v[1, "pass_poll_ms"]) : "-"),
                 v[2, "floor_ms"] / v[1, "floor_ms"]
      }' "$a" "$b"
  done
done
exit 0
