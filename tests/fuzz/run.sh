#!/bin/sh
# Runs every libFuzzer harness for FUZZ_SECONDS (default 5) from its seed
# corpus; `make fuzz` sets a longer time. One ok/not ok line per harness.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-5}
rc=0
for h in theme config interval sanitize once sql_split prom; do
  bin=build/fuzz/fuzz_$h
  work=$(mktemp -d /tmp/tsdbtop-fuzz.XXXXXX)
  cp tests/fuzz/corpus/$h/* "$work/" 2>/dev/null
  max=4096
  # deploy's splitter: the real step files are seeds too, whole (up to 22 kB)
  if [ $h = sql_split ]; then cp sql/schema/*.sql sql/deploy/*.sql "$work/"; max=32768; fi
  if "$bin" -max_total_time="$secs" -max_len="$max" -timeout=10 -rss_limit_mb=1024 \
       -artifact_prefix="$work/" "$work" >"$work/log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$work/log" | tail -1)
    echo "ok - fuzz $h for ${secs}s (${runs:-no summary})"
    rm -rf "$work"
  else
    echo "not ok - fuzz $h: crash or leak, artifacts in $work"
    tail -30 "$work/log" | sed 's/^/# /'
    rc=1
  fi
done
exit $rc
