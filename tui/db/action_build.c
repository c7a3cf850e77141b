/* action_build — plans from the server's answer: one table entry per action
 * kind (its title, plan query, the query's parameters, its builder), and
 * the builders, which turn the plan query's rows into steps or refuse with
 * a reason before anything runs. See action_int.h. */
#include "action_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "action_sql.h"
#include "tsdbtop/chunk_status.h"
#include "tsdbtop/format.h"
#include "tsdbtop/pgres.h"

#define QNAME (NAME_LEN * 2 + 4)   /* a quoted schema.name */

static const char compress_sql[] = "SELECT @ts.compress_chunk($1::regclass, if_not_compressed => true)";
static const char refresh_sql[] =
	"CALL @ts.refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)";

static const char *plural(long long n) { return n == 1 ? "" : "s"; }

/* An integer policy setting ("-5", "1000"): the time column is an integer. */
static bool integer_text(const char *v) { return strspn(v, "-0123456789") == strlen(v); }

/* The plan's target from the first row's schema_col.name_col, quoted, into name too. */
static void row_target(struct action_runner *r, const PGresult *res, const char *schema_col,
		       const char *name_col, char *name, size_t n)
{
	action_qualify(name, n, pgres_text(res, 0, schema_col, ""), pgres_text(res, 0, name_col, ""));
	snprintf(r->plan.target, sizeof r->plan.target, "%s", name);
}

/* Refuse unless the role owns the target (the plan query's owner column). */
static bool owner_ok(struct action_runner *r, const PGresult *res, const char *what, const char *name)
{
	if (pgres_bool(res, 0, "owner", true))
		return true;
	ar_refusef(r, "permission: %s needs the owner of %s (owned by %s); role %s is not a member",
		   what, name, pgres_text(res, 0, "owner_name", "?"), r->cfg.server ? r->cfg.server->user : "?");
	return false;
}

/* What the plan query's first row must say of the target before a plan
 * is built, checked in this order. */
struct target_rule {
	const char *schema_col, *name_col;  /* the target's name */
	const char *id_col, *kind;          /* id_col NULL: "NAME is not KIND" */
	bool compression;                   /* compression_state must be 1, else "compression
	                                       is not enabled on ON NAME HINT" */
	const char *on, *hint;
	const char *verb;                   /* what needs the owner */
};

static const struct target_rule compress_rule = {
	"rel_schema", "rel_name", "ht_id", "a hypertable",
	true, "", " (ALTER TABLE ... SET (timescaledb.compress))", "compress",
};
static const struct target_rule compress_chunk_rule = {
	"chunk_schema", "chunk_name", "chunk_id", "a chunk of a hypertable",
	true, "the hypertable of ", "", "compress",
};
static const struct target_rule decompress_chunk_rule = {
	"chunk_schema", "chunk_name", "chunk_id", "a chunk of a hypertable",
	true, "the hypertable of ", "", "decompress",
};
static const struct target_rule refresh_rule = {
	"rel_schema", "rel_name", "mat_id", "a continuous aggregate", false, "", "", "refresh",
};
static const struct target_rule retention_rule = {
	"rel_schema", "rel_name", "ht_id", "a hypertable", false, "", "", "drop_chunks",
};

/* The plan's target (quoted, into name too), or a refusal by rule: -1. */
static int check_target(struct action_runner *r, const PGresult *res, const struct target_rule *rule,
			char *name, size_t n)
{
	row_target(r, res, rule->schema_col, rule->name_col, name, n);
	if (pgres_isnull(res, 0, rule->id_col))
		return ar_refusef(r, "%s is not %s", name, rule->kind);
	if (rule->compression && pgres_ll(res, 0, "compression_state", 0) != 1)
		return ar_refusef(r, "compression is not enabled on %s%s%s", rule->on, name, rule->hint);
	return owner_ok(r, res, rule->verb, name) ? 0 : -1;
}

/* A compress_chunk step of chunk (status: its CHUNK_STATUS_* bits). */
static struct action_step *add_compress(struct action_runner *r, const char *chunk, int status, double bytes)
{
	struct action_step *s = action_plan_add(&r->plan);
	if (!s)
		return NULL;
	snprintf(s->desc, sizeof s->desc, "compress %s%s", chunk,
		 (status & CHUNK_STATUS_PARTIAL) ? " (partial)" : "");
	snprintf(s->sql, sizeof s->sql, "%s", compress_sql);
	ar_step_param(s, chunk);
	s->measure = true;
	s->bytes_before = bytes;
	ar_step_finish(r, s);
	return s;
}

/* A refresh step of cagg name over from .. to (NULL: open); lagging: one
 * of maintenance's, over the policy's window. */
static struct action_step *add_refresh(struct action_runner *r, const char *name, const char *from,
				       const char *to, bool lagging)
{
	struct action_step *s = action_plan_add(&r->plan);
	if (!s)
		return NULL;
	snprintf(s->desc, sizeof s->desc, "refresh %s%s %s .. %s%s", lagging ? "lagging " : "", name,
		 from ? from : "(open)", to ? to : "(open)", lagging ? " (policy window)" : "");
	snprintf(s->sql, sizeof s->sql, "%s", refresh_sql);
	ar_step_param(s, name);
	ar_step_param(s, from);
	ar_step_param(s, to);
	ar_step_finish(r, s);
	return s;
}

/* ---- compress a hypertable's backlog ---------------------------------- */

/* Which chunks the plan takes, in words: "past compress_after (7 days)", or
 * for a window of the request "older than 3 days" (", the default: no
 * compression policy" when it is the default of a table without one). */
static const char *compress_window(const struct action_runner *r, const char *after, char *buf, size_t n)
{
	if (r->req.older_than[0])
		snprintf(buf, n, "older than %s%s", r->req.older_than,
			 r->req.older_default ? ", the default: no compression policy" : "");
	else
		snprintf(buf, n, "past compress_after (%s)", after);
	return buf;
}

/* One compress_chunk step per row with a chunk, oldest first; partial: how
 * many of them are partially compressed. Returns their bytes. */
static double add_compress_rows(struct action_runner *r, const PGresult *res, int *partial)
{
	double bytes = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		if (pgres_isnull(res, i, "chunk_name"))
			continue;
		char chunk[QNAME];
		action_qualify(chunk, sizeof chunk, pgres_text(res, i, "chunk_schema", ""),
			       pgres_text(res, i, "chunk_name", ""));
		int status = (int)pgres_ll(res, i, "status", 0);
		struct action_step *s = add_compress(r, chunk, status, pgres_double(res, i, "bytes", NAN));
		if (!s)
			break;
		*partial += (status & CHUNK_STATUS_PARTIAL) != 0;
		bytes += isnan(s->bytes_before) ? 0 : s->bytes_before;
	}
	return bytes;
}

/* The chunks past the policy's compress_after, or older than the request's
 * window (older_than: what the plan query's $2 was). */
static int build_compress(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	char name[QNAME];
	if (check_target(r, res, &compress_rule, name, sizeof name) != 0)
		return -1;
	const char *after = pgres_text(res, 0, "compress_after", NULL);
	if (!r->req.older_than[0] && !after)
		return ar_refusef(r, "%s has no compression policy, so nothing is past compress_after: "
				  "open its chunks (Enter) and compress one", name);
	if (!r->req.older_than[0] && (r->req.time_is_int || integer_text(after)))
		return ar_refusef(r, "%s has an integer time column: open its chunks (Enter) and compress one", name);
	int partial = 0;
	double bytes = add_compress_rows(r, res, &partial);
	char win[160], b[32];
	compress_window(r, after, win, sizeof win);
	if (p->nsteps == 0)
		return ar_refusef(r, "nothing to compress: no chunk of %s %s is uncompressed", name, win);
	p->total_bytes = bytes;
	snprintf(p->effect, sizeof p->effect, "%d chunk%s %s, %d partial, about %s, oldest first, one chunk per step",
		 p->nsteps, plural(p->nsteps), win, partial, fmt_bytes(b, sizeof b, bytes));
	return 0;
}

/* ---- compress or decompress one chunk ---------------------------------- */

/* Why chunk name (status bits) cannot be (de)compressed, or 0. */
static int chunk_refusal(struct action_runner *r, const char *name, int status, bool compress)
{
	if (compress && (status & CHUNK_STATUS_COMPRESSED) && !(status & CHUNK_STATUS_PARTIAL))
		return ar_refusef(r, "%s is already compressed", name);
	if (!compress && !(status & CHUNK_STATUS_COMPRESSED))
		return ar_refusef(r, "%s is not compressed", name);
	if (status & CHUNK_STATUS_FROZEN)
		return ar_refusef(r, "%s is frozen (status %d): it cannot be changed", name, status);
	return 0;
}

static int build_chunk(struct action_runner *r, const PGresult *res, bool compress)
{
	struct action_plan *p = &r->plan;
	char name[QNAME];
	if (check_target(r, res, compress ? &compress_chunk_rule : &decompress_chunk_rule, name, sizeof name) != 0)
		return -1;
	int status = (int)pgres_ll(res, 0, "status", 0);
	if (chunk_refusal(r, name, status, compress) != 0)
		return -1;
	const char *hs = pgres_text(res, 0, "ht_schema", ""), *hn = pgres_text(res, 0, "ht_name", "");
	char b[32], a[32];
	struct action_step *s;
	if (compress) {
		s = add_compress(r, name, status, pgres_double(res, 0, "bytes", NAN));
		if (!s)
			return -1;
		snprintf(p->effect, sizeof p->effect, "1 chunk of %s.%s, about %s", hs, hn,
			 fmt_bytes(b, sizeof b, s->bytes_before));
	} else {
		s = action_plan_add(p);
		if (!s)
			return -1;
		snprintf(s->desc, sizeof s->desc, "decompress %s", name);
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.decompress_chunk($1::regclass, if_compressed => true)");
		ar_step_param(s, name);
		ar_step_finish(r, s);
		snprintf(p->effect, sizeof p->effect, "1 chunk of %s.%s: %s compressed back to about %s", hs, hn,
			 fmt_bytes(a, sizeof a, pgres_double(res, 0, "after_bytes", NAN)),
			 fmt_bytes(b, sizeof b, pgres_double(res, 0, "before_bytes", NAN)));
	}
	p->total_bytes = s->bytes_before;
	return 0;
}

static int build_compress_chunk(struct action_runner *r, const PGresult *res) { return build_chunk(r, res, true); }
static int build_decompress_chunk(struct action_runner *r, const PGresult *res) { return build_chunk(r, res, false); }

/* ---- refresh a continuous aggregate ------------------------------------- */

static int build_refresh(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	char name[QNAME];
	if (check_target(r, res, &refresh_rule, name, sizeof name) != 0)
		return -1;
	if (pgres_bool(res, 0, "int_time", false))
		return ar_refusef(r, "%s has integer buckets: refresh it from psql with an integer window", name);
	const char *wfrom = pgres_text(res, 0, "wfrom", NULL), *wto = pgres_text(res, 0, "wto", NULL);
	bool typed = r->req.window[0] != '\0';
	if (typed && wfrom && wto && strcmp(wfrom, wto) >= 0)
		return ar_refusef(r, "the window is empty (%s .. %s)", wfrom, wto);
	int slices = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		if (pgres_isnull(res, i, "slice_from"))
			continue;
		if (!add_refresh(r, name, pgres_text(res, i, "slice_from", ""), pgres_text(res, i, "slice_to", ""), false))
			break;
		slices++;
	}
	/* one window (open ends allowed): the policy's, or the whole range */
	if (slices == 0 && !add_refresh(r, name, wfrom, wto, false))
		return -1;
	const char *wm = pgres_text(res, 0, "watermark", NULL);
	snprintf(p->effect, sizeof p->effect, "window %s .. %s (%s), %d slice%s; watermark now %s",
		 wfrom ? wfrom : "(open)", wto ? wto : "(open)",
		 typed ? "typed" : (pgres_ll(res, 0, "policies", 0) ? "the policy's window" : "no policy: everything"),
		 p->nsteps, plural(p->nsteps), wm ? wm : "never materialized");
	snprintf(p->note, sizeof p->note, "a procedure: each slice is sent alone, in autocommit (never in a transaction block)");
	return 0;
}

/* ---- retention: drop what the policy would drop --------------------------- */

/* One step per ACT_RETENTION_BATCH chunks, oldest first. */
static void add_drop_batches(struct action_runner *r, const PGresult *res, const char *name)
{
	int n = PQntuples(res);
	for (int i = 0; i < n;) {
		if (pgres_isnull(res, i, "chunk_name")) {
			i++;
			continue;
		}
		int first = i, last = i, k = 0;
		for (; i < n && k < ACT_RETENTION_BATCH; i++) {
			if (pgres_isnull(res, i, "chunk_name"))
				continue;
			last = i;
			k++;
		}
		struct action_step *s = action_plan_add(&r->plan);
		if (!s)
			break;
		char list[160];
		snprintf(list, sizeof list, "%s%s%s", pgres_text(res, first, "chunk_name", ""),
			 k > 1 ? " .. " : "", k > 1 ? pgres_text(res, last, "chunk_name", "") : "");
		snprintf(s->desc, sizeof s->desc, "drop %d chunk%s (%s) %s .. %s", k, plural(k), list,
			 pgres_text(res, first, "range_from", "?"), pgres_text(res, last, "range_to", "?"));
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.drop_chunks($1::regclass, older_than => $2::timestamptz, "
			 "newer_than => $3::timestamptz)");
		ar_step_param(s, name);
		ar_step_param(s, pgres_text(res, last, "range_to", NULL));
		ar_step_param(s, pgres_text(res, first, "range_from", NULL));
		ar_step_finish(r, s);
	}
}

static int build_retention(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	char name[QNAME];
	if (check_target(r, res, &retention_rule, name, sizeof name) != 0)
		return -1;
	const char *after = pgres_text(res, 0, "drop_after", NULL);
	if (!after)
		return ar_refusef(r, "%s has no retention policy: nothing to drop", name);
	if (integer_text(after))
		return ar_refusef(r, "%s has an integer time column: drop its chunks from psql", name);
	int total = 0;
	double bytes = 0;
	for (int i = 0; i < PQntuples(res); i++)
		if (!pgres_isnull(res, i, "chunk_name")) {
			total++;
			bytes += pgres_double(res, i, "bytes", 0);
		}
	if (total == 0)
		return ar_refusef(r, "nothing to drop: no chunk of %s is older than drop_after (%s)", name, after);
	add_drop_batches(r, res, name);
	char b[32];
	p->total_bytes = bytes;
	p->destructive = true;
	snprintf(p->confirm_name, sizeof p->confirm_name, "%s", pgres_text(res, 0, "rel_name", ""));
	snprintf(p->effect, sizeof p->effect, "DROPS %d chunk%s older than drop_after (%s), about %s, in batches of %d",
		 total, plural(total), after, fmt_bytes(b, sizeof b, bytes), ACT_RETENTION_BATCH);
	return 0;
}

/* ---- jobs: run now, pause, resume ------------------------------------------ */

/* The step of a job request; -1 when refused. */
static int job_step(struct action_runner *r, struct action_step *s, int id, const char *what,
		    bool scheduled, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	switch (r->req.kind) {
	case ACT_JOB_RUN:
		/* A run in progress (a scheduler worker on it): alter_job's
		 * next_start would be overwritten when that run ends, and run_job
		 * would run the job twice at once. */
		if (strcmp(pgres_text(res, 0, "job_status", ""), "Running") == 0)
			return ar_refusef(r, "job %d is running now: run it again once this run has finished", id);
		action_plan_job_run(p, s, id, what, scheduled, r->req.scheduler_running,
				    pgres_bool(res, 0, "held", false));
		return 0;
	case ACT_JOB_PAUSE:
		if (!scheduled)
			return ar_refusef(r, "job %d is already paused", id);
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.alter_job($1::int, scheduled => false)");
		snprintf(s->desc, sizeof s->desc, "pause job %d", id);
		snprintf(p->effect, sizeof p->effect, "the scheduler stops running %s (a run in progress is terminated)", what);
		return 0;
	default:
		if (scheduled)
			return ar_refusef(r, "job %d is not paused", id);
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.alter_job($1::int, scheduled => true)");
		snprintf(s->desc, sizeof s->desc, "resume job %d", id);
		snprintf(p->effect, sizeof p->effect, "the scheduler runs %s again on its schedule", what);
		return 0;
	}
}

static int build_job(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	int id = r->req.job_id;
	snprintf(p->target, sizeof p->target, "job %d", id);
	if (PQntuples(res) < 1)
		return ar_refusef(r, "there is no job %d", id);
	char ht[QNAME] = "";
	if (!pgres_isnull(res, 0, "hypertable_name"))
		action_qualify(ht, sizeof ht, pgres_text(res, 0, "hypertable_schema", ""),
			       pgres_text(res, 0, "hypertable_name", ""));
	char what[NAME_LEN * 2 + 100];
	snprintf(what, sizeof what, "job %d (%s%s%s)", id, pgres_text(res, 0, "proc_name", "?"),
		 ht[0] ? " on " : "", ht);
	if (!owner_ok(r, res, "changing a job", what))
		return -1;
	struct action_step *s = action_plan_add(p);
	if (!s)
		return -1;
	if (job_step(r, s, id, what, pgres_bool(res, 0, "scheduled", true), res) != 0)
		return -1;
	char sid[16];
	snprintf(sid, sizeof sid, "%d", id);
	ar_step_param(s, sid);
	ar_step_finish(r, s);
	return 0;
}

/* ---- analyze, maintenance ---------------------------------------------------- */

static void add_analyze(struct action_runner *r, const char *schema, const char *name)
{
	struct action_step *s = action_plan_add(&r->plan);
	if (!s)
		return;
	char q[QNAME];
	action_qualify(q, sizeof q, schema, name);
	snprintf(s->desc, sizeof s->desc, "ANALYZE %s", q);
	snprintf(s->sql, sizeof s->sql, "ANALYZE %%s");
	s->ident = true;
	snprintf(s->ident_schema, sizeof s->ident_schema, "%s", schema);
	snprintf(s->ident_name, sizeof s->ident_name, "%s", name);
	ar_step_finish(r, s);
}

static int build_analyze(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	char name[QNAME];
	row_target(r, res, "rel_schema", "rel_name", name, sizeof name);
	const char *kind = pgres_text(res, 0, "relkind", "r");
	if (strcmp(kind, "r") != 0 && strcmp(kind, "m") != 0 && strcmp(kind, "p") != 0)
		return ar_refusef(r, "%s is not a table", name);
	if (!owner_ok(r, res, "ANALYZE", name))
		return -1;
	add_analyze(r, pgres_text(res, 0, "rel_schema", ""), pgres_text(res, 0, "rel_name", ""));
	snprintf(p->effect, sizeof p->effect, "reads a sample of %s and its chunks; writes statistics only", name);
	return 0;
}

/* What one row of the maintenance plan asks for. */
struct maint_counts { int analyze, refresh, compress, chunks; };

static bool add_backlog(struct action_runner *r, const PGresult *res, int i, const char *q,
			struct maint_counts *c)
{
	struct action_step *s = action_plan_add(&r->plan);
	if (!s)
		return false;
	long long n = pgres_ll(res, i, "n", 0);
	snprintf(s->desc, sizeof s->desc, "compress the backlog of %s: %lld chunk%s past %s", q, n,
		 plural(n), pgres_text(res, i, "p2", "?"));
	snprintf(s->sql, sizeof s->sql, "SELECT count(@ts.compress_chunk(c, if_not_compressed => true)) "
		 "FROM @ts.show_chunks($1::regclass, older_than => $2::interval) c");
	ar_step_param(s, q);
	ar_step_param(s, pgres_text(res, i, "p2", NULL));
	ar_step_finish(r, s);
	c->compress++;
	c->chunks += (int)n;
	return true;
}

static int build_maintenance(struct action_runner *r, const PGresult *res)
{
	struct action_plan *p = &r->plan;
	snprintf(p->target, sizeof p->target, "database %s", r->cfg.server ? r->cfg.server->database : "");
	struct maint_counts c = { 0 };
	char left_out[200] = "";
	for (int i = 0; i < PQntuples(res); i++) {
		const char *kind = pgres_text(res, i, "kind", "");
		const char *schema = pgres_text(res, i, "schema", ""), *name = pgres_text(res, i, "name", "");
		char q[QNAME];
		action_qualify(q, sizeof q, schema, name);
		if (strcmp(kind, "not_owned") == 0) {
			long long n = pgres_ll(res, i, "n", 0);
			snprintf(left_out, sizeof left_out, "; left out, owned by other roles: %lld hypertable%s (%.120s)",
				 n, plural(n), pgres_text(res, i, "p2", ""));
		} else if (strcmp(kind, "analyze") == 0) {
			add_analyze(r, schema, name);
			c.analyze++;
		} else if (strcmp(kind, "refresh") == 0) {
			if (!add_refresh(r, q, pgres_text(res, i, "p2", NULL), pgres_text(res, i, "p3", NULL), true))
				break;
			c.refresh++;
		} else if (!add_backlog(r, res, i, q, &c)) {
			break;
		}
	}
	if (p->nsteps == 0 && left_out[0]) {
		char why[400];
		snprintf(why, sizeof why, "nothing to do on what role %s owns (no stale statistics, lagging aggregate"
			 " or compression backlog there)%s", r->cfg.server ? r->cfg.server->user : "?", left_out);
		return ar_refuse(r, why);
	}
	if (p->nsteps == 0)
		return ar_refuse(r, "nothing to do: no stale statistics, no lagging aggregate, no compression backlog");
	snprintf(p->effect, sizeof p->effect, "ANALYZE %d hypertable%s, refresh %d aggregate%s, compress %d backlog%s (%d chunks)%s",
		 c.analyze, plural(c.analyze), c.refresh, plural(c.refresh), c.compress, plural(c.compress), c.chunks,
		 left_out);
	snprintf(p->note, sizeof p->note, "Up/Down choose a step, Space skips it; steps run one at a time, k stops");
	return 0;
}

/* ---- the table ------------------------------------------------------------- */

static const struct ar_kind kinds[ACT_KIND_COUNT] = {
	[ACT_COMPRESS] = { "Compress", action_sql_compress_plan, AR_ARGS_TARGET, false, build_compress },
	[ACT_COMPRESS_CHUNK] = { "Compress chunk", action_sql_chunk_plan, AR_ARGS_TARGET, false, build_compress_chunk },
	[ACT_DECOMPRESS_CHUNK] = { "Decompress chunk", action_sql_chunk_plan, AR_ARGS_TARGET, false,
				   build_decompress_chunk },
	[ACT_REFRESH] = { "Refresh", action_sql_refresh_plan, AR_ARGS_WINDOW, false, build_refresh },
	[ACT_JOB_RUN] = { "Run now", action_sql_job_plan, AR_ARGS_JOB, true, build_job },
	[ACT_JOB_PAUSE] = { "Pause", action_sql_job_plan, AR_ARGS_JOB, true, build_job },
	[ACT_JOB_RESUME] = { "Resume", action_sql_job_plan, AR_ARGS_JOB, true, build_job },
	[ACT_RETENTION] = { "Retention: drop chunks", action_sql_retention_plan, AR_ARGS_TARGET, false, build_retention },
	[ACT_ANALYZE] = { "Analyze", action_sql_analyze_plan, AR_ARGS_TARGET, false, build_analyze },
	[ACT_MAINTENANCE] = { "Maintenance", action_sql_maintenance_plan, AR_ARGS_NONE, true, build_maintenance },
	/* built by their callers (action_prepare_plan) */
	[ACT_RETENTION_POLICY] = { "Retention policy", NULL, AR_ARGS_NONE, false, NULL },
	[ACT_CUSTOM] = { "Custom", NULL, AR_ARGS_NONE, false, NULL },
};

const struct ar_kind *ar_kind(enum action_kind k)
{
	return &kinds[(unsigned)k < ACT_KIND_COUNT ? k : ACT_NONE];
}

int ar_plan_args(const struct action_request *req, struct ar_args *a)
{
	memset(a, 0, sizeof *a);
	action_qualify(a->target, sizeof a->target, req->schema, req->name);
	a->v[0] = a->target;
	switch (ar_kind(req->kind)->args) {
	case AR_ARGS_NONE:
		return 0;
	case AR_ARGS_JOB:
		snprintf(a->job, sizeof a->job, "%d", req->job_id);
		a->v[0] = a->job;
		return 1;
	case AR_ARGS_WINDOW: {
		/* $2 .. $3: "FROM .. TO"; $4: "7 days" back; neither: the policy's */
		const char *w = req->window, *dots = strstr(w, "..");
		if (dots) {
			snprintf(a->from, sizeof a->from, "%.*s", (int)(dots - w), w);
			snprintf(a->to, sizeof a->to, "%s", dots + 2);
			a->v[1] = a->from;
			a->v[2] = a->to;
		} else if (*w) {
			snprintf(a->back, sizeof a->back, "%s", w);
			a->v[3] = a->back;
		}
		return 4;
	}
	case AR_ARGS_TARGET:
	default:
		if (req->kind != ACT_COMPRESS)
			return 1;
		/* $2: the request's window, or NULL: the policy's compress_after */
		snprintf(a->back, sizeof a->back, "%s", req->older_than);
		a->v[1] = a->back[0] ? a->back : NULL;
		return 2;
	}
}
