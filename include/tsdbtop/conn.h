/* conn — one asynchronous PostgreSQL connection driven by libev.
 *
 * libpq is used only asynchronously (PQconnectStartParams/PQconnectPoll,
 * PQsendQueryParams, PQflush, PQconsumeInput/PQisBusy/PQgetResult) from an
 * ev_io on PQsocket(), re-armed whenever the socket changes. Queries queue
 * FIFO; one is in flight at a time. Every query has a client deadline: when
 * it passes, the statement is cancelled (off the loop) and, if the server
 * still does not answer, the connection is dropped and re-established with
 * backoff (1 s doubling to 30 s by default).
 *
 * Host names are looked up in a thread, not by libpq (whose getaddrinfo
 * blocks): the connection then goes to hostaddr= the addresses found with
 * host= the names as given, which libpq keeps for TLS name checks and
 * .pgpass. A lookup that takes longer than the connect timeout (libpq's
 * connect_timeout when lower) fails like one: "cannot resolve host NAME:
 * timeout ...", backoff, a fresh lookup on the next attempt.
 *
 * This header deliberately does not include libpq-fe.h: callers that parse
 * results include it themselves; screen code never does.
 */
#ifndef TSDBTOP_CONN_H
#define TSDBTOP_CONN_H

#include <stdbool.h>

struct ev_loop;
struct pg_result;
struct pg_conn;
struct conn;

enum conn_state {
	CONN_IDLE,        /* not started */
	CONN_CONNECTING,  /* PQconnectPoll in progress */
	CONN_READY,       /* connected, nothing in flight */
	CONN_BUSY,        /* a query is in flight */
	CONN_BACKOFF,     /* lost or failed; waiting to reconnect */
	CONN_FAILED,      /* gave up (reconnect disabled, or needs a password) */
};

enum conn_error_kind {
	CERR_NONE,
	CERR_SERVER,      /* the server answered with an error (sqlstate set) */
	CERR_TIMEOUT,     /* client deadline passed and the server never answered */
	CERR_CONNECTION,  /* connection lost or could not be sent */
	CERR_CANCELLED,   /* dropped before sending (connection closed/freed) */
};

struct conn_error {
	enum conn_error_kind kind;
	char sqlstate[6];
	char message[512];
	char detail[256];
	char hint[256];
};

/* Called once per query. res is NULL when err->kind != CERR_NONE; it holds
 * the last result of the statement otherwise and is freed after return. */
typedef void (*conn_result_fn)(struct conn *c, struct pg_result *res,
			       const struct conn_error *err, void *ud);

struct conn_callbacks {
	/* State changes; msg explains failures (may be NULL). */
	void (*on_state)(struct conn *c, enum conn_state st, const char *msg,
			 void *ud);
	/* Server notices, already without trailing newline. */
	void (*on_notice)(struct conn *c, const char *msg, void *ud);
	/* Connected (after session setup): the place to probe the server. */
	void (*on_connected)(struct conn *c, void *ud);
};

struct conn_options {
	const char *conninfo;          /* conninfo string or URI; may be NULL */
	const char *const *keywords;   /* extra psql-style -h/-p/-U/-d values */
	const char *const *values;     /* (NULL-terminated, same length) */
	double connect_timeout;        /* seconds; 0 = 10 */
	double statement_timeout;      /* seconds, server side; 0 = off */
	double lock_timeout;           /* seconds, server side; 0 = off */
	double cancel_grace;           /* seconds after cancel before dropping; 0 = 5 */
	double backoff_min, backoff_max; /* 0 = 1 and 30 */
	bool reconnect;                /* reconnect forever after a loss */
	const char *password;          /* from a prompt; NULL = libpq's own */
};

struct conn *conn_new(struct ev_loop *loop, const struct conn_options *opt,
		      const struct conn_callbacks *cb, void *ud);
/* Stops every watcher, fails queued queries with CERR_CANCELLED, PQfinish. */
void conn_free(struct conn *c);

/* Begin connecting (non-blocking). Returns 0, or -1 if it failed at once
 * (the failure is also reported through on_state). */
int conn_start(struct conn *c);

/* Queue a query. params are text, typed in the SQL ($1::regclass, ...).
 * timeout: client deadline in seconds from when it is sent (0 = none).
 * Returns 0, or -1 when the connection is not usable (cb not called). */
int conn_query(struct conn *c, const char *sql, int nparams,
	       const char *const *params, double timeout,
	       conn_result_fn cb, void *ud);

/* Queue a query without parameters that is sent again and again (a poll):
 * prepared once per session and then executed by name, so the server
 * parses and plans it once, not on every poll. Falls back to conn_query's
 * unnamed statement when the prepared one goes missing (DISCARD ALL, a
 * pooler between sessions). Same contract as conn_query otherwise. */
int conn_query_reuse(struct conn *c, const char *sql, double timeout,
		     conn_result_fn cb, void *ud);

/* Ask the server to cancel the statement in flight (never blocks the loop). */
void conn_cancel(struct conn *c);

/* Drop the connection now and reconnect (with backoff rules). */
void conn_reset(struct conn *c);

enum conn_state conn_state(const struct conn *c);
const char *conn_state_name(enum conn_state st);
/* Seconds the query in flight has been waiting (0 when idle). */
double conn_busy_for(const struct conn *c);
/* Queries queued or in flight. */
int conn_pending(const struct conn *c);
/* Last connection-level error message ("" when none). */
const char *conn_last_error(const struct conn *c);
/* True when the last failure was the server asking for a password. */
bool conn_needs_password(const struct conn *c);
/* Seconds until the next reconnect attempt (0 when not backing off). */
double conn_backoff_left(const struct conn *c);
/* True while the host names are being looked up (state CONN_CONNECTING). */
bool conn_resolving(const struct conn *c);
/* Drop the connection as lost with this reason (the session on it is of no
 * use: its probe failed): backoff and reconnect, or CONN_FAILED without
 * reconnect. Nothing when not connecting or connected. */
void conn_fail(struct conn *c, const char *why);
/* The libpq handle, for db-side modules that read parameters (may be NULL). */
struct pg_conn *conn_pg(struct conn *c);

#endif
