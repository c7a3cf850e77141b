/* conn — asynchronous libpq on libev. See include/tsdbtop/conn.h. */
#include "tsdbtop/conn.h"
#include "tsdbtop/resolve.h"

#include <ev.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_CANCEL_THREADS 4

#define MAX_STATEMENTS 32

/* How a query goes to the server: as an unnamed statement (parsed and
 * planned every time), or as a named one prepared once per session. */
enum stage { STAGE_UNNAMED, STAGE_PREPARE, STAGE_EXECUTE, STAGE_DONE };

struct query {
	struct query *next;
	char *sql;
	int nparams;
	char **params;
	double timeout;
	conn_result_fn cb;
	void *ud;
	bool internal;          /* session setup: not counted as user work */
	bool reuse;             /* prepare once, execute by name (no params) */
	bool unprepared;        /* the server refused to prepare it: sent unnamed */
	uint64_t hash;          /* of sql: names the prepared statement */
	enum stage stage;
};

struct conn {
	struct ev_loop *loop;
	struct conn_callbacks cb;
	void *ud;
	/* options, owned copies */
	char *conninfo;
	char **kw, **vals;
	char *password;
	double connect_timeout, statement_timeout, lock_timeout, cancel_grace;
	double backoff_min, backoff_max, backoff;
	bool reconnect;

	PGconn *pg;
	enum conn_state state;
	ev_io io;
	int io_fd, io_events;
	ev_timer deadline;      /* connect timeout or query deadline */
	ev_timer backoff_timer;
	ev_async wake;          /* a host name lookup is done */
	struct resolve_job *lookup;   /* in flight, off the loop */
	char lookup_names[256];
	double lookup_timeout;
	char lookup_note[512];  /* names that did not resolve while others did */
	char *via_host, *via_addr;    /* the lists connected with after a lookup */

	struct query *head, *tail, *inflight;
	uint64_t prepared[MAX_STATEMENTS];  /* statements of this session, by hash */
	int nprepared;
	bool no_prepare;        /* they vanished once (DISCARD ALL, a pooler): unnamed only */
	PGresult *result;       /* last good result of the query in flight */
	struct conn_error err;  /* first error of the query in flight */
	ev_tstamp sent_at;
	bool cancel_sent;
	bool needs_password;
	char last_error[512];
};

static atomic_int cancel_threads;

static void io_cb(struct ev_loop *loop, ev_io *w, int revents);
static void wake_cb(struct ev_loop *loop, ev_async *w, int revents);
static void deadline_cb(struct ev_loop *loop, ev_timer *w, int revents);
static void backoff_cb(struct ev_loop *loop, ev_timer *w, int revents);
static void conn_lost(struct conn *c, enum conn_error_kind kind, const char *msg);
static void pump(struct conn *c);

/* ---- small helpers ---------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void copy_text(char *dst, size_t n, const char *src)
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

static void set_state(struct conn *c, enum conn_state st, const char *msg)
{
	bool changed = c->state != st;
	c->state = st;
	if (changed && c->cb.on_state)
		c->cb.on_state(c, st, msg, c->ud);
}

static void arm_io(struct conn *c, int events)
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

static void query_free(struct query *q)
{
	if (!q)
		return;
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	free(q->sql);
	free(q);
}

static void query_finish(struct conn *c, struct query *q, PGresult *res,
			 const struct conn_error *err)
{
	if (q->cb)
		q->cb(c, res, err, q->ud);
	if (res)
		PQclear(res);
	query_free(q);
}

static void fail_queue(struct conn *c, enum conn_error_kind kind, const char *msg)
{
	struct conn_error err = { .kind = kind };
	copy_text(err.message, sizeof err.message, msg);
	struct query *q = c->head;
	c->head = c->tail = NULL;
	while (q) {
		struct query *next = q->next;
		query_finish(c, q, NULL, &err);
		q = next;
	}
}

static void error_from_result(struct conn_error *err, const PGresult *res)
{
	err->kind = CERR_SERVER;
	copy_text(err->sqlstate, sizeof err->sqlstate,
		  PQresultErrorField(res, PG_DIAG_SQLSTATE));
	copy_text(err->message, sizeof err->message,
		  PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	if (!err->message[0])
		copy_text(err->message, sizeof err->message, PQresultErrorMessage(res));
	copy_text(err->detail, sizeof err->detail,
		  PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
	copy_text(err->hint, sizeof err->hint,
		  PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
}

static void notice_rx(void *arg, const PGresult *res)
{
	struct conn *c = arg;
	char msg[512];
	copy_text(msg, sizeof msg, PQresultErrorMessage(res));
	if (c->cb.on_notice)
		c->cb.on_notice(c, msg, c->ud);
}

/* ---- cancel, off the loop ---------------------------------------------- */

static void *cancel_main(void *arg)
{
	PGcancel *pc = arg;
	char buf[256];
	(void)PQcancel(pc, buf, sizeof buf);   /* blocking: that is why we are here */
	PQfreeCancel(pc);
	atomic_fetch_sub(&cancel_threads, 1);
	return NULL;
}

void conn_cancel(struct conn *c)
{
	if (!c->pg || !c->inflight || c->cancel_sent)
		return;
	c->cancel_sent = true;
	if (atomic_load(&cancel_threads) >= MAX_CANCEL_THREADS)
		return;   /* earlier cancels are stuck: the deadline will drop us */
	PGcancel *pc = PQgetCancel(c->pg);
	if (!pc)
		return;
	pthread_attr_t attr;
	pthread_t th;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	atomic_fetch_add(&cancel_threads, 1);
	if (pthread_create(&th, &attr, cancel_main, pc) != 0) {
		atomic_fetch_sub(&cancel_threads, 1);
		PQfreeCancel(pc);
	}
	pthread_attr_destroy(&attr);
}

/* ---- connecting ------------------------------------------------------- */

/* libpq's default gssencmode=prefer asks Kerberos for credentials on every
 * TCP connect, which maps the krb5 libraries' pages (~0.6 MB resident, make
 * bench). Where Kerberos cannot have any (no krb5.conf, no KRB5_CONFIG, no
 * KRB5CCNAME, no default file cache), prefer finds none and goes on without
 * GSS encryption: say disable up front, the same outcome. Never where the
 * user may have chosen (PGGSSENCMODE, a service file); a gssencmode in the
 * conninfo comes later in the parameters and wins. */
static bool gss_pointless(const char *conninfo)
{
	char cc[64];
	if (getenv("PGGSSENCMODE") || getenv("PGSERVICE") || getenv("KRB5_CONFIG") || getenv("KRB5CCNAME"))
		return false;
	for (const char *p = conninfo; p && *p; p++)
		if (strncasecmp(p, "service", 7) == 0)
			return false;
	snprintf(cc, sizeof cc, "/tmp/krb5cc_%lu", (unsigned long)getuid());
	return access("/etc/krb5.conf", F_OK) != 0 && access(cc, F_OK) != 0;
}

/* Returns the number of parameters; room is left for 3 more. */
static size_t build_params(struct conn *c, const char **kw, const char **val, size_t max)
{
	size_t n = 0;
	if (gss_pointless(c->conninfo)) {
		kw[n] = "gssencmode";
		val[n++] = "disable";
	}
	if (c->conninfo) {
		kw[n] = "dbname";
		val[n++] = c->conninfo;
	}
	for (size_t i = 0; c->kw && c->kw[i] && n + 7 < max; i++) {
		kw[n] = c->kw[i];
		val[n++] = c->vals[i];
	}
	if (c->password) {
		kw[n] = "password";
		val[n++] = c->password;
	}
	kw[n] = "fallback_application_name";
	val[n++] = "tsdbtop";
	kw[n] = NULL;
	val[n] = NULL;
	return n;
}

static void forget_via(struct conn *c)
{
	free(c->via_host);
	free(c->via_addr);
	c->via_host = c->via_addr = NULL;
}

static void connect_failed(struct conn *c, const char *msg)
{
	char both[1024], named[1024];
	if (c->pg) {
		c->needs_password = PQconnectionNeedsPassword(c->pg) && !c->password;
		if (!msg) {
			msg = PQerrorMessage(c->pg);
			if (c->via_host && c->via_addr) {   /* "ADDR" -> "NAME" (ADDR) */
				resolve_name_addrs(msg, c->via_host, c->via_addr, named, sizeof named);
				msg = named;
			}
		}
	}
	if (c->lookup_note[0] && msg) {   /* the names that did not resolve, first */
		snprintf(both, sizeof both, "%s; %s", c->lookup_note, msg);
		msg = both;
	}
	conn_lost(c, CERR_CONNECTION, msg ? msg : "connection failed");
}

static void session_ready(struct conn *c, struct pg_result *res,
			  const struct conn_error *err, void *ud)
{
	(void)res;
	(void)ud;
	if (err->kind == CERR_SERVER && c->cb.on_notice) {
		char msg[600];
		snprintf(msg, sizeof msg, "session setup: %s", err->message);
		c->cb.on_notice(c, msg, c->ud);
	}
	if (err->kind == CERR_NONE || err->kind == CERR_SERVER)
		if (c->cb.on_connected)
			c->cb.on_connected(c, c->ud);
}

static void queue_session_setup(struct conn *c)
{
	char st[32], lt[32];
	snprintf(st, sizeof st, "%.0f", c->statement_timeout * 1000.0);
	snprintf(lt, sizeof lt, "%.0f", c->lock_timeout * 1000.0);
	const char *params[] = { st, lt };
	struct query *q = calloc(1, sizeof *q);
	if (!q)
		return;
	q->sql = strdup("SELECT pg_catalog.set_config('statement_timeout', $1, false),"
			" pg_catalog.set_config('lock_timeout', $2, false)");
	q->params = calloc(2, sizeof *q->params);
	if (!q->sql || !q->params) {
		query_free(q);
		return;
	}
	q->nparams = 2;
	q->params[0] = strdup(params[0]);
	q->params[1] = strdup(params[1]);
	q->timeout = c->connect_timeout;
	q->cb = session_ready;
	q->internal = true;
	/* before anything the caller queued */
	q->next = c->head;
	c->head = q;
	if (!c->tail)
		c->tail = q;
}

static void connected(struct conn *c)
{
	ev_timer_stop(c->loop, &c->deadline);
	PQsetnonblocking(c->pg, 1);
	c->backoff = c->backoff_min;
	c->needs_password = false;
	c->last_error[0] = '\0';
	c->lookup_note[0] = '\0';
	arm_io(c, EV_READ);
	c->nprepared = 0;          /* a new session has no prepared statements */
	c->no_prepare = false;
	set_state(c, CONN_READY, NULL);
	queue_session_setup(c);
	pump(c);
}

static void connect_step(struct conn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_OK:
		connected(c);
		return;
	case PGRES_POLLING_FAILED:
		connect_failed(c, NULL);
		return;
	case PGRES_POLLING_READING:
		arm_io(c, EV_READ);
		return;
	case PGRES_POLLING_WRITING:
	default:
		arm_io(c, EV_WRITE);
		return;
	}
}

static int start_pg(struct conn *c, const char *const *kw, const char *const *val)
{
	c->pg = PQconnectStartParams(kw, val, 1);
	if (!c->pg) {
		connect_failed(c, "out of memory starting a connection");
		return -1;
	}
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		connect_failed(c, NULL);
		return -1;
	}
	PQsetNoticeReceiver(c->pg, notice_rx, c);
	set_state(c, CONN_CONNECTING, NULL);
	ev_timer_set(&c->deadline, c->connect_timeout, 0.);
	ev_timer_start(c->loop, &c->deadline);
	arm_io(c, EV_WRITE);
	return 0;
}

/* Host names are looked up in a thread (libpq would block the loop in
 * getaddrinfo); the connection starts when wake_cb hears it is done. */
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
		connect_failed(c, msg);
		return -1;
	}
	set_state(c, CONN_CONNECTING, NULL);
	ev_timer_set(&c->deadline, c->lookup_timeout, 0.);
	ev_timer_start(c->loop, &c->deadline);
	return 0;
}

static void drop_lookup(struct conn *c)
{
	if (!c->lookup)
		return;
	resolve_abandon(c->lookup);
	c->lookup = NULL;
	ev_async_stop(c->loop, &c->wake);
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
		connect_failed(c, err);
		return;
	}
	snprintf(c->lookup_note, sizeof c->lookup_note, "%s", err);
	forget_via(c);
	c->via_host = strdup(host);
	c->via_addr = strdup(addr);
	/* hostaddr: where to go; host as given: TLS name checks and .pgpass */
	const char *kw[64], *val[64];
	size_t k = build_params(c, kw, val, 64);
	kw[k] = "host";
	val[k++] = host;
	kw[k] = "hostaddr";
	val[k++] = addr;
	if (port[0]) {
		kw[k] = "port";
		val[k++] = port;
	}
	kw[k] = val[k] = NULL;
	start_pg(c, kw, val);
}

int conn_start(struct conn *c)
{
	const char *kw[64], *val[64];
	if (c->state == CONN_CONNECTING || c->state == CONN_READY || c->state == CONN_BUSY)
		return 0;
	ev_timer_stop(c->loop, &c->backoff_timer);
	c->lookup_note[0] = '\0';
	forget_via(c);
	build_params(c, kw, val, 64);
	struct resolve_plan plan;
	if (resolve_plan_from_params(&plan, kw, val) > 0)
		return start_lookup(c, &plan);
	resolve_plan_free(&plan);
	return start_pg(c, kw, val);
}

/* ---- losing the connection -------------------------------------------- */

static void conn_lost(struct conn *c, enum conn_error_kind kind, const char *msg)
{
	char why[512];
	copy_text(why, sizeof why, msg);
	stop_watchers(c);
	drop_lookup(c);
	if (c->pg) {
		PQfinish(c->pg);
		c->pg = NULL;
	}
	copy_text(c->last_error, sizeof c->last_error, why);
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
	struct query *q = c->inflight;
	c->inflight = NULL;
	if (q) {
		struct conn_error err = { .kind = kind };
		copy_text(err.message, sizeof err.message, why);
		query_finish(c, q, NULL, &err);
	}
	fail_queue(c, CERR_CONNECTION, why);
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
	conn_lost(c, CERR_CONNECTION, "connection reset by tsdbtop");
}

static void backoff_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct conn *c = w->data;
	c->state = CONN_IDLE;   /* silently: conn_start reports connecting */
	conn_start(c);
}

/* ---- queries ---------------------------------------------------------- */

static void flush_out(struct conn *c)
{
	int r = PQflush(c->pg);
	if (r < 0)
		conn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
	else
		arm_io(c, r == 1 ? EV_READ | EV_WRITE : EV_READ);
}

/* ---- prepared statements ---------------------------------------------- */
/* A query sent every poll is parsed and planned once per session: named
 * after a hash of its text, so that sessions that share a backend (an
 * embedded server serving several clients in one session) find the same
 * text under the same name. Where named statements do not work (a pooler
 * or proxy that refuses them or moves us between server sessions, DISCARD
 * ALL), the query runs unnamed and this connection stops preparing. */

static uint64_t text_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;          /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void statement_name(char *buf, size_t n, uint64_t hash)
{
	snprintf(buf, n, "tsdbtop_%016llx", (unsigned long long)hash);
}

static bool is_prepared(const struct conn *c, uint64_t hash)
{
	for (int i = 0; i < c->nprepared; i++)
		if (c->prepared[i] == hash)
			return true;
	return false;
}

/* Sends the query's current stage; 0 when libpq could not. */
static int send_stage(struct conn *c, struct query *q)
{
	char name[32];
	statement_name(name, sizeof name, q->hash);
	switch (q->stage) {
	case STAGE_PREPARE:
		return PQsendPrepare(c->pg, name, q->sql, 0, NULL);
	case STAGE_EXECUTE:
		return PQsendQueryPrepared(c->pg, name, 0, NULL, NULL, NULL, 0);
	case STAGE_UNNAMED:
	default:
		return PQsendQueryParams(c->pg, q->sql, q->nparams, NULL,
					 (const char *const *)q->params, NULL, NULL, 0);
	}
}

static bool sqlstate_is(const struct conn_error *err, const char *code)
{
	return err->kind == CERR_SERVER && strcmp(err->sqlstate, code) == 0;
}

/* The stage in flight has ended (its error, if any, in c->err): what next. */
static enum stage next_stage(struct conn *c, struct query *q)
{
	switch (q->stage) {
	case STAGE_PREPARE:
		/* 42P05: a session sharing our backend prepared the same text */
		if (c->err.kind == CERR_NONE || sqlstate_is(&c->err, "42P05")) {
			if (c->nprepared < MAX_STATEMENTS)
				c->prepared[c->nprepared++] = q->hash;
			return STAGE_EXECUTE;
		}
		/* refused: unnamed then, whose error (if any) is the one to
		 * report; not after a cancel (the deadline is running out) */
		if (c->err.kind == CERR_SERVER && !sqlstate_is(&c->err, "57014")) {
			q->unprepared = true;
			return STAGE_UNNAMED;
		}
		return STAGE_DONE;
	case STAGE_EXECUTE:
		/* 26000: the statement is gone; 0A000: "cached plan must not
		 * change result type" (a view it reads was replaced, as by ALTER
		 * EXTENSION ... UPDATE), which would fail every poll */
		if (sqlstate_is(&c->err, "26000") || sqlstate_is(&c->err, "0A000")) {
			c->nprepared = 0;
			c->no_prepare = true;
			return STAGE_UNNAMED;
		}
		return STAGE_DONE;
	case STAGE_UNNAMED:
	default:
		if (q->unprepared && c->err.kind == CERR_NONE)
			c->no_prepare = true;          /* works unnamed, not prepared */
		return STAGE_DONE;
	}
}

/* Returns true when the query goes on with another stage. */
static bool continue_query(struct conn *c)
{
	struct query *q = c->inflight;
	enum stage st = next_stage(c, q);
	if (st == STAGE_DONE)
		return false;
	if (c->result) {
		PQclear(c->result);
		c->result = NULL;
	}
	memset(&c->err, 0, sizeof c->err);
	q->stage = st;
	if (!send_stage(c, q)) {
		conn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
		return true;
	}
	flush_out(c);
	return true;
}

static void pump(struct conn *c)
{
	if (c->state != CONN_READY || c->inflight || !c->head)
		return;
	struct query *q = c->head;
	c->head = q->next;
	if (!c->head)
		c->tail = NULL;
	q->next = NULL;
	c->inflight = q;
	c->cancel_sent = false;
	memset(&c->err, 0, sizeof c->err);
	if (!q->reuse || c->no_prepare)
		q->stage = STAGE_UNNAMED;
	else
		q->stage = is_prepared(c, q->hash) ? STAGE_EXECUTE : STAGE_PREPARE;
	if (!send_stage(c, q)) {
		conn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
		return;
	}
	c->sent_at = ev_now(c->loop);
	set_state(c, CONN_BUSY, NULL);
	if (q->timeout > 0) {
		ev_timer_set(&c->deadline, q->timeout, 0.);
		ev_timer_start(c->loop, &c->deadline);
	}
	flush_out(c);
}

static void query_done(struct conn *c)
{
	struct query *q = c->inflight;
	PGresult *res = c->result;
	struct conn_error err = c->err;
	c->inflight = NULL;
	c->result = NULL;
	ev_timer_stop(c->loop, &c->deadline);
	set_state(c, CONN_READY, NULL);
	if (err.kind != CERR_NONE) {
		if (res)
			PQclear(res);
		res = NULL;
	}
	query_finish(c, q, res, &err);
	/* the callback may have reset or freed nothing else; go on */
	if (c->state == CONN_READY)
		pump(c);
}

static void take_result(struct conn *c, PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR || st == PGRES_BAD_RESPONSE) {
		if (c->err.kind == CERR_NONE)
			error_from_result(&c->err, res);
		PQclear(res);
		return;
	}
	if (c->result)
		PQclear(c->result);
	c->result = res;
}

/* Drain everything PQconsumeInput brought in: no further readiness event
 * will come for results that are already buffered. */
static void drain(struct conn *c)
{
	while (c->inflight && !PQisBusy(c->pg)) {
		PGresult *res = PQgetResult(c->pg);
		if (!res) {
			if (continue_query(c))
				continue;
			query_done(c);
			return;
		}
		take_result(c, res);
	}
}

static void discard_notifies(struct conn *c)
{
	PGnotify *n;
	while ((n = PQnotifies(c->pg)) != NULL)
		PQfreemem(n);
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
		flush_out(c);
		if (!c->pg)
			return;
	}
	if (revents & EV_READ) {
		if (!PQconsumeInput(c->pg)) {
			conn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
			return;
		}
		discard_notifies(c);
		if (c->inflight)
			drain(c);
		else if (PQstatus(c->pg) == CONNECTION_BAD)
			conn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
	}
}

static void deadline_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct conn *c = w->data;
	if (c->state == CONN_CONNECTING && c->lookup) {
		char msg[400];
		drop_lookup(c);    /* its thread ends when the resolver gives up */
		snprintf(msg, sizeof msg, "cannot resolve host %s: timeout (no answer within %.0f s)",
			 c->lookup_names, c->lookup_timeout);
		connect_failed(c, msg);
		return;
	}
	if (c->state == CONN_CONNECTING) {
		char msg[128];
		snprintf(msg, sizeof msg, "no answer from the server within %.0f s while connecting",
			 c->connect_timeout);
		connect_failed(c, msg);
		return;
	}
	if (!c->inflight)
		return;
	if (!c->cancel_sent) {
		conn_cancel(c);
		ev_timer_set(&c->deadline, c->cancel_grace, 0.);
		ev_timer_start(c->loop, &c->deadline);
		return;
	}
	char msg[160];
	snprintf(msg, sizeof msg, "no answer from the server for %.0f s; reconnecting",
		 ev_now(c->loop) - c->sent_at);
	conn_lost(c, CERR_TIMEOUT, msg);
}

static int enqueue(struct conn *c, const char *sql, int nparams,
		   const char *const *params, double timeout, bool reuse,
		   conn_result_fn cb, void *ud)
{
	if (c->state != CONN_READY && c->state != CONN_BUSY)
		return -1;
	struct query *q = calloc(1, sizeof *q);
	if (!q)
		return -1;
	q->sql = strdup(sql);
	q->params = nparams > 0 ? calloc((size_t)nparams, sizeof *q->params) : NULL;
	if (!q->sql || (nparams > 0 && !q->params)) {
		query_free(q);
		return -1;
	}
	q->nparams = nparams;
	for (int i = 0; i < nparams; i++)
		q->params[i] = dup_or_null(params[i]);
	q->timeout = timeout;
	q->reuse = reuse && nparams == 0;
	q->hash = q->reuse ? text_hash(sql) : 0;
	q->cb = cb;
	q->ud = ud;
	if (c->tail)
		c->tail->next = q;
	else
		c->head = q;
	c->tail = q;
	pump(c);
	return 0;
}

int conn_query(struct conn *c, const char *sql, int nparams,
	       const char *const *params, double timeout,
	       conn_result_fn cb, void *ud)
{
	return enqueue(c, sql, nparams, params, timeout, false, cb, ud);
}

int conn_query_reuse(struct conn *c, const char *sql, double timeout,
		     conn_result_fn cb, void *ud)
{
	return enqueue(c, sql, 0, NULL, timeout, true, cb, ud);
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
	c->state = CONN_IDLE;
	c->io_fd = -1;
	ev_init(&c->io, io_cb);
	c->io.data = c;
	ev_init(&c->deadline, deadline_cb);
	c->deadline.data = c;
	ev_init(&c->backoff_timer, backoff_cb);
	c->backoff_timer.data = c;
	ev_async_init(&c->wake, wake_cb);
	c->wake.data = c;
	return c;
}

void conn_free(struct conn *c)
{
	if (!c)
		return;
	c->reconnect = false;
	c->cb.on_state = NULL;
	stop_watchers(c);
	drop_lookup(c);
	ev_timer_stop(c->loop, &c->backoff_timer);
	struct query *q = c->inflight;
	c->inflight = NULL;
	if (q) {
		struct conn_error err = { .kind = CERR_CANCELLED };
		copy_text(err.message, sizeof err.message, "connection closed");
		query_finish(c, q, NULL, &err);
	}
	fail_queue(c, CERR_CANCELLED, "connection closed");
	if (c->result)
		PQclear(c->result);
	if (c->pg)
		PQfinish(c->pg);
	forget_via(c);
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

double conn_busy_for(const struct conn *c)
{
	return c->inflight ? ev_now(c->loop) - c->sent_at : 0;
}

int conn_pending(const struct conn *c)
{
	int n = c->inflight && !c->inflight->internal ? 1 : 0;
	for (const struct query *q = c->head; q; q = q->next)
		n += !q->internal;
	return n;
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

bool conn_resolving(const struct conn *c)
{
	return c->lookup != NULL;
}

void conn_fail(struct conn *c, const char *why)
{
	if (c->state == CONN_CONNECTING || c->state == CONN_READY || c->state == CONN_BUSY)
		conn_lost(c, CERR_CONNECTION, why);
}

struct pg_conn *conn_pg(struct conn *c)
{
	return c->pg;
}
