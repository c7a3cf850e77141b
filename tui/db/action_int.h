/* action_int — the inside of the action layer (tui/db only). The public
 * API is include/tsdbtop/action.h; the layer is split by job:
 *
 *   action.c        the runner: life cycle, the state machine
 *                   (idle -> planning -> planned -> running -> done),
 *                   one step at a time, stop, skip, the events logged
 *   action_conn.c   the connection an action uses (a second one, or the
 *                   monitor's) and the SQL templating: "@ts." -> the
 *                   extension's schema, ANALYZE's identifier escaped
 *   action_build.c  one table per action kind (title, plan query, its
 *                   parameters, builder) and the builders: the plan
 *                   query's rows -> steps, or a refusal with its reason
 *   action_chunks.c the chunk list (the screen's chunk dialog)
 *   action_plan.c   pure: plans as data, quoting, what a server allows
 *   action_sql.c    the plan queries' text
 */
#ifndef TSDBTOP_ACTION_INT_H
#define TSDBTOP_ACTION_INT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/action.h"
#include "tsdbtop/conn.h"

/* Deadlines of the action layer's queries (seconds, on the client side). */
#define ACT_PLAN_DEADLINE 60.0     /* a plan query, the chunk list */
#define ACT_MEASURE_DEADLINE 30.0  /* a chunk's compressed size after its step */
#define ACT_STEP_GRACE 30.0        /* a step's deadline past statement_timeout:
                                      the server's own timeout speaks first */
#define ACT_RETENTION_BATCH 10     /* chunks dropped per step */
#define ACT_WHY_LEN 400            /* a refusal's text */

struct action_runner {
	struct ev_loop *loop;
	struct action_config cfg;
	char password[256];
	bool has_password;
	struct conn *own;          /* the action connection */
	bool own_ready;
	bool closing;
	unsigned seq;              /* bumps when a plan/run is abandoned */
	enum action_state state;
	struct action_request req;
	struct action_plan plan;
	int cur;                   /* step in flight, -1 none */
	bool stop_asked;
	double step_started, run_started;
	char message[512];
	bool used_monitor;
	struct actlog log;
	struct chunk_list chunks;
	unsigned chunks_seq;
};

/* What a query callback gets back: whose, of which plan/run (seq), which
 * step (-1 the plan query; the chunk list's sequence number there). */
struct qctx {
	struct action_runner *r;
	unsigned seq;
	int step;
};

/* action.c: the runner's shared pieces */
void ar_changed(struct action_runner *r);
void ar_set_msg(struct action_runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ar_log(struct action_runner *r, const char *event, const char *sql, double dur, const char *result);
/* Refuse the request: state AST_REFUSED, message and log say why. -1. */
int ar_refuse(struct action_runner *r, const char *why);
int ar_refusef(struct action_runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "what: message [SQLSTATE] (hint: ...)" in the console's words. */
void ar_describe_error(const struct action_runner *r, const struct conn_error *err, char *buf, size_t n);

/* action_conn.c */
void ar_open_own(struct action_runner *r);
/* The connection actions use now: the second one when it is up, otherwise
 * the monitor's (queued between its poll queries); NULL when neither is. */
struct conn *ar_use_conn(struct action_runner *r);
/* sql with "@ts." qualified for connection c, malloc'd (NULL: no memory). */
char *ar_expand_sql(const struct action_runner *r, struct conn *c, const char *sql);
/* Send sql (templated) on the connection in use; cb gets a struct qctx
 * (seq = r->seq, step) to free. -1 when not connected. */
int ar_send(struct action_runner *r, const char *sql, int n, const char *const *params,
	    double timeout, conn_result_fn cb, int step);
/* The statement of step s as sent: its sql, or for an identifier step the
 * sql with the identifier escaped by PQescapeIdentifier. -1: not connected. */
int ar_step_sql(struct action_runner *r, const struct action_step *s, char *buf, size_t n);
/* Fill s->shown: the parameters as literals, "@ts." as the quoted schema. */
void ar_step_finish(const struct action_runner *r, struct action_step *s);
/* Add parameter v (NULL: SQL NULL) to s. */
void ar_step_param(struct action_step *s, const char *v);

/* action_build.c: one entry per action kind. Builders fill r->plan from
 * the plan query's answer, or refuse (ar_refuse: state AST_REFUSED); -1
 * when they did not finish. */
struct ar_kind {
	const char *title;
	const char *sql;           /* the plan query; NULL: no plan of its own */
	/* the plan query's parameters: $1 the target; none; $1 the job id;
	 * $1 the aggregate, $2 .. $3 a typed window, $4 an interval back */
	enum { AR_ARGS_TARGET, AR_ARGS_NONE, AR_ARGS_JOB, AR_ARGS_WINDOW } args;
	bool empty_ok;             /* no row is an answer (else: the target is gone) */
	int (*build)(struct action_runner *r, const PGresult *res);
};
const struct ar_kind *ar_kind(enum action_kind k);
/* The plan query's parameters for req, in a (returns how many). */
struct ar_args {
	const char *v[4];
	char target[NAME_LEN * 2 + 4], job[16], from[96], to[96], back[96];
};
int ar_plan_args(const struct action_request *req, struct ar_args *a);

#endif
