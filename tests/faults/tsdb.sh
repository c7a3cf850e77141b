#!/bin/sh
# Faults and hostile input against the embedded TimescaleDB, under a running
# console: hostile names (tests/faults/hostile.sql) shown sanitised, carried
# exactly in JSON, and acted on exactly; 10,000 random keys with resize
# storms in --read-only (FAULTS_KEYS); valgrind over 200 polls; the launcher
# killed (SIGKILL) and started again on the same port; the TimescaleDB
# extension dropped under the console. `check` exit codes in those states.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd); export TOP
BIN=${TSDBTOP_BIN:-$TOP/build/tsdbtop}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tsdbtop-faults-ts.XXXXXX") || exit 1
chmod 755 "$WORK"
. "$TOP/tests/faults/lib.sh"
LPID=
cleanup() {
  T kill-server >/dev/null 2>&1
  [ -n "$LPID" ] && kill -TERM "$LPID" 2>/dev/null && sleep 1 && kill -KILL "$LPID" 2>/dev/null
  [ "${FAULTS_KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
started=$(date +%s)

free_port() {
  p=$(( 30000 + ($$ * 13) % 20000 ))
  while ss -ltn 2>/dev/null | grep -q ":$p "; do p=$((p + 1)); done
  echo "$p"
}
PORT=$(free_port)
# launch: our own launcher on a fixed port and data dir (tsdb_start picks the port)
launch() {
  : >"$WORK/launcher.out"
  node tests/embedded/launcher.mjs --port "$PORT" --data "$WORK/data" \
    >"$WORK/launcher.out" 2>>"$WORK/launcher.err" </dev/null &
  LPID=$!
  i=0
  while [ $i -lt 900 ]; do
    grep -q '^tsdb-launcher ready' "$WORK/launcher.out" 2>/dev/null && return 0
    kill -0 "$LPID" 2>/dev/null || return 1
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
C="host=127.0.0.1 port=$PORT user=postgres dbname=template1"
Q() { psql -X -q -v ON_ERROR_STOP=1 -At "$C" "$@"; }
if launch; then ok "embedded TimescaleDB on port $PORT"; else not_ok "embedded TimescaleDB starts"; cat "$WORK/launcher.err"; exit 1; fi
if Q -f tests/faults/hostile.sql >"$WORK/fixture.log" 2>&1; then ok "hostile fixture loaded (9 hypertables, 1 aggregate)"
else not_ok "hostile fixture loaded"; sed 's/^/#   /' "$WORK/fixture.log"; exit 1; fi

# ------------------------------------------------------------ hostile names
S=h
start_console $S "$C" 200 50 --interval 1 --read-only
check "hostile: the console polls the hostile schema" $S wait_for_text $S 'with space' 40
wait_for_gone $S 'waiting for first poll' 30
sc=$(T capture-pane -p -t $S)
if printf '%s\n' "$sc" | grep -Fq 'evil?[2J?]0;pwned??[31mred' || printf '%s\n' "$sc" | grep -Fq 'evil?[2J?]0;pwned'; then
  ok "hostile: escape sequences drawn as '?' (evil?[2J?]0;pwned...)"
else not_ok "hostile: escape sequences drawn as '?'" $S; fi
if T capture-pane -p -e -t $S | grep -q "$(printf '\033')\\[2J\\|$(printf '\033')\\]0;"; then
  not_ok "hostile: no raw clear-screen / title sequence reaches the terminal"
else ok "hostile: no raw clear-screen / title sequence reaches the terminal"; fi
title=$(T display-message -p -t $S '#{pane_title}')
case $title in *pwned*) not_ok "hostile: the window title was not set by a name ($title)" ;;
  *) ok "hostile: the window title was not set by a name" ;; esac
for n in "it's \"quoted\"" 'back\slash' '%s%n%x%%' 'ünïcødé_测试' 'x"; DROP TABLE victim; --' 'LLLLLLLLLLLLLLLLLLLL'; do
  printf '%s\n' "$sc" | grep -Fq -- "$n" || { not_ok "hostile: '$n' shown as is" $S; continue; }
  ok "hostile: '$n' shown as is"
done
send $S q
check "hostile: q quits with 0" $S [ "$(wait_exit $S 10)" = 0 ]
[ -s "$WORK/$S.err" ] && { not_ok "hostile: nothing on stderr"; sed 's/^/#   /' "$WORK/$S.err" | head; }

# --once text: no control byte at all; --json: names exact
"$BIN" --once "$C" >"$WORK/once.txt" 2>&1; rc=$?
if [ $rc = 0 ] && ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$WORK/once.txt"; then
  ok "--once text: exit 0, no control characters in the output"
else not_ok "--once text: exit 0, no control characters (exit $rc)"; fi
# --once text columns line up by display width, not bytes (wide and accented names)
if python3 - "$WORK/once.txt" <<'PY'
import re, sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in s)
text = open(sys.argv[1], encoding='utf-8').read()
chunks = text[text.index('== Chunks'):].split('\n\n')[0]
rows = [l for l in chunks.split('\n')[2:] if 'hostile' in l]
ends = set()
for l in rows:   # the display column where CHUNKS ends: 4 + 1 + 36 + 1 + 7 for names up to 36 wide
    m = re.match(r'(.{5}hostile.*?)( +\d+) ', l)
    if m and width(m.group(1)) <= 41:
        ends.add(width(m.group(1) + m.group(2)))
wide = any(width(l) != len(l) for l in rows)
print('# rows', len(rows), 'CHUNKS ends at', sorted(ends), 'wide names', wide)
sys.exit(0 if len(rows) >= 5 and ends == {49} and wide else 1)
PY
then ok "--once text: columns line up by display width with accented and CJK names"
else not_ok "--once text: columns line up by display width"; grep hostile "$WORK/once.txt" | head -12 | sed 's/^/#   /'; fi
"$BIN" --once --json "$C" >"$WORK/once.json" 2>"$WORK/once.jerr"; rc=$?
Q -F '	' -c "SELECT name FROM \"hostile \"\"s\"\"\".hostile_names" >"$WORK/names.txt"
if [ $rc = 0 ] && python3 - "$WORK/once.json" "$WORK/names.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
want = set(open(sys.argv[2], encoding='utf-8').read().split('\n')) - {''}
got = {r['name'] for r in d['panes']['chunks']['rows'] if r['schema'] == 'hostile "s"'}
caggs = {r.get('name') or r.get('view_name') for r in d['panes']['caggs']['rows']}
ok = got == want and "cagg\x1b[2J'q" in caggs
if not ok:
    print('# missing', want - got, 'extra', got - want, 'caggs', caggs)
sys.exit(0 if ok else 1)
PY
then ok "--once --json: the 9 hostile names and the aggregate round-trip exactly"
else not_ok "--once --json: hostile names round-trip exactly (exit $rc)"; head -5 "$WORK/once.jerr"; fi

# compress on a hostile name hits exactly that hypertable
compressed() { # NAME -> compressed chunk count of that hypertable
  Q -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'hostile \"s\"' AND hypertable_name = \$\$$1\$\$ AND is_compressed"
}
total_compressed() { Q -c "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = 'hostile \"s\"' AND is_compressed"; }
for n in 'x"; DROP TABLE victim; --' "it's \"quoted\"" '%s%n%x%%'; do
  qn=$(printf '%s' "$n" | sed 's/"/""/g')
  before=$(total_compressed)
  "$BIN" compress "\"hostile \"\"s\"\"\".\"$qn\"" --older-than 2d "$C" >"$WORK/compress.out" 2>&1; rc=$?
  mine=$(compressed "$n"); after=$(total_compressed)
  if [ $rc = 0 ] && [ "$mine" -gt 0 ] && [ $((after - before)) = "$mine" ]; then
    ok "compress '$n': exactly its $mine chunks compressed, nothing else"
  else not_ok "compress '$n': exit $rc, its chunks $mine, all $before -> $after"; sed 's/^/#   /' "$WORK/compress.out" | head; fi
done
if [ "$(Q -c "SELECT count(*) FROM \"hostile \"\"s\"\"\".victim")" = 1 ]; then ok "nothing was executed from a name (victim table intact)"
else not_ok "nothing was executed from a name (victim table intact)"; fi
# dry-run shows the SQL with the name as a parameter / quoted identifier, never spliced
"$BIN" compress "\"hostile \"\"s\"\"\".\"with space\"" --older-than 2d --dry-run "$C" >"$WORK/dry.out" 2>&1
if ! LC_ALL=C grep -q "$(printf '\033')" "$WORK/dry.out" && grep -q 'compress_chunk' "$WORK/dry.out"; then ok "compress --dry-run on a hostile name: SQL shown, nothing raw"
else not_ok "compress --dry-run on a hostile name"; sed 's/^/#   /' "$WORK/dry.out" | head; fi

# ------------------------------------------------------------ hostile files
# a binary configuration file, a huge one, a binary theme, a missing theme:
# the console runs on defaults and says which file is wrong
head -c 4000 /dev/urandom >"$WORK/binary.ini"
head -c 3000 /dev/urandom >"$WORK/binary.theme"
python3 -c "import sys; open(sys.argv[1], 'w').write('[console]\n' + '# x\n' * 40000)" "$WORK/huge.ini"
for cfg in "binary.ini --theme $WORK/binary.theme" "huge.ini --theme $WORK/missing.theme"; do
  S=f
  start_console $S "$C" 120 40 --read-only --config "$WORK/$cfg"
  name=${cfg%% *}
  if wait_for_text $S '1 Chunks' 30 && wait_for_text $S 'with space' 30 &&
     { screen $S | grep -Eq "$name|theme" || grep -Eq "$name" "$WORK/$S.err"; }; then
    ok "hostile files ($name, ${cfg##*/}): the console runs on defaults and names the bad file"
  else not_ok "hostile files ($name, ${cfg##*/}): the console runs on defaults and names the bad file" $S; fi
  send $S q
  check "hostile files ($name): q exits 0" $S [ "$(wait_exit $S 10)" = 0 ]
  T kill-session -t $S 2>/dev/null
done

# ------------------------------------------------------------ random keys
S=k
NKEYS=${FAULTS_KEYS:-10000}
# the ASan+UBSan build when there is one (make test builds it): a memory
# error is then reported on stderr where it happens, not as a crash later
KBIN=$BIN
[ -z "${TSDBTOP_BIN:-}" ] && [ -x "$TOP/build/asan/tsdbtop" ] && BIN=$TOP/build/asan/tsdbtop
start_console $S "$C" 120 40 --interval 0.5 --read-only
KUSED=$BIN; BIN=$KBIN
wait_for_text $S '1 Chunks' 30
k0=$(date +%s)
# keys: letters (no q), digits, arrows, Enter, Esc, Tab, BTab, /, space, F-keys, PgUp/PgDn
python3 - "$NKEYS" "${FAULTS_SEED:-7}" >"$WORK/keys.txt" <<'PY'
import random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed)
letters = [c for c in 'abcdefghijklmnoprstuvwxyzABCDEFGHIJKLMNOPRSTUVWXYZ0123456789/+-?. ' if c != 'q']
named = ['Up', 'Down', 'Left', 'Right', 'Enter', 'Escape', 'Tab', 'BTab', 'Space', 'NPage', 'PPage',
         'Home', 'End', 'BSpace', 'F1', 'F2', 'F5', 'F10', 'DC', 'IC']
batch = []
for i in range(n):
    k = r.choice(named) if r.random() < 0.4 else r.choice(letters)
    batch.append(k if len(k) > 1 else ('Space' if k == ' ' else k))
    if len(batch) == 50:
        print('\t'.join(batch)); batch = []
if batch: print('\t'.join(batch))
PY
sizes="120 40 80 24 60 15 200 60 70 18 100 30 45 10 132 43"
i=0; hung=0
while IFS='	' read -r line; do
  # shellcheck disable=SC2086
  (IFS='	'; T send-keys -t $S $line) 2>/dev/null
  i=$((i + 1))
  sleep 0.05
  if [ $((i % 4)) = 0 ]; then   # a resize storm: 3 sizes in a row
    set -- $sizes; sh=$(( (i / 4) % 8 * 2 + 1 ))
    shift $((sh - 1)); resize $S "$1" "$2"; resize $S 90 30; resize $S "$1" "$2"
    set --
  fi
  if [ $((i % 20)) = 0 ] && ! alive $S; then break; fi
done <"$WORK/keys.txt"
resize $S 120 40
k1=$(date +%s)
if alive $S; then ok "$NKEYS random keys with resize storms in $((k1 - k0)) s: still running (${KUSED#"$TOP"/})"
else not_ok "$NKEYS random keys with resize storms: the console exited ($(cat "$WORK/$S.exit"))" $S; fi
send $S Escape Escape Escape
sleep 0.5
send $S Escape Escape q
rc=$(wait_exit $S 15)
if [ "$rc" = none ]; then send $S C-c; rc=$(wait_exit $S 10); fi
check "random keys: q (or Ctrl-C) then quits with 0 (no hang)" $S [ "$rc" = 0 ]
if [ -s "$WORK/$S.err" ]; then not_ok "random keys: nothing on stderr"; sed 's/^/#   /' "$WORK/$S.err" | head
else ok "random keys: nothing on stderr"; fi
if [ "$(Q -c "SELECT count(*) FROM \"hostile \"\"s\"\"\".victim")" = 1 ] &&
   [ "$(total_compressed)" = "$after" ]; then ok "random keys in --read-only changed nothing on the server"
else not_ok "random keys in --read-only changed nothing on the server"; fi

# ------------------------------------------------------------ valgrind
if command -v valgrind >/dev/null 2>&1; then
  S=v
  VPOLLS=${FAULTS_VALGRIND_POLLS:-200}
  CONSOLE_WRAP="valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 --log-file=$WORK/valgrind.log"
  # --polls: the console quits by itself after exactly that many polls
  start_console $S "$C" 120 40 --interval 0.2 --read-only --polls "$VPOLLS"
  CONSOLE_WRAP=
  t0=$(date +%s)
  if wait_for_text $S '1 Chunks' 60; then
    send $S 5 Tab z Escape '?' Escape 2 / m Enter Escape
    # 200 polls at 0.2 s take 40 s; a poll here takes 10-30 ms, under valgrind
    # a few times that
    sleep 5
    pms=$(screen $S | grep -Eo 'in [0-9]+ ms' | head -1)
    rc=$(wait_exit $S 300)
    if [ "$rc" = 0 ] && grep -q 'definitely lost: 0 bytes\|no leaks are possible' "$WORK/valgrind.log" &&
       grep -q 'ERROR SUMMARY: 0 errors' "$WORK/valgrind.log"; then
      ok "valgrind: $VPOLLS polls at --interval 0.2 in $(( $(date +%s) - t0 )) s (a poll $pms), quit by itself, definitely lost: 0 bytes, 0 errors"
    else
      not_ok "valgrind: exit $rc, definitely lost 0 bytes and 0 errors"
      grep -E 'definitely lost|ERROR SUMMARY|Invalid|uninitialised' "$WORK/valgrind.log" | head -10 | sed 's/^/#   /'
      cp "$WORK/valgrind.log" "${TMPDIR:-/tmp}/tsdbtop-valgrind-$$.log" 2>/dev/null
    fi
  else not_ok "valgrind: the console starts under valgrind" $S; fi
else not_ok "valgrind is installed (make deps)"; fi

# ------------------------------------------------------------ launcher killed
S=l
start_console $S "$C" 120 40 --interval 1
wait_for_text $S 'with space' 40
kill -KILL "$LPID"; wait "$LPID" 2>/dev/null; LPID=
check "launcher SIGKILLed: reconnecting shown" $S wait_for_text $S 'reconnecting in|disconnected|no answer for' 20
rc=$(timeout 60 "$BIN" check "$C" >"$WORK/check.out" 2>&1; echo $?)
if [ "$rc" = 3 ]; then ok "launcher down: check says UNKNOWN (exit 3)"
else not_ok "launcher down: check says UNKNOWN (exit $rc)"; sed 's/^/#   /' "$WORK/check.out"; fi
check "launcher down: data age shown" $S wait_for_text $S '1 Chunks · [0-9a-z]+ old' 20
if launch; then
  if alive $S && wait_for_text $S 'connected *$' 60 && wait_for_text $S '1 Chunks · live' 40 &&
     screen $S | grep -q 'with space'; then ok "launcher started again on port $PORT: the console reconnects, data fresh"
  else not_ok "launcher started again: the console reconnects, data fresh" $S; fi
else not_ok "launcher starts again on port $PORT"; fi

# ------------------------------------------------------------ extension dropped
Q -c 'DROP EXTENSION timescaledb CASCADE' >/dev/null 2>"$WORK/drop.err" || { not_ok "DROP EXTENSION timescaledb"; cat "$WORK/drop.err"; }
# a query that finds the catalog gone makes the engine probe again: the
# header and the panes then say TimescaleDB is not installed
if wait_for_text $S 'PostgreSQL 17\.[0-9]+ +TimescaleDB not installed' 30 &&
   wait_for_text $S 'TimescaleDB is not installed in database template1' 10 && wait_for_gone $S 'with space' 10; then
  ok "extension dropped: probed again, header and panes say TimescaleDB is not installed"
else not_ok "extension dropped: probed again, header and panes say TimescaleDB is not installed" $S; fi
sleep 3
check "extension dropped: the console keeps running" $S alive $S
check "extension dropped: the Cache pane still works" $S wait_for_text $S '5 Cache · live' 20
rc=$(timeout 60 "$BIN" check "$C" >"$WORK/check.out" 2>&1; echo $?)
if [ "$rc" = 3 ] || [ "$rc" = 2 ]; then ok "extension dropped: check says $(cut -c1-60 "$WORK/check.out" | head -1) (exit $rc)"
else not_ok "extension dropped: check UNKNOWN or CRITICAL (exit $rc)"; sed 's/^/#   /' "$WORK/check.out"; fi
send $S q
check "extension dropped: q quits with 0" $S [ "$(wait_exit $S 10)" = 0 ]

echo "# faults/tsdb: $PASSES passed, $FAILS failed in $(( $(date +%s) - started )) s"
[ "$FAILS" -eq 0 ]
