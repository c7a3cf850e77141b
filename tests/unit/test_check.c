/* Unit: `tsdbtop check` logic (pure) — statuses, status line and perfdata
 * from hand-built snapshots; threshold flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/check.h"
#include "tsdbtop/jobinfo.h"
#include "tsdbtop/health.h"

#define NOW 2000000000.0

static struct thresholds th;

static void meta_ok(struct pane_meta *m)
{
	m->status = PANE_OK;
	m->updated_at = NOW;
}

/* A healthy TimescaleDB: one hypertable, a running scheduler, fresh cagg,
 * 99 % cache hits. */
static void healthy(struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->server.ts_installed = true;
	snprintf(s->server.database, sizeof s->server.database, "db");
	snprintf(s->server.ts_version, sizeof s->server.ts_version, "2.23.0");
	snprintf(s->server.ts_default_version, sizeof s->server.ts_default_version, "2.23.0");
	s->server.ts_version_num = 22300;
	meta_ok(&s->chunks_meta);
	meta_ok(&s->comp_meta);
	meta_ok(&s->ret_meta);
	meta_ok(&s->cagg_meta);
	meta_ok(&s->cache_meta);
	meta_ok(&s->jobs_meta);
	s->sched = (struct scheduler_info){ .known = true, .running = true, .workers_in_use = 1,
					    .workers_max = 8 };
	struct comp_row *c = SNAP_ADD(s->comps);
	snprintf(c->name, sizeof c->name, "metrics");
	snprintf(c->schema, sizeof c->schema, "public");
	c->has_policy = true;
	struct job_row *j = SNAP_ADD(s->jobs);
	j->id = 1000;
	snprintf(j->proc, sizeof j->proc, "policy_compression");
	j->scheduled = true;
	j->next_start = NOW + 60;
	struct ret_row *r = SNAP_ADD(s->rets);
	snprintf(r->name, sizeof r->name, "metrics");
	snprintf(r->drop_after, sizeof r->drop_after, "90 days");
	r->scheduled = true;
	r->next_start = NOW + 60;
	r->job_id = 1000;
	struct cagg_row *g = SNAP_ADD(s->caggs);
	snprintf(g->name, sizeof g->name, "hourly");
	g->watermark = NOW - 1800;
	g->raw_newest = NOW;
	g->promised_lag_s = 3600;
	g->bucket_s = 3600;
	s->cache.stats_available = true;
	s->cache.ratio_total = 0.99;
	s->cache.ratio_now = NAN;
}

static int setup(void **state)
{
	(void)state;
	thresholds_default(&th);
	return 0;
}

static void test_all_ok(void **state)
{
	(void)state;
	struct snapshot s;
	struct check_report rep;
	char out[4096];
	healthy(&s);
	check_eval(&s, &th, NOW, -1, &rep);
	assert_int_equal(rep.overall, HEALTH_OK);
	for (int i = 0; i < CK_COUNT; i++) {
		assert_true(rep.r[i].ran);
		assert_int_equal(rep.r[i].status, HEALTH_OK);
	}
	check_format(&rep, out, sizeof out);
	assert_non_null(strstr(out, "TSDBTOP OK - 7 checks ok | "));
	assert_non_null(strstr(out, "backlog=0;1;50;0"));
	assert_non_null(strstr(out, "cache_hit=99.00%;95:;80:;0;100"));
	assert_non_null(strstr(out, "\n[OK] cache: buffer cache hit ratio 99.0%"));
	snapshot_free(&s);
}

static void test_backlog_levels_and_only(void **state)
{
	(void)state;
	struct snapshot s;
	struct check_report rep;
	char out[1024];
	healthy(&s);
	s.comps.v[0].backlog = 3;
	s.comps.v[0].backlog_behind_s = 7200;
	check_eval(&s, &th, NOW, CK_BACKLOG, &rep);
	assert_int_equal(rep.overall, HEALTH_WARNING);
	assert_false(rep.r[CK_CACHE].ran);
	check_format(&rep, out, sizeof out);
	assert_string_equal(out, "TSDBTOP WARNING - backlog: 3 chunks not compressed on metrics (2h00m behind);"
				 " 3 in total on 1 hypertable | backlog=3;1;50;0 backlog_total=3;;;0\n");
	/* thresholds from flags */
	struct thresholds t = th;
	char err[128];
	assert_int_equal(check_set_threshold(&t, "backlog=5", false, err, sizeof err), 0);
	assert_int_equal(check_set_threshold(&t, "backlog=10", true, err, sizeof err), 0);
	check_eval(&s, &t, NOW, CK_BACKLOG, &rep);
	assert_int_equal(rep.overall, HEALTH_OK);
	s.comps.v[0].backlog = 10;
	check_eval(&s, &t, NOW, CK_BACKLOG, &rep);
	assert_int_equal(rep.overall, HEALTH_CRITICAL);
	check_format(&rep, out, sizeof out);
	assert_non_null(strstr(out, "TSDBTOP CRITICAL - backlog: 10 chunks"));
	assert_non_null(strstr(out, "| backlog=10;5;10;0"));
	/* unknown backlog (integer time without integer_now) is not counted */
	s.comps.v[0].backlog = -1;
	check_eval(&s, &t, NOW, CK_BACKLOG, &rep);
	assert_int_equal(rep.overall, HEALTH_OK);
	snapshot_free(&s);
}

static void test_jobs_and_scheduler(void **state)
{
	(void)state;
	struct snapshot s;
	struct check_report rep;
	healthy(&s);
	s.jobs.v[0].consecutive_failures = 1;
	check_eval(&s, &th, NOW, CK_JOBS, &rep);
	assert_int_equal(rep.overall, HEALTH_WARNING);
	assert_string_equal(rep.r[CK_JOBS].message, "1 job failing (job 1000: last run failed (1 in a row))");
	s.jobs.v[0].consecutive_failures = 3;
	check_eval(&s, &th, NOW, CK_JOBS, &rep);
	assert_int_equal(rep.overall, HEALTH_CRITICAL);
	assert_string_equal(rep.r[CK_JOBS].perfdata, "jobs_failing=1;;;0 jobs_paused=0;;;0");
	s.jobs.v[0].consecutive_failures = 0;
	s.jobs.v[0].scheduled = false;
	check_eval(&s, &th, NOW, CK_JOBS, &rep);
	assert_int_equal(rep.overall, HEALTH_WARNING);
	assert_string_equal(rep.r[CK_JOBS].message, "1 job paused (job 1000)");
	/* scheduler: only matters while jobs are scheduled */
	s.sched.running = false;
	check_eval(&s, &th, NOW, CK_SCHEDULER, &rep);
	assert_int_equal(rep.overall, HEALTH_OK);
	s.jobs.v[0].scheduled = true;
	check_eval(&s, &th, NOW, CK_SCHEDULER, &rep);
	assert_int_equal(rep.overall, HEALTH_CRITICAL);
	assert_string_equal(rep.r[CK_SCHEDULER].perfdata,
	                    "scheduler_running=0;;;0;1 workers_in_use=1;;;0;8 jobs_waiting=0;;;0");
	/* a budget max_worker_processes cannot honour: a warning naming the setting */
	s.sched.running = true;
	s.sched.max_worker_processes = 3;
	s.sched.max_parallel_workers = 8;
	s.sched.launchers = 1;
	s.sched.schedulers = 1;
	check_eval(&s, &th, NOW, CK_SCHEDULER, &rep);
	assert_int_equal(rep.overall, HEALTH_WARNING);
	assert_non_null(strstr(rep.r[CK_SCHEDULER].message, "max_worker_processes = 3 leaves 1 worker for jobs"));
	s.sched.max_worker_processes = 0;
	/* the worst job's error in the status line, sanitised */
	char msg[] = "boom\x1b]0;pwned\x07 | known";
	struct job_row *j = &s.jobs.v[0];
	j->failed = true;
	j->has_error = true;
	j->errors_visible = true;
	j->consecutive_failures = 2;
	j->last_error.kind = JOBFAIL_ERROR;
	j->last_error.message = msg;
	snprintf(j->last_error.sqlstate, sizeof j->last_error.sqlstate, "P0001");
	check_eval(&s, &th, NOW, CK_JOBS, &rep);
	char out[1024];
	check_format(&rep, out, sizeof out);
	assert_non_null(strstr(out, "job 1000: last run failed (2 in a row): error P0001: boom"));
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	j->last_error.message = NULL;
	j->failed = j->has_error = false;
	j->consecutive_failures = 0;
	s.sched.known = false;
	check_eval(&s, &th, NOW, CK_SCHEDULER, &rep);
	assert_int_equal(rep.overall, HEALTH_UNKNOWN);
	assert_non_null(strstr(rep.r[CK_SCHEDULER].message, "pg_read_all_stats"));
	snapshot_free(&s);
}

static void test_cagg_retention_cache_update(void **state)
{
	(void)state;
	struct snapshot s;
	struct check_report rep;
	char out[2048];
	healthy(&s);
	/* lag 2.5 x what the policy allows (end_offset + schedule + one
	 * bucket = 2 h here): warning; 4 x: critical; caught up: ok */
	s.caggs.v[0].watermark = NOW - 2.5 * 7200;
	s.caggs.v[0].raw_newest = NOW;
	check_eval(&s, &th, NOW, CK_CAGG, &rep);
	assert_int_equal(rep.overall, HEALTH_WARNING);
	assert_non_null(strstr(rep.r[CK_CAGG].perfdata, "cagg_lag_factor=2.50;1;3;0"));
	s.caggs.v[0].watermark = NOW - 4 * 7200;
	check_eval(&s, &th, NOW, CK_CAGG, &rep);
	assert_int_equal(rep.overall, HEALTH_CRITICAL);
	s.caggs.v[0].raw_newest = NOW - 9 * 7200;
	check_eval(&s, &th, NOW, CK_CAGG, &rep);
	assert_int_equal(rep.overall, HEALTH_OK);
	/* retention */
	s.rets.v[0].drop_count = 100;
	check_eval(&s, &th, NOW, CK_RETENTION, &rep);
	assert_int_equal(rep.overall, HEALTH_CRITICAL);
	assert_string_equal(rep.r[CK_RETENTION].perfdata, "retention=100;1;100;0 retention_total=100;;;0");
	/* cache: ratio between polls wins over the total */
	s.cache.ratio_now = 0.90;
	check_eval(&s, &th, NOW, CK_CACHE, &rep);
	assert_int_equal(rep.overall, HEALTH_WARNING);
	check_format(&rep, out, sizeof out);
	assert_non_null(strstr(out, "| cache_hit=90.00%;95:;80:;0;100\n"));
	s.cache.ratio_now = 0.5;
	check_eval(&s, &th, NOW, CK_CACHE, &rep);
	assert_int_equal(rep.overall, HEALTH_CRITICAL);
	s.cache.stats_available = false;
	check_eval(&s, &th, NOW, CK_CACHE, &rep);
	assert_int_equal(rep.overall, HEALTH_UNKNOWN);
	/* pending extension update */
	snprintf(s.server.ts_default_version, sizeof s.server.ts_default_version, "2.24.0");
	check_eval(&s, &th, NOW, CK_UPDATE, &rep);
	assert_int_equal(rep.overall, HEALTH_WARNING);
	assert_string_equal(rep.r[CK_UPDATE].perfdata, "update_pending=1;;;0;1");
	snapshot_free(&s);
}

static void test_not_installed_and_pane_error(void **state)
{
	(void)state;
	struct snapshot s;
	struct check_report rep;
	char out[4096];
	healthy(&s);
	s.server.ts_installed = false;
	s.comp_meta.status = PANE_UNAVAILABLE;
	check_eval(&s, &th, NOW, -1, &rep);
	/* cache still checked (ok); every TimescaleDB check is UNKNOWN */
	assert_int_equal(rep.r[CK_CACHE].status, HEALTH_OK);
	assert_int_equal(rep.r[CK_BACKLOG].status, HEALTH_UNKNOWN);
	assert_string_equal(rep.r[CK_BACKLOG].message, "TimescaleDB is not installed in database db");
	assert_int_equal(rep.overall, HEALTH_UNKNOWN);
	check_format(&rep, out, sizeof out);
	assert_memory_equal(out, "TSDBTOP UNKNOWN - jobs: TimescaleDB is not installed", 52);
	/* a failed query: UNKNOWN with the pane's message */
	snapshot_free(&s);
	healthy(&s);
	s.ret_meta.status = PANE_ERROR;
	snprintf(s.ret_meta.message, sizeof s.ret_meta.message, "permission denied: x");
	check_eval(&s, &th, NOW, CK_RETENTION, &rep);
	assert_int_equal(rep.overall, HEALTH_UNKNOWN);
	assert_string_equal(rep.r[CK_RETENTION].message, "permission denied: x");
	snapshot_free(&s);
}

static void test_names_cannot_forge_output(void **state)
{
	(void)state;
	struct snapshot s;
	struct check_report rep;
	char out[2048];
	healthy(&s);
	snprintf(s.comps.v[0].name, sizeof s.comps.v[0].name, "evil | x=1\n\033[2J");
	s.comps.v[0].backlog = 2;
	check_eval(&s, &th, NOW, CK_BACKLOG, &rep);
	check_format(&rep, out, sizeof out);
	char *nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_string_equal(nl, "\n");               /* one line only */
	assert_null(strchr(out, '\033'));
	char *bar = strchr(out, '|');
	assert_non_null(bar);
	assert_null(strchr(bar + 1, '|'));           /* the only '|' starts the perfdata */
	assert_non_null(strstr(out, "evil / x=1?"));
	snapshot_free(&s);
}

static void test_worse_and_thresholds(void **state)
{
	(void)state;
	assert_int_equal(check_worse(HEALTH_OK, HEALTH_UNKNOWN), HEALTH_UNKNOWN);
	assert_int_equal(check_worse(HEALTH_UNKNOWN, HEALTH_WARNING), HEALTH_WARNING);
	assert_int_equal(check_worse(HEALTH_CRITICAL, HEALTH_UNKNOWN), HEALTH_CRITICAL);
	struct thresholds t = th;
	char err[160];
	assert_int_equal(check_set_threshold(&t, "cache=90%", false, err, sizeof err), 0);
	assert_true(fabs(t.cache_warn - 0.90) < 1e-9);
	assert_int_equal(check_set_threshold(&t, "cache=0.5", true, err, sizeof err), 0);
	assert_true(fabs(t.cache_crit - 0.5) < 1e-9);
	assert_int_equal(check_set_threshold(&t, "lag=1.5", false, err, sizeof err), 0);
	assert_int_equal(check_set_threshold(&t, "failures=2", false, err, sizeof err), 0);
	assert_int_equal(check_validate_thresholds(&t, err, sizeof err), 0);
	assert_int_equal(check_set_threshold(&t, "backlog", false, err, sizeof err), -1);
	assert_non_null(strstr(err, "NAME=VALUE"));
	assert_int_equal(check_set_threshold(&t, "bogus=1", false, err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown threshold 'bogus'"));
	assert_int_equal(check_set_threshold(&t, "backlog=-1", true, err, sizeof err), -1);
	assert_int_equal(check_set_threshold(&t, "backlog=1x", true, err, sizeof err), -1);
	assert_int_equal(check_set_threshold(&t, "cache=150%", true, err, sizeof err), -1);
	assert_int_equal(check_set_threshold(&t, "retention=50", false, err, sizeof err), 0);
	assert_int_equal(check_set_threshold(&t, "retention=10", true, err, sizeof err), 0);
	assert_int_equal(check_validate_thresholds(&t, err, sizeof err), -1);
	assert_string_equal(err, "retention: warning 50 is above critical 10");
	assert_int_equal(check_parse_name("cagg"), CK_CAGG);
	assert_int_equal(check_parse_name("caggs"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_ok),
		cmocka_unit_test(test_backlog_levels_and_only),
		cmocka_unit_test(test_jobs_and_scheduler),
		cmocka_unit_test(test_cagg_retention_cache_update),
		cmocka_unit_test(test_not_installed_and_pane_error),
		cmocka_unit_test(test_names_cannot_forge_output),
		cmocka_unit_test(test_worse_and_thresholds),
	};
	return cmocka_run_group_tests_name("check", tests, setup, NULL);
}
