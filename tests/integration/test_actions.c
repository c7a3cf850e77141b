/* Integration: operator actions (tsdbtop/action.h).
 *  - embedded TimescaleDB (TSDBTOP_TSDB): each action changes exactly what
 *    it says (chunk status bits, watermark, job config, dropped chunks),
 *    bad targets are refused, read-only refuses everything and changes
 *    nothing. The test works in a schema of its own ("act").
 *  - native PostgreSQL 15 (TSDBTOP_PG15): a long step stopped mid-statement
 *    ends within a second and the runner goes on; lock_timeout against a
 *    table locked by another session gives a clear message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ev.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tsdbtop/action.h"
#include "tsdbtop/cli.h"
#include "tsdbtop/session.h"

struct env {
	const char *ci;
	struct options o;
	struct session s;
	PGconn *check;
	char logpath[256];
};

static struct env ts_env, pg_env;

/* ---- helpers --------------------------------------------------------------- */

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		print_error("setup failed: %s\n%s\n", PQresultErrorMessage(r), sql);
		PQclear(r);
		fail();
	}
	PQclear(r);
}

/* One text value (caller frees), NULL for SQL NULL. */
static char *q1(PGconn *c, const char *sql, const char *p1)
{
	const char *params[1] = { p1 };
	PGresult *r = PQexecParams(c, sql, p1 ? 1 : 0, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		print_error("check query failed: %s\n%s\n", PQresultErrorMessage(r), sql);
		PQclear(r);
		fail();
	}
	char *v = PQntuples(r) < 1 || PQgetisnull(r, 0, 0) ? NULL : strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

static long long q1n(PGconn *c, const char *sql, const char *p1)
{
	char *v = q1(c, sql, p1);
	long long n = v ? atoll(v) : -1;
	free(v);
	return n;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void on_probed(struct session *s, void *ud)
{
	(void)s;
	*(bool *)ud = true;
}

static int open_env(struct env *e, const char *var)
{
	e->ci = harness_env(var);
	if (!e->ci)
		return -1;
	memset(&e->o, 0, sizeof e->o);
	e->o.conninfo = e->ci;
	e->o.statement_timeout = 60;
	e->o.lock_timeout = 2;
	bool probed = false;
	e->s.on_probed = on_probed;
	e->s.ud = &probed;
	if (session_open(&e->s, EV_DEFAULT, &e->o, false, NULL) != 0)
		return -1;
	if (!harness_run_until(EV_DEFAULT, &probed, 30))
		return -1;
	e->s.on_probed = NULL;
	e->check = PQconnectdb(e->ci);
	PQsetNoticeProcessor(e->check, quiet, NULL);
	snprintf(e->logpath, sizeof e->logpath, "/tmp/tsdbtop-actions-test.%d.log", (int)getpid());
	unlink(e->logpath);
	return PQstatus(e->check) == CONNECTION_OK ? 0 : -1;
}

static void close_env(struct env *e)
{
	if (e->check)
		PQfinish(e->check);
	e->check = NULL;
	if (e->s.conn)
		session_close(&e->s);
	unlink(e->logpath);
}

struct watch { bool settled; struct action_runner *r; };

static void on_change(void *ud)
{
	struct watch *w = ud;
	if (!w->r)
		return;
	enum action_state st = action_state(w->r);
	w->settled = st != AST_PLANNING && st != AST_RUNNING && st != AST_STOPPING;
}

static struct action_runner *runner(struct env *e, struct watch *w, bool read_only, double lock_timeout)
{
	struct action_config cfg;
	action_config_default(&cfg);
	cfg.opt = &e->o;
	cfg.read_only = read_only;
	cfg.monitor = e->s.conn;
	cfg.server = &e->s.info;
	cfg.log_path = e->logpath;
	cfg.lock_timeout = lock_timeout;
	cfg.on_change = on_change;
	cfg.ud = w;
	memset(w, 0, sizeof *w);
	struct action_runner *r = action_runner_new(EV_DEFAULT, &cfg);
	assert_non_null(r);
	w->r = r;
	if (!read_only) {
		/* let the second connection come up, as in the console */
		double end = harness_now() + 10;
		while (harness_now() < end && strncmp(action_where(r), "on a second", 11) != 0)
			harness_run_for(EV_DEFAULT, 0.05);
	}
	return r;
}

static enum action_state plan(struct action_runner *r, struct watch *w, const struct action_request *req)
{
	w->settled = false;
	if (action_prepare(r, req) != 0)
		return action_state(r);
	assert_true(harness_run_until(EV_DEFAULT, &w->settled, 60));
	return action_state(r);
}

static void run(struct action_runner *r, struct watch *w, const char *typed)
{
	w->settled = false;
	assert_int_equal(action_confirm(r, typed), 0);
	assert_true(harness_run_until(EV_DEFAULT, &w->settled, 300));
	assert_int_equal(action_state(r), AST_DONE);
}

static struct action_request req_of(enum action_kind k, const char *schema, const char *name)
{
	struct action_request q;
	memset(&q, 0, sizeof q);
	q.kind = k;
	snprintf(q.schema, sizeof q.schema, "%s", schema);
	snprintf(q.name, sizeof q.name, "%s", name);
	return q;
}

/* status of every chunk of a hypertable as "name=status;..." */
static char *statuses(PGconn *c, const char *rel)
{
	return q1(c, "SELECT coalesce(string_agg(k.table_name || '=' || k.status, ';' ORDER BY k.table_name), '') "
		     "FROM _timescaledb_catalog.chunk k JOIN _timescaledb_catalog.hypertable h ON h.id = k.hypertable_id "
		     "WHERE format('%I.%I', h.schema_name, h.table_name)::regclass = $1::regclass", rel);
}

static int status_of(const char *all, const char *chunk)
{
	char key[160];
	snprintf(key, sizeof key, "%s=", chunk);
	for (const char *p = all; (p = strstr(p, key)) != NULL; p++)
		if (p == all || p[-1] == ';')
			return atoi(p + strlen(key));
	return -1;
}

/* ---- embedded TimescaleDB --------------------------------------------------- */

static const char *const setup_sql =
	"DROP SCHEMA IF EXISTS act CASCADE;"
	"CREATE SCHEMA act;"
	"CREATE TABLE act.\"Quoted \"\"T\"\"\" (ts timestamptz NOT NULL, d int NOT NULL, v float8);"
	"SELECT create_hypertable('act.\"Quoted \"\"T\"\"\"', by_range('ts', interval '1 day'));"
	"ALTER TABLE act.\"Quoted \"\"T\"\"\" SET (timescaledb.compress, timescaledb.compress_segmentby = 'd');"
	"INSERT INTO act.\"Quoted \"\"T\"\"\" SELECT t, d, d FROM generate_series(now() - interval '12 days', now(), interval '1 hour') t, generate_series(1, 2) d;"
	"SELECT add_compression_policy('act.\"Quoted \"\"T\"\"\"', interval '4 days');"
	/* two old chunks already compressed: they must stay as they are */
	"SELECT count(compress_chunk(c)) FROM (SELECT c FROM show_chunks('act.\"Quoted \"\"T\"\"\"', older_than => interval '4 days') c ORDER BY 1 LIMIT 2) x;"
	"CREATE MATERIALIZED VIEW act.hourly WITH (timescaledb.continuous) AS "
	"  SELECT time_bucket('1 hour', ts) AS b, d, avg(v) AS v FROM act.\"Quoted \"\"T\"\"\" GROUP BY 1, 2 WITH NO DATA;"
	"SELECT add_continuous_aggregate_policy('act.hourly', start_offset => interval '2 days', end_offset => interval '1 hour', schedule_interval => interval '1 hour');"
	"CREATE TABLE act.plain (ts timestamptz NOT NULL, v int);"
	"SELECT create_hypertable('act.plain', by_range('ts', interval '1 day'));"
	"INSERT INTO act.plain SELECT t, 1 FROM generate_series(now() - interval '5 days', now(), interval '6 hours') t;"
	"CREATE TABLE act.ret (ts timestamptz NOT NULL, v int);"
	"SELECT create_hypertable('act.ret', by_range('ts', interval '1 day'));"
	"INSERT INTO act.ret SELECT t, 1 FROM generate_series(now() - interval '14 days', now(), interval '6 hours') t;"
	"SELECT add_retention_policy('act.ret', interval '6 days');"
	"CREATE TABLE act.jobt (ts timestamptz NOT NULL, d int NOT NULL, v int);"
	"SELECT create_hypertable('act.jobt', by_range('ts', interval '1 day'));"
	"ALTER TABLE act.jobt SET (timescaledb.compress, timescaledb.compress_segmentby = 'd');"
	"INSERT INTO act.jobt SELECT t, 1, 1 FROM generate_series(now() - interval '6 days', now(), interval '3 hours') t;"
	"SELECT add_compression_policy('act.jobt', interval '3 days');"
	"CREATE TABLE act.gone (ts timestamptz NOT NULL);"
	"SELECT create_hypertable('act.gone', by_range('ts'));"
	"DROP TABLE act.gone;"
	"ANALYZE act.plain;";

static int ts_setup(void **state)
{
	(void)state;
	if (open_env(&ts_env, "TSDBTOP_TSDB") != 0)
		return -1;
	PGresult *r = PQexec(ts_env.check, setup_sql);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "setup: %s\n", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

static int ts_teardown(void **state)
{
	(void)state;
	if (ts_env.check)
		PQclear(PQexec(ts_env.check, "DROP SCHEMA IF EXISTS act CASCADE"));
	close_env(&ts_env);
	return 0;
}

#define QT "act.\"Quoted \"\"T\"\"\""

static void test_compress_hypertable(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&ts_env, &w, false, 0);
	PGconn *c = ts_env.check;
	char *before = statuses(c, QT);
	/* what should be compressed: past compress_after, not compressed */
	char *want = q1(c, "SELECT string_agg(c::text, ',' ORDER BY c::text) FROM show_chunks($1::regclass, older_than => interval '4 days') c "
			   "JOIN pg_class pc ON pc.oid = c JOIN _timescaledb_catalog.chunk k ON k.table_name = pc.relname "
			   "WHERE k.status & 1 = 0", QT);
	assert_non_null(want);
	long long nwant = q1n(c, "SELECT count(*) FROM show_chunks($1::regclass, older_than => interval '4 days') c "
				"JOIN pg_class pc ON pc.oid = c JOIN _timescaledb_catalog.chunk k ON k.table_name = pc.relname "
				"WHERE k.status & 1 = 0", QT);
	assert_true(nwant >= 3);

	struct action_request q = req_of(ACT_COMPRESS, "act", "Quoted \"T\"");
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	const struct action_plan *p = action_current(r);
	assert_int_equal(p->nsteps, (int)nwant);
	/* the dialog shows the real identifiers and the SQL that runs */
	assert_string_equal(p->target, "act.\"Quoted \"\"T\"\"\"");
	assert_non_null(strstr(p->steps[0].shown, "SELECT public.compress_chunk('_timescaledb_internal._hyper_"));
	assert_non_null(strstr(p->steps[0].shown, "'::regclass, if_not_compressed => true)"));
	assert_non_null(strstr(p->effect, "chunks past compress_after (4 days)"));
	/* oldest first */
	for (int i = 1; i < p->nsteps; i++)
		assert_true(strstr(want, p->steps[i].params[0]) != NULL);

	run(r, &w, NULL);
	int done, total;
	double b, a;
	action_progress(r, &done, &total, &b, &a);
	assert_int_equal(done, (int)nwant);
	assert_int_equal(total, (int)nwant);
	assert_false(isnan(a));
	assert_true(a > 0);

	/* exactly the planned chunks changed, to compressed; the rest did not */
	char *after = statuses(c, QT);
	for (char *tok = before; tok && *tok;) {
		char name[128];
		size_t l = strcspn(tok, "=");
		snprintf(name, sizeof name, "%.*s", (int)l, tok);
		int sb = atoi(tok + l + 1), sa = status_of(after, name);
		bool planned = false;
		for (int i = 0; i < p->nsteps; i++)
			if (strstr(p->steps[i].params[0], name))
				planned = true;
		if (planned) {
			assert_true((sa & 1) && !(sa & 8));
			assert_false(sb & 1);
		} else {
			assert_int_equal(sa, sb);
		}
		tok = strchr(tok, ';');
		if (tok)
			tok++;
	}
	/* a second compress has nothing left to do: refused with a reason */
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "nothing to compress"));
	free(before);
	free(after);
	free(want);
	action_runner_free(r);
}

static void test_decompress_and_compress_chunk(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&ts_env, &w, false, 0);
	PGconn *c = ts_env.check;
	char *chunk = q1(c, "SELECT k.table_name FROM _timescaledb_catalog.chunk k JOIN _timescaledb_catalog.hypertable h "
			    "ON h.id = k.hypertable_id WHERE format('%I.%I', h.schema_name, h.table_name)::regclass = $1::regclass "
			    "AND k.status & 1 = 1 ORDER BY k.id LIMIT 1", QT);
	assert_non_null(chunk);
	char *before = statuses(c, QT);
	struct action_request q = req_of(ACT_DECOMPRESS_CHUNK, "_timescaledb_internal", chunk);
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	assert_int_equal(action_current(r)->nsteps, 1);
	assert_non_null(strstr(action_current(r)->steps[0].shown, "SELECT public.decompress_chunk('_timescaledb_internal."));
	run(r, &w, NULL);
	char *after = statuses(c, QT);
	assert_int_equal(status_of(after, chunk) & 1, 0);
	/* the others untouched */
	int n = 0;
	for (char *tok = before; tok && *tok; n++) {
		char name[128];
		size_t l = strcspn(tok, "=");
		snprintf(name, sizeof name, "%.*s", (int)l, tok);
		if (strcmp(name, chunk) != 0)
			assert_int_equal(status_of(after, name), atoi(tok + l + 1));
		tok = strchr(tok, ';');
		if (tok)
			tok++;
	}
	assert_true(n > 3);
	/* decompressing it again: refused, "not compressed" */
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "is not compressed"));
	/* and compress it back as one chosen chunk */
	q.kind = ACT_COMPRESS_CHUNK;
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	run(r, &w, NULL);
	free(after);
	after = statuses(c, QT);
	assert_int_equal(status_of(after, chunk) & 1, 1);
	free(before);
	free(after);
	free(chunk);
	action_runner_free(r);
}

static void test_refresh_moves_watermark(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&ts_env, &w, false, 0);
	PGconn *c = ts_env.check;
	const char *wm_sql = "SELECT _timescaledb_functions.cagg_watermark(ca.mat_hypertable_id) "
			     "FROM _timescaledb_catalog.continuous_agg ca WHERE ca.user_view_schema = 'act' AND ca.user_view_name = $1";
	long long w0 = q1n(c, wm_sql, "hourly");
	struct action_request q = req_of(ACT_REFRESH, "act", "hourly");
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	const struct action_plan *p = action_current(r);
	assert_true(p->nsteps >= 2);        /* 2 days of 1 hour buckets: sliced */
	assert_non_null(strstr(p->steps[0].shown, "CALL public.refresh_continuous_aggregate('act.hourly'::regclass, '"));
	assert_non_null(strstr(p->effect, "policy"));
	run(r, &w, NULL);
	long long w1 = q1n(c, wm_sql, "hourly");
	assert_true(w1 > w0);
	/* now() - 1 hour, to the bucket: within two hours of now */
	long long now_us = q1n(c, "SELECT (extract(epoch FROM now()) * 1000000)::bigint", NULL);
	assert_true(now_us - w1 < 2LL * 3600 * 1000000);
	assert_true(now_us - w1 >= 3600LL * 1000000 - 1);

	/* a typed window: "3 days" = the last three days, in slices */
	snprintf(q.window, sizeof q.window, "3 days");
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	assert_non_null(strstr(action_current(r)->effect, "typed"));
	/* slices of whole buckets only: the server refuses a window under one
	 * bucket ("refresh window too small") */
	for (int i = 0; i < action_current(r)->nsteps; i++) {
		const struct action_step *st = &action_current(r)->steps[i];
		assert_non_null(strstr(st->params[1], ":00:00+00"));
		assert_non_null(strstr(st->params[2], ":00:00+00"));
		assert_true(strcmp(st->params[1], st->params[2]) < 0);
	}
	action_dismiss(r);
	assert_int_equal(action_state(r), AST_IDLE);
	/* not a cagg */
	q = req_of(ACT_REFRESH, "act", "plain");
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "not a continuous aggregate"));
	action_runner_free(r);
}

static void test_jobs_pause_resume_run(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&ts_env, &w, false, 0);
	PGconn *c = ts_env.check;
	char *id = q1(c, "SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_schema = 'act' "
			 "AND hypertable_name = $1 AND proc_name = 'policy_compression'", "jobt");
	assert_non_null(id);
	const char *sched = "SELECT scheduled::text FROM timescaledb_information.jobs WHERE job_id = $1::int";
	struct action_request q;
	memset(&q, 0, sizeof q);
	q.job_id = atoi(id);

	q.kind = ACT_JOB_PAUSE;
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	char shown[128];
	snprintf(shown, sizeof shown, "SELECT public.alter_job('%s'::int, scheduled => false)", id);
	assert_string_equal(action_current(r)->steps[0].shown, shown);
	run(r, &w, NULL);
	char *v = q1(c, sched, id);
	assert_string_equal(v, "false");
	free(v);
	/* pausing again is refused */
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "already paused"));

	q.kind = ACT_JOB_RESUME;
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	run(r, &w, NULL);
	v = q1(c, sched, id);
	assert_string_equal(v, "true");
	free(v);

	/* run now without a scheduler: CALL run_job, and the dialog says why */
	long long unc0 = q1n(c, "SELECT count(*) FROM show_chunks('act.jobt', older_than => interval '3 days') c "
				"JOIN pg_class pc ON pc.oid = c JOIN _timescaledb_catalog.chunk k ON k.table_name = pc.relname "
				"WHERE k.status & 1 = 0", NULL);
	assert_true(unc0 > 0);
	q.kind = ACT_JOB_RUN;
	q.scheduler_running = false;
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	assert_non_null(strstr(action_current(r)->steps[0].shown, "CALL public.run_job('"));
	assert_non_null(strstr(action_current(r)->note, "no scheduler is running"));
	run(r, &w, NULL);
	assert_non_null(strstr(action_message(r), "ran in this session with CALL run_job"));  /* which path */
	long long unc1 = q1n(c, "SELECT count(*) FROM show_chunks('act.jobt', older_than => interval '3 days') c "
				"JOIN pg_class pc ON pc.oid = c JOIN _timescaledb_catalog.chunk k ON k.table_name = pc.relname "
				"WHERE k.status & 1 = 0", NULL);
	assert_int_equal(unc1, 0);
	/* with a scheduler the plan asks it instead */
	q.scheduler_running = true;
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	assert_non_null(strstr(action_current(r)->steps[0].shown, "alter_job('"));
	assert_non_null(strstr(action_current(r)->steps[0].shown, "next_start => now()"));
	assert_non_null(strstr(action_current(r)->steps[0].desc, "via alter_job"));
	assert_non_null(strstr(action_current(r)->note, "the scheduler is running"));
	action_dismiss(r);
	/* no such job */
	q.job_id = 987654;
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "no job 987654"));
	free(id);
	action_runner_free(r);
}

static void test_retention_drops_exactly_listed(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&ts_env, &w, false, 0);
	PGconn *c = ts_env.check;
	char *doomed = q1(c, "SELECT string_agg(c::text, ',' ORDER BY c::text) FROM show_chunks('act.ret', older_than => interval '6 days') c", NULL);
	char *keep = q1(c, "SELECT string_agg(c::text, ',' ORDER BY c::text) FROM (SELECT show_chunks('act.ret') EXCEPT "
			   "SELECT show_chunks('act.ret', older_than => interval '6 days')) x(c)", NULL);
	long long n0 = q1n(c, "SELECT count(*) FROM show_chunks('act.ret')", NULL);
	long long nd = q1n(c, "SELECT count(*) FROM show_chunks('act.ret', older_than => interval '6 days')", NULL);
	assert_true(nd >= 6);
	struct action_request q = req_of(ACT_RETENTION, "act", "ret");
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	const struct action_plan *p = action_current(r);
	assert_true(p->destructive);
	assert_string_equal(p->confirm_name, "ret");
	char want[64];
	snprintf(want, sizeof want, "DROPS %lld chunks", nd);
	assert_non_null(strstr(p->effect, want));
	assert_non_null(strstr(p->steps[0].shown, "SELECT public.drop_chunks('act.ret'::regclass, older_than => '"));
	/* the wrong name does not run it */
	assert_int_equal(action_confirm(r, "act.ret"), -1);
	assert_int_equal(action_confirm(r, NULL), -1);
	assert_int_equal(action_state(r), AST_PLANNED);
	assert_int_equal(q1n(c, "SELECT count(*) FROM show_chunks('act.ret')", NULL), n0);
	run(r, &w, "ret");
	assert_int_equal(q1n(c, "SELECT count(*) FROM show_chunks('act.ret')", NULL), n0 - nd);
	char *left = q1(c, "SELECT string_agg(c::text, ',' ORDER BY c::text) FROM show_chunks('act.ret') c", NULL);
	assert_string_equal(left, keep);
	/* none of the doomed remain */
	for (char *t = strtok(doomed, ","); t; t = strtok(NULL, ","))
		assert_null(strstr(left, t));
	free(left);
	free(keep);
	free(doomed);
	action_runner_free(r);
}

/* Maintenance: a plan first (analyze stale statistics, refresh lagging
 * aggregates, compress backlogs), each step skippable. Only the steps on
 * this test's schema run; the others are skipped (and so untouched). */
static void test_maintenance_plan_and_skip(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&ts_env, &w, false, 0);
	PGconn *c = ts_env.check;
	/* fresh data: new chunks never analyzed, and a backlog */
	exec_ok(c, "CREATE TABLE act.mnt (ts timestamptz NOT NULL, d int NOT NULL, v int);"
		   "SELECT create_hypertable('act.mnt', by_range('ts', interval '1 day'));"
		   "ALTER TABLE act.mnt SET (timescaledb.compress, timescaledb.compress_segmentby = 'd');"
		   "INSERT INTO act.mnt SELECT t, 1, 1 FROM generate_series(now() - interval '5 days', now(), interval '2 hours') t;"
		   "SELECT add_compression_policy('act.mnt', interval '2 days');");
	long long never = q1n(c, "SELECT count(*) FROM show_chunks('act.mnt') s JOIN pg_class pc ON pc.oid = s WHERE pc.reltuples < 0", NULL);
	assert_true(never > 0);
	struct action_request q;
	memset(&q, 0, sizeof q);
	q.kind = ACT_MAINTENANCE;
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	const struct action_plan *p = action_current(r);
	int analyze = -1, compress = -1, mine = 0;
	for (int i = 0; i < p->nsteps; i++) {
		const struct action_step *s = &p->steps[i];
		bool ours = strstr(s->shown, "act.mnt") != NULL;
		if (ours && strstr(s->shown, "ANALYZE act.mnt"))
			analyze = i;
		if (ours && strstr(s->shown, "compress_chunk"))
			compress = i;
		if (ours)
			mine++;
		else
			action_skip(r, i, true);
	}
	assert_true(analyze >= 0);
	assert_true(compress >= 0);
	assert_true(analyze < compress);        /* analyze first, compress last */
	assert_int_equal(mine, 2);
	assert_non_null(strstr(p->effect, "ANALYZE"));
	run(r, &w, NULL);
	int done, total;
	action_progress(r, &done, &total, NULL, NULL);
	assert_int_equal(done, 2);
	assert_int_equal(total, 2);
	for (int i = 0; i < p->nsteps; i++)
		assert_int_equal(p->steps[i].state, (i == analyze || i == compress) ? STEP_DONE : STEP_SKIPPED);
	assert_non_null(strstr(action_message(r), "skipped"));
	/* analyzed, and the backlog compressed */
	assert_int_equal(q1n(c, "SELECT count(*) FROM show_chunks('act.mnt', newer_than => now() - interval '2 days') s "
				"JOIN pg_class pc ON pc.oid = s WHERE pc.reltuples < 0", NULL), 0);
	assert_int_equal(q1n(c, "SELECT count(*) FROM show_chunks('act.mnt', older_than => interval '2 days') s "
				"JOIN pg_class pc ON pc.oid = s JOIN _timescaledb_catalog.chunk k ON k.table_name = pc.relname "
				"WHERE k.status & 1 = 0", NULL), 0);
	/* a skipped step is in the log */
	bool skip_logged = false;
	for (int i = 0; i < actlog_size(action_log(r)); i++)
		skip_logged |= strcmp(actlog_get(action_log(r), i)->event, "skip") == 0;
	assert_true(skip_logged);
	action_runner_free(r);
}

static void test_bad_targets_refused(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&ts_env, &w, false, 0);
	struct action_request q = req_of(ACT_COMPRESS, "act", "gone");
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "does not exist"));
	q = req_of(ACT_COMPRESS, "act", "no\"such'; DROP TABLE act.plain; --");
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "does not exist"));
	assert_int_equal(q1n(ts_env.check, "SELECT count(*) FROM act.plain", NULL) > 0, 1);
	q = req_of(ACT_COMPRESS, "act", "plain");
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "compression is not enabled"));
	q = req_of(ACT_RETENTION, "act", "plain");
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "no retention policy"));
	q = req_of(ACT_DECOMPRESS_CHUNK, "act", "plain");
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "not a chunk"));
	/* refusals are in the log, with the reason */
	const struct actlog *l = action_log(r);
	assert_true(actlog_size(l) >= 5);
	assert_string_equal(actlog_get(l, 0)->event, "refused");
	action_runner_free(r);
}

static void test_read_only_refuses_everything(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&ts_env, &w, true, 0);
	PGconn *c = ts_env.check;
	const char *fp_sql =
		"SELECT md5(coalesce((SELECT string_agg(k.table_name || k.status, ',' ORDER BY k.id) FROM _timescaledb_catalog.chunk k), '') || "
		"coalesce((SELECT string_agg(job_id || scheduled::text || coalesce(next_start::text, ''), ',' ORDER BY job_id) FROM timescaledb_information.jobs), '') || "
		"coalesce((SELECT string_agg(watermark::text, ',' ORDER BY mat_hypertable_id) FROM _timescaledb_catalog.continuous_aggs_watermark), ''))";
	char *fp0 = q1(c, fp_sql, NULL);
	char *job = q1(c, "SELECT min(job_id) FROM timescaledb_information.jobs WHERE hypertable_schema = 'act'", NULL);
	static const enum action_kind kinds[] = { ACT_COMPRESS, ACT_COMPRESS_CHUNK, ACT_DECOMPRESS_CHUNK, ACT_REFRESH,
						  ACT_JOB_RUN, ACT_JOB_PAUSE, ACT_JOB_RESUME, ACT_RETENTION,
						  ACT_ANALYZE, ACT_MAINTENANCE };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		struct action_request q = req_of(kinds[i], "act", kinds[i] == ACT_REFRESH ? "hourly" : "ret");
		q.job_id = atoi(job);
		assert_int_equal(action_prepare(r, &q), -1);
		assert_int_equal(action_state(r), AST_REFUSED);
		assert_non_null(strstr(action_message(r), "read-only mode"));
		char buf[200];
		assert_non_null(action_unavailable(kinds[i], &ts_env.s.info, true, buf, sizeof buf));
	}
	/* a hand-made plan is refused as well */
	struct action_plan p;
	action_plan_init(&p, ACT_CUSTOM, "custom");
	struct action_step *s = action_plan_add(&p);
	snprintf(s->sql, sizeof s->sql, "DROP TABLE act.plain");
	assert_int_equal(action_prepare_plan(r, &p), -1);
	assert_non_null(strstr(action_message(r), "read-only mode"));
	action_plan_free(&p);
	harness_run_for(EV_DEFAULT, 0.3);
	char *fp1 = q1(c, fp_sql, NULL);
	assert_string_equal(fp0, fp1);
	assert_true(q1n(c, "SELECT count(*) FROM act.plain", NULL) > 0);
	free(fp0);
	free(fp1);
	free(job);
	action_runner_free(r);
}

static void test_log_file_json_lines(void **state)
{
	(void)state;
	FILE *f = fopen(ts_env.logpath, "r");
	assert_non_null(f);
	char line[8192];
	int n = 0, starts = 0;
	while (fgets(line, sizeof line, f)) {
		n++;
		assert_true(line[0] == '{');
		assert_non_null(strstr(line, "\"event\":"));
		assert_non_null(strstr(line, "\"action\":"));
		assert_null(strstr(line, "password"));
		starts += strstr(line, "\"event\":\"start\"") != NULL;
	}
	fclose(f);
	assert_true(n > 10);
	assert_true(starts >= 6);
}

/* ---- native PostgreSQL 15 ------------------------------------------------------ */

static int pg_setup(void **state)
{
	(void)state;
	if (open_env(&pg_env, "TSDBTOP_PG15") != 0)
		return -1;
	exec_ok(pg_env.check, "DROP TABLE IF EXISTS act_locked; CREATE TABLE act_locked (v int); "
			      "INSERT INTO act_locked SELECT generate_series(1, 1000)");
	return 0;
}

static int pg_teardown(void **state)
{
	(void)state;
	if (pg_env.check)
		PQclear(PQexec(pg_env.check, "DROP TABLE IF EXISTS act_locked"));
	close_env(&pg_env);
	return 0;
}

static void test_stop_mid_statement(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&pg_env, &w, false, 0);
	assert_non_null(strstr(action_where(r), "second connection"));
	struct action_plan p;
	action_plan_init(&p, ACT_CUSTOM, "Sleep");
	snprintf(p.target, sizeof p.target, "test");
	struct action_step *s = action_plan_add(&p);
	snprintf(s->desc, sizeof s->desc, "sleep 30 s");
	snprintf(s->sql, sizeof s->sql, "SELECT pg_sleep($1::float8)");
	s->nparams = 1;
	snprintf(s->params[0], sizeof s->params[0], "30");
	s = action_plan_add(&p);
	snprintf(s->sql, sizeof s->sql, "CREATE TABLE act_never (v int)");
	assert_int_equal(action_prepare_plan(r, &p), 0);
	action_plan_free(&p);
	assert_int_equal(action_state(r), AST_PLANNED);
	w.settled = false;
	assert_int_equal(action_confirm(r, NULL), 0);
	harness_run_for(EV_DEFAULT, 0.5);
	assert_int_equal(action_state(r), AST_RUNNING);
	double t0 = harness_now();
	action_stop(r);
	assert_true(harness_run_until(EV_DEFAULT, &w.settled, 5));
	double took = harness_now() - t0;
	assert_true(took < 1.0);
	assert_int_equal(action_state(r), AST_DONE);
	const struct action_plan *cp = action_current(r);
	assert_int_equal(cp->steps[0].state, STEP_STOPPED);
	assert_int_equal(cp->steps[1].state, STEP_STOPPED);
	assert_non_null(strstr(action_message(r), "stopped by the operator"));
	/* the next step never ran */
	assert_null(q1(pg_env.check, "SELECT to_regclass('act_never')::text", NULL));
	/* and the runner goes on */
	action_plan_init(&p, ACT_CUSTOM, "One");
	s = action_plan_add(&p);
	snprintf(s->sql, sizeof s->sql, "SELECT 41 + 1");
	assert_int_equal(action_prepare_plan(r, &p), 0);
	action_plan_free(&p);
	run(r, &w, NULL);
	assert_string_equal(action_current(r)->steps[0].result, "ok: 42");
	action_runner_free(r);
}

static void test_lock_timeout_clear_message(void **state)
{
	(void)state;
	PGconn *blocker = PQconnectdb(pg_env.ci);
	assert_int_equal(PQstatus(blocker), CONNECTION_OK);
	exec_ok(blocker, "BEGIN; LOCK TABLE act_locked IN ACCESS EXCLUSIVE MODE");
	struct watch w;
	struct action_runner *r = runner(&pg_env, &w, false, 0.5);
	struct action_request q = req_of(ACT_ANALYZE, "public", "act_locked");
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	assert_string_equal(action_current(r)->steps[0].shown, "ANALYZE public.act_locked");
	double t0 = harness_now();
	w.settled = false;
	assert_int_equal(action_confirm(r, NULL), 0);
	assert_true(harness_run_until(EV_DEFAULT, &w.settled, 10));
	assert_true(harness_now() - t0 < 5);
	const struct action_step *s = &action_current(r)->steps[0];
	assert_int_equal(s->state, STEP_FAILED);
	assert_non_null(strstr(s->result, "lock timeout: another session holds a lock on the target"));
	assert_non_null(strstr(s->result, "55P03"));
	assert_non_null(strstr(action_message(r), "failed at step 1/1"));
	exec_ok(blocker, "ROLLBACK");
	PQfinish(blocker);
	/* without the lock it runs */
	assert_int_equal(plan(r, &w, &q), AST_PLANNED);
	run(r, &w, NULL);
	assert_int_equal(action_current(r)->steps[0].state, STEP_DONE);
	action_runner_free(r);
}

/* The action's backend dies mid-statement: the step fails with "connection
 * lost mid-action", nothing further runs, and the runner reconnects. */
static void test_connection_lost_mid_action(void **state)
{
	(void)state;
	struct watch w;
	struct action_runner *r = runner(&pg_env, &w, false, 0);
	struct action_plan p;
	action_plan_init(&p, ACT_CUSTOM, "Sleep");
	snprintf(p.target, sizeof p.target, "test");
	struct action_step *s = action_plan_add(&p);
	snprintf(s->sql, sizeof s->sql, "SELECT pg_sleep(20) /* act-lost */");
	s = action_plan_add(&p);
	snprintf(s->sql, sizeof s->sql, "CREATE TABLE act_never2 (v int)");
	assert_int_equal(action_prepare_plan(r, &p), 0);
	action_plan_free(&p);
	w.settled = false;
	assert_int_equal(action_confirm(r, NULL), 0);
	harness_run_for(EV_DEFAULT, 0.5);
	assert_int_equal(q1n(pg_env.check, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
					   "WHERE query LIKE '%act-lost%' AND pid <> pg_backend_pid()", NULL), 1);
	assert_true(harness_run_until(EV_DEFAULT, &w.settled, 10));
	const struct action_plan *cp = action_current(r);
	assert_int_equal(cp->steps[0].state, STEP_FAILED);
	assert_non_null(strstr(cp->steps[0].result, "connection lost mid-action"));
	assert_int_equal(cp->steps[1].state, STEP_STOPPED);
	assert_non_null(strstr(action_message(r), "0/2 steps, failed at step 1/2"));
	assert_null(q1(pg_env.check, "SELECT to_regclass('act_never2')::text", NULL));
	/* it reconnects, and the next action runs */
	double end = harness_now() + 15;
	while (harness_now() < end && strncmp(action_where(r), "on a second", 11) != 0)
		harness_run_for(EV_DEFAULT, 0.1);
	action_plan_init(&p, ACT_CUSTOM, "One");
	s = action_plan_add(&p);
	snprintf(s->sql, sizeof s->sql, "SELECT 7");
	assert_int_equal(action_prepare_plan(r, &p), 0);
	action_plan_free(&p);
	run(r, &w, NULL);
	assert_string_equal(action_current(r)->steps[0].result, "ok: 7");
	action_runner_free(r);
}

/* A role that does not own the table: refused by the plan with the reason;
 * a statement the server refuses lands in the log with its message. */
static void test_privileges(void **state)
{
	(void)state;
	exec_ok(pg_env.check, "DROP ROLE IF EXISTS act_limited; CREATE ROLE act_limited LOGIN");
	struct env lim = pg_env;
	lim.o.user = "act_limited";
	struct watch w;
	struct action_runner *r = runner(&lim, &w, false, 0);
	assert_non_null(strstr(action_where(r), "second connection"));
	struct action_request q = req_of(ACT_ANALYZE, "public", "act_locked");
	assert_int_equal(plan(r, &w, &q), AST_REFUSED);
	assert_non_null(strstr(action_message(r), "ANALYZE needs the owner of public.act_locked (owned by postgres)"));
	struct action_plan p;
	action_plan_init(&p, ACT_CUSTOM, "Read");
	snprintf(p.target, sizeof p.target, "public.act_locked");
	struct action_step *s = action_plan_add(&p);
	snprintf(s->sql, sizeof s->sql, "SELECT count(*) FROM public.act_locked");
	assert_int_equal(action_prepare_plan(r, &p), 0);
	action_plan_free(&p);
	w.settled = false;
	assert_int_equal(action_confirm(r, NULL), 0);
	assert_true(harness_run_until(EV_DEFAULT, &w.settled, 10));
	const struct action_step *st = &action_current(r)->steps[0];
	assert_int_equal(st->state, STEP_FAILED);
	assert_non_null(strstr(st->result, "permission denied: permission denied for table act_locked [42501]"));
	const struct actlog_entry *e = actlog_get(action_log(r), 1);
	assert_non_null(e);
	assert_string_equal(e->event, "error");
	assert_non_null(strstr(e->result, "42501"));
	assert_string_equal(actlog_get(action_log(r), 0)->event, "failed");
	action_runner_free(r);
	PQclear(PQexec(pg_env.check, "DROP ROLE IF EXISTS act_limited"));
}

int main(void)
{
	const struct CMUnitTest ts_tests[] = {
		cmocka_unit_test(test_compress_hypertable),
		cmocka_unit_test(test_decompress_and_compress_chunk),
		cmocka_unit_test(test_refresh_moves_watermark),
		cmocka_unit_test(test_jobs_pause_resume_run),
		cmocka_unit_test(test_retention_drops_exactly_listed),
		cmocka_unit_test(test_maintenance_plan_and_skip),
		cmocka_unit_test(test_bad_targets_refused),
		cmocka_unit_test(test_read_only_refuses_everything),
		cmocka_unit_test(test_log_file_json_lines),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test(test_stop_mid_statement),
		cmocka_unit_test(test_lock_timeout_clear_message),
		cmocka_unit_test(test_privileges),
		cmocka_unit_test(test_connection_lost_mid_action),
	};
	int rc = 0;
	if (harness_env("TSDBTOP_TSDB"))
		rc |= cmocka_run_group_tests_name("actions (embedded TimescaleDB)", ts_tests, ts_setup, ts_teardown);
	else
		printf("# skip actions (embedded TimescaleDB): TSDBTOP_TSDB not set\n");
	if (harness_env("TSDBTOP_PG15"))
		rc |= cmocka_run_group_tests_name("actions (PostgreSQL 15)", pg_tests, pg_setup, pg_teardown);
	else
		printf("# skip actions (PostgreSQL 15): TSDBTOP_PG15 not set\n");
	return rc;
}
