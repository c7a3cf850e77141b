/* Unit tests for tsdbtop/pane.h: the pane classes' pure cell text and
 * the shared helpers (no curses). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "tsdbtop/collect.h"
#include "tsdbtop/pane.h"
#include "tsdbtop/queries.h"

#define NOW 1764000000.0 /* 2025-11-24 16:00:00 UTC */

static void classes_are_well_formed(void **state)
{
	(void)state;
	const struct pane_class *all[] = { &pane_chunks_class, &pane_compression_class,
	                                   &pane_compression_jobs_class, &pane_retention_class,
	                                   &pane_caggs_class, &pane_cache_class };
	for (int id = 0; id < PANE_COUNT; id++) {
		assert_non_null(pane_class_of((enum pane_id)id));
		assert_int_equal(pane_class_of((enum pane_id)id)->id, id);
	}
	assert_null(pane_class_of(PANE_COUNT));
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		const struct pane_class *c = all[i];
		assert_non_null(c->title);
		assert_non_null(c->tab);
		assert_true(c->ncols > 0 && c->ncols <= PANE_MAX_COLS);
		assert_true(c->default_sort >= 0 && c->default_sort < c->ncols);
		assert_non_null(c->cols[c->default_sort].cmp);
		assert_non_null(c->meta);
		assert_non_null(c->rows);
		assert_non_null(c->row);
		assert_non_null(c->row_name);
		assert_non_null(c->row_health);
		assert_non_null(c->cell);
		int flex = 0;
		for (int k = 0; k < c->ncols; k++) {
			assert_non_null(c->cols[k].name);
			assert_true(c->cols[k].width > 0);
			flex += c->cols[k].flex;
		}
		assert_true(flex >= 1);
		if (c != &pane_compression_jobs_class)
			assert_true(c->cols[0].flex); /* the name first: it survives narrow panes */
	}
}

/* In a narrow column a schema-qualified name keeps its table name. */
static void narrow_names_keep_the_table(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	struct pane_ctx c = { .s = &s, .utf8 = true, .show_schema = true };
	char buf[PANE_LINE_MAX];
	pane_name_cell(&c, buf, sizeof buf, "factory_telemetry", "metric_hist", 16, ROLE_NORMAL);
	assert_string_equal(buf, "\u2026try.metric_hist");
	pane_name_cell(&c, buf, sizeof buf, "factory_telemetry", "metric_hist", 40, ROLE_NORMAL);
	assert_string_equal(buf, "factory_telemetry.metric_hist");
	/* a bare name is cut at the end as before */
	pane_name_cell(&c, buf, sizeof buf, "public", "a_very_long_table_name", 10, ROLE_NORMAL);
	assert_string_equal(buf, "a_very_lo\u2026");
	c.show_schema = false;
	pane_name_cell(&c, buf, sizeof buf, "factory_telemetry", "metric_hist", 8, ROLE_NORMAL);
	assert_string_equal(buf, "metric_\u2026");
}

static void health_marks(void **state)
{
	(void)state;
	assert_string_equal(pane_health_symbol(HEALTH_OK, true), "\u2713");
	assert_string_equal(pane_health_symbol(HEALTH_WARNING, true), "\u25b2");
	assert_string_equal(pane_health_symbol(HEALTH_CRITICAL, true), "\u2716");
	assert_string_equal(pane_health_symbol(HEALTH_OK, false), " ");
	assert_string_equal(pane_health_symbol(HEALTH_WARNING, false), "!");
	assert_string_equal(pane_health_symbol(HEALTH_CRITICAL, false), "X");
	assert_int_equal(pane_health_role(HEALTH_OK), ROLE_OK);
	assert_int_equal(pane_health_role(HEALTH_WARNING), ROLE_WARNING);
	assert_int_equal(pane_health_role(HEALTH_CRITICAL), ROLE_CRITICAL);
}

static void helpers(void **state)
{
	(void)state;
	char b[64];
	assert_true(pane_match("metric_hist", "METRIC"));
	assert_true(pane_match("metric_hist", ""));
	assert_true(pane_match("x", NULL));
	assert_false(pane_match("event_log", "metric"));
	assert_false(pane_match(NULL, "m"));
	assert_string_equal(pane_dur(b, sizeof b, 86400), "1d");
	assert_string_equal(pane_dur(b, sizeof b, 7200), "2h");
	assert_string_equal(pane_dur(b, sizeof b, 3 * 86400 + 4 * 3600), "3d04h");
	assert_string_equal(pane_ratio(b, sizeof b, 1000, 100), "10.0x");
	assert_string_equal(pane_ratio(b, sizeof b, NAN, 100), "-");
	assert_string_equal(pane_ratio(b, sizeof b, 100, 0), "-");
	assert_string_equal(pane_ago(b, sizeof b, NOW - 12, NOW), "12s ago");
	assert_string_equal(pane_ago(b, sizeof b, NOW + 300, NOW), "in 5m00s");
	assert_string_equal(pane_ago(b, sizeof b, NAN, NOW), "-");
	pane_range(b, sizeof b, NOW - 86400, NOW, false);
	assert_string_equal(b, "11-23 16:00..11-24 16:00");
	pane_range(b, sizeof b, NOW - 400 * 86400, NOW, false);
	assert_string_equal(b, "2024-10-20 16:00..2025-11-24 16:00");
	pane_qualname(b, sizeof b, "public", "t");
	assert_string_equal(b, "t");
	pane_qualname(b, sizeof b, "s", "t");
	assert_string_equal(b, "s.t");
	assert_true(pane_cmp_double(NAN, 1) < 0);
	assert_true(pane_cmp_double(2, 1) > 0);
	assert_int_equal(pane_cmp_double(NAN, NAN), 0);
	assert_true(pane_cmp_health(HEALTH_CRITICAL, HEALTH_OK) > 0);
}

static void age_suffix(void **state)
{
	(void)state;
	char b[32];
	bool stale;
	struct pane_meta m = { .status = PANE_OK, .updated_at = NOW - 3 };
	pane_age_suffix(b, sizeof b, &m, NOW, 2, &stale);
	assert_string_equal(b, "live");
	assert_false(stale);
	m.updated_at = NOW - 9;     /* inside 2 x interval + 5 s */
	pane_age_suffix(b, sizeof b, &m, NOW, 2, &stale);
	assert_string_equal(b, "live");
	assert_false(stale);
	m.status = PANE_ERROR;      /* a failed query is never live */
	pane_age_suffix(b, sizeof b, &m, NOW, 2, &stale);
	assert_string_equal(b, "9s old");
	assert_true(stale);
	m.status = PANE_OK;
	m.updated_at = NOW - 120;
	pane_age_suffix(b, sizeof b, &m, NOW, 2, &stale);
	assert_string_equal(b, "2m00s old");
	assert_true(stale);
	m.updated_at = NAN;
	pane_age_suffix(b, sizeof b, &m, NOW, 2, &stale);
	assert_string_equal(b, "");
	m.status = PANE_ERROR;
	m.updated_at = NOW - 1;
	pane_age_suffix(b, sizeof b, &m, NOW, 2, &stale);
	assert_true(stale);
}

static void chunks_cells(void **state)
{
	(void)state;
	struct ht_row rows[2];
	memset(rows, 0, sizeof rows);
	strcpy(rows[0].schema, "factory_telemetry");
	strcpy(rows[0].name, "metric\x1b[31m_hist");
	strcpy(rows[0].time_column, "ts");
	rows[0].interval = 3600;
	rows[0].chunks = 2416;
	rows[0].compressed = 1696;
	rows[0].est_bytes = NAN;
	rows[0].before_bytes = 2000;
	rows[0].after_bytes = 1000;
	rows[0].compression_enabled = true;
	rows[1].is_cagg = true;
	strcpy(rows[1].schema, "_timescaledb_internal");
	strcpy(rows[1].name, "_materialized_hypertable_3");
	strcpy(rows[1].cagg_name, "metric_hourly");
	rows[1].chunks = 4;
	rows[1].est_bytes = 1024;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	s.hts.v = rows;
	s.hts.n = 2;
	struct pane_ctx c = { .s = &s, .now = NOW, .interval = 2, .utf8 = false, .show_schema = pane_multi_schema(&s) };
	const struct pane_class *k = &pane_chunks_class;
	char b[PANE_LINE_MAX];
	assert_false(c.show_schema); /* one user schema: names without it */
	assert_int_equal(k->rows(&s), 2);
	k->cell(&c, k->row(&s, 0), 0, 30, b, sizeof b);
	assert_string_equal(b, "metric?[31m_hist");  /* escape sanitised */
	k->cell(&c, k->row(&s, 1), 0, 30, b, sizeof b);
	assert_string_equal(b, "[cagg] metric_hourly");
	c.utf8 = true;
	k->cell(&c, k->row(&s, 1), 0, 30, b, sizeof b);
	assert_string_equal(b, "\u29c9 metric_hourly");
	k->cell(&c, k->row(&s, 1), 0, 8, b, sizeof b);
	assert_string_equal(b, "\u29c9 metri\u2026"); /* fitted with an ellipsis */
	k->cell(&c, k->row(&s, 0), 1, 7, b, sizeof b);
	assert_string_equal(b, "2,416");
	k->cell(&c, k->row(&s, 0), 5, 6, b, sizeof b);
	assert_string_equal(b, "2.0x");
	k->cell(&c, k->row(&s, 0), 8, 14, b, sizeof b);
	assert_string_equal(b, "ts/1h");
	/* cagg materialisations sort after the user's hypertables */
	assert_true(k->cols[0].cmp(&rows[1], &rows[0]) > 0);
	assert_non_null(k->totals);
	k->totals(&c, 0, 20, b, sizeof b);
	assert_string_equal(b, "TOTAL (2)");
	k->totals(&c, 1, 7, b, sizeof b);
	assert_string_equal(b, "2,420");
	k->totals(&c, 4, 9, b, sizeof b);
	assert_string_equal(b, "1.0 kB");
	/* two user schemas: names carry them */
	strcpy(rows[1].schema, "other");
	rows[1].is_cagg = false;
	assert_true(pane_multi_schema(&s));
}

static void cache_without_statistics(void **state)
{
	(void)state;
	struct cache_row r[1];
	memset(r, 0, sizeof r);
	strcpy(r[0].name, "metric_hist");
	r[0].ratio = NAN;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	s.caches.v = r;
	s.caches.n = 1;
	s.cache.stats_available = false;
	s.cache.ratio_now = NAN;
	s.cache.ratio_total = NAN;
	struct pane_ctx c = { .s = &s, .now = NOW, .interval = 2, .utf8 = true };
	const struct pane_class *k = &pane_cache_class;
	char b[PANE_LINE_MAX];
	enum theme_role role;
	assert_int_equal(k->pre(&c, 0, NULL, 0, NULL), 1);
	k->pre(&c, 0, b, sizeof b, &role);
	assert_non_null(strstr(b, "keeps no statistics"));
	assert_null(strstr(b, "0%"));
	assert_int_equal(k->rows(&s), 0);
	s.cache.stats_available = true;
	s.cache.ratio_now = 0.991;
	s.cache.ratio_total = 0.5;
	k->pre(&c, 0, b, sizeof b, &role);
	assert_non_null(strstr(b, "now 99.1%"));
	assert_non_null(strstr(b, "50.0%"));
	assert_int_equal(k->rows(&s), 1);
	k->cell(&c, k->row(&s, 0), 1, 8, b, sizeof b);
	assert_string_equal(b, "-"); /* no reads: unknown, never 0% */
	/* worst first: lower ratio sorts first; no reads counts as perfect */
	struct cache_row a = { .ratio = 0.5 }, z = { .ratio = NAN };
	assert_true(k->cols[k->default_sort].cmp(&a, &z) < 0);
}

/* A result of the cache query as the server sends it (all text). */
static PGresult *cache_result(const char *db_bytes)
{
	static const char *const names[] = { "blks_hit", "blks_read", "stats_reset", "numbackends",
					      "track_counts", "db_bytes" };
	const char *vals[] = { "9950", "50", NULL, "3", "t", db_bytes };
	enum { N = sizeof names / sizeof names[0] };
	PGresAttDesc at[N];
	memset(at, 0, sizeof at);
	for (int i = 0; i < N; i++) {
		at[i].name = (char *)names[i];
		at[i].typlen = -1;
		at[i].atttypmod = -1;
	}
	PGresult *r = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	assert_non_null(r);
	assert_true(PQsetResultAttrs(r, N, at));
	for (int i = 0; i < N; i++)
		assert_true(PQsetvalue(r, 0, i, (char *)vals[i], vals[i] ? (int)strlen(vals[i]) : -1));
	return r;
}

/* The database's size on the Cache pane's first line is the cache query's
 * db_bytes (pg_database_size): the query selects it, the collector keeps it,
 * the pane shows it and says how often it is read; unknown is never "0 B". */
static void cache_database_size(void **state)
{
	(void)state;
	const struct collector *col = NULL;
	for (int i = 0; i < collector_count; i++)
		if (strcmp(collectors[i].name, "cache") == 0)
			col = &collectors[i];
	assert_non_null(col);
	assert_non_null(strstr(query_get("cache"), "pg_database_size"));
	assert_non_null(strstr(query_get("cache"), "AS db_bytes"));
	struct snapshot s;
	memset(&s, 0, sizeof s);
	PGresult *r = cache_result("14507367");
	col->parse(r, &s);
	PQclear(r);
	assert_true(s.cache.stats_available);
	assert_true(s.cache.db_bytes == 14507367.0);
	struct pane_ctx c = { .s = &s, .now = NOW, .interval = 2, .utf8 = true };
	char b[PANE_LINE_MAX];
	enum theme_role role;
	pane_cache_class.pre(&c, 0, b, sizeof b, &role);
	assert_non_null(strstr(b, "3 backends  13.8 MB"));
	assert_non_null(strstr(b, "once a minute"));
	r = cache_result(NULL);  /* no reading: unknown, not 0 B */
	col->parse(r, &s);
	PQclear(r);
	assert_true(isnan(s.cache.db_bytes));
	pane_cache_class.pre(&c, 0, b, sizeof b, &role);
	assert_null(strstr(b, "0 B"));
	assert_non_null(strstr(b, "size unknown"));
}

static void compression_jobs(void **state)
{
	(void)state;
	struct job_row j[3];
	memset(j, 0, sizeof j);
	strcpy(j[0].proc, "policy_compression");
	j[0].id = 1000;
	j[0].overdue = true;
	j[0].next_start = NOW - 600;
	j[0].scheduled = true;
	strcpy(j[1].proc, "policy_retention");
	strcpy(j[2].proc, "policy_compression");
	j[2].id = 1002;
	j[2].scheduled = false;
	strcpy(j[2].last_status, "Failed");
	j[2].consecutive_failures = 3;
	j[2].health = HEALTH_CRITICAL;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	s.jobs.v = j;
	s.jobs.n = 3;
	s.sched.known = true;
	s.sched.running = false;
	struct pane_ctx c = { .s = &s, .now = NOW, .interval = 2, .utf8 = false };
	const struct pane_class *k = &pane_compression_jobs_class;
	char b[PANE_LINE_MAX];
	assert_int_equal(k->rows(&s), 2);
	assert_ptr_equal(k->row(&s, 1), &j[2]);
	assert_int_equal(k->cell(&c, k->row(&s, 0), 6, 14, b, sizeof b), ROLE_CRITICAL);
	assert_non_null(strstr(b, "OVERDUE"));
	k->cell(&c, k->row(&s, 1), 3, 9, b, sizeof b);
	assert_string_equal(b, "paused");
	assert_int_equal(k->cell(&c, k->row(&s, 1), 5, 7, b, sizeof b), ROLE_CRITICAL);
	assert_int_equal(k->cell(&c, k->row(&s, 1), 7, 5, b, sizeof b), ROLE_CRITICAL);
	assert_string_equal(b, "3");
	enum theme_role role;
	pane_compression_class.post(&c, 0, b, sizeof b, &role);
	assert_non_null(strstr(b, "NOT running"));
	assert_int_equal(role, ROLE_CRITICAL);
}

/* Integer-time hypertables have no computed backlog / drop count (-1):
 * shown as "-", never as a number. */
static void unknown_counts_are_dashes(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	struct comp_row *cr = SNAP_ADD(s.comps);
	cr->backlog = -1;
	cr->backlog_behind_s = NAN;
	struct ret_row *rr = SNAP_ADD(s.rets);
	rr->drop_count = -1;
	struct pane_ctx c = { .s = &s, .now = NOW, .interval = 2, .utf8 = true };
	char b[PANE_LINE_MAX];
	int col = -1;
	for (int i = 0; i < pane_compression_class.ncols; i++)
		if (!strcmp(pane_compression_class.cols[i].name, "Backlog"))
			col = i;
	assert_true(col >= 0);
	pane_compression_class.cell(&c, cr, col, 7, b, sizeof b);
	assert_string_equal(b, "-");
	col = -1;
	for (int i = 0; i < pane_retention_class.ncols; i++)
		if (!strcmp(pane_retention_class.cols[i].name, "To drop"))
			col = i;
	assert_true(col >= 0);
	pane_retention_class.cell(&c, rr, col, 7, b, sizeof b);
	assert_string_equal(b, "-");
	snapshot_free(&s);
}

static void cagg_cells(void **state)
{
	(void)state;
	struct cagg_row g;
	memset(&g, 0, sizeof g);
	strcpy(g.name, "metric_hourly");
	g.state = CAGG_STALE;
	g.watermark = NAN;
	g.lag_s = NAN;
	g.promised_lag_s = 3900;
	g.retention_cuts_window = true;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	s.caggs.v = &g;
	s.caggs.n = 1;
	struct pane_ctx c = { .s = &s, .now = NOW, .interval = 2, .utf8 = false };
	const struct pane_class *k = &pane_caggs_class;
	char b[PANE_LINE_MAX];
	assert_int_equal(k->cell(&c, &g, 1, 7, b, sizeof b), ROLE_CRITICAL);
	assert_string_equal(b, "stale");
	assert_int_equal(k->cell(&c, &g, 2, 3, b, sizeof b), ROLE_WARNING);
	assert_string_equal(b, "!");
	k->cell(&c, &g, 4, 7, b, sizeof b);
	assert_string_equal(b, "1h05m");
	k->cell(&c, &g, 5, 16, b, sizeof b);
	assert_string_equal(b, "never");
	/* integer time: units, never an epoch or seconds */
	g.time_is_int = true;
	g.wm_int_known = true;
	g.watermark_int = 4600;
	g.lag_int = 400;
	g.job_id = 7;
	g.end_offset_int = 100;
	k->cell(&c, &g, 3, 7, b, sizeof b);
	assert_string_equal(b, "400u");
	k->cell(&c, &g, 4, 7, b, sizeof b);
	assert_string_equal(b, "100u");
	k->cell(&c, &g, 5, 16, b, sizeof b);
	assert_string_equal(b, "4,600");
	g.lag_int = 1796197435;
	k->cell(&c, &g, 3, 7, b, sizeof b);
	assert_string_equal(b, "1.8Gu");
	g.lag_int = NAN;  /* no integer_now(): unknown */
	k->cell(&c, &g, 3, 7, b, sizeof b);
	assert_string_equal(b, "-");
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classes_are_well_formed),
		cmocka_unit_test(health_marks),
		cmocka_unit_test(helpers),
		cmocka_unit_test(age_suffix),
		cmocka_unit_test(chunks_cells),
		cmocka_unit_test(cache_without_statistics),
		cmocka_unit_test(cache_database_size),
		cmocka_unit_test(compression_jobs),
		cmocka_unit_test(narrow_names_keep_the_table),
		cmocka_unit_test(cagg_cells),
		cmocka_unit_test(unknown_counts_are_dashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
