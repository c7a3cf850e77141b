/* conn — asynchronous libpq on libev. See include/tsdbtop/conn.h; the
 * module's files and what each does are listed in conn_int.h. This one is
 * the state machine: connect (conn_resolve.c looks host names up first),
 * connected, lost, backoff and reconnect; the socket and timers; the life
 * cycle and the accessors. */
#include "conn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void cn_copy_text(char *dst, size_t n, const char *src)
{
	if (!src)
		src = "";
	snprintf(dst, n, "%s", src);
	/* libpq messages end with a newline; the screen does not want it */
	size_t len = strlen(dst);
	while (len > 0 && (dst[len - 1] == '\n' || dst[len - 1] == ' '))
		dst[--len] = '\0';
}

static double or_default(double v, double def)
{
	return v > 0 ? v : def;
}

void cn_set_state(struct conn *c, enum conn_state st, const char *msg)
{
	bool changed = c->state != st;
	c->state = st;
	if (changed && c->cb.on_state)
		c->cb.on_state(c, st, msg, c->ud);
}

void cn_arm_io(struct conn *c, int events)
{
	int fd = c->pg ? PQsocket(c->pg) : -1;
	if (ev_is_active(&c->io) && fd == c->io_fd && events == c->io_events)
		return;
	ev_io_stop(c->loop, &c->io);
	c->io_fd = fd;
	c->io_events = events;
	if (fd < 0)
		return;
	ev_io_set(&c->io, fd, events);
	ev_io_start(c->loop, &c->io);
}

static void stop_watchers(struct conn *c)
{
	ev_io_stop(c->loop, &c->io);
	ev_timer_stop(c->loop, &c->deadline);
	c->io_fd = -1;
	c->io_events = 0;
}

static void notice_rx(void *arg, const PGresult *res)
{
	struct conn *c = arg;
	char msg[512];
	cn_copy_text(msg, sizeof msg, PQresultErrorMessage(res));
	if (c->cb.on_notice)
		c->cb.on_notice(c, msg, c->ud);
}

/* ---- connecting ------------------------------------------------------- */

void cn_connect_failed(struct conn *c, const char *msg)
{
	char why[1024];
	if (c->pg)
		c->needs_password = PQconnectionNeedsPassword(c->pg) && !c->password;
	const char *text = cn_failure_text(c, msg, why, sizeof why);
	cn_lost(c, CERR_CONNECTION, text ? text : "connection failed");
}

static void connected(struct conn *c)
{
	ev_timer_stop(c->loop, &c->deadline);
	PQsetnonblocking(c->pg, 1);
	c->backoff = c->backoff_min;
	c->needs_password = false;
	c->last_error[0] = '\0';
	c->lookup_note[0] = '\0';
	cn_arm_io(c, EV_READ);
	c->nprepared = 0;          /* a new session has no prepared statements */
	c->no_prepare = false;
	cn_set_state(c, CONN_READY, NULL);
	cn_queue_session_setup(c);
	cn_pump(c);
}

static void connect_step(struct conn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_OK:
		connected(c);
		return;
	case PGRES_POLLING_FAILED:
		cn_connect_failed(c, NULL);
		return;
	case PGRES_POLLING_READING:
		cn_arm_io(c, EV_READ);
		return;
	case PGRES_POLLING_WRITING:
	default:
		cn_arm_io(c, EV_WRITE);
		return;
	}
}

int cn_start_pg(struct conn *c, const char *const *kw, const char *const *val)
{
	c->pg = PQconnectStartParams(kw, val, 1);
	if (!c->pg) {
		cn_connect_failed(c, "out of memory starting a connection");
		return -1;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		cn_connect_failed(c, NULL);
		return -1;
	}
	PQsetNoticeReceiver(c->pg, notice_rx, c);
	cn_set_state(c, CONN_CONNECTING, NULL);
	ev_timer_set(&c->deadline, c->connect_timeout, 0.);
	ev_timer_start(c->loop, &c->deadline);
	cn_arm_io(c, EV_WRITE);
	return 0;
}

int conn_start(struct conn *c)
{
	if (c->state == CONN_CONNECTING || c->state == CONN_READY || c->state == CONN_BUSY)
		return 0;
	ev_timer_stop(c->loop, &c->backoff_timer);
	return cn_resolve_and_connect(c);
}

/* ---- losing the connection -------------------------------------------- */

void cn_lost(struct conn *c, enum conn_error_kind kind, const char *msg)
{
	char why[512];
	cn_copy_text(why, sizeof why, msg);
	stop_watchers(c);
	cn_drop_lookup(c);
	if (c->pg) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	cn_copy_text(c->last_error, sizeof c->last_error, why);
	if (c->result) {
		PQclear(c->result);
		c->result = NULL;
	}
	/* New state first, so that callbacks below cannot queue on a dead
	 * connection; they are told about the state change last. */
	bool retry = c->reconnect && !c->needs_password;
	enum conn_state next = retry ? CONN_BACKOFF : CONN_FAILED;
	bool changed = c->state != next;
	c->state = next;
	if (retry) {
		ev_timer_set(&c->backoff_timer, c->backoff, 0.);
		ev_timer_start(c->loop, &c->backoff_timer);
		c->backoff = c->backoff * 2 > c->backoff_max ? c->backoff_max : c->backoff * 2;
	}
	cn_fail_queries(c, kind, CERR_CONNECTION, why);
	if (changed && c->cb.on_state)
		c->cb.on_state(c, next, why, c->ud);
}

void conn_reset(struct conn *c)
{
	if (c->state == CONN_IDLE || c->state == CONN_FAILED) {
		conn_start(c);
		return;
	}
	if (c->state == CONN_BACKOFF) {
		ev_timer_stop(c->loop, &c->backoff_timer);
		conn_start(c);
		return;
	}
	cn_lost(c, CERR_CONNECTION, "connection reset by tsdbtop");
}

void conn_fail(struct conn *c, const char *why)
{
	if (c->state == CONN_CONNECTING || c->state == CONN_READY || c->state == CONN_BUSY)
		cn_lost(c, CERR_CONNECTION, why);
}

/* ---- watchers --------------------------------------------------------- */

static void backoff_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct conn *c = w->data;
	c->state = CONN_IDLE;   /* silently: conn_start reports connecting */
	conn_start(c);
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	struct conn *c = w->data;
	if (c->state == CONN_CONNECTING) {
		connect_step(c);
		return;
	}
	if (!c->pg)
		return;
	if (revents & EV_WRITE) {
		cn_flush(c);
		if (!c->pg)
			return;
	}
	if (revents & EV_READ)
		cn_read(c);
}

static void deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct conn *c = w->data;
	if (c->state == CONN_CONNECTING && c->lookup) {
		cn_lookup_timed_out(c);
		return;
	}
	if (c->state == CONN_CONNECTING) {
		char msg[128];
		snprintf(msg, sizeof msg, "no answer from the server within %.0f s while connecting",
			 c->connect_timeout);
		cn_connect_failed(c, msg);
		return;
	}
	cn_query_deadline(c);
}

/* ---- life cycle and accessors ----------------------------------------- */

static char **dup_list(const char *const *list)
{
	size_t n = 0;
	while (list && list[n])
		n++;
	char **out = calloc(n + 1, sizeof *out);
	for (size_t i = 0; out && i < n; i++)
		out[i] = strdup(list[i]);
	return out;
}

static void free_list(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

static void copy_options(struct conn *c, const struct conn_options *opt)
{
	c->conninfo = dup_or_null(opt->conninfo);
	c->kw = dup_list(opt->keywords);
	c->vals = dup_list(opt->values);
	c->password = dup_or_null(opt->password);
	c->connect_timeout = or_default(opt->connect_timeout, 10);
	c->statement_timeout = opt->statement_timeout > 0 ? opt->statement_timeout : 0;
	c->lock_timeout = opt->lock_timeout > 0 ? opt->lock_timeout : 0;
	c->cancel_grace = or_default(opt->cancel_grace, 5);
	c->backoff_min = or_default(opt->backoff_min, 1);
	c->backoff_max = or_default(opt->backoff_max, 30);
	c->backoff = c->backoff_min;
	c->reconnect = opt->reconnect;
}

struct conn *conn_new(struct ev_loop *loop, const struct conn_options *opt,
		      const struct conn_callbacks *cb, void *ud)
{
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->loop = loop;
	if (cb)
		c->cb = *cb;
	c->ud = ud;
	copy_options(c, opt);
	c->state = CONN_IDLE;
	c->io_fd = -1;
	ev_init(&c->io, io_cb);
	c->io.data = c;
	ev_init(&c->deadline, deadline_cb);
	c->deadline.data = c;
	ev_init(&c->backoff_timer, backoff_cb);
	c->backoff_timer.data = c;
	cn_resolve_init(c);
	return c;
}

void conn_free(struct conn *c)
{
	if (!c)
		return;
	c->reconnect = false;
	c->cb.on_state = NULL;
	stop_watchers(c);
	cn_drop_lookup(c);
	ev_timer_stop(c->loop, &c->backoff_timer);
	cn_fail_queries(c, CERR_CANCELLED, CERR_CANCELLED, "connection closed");
	if (c->result)
		PQclear(c->result);
	if (c->pg)
		PQfinish(c->pg);
	cn_forget_via(c);
	free(c->conninfo);
	free_list(c->kw);
	free_list(c->vals);
	if (c->password) {
		memset(c->password, 0, strlen(c->password));
		free(c->password);
	}
	free(c);
}

enum conn_state conn_state(const struct conn *c)
{
	return c->state;
}

const char *conn_state_name(enum conn_state st)
{
	static const char *const names[] = {
		[CONN_IDLE] = "idle", [CONN_CONNECTING] = "connecting",
		[CONN_READY] = "connected", [CONN_BUSY] = "busy",
		[CONN_BACKOFF] = "reconnecting", [CONN_FAILED] = "failed",
	};
	return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "?";
}

const char *conn_last_error(const struct conn *c)
{
	return c->last_error;
}

bool conn_needs_password(const struct conn *c)
{
	return c->needs_password;
}

double conn_backoff_left(const struct conn *c)
{
	if (c->state != CONN_BACKOFF)
		return 0;
	return ev_timer_remaining(c->loop, (ev_timer *)&c->backoff_timer);
}

struct pg_conn *conn_pg(struct conn *c)
{
	return c->pg;
}
