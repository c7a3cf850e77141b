#!/bin/sh
# tests/native/compat.sh CONNINFO [VERSION]: compatibility mode against a live
# TimescaleDB (native or embedded). Runs `tsdbtop --once --json` on the fast
# path (catalog queries) and with --compat (sql/queries/NAME.compat.sql: public
# views and size functions) on the same data, and compares them pane by pane:
#   - counts, states, health, lags, job figures, policies, watermarks: equal
#     (figures that move with the clock between the two runs, such as
#     backlog_behind_s or a lag, within 120 s)
#   - sizes measured by the views (chunks_detailed_size) against the fast
#     path's pg_class.relpages estimate: within 10 %, or 64 kB per chunk
#     counted, whichever is larger (see README, "Compatibility mode");
#     sizes recorded at compression (before/after bytes): equal
# and that --compat, TSDBTOP_COMPAT=1 and `compat = yes` in the config file all
# switch it on and say so (header line, JSON "compat", health/check).
# Data: the MS5.0 layer (sql/deploy.sh) and tests/native/fixture.sql (compressed
# and partially compressed chunks, a space dimension, integer time, caggs on
# caggs, a hostile name), each only when not there yet; then ANALYZE.
# Prints "ok - ..." / "not ok - ..."; exit 1 on any failure.
set -u
C=${1:?usage: compat.sh CONNINFO [VERSION]}
V=${2:-}
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$TOP/build/tsdbtop}
W=$(mktemp -d /tmp/tsdbtop-compat.XXXXXX)
rc=0
ok() { echo "ok - ${V:+$V: }compat: $*"; }
nok() { echo "not ok - ${V:+$V: }compat: $*"; rc=1; }
psqlq() { psql -X -q -At -v ON_ERROR_STOP=1 "$C" "$@"; }
trap 'rm -rf "$W"' EXIT INT TERM

# ---- data --------------------------------------------------------------------
if [ "$(psqlq -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'factory_telemetry'")" = 0 ]; then
  if sh "$TOP/sql/deploy.sh" "$C" >"$W/deploy.log" 2>&1; then ok "MS5.0 layer deployed"
  else nok "MS5.0 layer deployed"; sed 's/^/    # /' "$W/deploy.log" | tail -15; fi
fi
if [ "$(psqlq -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'xc'")" = 0 ]; then
  if psqlq -f "$TOP/tests/native/fixture.sql" >"$W/fixture.log" 2>&1; then ok "fixture loaded"
  else nok "fixture loaded"; sed 's/^/    # /' "$W/fixture.log" | tail -15; fi
fi
psqlq -c "ANALYZE" >/dev/null 2>&1

# ---- the runs: fast, compat, fast again (close together: the comparisons allow
# 120 s of clock; a figure the scheduler changes in between, e.g. a job that
# just ran, passes when compat equals the fast run before or after it) --------
"$BIN" --once --json "$C" >"$W/fast.json" 2>"$W/fast.err"; r1=$?
"$BIN" --once --json --compat "$C" >"$W/compat.json" 2>"$W/compat.err"; r2=$?
"$BIN" --once --json "$C" >"$W/fast2.json" 2>/dev/null || cp "$W/fast.json" "$W/fast2.json"
if [ $r1 = 0 ] && [ $r2 = 0 ]; then ok "--once --json fast and --compat both answer"
else nok "--once --json fast ($r1) and --compat ($r2) both answer"; cat "$W/fast.err" "$W/compat.err" | sed 's/^/    # /'; fi

python3 - "$W/fast.json" "$W/compat.json" "$W/fast2.json" "${V:-?}" <<'EOF' || rc=1
import json, sys
fast, comp, fast2 = (json.load(open(p)) for p in sys.argv[1:4])
V = sys.argv[4]
bad = 0
def ok(m): print(f"ok - {V}: compat: {m}")
def nok(m, detail=()):
    global bad; bad = 1
    print(f"not ok - {V}: compat: {m}")
    for d in list(detail)[:20]: print(f"    # {d}")

CLOCK = 120.0                       # seconds between the two runs, at most
def size_tol(a, chunks):            # the documented tolerance (README, Compatibility mode)
    return max(0.10 * abs(a), 65536.0 * max(chunks, 1))

def cmp_rows(pane, key, exact, clock=(), sizes=(), chunks_of=lambda r: 1, skip_fast_broken=True):
    fp, cp = fast["panes"][pane], comp["panes"][pane]
    if cp["status"] != "ok":
        nok(f"{pane}: the compat query answers", [cp.get("message", "")]); return
    if fp["status"] != "ok":
        # the fast path of this pane is broken on this catalog (a layout the
        # fast queries do not know yet): compat answers, nothing to compare
        ok(f"{pane}: compat answers ({len(cp.get('rows', []))} rows); fast path {fp['status']}: "
           f"{fp.get('message', '')[:80]} (not compared)"); return
    fr = {key(r): r for r in fp["rows"]}; cr = {key(r): r for r in cp["rows"]}
    f2 = fast2["panes"][pane]
    fr2 = {key(r): r for r in f2.get("rows", [])} if f2["status"] == "ok" else {}
    if set(fr) != set(cr):
        nok(f"{pane}: same rows", [f"fast only: {sorted(map(str, set(fr) - set(cr)))}",
                                   f"compat only: {sorted(map(str, set(cr) - set(fr)))}"]); return
    diffs = []
    for k in fr:
        a, b = fr[k], cr[k]
        a2 = fr2.get(k, a)
        for f in exact:
            if a.get(f) != b.get(f) and a2.get(f) != b.get(f):
                diffs.append(f"{k} {f}: fast {a.get(f)!r} (then {a2.get(f)!r}) compat {b.get(f)!r}")
        for f in clock:
            x, y = a.get(f), b.get(f)
            if (x is None) != (y is None) or (x is not None and abs(x - y) > CLOCK):
                diffs.append(f"{k} {f}: fast {x!r} compat {y!r} (clock tolerance {CLOCK:.0f} s)")
        for f in sizes:
            x, y = a.get(f), b.get(f)
            if x is None and y is None: continue
            if (x is None) != (y is None): diffs.append(f"{k} {f}: fast {x!r} compat {y!r}"); continue
            t = size_tol(x, chunks_of(a))
            if abs(x - y) > t: diffs.append(f"{k} {f}: fast {x:.0f} compat {y:.0f} (tolerance {t:.0f})")
    if diffs: nok(f"{pane}: {len(fr)} rows agree", diffs)
    else: ok(f"{pane}: {len(fr)} rows agree ({', '.join(exact[:6])}{'...' if len(exact) > 6 else ''}"
             f"{'; sizes within tolerance' if sizes else ''})")

nm = lambda r: (r["schema"], r["name"])
cmp_rows("chunks", nm,
         ["cagg", "time_column", "time_type", "integer_time", "interval", "chunks", "compressed",
          "uncompressed", "partial", "frozen", "oldest_start", "newest_end", "before_bytes",
          "after_bytes", "compression_enabled", "health", "why"],
         sizes=["est_bytes"], chunks_of=lambda r: r["chunks"])
cmp_rows("compression", nm,
         ["segmentby", "orderby", "policy", "job_id", "compress_after", "backlog",
          "compressed_chunks", "before_bytes", "after_bytes", "health"],
         clock=["backlog_behind_s"])
cmp_rows("jobs", lambda r: r["id"],
         ["proc", "hypertable_schema", "hypertable_name", "schedule_s", "scheduled", "last_start",
          "last_finish", "next_start", "last_status", "consecutive_failures", "total_runs",
          "total_failures", "overdue", "health"])
cmp_rows("retention", lambda r: r["job_id"],
         ["schema", "name", "drop_after", "scheduled", "next_start", "overdue", "drop_count",
          "oldest_start", "oldest_end", "health"],
         sizes=["drop_bytes"], chunks_of=lambda r: r.get("drop_count") or 1)
cmp_rows("caggs", nm,
         ["raw_schema", "raw_name", "bucket", "bucket_s", "materialized_only", "watermark",
          "promised_lag_s", "raw_newest", "job_id", "job_state", "state", "retention_cuts_window",
          "integer_time", "watermark_units", "now_units", "lag_units", "raw_newest_units",
          "bucket_units", "end_offset_units", "ahead_of_now", "health"],
         clock=["lag_s", "ahead_by"])
cmp_rows("cache", nm, [])            # counters move with every query: same hypertables only
fs, cs = fast["panes"]["jobs"].get("scheduler"), comp["panes"]["jobs"].get("scheduler")
(ok if fs == cs else nok)(f"scheduler: same ({cs})")

fc, cc = fast.get("compat", {}), comp.get("compat", {})
if cc.get("active") is True and cc.get("reason") == "forced":
    ok("--compat: JSON compat {active: true, reason: forced}")
else: nok("--compat: JSON compat {active: true, reason: forced}", [repr(cc)])
if fc.get("active") is False or fc.get("reason") in ("unknown_version", "fast_query_failed"):
    ok(f"fast run: JSON compat {fc}")
else: nok("fast run: JSON compat inactive (or automatic with a reason)", [repr(fc)])
sys.exit(bad)
EOF

# ---- the other switches ----------------------------------------------------------
if "$BIN" --once --compat "$C" 2>&1 | grep -q '^compatibility mode: forced by option'; then
  ok "--once text header says 'compatibility mode: forced by option'"
else nok "--once text header says 'compatibility mode: forced by option'"; fi
if ! "$BIN" --once "$C" 2>&1 | grep -q '^compatibility mode' || \
   [ "$(python3 -c "import json,sys; print(json.load(open('$W/fast.json'))['compat']['active'])")" = True ]; then
  ok "--once text header without compat mode has no such line (unless automatic)"
else nok "--once text header without compat mode has no such line"; fi
a=$(TSDBTOP_COMPAT=1 "$BIN" --once --json "$C" 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['compat']['reason'])")
[ "$a" = forced ] && ok "TSDBTOP_COMPAT=1 switches it on" || nok "TSDBTOP_COMPAT=1 switches it on (reason $a)"
printf '[connection]\ncompat = yes\n' >"$W/config"
a=$("$BIN" --config "$W/config" --once --json "$C" 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['compat']['reason'])")
[ "$a" = forced ] && ok "'compat = yes' in [connection] of the config file switches it on" || nok "config compat = yes switches it on (reason $a)"
"$BIN" --config "$W/config" --print-config 2>&1 | grep -q '^compat  *= yes' && ok "--print-config shows compat = yes" || nok "--print-config shows compat = yes"
a=$("$BIN" health --json --compat "$C" 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['compat']['active'])")
[ "$a" = True ] && ok "health --compat: JSON compat active" || nok "health --compat: JSON compat active ($a)"
"$BIN" health --compat "$C" 2>&1 >/dev/null | grep -q 'compatibility mode: forced' && ok "health --compat says so on stderr" || nok "health --compat says so on stderr"
"$BIN" check "$C" >"$W/chk1" 2>/dev/null; c1=$?
"$BIN" check --compat "$C" >"$W/chk2" 2>"$W/chk2.err"; c2=$?
if [ $c1 = $c2 ] && grep -q 'compatibility mode: forced' "$W/chk2.err" && \
   [ "$(sed 's/|.*//; s/[0-9.]*s //g' "$W/chk1" | head -1 | cut -c1-20)" = "$(sed 's/|.*//' "$W/chk2" | head -1 | cut -c1-20)" ]; then
  ok "check --compat: same exit ($c2) and status as the fast path, compat said on stderr"
else
  nok "check --compat: same exit (fast $c1, compat $c2) and status, compat said on stderr"
  head -3 "$W/chk1" "$W/chk2" "$W/chk2.err" | sed 's/^/    # /'
fi
# ---- automatic: a fast query meets a catalog column it does not know ---------------
# In a scratch database (where one can be made: native servers), a catalog
# column is renamed as a future release might move it (attribute numbers are
# kept, so TimescaleDB and its views go on working); the fast Chunks and Caggs
# queries then fail with 42703 and the console must switch for the session.
S=tsdbtop_compat_scratch
SC="$C dbname=$S"
psqlq -c "DROP DATABASE IF EXISTS $S" >/dev/null 2>&1
if psqlq -c "CREATE DATABASE $S" >/dev/null 2>&1; then
  tv=$(psqlq -c "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'")
  if psql -X -q -v ON_ERROR_STOP=1 "$SC" >"$W/scratch.log" 2>&1 <<EOS
SET client_min_messages = warning;
CREATE EXTENSION timescaledb VERSION '$tv';
\\i $TOP/tests/native/fixture.sql
ALTER TABLE _timescaledb_catalog.continuous_agg RENAME COLUMN user_view_schema TO user_view_schema_moved;
EOS
  then
    "$BIN" --once --json "$SC" >"$W/auto.json" 2>&1
    if python3 - "$W/auto.json" <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["compat"]
print("    #", c, {p: v["status"] for p, v in d["panes"].items()})
sys.exit(not (c["active"] and c["reason"] == "fast_query_failed" and "42703" in (c["detail"] or "")
              and all(v["status"] == "ok" for v in d["panes"].values())
              and len(d["panes"]["caggs"]["rows"]) == 2 and len(d["panes"]["chunks"]["rows"]) >= 6))
EOP
    then ok "a fast query failing with 42703 switches to compatibility mode in the same poll: every pane ok, reason fast_query_failed"
    else nok "42703 on a fast query switches to compatibility mode"; head -c 600 "$W/auto.json" | sed 's/^/    # /'; fi
    "$BIN" --once "$SC" 2>&1 | grep -q '^compatibility mode: a fast query failed on this catalog (chunks: 42703' \
      && ok "--once header says why (chunks: 42703 ...)" || nok "--once header says why"
  elif grep -q 'has already been loaded with another version' "$W/scratch.log"; then
    # the embedded server (PGlite) is one backend: a second database gets no extension of its own
    ok "automatic switch on 42703 # SKIP one-backend server: no TimescaleDB in a scratch database"
  else
    nok "scratch database for the automatic switch"; tail -5 "$W/scratch.log" | sed 's/^/    # /'
  fi
  psqlq -c "DROP DATABASE IF EXISTS $S" >/dev/null 2>&1
else
  ok "automatic switch on 42703 # SKIP no scratch database can be created here"
fi
"$BIN" metrics --compat "$C" >/dev/null 2>&1 && ok "metrics --compat answers (metrics reads only the public views anyway)" || nok "metrics --compat answers"
exit $rc
