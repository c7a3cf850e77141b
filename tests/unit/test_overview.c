/* Unit: the fleet view's pure parts. The overview's words
 * (tsdbtop/overview.h): a row's cells for a connected, a reconnecting, a
 * failed and a connecting server, the worst problem of a snapshot, the
 * worst-first order, the kiosk's fleet banner, hostile names sanitised;
 * and the action log's records naming their server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/actlog.h"
#include "tsdbtop/app.h"
#include "tsdbtop/overview.h"

#define NOW 1800000000.0

struct srv {
	struct snapshot snap;
	struct app_view v;
	char msg[256];
};

static void srv_init(struct srv *s, const char *name, enum conn_state st)
{
	memset(s, 0, sizeof *s);
	s->v.snap = &s->snap;
	s->v.conn_msg = s->msg;
	s->v.server_name = name;
	s->v.conn_state = st;
	s->v.interval = 2;
	s->v.nservers = 3;
	s->snap.polled_at = NAN;
	s->snap.poll_ms = NAN;
}

/* Connected, polled 3 s ago in 85 ms, PostgreSQL 15 with TimescaleDB 2.28.3. */
static void srv_up(struct srv *s, const char *name)
{
	srv_init(s, name, CONN_READY);
	s->snap.server.valid = true;
	snprintf(s->snap.server.pg_version, sizeof s->snap.server.pg_version, "15.18 (Debian 15.18-0+deb12u1)");
	s->snap.server.ts_installed = true;
	snprintf(s->snap.server.ts_version, sizeof s->snap.server.ts_version, "2.28.3");
	s->snap.polled_at = NOW - 3;
	s->snap.poll_ms = 85;
	s->snap.sched.known = true;
	s->snap.sched.running = true;
}

static const char *cell(const struct srv *s, int col)
{
	static char buf[256];
	overview_cell(&s->v, col, NOW, true, 60, buf, sizeof buf);
	return buf;
}

static void test_cells_connected(void **state)
{
	(void)state;
	struct srv s;
	srv_up(&s, "plant1");
	s.snap.worst[HEALTH_OK] = 7;
	s.snap.worst[HEALTH_WARNING] = 2;
	assert_string_equal(cell(&s, OV_NAME), "plant1");
	assert_string_equal(cell(&s, OV_STATE), "connected");
	assert_string_equal(cell(&s, OV_PG), "15.18");
	assert_string_equal(cell(&s, OV_TS), "2.28.3");
	assert_string_equal(cell(&s, OV_OK), "7");
	assert_string_equal(cell(&s, OV_WARN), "2");
	assert_string_equal(cell(&s, OV_CRIT), "0");
	assert_string_equal(cell(&s, OV_AGE), "3s");
	assert_string_equal(cell(&s, OV_POLL), "85 ms");
	assert_string_equal(cell(&s, OV_SCHED), "running");
	s.snap.poll_ms = 1500;
	s.snap.sched.running = false;
	assert_string_equal(cell(&s, OV_POLL), "1.5 s");
	assert_string_equal(cell(&s, OV_SCHED), "not running");
	s.snap.server.ts_installed = false;
	assert_string_equal(cell(&s, OV_TS), "none");
	assert_string_equal(cell(&s, OV_SCHED), "none");
	s.v.stalled_for = 12.4;        /* a frozen server: not "connected" */
	assert_string_equal(cell(&s, OV_STATE), "no answer for 12 s");
	assert_int_equal(overview_level(&s.v), OVL_DOWN);
}

static void test_cells_down(void **state)
{
	(void)state;
	struct srv s;
	setenv("TZ", "UTC", 1);
	tzset();
	srv_init(&s, "plant3", CONN_BACKOFF);
	s.v.down_since = 1800000000.0 - 60;    /* 07:59 UTC */
	snprintf(s.msg, sizeof s.msg, "Connection refused");
	enum theme_role r = overview_cell(&s.v, OV_STATE, NOW, true, 60, (char[64]){ 0 }, 64);
	assert_int_equal(r, ROLE_CRITICAL);
	assert_string_equal(cell(&s, OV_STATE), "reconnecting since 07:59");
	assert_string_equal(cell(&s, OV_PROBLEM), "Connection refused");   /* why, where the problem goes */
	assert_string_equal(cell(&s, OV_OK), "-");
	assert_string_equal(cell(&s, OV_AGE), "-");
	assert_string_equal(cell(&s, OV_PG), "-");
	assert_int_equal(overview_level(&s.v), OVL_DOWN);
	s.v.conn_state = CONN_CONNECTING;      /* the next attempt: still an outage */
	assert_string_equal(cell(&s, OV_STATE), "reconnecting since 07:59");
	s.v.down_since = 0;                    /* the first attempt */
	assert_string_equal(cell(&s, OV_STATE), "connecting");
	assert_int_equal(overview_level(&s.v), OVL_CONNECTING);
	s.v.conn_state = CONN_FAILED;
	snprintf(s.msg, sizeof s.msg, "password authentication failed for user \"x\"");
	assert_string_equal(cell(&s, OV_STATE), "failed: password authentication failed for user \"x\"");
	assert_int_equal(overview_level(&s.v), OVL_DOWN);
}

static void test_worst_problem(void **state)
{
	(void)state;
	struct srv s;
	char buf[256];
	srv_up(&s, "p");
	assert_int_equal(overview_worst(&s.snap, buf, sizeof buf), HEALTH_OK);
	assert_string_equal(buf, "");
	assert_string_equal(cell(&s, OV_PROBLEM), "-");
	struct ht_row hts[2];
	struct ret_row rets[2];
	memset(hts, 0, sizeof hts);
	memset(rets, 0, sizeof rets);
	snprintf(hts[0].name, sizeof hts[0].name, "metric_hist");
	hts[0].health = HEALTH_WARNING;
	snprintf(hts[0].why, sizeof hts[0].why, "1,200 chunks");
	s.snap.hts.v = hts;
	s.snap.hts.n = 1;
	assert_int_equal(overview_worst(&s.snap, buf, sizeof buf), HEALTH_WARNING);
	assert_string_equal(buf, "Chunks: metric_hist: 1,200 chunks");
	/* a critical row later wins over the warning before it; the first critical one */
	snprintf(rets[0].name, sizeof rets[0].name, "oee");
	rets[0].health = HEALTH_CRITICAL;
	snprintf(rets[1].name, sizeof rets[1].name, "energy");
	rets[1].health = HEALTH_CRITICAL;
	s.snap.rets.v = rets;
	s.snap.rets.n = 2;
	assert_int_equal(overview_worst(&s.snap, buf, sizeof buf), HEALTH_CRITICAL);
	assert_true(strncmp(buf, "Retention: oee", 14) == 0);
	/* a hostile name reaches the cell sanitised */
	snprintf(rets[0].name, sizeof rets[0].name, "x\033]0;PWNED\007y\nz");
	assert_null(strchr(cell(&s, OV_PROBLEM), '\033'));
	assert_non_null(strstr(cell(&s, OV_PROBLEM), "x?]0;PWNED?y?z"));
	s.snap.rets.n = 0;
	s.snap.hts.n = 0;
}

static void test_order_and_banner(void **state)
{
	(void)state;
	struct srv a, b, c, d;
	srv_up(&a, "ok1");
	srv_up(&b, "crit");
	b.snap.worst[HEALTH_CRITICAL] = 2;
	srv_init(&c, "down", CONN_BACKOFF);
	c.v.down_since = NOW - 5;
	srv_up(&d, "warn");
	d.snap.worst[HEALTH_WARNING] = 1;
	const struct app_view *v[4] = { &a.v, &b.v, &c.v, &d.v };
	int order[4];
	overview_order(v, 4, false, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[3], 3);
	overview_order(v, 4, true, order);
	assert_int_equal(order[0], 2);    /* unreachable */
	assert_int_equal(order[1], 1);    /* critical */
	assert_int_equal(order[2], 3);    /* warning */
	assert_int_equal(order[3], 0);    /* ok */
	char buf[512];
	assert_int_equal(overview_banner(v, 4, false, buf, sizeof buf), ROLE_CRITICAL);
	assert_string_equal(buf, "X 1 CRITICAL: crit - 1 UNREACHABLE: down");
	const struct app_view *w[2] = { &a.v, &d.v };
	assert_int_equal(overview_banner(w, 2, false, buf, sizeof buf), ROLE_WARNING);
	assert_string_equal(buf, "! 1 WARNING: warn");
	const struct app_view *ok[1] = { &a.v };
	assert_int_equal(overview_banner(ok, 1, true, buf, sizeof buf), ROLE_OK);
	assert_string_equal(buf, "\u2713 ALL 1 OK");
	/* a hostile name in the banner is sanitised */
	srv_init(&c, "e\033[2Jvil", CONN_FAILED);
	const struct app_view *h[1] = { &c.v };
	overview_banner(h, 1, false, buf, sizeof buf);
	assert_null(strchr(buf, '\033'));
	assert_non_null(strstr(buf, "e?[2Jvil"));
}

static void test_fit(void **state)
{
	(void)state;
	int w[OV_NCOLS], sum = OV_NCOLS - 1;
	overview_fit(130, w);
	for (int i = 0; i < OV_NCOLS; i++)
		sum += w[i];
	assert_int_equal(sum, 130);
	assert_true(w[OV_PROBLEM] > w[OV_NAME]);
	overview_fit(40, w);               /* too narrow: the minima */
	assert_int_equal(w[OV_STATE], overview_columns[OV_STATE].width);
}

/* Several servers: every record of a runner's log names its server; one
 * server: no "server" key, the line as before. */
static void test_actlog_server(void **state)
{
	(void)state;
	static struct actlog l;
	char line[4096];
	actlog_init(&l, "");
	actlog_add(&l, "start", "compress", "public.t", "SELECT 1", NAN, "");
	actlog_json(actlog_get(&l, 0), line, sizeof line);
	assert_null(strstr(line, "\"server\""));
	actlog_set_server(&l, "plant\"1");
	actlog_add(&l, "done", "compress", "public.t", "SELECT 1", 0.5, "ok");
	actlog_json(actlog_get(&l, 0), line, sizeof line);
	assert_non_null(strstr(line, "\"server\":\"plant\\\"1\""));
	assert_string_equal(actlog_get(&l, 1)->server, "");
	actlog_set_server(&l, NULL);
	actlog_add(&l, "start", "compress", "public.t", "SELECT 1", NAN, "");
	assert_string_equal(actlog_get(&l, 0)->server, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells_connected),
		cmocka_unit_test(test_cells_down),
		cmocka_unit_test(test_worst_problem),
		cmocka_unit_test(test_order_and_banner),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_actlog_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
