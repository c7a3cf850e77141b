/* Integration: host names are looked up off the loop (issue #13). In a
 * private mount namespace this test points /etc/resolv.conf at a name
 * server of its own on a loopback address: one that never answers (a bound
 * UDP socket nobody reads) or one that says NXDOMAIN to everything, and
 * maps names in a private /etc/hosts. Against native PostgreSQL 15:
 *   - while a lookup hangs the loop keeps running (a 50 ms timer never
 *     late), the connection says it is resolving, and after the connect
 *     timeout it is "cannot resolve host NAME: timeout ...", then backoff;
 *   - the next attempt looks the name up again and connects once it
 *     resolves, libpq keeping the name as host and the address as hostaddr;
 *   - NXDOMAIN: one line, "cannot resolve host NAME: name not known";
 *   - multi-host: a name that does not resolve is skipped, the next used;
 *   - a connection freed or reset while its lookup hangs.
 * Needs root (unshare(CLONE_NEWNS)) and TSDBTOP_PG15; skips saying why. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/resolve.h"

static char dir[64] = "/tmp/tsdbtop-resolve.XXXXXX";
static char hosts_path[128], port[16];
static int dns_fd = -1;
static ev_io dns_io;

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");       /* in place: the bind mount keeps the inode */
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* hosts: localhost, plus one more line */
static void set_hosts(const char *extra)
{
	char text[512];
	snprintf(text, sizeof text, "127.0.0.1 localhost\n::1 localhost\n%s\n", extra ? extra : "");
	write_file(hosts_path, text);
}

/* ---- the name server: silent, or NXDOMAIN to every question ------------ */

static void dns_answer_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	unsigned char q[512];
	struct sockaddr_storage from;
	socklen_t flen = sizeof from;
	ssize_t n = recvfrom(w->fd, q, sizeof q, 0, (struct sockaddr *)&from, &flen);
	if (n < 12)
		return;
	size_t end = 12;                  /* the question: labels, then type and class */
	while (end < (size_t)n && q[end] != 0)
		end += (size_t)q[end] + 1;
	end += 5;
	if (end > (size_t)n)
		return;
	q[2] = (unsigned char)(0x80 | (q[2] & 0x79));   /* a response; opcode and RD as asked */
	q[3] = 0x83;                                    /* RA, NXDOMAIN */
	memset(q + 6, 0, 6);                            /* no answer, authority, additional */
	(void)sendto(w->fd, q, end, 0, (struct sockaddr *)&from, flen);
}

static void dns_silent(struct ev_loop *loop)
{
	ev_io_stop(loop, &dns_io);
}

static void dns_nxdomain(struct ev_loop *loop)
{
	ev_io_start(loop, &dns_io);
}

/* ---- a connection, watched by a ticking timer ----------------------------- */

struct watch {
	enum conn_state state;
	char msg[512];
	bool connected, backoff, failed, resolving_seen;
	struct conn *c;
	double last_tick, max_gap;
	int ticks;
	bool done;
	char value[128];
};

static void st_cb(struct conn *c, enum conn_state st, const char *msg, void *ud)
{
	(void)c;
	struct watch *w = ud;
	w->state = st;
	if (msg && *msg)
		snprintf(w->msg, sizeof w->msg, "%s", msg);
	if (st == CONN_BACKOFF)
		w->backoff = true;
	if (st == CONN_FAILED)
		w->failed = true;
}

static void connected_cb(struct conn *c, void *ud)
{
	(void)c;
	((struct watch *)ud)->connected = true;
}

static const struct conn_callbacks cbs = { .on_state = st_cb, .on_connected = connected_cb };

static void tick_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	(void)loop;
	(void)revents;
	struct watch *w = t->data;
	double now = harness_now();
	if (w->last_tick > 0 && now - w->last_tick > w->max_gap)
		w->max_gap = now - w->last_tick;
	w->last_tick = now;
	w->ticks++;
	if (w->c && conn_resolving(w->c) && conn_state(w->c) == CONN_CONNECTING)
		w->resolving_seen = true;
}

static struct conn *open_watched(struct ev_loop *loop, struct watch *w, ev_timer *tick,
				 const char *host, bool reconnect)
{
	char ci[256];
	snprintf(ci, sizeof ci, "host=%s port=%s user=postgres dbname=postgres", host, port);
	struct conn_options o = { .conninfo = ci, .connect_timeout = 2, .reconnect = reconnect,
				  .backoff_min = 1, .backoff_max = 1 };
	memset(w, 0, sizeof *w);
	ev_timer_init(tick, tick_cb, 0.05, 0.05);
	tick->data = w;
	ev_timer_start(loop, tick);
	w->c = conn_new(loop, &o, &cbs, w);
	assert_non_null(w->c);
	conn_start(w->c);
	return w->c;
}

static void close_watched(struct ev_loop *loop, struct watch *w, ev_timer *tick)
{
	conn_free(w->c);
	w->c = NULL;
	ev_timer_stop(loop, tick);
}

static void value_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct watch *w = ud;
	if (err->kind == CERR_NONE && PQntuples(res) == 1)
		snprintf(w->value, sizeof w->value, "%s", PQgetvalue(res, 0, 0));
	w->done = true;
}

/* ---- the tests ---------------------------------------------------------------- */

/* (a) and (b): a lookup that hangs, then one that works */
static void test_hang_then_resolves(void **state)
{
	struct ev_loop *loop = *state;
	struct watch w;
	ev_timer tick;
	double t0 = harness_now();
	struct conn *c = open_watched(loop, &w, &tick, "hang.tsdbtop.test", true);
	assert_int_equal(conn_state(c), CONN_CONNECTING);
	assert_true(conn_resolving(c));
	assert_true(harness_run_until(loop, &w.backoff, 6));
	double took = harness_now() - t0;
	printf("# hanging lookup: backoff after %.2f s, %d ticks, longest gap %.3f s: %s\n",
	       took, w.ticks, w.max_gap, w.msg);
	assert_true(took >= 1.8 && took < 3.5);      /* the 2 s connect timeout */
	assert_true(w.resolving_seen);
	assert_true(w.ticks >= 30);
	assert_true(w.max_gap < 0.25);               /* the loop never stood still */
	assert_string_equal(w.msg, "cannot resolve host hang.tsdbtop.test: timeout (no answer within 2 s)");
	assert_string_equal(conn_last_error(c), w.msg);
	assert_false(conn_resolving(c));

	/* the name resolves now: the next attempt (1 s backoff) connects */
	set_hosts("127.0.0.1 hang.tsdbtop.test");
	assert_true(harness_run_until(loop, &w.connected, 8));
	assert_string_equal(PQhost(conn_pg(c)), "hang.tsdbtop.test");      /* kept for TLS, .pgpass */
	assert_string_equal(PQhostaddr(conn_pg(c)), "127.0.0.1");
	assert_int_equal(conn_query(c, "SELECT host(inet_server_addr())", 0, NULL, 5, value_cb, &w), 0);
	assert_true(harness_run_until(loop, &w.done, 5));
	assert_string_equal(w.value, "127.0.0.1");
	assert_true(w.max_gap < 0.25);
	close_watched(loop, &w, &tick);
}

/* NXDOMAIN: at once, one clear line */
static void expect_unresolved(struct ev_loop *loop, const char *hosts, const char *msg)
{
	struct watch w;
	ev_timer tick;
	dns_nxdomain(loop);
	double t0 = harness_now();
	open_watched(loop, &w, &tick, hosts, false);
	assert_true(harness_run_until(loop, &w.failed, 5));
	printf("# NXDOMAIN for %s: failed after %.2f s: %s\n", hosts, harness_now() - t0, w.msg);
	assert_true(harness_now() - t0 < 1.5);
	assert_string_equal(w.msg, msg);
	close_watched(loop, &w, &tick);
}

static void test_name_not_known(void **state)
{
	expect_unresolved(*state, "nxdomain.tsdbtop.test",
			  "cannot resolve host nxdomain.tsdbtop.test: name not known");
	/* several names, none known: each said, one line */
	expect_unresolved(*state, "first.tsdbtop.test,third.tsdbtop.test",
			  "cannot resolve host first.tsdbtop.test: name not known; "
			  "cannot resolve host third.tsdbtop.test: name not known");
}

/* host=a,b: a does not resolve, b does and is used */
static void test_multi_host(void **state)
{
	struct ev_loop *loop = *state;
	struct watch w;
	ev_timer tick;
	dns_nxdomain(loop);
	set_hosts("127.0.0.1 second.tsdbtop.test");
	struct conn *c = open_watched(loop, &w, &tick, "first.tsdbtop.test,second.tsdbtop.test", false);
	assert_true(harness_run_until(loop, &w.connected, 5));
	assert_string_equal(PQhost(conn_pg(c)), "second.tsdbtop.test");
	close_watched(loop, &w, &tick);
}

/* freed and reset while the lookup hangs: no callback afterwards, no crash,
 * and the loop goes on (ASan build: no use after free when the thread ends) */
static void test_free_and_reset_while_resolving(void **state)
{
	struct ev_loop *loop = *state;
	struct watch w;
	ev_timer tick;
	struct conn *c = open_watched(loop, &w, &tick, "gone.tsdbtop.test", true);
	harness_run_for(loop, 0.3);
	assert_true(conn_resolving(c));
	close_watched(loop, &w, &tick);
	w.state = CONN_IDLE;
	ev_timer_start(loop, &tick);
	harness_run_for(loop, 0.5);
	assert_true(w.max_gap < 0.25);
	assert_int_equal(w.state, CONN_IDLE);        /* nothing heard from the freed one */

	c = open_watched(loop, &w, &tick, "reset.tsdbtop.test", true);
	harness_run_for(loop, 0.3);
	assert_true(conn_resolving(c));
	set_hosts("127.0.0.1 reset.tsdbtop.test");
	conn_reset(c);                               /* dropped: backoff, then a fresh lookup */
	assert_int_equal(conn_state(c), CONN_BACKOFF);
	assert_false(conn_resolving(c));
	assert_true(harness_run_until(loop, &w.connected, 8));
	printf("# lookups still hanging: %d\n", resolve_running());
	close_watched(loop, &w, &tick);
}

/* every test starts with a silent name server and no extra names */
static int reset_names(void **state)
{
	dns_silent(*state);
	set_hosts(NULL);
	return 0;
}

/* ---- set-up ----------------------------------------------------------------- */

static bool setup_namespace(char *why, size_t n)
{
	if (getuid() != 0) {
		snprintf(why, n, "not root: a private /etc/resolv.conf needs a mount namespace");
		return false;
	}
	if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		snprintf(why, n, "unshare(CLONE_NEWNS): %s", strerror(errno));
		return false;
	}
	if (!mkdtemp(dir)) {
		snprintf(why, n, "mkdtemp: %s", strerror(errno));
		return false;
	}
	/* the name server on a loopback address of its own */
	char ns[32] = "";
	dns_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	for (int i = 1; dns_fd >= 0 && i < 200 && !ns[0]; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(53) };
		snprintf(ns, sizeof ns, "127.53.%d.%d", getpid() % 200 + 1, i);
		inet_pton(AF_INET, ns, &a.sin_addr);
		if (bind(dns_fd, (struct sockaddr *)&a, sizeof a) != 0)
			ns[0] = '\0';
	}
	if (!ns[0]) {
		snprintf(why, n, "no loopback address for a name server: %s", strerror(errno));
		return false;
	}
	char resolv[128], nss[128], text[256];
	snprintf(resolv, sizeof resolv, "%s/resolv.conf", dir);
	snprintf(nss, sizeof nss, "%s/nsswitch.conf", dir);
	snprintf(hosts_path, sizeof hosts_path, "%s/hosts", dir);
	/* 30 s per try, one try: a lookup hangs far longer than any timeout here */
	snprintf(text, sizeof text, "nameserver %s\noptions timeout:30 attempts:1\n", ns);
	write_file(resolv, text);
	write_file(nss, "hosts: files dns\n");
	set_hosts(NULL);
	const char *pairs[][2] = { { resolv, "/etc/resolv.conf" }, { nss, "/etc/nsswitch.conf" },
				   { hosts_path, "/etc/hosts" } };
	for (size_t i = 0; i < 3; i++)
		if (mount(pairs[i][0], pairs[i][1], NULL, MS_BIND, NULL) != 0) {
			snprintf(why, n, "bind mount on %s: %s", pairs[i][1], strerror(errno));
			return false;
		}
	printf("# name server %s (private resolv.conf, hosts, nsswitch.conf in %s)\n", ns, dir);
	return true;
}

int main(void)
{
	const char *pg = harness_env("TSDBTOP_PG15");
	char why[256];
	if (!pg) {
		printf("1..0 # SKIP test_resolve: TSDBTOP_PG15 not set\n");
		return 0;
	}
	const char *p = strstr(pg, "port=");
	snprintf(port, sizeof port, "%.*s", p ? (int)strcspn(p + 5, " ") : 4, p ? p + 5 : "5432");
	/* first, while single-threaded */
	if (!setup_namespace(why, sizeof why)) {
		printf("1..0 # SKIP test_resolve: %s\n", why);
		return 0;
	}
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	ev_io_init(&dns_io, dns_answer_cb, dns_fd, EV_READ);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate_setup_teardown(test_hang_then_resolves, reset_names, NULL, loop),
		cmocka_unit_test_prestate_setup_teardown(test_name_not_known, reset_names, NULL, loop),
		cmocka_unit_test_prestate_setup_teardown(test_multi_host, reset_names, NULL, loop),
		cmocka_unit_test_prestate_setup_teardown(test_free_and_reset_while_resolving, reset_names,
							 NULL, loop),
	};
	int rc = cmocka_run_group_tests_name("resolve (off the loop, PostgreSQL 15)", tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
