/* conn_resolve — a connection's host names looked up off the loop (libpq
 * would block it in getaddrinfo): which hosts need a lookup (libpq's own
 * view of its parameters, resolve_plan_from_params), the lookup handed to
 * a thread (tui/db/resolve.c) and its completion on the loop, the
 * host/hostaddr lists connected with, and failure messages that name the
 * hosts again. See conn_int.h. */
#include "conn_int.h"
#include "tsdbtop/resolve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void wake_cb(struct ev_loop *loop, ev_async *w, int revents);

void cn_resolve_init(struct conn *c)
{
	ev_async_init(&c->wake, wake_cb);
	c->wake.data = c;
}

void cn_forget_via(struct conn *c)
{
	free(c->via_host);
	free(c->via_addr);
	c->via_host = c->via_addr = NULL;
}

/* Host names are looked up in a thread; the connection starts when
 * wake_cb hears it is done. */
static int start_lookup(struct conn *c, struct resolve_plan *plan)
{
	resolve_plan_names(plan, c->lookup_names, sizeof c->lookup_names);
	c->lookup_timeout = plan->libpq_timeout > 0 && plan->libpq_timeout < c->connect_timeout
				    ? plan->libpq_timeout : c->connect_timeout;
	ev_async_start(c->loop, &c->wake);
	c->lookup = resolve_start(plan, c->loop, &c->wake);
	resolve_plan_free(plan);
	if (!c->lookup) {
		char msg[400];
		ev_async_stop(c->loop, &c->wake);
		snprintf(msg, sizeof msg, "cannot resolve host %s: %d earlier lookups still hang",
			 c->lookup_names, resolve_running());
		cn_connect_failed(c, msg);
		return -1;
	}
	cn_set_state(c, CONN_CONNECTING, NULL);
	ev_timer_set(&c->deadline, c->lookup_timeout, 0.);
	ev_timer_start(c->loop, &c->deadline);
	return 0;
}

int cn_resolve_and_connect(struct conn *c)
{
	const char *kw[CONN_MAX_PARAMS], *val[CONN_MAX_PARAMS];
	c->lookup_note[0] = '\0';
	cn_forget_via(c);
	cn_build_params(c, kw, val, CONN_MAX_PARAMS);
	struct resolve_plan plan;
	if (resolve_plan_from_params(&plan, kw, val) > 0)
		return start_lookup(c, &plan);
	resolve_plan_free(&plan);
	return cn_start_pg(c, kw, val);
}

void cn_drop_lookup(struct conn *c)
{
	if (!c->lookup)
		return;
	resolve_abandon(c->lookup);
	c->lookup = NULL;
	ev_async_stop(c->loop, &c->wake);
}

void cn_lookup_timed_out(struct conn *c)
{
	char msg[400];
	cn_drop_lookup(c);    /* its thread ends when the resolver gives up */
	snprintf(msg, sizeof msg, "cannot resolve host %s: timeout (no answer within %.0f s)",
		 c->lookup_names, c->lookup_timeout);
	cn_connect_failed(c, msg);
}

/* The lookup is done: connect to the addresses it found. */
static void connect_via(struct conn *c, const char *host, const char *addr, const char *port)
{
	c->via_host = strdup(host);
	c->via_addr = strdup(addr);
	/* hostaddr: where to go; host as given: TLS name checks and .pgpass */
	const char *kw[CONN_MAX_PARAMS], *val[CONN_MAX_PARAMS];
	size_t k = cn_build_params(c, kw, val, CONN_MAX_PARAMS);
	kw[k] = "host";
	val[k++] = host;
	kw[k] = "hostaddr";
	val[k++] = addr;
	if (port[0]) {
		kw[k] = "port";
		val[k++] = port;
	}
	kw[k] = val[k] = NULL;
	cn_start_pg(c, kw, val);
}

static void wake_cb(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)loop;
	(void)revents;
	struct conn *c = w->data;
	struct resolve_plan plan;
	if (!c->lookup || !resolve_take(c->lookup, &plan))
		return;
	c->lookup = NULL;
	ev_async_stop(c->loop, &c->wake);
	ev_timer_stop(c->loop, &c->deadline);
	char host[2048], addr[2048], port[512], err[512];
	int n = resolve_plan_lists(&plan, host, sizeof host, addr, sizeof addr, port, sizeof port,
				   err, sizeof err);
	resolve_plan_free(&plan);
	if (n <= 0) {
		cn_connect_failed(c, err);
		return;
	}
	snprintf(c->lookup_note, sizeof c->lookup_note, "%s", err);
	cn_forget_via(c);
	connect_via(c, host, addr, port);
}

const char *cn_failure_text(const struct conn *c, const char *msg, char *buf, size_t n)
{
	char named[1024];
	if (!msg && c->pg) {
		msg = PQerrorMessage(c->pg);
		if (c->via_host && c->via_addr) {   /* "ADDR" -> "NAME" (ADDR) */
			resolve_name_addrs(msg, c->via_host, c->via_addr, named, sizeof named);
			msg = named;
		}
	}
	if (!msg)
		return NULL;
	/* the names that did not resolve, first */
	snprintf(buf, n, "%s%s%s", c->lookup_note, c->lookup_note[0] ? "; " : "", msg);
	return buf;
}

bool conn_resolving(const struct conn *c)
{
	return c->lookup != NULL;
}
