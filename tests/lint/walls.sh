#!/bin/sh
# The walls between the rooms of tui/, checked so they cannot erode (run by
# tests/lint/run.sh; one ok / not ok line each):
#   1. screen code never sees libpq: no file under tui/ui/ includes libpq-fe.h
#      (or names a PGconn / PGresult);
#   2. database, core and exporter code never see curses: no file under
#      tui/db/, tui/core/ or tui/exporter/ includes curses.h / ncurses.h;
#   3. the headless commands link no screen code: the objects of
#      tui/headless/, tui/exporter/, tui/db/ and tui/core/ reference no curses symbol and no
#      function of the drawing objects (nm -u over build/obj).
# Each check is first run on a copy of the tree with its wall broken on
# purpose: a check that does not fail then is itself reported not ok.
set -u
cd "$(dirname "$0")/../.."
TOP=$(pwd)
W=$(mktemp -d /tmp/tsdbtop-walls.XXXXXX)
trap 'rm -rf "$W"' EXIT
rc=0

# The screen symbols a headless object must not reference.
SCREEN_SYMS='^(initscr|newwin|wrefresh|wnoutrefresh|doupdate|endwin|wgetch|getch|mvwaddnstr|waddnstr|wattrset|wbkgdset|werase|keypad|start_color|init_pair|use_default_colors|newterm|set_term|curs_set|ui_[a-z_]+|kiosk_[a-z_]+)$'

# check_libpq ROOT: files under ROOT/tui/ui that see libpq
check_libpq() {
  grep -lE '#[[:space:]]*include[[:space:]]*[<"](libpq-fe|libpq/|postgres_ext)|\bPG(conn|result)\b' \
    "$1"/tui/ui/*.c "$1"/tui/ui/*.h 2>/dev/null
}

# check_curses ROOT: files under ROOT/tui/db or tui/core that see curses
check_curses() {
  grep -lE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h|panel\.h)' \
    "$1"/tui/db/*.c "$1"/tui/db/*.h "$1"/tui/core/*.c "$1"/tui/core/*.h \
    "$1"/tui/exporter/*.c "$1"/tui/exporter/*.h 2>/dev/null
}

# screen_defs OBJDIR: the functions the drawing objects of tui/ui define
# (an object that calls curses draws; its own functions are screen code)
screen_defs() {
  for o in "$1"/tui/ui/*.o; do
    [ -f "$o" ] || continue
    nm -u "$o" 2>/dev/null | awk '{ print $NF }' | grep -Eq "$SCREEN_SYMS" || continue
    nm --defined-only "$o" 2>/dev/null | awk '$2 ~ /^[TD]$/ { print $3 }'
  done
}

# check_nm OBJDIR: headless objects referencing a screen symbol ("obj: sym")
check_nm() {
  screen_defs "$1" | sort -u >"$W/defs"
  for o in "$1"/tui/headless/*.o "$1"/tui/exporter/*.o "$1"/tui/db/*.o "$1"/tui/core/*.o; do
    [ -f "$o" ] || continue
    nm -u "$o" 2>/dev/null | awk '{ print $NF }' | sort -u >"$W/undef"
    { grep -E "$SCREEN_SYMS" "$W/undef"; comm -12 "$W/undef" "$W/defs"; } | sort -u |
      sed "s|^|$(basename "$o"): |"
  done
}

verdict() { # verdict NAME FOUND-FILE
  if [ -s "$2" ]; then echo "not ok - $1"; sed 's/^/# /' "$2" | head -20; rc=1; else echo "ok - $1"; fi
}

# ---- the checks catch a broken wall (on a copy) -------------------------------
mkdir -p "$W/tree/tui/ui" "$W/tree/tui/db" "$W/tree/tui/core" "$W/obj/tui/headless"
printf '#include <libpq-fe.h>\nint x(void);\n' >"$W/tree/tui/ui/broken.c"
printf '#include <curses.h>\nint y(void);\n' >"$W/tree/tui/core/broken.c"
printf 'void initscr(void);\nvoid ui_draw(void);\nvoid f(void) { initscr(); ui_draw(); }\n' >"$W/b.c"
cc -c -o "$W/obj/tui/headless/broken.o" "$W/b.c" 2>/dev/null
selftest=0
[ -n "$(check_libpq "$W/tree")" ] || { echo "not ok - the libpq wall check fails on a ui/ file including libpq-fe.h"; selftest=1; }
[ -n "$(check_curses "$W/tree")" ] || { echo "not ok - the curses wall check fails on a core/ file including curses.h"; selftest=1; }
[ -n "$(check_nm "$W/obj")" ] || { echo "not ok - the nm wall check fails on a headless object calling initscr and ui_draw"; selftest=1; }
if [ "$selftest" -eq 0 ]; then echo "ok - each wall check fails when its wall is broken on purpose"; else rc=1; fi

# ---- the walls of this tree -------------------------------------------------------
check_libpq "$TOP" >"$W/libpq"
verdict "screen code never sees libpq (tui/ui/: no libpq-fe.h, PGconn, PGresult)" "$W/libpq"
check_curses "$TOP" >"$W/curses"
verdict "database, core and exporter code never see curses (tui/db/, tui/core/, tui/exporter/: no curses.h)" "$W/curses"
OBJ=${WALLS_OBJ:-build/obj}
if [ -d "$OBJ/tui/headless" ]; then
  check_nm "$OBJ" >"$W/nm"
  verdict "headless objects reference no screen symbol (nm -u over $OBJ/tui/{headless,exporter,db,core})" "$W/nm"
else
  echo "not ok - $OBJ/tui/headless exists (make first)"; rc=1
fi
exit $rc
