# native.sh — native TimescaleDB servers built by the project (POSIX sh, sourced).
#
#   native_versions            the supported releases, one line
#   native_ensure VERSION      build (once per machine, cached) and install VERSION;
#                              the one-line reason on stderr and non-zero on failure
#   native_start VERSION DIR [PORT]
#                              initdb (once) and start a cluster with TimescaleDB
#                              VERSION; sets NATIVE_PORT, NATIVE_CONNINFO, NATIVE_PGDATA
#                              (DIR holds the log; the chroot keeps 2.29's data inside it)
#   native_stop [MODE]         stop the cluster this shell started last (fast)
#   native_restart [MODE] [SECS]  stop it, leave it down SECS, start it as it was
#   native_settings EXTRA...   extra `-c name=value` for the next native_start
#
# 2.24.0, 2.26.4 and 2.28.3 run on Debian bookworm's PostgreSQL 15.18 (pinned:
# 15.20 breaks background jobs); 2.29.2 needs PostgreSQL 16+ and runs on Debian
# trixie's PostgreSQL 17 in a debootstrap chroot. Builds are cached outside the
# clone in $TSDBTOP_NATIVE_CACHE (default /var/cache/tsdbtop/native as root,
# ~/.cache/tsdbtop/native otherwise); sources from $TSDB_SOURCE_DIR (default
# ../shared/timescaledb), checked against its SHA256SUMS.

NATIVE_VERSIONS="2.24.0 2.26.4 2.28.3 2.29.2"
NATIVE_PG15_PIN=15.18-0+deb12u1
NATIVE_PG15_BIN=/usr/lib/postgresql/15/bin
NATIVE_PG17_BIN=/usr/lib/postgresql/17/bin
NATIVE_EXTRA=${NATIVE_EXTRA:-}

if [ -z "${NATIVE_TOP:-}" ]; then
  NATIVE_TOP=${TOP:-$(git rev-parse --show-toplevel 2>/dev/null || pwd)}
fi
if [ -z "${TSDBTOP_NATIVE_CACHE:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    TSDBTOP_NATIVE_CACHE=/var/cache/tsdbtop/native
  else
    TSDBTOP_NATIVE_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tsdbtop/native
  fi
fi
TSDB_SOURCE_DIR=${TSDB_SOURCE_DIR:-$NATIVE_TOP/../shared/timescaledb}
NATIVE_ROOT=$TSDBTOP_NATIVE_CACHE/trixie

native_versions() { echo "$NATIVE_VERSIONS"; }

native__err() { echo "native: $*" >&2; return 1; }

native__supported() {
  for _nv in $NATIVE_VERSIONS; do [ "$_nv" = "$1" ] && return 0; done
  return 1
}

native__chrooted() { [ "$1" = 2.29.2 ]; }

# The Debian mirror this machine's apt uses (never a host named here).
native__mirror() {
  _m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  [ -n "$_m" ] || _m=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; exit}}' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
  [ -n "$_m" ] && echo "$_m"
}

native__apt() { # native__apt PKG...: install as root, else say the command
  _miss=""
  for _p in "$@"; do
    _n=${_p%%=*}
    _want=${_p#*=}
    _have=$(dpkg-query -W -f='${Status} ${Version}' "$_n" 2>/dev/null)
    case $_have in
      *" ok installed "*)
        [ "$_want" = "$_p" ] && continue
        [ "${_have##* }" = "$_want" ] && continue ;;
    esac
    _miss="$_miss $_p"
  done
  [ -n "$_miss" ] || return 0
  if [ "$(id -u)" != 0 ]; then
    native__err "missing Debian packages:$_miss (run: sudo apt-get install -y$_miss)"
    return 1
  fi
  echo "native: installing:$_miss" >&2
  _log=$TSDBTOP_NATIVE_CACHE/logs/apt.log
  # shellcheck disable=SC2086
  if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades \
           --no-install-recommends $_miss; } >>"$_log" 2>&1; then
    native__err "apt-get install$_miss failed (log: $_log)"
    return 1
  fi
}

native__verify() { # native__verify VERSION: the tarball exists and matches SHA256SUMS
  _tar=$TSDB_SOURCE_DIR/timescaledb-$1.tar.gz
  [ -f "$_tar" ] || { native__err "TimescaleDB $1 source missing: $_tar (set TSDB_SOURCE_DIR)"; return 1; }
  [ -f "$TSDB_SOURCE_DIR/SHA256SUMS" ] || { native__err "no SHA256SUMS beside $_tar"; return 1; }
  _want=$(awk -v f="timescaledb-$1.tar.gz" '$2 == f || $2 == "*" f {print $1}' "$TSDB_SOURCE_DIR/SHA256SUMS")
  [ -n "$_want" ] || { native__err "timescaledb-$1.tar.gz is not listed in $TSDB_SOURCE_DIR/SHA256SUMS"; return 1; }
  _got=$(sha256sum "$_tar" | cut -d' ' -f1)
  [ "$_got" = "$_want" ] || { native__err "timescaledb-$1.tar.gz sha256 $_got does not match SHA256SUMS ($_want)"; return 1; }
}

NATIVE_CMAKE_FLAGS="-DREGRESS_CHECKS=OFF -DTAP_CHECKS=OFF -DWARNINGS_AS_ERRORS=OFF -DLINTER=OFF -DCMAKE_BUILD_TYPE=Release -DSEND_TELEMETRY_DEFAULT=NO"

# --- PostgreSQL 15 (2.24.0, 2.26.4, 2.28.3) -------------------------------

native__pg15_deps() {
  native__apt postgresql-15="$NATIVE_PG15_PIN" postgresql-server-dev-15="$NATIVE_PG15_PIN" \
    postgresql-client-15="$NATIVE_PG15_PIN" cmake gcc make libssl-dev libkrb5-dev || return 1
  [ "$(id -u)" = 0 ] && apt-mark hold postgresql-15 postgresql-server-dev-15 postgresql-client-15 >/dev/null 2>&1
  return 0
}

native__pg15_build() { # into the cache, once
  _dest=$TSDBTOP_NATIVE_CACHE/pg15/$1
  [ -f "$_dest/.ok" ] && return 0
  native__verify "$1" || return 1
  _log=$TSDBTOP_NATIVE_CACHE/logs/build-$1-pg15.log
  _src=$TSDBTOP_NATIVE_CACHE/src/$1-pg15
  echo "native: building TimescaleDB $1 for PostgreSQL 15 (once per machine, ~1-4 min; log $_log)" >&2
  rm -rf "$_src" "$_dest.tmp"
  mkdir -p "$_src" "$_dest.tmp"
  if ! ( set -e
         tar xzf "$TSDB_SOURCE_DIR/timescaledb-$1.tar.gz" -C "$_src" --strip-components=1
         cd "$_src"
         # shellcheck disable=SC2086
         PATH=$NATIVE_PG15_BIN:$PATH ./bootstrap $NATIVE_CMAKE_FLAGS -DPG_CONFIG=$NATIVE_PG15_BIN/pg_config
         cd build
         make -j"$(nproc)"
         make install DESTDIR="$_dest.tmp" ) >"$_log" 2>&1; then
    rm -rf "$_dest.tmp"
    native__err "building TimescaleDB $1 failed (log: $_log)"
    return 1
  fi
  rm -rf "$_src" "$_dest"
  mv "$_dest.tmp" "$_dest" && date >"$_dest/.ok"
}

# Copy every cached PG15 build into the server, oldest first: the shared
# loader timescaledb.so and the control file come from the newest. Files are
# replaced (unlink + new inode), never rewritten in place under a running server.
native__pg15_install() {
  for _v in $NATIVE_VERSIONS; do
    native__chrooted "$_v" && continue
    [ -f "$TSDBTOP_NATIVE_CACHE/pg15/$_v/.ok" ] || continue
    (cd "$TSDBTOP_NATIVE_CACHE/pg15/$_v" && find . -type f ! -name .ok) | while read -r _f; do
      _t=${_f#.}
      cmp -s "$TSDBTOP_NATIVE_CACHE/pg15/$_v/$_f" "$_t" 2>/dev/null && continue
      if [ ! -w "$(dirname "$_t")" ]; then
        echo "native: cannot write $(dirname "$_t") (run as root)" >&2; exit 1
      fi
      cp --remove-destination "$TSDBTOP_NATIVE_CACHE/pg15/$_v/$_f" "$_t" || exit 1
    done || return 1
  done
}

# --- PostgreSQL 17 in a Debian trixie chroot (2.29.2) ---------------------

native__mounted() { grep -q " $1 " /proc/mounts 2>/dev/null; }

native__chroot_mount() {
  native__mounted "$NATIVE_ROOT/proc" || mount -t proc proc "$NATIVE_ROOT/proc" || return 1
  native__mounted "$NATIVE_ROOT/dev" || mount --bind /dev "$NATIVE_ROOT/dev" || return 1
}

# Unmount unless a process still runs inside the chroot.
native__chroot_umount() {
  _root=${1:-$NATIVE_ROOT}
  for _pd in /proc/[0-9]*; do
    [ "$(readlink "$_pd/root" 2>/dev/null)" = "$_root" ] && return 0
  done
  native__mounted "$_root/dev" && umount "$_root/dev" 2>/dev/null
  native__mounted "$_root/proc" && umount "$_root/proc" 2>/dev/null
  return 0
}

native__in_root() { chroot "$NATIVE_ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

native__trixie() {
  [ -f "$TSDBTOP_NATIVE_CACHE/trixie.ok" ] && return 0
  [ "$(id -u)" = 0 ] || { native__err "the PostgreSQL 17 chroot for TimescaleDB 2.29 needs root (debootstrap, mount)"; return 1; }
  native__apt debootstrap || return 1
  _mirror=$(native__mirror) || { native__err "no Debian mirror in this machine's apt configuration"; return 1; }
  _tmp=$TSDBTOP_NATIVE_CACHE/trixie.tmp
  _log=$TSDBTOP_NATIVE_CACHE/logs/trixie.log
  echo "native: making the Debian trixie chroot with PostgreSQL 17 (once per machine, ~3 min; log $_log)" >&2
  native__chroot_umount "$_tmp"
  if native__mounted "$_tmp/dev" || native__mounted "$_tmp/proc"; then
    native__err "$_tmp is still mounted; unmount it first"; return 1
  fi
  rm -rf "$_tmp"
  if ! debootstrap --variant=minbase trixie "$_tmp" "$_mirror" >"$_log" 2>&1; then
    native__err "debootstrap trixie failed (log: $_log)"; return 1
  fi
  if ! ( set -e
         mount -t proc proc "$_tmp/proc"; mount --bind /dev "$_tmp/dev"
         trap 'umount "$_tmp/dev" "$_tmp/proc" 2>/dev/null' EXIT
         chroot "$_tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
           sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends \
             postgresql-17 postgresql-server-dev-17 cmake gcc g++ make libssl-dev libkrb5-dev libicu-dev' ) >>"$_log" 2>&1; then
    native__chroot_umount "$_tmp"
    native__err "installing PostgreSQL 17 in the chroot failed (log: $_log)"; return 1
  fi
  native__chroot_umount "$_tmp"
  if native__mounted "$_tmp/dev" || native__mounted "$_tmp/proc"; then
    native__err "could not unmount $_tmp"; return 1
  fi
  rm -rf "$NATIVE_ROOT" && mv "$_tmp" "$NATIVE_ROOT" && date >"$TSDBTOP_NATIVE_CACHE/trixie.ok"
}

native__pg17_build() {
  [ -f "$TSDBTOP_NATIVE_CACHE/trixie-$1.ok" ] && return 0
  native__verify "$1" || return 1
  _log=$TSDBTOP_NATIVE_CACHE/logs/build-$1-pg17.log
  echo "native: building TimescaleDB $1 for PostgreSQL 17 in the chroot (once per machine, ~4 min; log $_log)" >&2
  rm -rf "$NATIVE_ROOT/build/$1"
  mkdir -p "$NATIVE_ROOT/build/$1"
  tar xzf "$TSDB_SOURCE_DIR/timescaledb-$1.tar.gz" -C "$NATIVE_ROOT/build/$1" --strip-components=1 || return 1
  native__chroot_mount || { native__err "cannot mount proc/dev in $NATIVE_ROOT"; return 1; }
  if ! native__in_root sh -c "set -e; cd /build/$1; ./bootstrap $NATIVE_CMAKE_FLAGS -DPG_CONFIG=$NATIVE_PG17_BIN/pg_config;
       cd build; make -j$(nproc); make install" >"$_log" 2>&1; then
    native__chroot_umount
    native__err "building TimescaleDB $1 in the chroot failed (log: $_log)"; return 1
  fi
  native__chroot_umount
  rm -rf "$NATIVE_ROOT/build/$1"
  date >"$TSDBTOP_NATIVE_CACHE/trixie-$1.ok"
}

# --- public ---------------------------------------------------------------

native_ensure() {
  native__supported "$1" || { native__err "TimescaleDB $1 is not supported here (one of: $NATIVE_VERSIONS)"; return 1; }
  mkdir -p "$TSDBTOP_NATIVE_CACHE/logs" || return 1
  command -v flock >/dev/null 2>&1 || { native__err "flock (util-linux) is missing"; return 1; }
  # One builder per machine: others wait for it.
  (
    flock -w 3600 9 || { native__err "waited an hour for another build in $TSDBTOP_NATIVE_CACHE"; exit 1; }
    if native__chrooted "$1"; then
      native__trixie && native__pg17_build "$1"
    else
      native__pg15_deps && native__pg15_build "$1" && native__pg15_install
    fi
  ) 9>"$TSDBTOP_NATIVE_CACHE/.lock-$(native__chrooted "$1" && echo pg17 || echo pg15)"
}

native__as() { # run as the postgres user (host or chroot)
  if native__chrooted "$NATIVE_VERSION"; then
    native__in_root runuser -u postgres -- "$@"
  elif [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

native__free_port() {
  _p=$(( 21000 + ($$ * 13 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 19000 ))
  while ss -ltn 2>/dev/null | grep -q ":$_p "; do _p=$((_p + 1)); done
  echo "$_p"
}

native_settings() { NATIVE_EXTRA="$NATIVE_EXTRA $*"; }

native_start() {
  NATIVE_VERSION=$1
  NATIVE_DIR=$2
  native__supported "$1" || { native__err "TimescaleDB $1 is not supported (one of: $NATIVE_VERSIONS)"; return 1; }
  mkdir -p "$NATIVE_DIR" || return 1
  if native__chrooted "$1"; then
    [ -f "$TSDBTOP_NATIVE_CACHE/trixie-$1.ok" ] || { native__err "TimescaleDB $1 is not built (native_ensure $1)"; return 1; }
    native__chroot_mount || { native__err "cannot mount proc/dev in $NATIVE_ROOT"; return 1; }
    # The data directory lives inside the chroot, named after DIR.
    _key=$(printf '%s' "$(cd "$NATIVE_DIR" && pwd)" | sha256sum | cut -c1-12)
    NATIVE_PGDATA=/var/lib/tsdbtop/$_key
    NATIVE_LOG=/var/lib/tsdbtop/$_key.log
    NATIVE_BIN=$NATIVE_PG17_BIN
    mkdir -p "$NATIVE_ROOT/var/lib/tsdbtop"
    native__in_root chown postgres /var/lib/tsdbtop
    echo "$NATIVE_ROOT$NATIVE_PGDATA" >"$NATIVE_DIR/pgdata"
  else
    [ -f "$NATIVE_PG15_BIN/postgres" ] || { native__err "PostgreSQL 15 is not installed (native_ensure $1)"; return 1; }
    [ -f "/usr/lib/postgresql/15/lib/timescaledb-$1.so" ] || { native__err "TimescaleDB $1 is not installed (native_ensure $1)"; return 1; }
    NATIVE_PGDATA=$NATIVE_DIR/data
    NATIVE_LOG=$NATIVE_DIR/server.log
    NATIVE_BIN=$NATIVE_PG15_BIN
    [ "$(id -u)" = 0 ] && chown postgres "$NATIVE_DIR"
    echo "$NATIVE_PGDATA" >"$NATIVE_DIR/pgdata"
  fi
  if ! native__as test -f "$NATIVE_PGDATA/PG_VERSION"; then
    native__as "$NATIVE_BIN/initdb" -D "$NATIVE_PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      --no-sync >"$NATIVE_DIR/initdb.log" 2>&1 || { native__err "initdb failed: $(tail -n 1 "$NATIVE_DIR/initdb.log")"; return 1; }
  fi
  NATIVE_PORT=${3:-$(native__free_port)}
  if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$NATIVE_PORT \|\*:$NATIVE_PORT \|0.0.0.0:$NATIVE_PORT "; then
    native__err "port $NATIVE_PORT is already in use"; return 1
  fi
  # shellcheck disable=SC2086
  if ! native__as "$NATIVE_BIN/pg_ctl" -D "$NATIVE_PGDATA" -l "$NATIVE_LOG" -w -t 60 \
      -o "-p $NATIVE_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
          -c shared_preload_libraries=timescaledb -c timescaledb.telemetry_level=off \
          -c max_worker_processes=32 -c timescaledb.max_background_workers=16 \
          -c log_min_messages=warning -c log_line_prefix=%m_[%p]_ $NATIVE_EXTRA" start >/dev/null 2>&1; then
    native__err "PostgreSQL for TimescaleDB $1 did not start: $(native__log_tail)"; return 1
  fi
  NATIVE_EXTRA=
  NATIVE_CONNINFO="host=127.0.0.1 port=$NATIVE_PORT user=postgres dbname=postgres"
  export NATIVE_PORT NATIVE_CONNINFO NATIVE_PGDATA NATIVE_VERSION
}

native__log_tail() {
  if native__chrooted "$NATIVE_VERSION"; then tail -n 3 "$NATIVE_ROOT$NATIVE_LOG" 2>/dev/null | tr '\n' ' '
  else tail -n 3 "$NATIVE_LOG" 2>/dev/null | tr '\n' ' '; fi
}

# The server log as a host path.
native_log() {
  if native__chrooted "$NATIVE_VERSION"; then echo "$NATIVE_ROOT$NATIVE_LOG"; else echo "$NATIVE_LOG"; fi
}

native_stop() {
  [ -n "${NATIVE_PGDATA:-}" ] || return 0
  native__as "$NATIVE_BIN/pg_ctl" -D "$NATIVE_PGDATA" -m "${1:-fast}" -w -t 30 stop >/dev/null 2>&1 ||
    native__as "$NATIVE_BIN/pg_ctl" -D "$NATIVE_PGDATA" -m immediate -w -t 30 stop >/dev/null 2>&1
  native__chrooted "$NATIVE_VERSION" && native__chroot_umount
  return 0
}

# native_restart [MODE] [DOWN_SECS]: stop the cluster started last (here or in
# the parent shell: NATIVE_PGDATA, NATIVE_VERSION exported) with MODE (fast),
# leave it down DOWN_SECS (0), start it again with the options, port and log it
# had (from postmaster.opts: no option holds a space).
native_restart() {
  [ -n "${NATIVE_PGDATA:-}" ] && [ -n "${NATIVE_VERSION:-}" ] || { native__err "no cluster to restart"; return 1; }
  if native__chrooted "$NATIVE_VERSION"; then
    _rb=$NATIVE_PG17_BIN; _rl=$NATIVE_PGDATA.log; _ro=$NATIVE_ROOT$NATIVE_PGDATA/postmaster.opts
  else
    _rb=$NATIVE_PG15_BIN; _rl=$(dirname "$NATIVE_PGDATA")/server.log; _ro=$NATIVE_PGDATA/postmaster.opts
  fi
  _ra=$(sed 's/^[^ ]* //; s/"//g' "$_ro") || return 1
  native__as "$_rb/pg_ctl" -D "$NATIVE_PGDATA" -m "${1:-fast}" -w -t 30 stop >/dev/null || return 1
  sleep "${2:-0}"
  native__as "$_rb/pg_ctl" -D "$NATIVE_PGDATA" -l "$_rl" -w -t 60 -o "$_ra" start >/dev/null
}

# native_create_db DBNAME: a database with TimescaleDB $NATIVE_VERSION in it.
native_create_db() {
  _c="host=127.0.0.1 port=$NATIVE_PORT user=postgres"
  psql -X -q -v ON_ERROR_STOP=1 "$_c dbname=postgres" -c "CREATE DATABASE \"$1\"" >/dev/null || return 1
  psql -X -q -v ON_ERROR_STOP=1 "$_c dbname=$1" \
    -c "CREATE EXTENSION IF NOT EXISTS timescaledb VERSION '$NATIVE_VERSION'" >/dev/null 2>&1 || {
    native__err "CREATE EXTENSION timescaledb VERSION '$NATIVE_VERSION' failed in $1"; return 1; }
}
