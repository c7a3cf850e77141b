/* conn_query — a connection's queries: the FIFO queue with one query in
 * flight, the session setup sent first, prepared statements for the polls,
 * results and errors, the client deadline and cancel (off the loop). See
 * conn_int.h. */
#include "conn_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CANCEL_THREADS 4

static atomic_int cancel_threads;

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
	cn_copy_text(err.message, sizeof err.message, msg);
	struct query *q = c->head;
	c->head = c->tail = NULL;
	while (q) {
		struct query *next = q->next;
		query_finish(c, q, NULL, &err);
		q = next;
	}
}

void cn_fail_queries(struct conn *c, enum conn_error_kind kind, enum conn_error_kind queued,
		     const char *msg)
{
	struct query *q = c->inflight;
	c->inflight = NULL;
	if (q) {
		struct conn_error err = { .kind = kind };
		cn_copy_text(err.message, sizeof err.message, msg);
		query_finish(c, q, NULL, &err);
	}
	fail_queue(c, queued, msg);
}

static void error_from_result(struct conn_error *err, const PGresult *res)
{
	err->kind = CERR_SERVER;
	cn_copy_text(err->sqlstate, sizeof err->sqlstate,
		     PQresultErrorField(res, PG_DIAG_SQLSTATE));
	cn_copy_text(err->message, sizeof err->message,
		     PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	if (!err->message[0])
		cn_copy_text(err->message, sizeof err->message, PQresultErrorMessage(res));
	cn_copy_text(err->detail, sizeof err->detail,
		     PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL));
	cn_copy_text(err->hint, sizeof err->hint,
		     PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
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

/* ---- session setup ---------------------------------------------------- */

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

void cn_queue_session_setup(struct conn *c)
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

void cn_flush(struct conn *c)
{
	int r = PQflush(c->pg);
	if (r < 0)
		cn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
	else
		cn_arm_io(c, r == 1 ? EV_READ | EV_WRITE : EV_READ);
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
			if (c->nprepared < CONN_MAX_STATEMENTS)
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
		cn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
		return true;
	}
	cn_flush(c);
	return true;
}

/* ---- the queue -------------------------------------------------------- */

void cn_pump(struct conn *c)
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
		cn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
		return;
	}
	c->sent_at = ev_now(c->loop);
	cn_set_state(c, CONN_BUSY, NULL);
	if (q->timeout > 0) {
		ev_timer_set(&c->deadline, q->timeout, 0.);
		ev_timer_start(c->loop, &c->deadline);
	}
	cn_flush(c);
}

static void query_done(struct conn *c)
{
	struct query *q = c->inflight;
	PGresult *res = c->result;
	struct conn_error err = c->err;
	c->inflight = NULL;
	c->result = NULL;
	ev_timer_stop(c->loop, &c->deadline);
	cn_set_state(c, CONN_READY, NULL);
	if (err.kind != CERR_NONE) {
		if (res)
			PQclear(res);
		res = NULL;
	}
	query_finish(c, q, res, &err);
	/* the callback may have reset or freed nothing else; go on */
	if (c->state == CONN_READY)
		cn_pump(c);
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

void cn_read(struct conn *c)
{
	if (!PQconsumeInput(c->pg)) {
		cn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
		return;
	}
	discard_notifies(c);
	if (c->inflight)
		drain(c);
	else if (PQstatus(c->pg) == CONNECTION_BAD)
		cn_lost(c, CERR_CONNECTION, PQerrorMessage(c->pg));
}

/* Past the deadline: cancel, then after cancel_grace give the connection up. */
void cn_query_deadline(struct conn *c)
{
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
	cn_lost(c, CERR_TIMEOUT, msg);
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
		q->params[i] = params[i] ? strdup(params[i]) : NULL;
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
	cn_pump(c);
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
