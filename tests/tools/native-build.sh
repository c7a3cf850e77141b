#!/bin/sh
# make native [TSDB="2.24.0 ..."]: build and install the native TimescaleDB
# servers (once per machine; cached outside the clone, see tests/tools/native.sh).
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
. tests/tools/native.sh
rc=0
for v in ${TSDB:-$NATIVE_VERSIONS}; do
  if native_ensure "$v"; then
    echo "native: TimescaleDB $v ready"
  else
    rc=1
  fi
done
exit $rc
