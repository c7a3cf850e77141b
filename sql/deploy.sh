#!/bin/sh
# sql/deploy.sh CONNINFO [--from-step N]
# sql/deploy.sh --render STEP_FILE TS_VERSION [PG_VERSION_NUM]
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
# A step that names console queries (step 7: /*@query NAME@*/ lines, see
# below) runs with them filled in for the server's TimescaleDB version, read
# when that step starts. --render prints such a step as it would run on a
# server with that TimescaleDB version (e.g. 2.23.0), without connecting.
#
# Output: one line per step ("step 3/8 indexes ... ok"); on failure the failing
# step, its file and the server's error, and exit status 1.
# Exit status: 0 all steps ok; 1 a step failed; 2 usage / connection problem.
#
# Environment: PSQL (default psql), TSDB_SQL_DIR (default: the directory of this
# script; the tests point it at a modified copy to break a step on purpose).
set -u

usage() {
  echo "usage: sh sql/deploy.sh CONNINFO [--from-step N]" >&2
  echo "       sh sql/deploy.sh --render STEP_FILE TS_VERSION [PG_VERSION_NUM]" >&2
  exit 2
}

PSQL=${PSQL:-psql}
SQLDIR=${TSDB_SQL_DIR:-$(cd "$(dirname "$0")" && pwd)}

# ---- console queries in step files ------------------------------------------
# A step line holding only /*@query NAME@*/ is replaced by the console's
# monitoring query NAME (sql/queries/) in the variant that fits the server,
# picked as the console's query_pick() (tui/db/queries.c) picks it from the
# texts tui/embed_sql.sh embeds: every file NAME[.tsNNNNN|.pgNNNNNN].sql, and
# for each "-- until tsNNNNN" marker in a file F, the variant F.tsNNNNN without
# those lines. The newest variant whose minimum the server meets wins (ts:
# TimescaleDB version MMmmpp, pg: server_version_num); the first file in name
# order wins a tie. So the views and the console run the same SQL text
# (tests/unit/test_deploy.c checks that both deployers render alike).

# ts_num VERSION: "2.23.0-dev" -> 22300, as server_parse_ts_version(); 0 when
# not a version.
ts_num() {
  printf '%s\n' "$1" | awk '{
    if (match($0, /^[0-9]+\.[0-9]+/) == 0) { print 0; exit }
    split(substr($0, 1, RLENGTH), v, "."); maj = v[1] + 0; min = v[2] + 0; pat = 0
    rest = substr($0, RLENGTH + 1)
    if (match(rest, /^\.[0-9]+/)) pat = substr(rest, 2, RLENGTH - 1) + 0
    if (maj > 9999 || min > 99 || pat > 99) print 0; else print maj * 10000 + min * 100 + pat
  }'
}

# pick_query NAME TSNUM PGNUM OUTFILE: writes the chosen text; 1 when none fits.
pick_query() {
  _best= _bestv= _bestmin=-1
  for _f in $(LC_ALL=C ls "$SQLDIR"/queries/*.sql 2>/dev/null); do
    _fn=$(basename "$_f" .sql)
    for _v in - $(sed -n 's/.*-- until \(ts[0-9][0-9]*\)[[:space:]]*$/\1/p' "$_f" | LC_ALL=C sort -u); do
      if [ "$_v" = - ]; then _cand=$_fn; else _cand=$_fn.$_v; fi
      _rest=${_cand#"$1"}
      [ "$_rest" != "$_cand" ] || continue
      # suffixes .tsNNNNN / .pgNNNNNN, chained for the generated variant of a
      # versioned file (compression.ts21400.ts22600): every one met; the
      # highest minimum ranks
      _min=0; _ok=1
      while [ -n "$_rest" ]; do
        case $_rest in .ts[0-9]*) _have=$2 ;; .pg[0-9]*) _have=$3 ;; *) _ok=0; break ;; esac
        _t=${_rest#.??}; _qn=${_t%%.*}; _rest=${_t#"$_qn"}
        case $_qn in *[!0-9]*) _ok=0; break ;; esac
        [ "$_have" -ge "$_qn" ] || { _ok=0; break; }
        [ "$_qn" -gt "$_min" ] && _min=$_qn
      done
      [ "$_ok" = 1 ] || continue
      if [ "$_min" -gt "$_bestmin" ]; then _best=$_f; _bestv=$_v; _bestmin=$_min; fi
    done
  done
  [ -n "$_best" ] || return 1
  if [ "$_bestv" = - ]; then cat "$_best" >"$4"
  else grep -v -- "-- until $_bestv[[:space:]]*\$" "$_best" >"$4"; fi
}

MARKER='^[[:blank:]]*/\*@query [a-z0-9_][a-z0-9_]*@\*/[[:blank:]]*$'

# render STEP_FILE TSNUM PGNUM TS_VERSION_TEXT > rendered; 1 (message on
# stderr) when the step names a query the console has none of for this server.
render() {
  _rd=$(mktemp -d "${TMPDIR:-/tmp}/tsdb-render.XXXXXX") || return 1
  for _n in $(sed -n "s#$MARKER#&#p" "$1" | sed 's#.*/\*@query \([a-z0-9_]*\)@\*/.*#\1#' | LC_ALL=C sort -u); do
    if ! pick_query "$_n" "$2" "$3" "$_rd/q.$_n"; then
      echo "deploy: $1 uses the console query '$_n', and the console has none for TimescaleDB ${4:-(not installed)}" >&2
      rm -rf "$_rd"
      return 1
    fi
  done
  awk -v dir="$_rd" '
    /^[ \t]*\/\*@query [a-z0-9_]+@\*\/[ \t]*$/ {
      n = $0; sub(/^[ \t]*\/\*@query /, "", n); sub(/@\*\/[ \t]*$/, "", n)
      f = dir "/q." n
      while ((getline line < f) > 0) print line
      close(f); next }
    { print }' "$1"
  _rc=$?
  rm -rf "$_rd"
  return $_rc
}

if [ "${1:-}" = --render ]; then
  [ $# -ge 3 ] && [ $# -le 4 ] || usage
  render "$2" "$(ts_num "$3")" "${4:-0}" "$3"
  exit $?
fi

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
PGNUM= TSVER=   # read when the first step that names a console query runs
for f in $STEPS; do
  i=$((i + 1))
  name=$(basename "$f" .sql | sed 's/^[0-9]*_//')
  if [ "$i" -lt "$FROM" ]; then
    echo "step $i/$TOTAL $name ... skipped"
    continue
  fi
  printf 'step %s/%s %s ... ' "$i" "$TOTAL" "$name"
  run=$f
  if grep -q "$MARKER" "$f"; then
    # the server's versions now: step 1 may just have created the extension
    if [ -z "$PGNUM" ]; then
      if ! v=$("$PSQL" -X -At -v ON_ERROR_STOP=1 -d "$CONNINFO" -F ' ' -c \
          "SELECT current_setting('server_version_num'),
                  coalesce((SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'), '')" 2>"$tmp/err"); then
        echo FAILED
        echo "deploy: step $i/$TOTAL ($f): cannot read the server's versions; nothing of this step ran." >&2
        sed 's/^/    /' "$tmp/err" >&2
        exit 1
      fi
      PGNUM=${v%% *}; TSVER=${v#* }; [ "$TSVER" != "$v" ] || TSVER=
    fi
    run=$tmp/$(basename "$f")
    if ! render "$f" "$(ts_num "$TSVER")" "$PGNUM" "$TSVER" >"$run" 2>"$tmp/err"; then
      echo FAILED
      echo "deploy: step $i/$TOTAL ($f) failed before it ran; the database is as before this step." >&2
      sed 's/^/    /' "$tmp/err" >&2
      exit 1
    fi
  fi
  # SET LOCAL client_min_messages keeps NOTICEs ("already exists, skipping")
  # out; WARNINGs (settings that differ from the declared ones) are shown.
  # LOCAL: the embedded server shares one session between all clients.
  if "$PSQL" -X -q -v ON_ERROR_STOP=1 --single-transaction -d "$CONNINFO" \
       -c "SET LOCAL client_min_messages = warning" -f "$run" \
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
