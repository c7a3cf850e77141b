#!/usr/bin/env python3
"""Cross-checks: tsdbtop's figures (--once --json) against TimescaleDB's own
functions on the same data (tests/native/fixture.sql loaded).
usage: crosscheck.py TSDBTOP CONNINFO LABEL [extra tsdbtop args...]
Prints TAP-like lines; exit 1 when any check fails."""
import json, subprocess, sys

tsdbtop, conninfo, label = sys.argv[1:4]
extra = sys.argv[4:]
failed = 0

def check(name, cond, detail=""):
    global failed
    print(("ok - " if cond else "not ok - ") + f"{label}: {name}" + ("" if cond else f" ({detail})"))
    if not cond:
        failed += 1

def sql(q):
    out = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", conninfo, "-c", q],
                         capture_output=True, text=True, timeout=60)
    if out.returncode:
        raise SystemExit(f"not ok - {label}: reference query failed: {out.stderr.strip()}")
    return [l.split("\t") for l in out.stdout.splitlines() if l]

run = subprocess.run([tsdbtop, "--once", "--json", *extra, conninfo], capture_output=True, text=True, timeout=120)
try:
    doc = json.loads(run.stdout)
except ValueError:
    print(f"not ok - {label}: tsdbtop --once --json printed no JSON (exit {run.returncode}): {run.stderr.strip()[:300]}")
    sys.exit(1)
panes = doc["panes"]
for p in ("chunks", "compression", "jobs", "retention", "caggs", "cache"):
    check(f"pane {p} answers", panes[p]["status"] == "ok", panes[p].get("message"))

def rows(p, schema_key="schema"):
    return {(r.get(schema_key), r.get("name")): r for r in panes[p].get("rows", [])}

# 1. chunk counts vs timescaledb_information.chunks
chunks = rows("chunks")
ref = sql("""SELECT hypertable_schema, hypertable_name, count(*), count(*) FILTER (WHERE is_compressed)
             FROM timescaledb_information.chunks WHERE hypertable_schema IN ('xc', 'xc odd')
             GROUP BY 1, 2""")
check("chunk rows for every fixture hypertable", len(ref) >= 4, f"reference has {len(ref)}")
for s, n, total, compr in ref:
    r = chunks.get((s, n))
    check(f"chunks of {s}.{n!r} listed", r is not None)
    if r:
        check(f"chunks {s}.{n!r}: total {r['chunks']} = {total}", r["chunks"] == int(total))
        check(f"chunks {s}.{n!r}: compressed {r['compressed']} = {compr}", r["compressed"] == int(compr))
m = chunks.get(("xc", "metrics"))
if m:
    part = sql("SELECT count(*) FROM show_chunks('xc.metrics') s WHERE _timescaledb_functions.chunk_status(s) & 8 <> 0")[0][0]
    check(f"xc.metrics: partial chunks {m['partial']} = chunk_status {part}", m["partial"] == int(part))
    check("xc.metrics: the fixture's partially compressed chunk is there", int(part) == 1)
    check(f"xc.metrics: uncompressed + compressed = total", m["uncompressed"] + m["compressed"] == m["chunks"])
sp = chunks.get(("xc", "spaced"))
if sp:
    check("xc.spaced: a space dimension gives several chunks per interval", sp["chunks"] > 6)

# 2. compressed bytes vs hypertable_compression_stats
comp = rows("compression")
ref = sql("""SELECT before_compression_total_bytes, after_compression_total_bytes, number_compressed_chunks
             FROM hypertable_compression_stats('xc.metrics')""")
c = comp.get(("xc", "metrics"))
check("compression row for xc.metrics", c is not None)
if c and ref:
    b, a, n = ref[0]
    check(f"xc.metrics compressed chunks {c['compressed_chunks']} = {n}", c["compressed_chunks"] == int(n))
    check(f"xc.metrics bytes before {c['before_bytes']} = {b}", c["before_bytes"] is not None and int(c["before_bytes"]) == int(b))
    check(f"xc.metrics bytes after {c['after_bytes']} = {a}", c["after_bytes"] is not None and int(c["after_bytes"]) == int(a))
    back = sql("""SELECT count(*) FROM show_chunks('xc.metrics', older_than => now() - interval '10 days') s
                  WHERE (_timescaledb_functions.chunk_status(s) & 1 = 0 OR _timescaledb_functions.chunk_status(s) & 8 <> 0)""")
    check(f"xc.metrics backlog {c['backlog']} = {back[0][0]} (uncompressed or partial chunks past compress_after, chunk_status)", c["backlog"] == int(back[0][0]))
    ccs = sql("""SELECT coalesce(sum(after_compression_total_bytes), 0) FROM chunk_compression_stats('xc.metrics')""")
    check(f"xc.metrics bytes after = sum of chunk_compression_stats ({ccs[0][0]})", int(c["after_bytes"] or 0) == int(ccs[0][0]))

# 3. retention: what drops next vs show_chunks(older_than => next_start - drop_after)
ret = {(r["schema"], r["name"]): r for r in panes["retention"].get("rows", [])}
r = ret.get(("xc", "metrics"))
check("retention row for xc.metrics", r is not None)
if r:
    ref = sql("""SELECT count(*) FROM show_chunks('xc.metrics', older_than =>
                   greatest(now(), coalesce((SELECT next_start FROM timescaledb_information.jobs j
                     WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = 'xc'
                       AND j.hypertable_name = 'metrics' AND next_start > '-infinity'), now())) - interval '20 days')""")
    check(f"xc.metrics drops next {r['drop_count']} = show_chunks {ref[0][0]}", r["drop_count"] == int(ref[0][0]))

# 4. aggregate watermark vs cagg_watermark
cag = {(r["schema"], r["name"]): r for r in panes["caggs"].get("rows", [])}
fn = sql("SELECT CASE WHEN to_regproc('_timescaledb_functions.cagg_watermark') IS NOT NULL THEN '_timescaledb_functions' ELSE '_timescaledb_internal' END")[0][0]
for name in ("metrics_hourly", "metrics_daily"):
    g = cag.get(("xc", name))
    check(f"cagg xc.{name} listed", g is not None)
    if not g:
        continue
    ref = sql(f"""SELECT extract(epoch FROM _timescaledb_functions.to_timestamp({fn}.cagg_watermark(mat_hypertable_id)))
                  FROM _timescaledb_catalog.continuous_agg WHERE user_view_schema = 'xc' AND user_view_name = '{name}'"""
              .replace("_timescaledb_functions.to_timestamp", fn + ".to_timestamp"))
    want = float(ref[0][0])
    got = g.get("watermark")
    gotv = got if isinstance(got, (int, float)) else None
    if isinstance(got, str):
        from datetime import datetime
        gotv = datetime.fromisoformat(got.replace("Z", "+00:00")).timestamp()
    check(f"cagg xc.{name} watermark {got} = cagg_watermark {want}", gotv is not None and abs(gotv - want) < 1.0)
    check(f"cagg xc.{name} lag is not negative", g.get("lag_s") is None or g["lag_s"] >= 0)

# 5. jobs vs timescaledb_information.jobs / job_stats
jobs = {r["id"]: r for r in panes["jobs"].get("rows", [])}
ref = sql("""SELECT j.job_id, coalesce(s.total_runs, 0), coalesce(s.total_failures, 0), j.scheduled
             FROM timescaledb_information.jobs j LEFT JOIN timescaledb_information.job_stats s USING (job_id)""")
check(f"every job listed ({len(jobs)} = {len(ref)})", set(jobs) == {int(x[0]) for x in ref})
for jid, runs, fails, sched in ref:
    j = jobs.get(int(jid))
    if j:
        ok = j["total_runs"] == int(runs) and j["total_failures"] == int(fails) and j["scheduled"] == (sched == "t")
        check(f"job {jid}: runs/failures/scheduled = job_stats", ok, f"{j['total_runs']}/{j['total_failures']}/{j['scheduled']} vs {runs}/{fails}/{sched}")

# 6. cache ratio per hypertable vs pg_statio_all_tables over its chunks and compressed chunks
cache = {(r.get("schema"), r.get("name")): r for r in panes["cache"].get("rows", [])}
c = cache.get(("xc", "metrics"))
check("cache row for xc.metrics", c is not None)
if c:
    ref = sql("""WITH rels AS (
                   SELECT format('%I.%I', chunk_schema, chunk_name)::regclass AS r FROM timescaledb_information.chunks
                    WHERE hypertable_schema = 'xc' AND hypertable_name = 'metrics'
                   UNION ALL
                   SELECT (SELECT format('%I.%I', c2.schema_name, c2.table_name)::regclass
                             FROM _timescaledb_catalog.chunk c2 WHERE c2.id = c.compressed_chunk_id)
                     FROM _timescaledb_catalog.chunk c JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id
                    WHERE h.schema_name = 'xc' AND h.table_name = 'metrics' AND c.compressed_chunk_id IS NOT NULL
                   UNION ALL SELECT 'xc.metrics'::regclass)
                 SELECT sum(coalesce(heap_blks_hit,0) + coalesce(idx_blks_hit,0) + coalesce(toast_blks_hit,0) + coalesce(tidx_blks_hit,0)),
                        sum(coalesce(heap_blks_read,0) + coalesce(idx_blks_read,0) + coalesce(toast_blks_read,0) + coalesce(tidx_blks_read,0))
                   FROM pg_statio_all_tables s JOIN rels ON rels.r = s.relid"""
              if sql("SELECT count(*) FROM pg_attribute WHERE attrelid = '_timescaledb_catalog.chunk'::regclass AND attname = 'compressed_chunk_id'")[0][0] == "1"
              else """WITH rels AS (SELECT relid AS r FROM _timescaledb_catalog.chunk c JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id
                                    WHERE h.schema_name = 'xc' AND h.table_name = 'metrics'
                                    UNION ALL SELECT 'xc.metrics'::regclass)
                 SELECT sum(coalesce(heap_blks_hit,0) + coalesce(idx_blks_hit,0) + coalesce(toast_blks_hit,0) + coalesce(tidx_blks_hit,0)),
                        sum(coalesce(heap_blks_read,0) + coalesce(idx_blks_read,0) + coalesce(toast_blks_read,0) + coalesce(tidx_blks_read,0))
                   FROM pg_statio_all_tables s JOIN rels ON rels.r = s.relid""")
    hit, read = (float(x or 0) for x in ref[0])
    want = hit / (hit + read) if hit + read > 0 else None
    got = c.get("ratio")
    check(f"xc.metrics cache ratio {got} = pg_statio {want}",
          (want is None and got is None) or (want is not None and got is not None and abs(float(got) - want) < 0.02),
          json.dumps(c)[:300])
sys.exit(1 if failed else 0)
