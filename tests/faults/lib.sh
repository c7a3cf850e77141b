# Sourced by tests/faults/*.sh: tmux helpers (private socket), TAP lines.
# Needs TOP, WORK, BIN set; defines T ok not_ok check screen wait_for_text
# wait_for_gone send start_console wait_exit resize.
SOCK=${SOCK:-tsdbtop-faults-$$}
FAILS=${FAILS:-0}
PASSES=${PASSES:-0}
if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
  export LANG=C.UTF-8 LC_ALL=C.UTF-8
fi
unset NO_COLOR
T() { tmux -L "$SOCK" "$@"; }
ok() { echo "ok - $1"; PASSES=$((PASSES + 1)); }
not_ok() {
  echo "not ok - $1"
  FAILS=$((FAILS + 1))
  if [ -n "${2:-}" ]; then
    echo "# screen of $2:"
    T capture-pane -p -t "$2" 2>/dev/null | sed 's/^/#   /'
  fi
}
check() { _n=$1; _s=$2; shift 2; if "$@"; then ok "$_n"; else not_ok "$_n" "$_s"; fi; }
screen() { T capture-pane -p -t "$1" 2>/dev/null; }
wait_for_text() {
  _end=$(( $(date +%s) + $3 ))
  while :; do
    screen "$1" | grep -Eq -- "$2" && return 0
    [ "$(date +%s)" -ge "$_end" ] && return 1
    sleep 0.2
  done
}
wait_for_gone() {
  _end=$(( $(date +%s) + $3 ))
  while :; do
    screen "$1" | grep -Eq -- "$2" || return 0
    [ "$(date +%s)" -ge "$_end" ] && return 1
    sleep 0.2
  done
}
send() { _s=$1; shift; T send-keys -t "$_s" "$@"; }
# start_console NAME CONNINFO COLS ROWS [options...]; CONSOLE_ENV="V=x" adds env;
# CONSOLE_WRAP="valgrind ..." runs the binary under a wrapper
start_console() {
  _name=$1; _conn=$2; _x=$3; _y=$4
  shift 4
  rm -f "$WORK/$_name.exit"
  T new-session -d -s "$_name" -x "$_x" -y "$_y" \
    "TERM=xterm-256color ${CONSOLE_ENV:-} ${CONSOLE_WRAP:-} '$BIN' $* '$_conn' 2>'$WORK/$_name.err'; rc=\$?; echo EXIT=\$rc > '$WORK/$_name.exit'; echo EXIT=\$rc; sleep 600"
}
wait_exit() {
  _end=$(( $(date +%s) + $2 ))
  while [ ! -s "$WORK/$1.exit" ]; do
    [ "$(date +%s)" -ge "$_end" ] && { echo none; return 1; }
    sleep 0.2
  done
  sed -n 's/^EXIT=//p' "$WORK/$1.exit"
}
resize() { T resize-window -t "$1" -x "$2" -y "$3"; }
# alive NAME: the console has not exited
alive() { [ ! -s "$WORK/$1.exit" ]; }
