/* Integration: the async connection module against native PostgreSQL 15.
 * Needs TSDBTOP_PG15 (a conninfo) — tests/integration/run.sh sets it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ev.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "tsdbtop/cli.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/dblist.h"
#include "tsdbtop/session.h"

struct probe {
	bool connected;
	int connects;
	bool done;
	struct conn_error err;
	char value[256];
	int ntuples;
	enum conn_state last_state;
	int backoffs;
	double done_at;
};

static void st_cb(struct conn *c, enum conn_state st, const char *msg, void *ud)
{
	(void)c;
	(void)msg;
	struct probe *p = ud;
	p->last_state = st;
	if (st == CONN_BACKOFF)
		p->backoffs++;
}

static void connected_cb(struct conn *c, void *ud)
{
	(void)c;
	struct probe *p = ud;
	p->connected = true;
	p->connects++;
}

static void result_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct probe *p = ud;
	p->err = *err;
	p->value[0] = '\0';
	p->ntuples = res ? PQntuples(res) : -1;
	if (res && PQntuples(res) > 0 && PQnfields(res) > 0)
		snprintf(p->value, sizeof p->value, "%s", PQgetvalue(res, 0, 0));
	p->done = true;
	p->done_at = harness_now();
}

static const struct conn_callbacks cbs = {
	.on_state = st_cb, .on_connected = connected_cb,
};

static struct conn *open_conn(struct ev_loop *loop, struct probe *p, const char *conninfo,
			      bool reconnect, double stmt_timeout)
{
	struct conn_options o = {
		.conninfo = conninfo, .reconnect = reconnect,
		.statement_timeout = stmt_timeout, .backoff_min = 0.2, .cancel_grace = 2,
	};
	memset(p, 0, sizeof *p);
	struct conn *c = conn_new(loop, &o, &cbs, p);
	assert_non_null(c);
	assert_int_equal(conn_start(c), 0);
	assert_true(harness_run_until(loop, &p->connected, 10));
	return c;
}

static void run_query(struct ev_loop *loop, struct conn *c, struct probe *p, const char *sql,
		      int n, const char *const *params, double timeout)
{
	p->done = false;
	assert_int_equal(conn_query(c, sql, n, params, timeout, result_cb, p), 0);
	assert_true(harness_run_until(loop, &p->done, 30));
}

static void test_connect_and_query(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct probe p;
	struct conn *c = open_conn(loop, &p, harness_env("TSDBTOP_PG15"), false, 0);
	const char *params[] = { "41" };
	run_query(loop, c, &p, "SELECT $1::int + 1", 1, params, 5);
	assert_int_equal(p.err.kind, CERR_NONE);
	assert_string_equal(p.value, "42");
	run_query(loop, c, &p, "SELECT current_setting('application_name')", 0, NULL, 5);
	assert_string_equal(p.value, "tsdbtop");
	run_query(loop, c, &p, "SELECT g FROM generate_series(1, 5000) g", 0, NULL, 5);
	assert_int_equal(p.ntuples, 5000);
	conn_free(c);
}

static void test_server_error_keeps_connection(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct probe p;
	struct conn *c = open_conn(loop, &p, harness_env("TSDBTOP_PG15"), false, 0);
	run_query(loop, c, &p, "SELEC 1", 0, NULL, 5);
	assert_int_equal(p.err.kind, CERR_SERVER);
	assert_string_equal(p.err.sqlstate, "42601");
	assert_non_null(strstr(p.err.message, "syntax error"));
	run_query(loop, c, &p, "SELECT 'still here'", 0, NULL, 5);
	assert_int_equal(p.err.kind, CERR_NONE);
	assert_string_equal(p.value, "still here");
	conn_free(c);
}

struct ticker { int ticks; };

static void tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	((struct ticker *)w->data)->ticks++;
}

/* The loop keeps turning while the server works on a query. */
static void test_loop_never_blocks(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct probe p;
	struct conn *c = open_conn(loop, &p, harness_env("TSDBTOP_PG15"), false, 0);
	struct ticker t = { 0 };
	ev_timer w;
	ev_timer_init(&w, tick, 0.01, 0.01);
	w.data = &t;
	ev_timer_start(loop, &w);
	double t0 = harness_now();
	run_query(loop, c, &p, "SELECT pg_sleep(1)", 0, NULL, 5);
	ev_timer_stop(loop, &w);
	assert_int_equal(p.err.kind, CERR_NONE);
	assert_true(harness_now() - t0 >= 0.9);
	print_message("ticks during a 1 s query: %d\n", t.ticks);
	assert_true(t.ticks >= 50);
	conn_free(c);
}

/* A client deadline cancels the statement; the connection survives. */
static void test_deadline_cancels(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct probe p;
	struct conn *c = open_conn(loop, &p, harness_env("TSDBTOP_PG15"), false, 0);
	double t0 = harness_now();
	run_query(loop, c, &p, "SELECT pg_sleep(30)", 0, NULL, 0.5);
	double took = p.done_at - t0;
	print_message("cancelled after %.2f s\n", took);
	assert_int_equal(p.err.kind, CERR_SERVER);
	assert_string_equal(p.err.sqlstate, "57014");
	assert_true(took < 3.0);
	run_query(loop, c, &p, "SELECT 1", 0, NULL, 5);
	assert_string_equal(p.value, "1");
	conn_free(c);
}

/* statement_timeout is set on the session from the options. */
static void test_statement_timeout(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct probe p;
	struct conn *c = open_conn(loop, &p, harness_env("TSDBTOP_PG15"), false, 0.3);
	run_query(loop, c, &p, "SHOW statement_timeout", 0, NULL, 5);
	assert_string_equal(p.value, "300ms");
	run_query(loop, c, &p, "SELECT pg_sleep(3)", 0, NULL, 10);
	assert_int_equal(p.err.kind, CERR_SERVER);
	assert_string_equal(p.err.sqlstate, "57014");
	conn_free(c);
}

/* The backend dies: queued work fails, then the connection comes back. */
static void test_server_gone_reconnects(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct probe p;
	struct conn *c = open_conn(loop, &p, harness_env("TSDBTOP_PG15"), true, 0);
	run_query(loop, c, &p, "SELECT pg_backend_pid()", 0, NULL, 5);
	char pid[32];
	snprintf(pid, sizeof pid, "%s", p.value);
	assert_int_equal(harness_sh("psql -X -q -At '%s' -c 'SELECT pg_terminate_backend(%s)' >/dev/null",
				    harness_env("TSDBTOP_PG15"), pid), 0);
	p.connected = false;
	p.done = false;
	assert_int_equal(conn_query(c, "SELECT 1", 0, NULL, 5, result_cb, &p), 0);
	assert_true(harness_run_until(loop, &p.done, 10));
	assert_int_equal(p.err.kind, CERR_CONNECTION);
	assert_true(p.backoffs >= 1);
	assert_true(harness_run_until(loop, &p.connected, 10));
	assert_int_equal(p.connects, 2);
	run_query(loop, c, &p, "SELECT pg_backend_pid()", 0, NULL, 5);
	assert_int_equal(p.err.kind, CERR_NONE);
	assert_string_not_equal(p.value, pid);
	conn_free(c);
}

/* Nobody listening: fails fast and says why. */
static void test_refused(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct probe p;
	memset(&p, 0, sizeof p);
	struct conn_options o = { .conninfo = "host=127.0.0.1 port=1 connect_timeout=3", .reconnect = false };
	struct conn *c = conn_new(loop, &o, &cbs, &p);
	double t0 = harness_now();
	conn_start(c);
	while (conn_state(c) == CONN_CONNECTING && harness_now() - t0 < 5)
		harness_run_for(loop, 0.05);
	assert_int_equal(conn_state(c), CONN_FAILED);
	assert_true(harness_now() - t0 < 2);
	assert_non_null(strstr(conn_last_error(c), "refused"));
	assert_int_equal(conn_query(c, "SELECT 1", 0, NULL, 1, result_cb, &p), -1);
	conn_free(c);
}

/* A malformed conninfo fails at once with libpq's message. */
static void test_bad_conninfo(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct probe p;
	memset(&p, 0, sizeof p);
	struct conn_options o = { .conninfo = "host=127.0.0.1 bogus_keyword=1" };
	struct conn *c = conn_new(loop, &o, &cbs, &p);
	assert_int_equal(conn_start(c), -1);
	assert_int_equal(conn_state(c), CONN_FAILED);
	assert_non_null(strstr(conn_last_error(c), "bogus_keyword"));
	conn_free(c);
}

struct probed { bool done; };

static void session_probed(struct session *s, void *ud)
{
	(void)s;
	((struct probed *)ud)->done = true;
}

/* The probe on plain PostgreSQL: versions read, TimescaleDB absent. */
static void test_probe_plain_postgres(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	struct options o = { .conninfo = harness_env("TSDBTOP_PG15"), .statement_timeout = 5 };
	struct probed pr = { false };
	struct session s = { .on_probed = session_probed, .ud = &pr };
	assert_int_equal(session_open(&s, loop, &o, false, NULL), 0);
	assert_true(harness_run_until(loop, &pr.done, 10));
	assert_true(s.info.valid);
	assert_true(s.info.pg_version_num >= 150000 && s.info.pg_version_num < 160000);
	assert_false(s.info.ts_installed);
	assert_int_equal(s.info.license, LICENSE_NONE);
	assert_string_equal(s.info.database, "postgres");
	assert_string_equal(s.info.user, "postgres");
	assert_true(s.info.is_superuser);
	assert_string_equal(s.info.host, "127.0.0.1");
	session_close(&s);
}

/* ---- gssencmode: settled up front only where Kerberos cannot help ---- */

static char *gssenc_of(struct ev_loop *loop, const char *conninfo)
{
	static char v[32];
	struct probe p;
	struct conn *c = open_conn(loop, &p, conninfo, false, 5);
	PQconninfoOption *opts = PQconninfo(conn_pg(c));
	v[0] = '\0';
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "gssencmode") == 0 && o->val)
			snprintf(v, sizeof v, "%s", o->val);
	PQconninfoFree(opts);
	conn_free(c);
	return v;
}

static void test_gssencmode(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	const char *ci = harness_env("TSDBTOP_PG15");
	char with[1024];
	snprintf(with, sizeof with, "%s gssencmode=prefer", ci);
	/* the conninfo's own gssencmode always wins */
	assert_string_equal(gssenc_of(loop, with), "prefer");
	/* PGGSSENCMODE given: never overridden */
	setenv("PGGSSENCMODE", "prefer", 1);
	assert_string_equal(gssenc_of(loop, ci), "prefer");
	unsetenv("PGGSSENCMODE");
	if (getenv("KRB5_CONFIG") || getenv("KRB5CCNAME") || getenv("PGSERVICE") ||
	    access("/etc/krb5.conf", F_OK) == 0)
		return;         /* Kerberos configured here: libpq's default stays */
	char cc[64];
	snprintf(cc, sizeof cc, "/tmp/krb5cc_%lu", (unsigned long)getuid());
	if (access(cc, F_OK) == 0)
		return;
	/* no Kerberos at all: disable, the outcome prefer reaches anyway */
	assert_string_equal(gssenc_of(loop, ci), "disable");
}

/* ---- dblist: a second request while a check's query is in flight ---- */

static void dbl_changed(void *ud)
{
	(*(int *)ud)++;
}

static void admin_exec(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg));
	PQclear(r);
}

static int dbl_index(const struct dblist *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return i;
	return -1;
}

/* Runs the loop until the check of database `idx` waits on a lock. */
static bool dbl_check_waits(struct ev_loop *loop, PGconn *adm)
{
	for (int i = 0; i < 200; i++) {
		harness_run_for(loop, 0.05);
		PGresult *r = PQexec(adm, "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
					  " WHERE d.datname = 'tsdbtop_dbl' AND NOT l.granted");
		bool waits = PQresultStatus(r) == PGRES_TUPLES_OK && atoi(PQgetvalue(r, 0, 0)) > 0;
		PQclear(r);
		if (waits)
			return true;
	}
	return false;
}

/* D pressed twice quickly: the second list request cancels the checks of
 * the first while one's query is in flight (held here by a lock on
 * pg_extension in that database). Freeing that connection finished the
 * query, whose callback restarted the reaper timer on the probe being
 * freed: a use-after-free (ASan) and a broken libev heap (free(): invalid
 * pointer after 10,000 random keys, faults tier). */
static void test_dblist_refetch_during_check(void **state)
{
	(void)state;
	struct ev_loop *loop = EV_DEFAULT;
	const char *ci = harness_env("TSDBTOP_PG15");
	PGconn *adm = PQconnectdb(ci);
	assert_int_equal(PQstatus(adm), CONNECTION_OK);
	admin_exec(adm, "SET client_min_messages = warning");
	admin_exec(adm, "DROP DATABASE IF EXISTS tsdbtop_dbl WITH (FORCE)");
	admin_exec(adm, "CREATE DATABASE tsdbtop_dbl");
	char lci[1024];
	snprintf(lci, sizeof lci, "%s dbname=tsdbtop_dbl", ci);
	PGconn *lk = PQconnectdb(lci);
	assert_int_equal(PQstatus(lk), CONNECTION_OK);
	admin_exec(lk, "BEGIN");
	admin_exec(lk, "LOCK TABLE pg_catalog.pg_extension IN ACCESS EXCLUSIVE MODE");

	struct probe p;
	struct conn *c = open_conn(loop, &p, ci, false, 5);
	struct options o = { .conninfo = ci };
	static struct dblist l;
	int changed = 0;
	assert_int_equal(dblist_fetch(loop, c, &o, NULL, &l, dbl_changed, &changed), 0);
	assert_true(dbl_check_waits(loop, adm));
	int i = dbl_index(&l, "tsdbtop_dbl");
	assert_true(i >= 0);
	assert_int_equal(l.ts_state[i], DBTS_CHECKING);
	/* the second request: the waiting check is cancelled, a new one starts */
	assert_int_equal(dblist_fetch(loop, c, &o, NULL, &l, dbl_changed, &changed), 0);
	harness_run_for(loop, 0.5);
	admin_exec(lk, "ROLLBACK");
	for (int k = 0; k < 200 && (l.loading || l.ts_state[dbl_index(&l, "tsdbtop_dbl")] == DBTS_CHECKING); k++)
		harness_run_for(loop, 0.05);
	i = dbl_index(&l, "tsdbtop_dbl");
	assert_true(i >= 0);
	assert_int_equal(l.ts_state[i], DBTS_NO);      /* no TimescaleDB there, checked again */
	harness_run_for(loop, 0.2);                    /* reapers run */
	dblist_cancel(&l);
	conn_free(c);
	PQfinish(lk);
	admin_exec(adm, "DROP DATABASE tsdbtop_dbl WITH (FORCE)");
	PQfinish(adm);
}

int main(void)
{
	if (!harness_env("TSDBTOP_PG15")) {
		printf("1..0 # SKIP TSDBTOP_PG15 not set\n");
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_and_query),
		cmocka_unit_test(test_server_error_keeps_connection),
		cmocka_unit_test(test_loop_never_blocks),
		cmocka_unit_test(test_deadline_cancels),
		cmocka_unit_test(test_statement_timeout),
		cmocka_unit_test(test_server_gone_reconnects),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bad_conninfo),
		cmocka_unit_test(test_probe_plain_postgres),
		cmocka_unit_test(test_dblist_refetch_during_check),
		cmocka_unit_test(test_gssencmode),
	};
	return cmocka_run_group_tests_name("conn (PostgreSQL 15)", tests, NULL, NULL);
}
