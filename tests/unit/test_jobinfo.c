/* Unit: why a job failed (the failure kinds from what TimescaleDB records),
 * their words, and the scheduler's worker arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/jobinfo.h"

static void test_kinds(void **state)
{
	(void)state;
	/* the texts TimescaleDB 2.24-2.29 write (job_errors.err_message) */
	assert_int_equal(job_fail_classify("XX000", "failed to start job Job 1000 (\"User-Defined Action [1000]\") failed to start", 0, 0),
	                 JOBFAIL_START);
	assert_int_equal(job_fail_classify(NULL, "job crash detected, see server logs", NAN, 0), JOBFAIL_CRASH);
	assert_int_equal(job_fail_classify("57014", "canceling statement due to user request", 9.5, 0), JOBFAIL_CANCEL);
	/* the scheduler cancels at max_runtime: a cancel at the limit is the timeout */
	assert_int_equal(job_fail_classify("57014", "canceling statement due to user request", 59.6, 60), JOBFAIL_TIMEOUT);
	assert_int_equal(job_fail_classify("57014", "canceling statement due to user request", 20, 60), JOBFAIL_CANCEL);
	assert_int_equal(job_fail_classify("22023", "boom", 0.01, 60), JOBFAIL_ERROR);
	/* the scheduler's own record of a worker it stopped at max_runtime */
	assert_int_equal(job_fail_classify("XX000", "failed to execute job Job 1004 (\"User-Defined Action [1004]\") failed to execute.", 2.01, 2),
	                 JOBFAIL_TIMEOUT);
	assert_int_equal(job_fail_classify("XX000", "failed to execute job Job 1004 (\"User-Defined Action [1004]\") failed to execute.", 0.5, 60),
	                 JOBFAIL_ERROR);
	assert_int_equal(job_fail_classify("XX000", "cannot drop portal \"\" while it is being set up", 0.1, 0), JOBFAIL_ERROR);
	assert_int_equal(job_fail_classify("", "", NAN, NAN), JOBFAIL_ERROR);
	assert_string_equal(job_fail_kind_key(JOBFAIL_START), "failed_to_start");
	assert_string_equal(job_fail_kind_key(JOBFAIL_TIMEOUT), "timed_out");
	assert_null(job_fail_kind_key(JOBFAIL_NONE));
	assert_string_equal(job_fail_kind_words(JOBFAIL_CRASH), "crashed");
	assert_string_equal(job_fail_kind_short(JOBFAIL_START), "no worker");
	for (int k = JOBFAIL_NONE; k <= JOBFAIL_CANCEL; k++)
		assert_true(strlen(job_fail_kind_short((enum job_fail_kind)k)) <= 9);
}

static void test_words(void **state)
{
	(void)state;
	char buf[300];
	char empty[] = "";
	struct job_row j = { .id = 1, .failed = true, .has_error = true, .errors_visible = true,
	                     .max_runtime_s = 100 };
	snprintf(j.proc, sizeof j.proc, "policy_telemetry");
	j.last_error.kind = JOBFAIL_ERROR;
	j.last_error.message = empty;
	job_error_words(buf, sizeof buf, &j, "postgres");
	assert_non_null(strstr(buf, "telemetry could not reach its server"));
	snprintf(j.proc, sizeof j.proc, "custom");
	job_error_words(buf, sizeof buf, &j, "postgres");
	assert_string_equal(buf, "error: no message recorded (see the server log)");
	j.last_error.kind = JOBFAIL_TIMEOUT;
	job_error_words(buf, sizeof buf, &j, "postgres");
	assert_string_equal(buf, "timed out: cancelled at max_runtime 1m40s");
	j.last_error.kind = JOBFAIL_START;
	job_error_words(buf, sizeof buf, &j, "postgres");
	assert_non_null(strstr(buf, "failed to start: no background worker was free"));
	j.failed = false;          /* a job whose last run succeeded has nothing to say */
	job_error_words(buf, sizeof buf, &j, "postgres");
	assert_string_equal(buf, "");
}

static void test_capacity(void **state)
{
	(void)state;
	struct scheduler_info sc = { .known = true, .running = true, .workers_max = 16,
	                             .max_worker_processes = 8, .max_parallel_workers = 8,
	                             .launchers = 1, .schedulers = 1, .other_workers = 1 };
	/* PostgreSQL's defaults under a budget of 16: 8 - 1 - 1 - 1 = 5 for jobs */
	sched_capacity(&sc, NULL, 0, 300);
	assert_int_equal(sc.capacity, 5);
	assert_int_equal(sc.needed, 16 + 2 + 1 + 8);
	assert_true(sc.short_budget);
	assert_non_null(strstr(sc.why, "max_worker_processes = 8 leaves 5 workers for jobs"));
	assert_non_null(strstr(sc.why, "raise max_worker_processes to 27"));
	/* enough for the jobs, not with parallel query on top */
	sc.max_worker_processes = 24;
	sched_capacity(&sc, NULL, 0, 300);
	assert_int_equal(sc.capacity, 21);
	assert_true(sc.short_budget);
	assert_non_null(strstr(sc.why, "parallel queries can take the workers jobs need"));
	/* max_parallel_workers above max_worker_processes: PostgreSQL caps it */
	sc.max_worker_processes = 32;
	sc.max_parallel_workers = 64;
	sched_capacity(&sc, NULL, 0, 300);
	assert_int_equal(sc.needed, 16 + 2 + 1 + 32);
	sc.max_parallel_workers = 8;
	sched_capacity(&sc, NULL, 0, 300);
	assert_false(sc.short_budget);
	assert_string_equal(sc.why, "");
	/* 3 in all: the launcher, one scheduler, logical replication: none left */
	sc.max_worker_processes = 3;
	sched_capacity(&sc, NULL, 0, 300);
	assert_int_equal(sc.capacity, 0);
	assert_non_null(strstr(sc.why, "leaves 0 workers for jobs"));
	/* several databases: a scheduler each */
	sc.max_worker_processes = 32;
	sc.schedulers = 6;
	sched_capacity(&sc, NULL, 0, 300);
	assert_int_equal(sc.needed, 16 + 7 + 1 + 8);
	assert_false(sc.short_budget);
	/* settings unknown: no judgement */
	sc.max_worker_processes = -1;
	sched_capacity(&sc, NULL, 0, 300);
	assert_int_equal(sc.capacity, -1);
	assert_false(sc.short_budget);
	/* no scheduler: no warning (the pane says it is not running) */
	sc.max_worker_processes = 3;
	sc.running = false;
	sched_capacity(&sc, NULL, 0, 300);
	assert_string_equal(sc.why, "");
}

static void test_waiting(void **state)
{
	(void)state;
	static struct snapshot s;
	struct job_row rows[3] = {
		{ .id = 1, .scheduled = true, .next_start = 1000 - 400 },           /* waiting */
		{ .id = 2, .scheduled = true, .next_start = 1000 - 400, .running = true },
		{ .id = 3, .scheduled = false, .next_start = 1000 - 400 },          /* paused */
	};
	s.jobs.v = rows;
	s.jobs.n = 3;
	s.sched = (struct scheduler_info){ .known = true, .running = true, .workers_max = 16,
	                                   .max_worker_processes = 32, .max_parallel_workers = 8 };
	sched_capacity(&s.sched, &s, 1000, 300);
	assert_int_equal(s.sched.waiting, 1);
	s.sched.running = false;   /* nothing waits for a scheduler that is not there */
	sched_capacity(&s.sched, &s, 1000, 300);
	assert_int_equal(s.sched.waiting, 0);
}

static void test_history_note(void **state)
{
	(void)state;
	struct scheduler_info sc = { .has_history = true, .exec_logging = 0 };
	assert_non_null(strstr(sched_history_note(&sc), "only failed runs are recorded"));
	sc.exec_logging = 1;
	assert_null(sched_history_note(&sc));
	sc.has_history = false;
	assert_non_null(strstr(sched_history_note(&sc), "2.15"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_waiting),
		cmocka_unit_test(test_history_note),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
