#!/bin/sh
# tests/bench/exporter.sh (make bench; BENCH_SKIP_EXPORTER=1 skips it): the
# exporter's figures, printed, never failing on a time. Two embedded
# databases of their own (memory), each with metric_hist (6 chunks) and 20
# small hypertables.
#   - RSS per watched server: the exporter watching 1, 4 and 8 servers (the
#     same database several times), after three polls of each;
#   - CPU per scrape: utime+stime of the exporter over BENCH_SCRAPES (2000)
#     scrapes of /metrics, divided by their number (no poll in between:
#     --interval 3600 after the first);
#   - scrape latency while one of two servers is frozen (SIGSTOP, 4 s): the
#     median and the longest of 200 scrapes, and the frozen server's scrape
#     age: the answers come from its last poll.
# Figures on stdout; setup output into $BENCH_LOG (.bench/bench.log).
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
BIN=$TOP/build/tsdbtop
BENCH_LOG=${BENCH_LOG:-$TOP/.bench/bench.log}
. tests/tools/tsdb.sh
W=$(mktemp -d /tmp/tsdbtop-bench-exporter.XXXXXX) || exit 1
XPID=
cleanup() { [ -n "$XPID" ] && kill "$XPID" 2>/dev/null; [ -n "${A_PID:-}" ] && kill -CONT "$A_PID" 2>/dev/null; tsdb_stop; rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
SCRAPES=${BENCH_SCRAPES:-2000}
TCK=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

fixture() {
  psql -X -q -v ON_ERROR_STOP=1 "$1" <<'EOF'
CREATE SCHEMA factory_telemetry;
CREATE TABLE factory_telemetry.metric_hist(ts timestamptz NOT NULL, v float8);
SELECT create_hypertable('factory_telemetry.metric_hist', 'ts', chunk_time_interval => interval '1 day');
INSERT INTO factory_telemetry.metric_hist SELECT now() - g * interval '1 hour', g FROM generate_series(0, 24 * 5) g;
DO $$ BEGIN FOR i IN 1..20 LOOP
  EXECUTE format('CREATE TABLE public.h%s (ts timestamptz NOT NULL, v int)', i);
  PERFORM create_hypertable(format('public.h%s', i)::regclass, 'ts');
  EXECUTE format('INSERT INTO public.h%s VALUES (now(), 1)', i);
END LOOP; END $$;
EOF
}

start_exporter() { # start_exporter INTERVAL CONNINFO...: sets XPID, X
  _iv=$1; shift
  XPORT=$(free_port)
  "$BIN" exporter --listen "127.0.0.1:$XPORT" --interval "$_iv" "$@" 2>>"$BENCH_LOG" &
  XPID=$!
  X=http://127.0.0.1:$XPORT
}

stop_exporter() { kill "$XPID" 2>/dev/null; wait "$XPID" 2>/dev/null; XPID=; }

wait_polls() { # wait_polls N: every server has N polls (60 s at most)
  _i=0
  while [ $_i -lt 300 ]; do
    curl -s "$X/metrics" >"$W/m" 2>/dev/null
    _min=$(sed -n 's/^tsdbtop_polls_total{[^}]*} //p' "$W/m" | sort -n | head -1)
    [ -n "$_min" ] && [ "$_min" -ge "$1" ] && return 0
    sleep 0.2; _i=$((_i + 1))
  done
  return 1
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

echo "-- exporter (tsdbtop exporter, embedded databases with 21 hypertables each)"
tsdb_start memory 2>>"$BENCH_LOG" || { echo "exporter: the embedded database did not start"; exit 0; }
A_PID=$TSDB_PID; A=$TSDB_CONNINFO
tsdb_start memory 2>>"$BENCH_LOG" || { echo "exporter: the second embedded database did not start"; exit 0; }
B=$TSDB_CONNINFO
fixture "$A" >>"$BENCH_LOG" 2>&1 && fixture "$B" >>"$BENCH_LOG" 2>&1 || { echo "exporter: fixture failed (log: .bench/bench.log)"; exit 0; }

# ---- RSS per watched server ----
rss1=
for n in 1 4 8; do
  set --; for k in $(seq 1 $n); do set -- "$@" "$A"; done
  start_exporter 1 "$@"
  if wait_polls 3; then
    r=$(rss_kb "$XPID")
    [ -z "$rss1" ] && rss1=$r
    awk -v a="$r" -v b="$rss1" -v n="$n" 'BEGIN {
      printf "exporter RSS, %d server%s: %.1f MB", n, n == 1 ? "" : "s", a / 1024
      if (n > 1) printf " (%.2f MB per server beyond the first)", (a - b) / (n - 1) / 1024
      printf "\n" }'
  else
    echo "exporter RSS, $n servers: no three polls in 60 s"
  fi
  stop_exporter
done

# ---- CPU per scrape ----
start_exporter 3600 "$A" "$B"
if wait_polls 1; then
  bytes=$(curl -s "$X/metrics" | wc -c)
  c0=$(cpu_ticks "$XPID"); t0=$(date +%s.%N)
  curl -s -o /dev/null "$X/metrics?n=[1-$SCRAPES]"
  c1=$(cpu_ticks "$XPID"); t1=$(date +%s.%N)
  awk -v c="$((c1 - c0))" -v t="$TCK" -v n="$SCRAPES" -v b="$bytes" -v s0="$t0" -v s1="$t1" 'BEGIN {
    printf "exporter CPU per scrape (2 servers, %d bytes): %.0f us (utime+stime over %d scrapes; %.0f scrapes/s from one curl)\n",
      b, c / t / n * 1e6, n, n / (s1 - s0) }'
else
  echo "exporter CPU per scrape: no poll in 60 s"
fi
stop_exporter

# ---- latency with a frozen server ----
start_exporter 1 "$A" "$B"
if wait_polls 2; then
  kill -STOP "$A_PID"
  sleep 0.5
  curl -s --rate 50/s -o /dev/null -w '%{http_code} %{time_total}\n' "$X/metrics?n=[1-200]" >"$W/lat"
  age=$(curl -s "$X/metrics" | sed -n 's/^tsdbtop_scrape_age_seconds{server="127.0.0.1:[0-9]*\/template1"} //p' | sort -n | tail -1)
  kill -CONT "$A_PID"
  ok=$(grep -c '^200 ' "$W/lat")
  sort -k2 -n "$W/lat" | awk -v ok="$ok" -v age="$age" '{ t[NR] = $2 } END {
    printf "exporter scrape latency, one of 2 servers frozen (SIGSTOP) for 4 s: median %.1f ms, max %.1f ms over %d scrapes (%d answered 200; the frozen server answered from its last poll, %.1f s old)\n",
      t[int((NR + 1) / 2)] * 1000, t[NR] * 1000, NR, ok, age }'
else
  echo "exporter scrape latency: no two polls in 60 s"
fi
stop_exporter
exit 0
