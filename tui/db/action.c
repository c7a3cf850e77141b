/* action — the action runner: a plan asked for (the plan query is out),
 * built (action_build.c), confirmed, then run one step at a time on the
 * action connection (action_conn.c), stoppable, every event recorded in
 * the action log. See include/tsdbtop/action.h and action_int.h. */
#include "action_int.h"

#include <ev.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_sql.h"
#include "tsdbtop/cli.h"
#include "tsdbtop/format.h"
#include "tsdbtop/pgerror.h"
#include "tsdbtop/pgres.h"

/* ---- the runner's shared pieces ------------------------------------------ */

void ar_changed(struct action_runner *r)
{
	if (r->cfg.on_change && !r->closing)
		r->cfg.on_change(r->cfg.ud);
}

void ar_set_msg(struct action_runner *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
}

void ar_log(struct action_runner *r, const char *event, const char *sql, double dur, const char *result)
{
	actlog_add(&r->log, event, action_kind_name(r->plan.kind ? r->plan.kind : r->req.kind),
		   r->plan.target[0] ? r->plan.target : "", sql, dur, result);
}

int ar_refuse(struct action_runner *r, const char *why)
{
	r->state = AST_REFUSED;
	ar_set_msg(r, "%s", why);
	ar_log(r, "refused", "", NAN, why);
	ar_changed(r);
	return -1;
}

int ar_refusef(struct action_runner *r, const char *fmt, ...)
{
	char why[ACT_WHY_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return ar_refuse(r, why);
}

void ar_describe_error(const struct action_runner *r, const struct conn_error *err, char *buf, size_t n)
{
	const char *what;
	if (err->kind == CERR_CONNECTION)
		what = "connection lost mid-action";
	else if (err->kind == CERR_TIMEOUT)
		what = "no answer from the server";
	else if (err->kind == CERR_CANCELLED)
		what = "connection closed";
	else {
		struct pgerr_words w = pgerror_words(err->sqlstate, err->message);
		if (w.cls == PGERR_CANCELED && r->stop_asked)
			what = PGERR_WORDS_STOPPED;
		else
			what = w.words ? w.words : "error";
	}
	snprintf(buf, n, "%s: %s%s%s%s", what, err->message, err->sqlstate[0] ? " [" : "",
		 err->sqlstate, err->sqlstate[0] ? "]" : "");
	if (err->hint[0]) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, " (hint: %s)", err->hint);
	}
}

/* ---- configuration and life cycle ----------------------------------------- */

void action_config_default(struct action_config *c)
{
	memset(c, 0, sizeof *c);
	c->own_connection = true;
}

struct action_runner *action_runner_new(struct ev_loop *loop, const struct action_config *cfg)
{
	struct action_runner *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->loop = loop;
	r->cfg = *cfg;
	if (r->cfg.statement_timeout <= 0)
		r->cfg.statement_timeout = ACTION_STATEMENT_TIMEOUT;
	if (r->cfg.lock_timeout <= 0)
		r->cfg.lock_timeout = cfg->opt && cfg->opt->lock_timeout > 0 ? cfg->opt->lock_timeout
									 : ACTION_LOCK_TIMEOUT;
	if (cfg->password) {
		snprintf(r->password, sizeof r->password, "%s", cfg->password);
		r->has_password = true;
	}
	r->cfg.password = NULL;
	r->cur = -1;
	actlog_init(&r->log, cfg->log_path);
	actlog_set_server(&r->log, cfg->server_name);
	if (!cfg->read_only && cfg->own_connection)
		ar_open_own(r);
	return r;
}

void action_runner_free(struct action_runner *r)
{
	if (!r)
		return;
	r->closing = true;
	r->seq++;
	if (r->state == AST_RUNNING || r->state == AST_STOPPING) {
		int done = 0;
		for (int i = 0; i < r->plan.nsteps; i++)
			done += r->plan.steps[i].state == STEP_DONE;
		char res[128];
		snprintf(res, sizeof res, "console closed: %d of %d steps done, the step in flight was cancelled",
			 done, r->plan.nsteps);
		if (r->own)
			conn_cancel(r->own);
		ar_log(r, "stop", "", NAN, res);
	}
	conn_free(r->own);
	action_plan_free(&r->plan);
	free(r->chunks.v);
	memset(r->password, 0, sizeof r->password);
	free(r);
}

enum action_state action_state(const struct action_runner *r) { return r->state; }
const struct action_plan *action_current(const struct action_runner *r) { return &r->plan; }
const char *action_message(const struct action_runner *r) { return r->message; }
bool action_read_only(const struct action_runner *r) { return r->cfg.read_only; }
const struct actlog *action_log(const struct action_runner *r) { return &r->log; }

const char *action_where(const struct action_runner *r)
{
	if (r->own && r->own_ready)
		return "on a second connection";
	return "queued on the monitor connection (no second connection)";
}

void action_progress(const struct action_runner *r, int *done, int *total, double *before,
		     double *after)
{
	int d = 0, t = 0;
	double b = 0, a = 0;
	bool have_b = false, have_a = false;
	for (int i = 0; i < r->plan.nsteps; i++) {
		const struct action_step *s = &r->plan.steps[i];
		if (s->state == STEP_SKIPPED)
			continue;
		t++;
		if (s->state != STEP_DONE)
			continue;
		d++;
		if (!isnan(s->bytes_before)) { b += s->bytes_before; have_b = true; }
		if (!isnan(s->bytes_after)) { a += s->bytes_after; have_a = true; }
	}
	if (done) *done = d;
	if (total) *total = t;
	if (before) *before = have_b ? b : NAN;
	if (after) *after = have_a ? a : NAN;
}

static bool busy(const struct action_runner *r)
{
	return r->state == AST_PLANNING || r->state == AST_RUNNING || r->state == AST_STOPPING;
}

/* ---- planning ------------------------------------------------------------------ */

static void plan_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct qctx *q = ud;
	struct action_runner *r = q->r;
	bool stale = q->seq != r->seq || r->closing || r->state != AST_PLANNING;
	free(q);
	if (stale)
		return;
	if (err->kind != CERR_NONE) {
		char why[600];
		ar_describe_error(r, err, why, sizeof why);
		ar_refuse(r, why);
		return;
	}
	const struct ar_kind *k = ar_kind(r->req.kind);
	if (PQntuples(res) < 1 && !k->empty_ok) {
		ar_refuse(r, "the target is gone");
		return;
	}
	if (k->build)
		k->build(r, res);
	else
		ar_refuse(r, "unknown action");
	if (r->state == AST_REFUSED)
		return;
	r->state = AST_PLANNED;
	ar_set_msg(r, "%s %s: confirm with %s", r->plan.title, r->plan.target,
		   r->plan.destructive ? "the typed name and Enter" : "Enter or y");
	ar_changed(r);
}

int action_prepare(struct action_runner *r, const struct action_request *req)
{
	char why[ACT_WHY_LEN];
	if (busy(r))
		return -1;   /* the current one stays; the caller says why */
	const struct ar_kind *k = ar_kind(req->kind);
	action_plan_free(&r->plan);
	r->req = *req;
	action_plan_init(&r->plan, req->kind, k->title);
	if (req->schema[0] || req->name[0])
		action_qualify(r->plan.target, sizeof r->plan.target, req->schema, req->name);
	else if (req->job_id)
		snprintf(r->plan.target, sizeof r->plan.target, "job %d", req->job_id);
	r->message[0] = '\0';
	if (action_unavailable(req->kind, r->cfg.server, r->cfg.read_only, why, sizeof why))
		return ar_refuse(r, why);
	if (!k->sql)
		return ar_refuse(r, "this action needs a plan of its own");
	if ((k->args == AR_ARGS_TARGET || k->args == AR_ARGS_WINDOW) && !req->name[0])
		return ar_refuse(r, "no target selected");
	struct ar_args a;
	int n = ar_plan_args(req, &a);
	r->seq++;
	r->state = AST_PLANNING;
	ar_set_msg(r, "planning %s %s", r->plan.title, r->plan.target);
	if (ar_send(r, k->sql, n, a.v, ACT_PLAN_DEADLINE, plan_cb, -1) != 0)
		return ar_refuse(r, "not connected: the action cannot be planned now");
	ar_changed(r);
	return 0;
}

int action_prepare_plan(struct action_runner *r, const struct action_plan *p)
{
	char why[ACT_WHY_LEN];
	if (busy(r))
		return -1;
	action_plan_free(&r->plan);
	memset(&r->req, 0, sizeof r->req);
	r->req.kind = p->kind;
	r->plan = *p;
	r->plan.steps = NULL;
	r->plan.nsteps = r->plan.cap = 0;
	for (int i = 0; i < p->nsteps; i++) {
		struct action_step *s = action_plan_add(&r->plan);
		if (!s)
			return ar_refuse(r, "out of memory");
		*s = p->steps[i];
		s->state = STEP_PENDING;
		ar_step_finish(r, s);
	}
	if (action_unavailable(p->kind, r->cfg.server, r->cfg.read_only, why, sizeof why))
		return ar_refuse(r, why);
	r->state = AST_PLANNED;
	r->seq++;
	ar_changed(r);
	return 0;
}

void action_dismiss(struct action_runner *r)
{
	if (r->state == AST_RUNNING || r->state == AST_STOPPING)
		return;
	if (r->state == AST_PLANNED)
		ar_log(r, "cancel", "", NAN, "dismissed at the confirmation: nothing ran");
	r->seq++;
	r->state = AST_IDLE;
	r->message[0] = '\0';
	ar_changed(r);
}

void action_skip(struct action_runner *r, int i, bool skip)
{
	if (i < 0 || i >= r->plan.nsteps)
		return;
	struct action_step *s = &r->plan.steps[i];
	if (skip && s->state == STEP_PENDING)
		s->state = STEP_SKIPPED;
	else if (!skip && s->state == STEP_SKIPPED)
		s->state = STEP_PENDING;
	ar_changed(r);
}

/* ---- running ------------------------------------------------------------------- */

static void run_next(struct action_runner *r);

static void finish(struct action_runner *r, const char *event, const char *how)
{
	int done, total;
	double b, a;
	action_progress(r, &done, &total, &b, &a);
	char sizes[96] = "", bb[32], ab[32];
	if (!isnan(b) && !isnan(a))
		snprintf(sizes, sizeof sizes, ", %s -> %s", fmt_bytes(bb, sizeof bb, b), fmt_bytes(ab, sizeof ab, a));
	int skipped = 0;
	for (int i = 0; i < r->plan.nsteps; i++)
		if (r->plan.steps[i].state == STEP_SKIPPED) {
			skipped++;
			ar_log(r, "skip", r->plan.steps[i].shown, NAN, "skipped by the operator: not run");
		}
	/* the counts first: the status line may cut the end */
	if (r->plan.kind == ACT_JOB_RUN && strcmp(event, "done") == 0 && r->plan.nsteps == 1 &&
	    r->plan.steps[0].state == STEP_DONE)  /* which path it took */
		ar_set_msg(r, "%s %s: %s (%.1f s)", r->plan.title, r->plan.target,
			   strstr(r->plan.steps[0].sql, "alter_job")
			   ? "scheduled now via alter_job; the scheduler will run it"
			   : "ran in this session with CALL run_job", ev_time() - r->run_started);
	else
		ar_set_msg(r, "%s %s: %d/%d steps, %s%s%s%.0d%s in %.1f s", r->plan.title, r->plan.target, done, total,
			   how, sizes, skipped ? ", " : "", skipped, skipped ? " skipped" : "", ev_time() - r->run_started);
	r->state = AST_DONE;
	r->cur = -1;
	ar_log(r, event, "", ev_time() - r->run_started, r->message);
	ar_changed(r);
}

/* Step i failed with err: it and every pending step after it end. */
static void step_failed(struct action_runner *r, int i, const struct conn_error *err)
{
	struct action_step *s = &r->plan.steps[i];
	ar_describe_error(r, err, s->result, sizeof s->result);
	bool stopped = r->stop_asked && (err->kind != CERR_SERVER ||
					 pgerror_words(err->sqlstate, err->message).cls == PGERR_CANCELED);
	s->state = stopped ? STEP_STOPPED : STEP_FAILED;
	ar_log(r, stopped ? "stop" : "error", s->shown, s->duration, s->result);
	for (int k = i + 1; k < r->plan.nsteps; k++)
		if (r->plan.steps[k].state == STEP_PENDING)
			r->plan.steps[k].state = STEP_STOPPED;
	char how[400];
	if (stopped)
		snprintf(how, sizeof how, "stopped by the operator at step %d/%d (rolled back)", i + 1, r->plan.nsteps);
	else
		snprintf(how, sizeof how, "failed at step %d/%d: %s", i + 1, r->plan.nsteps, s->result);
	finish(r, stopped ? "stopped" : "failed", how);
}

/* "ok: first value ... (N rows)" */
static void step_result(struct action_step *s, const PGresult *res)
{
	if (!res || PQntuples(res) < 1 || PQnfields(res) < 1) {
		snprintf(s->result, sizeof s->result, "ok");
		return;
	}
	int rows = PQntuples(res);
	snprintf(s->result, sizeof s->result, "ok: %s%s", PQgetisnull(res, 0, 0) ? "NULL" : PQgetvalue(res, 0, 0),
		 rows > 1 ? " ..." : "");
	if (rows > 1) {
		size_t l = strlen(s->result);
		snprintf(s->result + l, sizeof s->result - l, " (%d rows)", rows);
	}
}

static void measure_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct qctx *q = ud;
	struct action_runner *r = q->r;
	bool stale = q->seq != r->seq || r->closing;
	int i = q->step;
	free(q);
	if (stale)
		return;
	if (err->kind == CERR_NONE && res && PQntuples(res) > 0 && i >= 0 && i < r->plan.nsteps) {
		struct action_step *s = &r->plan.steps[i];
		double b = pgres_double(res, 0, "before_bytes", NAN);
		if (!isnan(b))
			s->bytes_before = b;
		s->bytes_after = pgres_double(res, 0, "after_bytes", NAN);
	}
	run_next(r);
}

static void step_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct qctx *q = ud;
	struct action_runner *r = q->r;
	bool stale = q->seq != r->seq || r->closing;
	int i = q->step;
	free(q);
	if (stale || i < 0 || i >= r->plan.nsteps)
		return;
	struct action_step *s = &r->plan.steps[i];
	s->duration = ev_time() - r->step_started;
	if (err->kind != CERR_NONE) {
		step_failed(r, i, err);
		return;
	}
	s->state = STEP_DONE;
	step_result(s, res);
	ar_log(r, "step", s->shown, s->duration, s->result);
	if (s->measure && !r->stop_asked) {
		const char *p[1] = { s->params[0] };
		if (ar_send(r, action_sql_measure, 1, p, ACT_MEASURE_DEADLINE, measure_cb, i) == 0) {
			ar_changed(r);
			return;
		}
	}
	run_next(r);
}

/* Step i could not be sent: result says why (the log too), the run ends. */
static void not_sent(struct action_runner *r, int i, const char *result, const char *how)
{
	struct action_step *s = &r->plan.steps[i];
	s->state = STEP_FAILED;
	snprintf(s->result, sizeof s->result, "%s", result);
	ar_log(r, "error", s->shown, NAN, s->result);
	finish(r, "failed", how);
}

static void run_next(struct action_runner *r)
{
	if (r->stop_asked) {
		for (int k = 0; k < r->plan.nsteps; k++)
			if (r->plan.steps[k].state == STEP_PENDING)
				r->plan.steps[k].state = STEP_STOPPED;
		finish(r, "stopped", "stopped by the operator before the next step");
		return;
	}
	int i = -1;
	for (int k = 0; k < r->plan.nsteps && i < 0; k++)
		if (r->plan.steps[k].state == STEP_PENDING)
			i = k;
	if (i < 0) {
		finish(r, "done", "finished");
		return;
	}
	struct action_step *s = &r->plan.steps[i];
	char sql[ACT_SQL_MAX + 300];
	if (ar_step_sql(r, s, sql, sizeof sql) != 0) {
		not_sent(r, i, "not connected (cannot quote the identifier)", "failed: not connected");
		return;
	}
	const char *params[ACT_PARAMS];
	for (int k = 0; k < s->nparams; k++)
		params[k] = s->param_null[k] ? NULL : s->params[k];
	s->state = STEP_RUNNING;
	r->cur = i;
	r->step_started = ev_time();
	if (ar_send(r, sql, s->nparams, params, r->cfg.statement_timeout + ACT_STEP_GRACE, step_cb, i) != 0) {
		char how[96];
		snprintf(how, sizeof how, "failed at step %d/%d: not connected", i + 1, r->plan.nsteps);
		not_sent(r, i, "connection lost mid-action: not connected", how);
		return;
	}
	ar_changed(r);
}

int action_confirm(struct action_runner *r, const char *typed)
{
	char why[ACT_WHY_LEN];
	if (r->state != AST_PLANNED)
		return -1;
	if (action_unavailable(r->plan.kind, r->cfg.server, r->cfg.read_only, why, sizeof why))
		return ar_refuse(r, why);
	if (r->plan.destructive && (!typed || strcmp(typed, r->plan.confirm_name) != 0)) {
		ar_set_msg(r, "type the name %s exactly to confirm", r->plan.confirm_name);
		ar_changed(r);
		return -1;
	}
	r->state = AST_RUNNING;
	r->stop_asked = false;
	r->run_started = ev_time();
	char start[400];
	snprintf(start, sizeof start, "%d step%s %s: %s", r->plan.nsteps, r->plan.nsteps == 1 ? "" : "s",
		 action_where(r), r->plan.effect);
	ar_log(r, "start", r->plan.nsteps ? r->plan.steps[0].shown : "", NAN, start);
	run_next(r);
	return 0;
}

void action_stop(struct action_runner *r)
{
	if (r->state != AST_RUNNING)
		return;
	r->stop_asked = true;
	r->state = AST_STOPPING;
	ar_set_msg(r, "stopping %s %s: cancelling the statement in flight", r->plan.title, r->plan.target);
	/* Cancel only on our own connection: on the monitor's, the statement
	 * in flight may be a poll query; the stop then takes effect after the
	 * current step. */
	if (r->own && !r->used_monitor && r->cur >= 0)
		conn_cancel(r->own);
	ar_changed(r);
}
