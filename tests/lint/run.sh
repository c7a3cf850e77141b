#!/bin/sh
# make lint: cppcheck and clang-tidy over tui/ (one ok/not ok line each), and
# the walls between tui/'s rooms (tests/lint/walls.sh).
# cppcheck: --enable=warning,performance,portability, any finding fails.
# clang-tidy: the analyzer (clang-analyzer-*), bugprone-* and cert-*, except
#   - clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling:
#     asks for the C11 Annex K *_s functions, which glibc does not have;
#   - bugprone-easily-swappable-parameters, bugprone-narrowing-conversions:
#     style, hundreds of hits on plain (int, int) helpers and size_t -> int;
#   - cert-err33-c: unchecked return of fprintf/snprintf et al. (output to a
#     terminal or a bounded buffer whose truncation is intended);
#   - clang-analyzer-optin.performance.Padding: struct member order is kept
#     readable (grouped by meaning), not packed.
# False positives are silenced in place with NOLINT(check) and a reason.
# LINT_JOBS (default: cores) clang-tidy processes in parallel.
set -u
cd "$(dirname "$0")/../.."
CHECKS='-*,clang-analyzer-*,bugprone-*,cert-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions,-cert-err33-c,-clang-analyzer-optin.performance.Padding'
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_XOPEN_SOURCE_EXTENDED -Iinclude -Ibuild/gen $(pkg-config --cflags ncursesw libpq json-c inih 2>/dev/null)"
jobs=${LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}
out=$(mktemp -d /tmp/tsdbtop-lint.XXXXXX)
trap 'rm -rf "$out"' EXIT
rc=0

if command -v cppcheck >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  if cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
       --inline-suppr -j "$jobs" --std=c11 -Iinclude -D_POSIX_C_SOURCE=200809L \
       --suppress=missingIncludeSystem tui >"$out/cppcheck" 2>&1; then
    echo "ok - cppcheck clean over tui/ ($(find tui -name '*.c' | wc -l) files)"
  else
    echo "not ok - cppcheck over tui/"
    sed 's/^/# /' "$out/cppcheck" | head -60
    rc=1
  fi
else
  echo "not ok - cppcheck is installed (make deps)"; rc=1
fi

if command -v clang-tidy >/dev/null 2>&1; then
  # the generated query table must exist (it is #included by nothing, but
  # build/gen is on the include path of the build)
  # shellcheck disable=SC2086
  find tui -name '*.c' | sort | xargs -P "$jobs" -I{} sh -c \
    'clang-tidy --quiet -checks="$1" --warnings-as-errors="*" "$2" -- $3 >"$4/$(echo "$2" | tr / _).log" 2>&1 || echo "$2" >>"$4/failed"' \
    _ "$CHECKS" {} "$FLAGS" "$out"
  if [ ! -s "$out/failed" ]; then
    echo "ok - clang-tidy clean over tui/ (clang-analyzer-*, bugprone-*, cert-*)"
  else
    echo "not ok - clang-tidy over tui/: $(tr '\n' ' ' <"$out/failed")"
    for f in $(cat "$out/failed"); do
      grep -E 'warning:|error:' "$out/$(echo "$f" | tr / _).log" | sed 's/^/# /' | head -20
    done
    rc=1
  fi
else
  echo "not ok - clang-tidy is installed (make deps)"; rc=1
fi
# the walls between tui/'s rooms (includes and nm -u over build/obj)
sh tests/lint/walls.sh || rc=1
exit $rc
