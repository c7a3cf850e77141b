/* Unit: TimescaleDB version strings from the server (extversion,
 * default_version). Hostile or out-of-range text gives 0, never UB
 * (sscanf("%d") on an out-of-range number and MAJ*10000 overflow were). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tsdbtop/server.h"

static void test_versions(void **state)
{
	(void)state;
	assert_int_equal(server_parse_ts_version("2.23.0-dev"), 22300);
	assert_int_equal(server_parse_ts_version("2.9.1"), 20901);
	assert_int_equal(server_parse_ts_version("2.14"), 21400);
	assert_int_equal(server_parse_ts_version("2.14.x"), 21400);
	assert_int_equal(server_parse_ts_version("1.7.5"), 10705);
}

static void test_hostile(void **state)
{
	(void)state;
	assert_int_equal(server_parse_ts_version(NULL), 0);
	assert_int_equal(server_parse_ts_version(""), 0);
	assert_int_equal(server_parse_ts_version("2"), 0);
	assert_int_equal(server_parse_ts_version("x.1.2"), 0);
	assert_int_equal(server_parse_ts_version("-2.1.0"), 0);
	assert_int_equal(server_parse_ts_version("2.-1.0"), 0);
	assert_int_equal(server_parse_ts_version("2.100.0"), 0);
	assert_int_equal(server_parse_ts_version("2.1.100"), 0);
	assert_int_equal(server_parse_ts_version("99999999999999999999.1.1"), 0);
	assert_int_equal(server_parse_ts_version("2147483647.1.1"), 0);
	assert_int_equal(server_parse_ts_version("999999.1.1"), 0);
	assert_int_equal(server_parse_ts_version("9999.99.99"), 99999999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
