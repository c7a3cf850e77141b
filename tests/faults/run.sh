#!/bin/sh
# faults tier: the console and `check` under server faults and hostile input.
#   pg15.sh     native PostgreSQL 15: restarts, stop, freeze, terminate,
#               auth refused, database dropped, unprivileged / pg_monitor roles
#   tsdb.sh     embedded TimescaleDB: hostile names, extension dropped,
#               launcher killed and restarted, random keys with resize storms,
#               valgrind over 200 polls
# FAULTS_ONLY="pg15" (or tsdb) runs one; FAULTS_STOP_SECS (60) the stop;
# FAULTS_KEYS (10000) random keystrokes; FAULTS_KEEP=1 keeps work dirs.
set -u
cd "$(dirname "$0")/../.." || exit 1
rc=0
for part in ${FAULTS_ONLY:-pg15 tsdb}; do
  [ -f "tests/faults/$part.sh" ] || continue
  echo "# tests/faults/$part.sh"
  sh "tests/faults/$part.sh" || rc=1
done
exit $rc
