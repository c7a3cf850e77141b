/* Unit: health rules and query selection (pure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/health.h"
#include "tsdbtop/jobinfo.h"
#include "tsdbtop/queries.h"

static struct thresholds th;

static int setup(void **state)
{
	(void)state;
	thresholds_default(&th);
	return 0;
}

static void test_chunk_count_rules(void **state)
{
	(void)state;
	struct ht_row r = { .chunks = 10, .est_bytes = 10.0 * 1024 * 1024 * 10 };
	assert_int_equal(health_ht(&r, &th), HEALTH_OK);
	r.chunks = th.chunks_warn;
	r.est_bytes = r.chunks * 50.0 * 1024 * 1024;
	assert_int_equal(health_ht(&r, &th), HEALTH_WARNING);
	assert_non_null(strstr(r.why, "chunks"));
	r.chunks = th.chunks_crit;
	assert_int_equal(health_ht(&r, &th), HEALTH_CRITICAL);
	struct ht_row big = { .chunks = 4, .est_bytes = 4 * 8.0 * 1024 * 1024 * 1024 };
	assert_int_equal(health_ht(&big, &th), HEALTH_WARNING);
	assert_non_null(strstr(big.why, "interval too long"));
	struct ht_row small = { .chunks = th.chunks_warn / 2, .est_bytes = th.chunks_warn / 2 * 8192.0 };
	assert_int_equal(health_ht(&small, &th), HEALTH_WARNING);
	assert_non_null(strstr(small.why, "too short"));
}

static void test_compression_backlog(void **state)
{
	(void)state;
	struct comp_row c = { .has_policy = true, .backlog = 0 };
	assert_int_equal(health_comp(&c, &th), HEALTH_OK);
	c.backlog = 3;
	c.backlog_behind_s = 7200;
	assert_int_equal(health_comp(&c, &th), HEALTH_WARNING);
	assert_string_equal(c.why, "3 chunks not compressed, 2h00m behind");
	c.backlog = th.backlog_crit;
	assert_int_equal(health_comp(&c, &th), HEALTH_CRITICAL);
}

static void test_jobs(void **state)
{
	(void)state;
	static struct snapshot running, stopped;
	running.sched = (struct scheduler_info){ .known = true, .running = true };
	stopped.sched = (struct scheduler_info){ .known = true, .running = false };
	double now = 1e9;
	struct job_row j = { .scheduled = true, .next_start = now + 60 };
	assert_int_equal(health_job(&j, &th, &running, now), HEALTH_OK);
	assert_false(j.overdue);
	j.next_start = now - th.overdue_grace_s - 1;
	assert_int_equal(health_job(&j, &th, &running, now), HEALTH_WARNING);
	assert_true(j.overdue);
	assert_string_equal(j.why, "overdue");
	assert_int_equal(health_job(&j, &th, &stopped, now), HEALTH_WARNING);
	assert_string_equal(j.why, "overdue: scheduler not running");
	running.sched.workers_max = 2;
	running.sched.workers_in_use = 2;
	assert_int_equal(health_job(&j, &th, &running, now), HEALTH_WARNING);
	assert_string_equal(j.why, "overdue: waiting for a worker (2 of 2 in use)");
	j.running = true;          /* a running job is not overdue */
	assert_int_equal(health_job(&j, &th, &running, now), HEALTH_OK);
	j.running = false;
	j.scheduled = false;
	assert_int_equal(health_job(&j, &th, &running, now), HEALTH_WARNING);
	assert_string_equal(j.why, "paused");
	j.consecutive_failures = th.job_failures_crit;
	assert_int_equal(health_job(&j, &th, &running, now), HEALTH_CRITICAL);
	struct job_row never = { .scheduled = true, .next_start = NAN };
	assert_int_equal(health_job(&never, &th, &stopped, now), HEALTH_WARNING);
	assert_int_equal(health_job(&never, &th, &running, now), HEALTH_OK);
}

/* Why a job failed reaches its health reason; stuck, long-running, paused
 * with a backlog, no success within N intervals. */
static void test_jobs_why(void **state)
{
	(void)state;
	static struct snapshot s;
	memset(&s, 0, sizeof s);
	s.sched = (struct scheduler_info){ .known = true, .running = true };
	snprintf(s.server.user, sizeof s.server.user, "watcher");
	double now = 1e9;
	char msg[] = "boom: known failure";
	struct job_row j = { .id = 1000, .scheduled = true, .next_start = now + 5, .failed = true,
	                     .consecutive_failures = 1, .errors_visible = true, .has_error = true };
	snprintf(j.last_status, sizeof j.last_status, "Failed");
	snprintf(j.last_error.sqlstate, sizeof j.last_error.sqlstate, "22023");
	j.last_error.kind = JOBFAIL_ERROR;
	j.last_error.message = msg;
	assert_int_equal(health_job(&j, &th, &s, now), HEALTH_WARNING);
	assert_string_equal(j.why, "last run failed (1 in a row): error 22023: boom: known failure");
	j.consecutive_failures = 3;
	assert_int_equal(health_job(&j, &th, &s, now), HEALTH_CRITICAL);
	assert_string_equal(j.why, "failing: 3 consecutive failures: error 22023: boom: known failure");
	j.has_error = false;
	j.errors_visible = false;
	snprintf(j.owner, sizeof j.owner, "etl");
	health_job(&j, &th, &s, now);
	assert_non_null(strstr(j.why, "not visible to role watcher (job owner etl"));

	struct job_row st = { .id = 7, .scheduled = true, .next_start = -INFINITY };
	assert_int_equal(health_job(&st, &th, &s, now), HEALTH_WARNING);
	assert_true(st.stuck);
	assert_non_null(strstr(st.why, "stuck: next_start is -infinity"));
	st.running = true;         /* TimescaleDB writes -infinity while a run is on */
	assert_int_equal(health_job(&st, &th, &s, now), HEALTH_OK);
	assert_false(st.stuck);

	struct job_row lr = { .id = 8, .scheduled = true, .next_start = now + 60, .running = true,
	                      .running_s = 600, .mean_s = 10, .max_runtime_s = 3600 };
	assert_int_equal(health_job(&lr, &th, &s, now), HEALTH_WARNING);
	assert_true(lr.running_long);
	assert_string_equal(lr.why, "running for 10m00s, usually 10s; max_runtime 1h00m");
	lr.running_s = 40;         /* long against the mean, but under a minute */
	assert_int_equal(health_job(&lr, &th, &s, now), HEALTH_OK);

	struct comp_row c = { .job_id = 9, .backlog = 4 };
	s.comps.v = &c;
	s.comps.n = 1;
	struct job_row pz = { .id = 9, .scheduled = false, .next_start = NAN };
	snprintf(pz.proc, sizeof pz.proc, "policy_compression");
	health_job(&pz, &th, &s, now);
	assert_string_equal(pz.why, "paused with a backlog: 4 chunks to compress");
	s.comps.n = 0;
	s.comps.v = NULL;

	struct job_row ns = { .id = 10, .scheduled = true, .next_start = now + 60, .schedule_s = 3600,
	                      .total_runs = 5, .last_finish = now - 4 * 3600 };
	assert_int_equal(health_job(&ns, &th, &s, now), HEALTH_WARNING);
	assert_string_equal(ns.why, "no success in 4h00m (3 schedule intervals)");
	ns.last_finish = now - 2 * 3600;
	assert_int_equal(health_job(&ns, &th, &s, now), HEALTH_OK);
}

static void test_retention_why_not(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	s.sched = (struct scheduler_info){ .known = true, .running = false };
	struct ret_row r = { .job_id = 1007, .scheduled = true, .drop_count = 5, .next_start = NAN };
	assert_int_equal(health_ret(&r, &th, &s, 1e9), HEALTH_WARNING);
	assert_string_equal(r.why_not, "the job scheduler is not running");
	r.scheduled = false;
	health_ret(&r, &th, &s, 1e9);
	assert_string_equal(r.why_not, "job 1007 is paused");
	r.drop_count = 0;
	assert_int_equal(health_ret(&r, &th, &s, 1e9), HEALTH_OK);
	assert_string_equal(r.why_not, "");
}

static void test_cagg_states(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	double now = 1e9;
	/* allowed: end_offset + schedule (3900) + one bucket (3600) = 7500 */
	struct cagg_row c = { .raw_newest = now - 600, .watermark = now - 7400,
			      .promised_lag_s = 3900, .bucket_s = 3600 };
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_int_equal(c.state, CAGG_FRESH);
	assert_string_equal(c.job_state, "no policy");
	c.watermark = now - 2 * 7500;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_WARNING);
	assert_int_equal(c.state, CAGG_LAGGING);
	c.watermark = now - 10 * 3900;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_CRITICAL);
	assert_int_equal(c.state, CAGG_STALE);
	/* no newer raw data: the watermark cannot move, so not stale */
	c.raw_newest = now - 20 * 3900;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	/* the bucket holding the newest raw chunk's start is not materialized
	 * yet: the aggregate is behind, not caught up */
	c.raw_newest = c.watermark;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_CRITICAL);
	/* a daily aggregate at 17:00 that holds up to midnight is fresh */
	struct cagg_row d = { .raw_newest = 86400 * 100, .watermark = 86400 * 100,
			      .promised_lag_s = 7200, .bucket_s = 86400 };
	assert_int_equal(health_cagg(&d, &th, &s, 86400 * 100 + 17 * 3600), HEALTH_OK);
	c.raw_newest = c.watermark - c.bucket_s;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	c.watermark = NAN;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_WARNING);
	assert_int_equal(c.state, CAGG_EMPTY);
	c.raw_newest = NAN;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_int_equal(c.state, CAGG_NODATA);
	c.retention_cuts_window = true;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_WARNING);
	assert_non_null(strstr(c.why, "retention"));
}

/* now - watermark, never negative; a watermark past now is "ahead" */
static void test_cagg_lag_arithmetic(void **state)
{
	(void)state;
	double ahead = -1;
	assert_true(health_lag(1000, 400, &ahead) == 600);
	assert_true(ahead == 0);
	assert_true(health_lag(1000, 1964, &ahead) == 0);
	assert_true(ahead == 964);
	assert_true(isnan(health_lag(1000, NAN, &ahead)));
	assert_true(ahead == 0);
	assert_true(isnan(health_lag(NAN, 5, &ahead)));
	/* integer units, exact, no overflow at the type's ends */
	assert_true(health_lag_int(5000, 4600, &ahead) == 400);
	assert_true(ahead == 0);
	assert_true(health_lag_int(4600, 5000, &ahead) == 0);
	assert_true(ahead == 400);
	assert_true(health_lag_int(INT64_MAX, INT64_MIN, &ahead) == 18446744073709551615.0);
	assert_true(health_lag_int(INT64_MIN, INT64_MAX, &ahead) == 0);
	assert_true(ahead == 18446744073709551615.0);
	assert_true(health_lag_int((int64_t)1 << 52, 1, &ahead) == (double)(((int64_t)1 << 52) - 1));
}

/* An integer time column: lag in its units against integer_now(), never
 * seconds against the wall clock (that made 1970 and 56 years). */
static void test_cagg_integer_time(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	double now = 1796197435; /* wall clock: must not matter */
	struct cagg_row c = { .time_is_int = true, .watermark = NAN, .raw_newest = NAN, .bucket_s = NAN,
			      .promised_lag_s = NAN, .wm_int_known = true, .watermark_int = 4600,
			      .raw_int_known = true, .raw_newest_int = 4000, .has_integer_now = true,
			      .now_int_known = true, .now_int = 5000, .bucket_int = 100, .end_offset_int = 100,
			      .job_id = 1000 };
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_true(c.lag_int == 400);
	assert_true(isnan(c.lag_s));
	assert_int_equal(c.state, CAGG_FRESH); /* caught up with the newest raw chunk */
	/* behind the raw data: allowed = end_offset + 2 buckets = 300 units */
	c.raw_newest_int = 4900;
	c.watermark_int = 4750; /* lag 250 */
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_int_equal(c.state, CAGG_FRESH);
	c.watermark_int = 4400; /* lag 600: factor 2 */
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_WARNING);
	assert_int_equal(c.state, CAGG_LAGGING);
	assert_string_equal(c.why, "lag 600 units, policy allows 300 units");
	c.watermark_int = 3000; /* lag 2000: factor 6.7 */
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_CRITICAL);
	assert_int_equal(c.state, CAGG_STALE);
	assert_true(health_cagg_lag_factor(&c) > 6.6 && health_cagg_lag_factor(&c) < 6.7);
	/* no integer_now(): the lag is unknown, not computed from anything */
	c.now_int_known = false;
	c.has_integer_now = false;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_true(isnan(c.lag_int));
	assert_int_equal(c.state, CAGG_UNKNOWN);
	assert_string_equal(c.why, "no integer_now function: lag unknown");
	assert_true(health_cagg_lag_factor(&c) == 0);
	c.has_integer_now = true; /* has one, dropped or not executable */
	health_cagg(&c, &th, &s, now);
	assert_non_null(strstr(c.why, "integer_now() not usable"));
	/* never materialized (the watermark at the type's minimum is NULL) */
	c.now_int_known = true;
	c.wm_int_known = false;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_WARNING);
	assert_int_equal(c.state, CAGG_EMPTY);
	assert_true(isnan(c.lag_int));
	/* no raw data and never materialized: no lag at all */
	c.raw_int_known = false;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_int_equal(c.state, CAGG_NODATA);
	assert_true(isnan(c.lag_int) && isnan(c.lag_s));
	/* watermark past integer_now(): lag 0, ahead */
	c.raw_int_known = c.wm_int_known = true;
	c.raw_newest_int = 5000;
	c.watermark_int = 5100;
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_true(c.lag_int == 0 && c.ahead == 100);
	assert_non_null(strstr(c.why, "100 units ahead of now: the current bucket"));
}

/* A watermark in the future: lag 0 and said so, never a negative lag */
static void test_cagg_ahead_of_now(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	double now = 1e9;
	struct cagg_row c = { .raw_newest = now - 600, .watermark = now + 964,
			      .promised_lag_s = 3900, .bucket_s = 3600 };
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_true(c.lag_s == 0);
	assert_true(c.ahead == 964);
	assert_int_equal(c.state, CAGG_FRESH);
	assert_non_null(strstr(c.why, "ahead of now: the current bucket is materialized"));
	c.watermark = now + 3 * 3600; /* beyond one bucket: data in the future */
	assert_int_equal(health_cagg(&c, &th, &s, now), HEALTH_OK);
	assert_true(c.lag_s == 0 && c.ahead == 3 * 3600);
	assert_non_null(strstr(c.why, "3h00m ahead of now: raw data in the future"));
	c.watermark = now - 60; /* behind again: nothing said */
	health_cagg(&c, &th, &s, now);
	assert_true(c.lag_s == 60 && c.ahead == 0);
	assert_string_equal(c.why, "");
}

static void test_cache_ratio(void **state)
{
	(void)state;
	assert_int_equal(health_ratio(NAN, &th), HEALTH_UNKNOWN);
	assert_int_equal(health_ratio(0.999, &th), HEALTH_OK);
	assert_int_equal(health_ratio(0.90, &th), HEALTH_WARNING);
	assert_int_equal(health_ratio(0.50, &th), HEALTH_CRITICAL);
}

static void test_classify_counts(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	struct comp_row *c = SNAP_ADD(s.comps);
	c->backlog = th.backlog_crit;
	c->has_policy = true;
	struct cache_row *k = SNAP_ADD(s.caches);
	k->ratio = 1.0;
	s.cache.ratio_now = s.cache.ratio_total = NAN;
	health_classify(&s, &th, 1e9);
	assert_int_equal(s.worst[HEALTH_CRITICAL], 1);
	assert_int_equal(s.worst[HEALTH_OK], 1);
	assert_int_equal(s.cache.health, HEALTH_UNKNOWN);
	/* a pane unavailable now (TimescaleDB dropped): its old rows do not count */
	s.comp_meta.status = PANE_UNAVAILABLE;
	health_classify(&s, &th, 1e9);
	assert_int_equal(s.worst[HEALTH_CRITICAL], 0);
	assert_int_equal(s.worst[HEALTH_OK], 1);
	snapshot_free(&s);
}

static void test_query_pick(void **state)
{
	(void)state;
	assert_non_null(query_get("probe"));
	assert_null(query_get("nope"));
	/* compression needs 2.14's catalog */
	assert_null(query_pick("compression", 170000, 21300));
	assert_non_null(query_pick("compression", 170000, 22300));
	/* chunk.dropped disappears in 2.26: a generated variant without it */
	const char *old = query_pick("chunks", 170000, 22300);
	const char *neu = query_pick("chunks", 170000, 22600);
	assert_non_null(old);
	assert_non_null(neu);
	assert_non_null(strstr(old, "dropped"));
	assert_null(strstr(neu, "NOT c.dropped"));
	/* and for files that have a minimum version themselves: the generated
	 * variant "compression.ts21400.ts22600" is picked on 2.26+ */
	static const char *const versioned[] = { "compression", "caggs" };
	for (size_t i = 0; i < sizeof versioned / sizeof versioned[0]; i++) {
		const char *before = query_pick(versioned[i], 170000, 22500);
		const char *after = query_pick(versioned[i], 170000, 22600);
		assert_non_null(before);
		assert_non_null(after);
		assert_non_null(strstr(before, "dropped"));
		assert_null(strstr(after, "NOT c.dropped"));
	}
	assert_null(query_pick("caggs", 170000, 21000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_count_rules),
		cmocka_unit_test(test_compression_backlog),
		cmocka_unit_test(test_jobs),
		cmocka_unit_test(test_jobs_why),
		cmocka_unit_test(test_retention_why_not),
		cmocka_unit_test(test_cagg_states),
		cmocka_unit_test(test_cagg_lag_arithmetic),
		cmocka_unit_test(test_cagg_integer_time),
		cmocka_unit_test(test_cagg_ahead_of_now),
		cmocka_unit_test(test_cache_ratio),
		cmocka_unit_test(test_classify_counts),
		cmocka_unit_test(test_query_pick),
	};
	return cmocka_run_group_tests_name("health", tests, setup, NULL);
}
