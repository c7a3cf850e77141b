/* Unit: which hosts of a connection need a lookup off the loop, libpq's
 * own view of the parameters (PGHOST, service files, multi-host lists)
 * without touching the network, and the host/hostaddr/port lists built
 * from the addresses found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ev.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/resolve.h"

static void fake_addrs(struct resolve_host *h, const char *a, const char *b)
{
	h->addrs[h->naddrs++] = strdup(a);
	if (b)
		h->addrs[h->naddrs++] = strdup(b);
}

static void test_split(void **state)
{
	(void)state;
	struct resolve_plan p;
	/* socket directory, abstract socket, IP literals, the default: no lookup */
	assert_int_equal(resolve_plan_split(&p, "/tmp", NULL, "5432"), 0);
	resolve_plan_free(&p);
	assert_int_equal(resolve_plan_split(&p, "@pg", NULL, NULL), 0);
	resolve_plan_free(&p);
	assert_int_equal(resolve_plan_split(&p, "127.0.0.1,::1,fe80::1%1", NULL, NULL), 0);
	resolve_plan_free(&p);
	assert_int_equal(resolve_plan_split(&p, NULL, NULL, NULL), 0);
	assert_int_equal(p.n, 1);
	resolve_plan_free(&p);
	/* a hostaddr given by the user: libpq goes there, the name is for TLS */
	assert_int_equal(resolve_plan_split(&p, "db.example", "10.0.0.5", NULL), 0);
	resolve_plan_free(&p);
	/* names, mixed with the rest; an empty element is the default socket */
	assert_int_equal(resolve_plan_split(&p, "a.example,/run/pg,,b.example,10.1.1.1", NULL, "1,2,3,4,5"), 2);
	assert_int_equal(p.n, 5);
	assert_true(p.port_each);
	assert_true(p.h[0].lookup);
	assert_false(p.h[1].lookup);
	assert_false(p.h[2].lookup);
	assert_string_equal(p.h[2].host, "");
	assert_true(p.h[3].lookup);
	assert_string_equal(p.h[3].port, "4");
	assert_false(p.h[4].lookup);
	char names[128];
	resolve_plan_names(&p, names, sizeof names);
	assert_string_equal(names, "a.example, b.example");
	resolve_plan_free(&p);
	/* partial hostaddr: only the element without one is looked up */
	assert_int_equal(resolve_plan_split(&p, "a.example,b.example", ",10.0.0.2", NULL), 1);
	assert_true(p.h[0].lookup);
	assert_false(p.h[1].lookup);
	resolve_plan_free(&p);
	/* lists that do not fit together: libpq says why, not us */
	assert_int_equal(resolve_plan_split(&p, "a,b,c", NULL, "1,2"), -1);
	assert_int_equal(resolve_plan_split(&p, "a,b", "10.0.0.1", NULL), -1);
	assert_int_equal(resolve_plan_split(&p, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", NULL, NULL), -1);
}

static void test_lists(void **state)
{
	(void)state;
	struct resolve_plan p;
	char host[512], addr[512], port[128], err[256];
	assert_int_equal(resolve_plan_split(&p, "a.example,/run/pg,b.example,c.example", NULL, "5432"), 3);
	fake_addrs(&p.h[0], "10.0.0.1", "2001:db8::1");
	p.h[2].gai_err = EAI_NONAME;
	fake_addrs(&p.h[3], "10.0.0.3", NULL);
	assert_int_equal(resolve_plan_lists(&p, host, sizeof host, addr, sizeof addr, port, sizeof port,
					    err, sizeof err), 4);
	/* every address of a name is tried, under the name */
	assert_string_equal(host, "a.example,a.example,/run/pg,c.example");
	assert_string_equal(addr, "10.0.0.1,2001:db8::1,,10.0.0.3");
	assert_string_equal(port, "");          /* one port for all: as given */
	assert_string_equal(err, "cannot resolve host b.example: name not known");
	resolve_plan_free(&p);

	/* ports per host follow their host */
	assert_int_equal(resolve_plan_split(&p, "a.example,10.9.9.9", NULL, "6001,6002"), 1);
	fake_addrs(&p.h[0], "10.0.0.1", "10.0.0.2");
	assert_int_equal(resolve_plan_lists(&p, host, sizeof host, addr, sizeof addr, port, sizeof port,
					    err, sizeof err), 3);
	assert_string_equal(host, "a.example,a.example,10.9.9.9");
	assert_string_equal(addr, "10.0.0.1,10.0.0.2,");
	assert_string_equal(port, "6001,6001,6002");
	assert_string_equal(err, "");
	resolve_plan_free(&p);

	/* nothing resolved: nothing to connect to, and why */
	assert_int_equal(resolve_plan_split(&p, "a.example,b.example", NULL, NULL), 2);
	p.h[0].gai_err = EAI_NONAME;
	p.h[1].gai_err = EAI_AGAIN;
	assert_int_equal(resolve_plan_lists(&p, host, sizeof host, addr, sizeof addr, port, sizeof port,
					    err, sizeof err), 0);
	assert_non_null(strstr(err, "cannot resolve host a.example: name not known; cannot resolve host b.example: "));
	assert_true(err[strlen("cannot resolve host a.example: name not known; cannot resolve host b.example: ")] >= 'a');
	resolve_plan_free(&p);

	/* lists too long for the buffers: refused, not cut */
	assert_int_equal(resolve_plan_split(&p, "a.example", NULL, NULL), 1);
	fake_addrs(&p.h[0], "10.0.0.1", "10.0.0.2");
	char small[12];
	assert_int_equal(resolve_plan_lists(&p, host, sizeof host, small, sizeof small, port, sizeof port,
					    err, sizeof err), 0);
	assert_string_equal(err, "too many host addresses to try");
	resolve_plan_free(&p);
}

/* libpq's view: flags over the conninfo, PGHOST, a service file, a given
 * sslmode; never a lookup or a socket (the names below do not exist). */
static void test_from_params(void **state)
{
	(void)state;
	struct resolve_plan p;
	unsetenv("PGHOST");
	unsetenv("PGHOSTADDR");
	unsetenv("PGSERVICE");
	const char *kw1[] = { "dbname", "host", NULL };
	const char *v1[] = { "host=/tmp port=6000 sslmode=require connect_timeout=1", "flag.invalid", NULL };
	assert_int_equal(resolve_plan_from_params(&p, kw1, v1), 1);
	assert_string_equal(p.h[0].host, "flag.invalid");
	assert_string_equal(p.h[0].port, "6000");
	assert_true(p.libpq_timeout == 2);      /* libpq's minimum */
	resolve_plan_free(&p);

	const char *kw2[] = { "dbname", NULL };
	const char *v2[] = { "postgresql://u@uri-a.invalid:6001,10.0.0.9:6002/db", NULL };
	assert_int_equal(resolve_plan_from_params(&p, kw2, v2), 1);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.h[0].host, "uri-a.invalid");
	assert_true(p.port_each);
	assert_string_equal(p.h[1].port, "6002");
	resolve_plan_free(&p);

	setenv("PGHOST", "env-a.invalid,env-b.invalid", 1);
	const char *kw3[] = { "dbname", NULL };
	const char *v3[] = { "dbname=x", NULL };
	assert_int_equal(resolve_plan_from_params(&p, kw3, v3), 2);
	resolve_plan_free(&p);
	unsetenv("PGHOST");

	char svc[] = "/tmp/tsdbtop-svc-XXXXXX";
	int fd = mkstemp(svc);
	assert_true(fd >= 0);
	const char body[] = "[mon]\nhost=svc.invalid\nport=6543\n";
	assert_int_equal(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
	close(fd);
	setenv("PGSERVICEFILE", svc, 1);
	const char *v4[] = { "service=mon", NULL };
	assert_int_equal(resolve_plan_from_params(&p, kw3, v4), 1);
	assert_string_equal(p.h[0].host, "svc.invalid");
	assert_string_equal(p.h[0].port, "6543");
	resolve_plan_free(&p);
	unsetenv("PGSERVICEFILE");
	unlink(svc);

	/* options libpq refuses before ours: -1, the real connect says why */
	const char *v5[] = { "host=a.invalid,b.invalid port=1,2,3", NULL };
	assert_int_equal(resolve_plan_from_params(&p, kw3, v5), -1);
	const char *v6[] = { "host='unterminated", NULL };
	assert_int_equal(resolve_plan_from_params(&p, kw3, v6), -1);
	/* a socket: nothing to look up */
	const char *v7[] = { "host=/var/run/postgresql", NULL };
	assert_int_equal(resolve_plan_from_params(&p, kw3, v7), 0);
	resolve_plan_free(&p);
}

/* libpq's "ADDR" for a host reached by hostaddr: the name said too */
static void test_name_addrs(void **state)
{
	(void)state;
	char out[512];
	resolve_name_addrs("connection to server at \"10.0.0.1\", port 5432 failed: refused\n"
			   "connection to server at \"2001:db8::1\", port 5432 failed: timeout",
			   "a.example,a.example,/tmp", "10.0.0.1,2001:db8::1,", out, sizeof out);
	assert_string_equal(out, "connection to server at \"a.example\" (10.0.0.1), port 5432 failed: refused\n"
				 "connection to server at \"a.example\" (2001:db8::1), port 5432 failed: timeout");
	/* a prefix of an address is not the address; a quote at the end is harmless */
	resolve_name_addrs("at \"10.0.0.10\" and \"", "a.example", "10.0.0.1", out, sizeof out);
	assert_string_equal(out, "at \"10.0.0.10\" and \"");
	/* no room for both: as libpq said it */
	char small[40];
	resolve_name_addrs("connection to server at \"10.0.0.1\", port 1", "a-long-name.example", "10.0.0.1",
			   small, sizeof small);
	assert_string_equal(small, "connection to server at \"10.0.0.1\", por");
}

struct waiter {
	struct resolve_job *job;
	struct resolve_plan out;
	bool done;
};

static void wake_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)revents;
	struct waiter *wt = w->data;
	if (resolve_take(wt->job, &wt->out)) {
		wt->done = true;
		ev_async_stop(loop, w);
	}
}

/* The thread: localhost from /etc/hosts, the loop woken; an abandoned job
 * frees itself. */
static void test_thread(void **state)
{
	(void)state;
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct waiter wt = { 0 };
	ev_async wake;
	ev_async_init(&wake, wake_cb);
	wake.data = &wt;
	ev_async_start(loop, &wake);
	struct resolve_plan p;
	assert_int_equal(resolve_plan_split(&p, "localhost", NULL, NULL), 1);
	wt.job = resolve_start(&p, loop, &wake);
	assert_non_null(wt.job);
	assert_int_equal(p.n, 0);               /* taken over */
	ev_run(loop, 0);                        /* ends when the async watcher stops */
	assert_true(wt.done);
	assert_true(wt.out.h[0].naddrs >= 1);
	resolve_plan_free(&wt.out);

	ev_async_start(loop, &wake);
	assert_int_equal(resolve_plan_split(&p, "localhost", NULL, NULL), 1);
	struct resolve_job *j = resolve_start(&p, loop, &wake);
	assert_non_null(j);
	resolve_abandon(j);
	ev_async_stop(loop, &wake);
	for (int i = 0; i < 500 && resolve_running() > 0; i++)
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	assert_int_equal(resolve_running(), 0);
	ev_loop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_from_params),
		cmocka_unit_test(test_name_addrs),
		cmocka_unit_test(test_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
