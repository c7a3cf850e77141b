/* Unit: history series and sparklines (UTF-8 and ASCII). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/snapshot.h"
#include "tsdbtop/trend.h"

static void test_series_ring_and_gaps(void **state)
{
	(void)state;
	struct trends *t = calloc(1, sizeof *t);
	assert_non_null(t);
	trends_init(t);
	for (int i = 0; i < 5; i++) {
		trends_tick(t);
		trends_push(t, "cache.ratio", i);
		if (i != 2 && i != 3)
			trends_push(t, "lag:x", 10 * i);
	}
	double v[8];
	assert_int_equal(series_tail(trends_get(t, "cache.ratio"), v, 8), 5);
	assert_float_equal(v[0], 0, 0);
	assert_float_equal(v[4], 4, 0);
	/* the two polls without a value are gaps, not squeezed out */
	assert_int_equal(series_tail(trends_get(t, "lag:x"), v, 8), 5);
	assert_float_equal(v[1], 10, 0);
	assert_true(isnan(v[2]) && isnan(v[3]));
	assert_float_equal(v[4], 40, 0);
	/* pushing twice in one poll replaces */
	trends_push(t, "cache.ratio", 99);
	assert_int_equal(series_tail(trends_get(t, "cache.ratio"), v, 8), 5);
	assert_float_equal(v[4], 99, 0);
	/* the ring keeps only the newest TREND_POINTS */
	for (int i = 0; i < TREND_POINTS + 10; i++) {
		trends_tick(t);
		trends_push(t, "cache.ratio", 1000 + i);
	}
	double *all = calloc(TREND_POINTS + 20, sizeof *all);
	assert_int_equal(series_tail(trends_get(t, "cache.ratio"), all, TREND_POINTS + 20), TREND_POINTS);
	assert_float_equal(all[TREND_POINTS - 1], 1000 + TREND_POINTS + 9, 0);
	assert_float_equal(all[0], 1010, 0);
	assert_null(trends_get(t, "nope"));
	free(all);
	free(t);
}

static void test_spark_utf8(void **state)
{
	(void)state;
	char buf[128];
	double v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	spark_render(buf, sizeof buf, v, 8, 8, 0, 0, true);
	assert_string_equal(buf, "▁▂▃▄▅▆▇█");
	/* fewer points than width: right-aligned */
	spark_render(buf, sizeof buf, v, 3, 5, 0, 7, true);
	assert_string_equal(buf, "  ▁▂▃");
	/* more points than width: the newest */
	spark_render(buf, sizeof buf, v, 8, 2, 0, 7, true);
	assert_string_equal(buf, "▇█");
	/* gaps and a flat series */
	double g[] = { 5, NAN, 5 };
	spark_render(buf, sizeof buf, g, 3, 3, 0, 0, true);
	assert_string_equal(buf, "▅ ▅");
	/* a too-small buffer never overflows and stays valid UTF-8 */
	char tiny[7];
	spark_render(tiny, sizeof tiny, v, 8, 8, 0, 0, true);
	assert_string_equal(tiny, "▁▂");
}

static void test_spark_ascii(void **state)
{
	(void)state;
	char buf[64];
	double v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	spark_render(buf, sizeof buf, v, 8, 8, 0, 0, false);
	assert_string_equal(buf, "._-~=+*#");
	for (const char *p = buf; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	spark_render(buf, sizeof buf, v, 8, 0, 0, 0, false);
	assert_string_equal(buf, "");
}

static void test_chart_rows(void **state)
{
	(void)state;
	char top[64], bottom[64];
	double v[] = { 0, 7, 15 };
	spark_chart_line(top, sizeof top, v, 3, 3, 2, 0, 0, 15, true);
	spark_chart_line(bottom, sizeof bottom, v, 3, 3, 2, 1, 0, 15, true);
	/* 16 levels over two rows: 0 -> lowest block in the bottom row only;
	 * 15 -> full in both rows; 7 -> full bottom, empty top */
	assert_string_equal(bottom, "▁██");
	assert_string_equal(top, "  █");
}

static void test_record_from_snapshot(void **state)
{
	(void)state;
	struct trends *t = calloc(1, sizeof *t);
	struct snapshot s;
	memset(&s, 0, sizeof s);
	s.poll_ms = 12;
	s.cache.ratio_now = 0.99;
	struct cagg_row *c = SNAP_ADD(s.caggs);
	snprintf(c->schema, sizeof c->schema, "f");
	snprintf(c->name, sizeof c->name, "oee_hourly");
	c->lag_s = 3600;
	struct comp_row *b = SNAP_ADD(s.comps);
	snprintf(b->schema, sizeof b->schema, "f");
	snprintf(b->name, sizeof b->name, "counters");
	b->backlog = -1;                       /* unknown for integer time */
	trends_init(t);
	trends_record(t, &s);
	c->lag_s = 7200;
	trends_record(t, &s);
	double v[4];
	assert_int_equal(series_tail(trends_get(t, "cagg.lag:f.oee_hourly"), v, 4), 2);
	assert_float_equal(v[0], 3600, 0);
	assert_float_equal(v[1], 7200, 0);
	assert_int_equal(series_tail(trends_get(t, "poll.ms"), v, 4), 2);
	assert_int_equal(series_tail(trends_get(t, "backlog:f.counters"), v, 4), 2);
	assert_true(isnan(v[0]));
	snapshot_free(&s);
	free(t);
}

/* The session series keeps everything since the start in fixed memory:
 * one point per poll at first, then pairs merged and the stride doubled. */
static void test_session_series(void **state)
{
	(void)state;
	struct trends *t = calloc(1, sizeof *t);
	double v[TREND_SESSION];
	int stride;
	assert_non_null(t);
	trends_init(t);
	for (int i = 0; i < 10; i++) {
		trends_tick(t);
		trends_push(t, "x", i);
	}
	const struct series *s = trends_get(t, "x");
	assert_int_equal(series_session(s, v, TREND_SESSION, &stride), 10);
	assert_int_equal(stride, 1);
	assert_float_equal(v[0], 0, 1e-9);
	assert_float_equal(v[9], 9, 1e-9);
	/* past TREND_SESSION polls: halved, stride 2, the first point the mean of 0 and 1 */
	for (int i = 10; i < TREND_SESSION + 10; i++) {
		trends_tick(t);
		trends_push(t, "x", i);
	}
	int n = series_session(s, v, TREND_SESSION, &stride);
	assert_int_equal(stride, 2);
	assert_int_equal(n, TREND_SESSION / 2 + 5);   /* 120 merged + 10 more polls as 5 points */
	assert_float_equal(v[0], 0.5, 1e-9);
	assert_float_equal(v[n - 1], TREND_SESSION + 8.5, 1e-9);
	/* the recent ring still has the last TREND_POINTS polls one by one */
	assert_int_equal(series_tail(s, v, 3), 3);
	assert_float_equal(v[2], TREND_SESSION + 9, 1e-9);
	/* a long session stays in fixed memory: 100,000 polls */
	for (int i = 0; i < 100000; i++) {
		trends_tick(t);
		trends_push(t, "x", 1);
	}
	n = series_session(s, v, TREND_SESSION, &stride);
	assert_true(n <= TREND_SESSION && n >= TREND_SESSION / 2);
	assert_true((double)n * stride >= 100000.0 * 0.9);
	/* gaps: a point of only gaps is NAN, a mixed one the mean of the values */
	trends_init(t);
	trends_tick(t);
	trends_push(t, "y", NAN);
	trends_tick(t);
	trends_push(t, "y", 4);
	n = series_session(trends_get(t, "y"), v, TREND_SESSION, &stride);
	assert_int_equal(n, 2);
	assert_true(isnan(v[0]));
	assert_float_equal(v[1], 4, 1e-9);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series_ring_and_gaps),
		cmocka_unit_test(test_spark_utf8),
		cmocka_unit_test(test_spark_ascii),
		cmocka_unit_test(test_chart_rows),
		cmocka_unit_test(test_record_from_snapshot),
		cmocka_unit_test(test_session_series),
	};
	return cmocka_run_group_tests_name("trend", tests, NULL, NULL);
}
