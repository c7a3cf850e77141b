#!/bin/sh
# Figures of the console binary itself (run by tests/bench/run.sh with the
# 10,000-chunk launcher running: TSDB_CONNINFO). Prints; never fails on a time.
#   idle CPU over BENCH_IDLE_SECS (60) at --interval 1 (utime+stime, /proc/PID/stat)
#   bytes written to the terminal per refresh (tmux pipe-pane), values unchanged,
#     and for a full repaint (every cell redrawn: what "every value changed" costs at most)
#   resident memory of the console at 10,000 chunks after that
#   keystroke-to-screen latency while a PostgreSQL 15 server is SIGSTOPped
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
BIN=$TOP/build/tsdbtop
SOCK=tsdbtop-bench-$$
BW=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-bench.XXXXXX")
chmod 755 "$BW"
T() { tmux -L "$SOCK" "$@"; }
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

# ---------------------------------------------------------------- 10k chunks
start idle "$TSDB_CONNINFO" 1
sleep 3
pid=$(console_pid idle)
secs=${BENCH_IDLE_SECS:-60}
T pipe-pane -o -t idle "cat >> '$BW/idle.bytes'"
c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
sleep "$secs"
c1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
T pipe-pane -t idle
idle_bytes=$(wc -c <"$BW/idle.bytes")
awk -v c=$((c1 - c0)) -v hz="$ticks" -v t0="$t0" -v t1="$t1" -v b="$idle_bytes" 'BEGIN {
  w = t1 - t0
  printf "console idle CPU (10,000 chunks, --interval 1, %.0f s): %.2f %% of one core (target <= 0.5 %%)\n", w, 100 * c / hz / w
  printf "bytes to the terminal per refresh, nothing changed:   %.0f (%d bytes in %.0f refreshes; target <= 200)\n", b / w, b, w
}'
# a full repaint: every cell of the 120x40 screen drawn again (resize away and back)
T resize-window -t idle -x 119 -y 40; sleep 1
T pipe-pane -o -t idle "cat >> '$BW/full.bytes'"
T resize-window -t idle -x 120 -y 40; sleep 1.5
T pipe-pane -t idle
echo "bytes for a full repaint of 120x40 (every value changed, upper bound): $(wc -c <"$BW/full.bytes")"
printf 'console RSS at 10,000 chunks after %s polls:        %.1f MB\n' "$secs" "$(awk -v k="$(rss_kb "$pid")" 'BEGIN { print k / 1024 }')"
T kill-session -t idle

# ---------------------------------------------------------------- frozen server
. "$TOP/tests/tools/pg15.sh"
if pg15_start "$BW/pg" >/dev/null 2>&1; then
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
  # shellcheck disable=SC2086
  kill -STOP "$pm" $kids
  sleep 3       # a poll is now stuck on the frozen server
  python3 "$BW/lat.py" "$SOCK" "$BW/keys.bytes" "server frozen (SIGSTOP), target <= 20 ms"
  T pipe-pane -t fr
  # shellcheck disable=SC2086
  kill -CONT "$pm" $kids
  T kill-server
  pg15_stop immediate
else
  echo "keystroke latency: PostgreSQL 15 did not start (skipped)"
fi
T kill-server 2>/dev/null
rm -rf "$BW"
