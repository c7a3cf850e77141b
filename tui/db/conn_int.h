/* conn_int — the inside of the connection module (tui/db/conn*.c only).
 * The public API is include/tsdbtop/conn.h; the module is split by job:
 *
 *   conn.c          the state machine: connect, connected, lost, backoff
 *                   and reconnect, the watchers, the public life cycle
 *   conn_query.c    the query queue: session setup, prepared statements,
 *                   results and errors, deadlines and cancel
 *   conn_resolve.c  host names off the loop: which hosts to look up, the
 *                   lookup's completion, the host/hostaddr lists connected
 *                   with, failed-connect messages that name them
 *   conn_params.c   the parameters handed to libpq (see conn_params.h)
 */
#ifndef TSDBTOP_CONN_INT_H
#define TSDBTOP_CONN_INT_H

#include <ev.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tsdbtop/conn.h"

#define CONN_MAX_STATEMENTS 32     /* prepared statements remembered a session */
#define CONN_MAX_PARAMS 64         /* keywords handed to PQconnectStartParams */

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
	uint64_t prepared[CONN_MAX_STATEMENTS];  /* statements of this session, by hash */
	int nprepared;
	bool no_prepare;        /* they vanished once (DISCARD ALL, a pooler): unnamed only */
	PGresult *result;       /* last good result of the query in flight */
	struct conn_error err;  /* first error of the query in flight */
	ev_tstamp sent_at;
	bool cancel_sent;
	bool needs_password;
	char last_error[512];
};

/* conn.c */
void cn_copy_text(char *dst, size_t n, const char *src);   /* without libpq's trailing newline */
void cn_set_state(struct conn *c, enum conn_state st, const char *msg);
void cn_arm_io(struct conn *c, int events);
/* Start libpq on these parameters (state CONN_CONNECTING); -1 when it failed at once. */
int cn_start_pg(struct conn *c, const char *const *kw, const char *const *val);
/* The attempt failed: msg, or libpq's message (NULL); backoff or failed. */
void cn_connect_failed(struct conn *c, const char *msg);
/* The connection is gone: watchers, lookup, libpq handle and queries dropped. */
void cn_lost(struct conn *c, enum conn_error_kind kind, const char *msg);

/* conn_query.c */
void cn_queue_session_setup(struct conn *c);   /* before anything queued */
void cn_pump(struct conn *c);                  /* send the next query when ready */
void cn_flush(struct conn *c);                 /* PQflush, re-arm the socket */
void cn_read(struct conn *c);                  /* input arrived on a session */
void cn_query_deadline(struct conn *c);        /* the query in flight is late */
/* Every query ends: the one in flight with kind, the queued ones with queued. */
void cn_fail_queries(struct conn *c, enum conn_error_kind kind, enum conn_error_kind queued,
		     const char *msg);

/* conn_resolve.c */
void cn_resolve_init(struct conn *c);
/* Connect, first looking up the host names libpq would (off the loop). */
int cn_resolve_and_connect(struct conn *c);
void cn_drop_lookup(struct conn *c);           /* abandon a lookup in flight */
void cn_lookup_timed_out(struct conn *c);
void cn_forget_via(struct conn *c);
/* Why the attempt failed, into buf: msg, or libpq's message (msg NULL)
 * with the names put back; the names that did not resolve first. NULL
 * when there is neither. */
const char *cn_failure_text(const struct conn *c, const char *msg, char *buf, size_t n);

/* conn_params.c: conninfo, flags and password as libpq keywords; room is
 * left for 3 more before the NULL at max - 1. Returns how many. */
size_t cn_build_params(const struct conn *c, const char **kw, const char **val, size_t max);

#endif
