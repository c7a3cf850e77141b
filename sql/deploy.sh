#!/bin/sh
# sql/deploy.sh CONNINFO [--from-step N]
#
# Deploys the factory_telemetry TimescaleDB layer step by step:
#   sql/schema/*.sql (base tables), then sql/deploy/NN_name.sql, in name order.
# Every step runs as ONE transaction (psql --single-transaction, ON_ERROR_STOP):
# a failing step leaves the database exactly as it was before that step. Every
# step is idempotent, so a re-run reports all steps ok and changes nothing.
# (No step needs to run outside a transaction: continuous aggregates are created
# WITH NO DATA and indexes without CONCURRENTLY / transaction_per_chunk; see
# sql/README.md.)
#
# Output: one line per step ("step 3/8 indexes ... ok"); on failure the failing
# step, its file and the server's error, and exit status 1.
# Exit status: 0 all steps ok; 1 a step failed; 2 usage / connection problem.
#
# Environment: PSQL (default psql), TSDB_SQL_DIR (default: the directory of this
# script; the tests point it at a modified copy to break a step on purpose).
set -u

usage() { echo "usage: sh sql/deploy.sh CONNINFO [--from-step N]" >&2; exit 2; }

[ $# -ge 1 ] || usage
CONNINFO=$1; shift
FROM=1
while [ $# -gt 0 ]; do
  case $1 in
    --from-step) [ $# -ge 2 ] || usage; FROM=$2; shift 2 ;;
    --from-step=*) FROM=${1#--from-step=}; shift ;;
    *) usage ;;
  esac
done
case $FROM in ''|*[!0-9]*) echo "deploy: --from-step needs a positive number" >&2; exit 2 ;; esac
[ "$FROM" -ge 1 ] || { echo "deploy: --from-step needs a positive number" >&2; exit 2; }

PSQL=${PSQL:-psql}
SQLDIR=${TSDB_SQL_DIR:-$(cd "$(dirname "$0")" && pwd)}

# Step list: schema files first, then deploy files, each in name order.
STEPS=$(ls "$SQLDIR"/schema/*.sql 2>/dev/null; ls "$SQLDIR"/deploy/[0-9]*.sql 2>/dev/null)
[ -n "$STEPS" ] || { echo "deploy: no step files under $SQLDIR" >&2; exit 2; }
TOTAL=$(echo "$STEPS" | wc -l | tr -d ' ')
[ "$FROM" -le "$TOTAL" ] || { echo "deploy: --from-step $FROM but only $TOTAL steps" >&2; exit 2; }

# Pre-flight: the server answers, and the timescaledb extension (if already
# installed) lives in schema public: the steps call public.create_hypertable etc.
pre=$(PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10} "$PSQL" -X -At -v ON_ERROR_STOP=1 -d "$CONNINFO" -c \
  "SELECT coalesce((SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                    WHERE e.extname = 'timescaledb'), 'none')" 2>&1) || {
  echo "deploy: cannot connect: $pre" >&2; exit 2; }
case $pre in
  public|none) ;;
  *) echo "deploy: extension timescaledb is installed in schema \"$pre\"; these steps call public.*" >&2
     echo "deploy: hint: install it in public (CREATE EXTENSION timescaledb SCHEMA public)" >&2
     exit 2 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsdb-deploy.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

i=0
for f in $STEPS; do
  i=$((i + 1))
  name=$(basename "$f" .sql | sed 's/^[0-9]*_//')
  if [ "$i" -lt "$FROM" ]; then
    echo "step $i/$TOTAL $name ... skipped"
    continue
  fi
  printf 'step %s/%s %s ... ' "$i" "$TOTAL" "$name"
  # SET LOCAL client_min_messages keeps NOTICEs ("already exists, skipping")
  # out; WARNINGs (settings that differ from the declared ones) are shown.
  # LOCAL: the embedded server shares one session between all clients.
  if "$PSQL" -X -q -v ON_ERROR_STOP=1 --single-transaction -d "$CONNINFO" \
       -c "SET LOCAL client_min_messages = warning" -f "$f" \
       >"$tmp/out" 2>"$tmp/err"; then
    echo ok
    if [ -s "$tmp/err" ]; then sed 's/^/    /' "$tmp/err"; fi
  else
    echo FAILED
    echo "deploy: step $i/$TOTAL ($f) failed; it was rolled back, the database is as before this step." >&2
    sed 's/^/    /' "$tmp/err" >&2
    echo "deploy: fix it and resume with: sh $0 CONNINFO --from-step $i" >&2
    exit 1
  fi
done
echo "deploy: $TOTAL steps ok"
exit 0
