/* action — the action runner: plans built from a query on the server,
 * executed one step at a time on a second connection (or queued on the
 * monitor connection when there is none), stoppable, recorded. See
 * include/tsdbtop/action.h. */
#include "tsdbtop/action.h"

#include <ev.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_sql.h"
#include "tsdbtop/chunk_status.h"
#include "tsdbtop/cli.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/format.h"
#include "tsdbtop/pgerror.h"
#include "tsdbtop/pgres.h"

#define RETENTION_BATCH 10

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

struct qctx {
	struct action_runner *r;
	unsigned seq;
	int step;
};

static void changed(struct action_runner *r)
{
	if (r->cfg.on_change && !r->closing)
		r->cfg.on_change(r->cfg.ud);
}

static void set_msg(struct action_runner *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_msg(struct action_runner *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
}

static void log_event(struct action_runner *r, const char *event, const char *sql, double dur,
		      const char *result)
{
	actlog_add(&r->log, event, action_kind_name(r->plan.kind ? r->plan.kind : r->req.kind),
		   r->plan.target[0] ? r->plan.target : "", sql, dur, result);
}

/* ---- connections -------------------------------------------------------- */

static void own_state(struct conn *c, enum conn_state st, const char *msg, void *ud)
{
	(void)c;
	(void)msg;
	struct action_runner *r = ud;
	if (st == CONN_BACKOFF || st == CONN_FAILED || st == CONN_CONNECTING || st == CONN_IDLE)
		r->own_ready = false;
	changed(r);
}

static void own_connected(struct conn *c, void *ud)
{
	(void)c;
	struct action_runner *r = ud;
	r->own_ready = true;
	changed(r);
}

static void open_own(struct action_runner *r)
{
	const struct options *o = r->cfg.opt;
	if (!o)
		return;
	const char *kw[5], *val[5];
	int n = 0;
	if (o->host) { kw[n] = "host"; val[n++] = o->host; }
	if (o->port) { kw[n] = "port"; val[n++] = o->port; }
	if (o->user) { kw[n] = "user"; val[n++] = o->user; }
	if (o->dbname) { kw[n] = "dbname"; val[n++] = o->dbname; }
	kw[n] = val[n] = NULL;
	struct conn_options co = {
		.conninfo = o->conninfo, .keywords = kw, .values = val,
		.statement_timeout = r->cfg.statement_timeout,
		.lock_timeout = r->cfg.lock_timeout,
		.reconnect = true, .password = r->has_password ? r->password : NULL,
	};
	static const struct conn_callbacks cbs = { .on_state = own_state, .on_connected = own_connected };
	r->own = conn_new(r->loop, &co, &cbs, r);
	if (r->own)
		conn_start(r->own);
}

/* The connection actions use now: the second one when it is up,
 * otherwise the monitor's (queued between its poll queries). */
static struct conn *use_conn(struct action_runner *r)
{
	if (r->own && r->own_ready) {
		enum conn_state st = conn_state(r->own);
		if (st == CONN_READY || st == CONN_BUSY)
			return r->own;
	}
	if (r->cfg.monitor) {
		enum conn_state st = conn_state(r->cfg.monitor);
		if (st == CONN_READY || st == CONN_BUSY)
			return r->cfg.monitor;
	}
	return NULL;
}

/* TimescaleDB's API lives in the extension's schema: every call is written
 * "@ts.name(" in the SQL and qualified here, with the schema quoted by
 * PQescapeIdentifier (sent) or action_quote_ident (shown). */
static char *replace_ts(const char *sql, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);
	for (const char *p = sql; (p = strstr(p, "@ts.")) != NULL; p += 4)
		n++;
	char *out = malloc(strlen(sql) + n * pl + 1);
	if (!out)
		return NULL;
	char *o = out;
	for (const char *p = sql; *p;) {
		if (strncmp(p, "@ts.", 4) == 0) {
			memcpy(o, prefix, pl);
			o += pl;
			p += 4;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static char *expand_sql(struct action_runner *r, struct conn *c, const char *sql)
{
	const char *sch = r->cfg.server ? r->cfg.server->ts_schema : "";
	PGconn *pg = c ? conn_pg(c) : NULL;
	if (!sch[0] || !pg)
		return replace_ts(sql, "");
	char *q = PQescapeIdentifier(pg, sch, strlen(sch));
	if (!q)
		return NULL;
	char prefix[NAME_LEN * 2 + 8];
	snprintf(prefix, sizeof prefix, "%s.", q);
	PQfreemem(q);
	return replace_ts(sql, prefix);
}

static int send_q(struct action_runner *r, const char *sql, int n, const char *const *params,
		  double timeout, conn_result_fn cb, int step)
{
	struct conn *c = use_conn(r);
	if (!c)
		return -1;
	char *full = expand_sql(r, c, sql);
	struct qctx *q = full ? malloc(sizeof *q) : NULL;
	if (!q) {
		free(full);
		return -1;
	}
	*q = (struct qctx){ r, r->seq, step };
	r->used_monitor = c != r->own;
	int rc = conn_query(c, full, n, params, timeout, cb, q);
	free(full);
	if (rc != 0) {
		free(q);
		return -1;
	}
	return 0;
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
		r->cfg.statement_timeout = 600;
	if (r->cfg.lock_timeout <= 0)
		r->cfg.lock_timeout = cfg->opt && cfg->opt->lock_timeout > 0 ? cfg->opt->lock_timeout : 2;
	if (cfg->password) {
		snprintf(r->password, sizeof r->password, "%s", cfg->password);
		r->has_password = true;
	}
	r->cfg.password = NULL;
	r->cur = -1;
	actlog_init(&r->log, cfg->log_path);
	if (!cfg->read_only && cfg->own_connection)
		open_own(r);
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
		log_event(r, "stop", "", NAN, res);
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
const struct chunk_list *action_chunks(const struct action_runner *r) { return &r->chunks; }

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

/* ---- errors ----------------------------------------------------------------- */

static void describe_error(struct action_runner *r, const struct conn_error *err, char *buf, size_t n)
{
	const char *hint = err->hint[0] ? err->hint : NULL;
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
	if (hint) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, " (hint: %s)", hint);
	}
}

/* ---- refusals ---------------------------------------------------------------- */

static int refuse(struct action_runner *r, const char *why)
{
	r->state = AST_REFUSED;
	set_msg(r, "%s", why);
	log_event(r, "refused", "", NAN, why);
	changed(r);
	return -1;
}

static bool busy(const struct action_runner *r)
{
	return r->state == AST_PLANNING || r->state == AST_RUNNING || r->state == AST_STOPPING;
}

/* ---- building plans from the plan query -------------------------------------- */

static void step_param(struct action_step *s, const char *v)
{
	int i = s->nparams++;
	if (v) {
		snprintf(s->params[i], sizeof s->params[i], "%s", v);
		s->param_null[i] = false;
	} else {
		s->params[i][0] = '\0';
		s->param_null[i] = true;
	}
}

static void step_finish(struct action_runner *r, struct action_step *s)
{
	char raw[sizeof s->shown], prefix[NAME_LEN * 2 + 8] = "";
	const char *sch = r->cfg.server ? r->cfg.server->ts_schema : "";
	action_show_sql(raw, sizeof raw, s);
	if (sch[0]) {
		action_quote_ident(prefix, sizeof prefix - 1, sch);
		size_t pl = strlen(prefix); /* < sizeof prefix - 1: room for the dot */
		prefix[pl] = '.';
		prefix[pl + 1] = '\0';
	}
	char *shown = replace_ts(raw, prefix);
	snprintf(s->shown, sizeof s->shown, "%s", shown ? shown : raw);
	free(shown);
}

static bool owner_ok(struct action_runner *r, const PGresult *res, const char *what, const char *name)
{
	if (pgres_bool(res, 0, "owner", true))
		return true;
	char why[400];
	snprintf(why, sizeof why, "permission: %s needs the owner of %s (owned by %s); role %s is not a member",
		 what, name, pgres_text(res, 0, "owner_name", "?"),
		 r->cfg.server ? r->cfg.server->user : "?");
	refuse(r, why);
	return false;
}

static void build_compress(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	char name[NAME_LEN * 2 + 4];
	action_qualify(name, sizeof name, pgres_text(res, 0, "rel_schema", ""), pgres_text(res, 0, "rel_name", ""));
	snprintf(p->target, sizeof p->target, "%s", name);
	if (pgres_isnull(res, 0, "ht_id")) {
		char why[300];
		snprintf(why, sizeof why, "%s is not a hypertable", name);
		refuse(r, why);
		return;
	}
	if (pgres_ll(res, 0, "compression_state", 0) != 1) {
		char why[300];
		snprintf(why, sizeof why, "compression is not enabled on %s (ALTER TABLE ... SET (timescaledb.compress))", name);
		refuse(r, why);
		return;
	}
	if (!owner_ok(r, res, "compress", name))
		return;
	const char *after = pgres_text(res, 0, "compress_after", NULL);
	if (!after) {
		char why[300];
		snprintf(why, sizeof why, "%s has no compression policy, so nothing is past compress_after: "
			 "open its chunks (Enter) and compress one", name);
		refuse(r, why);
		return;
	}
	if (r->req.time_is_int || strspn(after, "-0123456789") == strlen(after)) {
		char why[300];
		snprintf(why, sizeof why, "%s has an integer time column: open its chunks (Enter) and compress one", name);
		refuse(r, why);
		return;
	}
	double bytes = 0;
	int partial = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		if (pgres_isnull(res, i, "chunk_name"))
			continue;
		struct action_step *s = action_plan_add(p);
		if (!s)
			break;
		char chunk[NAME_LEN * 2 + 4];
		action_qualify(chunk, sizeof chunk, pgres_text(res, i, "chunk_schema", ""),
			       pgres_text(res, i, "chunk_name", ""));
		int status = (int)pgres_ll(res, i, "status", 0);
		partial += (status & CHUNK_STATUS_PARTIAL) != 0;
		snprintf(s->desc, sizeof s->desc, "compress %s%s", chunk,
			 (status & CHUNK_STATUS_PARTIAL) ? " (partial)" : "");
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.compress_chunk($1::regclass, if_not_compressed => true)");
		step_param(s, chunk);
		s->measure = true;
		s->bytes_before = pgres_double(res, i, "bytes", NAN);
		bytes += isnan(s->bytes_before) ? 0 : s->bytes_before;
		step_finish(r, s);
	}
	if (p->nsteps == 0) {
		char why[300];
		snprintf(why, sizeof why, "nothing to compress: no chunk of %s past compress_after (%s) is uncompressed",
			 name, after);
		refuse(r, why);
		return;
	}
	char b[32];
	p->total_bytes = bytes;
	snprintf(p->effect, sizeof p->effect, "%d chunk%s past compress_after (%s), %d partial, about %s, oldest first, one chunk per step",
		 p->nsteps, p->nsteps == 1 ? "" : "s", after, partial, fmt_bytes(b, sizeof b, bytes));
}

static void build_chunk(struct action_runner *r, const PGresult *res, bool compress)
{
	struct action_plan *p = &r->plan;
	char name[NAME_LEN * 2 + 4];
	action_qualify(name, sizeof name, pgres_text(res, 0, "chunk_schema", ""), pgres_text(res, 0, "chunk_name", ""));
	snprintf(p->target, sizeof p->target, "%s", name);
	if (pgres_isnull(res, 0, "chunk_id")) {
		char why[300];
		snprintf(why, sizeof why, "%s is not a chunk of a hypertable", name);
		refuse(r, why);
		return;
	}
	if (pgres_ll(res, 0, "compression_state", 0) != 1) {
		char why[300];
		snprintf(why, sizeof why, "compression is not enabled on the hypertable of %s", name);
		refuse(r, why);
		return;
	}
	if (!owner_ok(r, res, compress ? "compress" : "decompress", name))
		return;
	int status = (int)pgres_ll(res, 0, "status", 0);
	char why[300];
	if (compress && (status & CHUNK_STATUS_COMPRESSED) && !(status & CHUNK_STATUS_PARTIAL)) {
		snprintf(why, sizeof why, "%s is already compressed", name);
		refuse(r, why);
		return;
	}
	if (!compress && !(status & CHUNK_STATUS_COMPRESSED)) {
		snprintf(why, sizeof why, "%s is not compressed", name);
		refuse(r, why);
		return;
	}
	if (status & CHUNK_STATUS_FROZEN) {
		snprintf(why, sizeof why, "%s is frozen (status %d): it cannot be changed", name, status);
		refuse(r, why);
		return;
	}
	struct action_step *s = action_plan_add(p);
	if (!s)
		return;
	char b[32], a[32];
	if (compress) {
		snprintf(s->desc, sizeof s->desc, "compress %s%s", name,
			 (status & CHUNK_STATUS_PARTIAL) ? " (partial)" : "");
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.compress_chunk($1::regclass, if_not_compressed => true)");
		s->measure = true;
		s->bytes_before = pgres_double(res, 0, "bytes", NAN);
		snprintf(p->effect, sizeof p->effect, "1 chunk of %s.%s, about %s",
			 pgres_text(res, 0, "ht_schema", ""), pgres_text(res, 0, "ht_name", ""),
			 fmt_bytes(b, sizeof b, s->bytes_before));
	} else {
		snprintf(s->desc, sizeof s->desc, "decompress %s", name);
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.decompress_chunk($1::regclass, if_compressed => true)");
		double before = pgres_double(res, 0, "before_bytes", NAN);
		double after = pgres_double(res, 0, "after_bytes", NAN);
		snprintf(p->effect, sizeof p->effect, "1 chunk of %s.%s: %s compressed back to about %s",
			 pgres_text(res, 0, "ht_schema", ""), pgres_text(res, 0, "ht_name", ""),
			 fmt_bytes(a, sizeof a, after), fmt_bytes(b, sizeof b, before));
	}
	step_param(s, name);
	step_finish(r, s);
	p->total_bytes = s->bytes_before;
}

static void build_refresh(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	char name[NAME_LEN * 2 + 4];
	action_qualify(name, sizeof name, pgres_text(res, 0, "rel_schema", ""), pgres_text(res, 0, "rel_name", ""));
	snprintf(p->target, sizeof p->target, "%s", name);
	char why[400];
	if (pgres_isnull(res, 0, "mat_id")) {
		snprintf(why, sizeof why, "%s is not a continuous aggregate", name);
		refuse(r, why);
		return;
	}
	if (!owner_ok(r, res, "refresh", name))
		return;
	if (pgres_bool(res, 0, "int_time", false)) {
		snprintf(why, sizeof why, "%s has integer buckets: refresh it from psql with an integer window", name);
		refuse(r, why);
		return;
	}
	const char *wfrom = pgres_text(res, 0, "wfrom", NULL), *wto = pgres_text(res, 0, "wto", NULL);
	bool typed = r->req.window[0] != '\0';
	if (typed && wfrom && wto && strcmp(wfrom, wto) >= 0) {
		snprintf(why, sizeof why, "the window is empty (%s .. %s)", wfrom, wto);
		refuse(r, why);
		return;
	}
	const char *sql = "CALL @ts.refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)";
	int slices = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		if (pgres_isnull(res, i, "slice_from"))
			continue;
		struct action_step *s = action_plan_add(p);
		if (!s)
			break;
		const char *sf = pgres_text(res, i, "slice_from", ""), *stt = pgres_text(res, i, "slice_to", "");
		snprintf(s->desc, sizeof s->desc, "refresh %s %s .. %s", name, sf, stt);
		snprintf(s->sql, sizeof s->sql, "%s", sql);
		step_param(s, name);
		step_param(s, sf);
		step_param(s, stt);
		step_finish(r, s);
		slices++;
	}
	if (slices == 0) {
		/* one window (open ends allowed): the policy's, or the whole range */
		struct action_step *s = action_plan_add(p);
		if (!s)
			return;
		snprintf(s->desc, sizeof s->desc, "refresh %s %s .. %s", name, wfrom ? wfrom : "(open)",
			 wto ? wto : "(open)");
		snprintf(s->sql, sizeof s->sql, "%s", sql);
		step_param(s, name);
		step_param(s, wfrom);
		step_param(s, wto);
		step_finish(r, s);
	}
	const char *wm = pgres_text(res, 0, "watermark", NULL);
	snprintf(p->effect, sizeof p->effect, "window %s .. %s (%s), %d slice%s; watermark now %s",
		 wfrom ? wfrom : "(open)", wto ? wto : "(open)",
		 typed ? "typed" : (pgres_ll(res, 0, "policies", 0) ? "the policy's window" : "no policy: everything"),
		 p->nsteps, p->nsteps == 1 ? "" : "s", wm ? wm : "never materialized");
	snprintf(p->note, sizeof p->note, "a procedure: each slice is sent alone, in autocommit (never in a transaction block)");
}

static void build_job(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	int id = r->req.job_id;
	char why[300];
	if (PQntuples(res) < 1) {
		snprintf(p->target, sizeof p->target, "job %d", id);
		snprintf(why, sizeof why, "there is no job %d", id);
		refuse(r, why);
		return;
	}
	char ht[NAME_LEN * 2 + 4] = "";
	if (!pgres_isnull(res, 0, "hypertable_name"))
		action_qualify(ht, sizeof ht, pgres_text(res, 0, "hypertable_schema", ""),
			       pgres_text(res, 0, "hypertable_name", ""));
	char what[NAME_LEN * 2 + 100];
	snprintf(what, sizeof what, "job %d (%s%s%s)", id, pgres_text(res, 0, "proc_name", "?"),
		 ht[0] ? " on " : "", ht);
	snprintf(p->target, sizeof p->target, "job %d", id);
	if (!owner_ok(r, res, "changing a job", what))
		return;
	bool scheduled = pgres_bool(res, 0, "scheduled", true);
	struct action_step *s = action_plan_add(p);
	if (!s)
		return;
	char sid[16];
	snprintf(sid, sizeof sid, "%d", id);
	switch (r->req.kind) {
	case ACT_JOB_RUN:
		/* A run in progress (a scheduler worker on it): alter_job's
		 * next_start would be overwritten when that run ends, and run_job
		 * would run the job twice at once. */
		if (strcmp(pgres_text(res, 0, "job_status", ""), "Running") == 0) {
			snprintf(why, sizeof why, "job %d is running now: run it again once this run has finished", id);
			refuse(r, why);
			return;
		}
		action_plan_job_run(p, s, id, what, scheduled, r->req.scheduler_running,
				    pgres_bool(res, 0, "held", false));
		break;
	case ACT_JOB_PAUSE:
		if (!scheduled) {
			snprintf(why, sizeof why, "job %d is already paused", id);
			refuse(r, why);
			return;
		}
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.alter_job($1::int, scheduled => false)");
		snprintf(s->desc, sizeof s->desc, "pause job %d", id);
		snprintf(p->effect, sizeof p->effect, "the scheduler stops running %s (a run in progress is terminated)", what);
		break;
	default:
		if (scheduled) {
			snprintf(why, sizeof why, "job %d is not paused", id);
			refuse(r, why);
			return;
		}
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.alter_job($1::int, scheduled => true)");
		snprintf(s->desc, sizeof s->desc, "resume job %d", id);
		snprintf(p->effect, sizeof p->effect, "the scheduler runs %s again on its schedule", what);
		break;
	}
	step_param(s, sid);
	step_finish(r, s);
}

static void build_retention(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	char name[NAME_LEN * 2 + 4], why[400];
	action_qualify(name, sizeof name, pgres_text(res, 0, "rel_schema", ""), pgres_text(res, 0, "rel_name", ""));
	snprintf(p->target, sizeof p->target, "%s", name);
	if (pgres_isnull(res, 0, "ht_id")) {
		snprintf(why, sizeof why, "%s is not a hypertable", name);
		refuse(r, why);
		return;
	}
	if (!owner_ok(r, res, "drop_chunks", name))
		return;
	const char *after = pgres_text(res, 0, "drop_after", NULL);
	if (!after) {
		snprintf(why, sizeof why, "%s has no retention policy: nothing to drop", name);
		refuse(r, why);
		return;
	}
	if (strspn(after, "-0123456789") == strlen(after)) {
		snprintf(why, sizeof why, "%s has an integer time column: drop its chunks from psql", name);
		refuse(r, why);
		return;
	}
	int n = PQntuples(res), total = 0;
	double bytes = 0;
	for (int i = 0; i < n; i++)
		if (!pgres_isnull(res, i, "chunk_name")) {
			total++;
			bytes += pgres_double(res, i, "bytes", 0);
		}
	if (total == 0) {
		snprintf(why, sizeof why, "nothing to drop: no chunk of %s is older than drop_after (%s)", name, after);
		refuse(r, why);
		return;
	}
	for (int i = 0; i < n;) {
		if (pgres_isnull(res, i, "chunk_name")) {
			i++;
			continue;
		}
		int first = i, last = i, k = 0;
		char list[160] = "";
		for (; i < n && k < RETENTION_BATCH; i++) {
			if (pgres_isnull(res, i, "chunk_name"))
				continue;
			last = i;
			k++;
		}
		struct action_step *s = action_plan_add(p);
		if (!s)
			break;
		snprintf(list, sizeof list, "%s%s%s", pgres_text(res, first, "chunk_name", ""),
			 k > 1 ? " .. " : "", k > 1 ? pgres_text(res, last, "chunk_name", "") : "");
		snprintf(s->desc, sizeof s->desc, "drop %d chunk%s (%s) %s .. %s", k, k == 1 ? "" : "s", list,
			 pgres_text(res, first, "range_from", "?"), pgres_text(res, last, "range_to", "?"));
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.drop_chunks($1::regclass, older_than => $2::timestamptz, "
			 "newer_than => $3::timestamptz)");
		step_param(s, name);
		step_param(s, pgres_text(res, last, "range_to", NULL));
		step_param(s, pgres_text(res, first, "range_from", NULL));
		step_finish(r, s);
	}
	char b[32];
	p->total_bytes = bytes;
	p->destructive = true;
	snprintf(p->confirm_name, sizeof p->confirm_name, "%s", pgres_text(res, 0, "rel_name", ""));
	snprintf(p->effect, sizeof p->effect, "DROPS %d chunk%s older than drop_after (%s), about %s, in batches of %d",
		 total, total == 1 ? "" : "s", after, fmt_bytes(b, sizeof b, bytes), RETENTION_BATCH);
}

static void add_analyze(struct action_runner *r, struct action_plan *p, const char *schema, const char *name)
{
	struct action_step *s = action_plan_add(p);
	if (!s)
		return;
	char q[NAME_LEN * 2 + 4];
	action_qualify(q, sizeof q, schema, name);
	snprintf(s->desc, sizeof s->desc, "ANALYZE %s", q);
	snprintf(s->sql, sizeof s->sql, "ANALYZE %%s");
	s->ident = true;
	snprintf(s->ident_schema, sizeof s->ident_schema, "%s", schema);
	snprintf(s->ident_name, sizeof s->ident_name, "%s", name);
	step_finish(r, s);
}

static void build_analyze(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	char name[NAME_LEN * 2 + 4];
	action_qualify(name, sizeof name, pgres_text(res, 0, "rel_schema", ""), pgres_text(res, 0, "rel_name", ""));
	snprintf(p->target, sizeof p->target, "%s", name);
	const char *kind = pgres_text(res, 0, "relkind", "r");
	if (strcmp(kind, "r") != 0 && strcmp(kind, "m") != 0 && strcmp(kind, "p") != 0) {
		char why[300];
		snprintf(why, sizeof why, "%s is not a table", name);
		refuse(r, why);
		return;
	}
	if (!owner_ok(r, res, "ANALYZE", name))
		return;
	add_analyze(r, p, pgres_text(res, 0, "rel_schema", ""), pgres_text(res, 0, "rel_name", ""));
	snprintf(p->effect, sizeof p->effect, "reads a sample of %s and its chunks; writes statistics only", name);
}

static void build_maintenance(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	snprintf(p->target, sizeof p->target, "database %s", r->cfg.server ? r->cfg.server->database : "");
	int na = 0, nr = 0, nc = 0, chunks = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *kind = pgres_text(res, i, "kind", "");
		const char *schema = pgres_text(res, i, "schema", ""), *name = pgres_text(res, i, "name", "");
		char q[NAME_LEN * 2 + 4];
		action_qualify(q, sizeof q, schema, name);
		if (strcmp(kind, "analyze") == 0) {
			add_analyze(r, p, schema, name);
			na++;
			continue;
		}
		struct action_step *s = action_plan_add(p);
		if (!s)
			break;
		if (strcmp(kind, "refresh") == 0) {
			const char *from = pgres_text(res, i, "p2", NULL), *to = pgres_text(res, i, "p3", NULL);
			snprintf(s->desc, sizeof s->desc, "refresh lagging %s %s .. %s (policy window)", q,
				 from ? from : "(open)", to ? to : "(open)");
			snprintf(s->sql, sizeof s->sql, "CALL @ts.refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)");
			step_param(s, q);
			step_param(s, from);
			step_param(s, to);
			nr++;
		} else {
			long long n = pgres_ll(res, i, "n", 0);
			snprintf(s->desc, sizeof s->desc, "compress the backlog of %s: %lld chunk%s past %s", q, n,
				 n == 1 ? "" : "s", pgres_text(res, i, "p2", "?"));
			snprintf(s->sql, sizeof s->sql, "SELECT count(@ts.compress_chunk(c, if_not_compressed => true)) "
				 "FROM @ts.show_chunks($1::regclass, older_than => $2::interval) c");
			step_param(s, q);
			step_param(s, pgres_text(res, i, "p2", NULL));
			nc++;
			chunks += (int)n;
		}
		step_finish(r, s);
	}
	if (p->nsteps == 0) {
		refuse(r, "nothing to do: no stale statistics, no lagging aggregate, no compression backlog");
		return;
	}
	snprintf(p->effect, sizeof p->effect, "ANALYZE %d hypertable%s, refresh %d aggregate%s, compress %d backlog%s (%d chunks)",
		 na, na == 1 ? "" : "s", nr, nr == 1 ? "" : "s", nc, nc == 1 ? "" : "s", chunks);
	snprintf(p->note, sizeof p->note, "Up/Down choose a step, Space skips it; steps run one at a time, k stops");
}

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
		describe_error(r, err, why, sizeof why);
		refuse(r, why);
		return;
	}
	if (PQntuples(res) < 1 && r->req.kind != ACT_MAINTENANCE && r->req.kind != ACT_JOB_RUN &&
	    r->req.kind != ACT_JOB_PAUSE && r->req.kind != ACT_JOB_RESUME) {
		refuse(r, "the target is gone");
		return;
	}
	switch (r->req.kind) {
	case ACT_COMPRESS: build_compress(r, res); break;
	case ACT_COMPRESS_CHUNK: build_chunk(r, res, true); break;
	case ACT_DECOMPRESS_CHUNK: build_chunk(r, res, false); break;
	case ACT_REFRESH: build_refresh(r, res); break;
	case ACT_JOB_RUN: case ACT_JOB_PAUSE: case ACT_JOB_RESUME: build_job(r, res); break;
	case ACT_RETENTION: build_retention(r, res); break;
	case ACT_ANALYZE: build_analyze(r, res); break;
	case ACT_MAINTENANCE: build_maintenance(r, res); break;
	default: refuse(r, "unknown action"); break;
	}
	if (r->state == AST_REFUSED)
		return;
	r->state = AST_PLANNED;
	set_msg(r, "%s %s: confirm with %s", r->plan.title, r->plan.target,
		r->plan.destructive ? "the typed name and Enter" : "Enter or y");
	changed(r);
}

static const char *const titles[ACT_KIND_COUNT] = {
	[ACT_COMPRESS] = "Compress", [ACT_COMPRESS_CHUNK] = "Compress chunk",
	[ACT_DECOMPRESS_CHUNK] = "Decompress chunk", [ACT_REFRESH] = "Refresh",
	[ACT_JOB_RUN] = "Run now", [ACT_JOB_PAUSE] = "Pause", [ACT_JOB_RESUME] = "Resume",
	[ACT_RETENTION] = "Retention: drop chunks", [ACT_ANALYZE] = "Analyze",
	[ACT_MAINTENANCE] = "Maintenance", [ACT_RETENTION_POLICY] = "Retention policy",
	[ACT_CUSTOM] = "Custom",
};

int action_prepare(struct action_runner *r, const struct action_request *req)
{
	char why[400];
	if (busy(r))
		return -1;   /* the current one stays; the caller says why */
	action_plan_free(&r->plan);
	r->req = *req;
	action_plan_init(&r->plan, req->kind, titles[req->kind < ACT_KIND_COUNT ? req->kind : 0]);
	if (req->schema[0] || req->name[0])
		action_qualify(r->plan.target, sizeof r->plan.target, req->schema, req->name);
	else if (req->job_id)
		snprintf(r->plan.target, sizeof r->plan.target, "job %d", req->job_id);
	r->message[0] = '\0';
	if (action_unavailable(req->kind, r->cfg.server, r->cfg.read_only, why, sizeof why))
		return refuse(r, why);
	char target[NAME_LEN * 2 + 4];
	action_qualify(target, sizeof target, req->schema, req->name);
	const char *sql = NULL;
	const char *params[4] = { target, NULL, NULL, NULL };
	int n = 1;
	char jid[16], from[96], to[96], back[96];
	switch (req->kind) {
	case ACT_COMPRESS: sql = action_sql_compress_plan; break;
	case ACT_COMPRESS_CHUNK:
	case ACT_DECOMPRESS_CHUNK: sql = action_sql_chunk_plan; break;
	case ACT_RETENTION: sql = action_sql_retention_plan; break;
	case ACT_ANALYZE: sql = action_sql_analyze_plan; break;
	case ACT_MAINTENANCE: sql = action_sql_maintenance_plan; n = 0; break;
	case ACT_JOB_RUN: case ACT_JOB_PAUSE: case ACT_JOB_RESUME:
		snprintf(jid, sizeof jid, "%d", req->job_id);
		params[0] = jid;
		sql = action_sql_job_plan;
		break;
	case ACT_REFRESH: {
		sql = action_sql_refresh_plan;
		n = 4;
		const char *w = req->window, *dots = strstr(w, "..");
		if (dots) {
			snprintf(from, sizeof from, "%.*s", (int)(dots - w), w);
			snprintf(to, sizeof to, "%s", dots + 2);
			params[1] = from;
			params[2] = to;
		} else if (*w) {
			snprintf(back, sizeof back, "%s", w);
			params[3] = back;
		}
		break;
	}
	default:
		return refuse(r, "this action needs a plan of its own");
	}
	if (req->kind != ACT_MAINTENANCE && req->kind != ACT_JOB_RUN && req->kind != ACT_JOB_PAUSE &&
	    req->kind != ACT_JOB_RESUME && !req->name[0])
		return refuse(r, "no target selected");
	r->seq++;
	r->state = AST_PLANNING;
	set_msg(r, "planning %s %s", r->plan.title, r->plan.target);
	if (send_q(r, sql, n, params, 60, plan_cb, -1) != 0)
		return refuse(r, "not connected: the action cannot be planned now");
	changed(r);
	return 0;
}

int action_prepare_plan(struct action_runner *r, const struct action_plan *p)
{
	char why[300];
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
			return refuse(r, "out of memory");
		*s = p->steps[i];
		s->state = STEP_PENDING;
		step_finish(r, s);
	}
	if (action_unavailable(p->kind, r->cfg.server, r->cfg.read_only, why, sizeof why))
		return refuse(r, why);
	r->state = AST_PLANNED;
	r->seq++;
	changed(r);
	return 0;
}

void action_dismiss(struct action_runner *r)
{
	if (r->state == AST_RUNNING || r->state == AST_STOPPING)
		return;
	if (r->state == AST_PLANNED)
		log_event(r, "cancel", "", NAN, "dismissed at the confirmation: nothing ran");
	r->seq++;
	r->state = AST_IDLE;
	r->message[0] = '\0';
	changed(r);
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
	changed(r);
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
			log_event(r, "skip", r->plan.steps[i].shown, NAN, "skipped by the operator: not run");
		}
	/* the counts first: the status line may cut the end */
	if (r->plan.kind == ACT_JOB_RUN && strcmp(event, "done") == 0 && r->plan.nsteps == 1 &&
	    r->plan.steps[0].state == STEP_DONE)  /* which path it took */
		set_msg(r, "%s %s: %s (%.1f s)", r->plan.title, r->plan.target,
			strstr(r->plan.steps[0].sql, "alter_job")
			? "scheduled now via alter_job; the scheduler will run it"
			: "ran in this session with CALL run_job", ev_time() - r->run_started);
	else
		set_msg(r, "%s %s: %d/%d steps, %s%s%s%.0d%s in %.1f s", r->plan.title, r->plan.target, done, total, how,
			sizes, skipped ? ", " : "", skipped, skipped ? " skipped" : "", ev_time() - r->run_started);
	r->state = AST_DONE;
	r->cur = -1;
	log_event(r, event, "", ev_time() - r->run_started, r->message);
	changed(r);
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
	if (err->kind == CERR_NONE) {
		s->state = STEP_DONE;
		if (res && PQntuples(res) > 0 && PQnfields(res) > 0) {
			int rows = PQntuples(res);
			snprintf(s->result, sizeof s->result, "ok: %s%s", PQgetisnull(res, 0, 0) ? "NULL" : PQgetvalue(res, 0, 0),
				 rows > 1 ? " ..." : "");
			if (rows > 1) {
				size_t l = strlen(s->result);
				snprintf(s->result + l, sizeof s->result - l, " (%d rows)", rows);
			}
		} else {
			snprintf(s->result, sizeof s->result, "ok");
		}
		log_event(r, "step", s->shown, s->duration, s->result);
		if (s->measure && !r->stop_asked) {
			const char *p[1] = { s->params[0] };
			if (send_q(r, action_sql_measure, 1, p, 30, measure_cb, i) == 0) {
				changed(r);
				return;
			}
		}
		run_next(r);
		return;
	}
	describe_error(r, err, s->result, sizeof s->result);
	bool stopped = r->stop_asked && (err->kind != CERR_SERVER ||
					 pgerror_words(err->sqlstate, err->message).cls == PGERR_CANCELED);
	s->state = stopped ? STEP_STOPPED : STEP_FAILED;
	log_event(r, stopped ? "stop" : "error", s->shown, s->duration, s->result);
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

static void run_next(struct action_runner *r)
{
	if (r->stop_asked) {
		int i;
		for (i = 0; i < r->plan.nsteps; i++)
			if (r->plan.steps[i].state == STEP_PENDING)
				r->plan.steps[i].state = STEP_STOPPED;
		finish(r, "stopped", "stopped by the operator before the next step");
		return;
	}
	int i = -1;
	for (int k = 0; k < r->plan.nsteps; k++)
		if (r->plan.steps[k].state == STEP_PENDING) {
			i = k;
			break;
		}
	if (i < 0) {
		finish(r, "done", "finished");
		return;
	}
	struct action_step *s = &r->plan.steps[i];
	char sql[ACT_SQL_MAX + 300];
	if (s->ident) {
		struct conn *c = use_conn(r);
		PGconn *pg = c ? conn_pg(c) : NULL;
		char *es = pg ? PQescapeIdentifier(pg, s->ident_schema, strlen(s->ident_schema)) : NULL;
		char *en = pg ? PQescapeIdentifier(pg, s->ident_name, strlen(s->ident_name)) : NULL;
		if (!es || !en) {
			if (es) PQfreemem(es);
			if (en) PQfreemem(en);
			s->state = STEP_FAILED;
			snprintf(s->result, sizeof s->result, "not connected (cannot quote the identifier)");
			log_event(r, "error", s->shown, NAN, s->result);
			finish(r, "failed", "failed: not connected");
			return;
		}
		char q[NAME_LEN * 4 + 8];
		snprintf(q, sizeof q, "%s.%s", es, en);
		PQfreemem(es);
		PQfreemem(en);
		const char *pct = strstr(s->sql, "%s");
		snprintf(sql, sizeof sql, "%.*s%s%s", (int)(pct ? pct - s->sql : (long)strlen(s->sql)), s->sql,
			 pct ? q : "", pct ? pct + 2 : "");
	} else {
		snprintf(sql, sizeof sql, "%s", s->sql);
	}
	const char *params[ACT_PARAMS];
	for (int k = 0; k < s->nparams; k++)
		params[k] = s->param_null[k] ? NULL : s->params[k];
	s->state = STEP_RUNNING;
	r->cur = i;
	r->step_started = ev_time();
	if (send_q(r, sql, s->nparams, params, r->cfg.statement_timeout + 30, step_cb, i) != 0) {
		s->state = STEP_FAILED;
		snprintf(s->result, sizeof s->result, "connection lost mid-action: not connected");
		log_event(r, "error", s->shown, NAN, s->result);
		char how[96];
		snprintf(how, sizeof how, "failed at step %d/%d: not connected", i + 1, r->plan.nsteps);
		finish(r, "failed", how);
		return;
	}
	changed(r);
}

int action_confirm(struct action_runner *r, const char *typed)
{
	char why[300];
	if (r->state != AST_PLANNED)
		return -1;
	if (action_unavailable(r->plan.kind, r->cfg.server, r->cfg.read_only, why, sizeof why))
		return refuse(r, why);
	if (r->plan.destructive && (!typed || strcmp(typed, r->plan.confirm_name) != 0)) {
		set_msg(r, "type the name %s exactly to confirm", r->plan.confirm_name);
		changed(r);
		return -1;
	}
	r->state = AST_RUNNING;
	r->stop_asked = false;
	r->run_started = ev_time();
	char start[400];
	snprintf(start, sizeof start, "%d step%s %s: %s", r->plan.nsteps, r->plan.nsteps == 1 ? "" : "s",
		 action_where(r), r->plan.effect);
	log_event(r, "start", r->plan.nsteps ? r->plan.steps[0].shown : "", NAN, start);
	run_next(r);
	return 0;
}

void action_stop(struct action_runner *r)
{
	if (r->state != AST_RUNNING)
		return;
	r->stop_asked = true;
	r->state = AST_STOPPING;
	set_msg(r, "stopping %s %s: cancelling the statement in flight", r->plan.title, r->plan.target);
	/* Cancel only on our own connection: on the monitor's, the statement
	 * in flight may be a poll query; the stop then takes effect after the
	 * current step. */
	if (r->own && !r->used_monitor && r->cur >= 0)
		conn_cancel(r->own);
	changed(r);
}

/* ---- chunk list -------------------------------------------------------------------- */

static void chunks_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct qctx *q = ud;
	struct action_runner *r = q->r;
	bool stale = (unsigned)q->step != r->chunks_seq || r->closing;
	free(q);
	if (stale)
		return;
	struct chunk_list *l = &r->chunks;
	l->loading = false;
	l->n = 0;
	if (err->kind != CERR_NONE) {
		describe_error(r, err, l->error, sizeof l->error);
		changed(r);
		return;
	}
	int n = PQntuples(res);
	if (n > l->cap) {
		struct chunk_item *v = realloc(l->v, (size_t)n * sizeof *v);
		if (!v) {
			snprintf(l->error, sizeof l->error, "out of memory");
			changed(r);
			return;
		}
		l->v = v;
		l->cap = n;
	}
	for (int i = 0; i < n; i++) {
		struct chunk_item *it = &l->v[l->n++];
		pgres_copy(it->schema, sizeof it->schema, res, i, "chunk_schema");
		pgres_copy(it->name, sizeof it->name, res, i, "chunk_name");
		it->status = (int)pgres_ll(res, i, "status", 0);
		it->range_start = pgres_double(res, i, "range_from", NAN);
		it->range_end = pgres_double(res, i, "range_to", NAN);
		it->bytes = pgres_double(res, i, "bytes", NAN);
	}
	if (n == 0)
		snprintf(l->error, sizeof l->error, "%s.%s has no chunks (or is not a hypertable)", l->ht_schema, l->ht_name);
	changed(r);
}

int action_list_chunks(struct action_runner *r, const char *schema, const char *name)
{
	struct chunk_list *l = &r->chunks;
	snprintf(l->ht_schema, sizeof l->ht_schema, "%s", schema);
	snprintf(l->ht_name, sizeof l->ht_name, "%s", name);
	l->n = 0;
	l->error[0] = '\0';
	l->loading = true;
	r->chunks_seq++;
	char target[NAME_LEN * 2 + 4];
	action_qualify(target, sizeof target, schema, name);
	const char *params[1] = { target };
	struct conn *c = use_conn(r);
	struct qctx *q = c ? malloc(sizeof *q) : NULL;
	if (q)
		*q = (struct qctx){ r, 0, (int)r->chunks_seq };
	char *full = q ? expand_sql(r, c, action_sql_chunk_list) : NULL;
	int rc = full ? conn_query(c, full, 1, params, 60, chunks_cb, q) : -1;
	free(full);
	if (rc != 0) {
		free(q);
		l->loading = false;
		snprintf(l->error, sizeof l->error, "not connected");
		changed(r);
		return -1;
	}
	changed(r);
	return 0;
}
