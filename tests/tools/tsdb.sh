# tsdb.sh — start/stop the embedded TimescaleDB launcher from test scripts (POSIX sh).
# Source it:   . "$TOP/tests/tools/tsdb.sh"
#   tsdb_start DATADIR   DATADIR is a directory (created if needed) or the word `memory`.
#                        Starts tests/embedded/launcher.mjs --port 0 in the background, waits
#                        (TSDB_START_TIMEOUT seconds, default 90) for its ready line, and sets
#                        TSDB_PORT, TSDB_PID, TSDB_LOG (launcher stderr) and
#                        TSDB_CONNINFO="host=127.0.0.1 port=$TSDB_PORT user=postgres dbname=template1".
#                        Returns non-zero (launcher stderr shown on stderr) on failure.
#                        Several instances may run: save TSDB_PID/TSDB_PORT after each call.
#   tsdb_stop [PID...]   SIGTERM, bounded wait (TSDB_STOP_TIMEOUT, default 20 s), then SIGKILL.
#                        Without arguments: every launcher this shell started.
#   trap tsdb_stop EXIT  is the intended use.

if [ -z "${TSDB_TOP:-}" ]; then
  if [ -n "${TOP:-}" ] && [ -f "$TOP/tests/embedded/launcher.mjs" ]; then
    TSDB_TOP=$TOP
  else
    TSDB_TOP=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
  fi
fi
TSDB_LAUNCHER=${TSDB_LAUNCHER:-$TSDB_TOP/tests/embedded/launcher.mjs}
TSDB_PIDS=${TSDB_PIDS:-}
TSDB_DIRS=${TSDB_DIRS:-}

tsdb_start() {
  if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: tsdb_start DATADIR|memory" >&2
    return 2
  fi
  _tsdb_run=$(mktemp -d "${TMPDIR:-/tmp}/tsdb-launcher.XXXXXX") || return 1
  if [ "$1" = memory ]; then
    node "$TSDB_LAUNCHER" --port 0 --memory >"$_tsdb_run/out" 2>"$_tsdb_run/err" </dev/null &
  else
    node "$TSDB_LAUNCHER" --port 0 --data "$1" >"$_tsdb_run/out" 2>"$_tsdb_run/err" </dev/null &
  fi
  TSDB_PID=$!
  TSDB_PIDS="$TSDB_PIDS $TSDB_PID"
  TSDB_DIRS="$TSDB_DIRS $TSDB_PID=$_tsdb_run"
  TSDB_LOG=$_tsdb_run/err
  TSDB_PORT=
  _tsdb_limit=$(( ${TSDB_START_TIMEOUT:-90} * 10 ))
  _tsdb_i=0
  while [ "$_tsdb_i" -lt "$_tsdb_limit" ]; do
    TSDB_PORT=$(sed -n 's/^tsdb-launcher ready port=\([0-9][0-9]*\) pid=.*/\1/p' "$_tsdb_run/out" 2>/dev/null)
    [ -n "$TSDB_PORT" ] && break
    if ! kill -0 "$TSDB_PID" 2>/dev/null; then
      echo "tsdb_start: launcher exited before it was ready; its stderr:" >&2
      sed 's/^/  /' "$_tsdb_run/err" >&2
      TSDB_PORT=
      tsdb_stop "$TSDB_PID"
      return 1
    fi
    sleep 0.1
    _tsdb_i=$((_tsdb_i + 1))
  done
  if [ -z "$TSDB_PORT" ]; then
    echo "tsdb_start: launcher not ready after ${TSDB_START_TIMEOUT:-90} s; its stderr:" >&2
    sed 's/^/  /' "$_tsdb_run/err" >&2
    tsdb_stop "$TSDB_PID"
    return 1
  fi
  TSDB_CONNINFO="host=127.0.0.1 port=$TSDB_PORT user=postgres dbname=template1"
  export TSDB_PORT TSDB_PID TSDB_CONNINFO TSDB_LOG
  return 0
}

tsdb_stop() {
  _tsdb_rc=0
  if [ $# -eq 0 ]; then
    # shellcheck disable=SC2086
    set -- $TSDB_PIDS
  fi
  for _tsdb_p in "$@"; do
    if kill -0 "$_tsdb_p" 2>/dev/null; then
      kill -TERM "$_tsdb_p" 2>/dev/null
      _tsdb_i=0
      _tsdb_limit=$(( ${TSDB_STOP_TIMEOUT:-20} * 10 ))
      while kill -0 "$_tsdb_p" 2>/dev/null && [ "$_tsdb_i" -lt "$_tsdb_limit" ]; do
        sleep 0.1
        _tsdb_i=$((_tsdb_i + 1))
      done
      if kill -0 "$_tsdb_p" 2>/dev/null; then
        echo "tsdb_stop: launcher $_tsdb_p did not stop after SIGTERM; SIGKILL" >&2
        kill -KILL "$_tsdb_p" 2>/dev/null
        _tsdb_rc=1
      fi
    fi
    wait "$_tsdb_p" 2>/dev/null
    _tsdb_rest=
    for _tsdb_q in $TSDB_PIDS; do [ "$_tsdb_q" = "$_tsdb_p" ] || _tsdb_rest="$_tsdb_rest $_tsdb_q"; done
    TSDB_PIDS=$_tsdb_rest
    _tsdb_rest=
    for _tsdb_q in $TSDB_DIRS; do
      case $_tsdb_q in
        "$_tsdb_p="*) rm -rf "${_tsdb_q#*=}" ;;
        *) _tsdb_rest="$_tsdb_rest $_tsdb_q" ;;
      esac
    done
    TSDB_DIRS=$_tsdb_rest
  done
  return $_tsdb_rc
}
