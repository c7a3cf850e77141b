/* Unit: query selection. NAME.compat (the compatibility-mode query: public
 * views) is never what query_pick returns, on any version; only compat mode
 * (query_pick_compat, collector_sql with compat) picks it. The newest known
 * layout and the header text of compatibility mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/collect.h"
#include "tsdbtop/queries.h"
#include "tsdbtop/snapshot.h"

static const int ts_versions[] = { 0, 21100, 21400, 22300, 22400, 22600, 22803, 22900, 22902, 23000, 99999 };
static const int pg_versions[] = { 150018, 170012 };

/* True when a statement (comment lines aside) reads a TimescaleDB catalog
 * table; *line gets the offending line. */
static bool reads_catalog(const char *sql, char *buf, size_t bufsz)
{
	for (const char *line = sql; line && *line; ) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		snprintf(buf, bufsz, "%.*s", (int)(n < bufsz ? n : bufsz - 1), line);
		char *comment = strstr(buf, "--");
		if (comment)
			*comment = '\0';
		if (strstr(buf, "_timescaledb_catalog.") || strstr(buf, "_timescaledb_config.") ||
		    strstr(buf, "_timescaledb_internal.bgw"))
			return true;
		line = end ? end + 1 : NULL;
	}
	return false;
}

/* Every collector either has a compatibility query, or its fast query
 * reads no TimescaleDB catalog on any version (then it serves compatibility
 * mode as it is: no copy of it); the fast pick is never the compat file. */
static void test_pick_never_compat(void **state)
{
	(void)state;
	char line[512];
	for (int i = 0; i < collector_count; i++) {
		const char *name = collectors[i].name;
		const char *compat = query_pick_compat(name);
		char full[64];
		snprintf(full, sizeof full, "%s.compat", name);
		assert_ptr_equal(compat, query_get(full));
		for (size_t p = 0; p < sizeof pg_versions / sizeof pg_versions[0]; p++)
			for (size_t t = 0; t < sizeof ts_versions / sizeof ts_versions[0]; t++) {
				const char *fast = query_pick(name, pg_versions[p], ts_versions[t]);
				if (!compat && fast && reads_catalog(fast, line, sizeof line))
					fail_msg("%s has no compat query but reads the catalog: %s", name, line);
				if (!compat)
					continue;
				assert_ptr_not_equal(fast, compat);
				/* no generated or chained variant of it either */
				for (const struct query_text *q = query_texts; q->name; q++)
					if (fast && q->sql == fast)
						assert_null(strstr(q->name, ".compat"));
			}
	}
	assert_non_null(query_pick_compat("chunks"));
	assert_null(query_pick_compat("no_such_query"));
	/* the fast pick of a name with a compat file still exists */
	assert_non_null(query_pick("chunks", 150018, 22803));
}

/* collector_sql: the compat text exactly when asked for (the fast text for
 * a collector that needs none). */
static void test_collector_sql_compat(void **state)
{
	(void)state;
	struct server_info si = { .valid = true, .pg_version_num = 150018, .ts_installed = true,
				  .ts_version_num = 22803 };
	snprintf(si.ts_version, sizeof si.ts_version, "2.28.3");
	for (int i = 0; i < collector_count; i++) {
		char why[256];
		const char *fast = collector_sql(&collectors[i], &si, false, why, sizeof why);
		const char *comp = collector_sql(&collectors[i], &si, true, why, sizeof why);
		const char *file = query_pick_compat(collectors[i].name);
		assert_non_null(fast);
		assert_non_null(comp);
		assert_ptr_equal(comp, file ? file : fast);
		if (file)
			assert_ptr_not_equal(fast, comp);
		assert_ptr_equal(fast, query_pick(collectors[i].name, si.pg_version_num, si.ts_version_num));
	}
}

/* The compat files read no _timescaledb_catalog table (the point of them). */
static void test_compat_reads_no_catalog(void **state)
{
	(void)state;
	char line[512];
	for (int i = 0; i < collector_count; i++) {
		const char *sql = query_pick_compat(collectors[i].name);
		if (sql && reads_catalog(sql, line, sizeof line))
			fail_msg("%s.compat reads the catalog: %s", collectors[i].name, line);
	}
}

static void test_newest_known(void **state)
{
	(void)state;
	assert_true(query_ts_layout_known(0));
	assert_true(query_ts_layout_known(22300));
	assert_true(query_ts_layout_known(22900));
	assert_true(query_ts_layout_known(22902));
	assert_true(query_ts_layout_known(22999));
	assert_false(query_ts_layout_known(23000));
	assert_false(query_ts_layout_known(30000));
	assert_int_equal(QUERY_TS_NEWEST_KNOWN_MINOR, 29);
}

static void test_describe(void **state)
{
	(void)state;
	struct server_info si = { .ts_installed = true };
	snprintf(si.ts_version, sizeof si.ts_version, "2.31.0");
	char b[300];
	struct compat_state c = { .active = false };
	compat_describe(b, sizeof b, &c, &si, false);
	assert_string_equal(b, "");
	assert_null(compat_reason_name(COMPAT_OFF));
	c = (struct compat_state){ .active = true, .reason = COMPAT_FORCED };
	compat_describe(b, sizeof b, &c, &si, true);
	assert_string_equal(b, "compatibility mode: forced by option");
	assert_string_equal(compat_reason_name(c.reason), "forced");
	c.reason = COMPAT_UNKNOWN_VERSION;
	compat_describe(b, sizeof b, &c, &si, false);
	assert_non_null(strstr(b, "unknown TimescaleDB version 2.31.0"));
	assert_non_null(strstr(b, "2.29.x"));
	assert_string_equal(compat_reason_name(c.reason), "unknown_version");
	c.reason = COMPAT_FAST_FAILED;
	snprintf(c.detail, sizeof c.detail, "chunks: 42703 column c.schema_name does not exist");
	compat_describe(b, sizeof b, &c, &si, true);
	assert_string_equal(b, "compatibility mode: fast query failed (chunks 42703)");
	compat_describe(b, sizeof b, &c, &si, false);
	assert_non_null(strstr(b, "column c.schema_name does not exist"));
	assert_string_equal(compat_reason_name(c.reason), "fast_query_failed");
}

static void test_cli_flag(void **state)
{
	(void)state;
	struct options o;
	char *argv[] = { "tsdbtop", "--compat", "--once", NULL };
	assert_int_equal(cli_parse(&o, 3, argv, stderr), 0);
	assert_true(o.compat);
	char *argv2[] = { "tsdbtop", "--once", NULL };
	assert_int_equal(cli_parse(&o, 2, argv2, stderr), 0);
	assert_false(o.compat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_never_compat),
		cmocka_unit_test(test_collector_sql_compat),
		cmocka_unit_test(test_compat_reads_no_catalog),
		cmocka_unit_test(test_newest_known),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_cli_flag),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
