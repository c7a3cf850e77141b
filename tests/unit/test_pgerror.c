/* Unit: the console's words for PostgreSQL errors (tui/core/pgerror.c),
 * shared by the action layer, the engine and the headless commands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tsdbtop/pgerror.h"

static void test_classes(void **state)
{
	(void)state;
	static const struct {
		const char *sqlstate, *message;
		enum pgerr_class cls;
		const char *words;
	} cases[] = {
		{ "57014", "canceling statement due to statement timeout", PGERR_CANCELED, "statement timeout" },
		{ "55P03", "canceling statement due to lock timeout", PGERR_LOCK_TIMEOUT,
		  "lock timeout: another session holds a lock on the target" },
		{ "40P01", "deadlock detected", PGERR_DEADLOCK, "deadlock" },
		{ "42501", "permission denied for table t", PGERR_PERMISSION, "permission denied" },
		{ "42P01", "relation \"x\" does not exist", PGERR_NO_OBJECT, "no such object" },
		{ "42704", "type \"y\" does not exist", PGERR_NO_OBJECT, "no such object" },
		{ "0A000", "functionality not supported under the current \"apache\" license", PGERR_LICENSE,
		  "not available under this license" },
		/* a license message outranks a missing object, not a missing grant */
		{ "42704", "not available under the license", PGERR_LICENSE, "not available under this license" },
		{ "42501", "permission denied (license)", PGERR_PERMISSION, "permission denied" },
		{ "XX000", "boom", PGERR_OTHER, NULL },
		{ "", "", PGERR_OTHER, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pgerr_words w = pgerror_words(cases[i].sqlstate, cases[i].message);
		assert_int_equal(w.cls, cases[i].cls);
		if (cases[i].words)
			assert_string_equal(w.words, cases[i].words);
		else
			assert_null(w.words);
	}
	/* NULL in: nothing to say, no crash */
	struct pgerr_words w = pgerror_words(NULL, NULL);
	assert_int_equal(w.cls, PGERR_OTHER);
	assert_null(w.words);
	assert_int_equal(w.exit, PGERR_EXIT_FAILED);
}

static void test_exit(void **state)
{
	(void)state;
	/* data exceptions (class 22) are bad input; everything else a failure */
	assert_int_equal(pgerror_words("22007", "invalid input syntax for type timestamp").exit, PGERR_EXIT_USAGE);
	assert_int_equal(pgerror_words("22023", "invalid interval").exit, PGERR_EXIT_USAGE);
	assert_int_equal(pgerror_words("42501", "permission denied").exit, PGERR_EXIT_FAILED);
	assert_int_equal(pgerror_words("57014", "canceling").exit, PGERR_EXIT_FAILED);
	assert_int_equal(pgerror_words("2", "").exit, PGERR_EXIT_FAILED);
	assert_int_equal(pgerror_words("XX000", "").exit, PGERR_EXIT_FAILED);
	/* a data exception keeps no words of its own */
	assert_null(pgerror_words("22007", "bad").words);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_exit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
