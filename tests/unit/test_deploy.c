/* Unit: deploy's pure pieces — splitting step files into statements, step
 * names, and finding/listing the step files of sql/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/deploy.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_basic),
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_split_unterminated),
		cmocka_unit_test(test_step_names),
		cmocka_unit_test(test_real_steps),
	};
	return cmocka_run_group_tests_name("deploy", tests, NULL, NULL);
}
