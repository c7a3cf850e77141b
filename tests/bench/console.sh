#!/bin/sh
# Figures of the console binary itself. Prints; never fails on a time.
#   sh tests/bench/console.sh CONNINFO LABEL [FIGURES]
# CONNINFO: the server with the bench data; LABEL names it in the lines
# ("10,000 chunks, embedded 2.23"); FIGURES: a file the figures are appended
# to as "name value" lines (idle_cpu_pct, bytes_refresh, repaint_bytes,
# console_rss_mb). BENCH_FROZEN=0 skips the frozen-server part.
#   idle CPU over BENCH_IDLE_SECS (60) at --interval 1 (utime+stime, /proc/PID/stat)
#   bytes written to the terminal per refresh (tmux pipe-pane), values unchanged,
#     and for a full repaint (every cell redrawn: what "every value changed" costs at most)
#   resident memory of the console on that server after that
#   keystroke-to-screen latency while a PostgreSQL 15 server is SIGSTOPped
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
[ $# -ge 2 ] || { echo "usage: console.sh CONNINFO LABEL [FIGURES]" >&2; exit 2; }
CONN=$1 LABEL=$2 FIGS=${3:-/dev/null}
BIN=$TOP/build/tsdbtop
SOCK=tsdbtop-bench-$$
BW=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-bench.XXXXXX")
chmod 755 "$BW"
T() { tmux -L "$SOCK" "$@"; }
FROZEN="" PG15_UP=""
cleanup() { # the tmux server, a stopped PostgreSQL 15 resumed and stopped, the scratch directory
  T kill-server 2>/dev/null
  # shellcheck disable=SC2086
  [ -z "$FROZEN" ] || kill -CONT $FROZEN 2>/dev/null
  [ -z "$PG15_UP" ] || pg15_stop immediate >/dev/null 2>&1
  rm -rf "$BW"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then export LANG=C.UTF-8 LC_ALL=C.UTF-8; fi
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
console_pid() { # the tsdbtop process under the tmux pane
  pp=$(T display-message -p -t "$1" '#{pane_pid}')
  pgrep -P "$pp" -x tsdbtop | head -1
}
start() { # NAME CONNINFO INTERVAL
  T new-session -d -s "$1" -x 120 -y 40 "TERM=xterm-256color '$BIN' --interval $3 --read-only '$2' 2>/dev/null; sleep 600"
  i=0; while [ $i -lt 300 ]; do
    T capture-pane -p -t "$1" | grep -q 'polled [0-9:]* UTC' && break
    sleep 0.2; i=$((i + 1))
  done
}

# ---------------------------------------------------------------- the bench data
start idle "$CONN" 1
sleep 3
pid=$(console_pid idle)
secs=${BENCH_IDLE_SECS:-60}
T pipe-pane -o -t idle "cat >> '$BW/idle.bytes'"
c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
sleep "$secs"
c1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
T pipe-pane -t idle
idle_bytes=$(wc -c <"$BW/idle.bytes")
awk -v c=$((c1 - c0)) -v hz="$ticks" -v t0="$t0" -v t1="$t1" -v b="$idle_bytes" -v l="$LABEL" -v f="$FIGS" 'BEGIN {
  w = t1 - t0
  printf "console idle CPU (%s, --interval 1, %.0f s): %.2f %% of one core (target <= 0.5 %%)\n", l, w, 100 * c / hz / w
  printf "bytes to the terminal per refresh, nothing changed:   %.0f (%d bytes in %.0f refreshes; target <= 200)\n", b / w, b, w
  printf "idle_cpu_pct %.3f\nbytes_refresh %.1f\n", 100 * c / hz / w, b / w >> f
}'
# a full repaint: every cell of the 120x40 screen drawn again (resize away and back)
T resize-window -t idle -x 119 -y 40; sleep 1
T pipe-pane -o -t idle "cat >> '$BW/full.bytes'"
T resize-window -t idle -x 120 -y 40; sleep 1.5
T pipe-pane -t idle
full=$(wc -c <"$BW/full.bytes")
echo "bytes for a full repaint of 120x40 (every value changed, upper bound): $full"
rss=$(awk -v k="$(rss_kb "$pid")" 'BEGIN { printf "%.1f", k / 1024 }')
printf 'console RSS (%s) after %s polls: %s MB\n' "$LABEL" "$secs" "$rss"
printf 'repaint_bytes %s\nconsole_rss_mb %s\n' "$full" "$rss" >>"$FIGS"
T kill-session -t idle

# ---------------------------------------------------------------- frozen server
. "$TOP/tests/tools/pg15.sh"
if [ "${BENCH_FROZEN:-1}" = 0 ]; then
  :
elif pg15_start "$BW/pg" >/dev/null 2>&1 && PG15_UP=1; then
  start fr "$PG15_CONNINFO" 1
  T pipe-pane -o -t fr "cat >> '$BW/keys.bytes'"
  cat >"$BW/lat.py" <<'PY'
import os, subprocess, sys, time
sock, path, label = sys.argv[1], sys.argv[2], sys.argv[3]
def size():
    return os.path.getsize(path) if os.path.exists(path) else 0
lat = []
for i in range(15):
    before = size()
    t0 = time.monotonic()
    subprocess.run(['tmux', '-L', sock, 'send-keys', '-t', 'fr', '?'], check=True)
    while time.monotonic() - t0 < 2:     # until the help's title is written
        with open(path, 'rb') as f:
            f.seek(before)
            if b'Help' in f.read():
                break
        time.sleep(0.0002)
    lat.append((time.monotonic() - t0) * 1000)
    time.sleep(0.2)
    subprocess.run(['tmux', '-L', sock, 'send-keys', '-t', 'fr', 'Escape'], check=True)
    time.sleep(0.3)
lat.sort()
print("keystroke-to-screen latency, %s: median %.1f ms, max %.1f ms over %d keys"
      % (label, lat[len(lat) // 2], lat[-1], len(lat)))
PY
  # the same measure on a live server first: tmux's own share (send-keys
  # process, pane input, pipe-pane output) is in both
  python3 "$BW/lat.py" "$SOCK" "$BW/keys.bytes" "server live (baseline)"
  pm=$(head -1 "$PG15_DIR/data/postmaster.pid")
  kids=$(pgrep -P "$pm" | tr '\n' ' ')
  FROZEN="$pm $kids"
  # shellcheck disable=SC2086
  kill -STOP "$pm" $kids
  sleep 3       # a poll is now stuck on the frozen server
  python3 "$BW/lat.py" "$SOCK" "$BW/keys.bytes" "server frozen (SIGSTOP), target <= 20 ms"
  T pipe-pane -t fr
  # shellcheck disable=SC2086
  kill -CONT "$pm" $kids
  T kill-server
  pg15_stop immediate
  FROZEN="" PG15_UP=""
else
  echo "keystroke latency: PostgreSQL 15 did not start (skipped)"
fi
