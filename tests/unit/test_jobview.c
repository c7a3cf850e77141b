/* Unit: the console's jobs list and job detail text. A job's error message
 * holding escape sequences and 10 KB of text is sanitised and cut with an
 * ellipsis; every line fits its width; the history and its note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/jobview.h"
#include "tsdbtop/sanitize.h"

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static char *hostile_message(void)
{
	const char *head = "\x1b]0;pwned\x07\x1b[31mred\x1b" "c boom ";
	size_t n = 10 * 1024;
	char *m = malloc(n + 1);
	assert_non_null(m);
	size_t h = strlen(head);
	memcpy(m, head, h);
	for (size_t i = h; i < n; i++)
		m[i] = (char)('a' + i % 26);
	m[n] = '\0';
	return m;
}

static void fill(struct snapshot *s, struct job_row *j, char *msg)
{
	memset(s, 0, sizeof *s);
	memset(j, 0, sizeof *j);
	j->id = 1001;
	snprintf(j->proc, sizeof j->proc, "boom");
	snprintf(j->owner, sizeof j->owner, "postgres");
	snprintf(j->last_status, sizeof j->last_status, "Failed");
	j->scheduled = true;
	j->failed = j->has_error = j->errors_visible = true;
	j->consecutive_failures = 2;
	j->health = HEALTH_WARNING;
	j->schedule_s = 5;
	j->next_start = 1000;
	j->mean_s = NAN;
	j->last_error.kind = JOBFAIL_ERROR;
	j->last_error.start = 990;
	j->last_error.finish = 990.5;
	snprintf(j->last_error.sqlstate, sizeof j->last_error.sqlstate, "P0001");
	j->last_error.message = msg;
	snprintf(j->why, sizeof j->why, "last run failed (2 in a row): error P0001: %.100s", msg);
	s->jobs.v = j;
	s->jobs.n = 1;
	s->sched.has_history = true;
	s->history_meta.status = PANE_OK;
}

static void test_detail_sanitised_and_cut(void **state)
{
	(void)state;
	static struct snapshot s;
	static struct job_row j;
	static struct jobview v;
	char *msg = hostile_message();
	fill(&s, &j, msg);
	struct job_run runs[2] = {
		{ .job_id = 1001, .start = 990, .finish = 990.5, .succeeded = 0, .kind = JOBFAIL_ERROR },
		{ .job_id = 1001, .start = 980, .finish = 980.25, .succeeded = 0, .kind = JOBFAIL_ERROR },
	};
	snprintf(runs[0].message, sizeof runs[0].message, "\x1b[2Jwiped");
	s.job_runs.v = runs;
	s.job_runs.n = 2;
	jobview_detail(&v, &s, 1001, 1000, 80, true);
	assert_true(v.n > 5);
	int wrapped = 0, ellipsis = 0, runs_seen = 0;
	for (int i = 0; i < v.n; i++) {
		assert_false(has_control(v.line[i]));
		assert_true(text_width(v.line[i]) <= 80);
		if (strncmp(v.line[i], "  ", 2) == 0)
			wrapped++;
		if (strstr(v.line[i], "\u2026"))
			ellipsis++;
		if (strncmp(v.line[i], "1970-01-01 00:16:", 17) == 0)
			runs_seen++;
	}
	assert_int_equal(wrapped, 8);          /* 10 KB: eight lines of it, then cut */
	assert_true(ellipsis >= 1);
	assert_int_equal(runs_seen, 2);
	assert_non_null(strstr(v.line[3], "last failure 1970-01-01 00:16:30 UTC: error, SQLSTATE P0001"));
	assert_non_null(strstr(v.line[4], "?]0;pwned??[31mred?c boom"));
	/* the note: only failures recorded */
	s.sched.exec_logging = 0;
	jobview_detail(&v, &s, 1001, 1000, 80, true);
	bool note = false;
	for (int i = 0; i < v.n; i++)
		note |= strstr(v.line[i], "only failed runs are recorded") != NULL;
	assert_true(note);
	/* ASCII terminal: no UTF-8 at all */
	jobview_detail(&v, &s, 1001, 1000, 60, false);
	for (int i = 0; i < v.n; i++)
		for (const unsigned char *p = (const unsigned char *)v.line[i]; *p; p++)
			assert_true(*p < 0x80);
	free(msg);
}

static void test_list_line(void **state)
{
	(void)state;
	static struct snapshot s;
	static struct job_row j;
	char *msg = hostile_message();
	fill(&s, &j, msg);
	char buf[PANE_LINE_MAX];
	enum theme_role r = jobview_list_line(buf, sizeof buf, &j, 1000, 70, true);
	assert_int_equal(r, ROLE_WARNING);
	assert_false(has_control(buf));
	assert_true(text_width(buf) <= 70);
	assert_non_null(strstr(buf, "1001   boom"));
	j.running = true;
	j.running_s = 125;
	jobview_list_line(buf, sizeof buf, &j, 1000, 100, true);
	assert_non_null(strstr(buf, "running 2m05s"));
	free(msg);
}

static void test_gone_and_hidden(void **state)
{
	(void)state;
	static struct snapshot s;
	static struct job_row j;
	static struct jobview v;
	fill(&s, &j, NULL);
	jobview_detail(&v, &s, 4242, 1000, 80, true);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.line[0], "job 4242 is gone");
	j.has_error = false;
	j.errors_visible = false;
	snprintf(s.server.user, sizeof s.server.user, "watcher");
	jobview_detail(&v, &s, 1001, 1000, 200, true);
	bool hidden = false;
	for (int i = 0; i < v.n; i++)
		hidden |= strstr(v.line[i], "not visible to role watcher") != NULL;
	assert_true(hidden);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detail_sanitised_and_cut),
		cmocka_unit_test(test_list_line),
		cmocka_unit_test(test_gone_and_hidden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
