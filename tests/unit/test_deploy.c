/* Unit: deploy's pure pieces — splitting step files into statements
 * (tui/app/deploy_split.c; tests/fuzz/fuzz_sql_split.c fuzzes it), step
 * names, and finding/listing the step files of sql/ (deploy_steps.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/deploy.h"
#include "tsdbtop/queries.h"
#include "tsdbtop/server.h"

static void test_split_basic(void **state)
{
	(void)state;
	struct sql_stmt *v;
	int bad = 0;
	int n = sql_split("-- header\nSELECT 1;\n\n  SELECT 2 ;  -- trailing\n/* only a comment */;\nSELECT 3", &v, &bad);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].text, "SELECT 1");
	assert_int_equal(v[0].line, 2);
	assert_string_equal(v[1].text, "SELECT 2");
	assert_int_equal(v[1].line, 4);
	assert_string_equal(v[2].text, "SELECT 3");
	assert_int_equal(v[2].line, 6);
	sql_stmts_free(v, n);
	assert_int_equal(sql_split("  -- nothing\n/* at all */\n;;", &v, &bad), 0);
	sql_stmts_free(v, 0);
}

static void test_split_quotes(void **state)
{
	(void)state;
	struct sql_stmt *v;
	int bad = 0;
	const char *sql =
		"SELECT 'a;b', 'it''s;', \"we;ird\"\"x\";\n"
		"SELECT E'back\\'slash;', e'\\\\';\n"
		"DO $$ BEGIN PERFORM 1; END $$;\n"
		"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\nBEGIN\n  RETURN 1; -- ;\nEND\n$body$;\n"
		"SELECT $1::int, a$b FROM t; /* outer /* nested; */ still; */ SELECT 5";
	int n = sql_split(sql, &v, &bad);
	assert_int_equal(n, 6);
	assert_string_equal(v[0].text, "SELECT 'a;b', 'it''s;', \"we;ird\"\"x\"");
	assert_string_equal(v[1].text, "SELECT E'back\\'slash;', e'\\\\'");
	assert_string_equal(v[2].text, "DO $$ BEGIN PERFORM 1; END $$");
	assert_int_equal(v[3].line, 4);
	assert_non_null(strstr(v[3].text, "RETURN 1; -- ;"));
	assert_string_equal(v[4].text, "SELECT $1::int, a$b FROM t");
	assert_int_equal(v[4].line, 9);
	assert_string_equal(v[5].text, "SELECT 5");
	sql_stmts_free(v, n);
}

/* Where each statement starts (offset, line), and the lexing rules the
 * fuzzer's reference lexer shares: a '$' inside a name is part of it, E'...'
 * only after a lone word E, backslashes plain in standard strings. */
static void test_split_offsets_and_words(void **state)
{
	(void)state;
	struct sql_stmt *v;
	int bad = 0;
	const char *sql = "/* c */ SELECT a$$b$$;\n  SELECT x$E'\\', 2; SELECT E '\\';\nSELECT 1$$;$$";
	int n = sql_split(sql, &v, &bad);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].text, "SELECT a$$b$$");
	assert_int_equal(v[0].offset, 8);
	assert_string_equal(v[1].text, "SELECT x$E'\\', 2");
	assert_int_equal(v[1].offset, 25);
	assert_int_equal(v[1].line, 2);
	assert_string_equal(v[2].text, "SELECT E '\\'");
	assert_string_equal(v[3].text, "SELECT 1$$;$$");
	assert_int_equal(v[3].line, 3);
	for (int i = 0; i < n; i++)
		assert_memory_equal(sql + v[i].offset, v[i].text, strlen(v[i].text));
	sql_stmts_free(v, n);
	assert_int_equal(sql_split("SELECT E'\\';", &v, &bad), -1);
	assert_int_equal(sql_split("SELECT '\\';", &v, &bad), 1);
	sql_stmts_free(v, 1);
}

static void test_split_unterminated(void **state)
{
	(void)state;
	struct sql_stmt *v = NULL;
	int bad = 0;
	assert_int_equal(sql_split("SELECT 1;\nSELECT 'open;\n", &v, &bad), -1);
	assert_int_equal(bad, 2);
	assert_null(v);
	assert_int_equal(sql_split("SELECT 1;\n\nDO $x$ BEGIN END $y$;", &v, &bad), -1);
	assert_int_equal(bad, 3);
	assert_int_equal(sql_split("/* /* */", &v, &bad), -1);
	assert_int_equal(sql_split("SELECT \"x", &v, &bad), -1);
}

static void test_step_names(void **state)
{
	(void)state;
	char b[64];
	deploy_step_name("/x/sql/deploy/02_indexes.sql", b, sizeof b);
	assert_string_equal(b, "indexes");
	deploy_step_name("00_base.sql", b, sizeof b);
	assert_string_equal(b, "base");
	deploy_step_name("sql/deploy/05_continuous_aggregates.sql", b, sizeof b);
	assert_string_equal(b, "continuous_aggregates");
}

/* The real step files: found through TSDBTOP_SQL_DIR, in order, and every
 * one splits (tests run from the top of the tree). */
static void test_real_steps(void **state)
{
	(void)state;
	char dir[4096];
	setenv("TSDBTOP_SQL_DIR", "sql", 1);
	assert_int_equal(deploy_find_sql_dir(dir, sizeof dir), 0);
	assert_string_equal(dir, "sql");
	char **paths;
	int n = deploy_list_steps(dir, &paths);
	assert_int_equal(n, 8);
	assert_string_equal(paths[0], "sql/schema/00_base.sql");
	assert_string_equal(paths[7], "sql/deploy/07_management.sql");
	for (int i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "rb");
		assert_non_null(f);
		static char buf[1 << 20];
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = '\0';
		struct sql_stmt *v;
		int bad = 0;
		int k = sql_split(buf, &v, &bad);
		if (k <= 0)
			fail_msg("%s: split returned %d (line %d)", paths[i], k, bad);
		for (int j = 0; j < k; j++)
			assert_true(strlen(v[j].text) > 0);
		sql_stmts_free(v, k);
		free(paths[i]);
	}
	free(paths);
	setenv("TSDBTOP_SQL_DIR", "/nonexistent", 1);
	assert_int_equal(deploy_find_sql_dir(dir, sizeof dir), -1);
	unsetenv("TSDBTOP_SQL_DIR");
}

/* ---- one definition per fact: the views over the console's queries ---- */

static char *slurp_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *b = malloc(cap);
	size_t r;
	while (b && (r = fread(b + len, 1, cap - len - 1, f)) > 0) {
		len += r;
		if (cap - len < 4096) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (b)
		b[len] = '\0';
	return b;
}

static void test_render_markers(void **state)
{
	(void)state;
	char err[300] = "";
	const char *jobs = query_pick("jobs", 170005, 22300);
	assert_non_null(jobs);
	char *out = deploy_render("SELECT 1\n  FROM (\n  \t/*@query jobs@*/ \n) j;\n-- /*@query jobs@*/\n"
				  "SELECT (/*@query jobs@*/)", 170005, 22300, "2.23.0", err, sizeof err);
	assert_non_null(out);
	/* the marker line became the query text; markers that share their line stay */
	size_t jl = strlen(jobs);
	assert_memory_equal(out, "SELECT 1\n  FROM (\n", 18);
	assert_memory_equal(out + 18, jobs, jl);
	assert_string_equal(out + 18 + jl, ") j;\n-- /*@query jobs@*/\nSELECT (/*@query jobs@*/)\n");
	free(out);
	assert_true(deploy_has_marker("x\n /*@query chunks@*/\n"));
	assert_false(deploy_has_marker("x /*@query chunks@*/\n/*@query Chunks@*/\n/*@query @*/\n"));
	/* no compression query before 2.14; an unknown name; no TimescaleDB */
	assert_null(deploy_render("/*@query compression@*/\n", 170005, 21300, "2.13.1", err, sizeof err));
	assert_non_null(strstr(err, "'compression'"));
	assert_non_null(strstr(err, "TimescaleDB 2.13.1"));
	assert_null(deploy_render("/*@query no_such@*/\n", 170005, 22300, "2.23.0", err, sizeof err));
	assert_null(deploy_render("/*@query caggs@*/\n", 170005, 0, "", err, sizeof err));
	assert_non_null(strstr(err, "(not installed)"));
}

/* Both deployers render step 7 alike for every TimescaleDB version: the C
 * one from the queries embedded in the binary (query_pick), sql/deploy.sh
 * from sql/queries/ with sh and awk. */
static void test_render_same_as_deploy_sh(void **state)
{
	(void)state;
	static const char *const versions[] = { "2.13.2", "2.14.0", "2.20.3", "2.23.0-dev", "2.26.0", "2.29.1", "" };
	const char *step = "sql/deploy/06_monitoring_views.sql";
	char *tmpl = slurp_file(step);
	assert_non_null(tmpl);
	assert_true(deploy_has_marker(tmpl));
	for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
		char err[300] = "", cmd[512];
		char *c = deploy_render(tmpl, 170005, server_parse_ts_version(versions[i]), versions[i], err, sizeof err);
		snprintf(cmd, sizeof cmd, "sh sql/deploy.sh --render %s '%s' 170005 2>/dev/null", step, versions[i]);
		FILE *p = popen(cmd, "r");
		assert_non_null(p);
		size_t cap = 1 << 20, len = 0, r;
		char *sh = malloc(cap);
		assert_non_null(sh);
		while ((r = fread(sh + len, 1, cap - len - 1, p)) > 0)
			len += r;
		sh[len] = '\0';
		int st = pclose(p);
		if (c) {
			if (st != 0 || strcmp(c, sh) != 0)
				fail_msg("TimescaleDB %s: deploy.sh (exit %d, %zu bytes) and tsdbtop deploy (%zu bytes)"
					 " render step 7 differently", versions[i], st, len, strlen(c));
		} else if (st == 0) {
			fail_msg("TimescaleDB %s: tsdbtop deploy refuses (%s), deploy.sh renders", versions[i], err);
		}
		free(c);
		free(sh);
	}
	free(tmpl);
}

/* The views that show what the console shows have no SQL of their own for
 * those facts: no catalog or information view is read outside the markers,
 * and the rendered statement holds the console queries' text verbatim. */
static void test_views_are_console_queries(void **state)
{
	(void)state;
	static const struct { const char *view; const char *queries[4]; } shared[] = {
		{ "v_chunk_statistics", { "chunks" } },
		{ "v_compression_statistics", { "compression" } },
		{ "v_compression_jobs", { "compression", "jobs" } },
		{ "v_retention_policies", { "retention", "jobs", "chunks" } },
		{ "v_continuous_aggregate_status", { "caggs", "jobs" } },
	};
	static const char *const own_sql[] = {
		"timescaledb_information", "_timescaledb_catalog.chunk", "_timescaledb_catalog.hypertable",
		"_timescaledb_catalog.dimension", "compression_chunk_size", "compression_settings",
		"continuous_agg ", "continuous_aggs_watermark", "cagg_watermark", "bgw_job", "relpages",
		"factory_telemetry.v_",
	};
	char *tmpl = slurp_file("sql/deploy/06_monitoring_views.sql");
	assert_non_null(tmpl);
	struct sql_stmt *v;
	int bad = 0, n = sql_split(tmpl, &v, &bad);
	assert_true(n > 0);
	for (size_t s = 0; s < sizeof shared / sizeof shared[0]; s++) {
		char head[128];
		snprintf(head, sizeof head, "CREATE OR REPLACE VIEW factory_telemetry.%s AS", shared[s].view);
		int k = 0;
		while (k < n && strncmp(v[k].text, head, strlen(head)) != 0)
			k++;
		if (k == n)
			fail_msg("%s: no CREATE OR REPLACE VIEW in step 7", shared[s].view);
		/* the part after the view name: its own SQL */
		const char *body = v[k].text + strlen(head);
		for (size_t f = 0; f < sizeof own_sql / sizeof own_sql[0]; f++)
			if (strstr(body, own_sql[f]))
				fail_msg("%s reads %s itself instead of through a console query", shared[s].view, own_sql[f]);
		char err[300];
		char *r = deploy_render(v[k].text, 170005, 22300, "2.23.0", err, sizeof err);
		assert_non_null(r);
		for (int q = 0; q < 4 && shared[s].queries[q]; q++) {
			const char *sql = query_pick(shared[s].queries[q], 170005, 22300);
			assert_non_null(sql);
			if (!strstr(r, sql))
				fail_msg("%s does not hold the console query %s", shared[s].view, shared[s].queries[q]);
		}
		free(r);
	}
	sql_stmts_free(v, n);
	free(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_basic),
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_split_offsets_and_words),
		cmocka_unit_test(test_split_unterminated),
		cmocka_unit_test(test_step_names),
		cmocka_unit_test(test_real_steps),
		cmocka_unit_test(test_render_markers),
		cmocka_unit_test(test_render_same_as_deploy_sh),
		cmocka_unit_test(test_views_are_console_queries),
	};
	return cmocka_run_group_tests_name("deploy", tests, NULL, NULL);
}
