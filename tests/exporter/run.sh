#!/bin/sh
# tests/exporter/run.sh — the exporter tier (issue #14): `tsdbtop exporter`
# watching the embedded database and a native TimescaleDB 2.28.3 (the
# configuration's [server NAME] sections), scraped by a real Prometheus
# (/usr/bin/prometheus on a free loopback port, its own data directory,
# scrape_interval 1 s), asked through its HTTP API with curl + jq:
#   - up is 1; tsdbtop_up is 1 for both servers; tsdbtop_hypertable_chunks
#     of metric_hist equals the catalog's chunk count (psql) on each;
#   - a hypertable named with quotes, backslashes, a newline and an escape
#     sequence is a label value Prometheus took (read back: the escape byte
#     as '?', the rest exact);
#   - 20 concurrent scrapers (curl, 10 requests/s each) for 30 s: none fails, the
#     native server sees one poll per interval: pg_stat_statements' calls of
#     the exporter role's statements = tsdbtop_polls_total (within one), and
#     no more polls than the interval allows;
#   - bad requests: garbage bytes, a 1 MB header, /probe with an unknown
#     target or a connection string, an unknown path, POST: 4xx (or the
#     connection closed, for bytes that are no HTTP at all), and the exporter
#     still serving; /healthz; /probe?target=native has that server only;
#   - metrics --format prometheus --out FILE: complete (promtool check
#     metrics), the same chunk count, no temp file left, also when the
#     rename fails;
#   - the embedded server stopped: its tsdbtop_up is 0 within two intervals
#     while the native server's polls go on;
#   - a busy port: exit 1, one line; a bad --listen: exit 2; SIGTERM: exit 0.
# The native half is skipped ("ok # skip") only when TimescaleDB 2.28.3 is
# not built and NATIVE_SKIP is set. Servers, Prometheus and scrapers are
# stopped whatever happens. Prints "ok - ..." / "not ok - ..."; exit 1 on any
# failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
BIN=$TOP/build/tsdbtop
. tests/tools/tsdb.sh
. tests/tools/native.sh
W=$(mktemp -d /tmp/tsdbtop-exporter.XXXXXX) || exit 1
[ "$(id -u)" = 0 ] && chmod 755 "$W"
V=2.28.3
INTERVAL=2
rc=0
XPID= PPID_PROM= NATIVE_UP=no SCRAPERS=
cleanup() {
  for p in $SCRAPERS $XPID $PPID_PROM; do kill "$p" 2>/dev/null; done
  for p in $XPID $PPID_PROM; do wait "$p" 2>/dev/null; done
  tsdb_stop
  [ "$NATIVE_UP" = yes ] && native_stop immediate
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ok() { echo "ok - exporter: $*"; }
nok() { echo "not ok - exporter: $*"; rc=1; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

# ---- the fixture: metric_hist over six days, a hostile hypertable ----
HOSTILE_SQL="E'we\"ird\\\\na\\nme\\x1b[31m'"
fixture() { # fixture CONNINFO
  psql -X -q -v ON_ERROR_STOP=1 "$1" >/dev/null <<EOF
CREATE EXTENSION IF NOT EXISTS timescaledb;
CREATE SCHEMA factory_telemetry;
CREATE TABLE factory_telemetry.metric_hist(ts timestamptz NOT NULL, v float8);
SELECT create_hypertable('factory_telemetry.metric_hist', 'ts', chunk_time_interval => interval '1 day');
INSERT INTO factory_telemetry.metric_hist SELECT now() - g * interval '1 hour', g FROM generate_series(0, 24 * 5) g;
DO \$\$ BEGIN
  EXECUTE format('CREATE TABLE public.%I (ts timestamptz NOT NULL, v int)', $HOSTILE_SQL);
  PERFORM create_hypertable(format('public.%I', $HOSTILE_SQL)::regclass, 'ts');
  EXECUTE format('INSERT INTO public.%I VALUES (now(), 1)', $HOSTILE_SQL);
END \$\$;
EOF
}
# the hostile name as Prometheus must hold it (ESC -> '?'), a JSON string
printf '"we\\"ird\\\\na\\nme?[31m"' >"$W/hostile.json"
chunks_sql="SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'metric_hist'"

# ---- servers ----
if ! tsdb_start "$W/tsdb"; then echo "not ok - exporter: the embedded database starts"; exit 1; fi
EMB_PID=$TSDB_PID
EMB=$TSDB_CONNINFO
check "embedded fixture (metric_hist, a hostile hypertable)" 'fixture "$EMB" 2>"$W/fx.err" || { cat "$W/fx.err"; false; }'
NAT=
if [ ! -f "/usr/lib/postgresql/15/lib/timescaledb-$V.so" ] && [ -n "${NATIVE_SKIP:-}" ]; then
  echo "ok - exporter: native $V # skip TimescaleDB $V is not built (make native) and NATIVE_SKIP is set"
elif native_ensure "$V" >"$W/native-build.log" 2>&1 &&
     native_settings "-c shared_preload_libraries=timescaledb,pg_stat_statements" &&
     native_start "$V" "$W/native" "$(native__free_port)" 2>"$W/native.err"; then
  NATIVE_UP=yes
  native_create_db xp
  NAT="host=127.0.0.1 port=$NATIVE_PORT user=tsdbtop_xp dbname=xp"
  psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=xp" \
    -c "CREATE EXTENSION pg_stat_statements" -c "CREATE ROLE tsdbtop_xp LOGIN SUPERUSER" >/dev/null
  check "native $V fixture" 'fixture "host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=xp" 2>"$W/fx.err" || { cat "$W/fx.err"; false; }'
else
  nok "native $V starts: $(tail -n 3 "$W/native-build.log" "$W/native.err" 2>/dev/null | tr '\n' ' ')"
fi

# ---- the exporter, on [server NAME] sections ----
XPORT=$(free_port)
{ echo "[server embedded]"; echo "conninfo = $EMB"
  [ -n "$NAT" ] && { echo "[server native]"; echo "conninfo = $NAT"; }; } >"$W/config"
"$BIN" exporter --config "$W/config" --listen "127.0.0.1:$XPORT" --interval $INTERVAL \
  >"$W/exporter.out" 2>"$W/exporter.err" &
XPID=$!
X=http://127.0.0.1:$XPORT
i=0; while [ $i -lt 50 ] && [ "$(http_code "$X/healthz")" != 200 ]; do sleep 0.2; i=$((i + 1)); done
check "exporter answers /healthz (200 ok)" '[ "$(curl -s "$X/healthz")" = ok ]'
i=0; while [ $i -lt 50 ] && ! curl -s "$X/metrics" | grep -q '^tsdbtop_up{server="embedded"} 1'; do sleep 0.2; i=$((i + 1)); done

# ---- Prometheus ----
PPORT=$(free_port)
cat >"$W/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: tsdbtop
    static_configs:
      - targets: ['127.0.0.1:$XPORT']
EOF
prometheus --config.file="$W/prometheus.yml" --storage.tsdb.path="$W/prom" \
  --web.listen-address="127.0.0.1:$PPORT" --log.level=warn >"$W/prometheus.log" 2>&1 &
PPID_PROM=$!
P=http://127.0.0.1:$PPORT
pq() { curl -s --max-time 5 "$P/api/v1/query" --data-urlencode "query=$1"; }
pv() { pq "$1" | jq -r '.data.result[0].value[1] // "none"'; }
wait_pv() { # wait_pv SECS QUERY WANT: the query's value becomes WANT
  _n=$(( $1 * 5 )); _i=0
  while [ $_i -lt $_n ]; do [ "$(pv "$2")" = "$3" ] && return 0; sleep 0.2; _i=$((_i + 1)); done
  echo "# $2 = $(pv "$2") after $1 s (wanted $3)"; return 1
}
check "Prometheus scrapes the exporter: up is 1" 'wait_pv 30 "up{job=\"tsdbtop\"}" 1'
for s in embedded native; do
  [ $s = native ] && [ -z "$NAT" ] && continue
  c=$EMB; [ $s = native ] && c="host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=xp"
  check "$s: tsdbtop_up is 1" 'wait_pv 20 "tsdbtop_up{server=\"$s\"}" 1'
  want=$(psql -X -At "$c" -c "$chunks_sql")
  check "$s: tsdbtop_hypertable_chunks{hypertable=\"metric_hist\"} = the catalog's $want chunks" \
    '[ -n "$want" ] && [ "$want" -gt 0 ] && wait_pv 10 "tsdbtop_hypertable_chunks{server=\"$s\",hypertable=\"metric_hist\"}" "$want"'
  check "$s: the hostile hypertable name is a label value Prometheus took, read back exactly" \
    'pq "tsdbtop_hypertable_chunks{server=\"$s\",schema=\"public\"}" | jq -e --slurpfile w "$W/hostile.json" "[.data.result[].metric.hypertable] | index(\$w[0]) != null" >/dev/null'
done
check "every family has HELP and TYPE; the exposition passes promtool check metrics" \
  'curl -s "$X/metrics" >"$W/scrape.prom" && promtool check metrics <"$W/scrape.prom" &&
   [ "$(grep -c "^# HELP tsdbtop_" "$W/scrape.prom")" = "$(grep -c "^# TYPE tsdbtop_" "$W/scrape.prom")" ] &&
   grep -q "^# TYPE tsdbtop_cagg_promised_lag_seconds gauge" "$W/scrape.prom"'

# ---- 20 scrapers for 30 s ----
polls() { curl -s "$X/metrics" | sed -n "s/^tsdbtop_polls_total{server=\"$1\"} //p"; }
server_calls() {
  psql -X -At "host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=xp" -c \
    "SELECT coalesce(max(calls), 0) FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
     WHERE r.rolname = 'tsdbtop_xp' AND s.query NOT ILIKE '%set_config%'"
}
p0=$(polls embedded); n0=$(polls native)
t0=$(date +%s)
for k in $(seq 1 20); do   # one curl per scraper, 10 requests a second for 30 s
  timeout 45 curl -s --rate 10/s --max-time 5 -o /dev/null -w '%{http_code}\n' "$X/metrics?n=[1-300]" \
    >"$W/scraper.$k" 2>/dev/null &
  SCRAPERS="$SCRAPERS $!"
done
wait $SCRAPERS 2>/dev/null
SCRAPERS=
t1=$(date +%s)
p1=$(polls embedded); n1=$(polls native)
total=$(cat "$W"/scraper.* | wc -l)
failed=$(cat "$W"/scraper.* | grep -vcx 200)
maxp=$(( (t1 - t0) / INTERVAL + 2 ))
echo "# 20 scrapers: $total scrapes in $((t1 - t0)) s, $failed failed; polls embedded $p0 -> $p1, native $n0 -> $n1 (at most $maxp)"
check "20 scrapers for 30 s: $total scrapes, none failed" '[ "$total" -ge 200 ] && [ "$failed" = 0 ]'
check "one poll per interval however many scrape: embedded $((p1 - p0)) polls in $((t1 - t0)) s" \
  '[ $((p1 - p0)) -le $maxp ] && [ $((p1 - p0)) -ge $(( (t1 - t0) / INTERVAL / 2 )) ]'
if [ -n "$NAT" ]; then
  sc=$(server_calls); xn=$(polls native)
  echo "# native: the server counted $sc executions per statement of the exporter's role; tsdbtop_polls_total $xn"
  check "native: the server saw the polls the exporter counted (pg_stat_statements $sc, tsdbtop_polls_total $xn)" \
    '[ "$sc" -gt 0 ] && [ $((sc - xn)) -le 1 ] && [ $((xn - sc)) -le 1 ]'
  check "native: $((n1 - n0)) polls in $((t1 - t0)) s under 20 scrapers (at most $maxp)" \
    '[ $((n1 - n0)) -le $maxp ] && [ $((n1 - n0)) -ge 1 ]'
fi

# ---- bad requests ----
python3 - "$XPORT" >"$W/raw.out" 2>&1 <<'EOF'
import socket, sys
port = int(sys.argv[1])
def raw(data):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s.sendall(data)
    except OSError:
        pass
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except OSError:
        pass
    s.close()
    line = out.split(b"\r\n")[0].decode(errors="replace")
    return line.split(" ")[1] if line.startswith("HTTP/") else "closed"
print("bigheader", raw(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1048576 + b"\r\n\r\n"))
print("badheader", raw(b"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n"))
print("badversion", raw(b"GET /metrics HTTP/7.1\r\nHost: x\r\n\r\n"))
print("nulmethod", raw(b"G\x00T /metrics HTTP/1.1\r\nHost: x\r\n\r\n"))
print("binary", raw(bytes(range(256)) * 64))
print("tls", raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 300))
EOF
code() { sed -n "s/^$1 //p" "$W/raw.out"; }
is4xx() { case $1 in 4??) true ;; *) false ;; esac; }
check "a 1 MB header: $(code bigheader)" 'is4xx "$(code bigheader)"'
for g in badheader badversion nulmethod; do
  check "garbage request ($g): $(code $g)" 'is4xx "$(code $g)" || [ "$(code $g)" = 505 ]'
done
for g in binary tls; do
  check "bytes that are no HTTP ($g): no 2xx ($(code $g))" '[ "$(code $g)" = closed ] || is4xx "$(code $g)"'
done
check "/probe?target=nosuch: 404" '[ "$(http_code "$X/probe?target=nosuch")" = 404 ]'
check "/probe with a connection string: 400" \
  '[ "$(http_code "$X/probe?target=host%3D127.0.0.1%20port%3D$NATIVE_PORT")" = 400 ] &&
   [ "$(http_code "$X/probe?target=postgresql://postgres@127.0.0.1/xp")" = 400 ] && [ "$(http_code "$X/probe")" = 400 ]'
check "unknown path 404, POST 405, HEAD 200" \
  '[ "$(http_code "$X/nope")" = 404 ] && [ "$(http_code -X POST -d x "$X/metrics")" = 405 ] && [ "$(http_code -I "$X/metrics")" = 200 ]'
check "the exporter still serves after all of that" \
  'kill -0 $XPID && [ "$(http_code "$X/metrics")" = 200 ] && [ "$(curl -s "$X/healthz")" = ok ]'
if [ -n "$NAT" ]; then
  check "/probe?target=native: that server's series only" \
    'curl -s "$X/probe?target=native" >"$W/probe.prom" && grep -q "^tsdbtop_up{server=\"native\"} 1" "$W/probe.prom" &&
     ! grep -q "server=\"embedded\"" "$W/probe.prom" && promtool check metrics <"$W/probe.prom"'
fi

# ---- metrics --format prometheus --out ----
mkdir -p "$W/textfile"
want=$(psql -X -At "$EMB" -c "$chunks_sql")
check "metrics --format prometheus --out: complete, promtool accepts it, no temp file left" \
  '"$BIN" metrics --format prometheus --out "$W/textfile/tsdbtop.prom" "$EMB" &&
   promtool check metrics <"$W/textfile/tsdbtop.prom" && grep -q "^tsdbtop_up{server=\"[^\"]*\"} 1$" "$W/textfile/tsdbtop.prom" &&
   grep -q "hypertable=\"metric_hist\"} $want\$" "$W/textfile/tsdbtop.prom" &&
   [ "$(tail -c 1 "$W/textfile/tsdbtop.prom" | od -An -c | tr -d " ")" = "\\n" ] &&
   [ "$(ls -A "$W/textfile")" = tsdbtop.prom ]'
mkdir -p "$W/textfile/adir"
check "metrics --out onto a directory: exit 1, one line, no temp file left" \
  '! "$BIN" metrics --format prometheus --out "$W/textfile/adir" "$EMB" 2>"$W/m.err" &&
   [ "$(wc -l <"$W/m.err")" = 1 ] && [ "$(ls -A "$W/textfile" | tr "\n" " ")" = "adir tsdbtop.prom " ]'

# ---- one server stopped ----
if [ -n "$NAT" ]; then
  n0=$(polls native)
  tsdb_stop "$EMB_PID"
  check "embedded stopped: its tsdbtop_up is 0 within two intervals" \
    'wait_pv $((2 * INTERVAL + 2)) "tsdbtop_up{server=\"embedded\"}" 0'
  sleep $((INTERVAL + 1))
  check "... while the native server's series go on (up 1, polls $n0 -> $(polls native))" \
    '[ "$(pv "tsdbtop_up{server=\"native\"}")" = 1 ] && [ "$(polls native)" -gt "$n0" ] &&
     [ "$(pv "up{job=\"tsdbtop\"}")" = 1 ]'
  check "the exporter said so on stderr, one line" 'grep -c "embedded: .*tsdbtop_up 0" "$W/exporter.err" | grep -qx 1'
fi

# ---- usage and signals ----
check "a busy port: exit 1 and one line" \
  '"$BIN" exporter --listen "127.0.0.1:$XPORT" "$EMB" 2>"$W/busy.err"; [ $? = 1 ] && [ "$(wc -l <"$W/busy.err")" = 1 ] &&
   grep -q "cannot listen on 127.0.0.1:$XPORT: Address already in use" "$W/busy.err"'
check "a bad --listen, --interval, flag or server name: exit 2 and one line each" \
  'for a in "--listen nohost:1" "--listen 127.0.0.1:99999" "--interval 0" "--max-series x" "--nope" "nosuchserver"; do
     "$BIN" exporter $a 2>"$W/bad.err"; r=$?; [ $r = 2 ] && [ "$(wc -l <"$W/bad.err")" = 1 ] || { echo "$a: $r"; cat "$W/bad.err"; exit 1; }
   done'
check "SIGTERM: the exporter stops, exit 0" 'kill -TERM $XPID; wait $XPID; r=$?; XPID=; [ $r = 0 ]'
exit $rc
