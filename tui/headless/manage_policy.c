/* manage_policy — tsdbtop retention (change a retention policy) and tsdbtop
 * refresh (refresh a continuous aggregate, or --all of them). Both write, so
 * both go the one write path (act_run.h): --read-only and the configuration's
 * read_only refuse them, and say so; every run is in the action log; SIGINT
 * cancels the statement in flight. The target is looked up on the server
 * first (a bad name, no policy, integer time: refused with the reason);
 * --dry-run prints the statement as it would be sent and changes nothing.
 * Exit: 0 done, 1 refused or failed, 2 usage or a malformed value, 3 cannot
 * connect. */
#include "tsdbtop/commands.h"

#include <ev.h>
#include <json.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/action.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/pgres.h"
#include "tsdbtop/sanitize.h"

#include "act_run.h"

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A step: what it does, its statement, its parameters (NULL: SQL NULL). */
static void fill_step(struct action_step *s, const char *desc, const char *sql, int n,
		      const char *const *params)
{
	snprintf(s->desc, sizeof s->desc, "%s", desc);
	snprintf(s->sql, sizeof s->sql, "%s", sql);
	s->nparams = n;
	for (int i = 0; i < n; i++) {
		s->param_null[i] = params[i] == NULL;
		snprintf(s->params[i], sizeof s->params[i], "%s", params[i] ? params[i] : "");
	}
	action_show_sql(s->shown, sizeof s->shown, s);
}

/* One step (sql: "@ts." for TimescaleDB's schema, $n parameters) as the
 * plan of kind k; run quietly through the runner. Exit code. */
static int run_one(struct act_run *x, enum action_kind k, const char *title, const char *target,
		   const char *desc, const char *sql, int n, const char *const *params)
{
	struct action_plan plan;
	action_plan_init(&plan, k, title);
	snprintf(plan.target, sizeof plan.target, "%s", target);
	snprintf(plan.effect, sizeof plan.effect, "%s", desc);
	struct action_step *s = action_plan_add(&plan);
	if (!s) {
		action_plan_free(&plan);
		errline(x, "out of memory");
		return HL_EXIT_FAILED;
	}
	fill_step(s, desc, sql, n, params);
	int rc = HL_EXIT_FAILED;
	if (action_prepare_plan(x->r, &plan) == 0 || action_state(x->r) == AST_REFUSED) {
		x->quiet = true;
		rc = act_drive(x);
	}
	action_plan_free(&plan);
	return rc;
}

/* The statement as sent, then its parameters ("-- $1 = '...'"). */
static void print_sent(struct act_run *x, const char *sql, int n, const char *const *params)
{
	struct action_step st;
	memset(&st, 0, sizeof st);
	snprintf(st.sql, sizeof st.sql, "%s", sql);
	char sent[ACT_SQL_MAX + 600];
	sent_sql(x, &st, sent, sizeof sent);
	act_print_sql(sent, n, params);
}

static struct json_object *dry_json(struct act_run *x, const char *cmd, const char *sql, int n,
				    const char *const *params)
{
	struct action_step st;
	memset(&st, 0, sizeof st);
	snprintf(st.sql, sizeof st.sql, "%s", sql);
	char sent[ACT_SQL_MAX + 600];
	sent_sql(x, &st, sent, sizeof sent);
	struct json_object *doc = hl_json_doc(cmd), *ps = json_object_new_array();
	json_object_object_add(doc, "dry_run", json_object_new_boolean(true));
	json_object_object_add(doc, "sql", json_object_new_string(sent));
	for (int i = 0; i < n; i++)
		json_object_array_add(ps, params[i] ? json_object_new_string(params[i]) : NULL);
	json_object_object_add(doc, "params", ps);
	return doc;
}

/* ============================================================ retention */

static const char ret_lookup_sql[] =
	"SELECT j.job_id, j.config->>'drop_after' AS drop_after,"
	" jsonb_typeof(j.config->'drop_after') AS drop_after_type, j.scheduled,"
	" pg_catalog.format('%I.%I', n.nspname, c.relname) AS qualified"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN timescaledb_information.jobs j ON j.proc_name = 'policy_retention'"
	"  AND j.hypertable_schema = n.nspname AND j.hypertable_name = c.relname"
	" WHERE c.oid = $1::regclass";

/* The policy of table $1: a step finds it again by the table, not by the
 * job id looked up before (the job may have been replaced meanwhile). */
#define RET_POLICY_OF_1 \
	" FROM timescaledb_information.jobs j WHERE j.proc_name = 'policy_retention'" \
	" AND (j.hypertable_schema, j.hypertable_name) = (SELECT n.nspname, c.relname" \
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" \
	" WHERE c.oid = $1::regclass)"

static const char ret_set_sql[] =
	"SELECT @ts.alter_job(j.job_id, config => jsonb_set(j.config, '{drop_after}',"
	" to_jsonb($2::interval::text)))" RET_POLICY_OF_1;

static const char ret_sched_sql[] =
	"SELECT @ts.alter_job(j.job_id, scheduled => $2::boolean)" RET_POLICY_OF_1;

static const struct cli_opt ret_opts[] = {
	opt_json,
	{ "dry-run", 0, NULL, "check the table and policy, print the SQL; change nothing" },
	{ "set", 1, "INTERVAL", "new drop_after (e.g. 120d, '90 days', 1y)" },
	{ "disable", 0, NULL, "pause the retention job" },
	{ "enable", 0, NULL, "resume the retention job" },
	opt_ro,
	opt_log,
};
#define RET_NOPTS ((int)(sizeof ret_opts / sizeof ret_opts[0]))

struct policy {             /* a retention policy as the lookup found it */
	int job;
	char drop_after[64], qualified[300], shown[300];
	bool scheduled, interval_typed;
};

/* Look the table's policy up: -1 found, else the exit code (said). */
static int ret_lookup(struct act_run *x, const char *table, struct policy *pol)
{
	const char *p1[] = { table };
	PGresult *look = NULL;
	struct conn_error e;
	char tname[300];
	sanitize_text(tname, sizeof tname, table);
	if (hl_exec(x->h, ret_lookup_sql, 1, p1, act_deadline(&x->a->o), &look, &e) != 0) {
		int rc = act_report_error(x->a->cmd, &e);
		return rc == HL_EXIT_USAGE ? HL_EXIT_FAILED : rc;
	}
	int rc = -1;
	if (pgres_isnull(look, 0, "job_id")) {
		fprintf(stderr, "tsdbtop retention: %s has no retention policy\n", tname);
		rc = HL_EXIT_FAILED;
	} else {
		pol->job = (int)pgres_ll(look, 0, "job_id", 0);
		pgres_copy(pol->drop_after, sizeof pol->drop_after, look, 0, "drop_after");
		pol->interval_typed = strcmp(pgres_text(look, 0, "drop_after_type", ""), "string") == 0;
		pol->scheduled = pgres_bool(look, 0, "scheduled", false);
		pgres_copy(pol->qualified, sizeof pol->qualified, look, 0, "qualified");
		sanitize_text(pol->shown, sizeof pol->shown, pol->qualified);
	}
	PQclear(look);
	return rc;
}

static void ret_report(const struct act_args *a, const char *what, const struct policy *b,
		       const struct policy *n)
{
	if (a->json) {
		struct json_object *doc = hl_json_doc("retention");
		json_object_object_add(doc, "table", json_object_new_string(b->qualified));
		json_object_object_add(doc, "job_id", json_object_new_int(b->job));
		json_object_object_add(doc, "action", json_object_new_string(what));
		json_object_object_add(doc, "dry_run", json_object_new_boolean(false));
		json_object_object_add(doc, "drop_after_before", json_object_new_string(b->drop_after));
		json_object_object_add(doc, "drop_after", json_object_new_string(n->drop_after));
		json_object_object_add(doc, "scheduled_before", json_object_new_boolean(b->scheduled));
		json_object_object_add(doc, "scheduled", json_object_new_boolean(n->scheduled));
		hl_print_json(doc);
	} else if (a->set) {
		char bf[64], af[64];
		sanitize_text(bf, sizeof bf, b->drop_after);
		sanitize_text(af, sizeof af, n->drop_after);
		printf("retention of %s (job %d): drop_after %s -> %s\n", b->shown, b->job, bf, af);
	} else {
		printf("retention of %s (job %d): %s -> %s\n", b->shown, b->job,
		       b->scheduled ? "scheduled" : "paused", n->scheduled ? "scheduled" : "paused");
	}
}

static int ret_usage(const struct act_args *a)
{
	if (a->npos < 1) {
		fprintf(stderr, "tsdbtop retention: which table? (tsdbtop retention TABLE --set 120d)\n");
		return HL_EXIT_USAGE;
	}
	if (a->actions != 1) {
		fprintf(stderr, "tsdbtop retention: give exactly one of --set INTERVAL, --disable, --enable\n");
		return HL_EXIT_USAGE;
	}
	return -1;
}

static int ret_change(struct act_run *x, const char *table)
{
	struct act_args *a = x->a;
	struct policy before = { 0 }, after = { 0 };
	int rc = ret_lookup(x, table, &before);
	if (rc >= 0)
		return rc;
	if (a->set && !before.interval_typed) {
		fprintf(stderr, "tsdbtop retention: %s has an integer time column: its drop_after is a number,"
				" not an interval\n", before.shown);
		return HL_EXIT_FAILED;
	}
	const char *sql = a->set ? ret_set_sql : ret_sched_sql;
	const char *p2[] = { table, a->set ? a->set : (a->enable ? "true" : "false") };
	const char *what = a->set ? "set" : a->enable ? "enable" : "disable";
	if (a->dry_run) {
		if (a->json) {
			struct json_object *doc = dry_json(x, "retention", sql, 2, p2);
			json_object_object_add(doc, "table", json_object_new_string(before.qualified));
			json_object_object_add(doc, "job_id", json_object_new_int(before.job));
			json_object_object_add(doc, "action", json_object_new_string(what));
			hl_print_json(doc);
		} else {
			printf("-- dry run: would %s the retention policy of %s (job %d); nothing changed\n",
			       what, before.shown, before.job);
			print_sent(x, sql, 2, p2);
		}
		return HL_EXIT_OK;
	}
	char desc[400];
	snprintf(desc, sizeof desc, "%s the retention policy of %s (job %d)%s%s", what, before.shown,
		 before.job, a->set ? ": drop_after " : "", a->set ? a->set : "");
	rc = run_one(x, ACT_RETENTION_POLICY, "Retention policy", before.qualified, desc, sql, 2, p2);
	if (rc != HL_EXIT_OK)
		return rc;
	if ((rc = ret_lookup(x, table, &after)) >= 0)
		return rc;
	ret_report(a, what, &before, &after);
	return HL_EXIT_OK;
}

int cmd_retention(int argc, char **argv)
{
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, ret_opts, RET_NOPTS, 2,
			   "retention TABLE (--set INTERVAL | --disable | --enable) [--dry-run] [--json] [--read-only] [CONNINFO]",
			   "Change the retention policy of a hypertable (alter_job on its policy_retention job),\n"
			   "through the action layer: refused under --read-only or read_only = yes, logged.\n"
			   "Exit 0 done, 1 refused (no such table, no policy, integer time, no privilege,\n"
			   "read-only), 2 bad usage or value, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if ((rc = ret_usage(&a)) >= 0)
		return rc;
	if (a.npos > 1)
		a.o.conninfo = a.pos[1];
	struct act_run x = { .a = &a, .unit = "step" };
	if ((rc = act_open(&x)) < 0)
		rc = ret_change(&x, a.pos[0]);
	act_close(&x);
	return rc;
}

/* ============================================================== refresh */

static const char refresh_lookup_sql[] =
	"SELECT CASE WHEN v.view_name IS NOT NULL"
	"  THEN pg_catalog.format('%I.%I', v.view_schema, v.view_name) END AS qualified,"
	" $2::timestamptz AS window_start, $3::timestamptz AS window_end"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN timescaledb_information.continuous_aggregates v"
	"  ON v.view_schema = n.nspname AND v.view_name = c.relname"
	" WHERE c.oid = $1::regclass";

static const char refresh_sql[] =
	"CALL @ts.refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)";

/* --all: every aggregate with its refresh policy's window (now - start_offset
 * .. now - end_offset), aggregates on aggregates after the ones they read;
 * integer time and aggregates without a policy are left out, and said. */
static const char refresh_all_sql[] =
	"WITH RECURSIVE c AS ("
	"  SELECT v.view_schema, v.view_name, v.hypertable_schema AS rs, v.hypertable_name AS rn,"
	"   v.materialization_hypertable_schema AS ms, v.materialization_hypertable_name AS mn,"
	"   ca.mat_hypertable_id"
	"  FROM timescaledb_information.continuous_aggregates v"
	"  JOIN _timescaledb_catalog.continuous_agg ca"
	"   ON ca.user_view_schema = v.view_schema AND ca.user_view_name = v.view_name),"
	" d AS (SELECT c.*, 0 AS depth FROM c WHERE NOT EXISTS"
	"   (SELECT 1 FROM c p WHERE p.ms = c.rs AND p.mn = c.rn)"
	"  UNION ALL SELECT c.*, d.depth + 1 FROM c JOIN d ON c.rs = d.ms AND c.rn = d.mn)"
	" SELECT pg_catalog.format('%I.%I', d.view_schema, d.view_name) AS cagg, j.job_id,"
	"  coalesce(jsonb_typeof(j.config->'end_offset') = 'number'"
	"   OR jsonb_typeof(j.config->'start_offset') = 'number', false) AS int_time,"
	"  CASE WHEN jsonb_typeof(j.config->'start_offset') = 'string'"
	"   THEN (now() - (j.config->>'start_offset')::interval)::text END AS w_start,"
	"  CASE WHEN jsonb_typeof(j.config->'end_offset') = 'string'"
	"   THEN (now() - (j.config->>'end_offset')::interval)::text END AS w_end"
	" FROM d LEFT JOIN timescaledb_information.jobs j"
	"  ON j.proc_name = 'policy_refresh_continuous_aggregate'"
	"  AND (j.config->>'mat_hypertable_id')::int = d.mat_hypertable_id"
	" ORDER BY d.depth, d.view_schema, d.view_name";

static const struct cli_opt refresh_opts[] = {
	opt_json,
	{ "dry-run", 0, NULL, "check the aggregate and window, print the SQL; change nothing" },
	{ "from", 1, "TIMESTAMP", "window start (default: open)" },
	{ "to", 1, "TIMESTAMP", "window end (default: open)" },
	{ "all", 0, NULL, "every continuous aggregate, each over its refresh policy's window" },
	opt_ro,
	opt_log,
};
#define REFRESH_NOPTS ((int)(sizeof refresh_opts / sizeof refresh_opts[0]))

/* A JSON string of the lookup's col, null when NULL. */
static struct json_object *jtext(const PGresult *look, const char *col)
{
	const char *v = pgres_text(look, 0, col, NULL);
	return v ? json_object_new_string(v) : NULL;
}

static void refresh_report(const struct act_args *a, const PGresult *look, const char *qual, double secs)
{
	if (a->json) {
		struct json_object *doc = hl_json_doc("refresh");
		json_object_object_add(doc, "cagg", json_object_new_string(pgres_text(look, 0, "qualified", "")));
		json_object_object_add(doc, "dry_run", json_object_new_boolean(false));
		json_object_object_add(doc, "window_start", jtext(look, "window_start"));
		json_object_object_add(doc, "window_end", jtext(look, "window_end"));
		json_object_object_add(doc, "seconds", json_object_new_double(secs));
		hl_print_json(doc);
	} else {
		printf("refreshed %s from %s to %s in %.1f s\n", qual, pgres_text(look, 0, "window_start", "open"),
		       pgres_text(look, 0, "window_end", "open"), secs);
	}
}

static int refresh_one(struct act_run *x, const char *cagg)
{
	struct act_args *a = x->a;
	const char *p[] = { cagg, a->from, a->to };
	PGresult *look = NULL;
	struct conn_error e;
	char name[300], qual[300], ws[64], we[64], desc[400];
	sanitize_text(name, sizeof name, cagg);
	if (hl_exec(x->h, refresh_lookup_sql, 3, p, act_deadline(&a->o), &look, &e) != 0)
		return act_report_error(a->cmd, &e);
	int rc = HL_EXIT_OK;
	const char *cagg_q = pgres_text(look, 0, "qualified", NULL);
	if (!cagg_q) {
		fprintf(stderr, "tsdbtop refresh: %s is not a continuous aggregate\n", name);
		rc = HL_EXIT_FAILED;
		goto out;
	}
	sanitize_text(qual, sizeof qual, cagg_q);
	snprintf(ws, sizeof ws, "%s", pgres_text(look, 0, "window_start", "open"));
	snprintf(we, sizeof we, "%s", pgres_text(look, 0, "window_end", "open"));
	if (a->dry_run) {
		if (a->json) {
			struct json_object *doc = dry_json(x, "refresh", refresh_sql, 3, p);
			json_object_object_add(doc, "cagg", json_object_new_string(cagg_q));
			hl_print_json(doc);
		} else {
			printf("-- dry run: would refresh %s from %s to %s; nothing changed\n", qual, ws, we);
			print_sent(x, refresh_sql, 3, p);
		}
		goto out;
	}
	snprintf(desc, sizeof desc, "refresh %s from %s to %s", qual, ws, we);
	double t0 = wall_s();
	rc = run_one(x, ACT_REFRESH, "Refresh", cagg_q, desc, refresh_sql, 3, p);
	if (rc == HL_EXIT_OK)
		refresh_report(a, look, qual, wall_s() - t0);
out:
	PQclear(look);
	return rc;
}

/* --all: one plan, a step per aggregate; printed and run as compress is. */
static int refresh_all(struct act_run *x)
{
	PGresult *r = NULL;
	struct conn_error e;
	if (hl_exec(x->h, refresh_all_sql, 0, NULL, act_deadline(&x->a->o), &r, &e) != 0)
		return act_report_error(x->a->cmd, &e);
	struct action_plan plan;
	action_plan_init(&plan, ACT_REFRESH, "Refresh all");
	snprintf(plan.target, sizeof plan.target, "every continuous aggregate");
	int left = 0;
	char skipped[200] = "";
	for (int i = 0; i < PQntuples(r); i++) {
		bool no_policy = pgres_isnull(r, i, "job_id"), int_time = pgres_bool(r, i, "int_time", false);
		const char *cagg = pgres_text(r, i, "cagg", "");
		if (no_policy || int_time) {
			size_t l = strlen(skipped);
			if (l < sizeof skipped - 2)
				snprintf(skipped + l, sizeof skipped - l, "%s%s (%s)", left ? ", " : "", cagg,
					 no_policy ? "no policy" : "integer time");
			left++;
			continue;
		}
		struct action_step *s = action_plan_add(&plan);
		if (!s)
			break;
		const char *v[] = { cagg, pgres_text(r, i, "w_start", NULL), pgres_text(r, i, "w_end", NULL) };
		char desc[sizeof s->desc];
		snprintf(desc, sizeof desc, "refresh %s over its policy window", v[0]);
		fill_step(s, desc, refresh_sql, 3, v);
	}
	PQclear(r);
	snprintf(plan.effect, sizeof plan.effect, "%d aggregate%s, one step each, bases first%s%s",
		 plan.nsteps, plan.nsteps == 1 ? "" : "s", left ? "; left out: " : "", skipped);
	int rc = HL_EXIT_FAILED;
	if (plan.nsteps == 0) {
		printf("nothing to refresh: %s\n", left ? plan.effect : "no continuous aggregates");
		rc = HL_EXIT_OK;
	} else if (action_prepare_plan(x->r, &plan) == 0 || action_state(x->r) == AST_REFUSED) {
		rc = act_drive(x);
	}
	action_plan_free(&plan);
	return rc;
}

int cmd_refresh(int argc, char **argv)
{
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, refresh_opts, REFRESH_NOPTS, 2,
			   "refresh (CAGG [--from TIMESTAMP] [--to TIMESTAMP] | --all) [--dry-run] [--json] [--read-only] [CONNINFO]",
			   "Refresh a continuous aggregate over a window (CALL refresh_continuous_aggregate, alone,\n"
			   "autocommit), or --all of them over their policies' windows, one step each, through\n"
			   "the action layer: refused under --read-only or read_only = yes, logged, stopped by\n"
			   "Ctrl-C. --statement-timeout bounds each (default 10 s). Timestamp windows only.\n"
			   "Exit 0 done, 1 refused or failed, 2 bad usage or timestamp, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if (a.npos < 1 && !a.all) {
		fprintf(stderr, "tsdbtop refresh: which continuous aggregate? (tsdbtop refresh CAGG, or --all)\n");
		return HL_EXIT_USAGE;
	}
	if (a.all && (a.from || a.to)) {
		fprintf(stderr, "tsdbtop refresh: --all uses each policy's window: no --from / --to with it\n");
		return HL_EXIT_USAGE;
	}
	if (a.all ? a.npos > 1 : a.npos > 2) {
		fprintf(stderr, "tsdbtop refresh: too many arguments\n");
		return HL_EXIT_USAGE;
	}
	if (a.npos > (a.all ? 0 : 1))
		a.o.conninfo = a.pos[a.all ? 0 : 1];
	struct act_run x = { .a = &a, .unit = "aggregates" };
	if ((rc = act_open(&x)) < 0)
		rc = a.all ? refresh_all(&x) : refresh_one(&x, a.pos[0]);
	act_close(&x);
	return rc;
}
