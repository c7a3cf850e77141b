/* Unit tests of the pure parts of the action layer: identifier quoting and
 * the SQL shown in dialogs, what each server/license/mode allows, plans as
 * data, the compress builder over a made-up plan answer, and the action
 * log's JSON lines (never a password). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsdbtop/action.h"
#include "tsdbtop/actlog.h"
#include "../../tui/db/action_int.h"

static void quote_ident_like_postgres(void **state)
{
	(void)state;
	char b[128];
	assert_string_equal(action_quote_ident(b, sizeof b, "metric_hist"), "metric_hist");
	assert_string_equal(action_quote_ident(b, sizeof b, "_x1"), "_x1");
	assert_string_equal(action_quote_ident(b, sizeof b, "Odd Schema"), "\"Odd Schema\"");
	assert_string_equal(action_quote_ident(b, sizeof b, "Sensor \"Data\" %s"), "\"Sensor \"\"Data\"\" %s\"");
	assert_string_equal(action_quote_ident(b, sizeof b, "1abc"), "\"1abc\"");
	assert_string_equal(action_quote_ident(b, sizeof b, ""), "\"\"");
	assert_string_equal(action_qualify(b, sizeof b, "factory_telemetry", "metric_hist"), "factory_telemetry.metric_hist");
	assert_string_equal(action_qualify(b, sizeof b, "Odd Schema", "x"), "\"Odd Schema\".x");
	/* never overflows */
	char small[6];
	action_quote_ident(small, sizeof small, "a\"b\"c\"d\"e");
	assert_true(strlen(small) < sizeof small);
}

static void shown_sql_has_real_identifiers(void **state)
{
	(void)state;
	struct action_step s;
	memset(&s, 0, sizeof s);
	snprintf(s.sql, sizeof s.sql, "CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)");
	s.nparams = 3;
	snprintf(s.params[0], sizeof s.params[0], "\"Odd Schema\".\"it's\"");
	snprintf(s.params[1], sizeof s.params[1], "2026-11-01 00:00:00+00");
	s.param_null[2] = true;
	char b[600];
	action_show_sql(b, sizeof b, &s);
	assert_string_equal(b, "CALL refresh_continuous_aggregate('\"Odd Schema\".\"it''s\"'::regclass, "
	                       "'2026-11-01 00:00:00+00'::timestamptz, NULL::timestamptz)");
	/* an identifier statement */
	memset(&s, 0, sizeof s);
	snprintf(s.sql, sizeof s.sql, "ANALYZE %%s");
	s.ident = true;
	snprintf(s.ident_schema, sizeof s.ident_schema, "Odd Schema");
	snprintf(s.ident_name, sizeof s.ident_name, "t\"x");
	action_show_sql(b, sizeof b, &s);
	assert_string_equal(b, "ANALYZE \"Odd Schema\".\"t\"\"x\"");
	/* $10 without a tenth parameter stays as it is */
	memset(&s, 0, sizeof s);
	snprintf(s.sql, sizeof s.sql, "SELECT $1, $10");
	s.nparams = 1;
	snprintf(s.params[0], sizeof s.params[0], "a");
	action_show_sql(b, sizeof b, &s);
	assert_string_equal(b, "SELECT 'a', $10");
}

static void what_is_allowed(void **state)
{
	(void)state;
	struct server_info si;
	memset(&si, 0, sizeof si);
	char b[300];
	/* read-only refuses everything, before anything else */
	for (int k = ACT_COMPRESS; k < ACT_KIND_COUNT; k++) {
		assert_non_null(action_unavailable((enum action_kind)k, &si, true, b, sizeof b));
		assert_non_null(strstr(b, "read-only mode"));
	}
	assert_non_null(action_unavailable(ACT_COMPRESS, &si, false, b, sizeof b));
	assert_non_null(strstr(b, "not connected"));
	si.valid = true;
	snprintf(si.database, sizeof si.database, "db1");
	assert_non_null(action_unavailable(ACT_COMPRESS, &si, false, b, sizeof b));
	assert_non_null(strstr(b, "TimescaleDB is not installed in database db1"));
	assert_null(action_unavailable(ACT_ANALYZE, &si, false, b, sizeof b));  /* plain PostgreSQL */
	si.ts_installed = true;
	si.ts_version_num = 22300;
	snprintf(si.ts_version, sizeof si.ts_version, "2.23.0");
	si.license = LICENSE_APACHE;
	static const enum action_kind tsl[] = { ACT_COMPRESS, ACT_COMPRESS_CHUNK, ACT_DECOMPRESS_CHUNK, ACT_REFRESH,
	                                        ACT_JOB_RUN, ACT_JOB_PAUSE, ACT_JOB_RESUME };
	for (size_t i = 0; i < sizeof tsl / sizeof tsl[0]; i++) {
		assert_non_null(action_unavailable(tsl[i], &si, false, b, sizeof b));
		assert_non_null(strstr(b, "Apache license"));
	}
	assert_null(action_unavailable(ACT_RETENTION, &si, false, b, sizeof b));   /* drop_chunks is Apache */
	si.license = LICENSE_TIMESCALE;
	assert_null(action_unavailable(ACT_COMPRESS, &si, false, b, sizeof b));
	si.in_recovery = true;
	assert_non_null(action_unavailable(ACT_COMPRESS, &si, false, b, sizeof b));
	assert_non_null(strstr(b, "replica"));
	si.in_recovery = false;
	si.ts_version_num = 21000;
	assert_non_null(action_unavailable(ACT_REFRESH, &si, false, b, sizeof b));
	assert_non_null(strstr(b, "2.11"));
	assert_string_equal(action_kind_name(ACT_RETENTION), "retention");
	assert_string_equal(action_kind_name(ACT_KIND_COUNT), "?");
}

/* The kind table without a server: every request is refused before a
 * query is sent, with its kind's title and the reason its entry gives. */
static void requests_refused_before_the_server(void **state)
{
	(void)state;
	struct server_info si;
	memset(&si, 0, sizeof si);
	si.valid = si.ts_installed = true;
	si.ts_version_num = 22300;
	si.license = LICENSE_TIMESCALE;
	struct action_config cfg;
	action_config_default(&cfg);
	cfg.own_connection = false;     /* and no monitor: nothing to send on */
	cfg.server = &si;
	cfg.log_path = "";
	struct action_runner *r = action_runner_new(NULL, &cfg);
	assert_non_null(r);
	static const struct {
		enum action_kind k;
		const char *name, *title, *why;
	} cases[] = {
		{ ACT_COMPRESS, "", "Compress", "no target selected" },
		{ ACT_REFRESH, "", "Refresh", "no target selected" },
		{ ACT_RETENTION, "m", "Retention: drop chunks", "not connected: the action cannot be planned now" },
		{ ACT_DECOMPRESS_CHUNK, "c", "Decompress chunk", "not connected: the action cannot be planned now" },
		{ ACT_MAINTENANCE, "", "Maintenance", "not connected: the action cannot be planned now" },
		{ ACT_JOB_PAUSE, "", "Pause", "not connected: the action cannot be planned now" },
		{ ACT_RETENTION_POLICY, "m", "Retention policy", "this action needs a plan of its own" },
		{ ACT_CUSTOM, "m", "Custom", "this action needs a plan of its own" },
		{ ACT_NONE, "m", "none", "this action needs a plan of its own" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct action_request req;
		memset(&req, 0, sizeof req);
		req.kind = cases[i].k;
		req.job_id = 1000;
		snprintf(req.name, sizeof req.name, "%s", cases[i].name);
		assert_int_equal(action_prepare(r, &req), -1);
		assert_int_equal(action_state(r), AST_REFUSED);
		assert_string_equal(action_current(r)->title, cases[i].title);
		assert_string_equal(action_message(r), cases[i].why);
	}
	action_runner_free(r);
}

static void plans_are_data(void **state)
{
	(void)state;
	struct action_plan p;
	action_plan_init(&p, ACT_MAINTENANCE, NULL);
	assert_string_equal(p.title, "maintenance");
	for (int i = 0; i < 50; i++) {
		struct action_step *s = action_plan_add(&p);
		assert_non_null(s);
		assert_true(isnan(s->bytes_before));
		assert_int_equal(s->state, STEP_PENDING);
		snprintf(s->desc, sizeof s->desc, "step %d", i);
	}
	assert_int_equal(p.nsteps, 50);
	assert_string_equal(p.steps[49].desc, "step 49");
	action_plan_free(&p);
	assert_int_equal(p.nsteps, 0);
	assert_null(p.steps);
}

/* Run now: the scheduler skips a paused job whatever its next_start, so
 * alter_job(next_start => now()) would report success and run nothing (and
 * a later resume would start the job at once). A paused job runs here with
 * CALL run_job, scheduler or not, and the dialog says why. */
/* A job whose last run never ended is held back by the scheduler: run it here. */
static void run_now_of_a_held_job_uses_run_job(void **state)
{
	(void)state;
	struct action_plan p;
	action_plan_init(&p, ACT_JOB_RUN, "Run now");
	struct action_step *s = action_plan_add(&p);
	assert_non_null(s);
	action_plan_job_run(&p, s, 1001, "job 1001", true, true, true);
	assert_string_equal(s->sql, "CALL @ts.run_job($1::int)");
	assert_non_null(strstr(p.note, "never ended"));
	action_plan_free(&p);
}

static void run_now_of_a_paused_job_uses_run_job(void **state)
{
	(void)state;
	const char *what = "job 1000 (policy_compression on xc.metrics)";
	struct action_plan p;
	for (int paused = 0; paused <= 1; paused++)
		for (int sched = 0; sched <= 1; sched++) {
			action_plan_init(&p, ACT_JOB_RUN, "Run now");
			struct action_step *s = action_plan_add(&p);
			assert_non_null(s);
			action_plan_job_run(&p, s, 1000, what, !paused, sched, false);
			bool alter = !paused && sched;
			assert_string_equal(s->sql, alter ? "SELECT @ts.alter_job($1::int, next_start => now())"
							  : "CALL @ts.run_job($1::int)");
			assert_null(alter ? strstr(s->sql, "run_job") : strstr(s->sql, "next_start"));
			assert_non_null(strstr(p.effect, what));
			if (paused)
				assert_non_null(strstr(p.note, "job 1000 is paused: the scheduler skips it, so it "
								"runs here with CALL run_job"));
			else
				assert_null(strstr(p.note, "paused"));
			if (!paused && !sched)
				assert_non_null(strstr(p.note, "no scheduler is running"));
			if (alter)
				assert_non_null(strstr(p.note, "the scheduler is running"));
			action_plan_free(&p);
		}
}

static void log_lines_are_json_without_password(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "/tmp/tsdbtop-actlog-unit.%d/sub/actions.log", (int)getpid());
	static struct actlog l;
	actlog_init(&l, path);
	actlog_add(&l, "start", "compress", "\"Odd\".\"t\"\n", "SELECT compress_chunk('x'::regclass)", NAN,
	           "connecting with password=hunter2 to postgresql://me:s3cret@db/x");
	actlog_add(&l, "step", "compress", "t", "SELECT 1", 0.25, "ok: \"quoted\" \\ back");
	assert_int_equal(actlog_size(&l), 2);
	assert_string_equal(actlog_get(&l, 0)->event, "step");
	assert_string_equal(actlog_get(&l, 1)->event, "start");
	assert_null(actlog_get(&l, 2));
	assert_null(strstr(actlog_get(&l, 1)->result, "hunter2"));
	assert_null(strstr(actlog_get(&l, 1)->result, "s3cret"));
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		n++;
		assert_null(strstr(line, "hunter2"));
		assert_null(strstr(line, "s3cret"));
		json_object *o = json_tokener_parse(line);
		assert_non_null(o);
		json_object *v;
		assert_true(json_object_object_get_ex(o, "time", &v));
		assert_int_equal(strlen(json_object_get_string(v)), 24);   /* 2026-11-24T16:30:00.123Z */
		assert_true(json_object_object_get_ex(o, "event", &v));
		assert_true(json_object_object_get_ex(o, "sql", &v));
		assert_true(json_object_object_get_ex(o, "duration_s", &v));
		if (n == 2) {
			assert_true(json_object_get_double(v) == 0.25);
			json_object_object_get_ex(o, "result", &v);
			assert_string_equal(json_object_get_string(v), "ok: \"quoted\" \\ back");
		} else {
			assert_null(v);
			json_object_object_get_ex(o, "target", &v);
			assert_string_equal(json_object_get_string(v), "\"Odd\".\"t\"\n");
		}
		json_object_put(o);
	}
	fclose(f);
	assert_int_equal(n, 2);
	/* the ring keeps the newest ACTLOG_RING */
	static struct actlog m;
	actlog_init(&m, "");
	for (int i = 0; i < ACTLOG_RING + 5; i++) {
		char r[16];
		snprintf(r, sizeof r, "%d", i);
		actlog_add(&m, "step", "x", "t", "", NAN, r);
	}
	assert_int_equal(actlog_size(&m), ACTLOG_RING);
	assert_string_equal(actlog_get(&m, 0)->result, "204");
	unlink(path);
	char dir[128];
	snprintf(dir, sizeof dir, "/tmp/tsdbtop-actlog-unit.%d/sub", (int)getpid());
	rmdir(dir);
	snprintf(dir, sizeof dir, "/tmp/tsdbtop-actlog-unit.%d", (int)getpid());
	rmdir(dir);
}

static void default_log_path(void **state)
{
	(void)state;
	char b[512];
	setenv("XDG_STATE_HOME", "/x/state", 1);
	assert_string_equal(actlog_default_path(b, sizeof b), "/x/state/tsdbtop/actions.log");
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "/home/op", 1);
	assert_string_equal(actlog_default_path(b, sizeof b), "/home/op/.local/state/tsdbtop/actions.log");
	setenv("XDG_STATE_HOME", "relative", 1);   /* the spec ignores relative paths */
	assert_string_equal(actlog_default_path(b, sizeof b), "/home/op/.local/state/tsdbtop/actions.log");
	char s[] = "host=x password = 'a b' user=y";
	actlog_scrub(s);
	assert_string_equal(s, "host=x password = '***' user=y");
}

/* The compress plan query's answer, made up: the hypertable s.t (policy
 * compress_after, NULL: none) and one row per chunk name (NULL: none). */
static PGresult *compress_answer(const char *after, const char *const *chunks, int n)
{
	static const char *const cols[] = { "rel_schema", "rel_name", "ht_id", "compression_state", "owner",
					    "owner_name", "compress_after", "chunk_schema", "chunk_name", "status", "bytes" };
	PGresAttDesc att[11];
	memset(att, 0, sizeof att);
	for (int c = 0; c < 11; c++)
		att[c].name = (char *)cols[c];
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	assert_non_null(res);
	assert_true(PQsetResultAttrs(res, 11, att));
	for (int i = 0; i < n; i++) {
		const char *v[11] = { "s", "t", "1", "1", "t", "me", after, "_ti", chunks[i], i == 1 ? "9" : "1",
				      "8192" };
		for (int c = 0; c < 11; c++)
			assert_true(PQsetvalue(res, i, c, (char *)v[c], v[c] ? (int)strlen(v[c]) : -1));
	}
	return res;
}

/* Build the compress plan of req over that answer. */
static struct action_runner *built_compress(const char *older, bool dflt, const char *after,
					    const char *const *chunks, int n)
{
	struct action_config cfg;
	action_config_default(&cfg);
	cfg.own_connection = false;
	cfg.log_path = "";
	struct action_runner *r = action_runner_new(NULL, &cfg);
	assert_non_null(r);
	memset(&r->req, 0, sizeof r->req);
	r->req.kind = ACT_COMPRESS;
	snprintf(r->req.older_than, sizeof r->req.older_than, "%s", older);
	r->req.older_default = dflt;
	action_plan_init(&r->plan, ACT_COMPRESS, "Compress");
	PGresult *res = compress_answer(after, chunks, n);
	ar_kind(ACT_COMPRESS)->build(r, res);
	PQclear(res);
	return r;
}

/* One builder for the console's compress (the policy's compress_after)
 * and the command's (--older-than, or 7 days without a policy): the window
 * goes to the plan query as $2, and the effect and refusals name it. */
static void compress_plans_a_window(void **state)
{
	(void)state;
	struct action_request req;
	memset(&req, 0, sizeof req);
	req.kind = ACT_COMPRESS;
	snprintf(req.schema, sizeof req.schema, "s");
	snprintf(req.name, sizeof req.name, "t");
	struct ar_args a;
	assert_int_equal(ar_plan_args(&req, &a), 2);
	assert_string_equal(a.v[0], "s.t");
	assert_null(a.v[1]);                       /* NULL: the policy's compress_after */
	snprintf(req.older_than, sizeof req.older_than, "5 days");
	assert_int_equal(ar_plan_args(&req, &a), 2);
	assert_string_equal(a.v[1], "5 days");
	req.kind = ACT_COMPRESS_CHUNK;
	assert_int_equal(ar_plan_args(&req, &a), 1);

	static const char *const two[] = { "_hyper_1_1_chunk", "_hyper_1_2_chunk" }, *const none[] = { NULL };
	struct action_runner *r = built_compress("", false, "2 days", two, 2);
	assert_int_equal(r->plan.nsteps, 2);
	assert_string_equal(r->plan.steps[1].desc, "compress _ti._hyper_1_2_chunk (partial)");
	assert_string_equal(r->plan.effect, "2 chunks past compress_after (2 days), 1 partial, about 16.0 kB, "
			    "oldest first, one chunk per step");
	action_runner_free(r);
	r = built_compress("3 days", false, NULL, two, 1);
	assert_int_equal(r->plan.nsteps, 1);
	assert_string_equal(r->plan.effect, "1 chunk older than 3 days, 0 partial, about 8.0 kB, oldest first, one chunk per step");
	action_runner_free(r);
	r = built_compress("7 days", true, NULL, two, 2);
	assert_non_null(strstr(r->plan.effect, "2 chunks older than 7 days, the default: no compression policy, 1 partial"));
	action_runner_free(r);
	r = built_compress("3 days", false, "-5", two, 2);    /* a window of its own, whatever the policy */
	assert_int_equal(r->plan.nsteps, 2);
	action_runner_free(r);
	/* nothing older: a refusal that says "nothing to", with the window */
	r = built_compress("7 days", true, NULL, none, 1);
	assert_int_equal(action_state(r), AST_REFUSED);
	assert_string_equal(action_message(r), "nothing to compress: no chunk of s.t older than 7 days, the default: "
			    "no compression policy is uncompressed");
	action_runner_free(r);
	r = built_compress("", false, "2 days", none, 1);
	assert_string_equal(action_message(r), "nothing to compress: no chunk of s.t past compress_after (2 days) is uncompressed");
	action_runner_free(r);
	/* the console without a policy, or with an integer one: refused as before */
	r = built_compress("", false, NULL, two, 2);
	assert_int_equal(action_state(r), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "s.t has no compression policy"));
	assert_int_equal(r->plan.nsteps, 0);
	action_runner_free(r);
	r = built_compress("", false, "-5", two, 2);
	assert_non_null(strstr(action_message(r), "s.t has an integer time column"));
	action_runner_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote_ident_like_postgres),
		cmocka_unit_test(shown_sql_has_real_identifiers),
		cmocka_unit_test(what_is_allowed),
		cmocka_unit_test(plans_are_data),
		cmocka_unit_test(compress_plans_a_window),
		cmocka_unit_test(requests_refused_before_the_server),
		cmocka_unit_test(run_now_of_a_paused_job_uses_run_job),
		cmocka_unit_test(run_now_of_a_held_job_uses_run_job),
		cmocka_unit_test(log_lines_are_json_without_password),
		cmocka_unit_test(default_log_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
