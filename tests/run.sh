#!/bin/sh
# Runs every test tier and prints one closing line: "N passed, N failed".
# Every tier speaks TAP-like lines ("ok ..." / "not ok ..."); cmocka binaries
# do so through CMOCKA_MESSAGE_OUTPUT=TAP. A program that exits non-zero
# without reporting a failure counts as one failure.
# TIERS selects tiers (default: all): lint unit asan fuzz launcher sql integration e2e exporter faults native
set -u
cd "$(dirname "$0")/.."
TOP=$(pwd)
export TOP
LOGDIR=build/test-logs
mkdir -p "$LOGDIR"
TIERS=${TIERS:-"lint unit asan fuzz launcher sql integration e2e exporter faults native"}
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

PASS=0
FAIL=0
FAILED_NAMES=""

# run_one NAME CMD...: run, tee to the log, count ok/not ok lines.
run_one() {
  name=$1; shift
  log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
  "$@" >"$log" 2>&1
  rc=$?
  p=$(grep -c '^ok ' "$log")
  f=$(grep -c '^not ok ' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1
    echo "not ok - $name exited with status $rc" >>"$log"
  fi
  PASS=$((PASS + p)); FAIL=$((FAIL + f))
  if [ "$f" -gt 0 ]; then
    FAILED_NAMES="$FAILED_NAMES $name"
    echo "  FAIL $name ($p passed, $f failed) — $log"
    grep '^not ok ' "$log" | head -20 | sed 's/^/    /'
  else
    echo "  ok   $name ($p passed)"
  fi
}

tier_bins() { # tier_bins DIR
  for b in "$1"/test_*; do
    [ -x "$b" ] || continue
    run_one "$(basename "$(dirname "$b")")/$(basename "$b")$2" "$b"
  done
}

for t in $TIERS; do
  case $t in
    lint)  echo "== lint (cppcheck, clang-tidy, walls)"; run_one lint sh tests/lint/run.sh ;;
    unit)  echo "== unit"; tier_bins build/tests/unit "" ;;
    asan)  echo "== unit (ASan+UBSan)"; tier_bins build/asan/tests/unit " [asan]" ;;
    fuzz)
      if [ -x build/fuzz/fuzz_theme ]; then echo "== fuzz (seed corpus, a few seconds each)"; run_one fuzz sh tests/fuzz/run.sh; fi ;;
    launcher)
      if [ -f tests/embedded/run.sh ]; then echo "== launcher"; run_one launcher sh tests/embedded/run.sh; fi ;;
    sql)
      if [ -f tests/sql/run.sh ]; then echo "== sql"; run_one sql sh tests/sql/run.sh; fi ;;
    integration)
      if [ -f tests/integration/run.sh ]; then echo "== integration"; run_one integration sh tests/integration/run.sh; fi ;;
    e2e)
      if [ -f tests/e2e/run.sh ]; then echo "== e2e"; run_one e2e sh tests/e2e/run.sh; fi ;;
    exporter)
      if [ -f tests/exporter/run.sh ]; then echo "== exporter (Prometheus scrapes tsdbtop exporter)"; run_one exporter sh tests/exporter/run.sh; fi ;;
    faults)
      if [ -f tests/faults/run.sh ]; then echo "== faults (server faults, hostile input, valgrind)"; run_one faults sh tests/faults/run.sh; fi ;;
    native)
      if [ -f tests/native/run.sh ]; then echo "== native TimescaleDB (2.24.0, 2.26.4, 2.28.3, 2.29.2)"; run_one native sh tests/native/run.sh; fi ;;
    *) echo "unknown tier: $t" >&2; FAIL=$((FAIL + 1)) ;;
  esac
done

echo
[ -n "$FAILED_NAMES" ] && echo "failed:$FAILED_NAMES (logs in $LOGDIR)"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
