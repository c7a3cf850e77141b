/* action_sql — the plan queries of the action layer. Every target arrives
 * as a parameter cast with ::regclass; nothing is spliced. Casts of policy
 * config text (intervals vs integers) sit behind CASE so that they are
 * only evaluated where they apply. */
#include "action_sql.h"

#include "tsdbtop/chunk_status.h"

/* Time ranges are read through _timescaledb_catalog.chunk_constraint: a
 * table until 2.27, from 2.28 on a view over dimension_slice (which then
 * carries chunk_id), kept in 2.29. */

/* Bytes of a chunk for the dialog: the relpages estimate, or, for a chunk
 * never vacuumed/analyzed (relpages 0), its main fork's size (one stat per
 * chunk, only when an action is planned). */
#define REL_BYTES(c) \
	"(CASE WHEN " c ".relpages > 0 THEN " c ".relpages::float8 * current_setting('block_size')::float8 " \
	"ELSE pg_catalog.pg_relation_size(" c ".oid)::float8 END)"

/* The relation (oid) of a chunk catalog row k on every catalog layout:
 * chunk.schema_name/table_name until TimescaleDB 2.28, chunk.relid
 * (regclass) from 2.29. Read through to_jsonb(k), so the text names no
 * column the server lacks; a join on it hashes each chunk row once. A
 * dropped chunk (a row without a table, until 2.25) maps to NULL. */
#define CHUNK_OID(k) \
	"(CASE WHEN (to_jsonb(" k ")->>'relid') IS NOT NULL THEN (to_jsonb(" k ")->>'relid')::regclass::oid " \
	"ELSE to_regclass(pg_catalog.format('%I.%I', to_jsonb(" k ")->>'schema_name', " \
	"to_jsonb(" k ")->>'table_name'))::oid END)"

/* Compression enabled on hypertable h: compression_state 1 until 2.28
 * (2 = an internal compressed hypertable), status bit 4 from 2.29 (no
 * internal compressed hypertables, compression_state no longer kept). The
 * plans read it as compression_state = 1. */
#define HT_COMPRESSION_STATE(h) \
	"(CASE WHEN " h ".id IS NULL THEN NULL WHEN " h ".compression_state = 2 THEN 2 " \
	"WHEN " h ".compression_state = 1 OR coalesce((to_jsonb(" h ")->>'status')::int, 0) & 4 = 4 THEN 1 " \
	"ELSE 0 END)"

#define CHUNK_JOIN \
	"JOIN pg_catalog.pg_class c2 ON c2.oid = lst.rel " \
	"JOIN pg_catalog.pg_namespace n2 ON n2.oid = c2.relnamespace " \
	"JOIN _timescaledb_catalog.chunk k ON " CHUNK_OID("k") " = c2.oid "

#define TIME_RANGE \
	"LEFT JOIN LATERAL (SELECT ds.range_start, ds.range_end " \
	"  FROM _timescaledb_catalog.chunk_constraint cc " \
	"  JOIN _timescaledb_catalog.dimension_slice ds ON ds.id = cc.dimension_slice_id " \
	"  JOIN _timescaledb_catalog.dimension d ON d.id = ds.dimension_id AND d.interval_length IS NOT NULL " \
	" WHERE cc.chunk_id = k.id ORDER BY d.id LIMIT 1) rng ON true "

#define TARGET_HDR \
	"WITH t AS (SELECT $1::regclass AS rel), " \
	"hdr AS (SELECT t.rel, n.nspname AS rel_schema, c.relname AS rel_name, c.relkind::text AS relkind, " \
	"  h.id AS ht_id, " HT_COMPRESSION_STATE("h") " AS compression_state, " \
	"  pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner, " \
	"  pg_catalog.pg_get_userbyid(c.relowner) AS owner_name " \
	"  FROM t JOIN pg_catalog.pg_class c ON c.oid = t.rel " \
	"  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " \
	"  LEFT JOIN _timescaledb_catalog.hypertable h ON h.schema_name = n.nspname AND h.table_name = c.relname) "

/* $1 hypertable, $2 the window: chunks older than this interval, or NULL:
 * past the compression policy's compress_after (an interval one). */
const char action_sql_compress_plan[] =
	TARGET_HDR
	", pol AS (SELECT hdr.*, (SELECT j.config->>'compress_after' FROM timescaledb_information.jobs j "
	"   WHERE j.proc_name = 'policy_compression' AND (j.config->>'hypertable_id')::int = hdr.ht_id "
	"   ORDER BY j.job_id LIMIT 1) AS compress_after FROM hdr) "
	", win AS (SELECT pol.*, CASE WHEN $2::interval IS NOT NULL THEN $2::interval "
	"   WHEN pol.compress_after IS NOT NULL AND pol.compress_after !~ '^-?[0-9]+$' "
	"   THEN pol.compress_after::interval END AS older FROM pol) "
	", lst AS (SELECT unnest(CASE WHEN win.ht_id IS NOT NULL AND win.compression_state = 1 AND win.older IS NOT NULL "
	"   THEN ARRAY(SELECT @ts.show_chunks(win.rel, older_than => win.older)) END) AS rel FROM win) "
	", ch AS (SELECT n2.nspname AS chunk_schema, c2.relname AS chunk_name, k.status, "
	"   " REL_BYTES("c2") " AS bytes, rng.range_start "
	"   FROM lst " CHUNK_JOIN TIME_RANGE
	"   WHERE " CHUNK_SQL_TO_COMPRESS("k") ") "
	"SELECT pol.rel_schema, pol.rel_name, pol.ht_id, pol.compression_state, pol.owner, pol.owner_name, "
	"  pol.compress_after, ch.chunk_schema, ch.chunk_name, ch.status, ch.bytes "
	"FROM pol LEFT JOIN ch ON true ORDER BY ch.range_start, ch.chunk_name";

const char action_sql_chunk_plan[] =
	"SELECT n.nspname AS chunk_schema, c.relname AS chunk_name, k.status, k.id AS chunk_id, "
	"  h.schema_name AS ht_schema, h.table_name AS ht_name, " HT_COMPRESSION_STATE("h") " AS compression_state, "
	"  pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner, pg_catalog.pg_get_userbyid(c.relowner) AS owner_name, "
	"  " REL_BYTES("c") " AS bytes, "
	"  (SELECT s.uncompressed_heap_size + s.uncompressed_toast_size + s.uncompressed_index_size "
	"     FROM _timescaledb_catalog.compression_chunk_size s WHERE s.chunk_id = k.id) AS before_bytes, "
	"  (SELECT s.compressed_heap_size + s.compressed_toast_size + s.compressed_index_size "
	"     FROM _timescaledb_catalog.compression_chunk_size s WHERE s.chunk_id = k.id) AS after_bytes "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN _timescaledb_catalog.chunk k ON " CHUNK_OID("k") " = c.oid "
	"LEFT JOIN _timescaledb_catalog.hypertable h ON h.id = k.hypertable_id "
	"WHERE c.oid = $1::regclass";

const char action_sql_measure[] =
	"SELECT s.uncompressed_heap_size + s.uncompressed_toast_size + s.uncompressed_index_size AS before_bytes, "
	"  s.compressed_heap_size + s.compressed_toast_size + s.compressed_index_size AS after_bytes "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"JOIN _timescaledb_catalog.chunk k ON " CHUNK_OID("k") " = c.oid "
	"JOIN _timescaledb_catalog.compression_chunk_size s ON s.chunk_id = k.id "
	"WHERE c.oid = $1::regclass";

/* $1 cagg, $2 from, $3 to (timestamptz text or NULL), $4 interval back or NULL */
const char action_sql_refresh_plan[] =
	"WITH t AS (SELECT $1::regclass AS rel), "
	"ca AS (SELECT n.nspname AS rel_schema, c.relname AS rel_name, ca.mat_hypertable_id AS mat_id, "
	"  pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner, pg_catalog.pg_get_userbyid(c.relowner) AS owner_name, "
	"  bf.bucket_width, "
	"  (SELECT j.config->>'start_offset' FROM timescaledb_information.jobs j "
	"    WHERE j.proc_name = 'policy_refresh_continuous_aggregate' "
	"      AND (j.config->>'mat_hypertable_id')::int = ca.mat_hypertable_id ORDER BY j.job_id LIMIT 1) AS so, "
	"  (SELECT j.config->>'end_offset' FROM timescaledb_information.jobs j "
	"    WHERE j.proc_name = 'policy_refresh_continuous_aggregate' "
	"      AND (j.config->>'mat_hypertable_id')::int = ca.mat_hypertable_id ORDER BY j.job_id LIMIT 1) AS eo, "
	"  (SELECT count(*) FROM timescaledb_information.jobs j "
	"    WHERE j.proc_name = 'policy_refresh_continuous_aggregate' "
	"      AND (j.config->>'mat_hypertable_id')::int = ca.mat_hypertable_id) AS policies, "
	"  CASE WHEN w.watermark IS NULL OR w.watermark <= -210866803200000000 THEN NULL "
	"       ELSE to_timestamp(w.watermark / 1000000.0) END AS watermark "
	"  FROM t JOIN pg_catalog.pg_class c ON c.oid = t.rel "
	"  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"  LEFT JOIN _timescaledb_catalog.continuous_agg ca ON ca.user_view_schema = n.nspname AND ca.user_view_name = c.relname "
	"  LEFT JOIN _timescaledb_catalog.continuous_aggs_bucket_function bf ON bf.mat_hypertable_id = ca.mat_hypertable_id "
	"  LEFT JOIN _timescaledb_catalog.continuous_aggs_watermark w ON w.mat_hypertable_id = ca.mat_hypertable_id), "
	"win AS (SELECT ca.*, "
	"  CASE WHEN $2::timestamptz IS NOT NULL THEN $2::timestamptz "
	"       WHEN $4::interval IS NOT NULL THEN now() - $4::interval "
	"       WHEN ca.so IS NOT NULL AND ca.so !~ '^-?[0-9]+$' THEN now() - ca.so::interval END AS wfrom, "
	"  CASE WHEN $3::timestamptz IS NOT NULL THEN $3::timestamptz "
	"       WHEN $4::interval IS NOT NULL THEN now() "
	"       WHEN ca.eo IS NOT NULL AND ca.eo !~ '^-?[0-9]+$' THEN now() - ca.eo::interval END AS wto, "
	"  CASE WHEN ca.bucket_width IS NULL OR ca.bucket_width ~ '^-?[0-9]+$' THEN NULL "
	"       ELSE ca.bucket_width::interval END AS b, "
	"  ca.bucket_width ~ '^-?[0-9]+$' AS int_time FROM ca), "
	"st AS (SELECT win.*, CASE WHEN wfrom IS NULL OR wto IS NULL OR b IS NULL OR wto <= wfrom THEN NULL "
	"  ELSE b * greatest(1, ceil(extract(epoch FROM (wto - wfrom)) / 12 / extract(epoch FROM b)))::float8 END AS step FROM win) "
	/* slices of whole buckets: a window smaller than one bucket is refused
	 * by the server ("refresh window too small"), and only whole buckets
	 * are refreshed anyway, so the end is the last bucket boundary */
	"SELECT st.rel_schema, st.rel_name, st.mat_id, st.owner, st.owner_name, st.bucket_width, st.so, st.eo, "
	"  st.policies, st.int_time, st.wfrom, st.wto, st.watermark, gs.g AS slice_from, "
	"  CASE WHEN gs.g IS NULL THEN NULL ELSE least(gs.g + st.step, @ts.time_bucket(st.b, st.wto)) END AS slice_to "
	"FROM st LEFT JOIN LATERAL (SELECT generate_series(@ts.time_bucket(st.b, st.wfrom), "
	"  @ts.time_bucket(st.b, st.wto) - interval '1 microsecond', st.step) AS g WHERE st.step IS NOT NULL) gs ON true "
	"ORDER BY gs.g";

const char action_sql_job_plan[] =
	"SELECT j.job_id, j.proc_name, j.scheduled, j.hypertable_schema, j.hypertable_name, "
	"  j.owner::text AS owner_name, pg_catalog.pg_has_role(j.owner, 'USAGE') AS owner, "
	"  (SELECT s.job_status FROM timescaledb_information.job_stats s WHERE s.job_id = j.job_id "
	"    LIMIT 1) AS job_status, "
	"  coalesce((SELECT st.consecutive_crashes > 0 FROM _timescaledb_internal.bgw_job_stat st "
	"    WHERE st.job_id = j.job_id), false) AS held "
	"FROM timescaledb_information.jobs j WHERE j.job_id = $1::int";

const char action_sql_retention_plan[] =
	TARGET_HDR
	", pol AS (SELECT hdr.*, (SELECT j.config->>'drop_after' FROM timescaledb_information.jobs j "
	"   WHERE j.proc_name = 'policy_retention' AND (j.config->>'hypertable_id')::int = hdr.ht_id "
	"   ORDER BY j.job_id LIMIT 1) AS drop_after FROM hdr) "
	", lst AS (SELECT unnest(CASE WHEN pol.ht_id IS NOT NULL "
	"   AND pol.drop_after IS NOT NULL AND pol.drop_after !~ '^-?[0-9]+$' "
	"   THEN ARRAY(SELECT @ts.show_chunks(pol.rel, older_than => pol.drop_after::interval)) END) AS rel FROM pol) "
	", ch AS (SELECT n2.nspname AS chunk_schema, c2.relname AS chunk_name, k.status, "
	"   coalesce((SELECT s.compressed_heap_size + s.compressed_toast_size + s.compressed_index_size "
	"     FROM _timescaledb_catalog.compression_chunk_size s WHERE s.chunk_id = k.id AND " CHUNK_SQL_COMPRESSED("k") "), "
	"     " REL_BYTES("c2") ") AS bytes, rng.range_start, rng.range_end "
	"   FROM lst " CHUNK_JOIN TIME_RANGE ") "
	"SELECT pol.rel_schema, pol.rel_name, pol.ht_id, pol.owner, pol.owner_name, pol.drop_after, "
	"  ch.chunk_schema, ch.chunk_name, ch.status, ch.bytes, "
	"  to_timestamp(ch.range_start / 1000000.0) AS range_from, to_timestamp(ch.range_end / 1000000.0) AS range_to "
	"FROM pol LEFT JOIN ch ON true ORDER BY ch.range_start, ch.chunk_name";

const char action_sql_analyze_plan[] =
	"SELECT n.nspname AS rel_schema, c.relname AS rel_name, c.relkind::text AS relkind, "
	"  pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner, pg_catalog.pg_get_userbyid(c.relowner) AS owner_name "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.oid = $1::regclass";

const char action_sql_maintenance_plan[] =
	"WITH hts AS (SELECT h.id, h.schema_name, h.table_name, c.oid AS rel, "
	"   pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner "
	"   FROM _timescaledb_catalog.hypertable h "
	"   JOIN pg_catalog.pg_class c ON c.oid = to_regclass(format('%I.%I', h.schema_name, h.table_name)) "
	"   WHERE h.compression_state <> 2), "
	"stale AS (SELECT hts.schema_name, hts.table_name, count(*) AS n, "
	"   sum(c.relpages::float8 * current_setting('block_size')::float8) AS bytes "
	"   FROM hts JOIN _timescaledb_catalog.chunk k ON k.hypertable_id = hts.id "
	"   JOIN pg_catalog.pg_class c ON c.oid = " CHUNK_OID("k") " "
	"   LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid "
	"   WHERE hts.owner AND " CHUNK_SQL_UNCOMPRESSED("k") " AND (c.reltuples < 0 "
	"      OR coalesce(s.n_mod_since_analyze, 0) > greatest(c.reltuples, 0) * 0.1 + 50) "
	"   GROUP BY 1, 2), "
	"bk AS (SELECT hts.schema_name, hts.table_name, hts.rel, j.config->>'compress_after' AS after "
	"   FROM hts JOIN timescaledb_information.jobs j ON j.proc_name = 'policy_compression' "
	"    AND (j.config->>'hypertable_id')::int = hts.id "
	"   WHERE hts.owner AND j.config->>'compress_after' !~ '^-?[0-9]+$'), "
	"bl AS (SELECT bk.schema_name, bk.table_name, bk.after, "
	"   (SELECT count(*) FROM @ts.show_chunks(bk.rel, older_than => CASE WHEN bk.after ~ '^-?[0-9]+$' "
	"      THEN NULL ELSE bk.after::interval END) s(r) "
	"     JOIN pg_catalog.pg_class c ON c.oid = s.r JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"     JOIN _timescaledb_catalog.chunk k ON " CHUNK_OID("k") " = c.oid "
	"     WHERE " CHUNK_SQL_TO_COMPRESS("k") ") AS n FROM bk), "
	"lag AS (SELECT ca.user_view_schema, ca.user_view_name, j.config->>'start_offset' AS so, "
	"   j.config->>'end_offset' AS eo "
	"   FROM _timescaledb_catalog.continuous_agg ca "
	"   JOIN pg_catalog.pg_class c ON c.oid = to_regclass(format('%I.%I', ca.user_view_schema, ca.user_view_name)) "
	"   JOIN timescaledb_information.jobs j ON j.proc_name = 'policy_refresh_continuous_aggregate' "
	"    AND (j.config->>'mat_hypertable_id')::int = ca.mat_hypertable_id "
	"   LEFT JOIN _timescaledb_catalog.continuous_aggs_watermark w ON w.mat_hypertable_id = ca.mat_hypertable_id "
	"   WHERE pg_catalog.pg_has_role(c.relowner, 'USAGE') "
	/* only when the raw table has data beyond the watermark: otherwise a
	 * refresh cannot move it */
	"   AND EXISTS (SELECT 1 FROM _timescaledb_catalog.chunk k "
	"     JOIN _timescaledb_catalog.chunk_constraint cc ON cc.chunk_id = k.id "
	"     JOIN _timescaledb_catalog.dimension_slice ds ON ds.id = cc.dimension_slice_id "
	"     JOIN _timescaledb_catalog.dimension d ON d.id = ds.dimension_id AND d.interval_length IS NOT NULL "
	"     WHERE k.hypertable_id = ca.raw_hypertable_id "
	"       AND ds.range_end > coalesce(w.watermark, -9223372036854775807)) "
	"   AND CASE "
	"     WHEN coalesce(j.config->>'end_offset', '0') ~ '^-?[0-9]+$' "
	"       OR coalesce(j.config->>'start_offset', '') ~ '^-?[0-9]+$' THEN false "
	"     WHEN w.watermark IS NULL OR w.watermark <= -210866803200000000 THEN true "
	"     ELSE to_timestamp(w.watermark / 1000000.0) < now() - (j.config->>'end_offset')::interval - j.schedule_interval END) "
	"SELECT 1 AS ord, 'analyze' AS kind, schema_name AS schema, table_name AS name, NULL::text AS p2, "
	"  NULL::text AS p3, n, bytes FROM stale "
	"UNION ALL SELECT 2, 'refresh', user_view_schema, user_view_name, "
	"  CASE WHEN so IS NULL THEN NULL ELSE (now() - so::interval)::text END, (now() - eo::interval)::text, "
	"  NULL::bigint, NULL::float8 FROM lag "
	"UNION ALL SELECT 3, 'compress', schema_name, table_name, after, NULL, n, NULL::float8 FROM bl WHERE n > 0 "
	/* what the plan leaves out: hypertables of other roles (no step may touch them) */
	"UNION ALL SELECT 4, 'not_owned', NULL, NULL, "
	"  string_agg(format('%I.%I', schema_name, table_name), ', ' ORDER BY schema_name, table_name), "
	"  NULL, count(*), NULL::float8 FROM hts WHERE NOT owner HAVING count(*) > 0 "
	"ORDER BY 1, 3, 4";

const char action_sql_chunk_list[] =
	TARGET_HDR
	", lst AS (SELECT unnest(CASE WHEN hdr.ht_id IS NOT NULL THEN ARRAY(SELECT @ts.show_chunks(hdr.rel)) END) AS rel FROM hdr) "
	"SELECT n2.nspname AS chunk_schema, c2.relname AS chunk_name, k.status, "
	"  CASE WHEN d.column_type IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) "
	"       THEN rng.range_start / 1000000.0 END AS range_from, "
	"  CASE WHEN d.column_type IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) "
	"       THEN rng.range_end / 1000000.0 END AS range_to, "
	"  coalesce((SELECT s.compressed_heap_size + s.compressed_toast_size + s.compressed_index_size "
	"     FROM _timescaledb_catalog.compression_chunk_size s WHERE s.chunk_id = k.id AND " CHUNK_SQL_COMPRESSED("k") "), "
	"     c2.relpages::float8 * current_setting('block_size')::float8) AS bytes "
	"FROM lst " CHUNK_JOIN
	"LEFT JOIN LATERAL (SELECT ds.range_start, ds.range_end, ds.dimension_id "
	"  FROM _timescaledb_catalog.chunk_constraint cc "
	"  JOIN _timescaledb_catalog.dimension_slice ds ON ds.id = cc.dimension_slice_id "
	"  JOIN _timescaledb_catalog.dimension d0 ON d0.id = ds.dimension_id AND d0.interval_length IS NOT NULL "
	" WHERE cc.chunk_id = k.id ORDER BY d0.id LIMIT 1) rng ON true "
	"LEFT JOIN _timescaledb_catalog.dimension d ON d.id = rng.dimension_id "
	"ORDER BY rng.range_start, c2.relname";
