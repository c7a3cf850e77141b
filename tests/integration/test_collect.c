/* Integration: every pane's figures against TimescaleDB's own functions on
 * the same data, on the embedded TimescaleDB (TSDBTOP_TSDB), which
 * tests/integration/run.sh loads with the MS5.0 layer and the fixture
 * tests/integration/fixtures/own_schema.sql (quoted names, integer time). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ev.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tsdbtop/engine.h"
#include "tsdbtop/health.h"

static struct snapshot snap;
static struct thresholds th;
static PGconn *check;          /* a plain blocking connection for the checks */

struct flags { bool probed, updated; };

static void on_update(void *ud) { ((struct flags *)ud)->updated = true; }
static void on_probed(void *ud) { ((struct flags *)ud)->probed = true; }

static int setup(void **state)
{
	(void)state;
	const char *ci = harness_env("TSDBTOP_TSDB");
	struct ev_loop *loop = EV_DEFAULT;
	struct options o = { .conninfo = ci, .statement_timeout = 30, .query_deadline = 60 };
	struct flags f = { false, false };
	struct engine_callbacks cb = { .on_update = on_update, .on_probed = on_probed };
	thresholds_default(&th);
	struct engine *e = engine_new(loop, &o, &snap, &th, &cb, &f, false, NULL);
	if (!e || !harness_run_until(loop, &f.probed, 30))
		return -1;
	if (!engine_poll(e) || !harness_run_until(loop, &f.updated, 120))
		return -1;
	engine_free(e);
	check = PQconnectdb(ci);
	return PQstatus(check) == CONNECTION_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	PQfinish(check);
	snapshot_free(&snap);
	return 0;
}

/* One value from a parameterised check query. */
static double q1(const char *sql, const char *p1, const char *p2)
{
	const char *params[] = { p1, p2 };
	int n = p2 ? 2 : (p1 ? 1 : 0);
	PGresult *r = PQexecParams(check, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		print_error("check query failed: %s\n%s\n", PQresultErrorMessage(r), sql);
		PQclear(r);
		fail();
	}
	double v = PQntuples(r) < 1 || PQgetisnull(r, 0, 0) ? NAN : strtod(PQgetvalue(r, 0, 0), NULL);
	PQclear(r);
	return v;
}

static char *qualified(char *buf, size_t n, const char *schema, const char *name)
{
	char *s = PQescapeIdentifier(check, schema, strlen(schema));
	char *t = PQescapeIdentifier(check, name, strlen(name));
	snprintf(buf, n, "%s.%s", s, t);
	PQfreemem(s);
	PQfreemem(t);
	return buf;
}

static const struct ht_row *find_ht(const char *schema, const char *name)
{
	for (int i = 0; i < snap.hts.n; i++)
		if (!strcmp(snap.hts.v[i].schema, schema) && !strcmp(snap.hts.v[i].name, name))
			return &snap.hts.v[i];
	return NULL;
}

static void test_probe_embedded(void **state)
{
	(void)state;
	assert_true(snap.server.ts_installed);
	assert_int_equal(snap.server.license, LICENSE_TIMESCALE);
	assert_true(snap.server.ts_version_num >= 22300);
	assert_true(snap.server.has_compression_settings);
	assert_int_equal(snap.chunks_meta.status, PANE_OK);
	assert_int_equal(snap.comp_meta.status, PANE_OK);
	assert_int_equal(snap.ret_meta.status, PANE_OK);
	assert_int_equal(snap.cagg_meta.status, PANE_OK);
	assert_int_equal(snap.cache_meta.status, PANE_OK);
}

/* Every hypertable TimescaleDB lists is in the pane, with the same chunk
 * counts, and the fixture's odd names arrive byte for byte. */
static void test_chunks_match_show_chunks(void **state)
{
	(void)state;
	double n_ht = q1("SELECT count(*) FROM timescaledb_information.hypertables", NULL, NULL);
	int ours = 0;
	for (int i = 0; i < snap.hts.n; i++)
		ours += !snap.hts.v[i].is_cagg;
	assert_int_equal(ours, (int)n_ht);
	assert_non_null(find_ht("Odd Schema", "Sensor \"Data\" %s"));
	for (int i = 0; i < snap.hts.n; i++) {
		const struct ht_row *h = &snap.hts.v[i];
		char q[300];
		qualified(q, sizeof q, h->schema, h->name);
		double n = q1("SELECT count(*) FROM show_chunks($1::regclass)", q, NULL);
		assert_int_equal(h->chunks, (int)n);
		double comp = q1("SELECT count(*) FROM chunk_compression_stats($1::regclass)"
				 " WHERE compression_status = 'Compressed'", q, NULL);
		if (h->compression_enabled)
			assert_int_equal(h->compressed, (int)comp);
		assert_int_equal(h->compressed + h->uncompressed, h->chunks);
	}
}

/* The size estimate: relpages (heap + TOAST + the heap's indexes) of the
 * chunks show_chunks lists that are not compressed, plus the compressed
 * bytes hypertable_compression_stats reports. */
static void test_chunks_est_bytes_match(void **state)
{
	(void)state;
	int checked = 0;
	for (int i = 0; i < snap.hts.n; i++) {
		const struct ht_row *h = &snap.hts.v[i];
		char q[300];
		qualified(q, sizeof q, h->schema, h->name);
		double want = q1("SELECT coalesce(sum(cl.relpages + coalesce(t.relpages, 0)"
				 "   + coalesce((SELECT sum(ic.relpages) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
				 "                WHERE i.indrelid = cl.oid), 0)), 0) * current_setting('block_size')::bigint"
				 " + coalesce((SELECT after_compression_total_bytes FROM hypertable_compression_stats($1::regclass)), 0)"
				 " FROM show_chunks($1::regclass) s"
				 " JOIN timescaledb_information.chunks ch"
				 "   ON format('%I.%I', ch.chunk_schema, ch.chunk_name)::regclass = s AND NOT ch.is_compressed"
				 " JOIN pg_class cl ON cl.oid = s"
				 " LEFT JOIN pg_class t ON t.oid = cl.reltoastrelid", q, NULL);
		assert_float_equal(h->est_bytes, want, 0.5);
		checked += h->chunks > 0;
	}
	assert_true(checked >= 3);
}

/* The Cache pane's rows come with the chunks query: one per hypertable
 * with chunks, counters equal to pg_statio_all_tables summed over its
 * chunks and their compressed chunks (TOAST = TOAST heap + TOAST index). */
static void test_cache_rows_match_statio(void **state)
{
	(void)state;
	int with_chunks = 0;
	for (int i = 0; i < snap.hts.n; i++)
		with_chunks += snap.hts.v[i].chunks > 0;
	assert_int_equal(snap.caches.n, with_chunks);
	for (int i = 0; i < snap.caches.n; i++) {
		const struct cache_row *c = &snap.caches.v[i];
		const struct ht_row *h = find_ht(c->schema, c->name);
		assert_non_null(h);
		assert_true(h->chunks > 0);
		char q[300];
		qualified(q, sizeof q, c->schema, c->name);
		static const char *const rels =
			"WITH rel AS (SELECT s AS r FROM show_chunks($1::regclass) s"
			" UNION ALL SELECT format('%I.%I', z.schema_name, z.table_name)::regclass"
			"  FROM show_chunks($1::regclass) s"
			"  JOIN _timescaledb_catalog.chunk c ON format('%I.%I', c.schema_name, c.table_name)::regclass = s"
			"  JOIN _timescaledb_catalog.chunk z ON z.id = c.compressed_chunk_id) ";
		char sql[1024];
		snprintf(sql, sizeof sql, "%s SELECT coalesce(sum(heap_blks_hit), 0) FROM rel JOIN pg_statio_all_tables st ON st.relid = rel.r", rels);
		assert_float_equal(c->heap_hit, q1(sql, q, NULL), 0.5);
		snprintf(sql, sizeof sql, "%s SELECT coalesce(sum(idx_blks_read), 0) FROM rel JOIN pg_statio_all_tables st ON st.relid = rel.r", rels);
		assert_float_equal(c->idx_read, q1(sql, q, NULL), 0.5);
		snprintf(sql, sizeof sql, "%s SELECT coalesce(sum(coalesce(toast_blks_hit, 0) + coalesce(tidx_blks_hit, 0)), 0)"
			 " FROM rel JOIN pg_statio_all_tables st ON st.relid = rel.r", rels);
		assert_float_equal(c->toast_hit, q1(sql, q, NULL), 0.5);
	}
}

/* A second engine on the embedded server, probed, into s2 (zeroed). */
static struct engine *second_engine(struct ev_loop *loop, struct snapshot *s2, struct flags *f)
{
	memset(s2, 0, sizeof *s2);
	struct options o = { .conninfo = harness_env("TSDBTOP_TSDB"), .statement_timeout = 30, .query_deadline = 60 };
	struct engine_callbacks cb = { .on_update = on_update, .on_probed = on_probed };
	struct engine *e = engine_new(loop, &o, s2, &th, &cb, f, false, NULL);
	assert_non_null(e);
	assert_true(harness_run_until(loop, &f->probed, 30));
	return e;
}

/* Poll queries are prepared once per session. In the embedded server all
 * clients share one backend session: a second engine finds its statements
 * already there; DISCARD ALL then drops them under it. Both polls must
 * still fill every pane with the same figures. */
static void test_prepared_polls_survive_discard(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct snapshot s2;
	struct flags f = { false, false };
	struct engine *e = second_engine(loop, &s2, &f);
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			PQclear(PQexec(check, "DISCARD ALL"));
		f.updated = false;
		assert_true(engine_poll(e));
		assert_true(harness_run_until(loop, &f.updated, 120));
		assert_int_equal(s2.chunks_meta.status, PANE_OK);
		assert_int_equal(s2.comp_meta.status, PANE_OK);
		assert_int_equal(s2.ret_meta.status, PANE_OK);
		assert_int_equal(s2.cagg_meta.status, PANE_OK);
		assert_int_equal(s2.jobs_meta.status, PANE_OK);
		assert_int_equal(s2.hts.n, snap.hts.n);
		assert_int_equal(s2.caches.n, snap.caches.n);
		for (int i = 0; i < s2.hts.n; i++)
			assert_int_equal(s2.hts.v[i].chunks, snap.hts.v[i].chunks);
		/* prepared, then (their statements gone) unnamed: none made again */
		double named = q1("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'tsdbtop\\_%'", NULL, NULL);
		if (round == 0)
			assert_true(named >= 5);
		else
			assert_int_equal((int)named, 0);
	}
	engine_free(e);
	snapshot_free(&s2);
}

/* The setting the chunks query keeps its last pass in, as text ("" when none). */
static void setting(char *buf, size_t n, const char *name)
{
	const char *params[] = { name };
	PGresult *r = PQexecParams(check, "SELECT coalesce(current_setting($1, true), '')", 1, NULL, params,
				   NULL, NULL, 0);
	snprintf(buf, n, "%s", PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "?");
	PQclear(r);
}

static void poll_once(struct ev_loop *loop, struct engine *e, struct flags *f, const struct snapshot *s)
{
	f->updated = false;
	assert_true(engine_poll(e));
	assert_true(harness_run_until(loop, &f->updated, 120));
	assert_int_equal(s->chunks_meta.status, PANE_OK);
	assert_int_equal(s->ret_meta.status, PANE_OK);
}

/* The pass over the chunk relations (sizes, cache counters, retention's
 * drop_bytes) is made on a new connection, then only on a change or when
 * tsdbtop.reread_every seconds passed; between passes the figures stay
 * those of the last one (the first engine's, made on a new connection,
 * in snap). The embedded server runs every client in one session, so this
 * connection sees (and sets) the engine's settings. */
static void test_pass_carried_between_polls(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct snapshot s2;
	struct flags f = { false, false };
	struct engine *e = second_engine(loop, &s2, &f);
	char a[128], b[128], ra[128], rb[128];
	PQclear(PQexec(check, "SET tsdbtop.reread_every = 3600"));   /* however slow the polls */
	poll_once(loop, e, &f, &s2);                /* a new connection: a pass */
	setting(a, sizeof a, "tsdbtop.chunks_read");
	setting(ra, sizeof ra, "tsdbtop.retention_read");
	assert_true(strlen(a) > 2 && strlen(ra) > 2);
	poll_once(loop, e, &f, &s2);                /* nothing changed: no pass, the same figures */
	setting(b, sizeof b, "tsdbtop.chunks_read");
	setting(rb, sizeof rb, "tsdbtop.retention_read");
	assert_string_equal(a, b);
	assert_string_equal(ra, rb);
	assert_int_equal(s2.hts.n, snap.hts.n);
	assert_int_equal(s2.caches.n, snap.caches.n);
	assert_int_equal(s2.rets.n, snap.rets.n);
	for (int i = 0; i < s2.hts.n; i++) {
		assert_int_equal(s2.hts.v[i].id, snap.hts.v[i].id);
		assert_float_equal(s2.hts.v[i].est_bytes, snap.hts.v[i].est_bytes, 0.5);
	}
	for (int i = 0; i < s2.caches.n; i++)
		assert_string_equal(s2.caches.v[i].name, snap.caches.v[i].name);
	for (int i = 0; i < s2.rets.n; i++)
		if (!isnan(snap.rets.v[i].drop_bytes))
			assert_float_equal(s2.rets.v[i].drop_bytes, snap.rets.v[i].drop_bytes, 0.5);
	/* a pass on every poll: the setting is written again */
	PQclear(PQexec(check, "SET tsdbtop.reread_every = 0"));
	poll_once(loop, e, &f, &s2);
	setting(b, sizeof b, "tsdbtop.chunks_read");
	setting(rb, sizeof rb, "tsdbtop.retention_read");
	PQclear(PQexec(check, "RESET tsdbtop.reread_every"));
	assert_string_not_equal(a, b);
	assert_string_not_equal(ra, rb);
	for (int i = 0; i < s2.hts.n; i++)
		assert_float_equal(s2.hts.v[i].est_bytes, snap.hts.v[i].est_bytes, 0.5);
	assert_int_equal(s2.caches.n, snap.caches.n);
	engine_free(e);
	snapshot_free(&s2);
}

/* Before/after bytes equal hypertable_compression_stats. */
static void test_compression_bytes_match(void **state)
{
	(void)state;
	int checked = 0;
	for (int i = 0; i < snap.comps.n; i++) {
		const struct comp_row *c = &snap.comps.v[i];
		char q[300];
		qualified(q, sizeof q, c->schema, c->name);
		double before = q1("SELECT before_compression_total_bytes FROM hypertable_compression_stats($1::regclass)", q, NULL);
		double after = q1("SELECT after_compression_total_bytes FROM hypertable_compression_stats($1::regclass)", q, NULL);
		if (isnan(before)) {
			assert_true(isnan(c->before_bytes));
			continue;
		}
		assert_float_equal(c->before_bytes, before, 0.5);
		assert_float_equal(c->after_bytes, after, 0.5);
		checked++;
	}
	assert_true(checked >= 1);
}

/* The backlog is what show_chunks(older_than => now() - compress_after)
 * lists that is not compressed. */
static void test_compression_backlog_matches(void **state)
{
	(void)state;
	int checked = 0;
	for (int i = 0; i < snap.comps.n; i++) {
		const struct comp_row *c = &snap.comps.v[i];
		if (isnan(c->compress_after_s))
			continue;
		char q[300];
		qualified(q, sizeof q, c->schema, c->name);
		const struct ht_row *h = find_ht(c->schema, c->name);
		assert_non_null(h);
		/* the policy casts the cut to the time column's type */
		double n = q1(strcmp(h->time_type, "date") == 0 ?
			      "SELECT count(*) FROM show_chunks($1::regclass, older_than => (now() - $2::interval)::date) s"
			      " JOIN timescaledb_information.chunks ch"
			      "   ON format('%I.%I', ch.chunk_schema, ch.chunk_name)::regclass = s"
			      " WHERE NOT ch.is_compressed" :
			      "SELECT count(*) FROM show_chunks($1::regclass, older_than => now() - $2::interval) s"
			      " JOIN timescaledb_information.chunks ch"
			      "   ON format('%I.%I', ch.chunk_schema, ch.chunk_name)::regclass = s"
			      " WHERE NOT ch.is_compressed", q, c->compress_after);
		assert_int_equal(c->backlog, (int)n);
		checked++;
	}
	assert_true(checked >= 7);
	const struct comp_row *odd = NULL;
	for (int i = 0; i < snap.comps.n; i++)
		if (!strcmp(snap.comps.v[i].name, "Sensor \"Data\" %s"))
			odd = &snap.comps.v[i];
	assert_non_null(odd);
	assert_true(odd->backlog > 0);          /* the fixture leaves a backlog */
	assert_int_equal(odd->health, HEALTH_WARNING);
	assert_string_equal(odd->segmentby, "device");
	assert_string_equal(odd->orderby, "ts DESC");
}

/* What the next retention run drops = show_chunks(older_than => now() - drop_after). */
static void test_retention_matches(void **state)
{
	(void)state;
	int checked = 0, eligible = 0;
	for (int i = 0; i < snap.rets.n; i++) {
		const struct ret_row *r = &snap.rets.v[i];
		char q[300];
		qualified(q, sizeof q, r->schema, r->name);
		const struct ht_row *h = find_ht(r->schema, r->name);
		assert_non_null(h);
		double n = q1(strcmp(h->time_type, "date") == 0 ?
			      "SELECT count(*) FROM show_chunks($1::regclass, older_than => (now() - $2::interval)::date)" :
			      "SELECT count(*) FROM show_chunks($1::regclass, older_than => now() - $2::interval)",
			      q, r->drop_after);
		assert_int_equal(r->drop_count, (int)n);
		eligible += r->drop_count > 0;
		checked++;
	}
	double jobs = q1("SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'", NULL, NULL);
	assert_int_equal(checked, (int)jobs);
	assert_true(eligible >= 1);
	/* no scheduler in the embedded database: the pane says so */
	for (int i = 0; i < snap.rets.n; i++)
		if (snap.rets.v[i].drop_count > 0)
			assert_string_equal(snap.rets.v[i].why_not, "the job scheduler is not running");
}

/* Watermarks equal cagg_watermark(); never-materialized ones are NAN. */
static void test_caggs_watermark_matches(void **state)
{
	(void)state;
	double n = q1("SELECT count(*) FROM timescaledb_information.continuous_aggregates", NULL, NULL);
	assert_int_equal(snap.caggs.n, (int)n);
	int materialized = 0;
	for (int i = 0; i < snap.caggs.n; i++) {
		const struct cagg_row *c = &snap.caggs.v[i];
		char id[16];
		snprintf(id, sizeof id, "%d", c->mat_id);
		double w = q1("SELECT CASE WHEN w <= -210866803200000000 THEN NULL ELSE w / 1e6 END"
			      " FROM _timescaledb_functions.cagg_watermark($1::int) w", id, NULL);
		if (isnan(w)) {
			assert_true(isnan(c->watermark));
		} else {
			assert_float_equal(c->watermark, w, 0.001);
			materialized++;
		}
	}
	assert_true(materialized >= 1);
}

/* The jobs list is the jobs view, consecutive failures included. */
static void test_jobs_match(void **state)
{
	(void)state;
	double n = q1("SELECT count(*) FROM timescaledb_information.jobs", NULL, NULL);
	assert_int_equal(snap.jobs.n, (int)n);
	int paused = 0;
	for (int i = 0; i < snap.jobs.n; i++)
		if (!snap.jobs.v[i].scheduled) {
			paused++;
			assert_int_equal(snap.jobs.v[i].health, HEALTH_WARNING);
			assert_string_equal(snap.jobs.v[i].why, "paused");
		}
	double p = q1("SELECT count(*) FROM timescaledb_information.jobs WHERE NOT scheduled", NULL, NULL);
	assert_int_equal(paused, (int)p);
	assert_true(snap.sched.known);
	assert_false(snap.sched.running);    /* no background workers in PGlite */
}

/* The embedded server keeps no statistics: say so, never 0 %. */
static void test_cache_no_stats(void **state)
{
	(void)state;
	double hits = q1("SELECT blks_hit + blks_read FROM pg_stat_database WHERE datname = current_database()", NULL, NULL);
	assert_int_equal(snap.cache.stats_available, hits > 0);
	if (!snap.cache.stats_available)
		assert_true(isnan(snap.cache.ratio_total));
}

int main(void)
{
	if (!harness_env("TSDBTOP_TSDB")) {
		printf("1..0 # SKIP TSDBTOP_TSDB not set\n");
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_embedded),
		cmocka_unit_test(test_chunks_match_show_chunks),
		cmocka_unit_test(test_chunks_est_bytes_match),
		cmocka_unit_test(test_cache_rows_match_statio),
		cmocka_unit_test(test_compression_bytes_match),
		cmocka_unit_test(test_compression_backlog_matches),
		cmocka_unit_test(test_retention_matches),
		cmocka_unit_test(test_caggs_watermark_matches),
		cmocka_unit_test(test_jobs_match),
		cmocka_unit_test(test_cache_no_stats),
		cmocka_unit_test(test_prepared_polls_survive_discard),
		cmocka_unit_test(test_pass_carried_between_polls),
	};
	return cmocka_run_group_tests_name("collectors vs TimescaleDB (embedded)", tests, setup, teardown);
}
