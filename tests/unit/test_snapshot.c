/* Unit: snapshot row arrays (grow by one, reserve exactly, shrink). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tsdbtop/snapshot.h"

/* A poll sizes the array for its rows first: exactly that many, and
 * adding them then never reallocates (no doubling slack). */
static void test_reserve_exact(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	assert_int_equal(SNAP_RESERVE(s.jobs, 101), 0);
	assert_int_equal(s.jobs.cap, 101);
	assert_int_equal(s.jobs.n, 0);
	struct job_row *first = NULL;
	for (int i = 0; i < 101; i++) {
		struct job_row *j = SNAP_ADD(s.jobs);
		assert_non_null(j);
		assert_int_equal(j->id, 0);          /* zeroed */
		j->id = i + 1;
		if (!first)
			first = j;
	}
	assert_ptr_equal(first, s.jobs.v);      /* never moved */
	assert_int_equal(s.jobs.cap, 101);
	assert_int_equal(s.jobs.v[100].id, 101);
	snapshot_free(&s);
}

/* Fewer rows than before: the array keeps its size unless it is more
 * than twice too large (then it shrinks to fit); rows kept either way. */
static void test_reserve_keeps_and_shrinks(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	assert_int_equal(SNAP_RESERVE(s.hts, 100), 0);
	for (int i = 0; i < 100; i++)
		SNAP_ADD(s.hts)->id = i;
	snapshot_clear_rows(&s.hts);
	assert_int_equal(SNAP_RESERVE(s.hts, 60), 0);
	assert_int_equal(s.hts.cap, 100);       /* within 2n + 16: kept */
	assert_int_equal(SNAP_RESERVE(s.hts, 10), 0);
	assert_int_equal(s.hts.cap, 10);        /* shrunk */
	assert_int_equal(SNAP_RESERVE(s.hts, 0), 0);
	assert_int_equal(s.hts.cap, 10);        /* nothing to size for */
	/* reserving below the rows already there keeps them all */
	for (int i = 0; i < 10; i++)
		SNAP_ADD(s.hts)->id = 7 * i;
	assert_int_equal(SNAP_RESERVE(s.hts, 3), 0);
	assert_int_equal(s.hts.n, 10);
	assert_true(s.hts.cap >= 10);
	assert_int_equal(s.hts.v[9].id, 63);
	/* growing past the reserve still works, by doubling */
	assert_non_null(SNAP_ADD(s.hts));
	assert_int_equal(s.hts.n, 11);
	assert_true(s.hts.cap >= 11);
	snapshot_free(&s);
	assert_null(s.hts.v);
	assert_int_equal(s.hts.cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserve_exact),
		cmocka_unit_test(test_reserve_keeps_and_shrinks),
	};
	return cmocka_run_group_tests_name("snapshot rows", tests, NULL, NULL);
}
