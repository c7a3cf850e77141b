/* manage_act — the headless management commands that change data:
 * compress, decompress, job run|pause|resume, maintenance. Built on the
 * console's action engine (include/tsdbtop/action.h): the same plans from
 * the server, the same runner (one step at a time on a second connection),
 * the same refusals and the same JSON-lines action log. Prints each step
 * and its result as it finishes ("3/12 chunks ..."); --dry-run prints the
 * SQL of the plan and runs nothing; --json prints one document at the end.
 * Exit: 0 done (or nothing to do), 1 refused/failed/stopped, 2 usage,
 * 3 cannot connect. */
#include "tsdbtop/commands.h"

#include <ev.h>
#include <json.h>
#include <libpq-fe.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/action.h"
#include "tsdbtop/config.h"
#include "tsdbtop/format.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/once.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/version.h"

#define OWN_CONN_WAIT_S 10.0
#define DEFAULT_OLDER_THAN "7 days"

/* ------------------------------------------------------------ arguments */

struct act_args {
	const char *cmd;
	const struct cli_opt *opts;
	struct options o;
	const char *pos[3];
	int npos;
	bool json, dry_run, plan_only, read_only;
	const char *older_than, *log;
};

#define opt_json { "json", 0, NULL, "one JSON document on stdout at the end (no progress lines)" }
#define opt_dry { "dry-run", 0, NULL, "plan on the server, print the SQL of every step; change nothing" }
#define opt_ro { "read-only", 0, NULL, "refuse to change anything (as read_only = true in the config file)" }
#define opt_log { "log", 1, "FILE", "action log, JSON lines (default $XDG_STATE_HOME/tsdbtop/actions.log)" }

static int act_opt(void *ud, int idx, const char *arg, FILE *err)
{
	struct act_args *a = ud;
	const char *n = a->opts[idx].name;
	if (strcmp(n, "json") == 0) {
		a->json = true;
	} else if (strcmp(n, "dry-run") == 0) {
		a->dry_run = true;
	} else if (strcmp(n, "plan") == 0) {
		a->plan_only = true;
	} else if (strcmp(n, "read-only") == 0) {
		a->read_only = true;
	} else if (strcmp(n, "log") == 0) {
		a->log = arg;
	} else if (strcmp(n, "older-than") == 0) {
		double secs;
		if (fmt_parse_interval(arg, &secs) != 0 || secs <= 0) {
			fprintf(err, "tsdbtop %s: --older-than: '%s' is not a positive interval (e.g. 7d, '2 weeks')\n",
				a->cmd, arg);
			return -1;
		}
		a->older_than = arg;
	}
	return 0;
}

/* Parse; returns -1 to go on, else the exit code (help printed: 0). */
static int act_parse(struct act_args *a, int argc, char **argv, const struct cli_opt *opts, int nopts,
		     int maxpos, const char *synopsis, const char *about)
{
	a->cmd = argv[0];
	a->opts = opts;
	if (cli_parse_cmd(&a->o, argc, argv, stderr, a->cmd, opts, nopts, act_opt, a, a->pos, &a->npos, maxpos) != 0)
		return HL_EXIT_USAGE;
	if (a->o.mode == MODE_HELP) {
		cli_usage_cmd(stdout, synopsis, about, opts, nopts);
		return 0;
	}
	return -1;
}

/* read_only and log_file from the configuration file (when there is one). */
static void config_settings(bool *read_only, char *log, size_t n)
{
	struct config c;
	char path[512], errs[1024];
	config_defaults(&c);
	config_default_path(path, sizeof path);
	if (path[0])
		config_load(&c, path, false, errs, sizeof errs);
	*read_only = c.read_only;
	snprintf(log, n, "%s", c.log_file);
}

/* ----------------------------------------------------------------- run */

struct act_run {
	struct act_args *a;
	struct hl_session *h;
	struct ev_loop *loop;
	struct action_runner *r;
	const char *unit;          /* "chunks" or "steps" in progress lines */
	int printed;               /* steps whose line is out */
	bool interrupted;
	char cfg_log[512];
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void errline(const struct act_run *x, const char *msg)
{
	char m[700];
	sanitize_text(m, sizeof m, msg);
	fprintf(stderr, "tsdbtop %s: %s\n", x->a->cmd, m);
}

static void wake_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

static int act_open(struct act_run *x)
{
	char msg[512];
	struct act_args *a = x->a;
	x->h = hl_open(&a->o, msg, sizeof msg);
	if (!x->h) {
		errline(x, msg);
		return HL_EXIT_NOCONN;
	}
	x->loop = hl_loop(x->h);
	if (!hl_info(x->h)->ts_installed) {
		char m[200];
		snprintf(m, sizeof m, "TimescaleDB is not installed in database %s", hl_info(x->h)->database);
		errline(x, m);
		return HL_EXIT_FAILED;
	}
	bool cfg_ro;
	config_settings(&cfg_ro, x->cfg_log, sizeof x->cfg_log);
	bool planning_only = a->dry_run || a->plan_only;
	struct action_config ac;
	action_config_default(&ac);
	ac.opt = &a->o;
	ac.read_only = (a->read_only || cfg_ro) && !planning_only;   /* a plan changes nothing */
	ac.monitor = hl_conn(x->h);
	ac.server = hl_info(x->h);
	ac.log_path = planning_only ? "" : a->log ? a->log : x->cfg_log[0] ? x->cfg_log : NULL;
	ac.own_connection = !planning_only;
	/* --statement-timeout given on the command line bounds every step too
	 * (a lock wait included); otherwise a step may run 10 minutes, as in the
	 * console (the configured value is the monitoring session's). */
	if (a->o.given & CLI_GIVEN_STMT_TIMEOUT)
		ac.statement_timeout = a->o.statement_timeout;
	x->r = action_runner_new(x->loop, &ac);
	if (!x->r) {
		errline(x, "out of memory");
		return HL_EXIT_FAILED;
	}
	/* Wait (bounded) for the action connection, so that a stop can cancel
	 * the statement in flight; otherwise the steps queue on this session. */
	if (ac.own_connection && !ac.read_only) {
		double until = ev_time() + OWN_CONN_WAIT_S;
		ev_timer tick;
		ev_timer_init(&tick, wake_cb, 0.1, 0.1);
		ev_timer_start(x->loop, &tick);
		while (strncmp(action_where(x->r), "on a second", 11) != 0 && ev_time() < until)
			ev_run(x->loop, EVRUN_ONCE);
		ev_timer_stop(x->loop, &tick);
	}
	return -1;
}

static void act_close(struct act_run *x)
{
	action_runner_free(x->r);
	hl_close(x->h);
}

/* What the server cannot do (license, version, replica, catalog layout),
 * before a lookup query that would fail with a less clear message. The
 * read-only refusal is left to the runner, which logs it. */
static int act_precheck(struct act_run *x, enum action_kind k)
{
	char why[400];
	if (action_unavailable(k, hl_info(x->h), false, why, sizeof why)) {
		errline(x, why);
		return HL_EXIT_FAILED;
	}
	return -1;
}

/* The statement exactly as it is sent: TimescaleDB's schema and ANALYZE's
 * identifier quoted by PQescapeIdentifier, parameters left as $n. */
static void sent_sql(struct act_run *x, const struct action_step *s, char *buf, size_t n)
{
	char ts[160], tmp[ACT_SQL_MAX + 400];
	hl_ts_schema(x->h, ts, sizeof ts);
	size_t o = 0;
	for (const char *p = s->sql; *p && o + 1 < sizeof tmp;) {
		if (strncmp(p, "@ts.", 4) == 0) {
			o += (size_t)snprintf(tmp + o, sizeof tmp - o, "%s%s", ts, ts[0] ? "." : "");
			p += 4;
		} else {
			tmp[o++] = *p++;
		}
		if (o >= sizeof tmp)
			o = sizeof tmp - 1;
	}
	tmp[o] = '\0';
	const char *pct = s->ident ? strstr(tmp, "%s") : NULL;
	struct pg_conn *pg = conn_pg(hl_conn(x->h));
	if (pct && pg) {
		char *es = PQescapeIdentifier(pg, s->ident_schema, strlen(s->ident_schema));
		char *en = PQescapeIdentifier(pg, s->ident_name, strlen(s->ident_name));
		snprintf(buf, n, "%.*s%s.%s%s", (int)(pct - tmp), tmp, es ? es : "?", en ? en : "?", pct + 2);
		PQfreemem(es);
		PQfreemem(en);
	} else {
		snprintf(buf, n, "%s", tmp);
	}
}

static const char *state_name(enum step_state s)
{
	static const char *const names[] = { "pending", "running", "done", "failed", "skipped", "stopped" };
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static struct json_object *json_doc(const char *command)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(ONCE_JSON_VERSION));
	json_object_object_add(o, "tsdbtop", json_object_new_string(TSDBTOP_VERSION));
	json_object_object_add(o, "command", json_object_new_string(command));
	json_object_object_add(o, "generated_at", once_json_time(now_s()));
	return o;
}

static void print_json(struct json_object *j)
{
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

static struct json_object *plan_json(struct act_run *x, const struct action_plan *p, bool ran)
{
	struct json_object *doc = json_doc(x->a->cmd), *steps = json_object_new_array();
	json_object_object_add(doc, "action", json_object_new_string(action_kind_name(p->kind)));
	json_object_object_add(doc, "target", json_object_new_string(p->target));
	json_object_object_add(doc, "dry_run", json_object_new_boolean(!ran));
	json_object_object_add(doc, "effect", json_object_new_string(p->effect));
	json_object_object_add(doc, "note", p->note[0] ? json_object_new_string(p->note) : NULL);
	for (int i = 0; i < p->nsteps; i++) {
		const struct action_step *s = &p->steps[i];
		struct json_object *o = json_object_new_object(), *ps = json_object_new_array();
		char sql[ACT_SQL_MAX + 600];
		sent_sql(x, s, sql, sizeof sql);
		json_object_object_add(o, "step", json_object_new_int(i + 1));
		json_object_object_add(o, "desc", json_object_new_string(s->desc));
		json_object_object_add(o, "sql", json_object_new_string(sql));
		for (int k = 0; k < s->nparams; k++)
			json_object_array_add(ps, s->param_null[k] ? NULL : json_object_new_string(s->params[k]));
		json_object_object_add(o, "params", ps);
		json_object_object_add(o, "shown", json_object_new_string(s->shown));
		if (ran) {
			json_object_object_add(o, "state", json_object_new_string(state_name(s->state)));
			json_object_object_add(o, "result", s->result[0] ? json_object_new_string(s->result) : NULL);
			json_object_object_add(o, "seconds", s->state == STEP_DONE || s->state == STEP_FAILED ?
						json_object_new_double(s->duration) : NULL);
			json_object_object_add(o, "bytes_before", once_json_num(s->bytes_before));
			json_object_object_add(o, "bytes_after", once_json_num(s->bytes_after));
		}
		json_object_array_add(steps, o);
	}
	json_object_object_add(doc, "steps", steps);
	return doc;
}

static void print_header(struct act_run *x, const struct action_plan *p, const char *prefix)
{
	char t[300], e[300], nt[300];
	sanitize_text(t, sizeof t, p->target);
	sanitize_text(e, sizeof e, p->effect);
	sanitize_text(nt, sizeof nt, p->note);
	printf("%s%s %s: %s\n", prefix, p->title, t, e);
	/* The note is about the console's keys for maintenance; skip that one. */
	if (nt[0] && p->kind != ACT_MAINTENANCE)
		printf("%snote: %s\n", prefix, nt);
	(void)x;
}

/* --dry-run: every step's statement as sent, then its parameters. */
static void print_dry_run(struct act_run *x, const struct action_plan *p)
{
	print_header(x, p, "-- dry run: ");
	for (int i = 0; i < p->nsteps; i++) {
		const struct action_step *s = &p->steps[i];
		char d[300], sql[ACT_SQL_MAX + 600], v[300];
		sanitize_text(d, sizeof d, s->desc);
		sent_sql(x, s, sql, sizeof sql);
		printf("-- %d/%d %s\n%s;\n", i + 1, p->nsteps, d, sql);
		for (int k = 0; k < s->nparams; k++) {
			if (s->param_null[k]) {
				printf("-- $%d = NULL\n", k + 1);
				continue;
			}
			sanitize_text(v, sizeof v, s->params[k]);
			printf("-- $%d = '", k + 1);
			for (const char *c = v; *c; c++) {
				if (*c == '\'')
					putchar('\'');
				putchar(*c);
			}
			printf("'\n");
		}
	}
	printf("-- nothing changed\n");
}

/* --plan: the steps in words. */
static void print_plan(struct act_run *x, const struct action_plan *p)
{
	print_header(x, p, "");
	for (int i = 0; i < p->nsteps; i++) {
		char d[300];
		sanitize_text(d, sizeof d, p->steps[i].desc);
		printf("%4d. %s\n", i + 1, d);
	}
	printf("plan only: nothing changed\n");
}

/* A step's line once it has settled (its size measured: a later step has
 * started, or the run is over). */
static void print_progress(struct act_run *x, bool over)
{
	const struct action_plan *p = action_current(x->r);
	int total = 0;
	for (int i = 0; i < p->nsteps; i++)
		total += p->steps[i].state != STEP_SKIPPED;
	for (int i = x->printed; i < p->nsteps; i++) {
		const struct action_step *s = &p->steps[i];
		bool later = over;
		for (int k = i + 1; k < p->nsteps && !later; k++)
			later = p->steps[k].state != STEP_PENDING;
		bool settled = s->state == STEP_DONE || s->state == STEP_FAILED ||
			       (s->state == STEP_STOPPED && s->result[0]);
		if (s->state == STEP_PENDING || s->state == STEP_RUNNING || !later)
			break;
		x->printed = i + 1;
		if (!settled)
			continue;
		if (x->a->json)
			continue;
		char d[300], res[300], sizes[96] = "", bb[32], ab[32];
		sanitize_text(d, sizeof d, s->desc);
		/* "ok: NAME" where NAME is already in the line (compress_chunk
		 * returns the chunk): just "ok" */
		const char *rs = s->result;
		if (strncmp(rs, "ok: ", 4) == 0 && (strstr(s->desc, rs + 4) || rs[4] == '('))
			rs = "ok";   /* a record (alter_job's) is in the JSON */
		sanitize_text(res, sizeof res, rs);
		if (!isnan(s->bytes_before) && !isnan(s->bytes_after) && s->state == STEP_DONE)
			snprintf(sizes, sizeof sizes, ", %s -> %s", fmt_bytes(bb, sizeof bb, s->bytes_before),
				 fmt_bytes(ab, sizeof ab, s->bytes_after));
		printf("%d/%d %s  %s: %s%s (%.1f s%s)\n", i + 1, total, x->unit, d,
		       s->state == STEP_DONE ? "" : s->state == STEP_FAILED ? "FAILED: " : "STOPPED: ",
		       res, s->duration, sizes);
		fflush(stdout);
	}
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	struct act_run *x = w->data;
	if (x->interrupted)
		return;
	x->interrupted = true;
	fprintf(stderr, "tsdbtop %s: stopping: the statement in flight is cancelled, no further step\n", x->a->cmd);
	action_stop(x->r);
}

static bool nothing_to_do(const char *msg)
{
	return strncmp(msg, "nothing to ", 11) == 0;
}

/* After action_prepare / action_prepare_plan: wait for the plan, then print
 * it (--dry-run, --plan) or confirm and run it. Returns the exit code. */
static int act_drive(struct act_run *x)
{
	struct act_args *a = x->a;
	while (action_state(x->r) == AST_PLANNING)
		ev_run(x->loop, EVRUN_ONCE);
	if (action_state(x->r) == AST_REFUSED) {
		const char *m = action_message(x->r);
		if (nothing_to_do(m)) {
			if (a->json) {
				struct json_object *doc = plan_json(x, action_current(x->r), false);
				json_object_object_add(doc, "message", json_object_new_string(m));
				json_object_object_add(doc, "nothing_to_do", json_object_new_boolean(true));
				print_json(doc);
			} else {
				char s[600];
				sanitize_text(s, sizeof s, m);
				printf("%s\n", s);
			}
			return HL_EXIT_OK;
		}
		errline(x, m);
		return HL_EXIT_FAILED;
	}
	if (action_state(x->r) != AST_PLANNED) {
		errline(x, action_message(x->r)[0] ? action_message(x->r) : "the action could not be planned");
		return HL_EXIT_FAILED;
	}
	const struct action_plan *p = action_current(x->r);
	if (a->dry_run || a->plan_only) {
		if (a->json) {
			print_json(plan_json(x, p, false));
		} else if (a->dry_run) {
			print_dry_run(x, p);
		} else {
			print_plan(x, p);
		}
		action_dismiss(x->r);
		return HL_EXIT_OK;
	}
	if (!a->json) {
		print_header(x, p, "");
		fflush(stdout);
	}
	ev_signal sint, sterm;
	ev_signal_init(&sint, on_signal, SIGINT);
	ev_signal_init(&sterm, on_signal, SIGTERM);
	sint.data = sterm.data = x;
	ev_signal_start(x->loop, &sint);
	ev_signal_start(x->loop, &sterm);
	int rc = HL_EXIT_OK;
	if (action_confirm(x->r, p->destructive ? p->confirm_name : NULL) != 0) {
		errline(x, action_message(x->r));
		rc = HL_EXIT_FAILED;
		goto out;
	}
	while (action_state(x->r) == AST_RUNNING || action_state(x->r) == AST_STOPPING) {
		ev_run(x->loop, EVRUN_ONCE);
		print_progress(x, false);
	}
	print_progress(x, true);
	int done, total;
	action_progress(x->r, &done, &total, NULL, NULL);
	bool ok = done == total;   /* a signal after the last step changes nothing */
	for (int i = 0; i < p->nsteps; i++)
		ok = ok && p->steps[i].state == STEP_DONE;
	if (a->json) {
		struct json_object *doc = plan_json(x, p, true);
		json_object_object_add(doc, "done", json_object_new_int(done));
		json_object_object_add(doc, "total", json_object_new_int(total));
		json_object_object_add(doc, "ok", json_object_new_boolean(ok));
		json_object_object_add(doc, "where", json_object_new_string(action_where(x->r)));
		json_object_object_add(doc, "message", json_object_new_string(action_message(x->r)));
		print_json(doc);
	} else {
		char m[600];
		sanitize_text(m, sizeof m, action_message(x->r));
		printf("%s\n", m);
	}
	if (!ok) {
		errline(x, action_message(x->r));
		rc = HL_EXIT_FAILED;
	}
out:
	ev_signal_stop(x->loop, &sint);
	ev_signal_stop(x->loop, &sterm);
	return rc;
}

/* Plan the request and run it; a refused plan is driven too, so that the
 * refusal is printed, logged and mapped to its exit code like any result. */
static int prepare_and_drive(struct act_run *x, const struct action_request *req)
{
	if (action_prepare(x->r, req) == 0 || action_state(x->r) == AST_REFUSED)
		return act_drive(x);
	return HL_EXIT_FAILED;
}

/* ------------------------------------------------- resolving a target */

static const char lookup_sql[] =
	"SELECT n.nspname AS rel_schema, c.relname AS rel_name, h.id AS ht_id,"
	/* compression_state 1 until 2.28, hypertable.status & 4 from 2.29 */
	" CASE WHEN h.id IS NULL THEN NULL WHEN h.compression_state = 2 THEN 2"
	"  WHEN h.compression_state = 1 OR coalesce((to_jsonb(h)->>'status')::int, 0) & 4 = 4 THEN 1"
	"  ELSE 0 END AS compression_state,"
	" k.id AS chunk_id,"
	" pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner, pg_catalog.pg_get_userbyid(c.relowner) AS owner_name,"
	" (SELECT j.config->>'compress_after' FROM timescaledb_information.jobs j"
	"   WHERE j.proc_name = 'policy_compression' AND (j.config->>'hypertable_id')::int = h.id"
	"   ORDER BY j.job_id LIMIT 1) AS compress_after,"
	" (SELECT d.column_type::regtype::text FROM _timescaledb_catalog.dimension d"
	"   WHERE d.hypertable_id = h.id AND d.interval_length IS NOT NULL ORDER BY d.id LIMIT 1) AS time_type"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN _timescaledb_catalog.hypertable h ON h.schema_name = n.nspname AND h.table_name = c.relname"
	/* the chunk row's relation on every catalog layout (as CHUNK_OID in
	 * tui/db/action_sql.c): schema_name/table_name until 2.28, relid from
	 * 2.29; a dropped chunk (no table) maps to NULL */
	" LEFT JOIN _timescaledb_catalog.chunk k ON c.oid = (CASE WHEN (to_jsonb(k)->>'relid') IS NOT NULL"
	"  THEN (to_jsonb(k)->>'relid')::regclass::oid ELSE to_regclass(pg_catalog.format('%I.%I',"
	"  to_jsonb(k)->>'schema_name', to_jsonb(k)->>'table_name'))::oid END)"
	" WHERE c.oid = $1::regclass";

/* %s: TimescaleDB's schema, quoted by PQescapeIdentifier. */
static const char older_chunks_sql[] =
	"SELECT n2.nspname AS chunk_schema, c2.relname AS chunk_name, k.status,"
	" c2.relpages::float8 * pg_catalog.current_setting('block_size')::float8 AS bytes"
	" FROM %s.show_chunks($1::regclass, older_than => $2::interval) s(rel)"
	" JOIN pg_catalog.pg_class c2 ON c2.oid = s.rel"
	" JOIN pg_catalog.pg_namespace n2 ON n2.oid = c2.relnamespace"
	" JOIN _timescaledb_catalog.chunk k ON c2.oid = (CASE WHEN (to_jsonb(k)->>'relid') IS NOT NULL"
	"  THEN (to_jsonb(k)->>'relid')::regclass::oid ELSE to_regclass(pg_catalog.format('%%I.%%I',"
	"  to_jsonb(k)->>'schema_name', to_jsonb(k)->>'table_name'))::oid END)"
	" LEFT JOIN LATERAL (SELECT ds.range_start FROM _timescaledb_catalog.chunk_constraint cc"
	"   JOIN _timescaledb_catalog.dimension_slice ds ON ds.id = cc.dimension_slice_id"
	"   JOIN _timescaledb_catalog.dimension d ON d.id = ds.dimension_id AND d.interval_length IS NOT NULL"
	"   WHERE cc.chunk_id = k.id ORDER BY d.id LIMIT 1) rng ON true"
	" WHERE (k.status & 1) = 0 OR (k.status & 8) <> 0"
	" ORDER BY rng.range_start, c2.relname";

static const char *cell(PGresult *r, const char *col)
{
	int c = PQfnumber(r, col);
	if (c < 0 || PQntuples(r) < 1 || PQgetisnull(r, 0, c))
		return NULL;
	return PQgetvalue(r, 0, c);
}

/* Resolve NAME ($1::regclass). Returns NULL after one stderr line. */
static PGresult *lookup(struct act_run *x, const char *name)
{
	PGresult *res = NULL;
	struct conn_error e;
	const char *p[] = { name };
	if (hl_exec(x->h, lookup_sql, 1, p, 60, &res, &e) != 0) {
		errline(x, e.message);
		return NULL;
	}
	if (PQntuples(res) < 1) {
		char m[400];
		snprintf(m, sizeof m, "%s: no such table", name);
		errline(x, m);
		PQclear(res);
		return NULL;
	}
	return res;
}

static void request_for(struct action_request *req, enum action_kind k, PGresult *look)
{
	memset(req, 0, sizeof *req);
	req->kind = k;
	snprintf(req->schema, sizeof req->schema, "%s", cell(look, "rel_schema"));
	snprintf(req->name, sizeof req->name, "%s", cell(look, "rel_name"));
}

/* Compress with a window of our own (--older-than, or no policy: 7 days):
 * the console's compress plan shape (one compress_chunk per chunk, oldest
 * first, sizes measured), built here and run by the same runner. */
static int compress_custom(struct act_run *x, PGresult *look, const char *older, bool defaulted)
{
	char name[NAME_LEN * 2 + 4], why[600];
	action_qualify(name, sizeof name, cell(look, "rel_schema"), cell(look, "rel_name"));
	const char *tt = cell(look, "time_type");
	if (tt && strcmp(tt, "timestamp with time zone") != 0 && strcmp(tt, "timestamp without time zone") != 0 &&
	    strcmp(tt, "date") != 0) {
		snprintf(why, sizeof why, "%s has an integer time column (%s): compress its chunks one by one "
			 "(tsdbtop compress CHUNK)", name, tt);
		errline(x, why);
		return HL_EXIT_FAILED;
	}
	if (!cell(look, "compression_state") || strcmp(cell(look, "compression_state"), "1") != 0) {
		snprintf(why, sizeof why, "compression is not enabled on %s (ALTER TABLE ... SET (timescaledb.compress))",
			 name);
		errline(x, why);
		return HL_EXIT_FAILED;
	}
	const char *own = cell(look, "owner");
	if (!x->a->dry_run && (!own || strcmp(own, "t") != 0)) {
		snprintf(why, sizeof why, "permission: compress needs the owner of %s (owned by %s); role %s is not a member",
			 name, cell(look, "owner_name") ? cell(look, "owner_name") : "?", hl_info(x->h)->user);
		errline(x, why);
		return HL_EXIT_FAILED;
	}
	char ts[160], sql[sizeof older_chunks_sql + 160];
	hl_ts_schema(x->h, ts, sizeof ts);
	snprintf(sql, sizeof sql, older_chunks_sql, ts[0] ? ts : "public");
	const char *p[] = { name, older };
	PGresult *res = NULL;
	struct conn_error e;
	if (hl_exec(x->h, sql, 2, p, 60, &res, &e) != 0) {
		errline(x, e.message);
		/* a malformed interval is bad input */
		return strncmp(e.sqlstate, "22", 2) == 0 ? HL_EXIT_USAGE : HL_EXIT_FAILED;
	}
	struct action_plan plan;
	action_plan_init(&plan, ACT_COMPRESS, "Compress");
	snprintf(plan.target, sizeof plan.target, "%s", name);
	double bytes = 0;
	int partial = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		struct action_step *s = action_plan_add(&plan);
		if (!s)
			break;
		char chunk[NAME_LEN * 2 + 4];
		action_qualify(chunk, sizeof chunk, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
		int status = (int)strtol(PQgetvalue(res, i, 2), NULL, 10);
		partial += (status & 8) != 0;
		snprintf(s->desc, sizeof s->desc, "compress %s%s", chunk, (status & 8) ? " (partial)" : "");
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.compress_chunk($1::regclass, if_not_compressed => true)");
		snprintf(s->params[0], sizeof s->params[0], "%s", chunk);
		s->nparams = 1;
		s->measure = true;
		s->bytes_before = PQgetisnull(res, i, 3) ? NAN : strtod(PQgetvalue(res, i, 3), NULL);
		s->bytes_after = NAN;
		bytes += isnan(s->bytes_before) ? 0 : s->bytes_before;
	}
	PQclear(res);
	char b[32], win[120];
	snprintf(win, sizeof win, "%s%s", older, defaulted ? ", the default: no compression policy" : "");
	plan.total_bytes = bytes;
	int rc;
	if (plan.nsteps == 0) {
		char m[600];
		snprintf(m, sizeof m, "nothing to compress: no chunk of %s older than %s is uncompressed", name, win);
		if (x->a->json) {
			struct json_object *doc = plan_json(x, &plan, false);
			json_object_object_add(doc, "message", json_object_new_string(m));
			json_object_object_add(doc, "nothing_to_do", json_object_new_boolean(true));
			print_json(doc);
		} else {
			char s[700];
			sanitize_text(s, sizeof s, m);
			printf("%s\n", s);
		}
		rc = HL_EXIT_OK;
	} else {
		snprintf(plan.effect, sizeof plan.effect, "%d chunk%s older than %s, %d partial, about %s, oldest first, "
			 "one chunk per step", plan.nsteps, plan.nsteps == 1 ? "" : "s", win, partial,
			 fmt_bytes(b, sizeof b, bytes));
		if (action_prepare_plan(x->r, &plan) != 0 && action_state(x->r) != AST_REFUSED) {
			errline(x, "the plan could not be prepared");
			rc = HL_EXIT_FAILED;
		} else {
			rc = act_drive(x);
		}
	}
	action_plan_free(&plan);
	return rc;
}

/* ============================================================ compress */

int cmd_compress(int argc, char **argv)
{
	static const struct cli_opt opts[] = {
		{ "older-than", 1, "INTERVAL", "chunks older than this (default: the compression policy's compress_after, else 7d)" },
		opt_dry, opt_json, opt_ro, opt_log,
	};
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, opts, 5, 2,
			   "compress TABLE|CHUNK [--older-than INTERVAL] [--dry-run] [--json] [CONNINFO]",
			   "Compress a hypertable's chunks that are past compress_after (its compression policy's,\n"
			   "or --older-than; 7 days when there is no policy), one chunk per step, oldest first, with\n"
			   "the console's action engine; or one CHUNK. Prints each chunk as it is done.\n"
			   "Exit 0 done (or nothing to compress), 1 refused or failed (no such table, compression\n"
			   "not enabled, not the owner, read-only), 2 bad usage or interval, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if (a.npos < 1) {
		fprintf(stderr, "tsdbtop compress: which hypertable? (tsdbtop compress TABLE [--older-than 7d])\n");
		return HL_EXIT_USAGE;
	}
	if (a.npos > 1)
		a.o.conninfo = a.pos[1];
	struct act_run x = { .a = &a, .unit = "chunks" };
	if ((rc = act_open(&x)) >= 0 || (rc = act_precheck(&x, ACT_COMPRESS)) >= 0)
		goto out;
	PGresult *look = lookup(&x, a.pos[0]);
	if (!look) {
		rc = HL_EXIT_FAILED;
		goto out;
	}
	struct action_request req;
	if (cell(look, "chunk_id")) {
		if (a.older_than) {
			fprintf(stderr, "tsdbtop compress: --older-than applies to a hypertable, not to a chunk\n");
			rc = HL_EXIT_USAGE;
		} else {
			request_for(&req, ACT_COMPRESS_CHUNK, look);
			x.unit = "chunk";
			rc = prepare_and_drive(&x, &req);
		}
	} else if (!cell(look, "ht_id")) {
		char m[400], n[NAME_LEN * 2 + 4];
		action_qualify(n, sizeof n, cell(look, "rel_schema"), cell(look, "rel_name"));
		snprintf(m, sizeof m, "%s is not a hypertable (nor a chunk)", n);
		errline(&x, m);
		rc = HL_EXIT_FAILED;
	} else {
		const char *after = cell(look, "compress_after");
		bool int_policy = after && strspn(after, "-0123456789") == strlen(after);
		if (!a.older_than && after && !int_policy) {
			/* the console's plan: chunks past the policy's compress_after */
			request_for(&req, ACT_COMPRESS, look);
			rc = prepare_and_drive(&x, &req);
		} else {
			rc = compress_custom(&x, look, a.older_than ? a.older_than : DEFAULT_OLDER_THAN, !a.older_than && !after);
		}
	}
	PQclear(look);
out:
	act_close(&x);
	return rc;
}

/* ========================================================== decompress */

int cmd_decompress(int argc, char **argv)
{
	static const struct cli_opt opts[] = { opt_dry, opt_json, opt_ro, opt_log };
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, opts, 4, 2, "decompress CHUNK [--dry-run] [--json] [CONNINFO]",
			   "Decompress one chunk (decompress_chunk) with the console's action engine.\n"
			   "Exit 0 done, 1 refused or failed (no such chunk, not compressed, frozen, not the owner,\n"
			   "read-only), 2 bad usage, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if (a.npos < 1) {
		fprintf(stderr, "tsdbtop decompress: which chunk? (tsdbtop decompress SCHEMA.CHUNK)\n");
		return HL_EXIT_USAGE;
	}
	if (a.npos > 1)
		a.o.conninfo = a.pos[1];
	struct act_run x = { .a = &a, .unit = "chunk" };
	if ((rc = act_open(&x)) >= 0 || (rc = act_precheck(&x, ACT_DECOMPRESS_CHUNK)) >= 0)
		goto out;
	PGresult *look = lookup(&x, a.pos[0]);
	if (!look) {
		rc = HL_EXIT_FAILED;
		goto out;
	}
	struct action_request req;
	request_for(&req, ACT_DECOMPRESS_CHUNK, look);
	PQclear(look);
	rc = prepare_and_drive(&x, &req);
out:
	act_close(&x);
	return rc;
}

/* ================================================================= job */

static const char scheduler_sql[] =
	"SELECT count(*) FILTER (WHERE a.backend_type = 'TimescaleDB Background Worker Scheduler'"
	" AND (a.datname = pg_catalog.current_database() OR a.datname IS NULL)) > 0 AS running"
	" FROM pg_catalog.pg_stat_activity a";

int cmd_job(int argc, char **argv)
{
	static const struct cli_opt opts[] = { opt_dry, opt_json, opt_ro, opt_log };
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, opts, 4, 3, "job run|pause|resume ID [--dry-run] [--json] [CONNINFO]",
			   "Run a TimescaleDB job now, pause it or resume it (tsdbtop jobs lists them), with the\n"
			   "console's action engine. run: when the scheduler is running and the job is not paused it\n"
			   "is asked to start the job now (alter_job next_start => now()); otherwise (a paused job,\n"
			   "which the scheduler skips, or no scheduler) CALL run_job runs it here and waits.\n"
			   "Exit 0 done, 1 refused or failed (no such job, already paused, not the owner, read-only,\n"
			   "the job failed), 2 bad usage, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if (a.npos < 2) {
		fprintf(stderr, "tsdbtop job: what and which job? (tsdbtop job run|pause|resume ID)\n");
		return HL_EXIT_USAGE;
	}
	enum action_kind k;
	if (strcmp(a.pos[0], "run") == 0)
		k = ACT_JOB_RUN;
	else if (strcmp(a.pos[0], "pause") == 0)
		k = ACT_JOB_PAUSE;
	else if (strcmp(a.pos[0], "resume") == 0)
		k = ACT_JOB_RESUME;
	else {
		char v[80];
		sanitize_text(v, sizeof v, a.pos[0]);
		fprintf(stderr, "tsdbtop job: '%s' is not run, pause or resume\n", v);
		return HL_EXIT_USAGE;
	}
	char *end;
	long id = strtol(a.pos[1], &end, 10);
	if (end == a.pos[1] || *end || id <= 0 || id > 2147483647L) {
		char v[80];
		sanitize_text(v, sizeof v, a.pos[1]);
		fprintf(stderr, "tsdbtop job: '%s' is not a job id (a positive number; tsdbtop jobs lists them)\n", v);
		return HL_EXIT_USAGE;
	}
	if (a.npos > 2)
		a.o.conninfo = a.pos[2];
	struct act_run x = { .a = &a, .unit = "step" };
	if ((rc = act_open(&x)) >= 0)
		goto out;
	struct action_request req = { .kind = k, .job_id = (int)id };
	if (k == ACT_JOB_RUN) {
		PGresult *res = NULL;
		struct conn_error e;
		if (hl_exec(x.h, scheduler_sql, 0, NULL, 30, &res, &e) == 0 && PQntuples(res) > 0)
			req.scheduler_running = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
		PQclear(res);
	}
	rc = prepare_and_drive(&x, &req);
out:
	act_close(&x);
	return rc;
}

/* ========================================================= maintenance */

int cmd_maintenance(int argc, char **argv)
{
	static const struct cli_opt opts[] = {
		{ "plan", 0, NULL, "list the steps it would run; change nothing" },
		opt_dry, opt_json, opt_ro, opt_log,
	};
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, opts, 5, 1, "maintenance [--plan | --dry-run] [--json] [CONNINFO]",
			   "The console's maintenance: ANALYZE hypertables with stale statistics, refresh lagging\n"
			   "continuous aggregates over their policy window, compress compression backlogs; one step\n"
			   "at a time, only objects the role owns. --plan lists the steps, --dry-run their SQL.\n"
			   "Exit 0 done (or nothing to do), 1 refused or a step failed, 2 bad usage, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if (a.npos > 0)
		a.o.conninfo = a.pos[0];
	struct act_run x = { .a = &a, .unit = "steps" };
	if ((rc = act_open(&x)) >= 0)
		goto out;
	struct action_request req = { .kind = ACT_MAINTENANCE };
	rc = prepare_and_drive(&x, &req);
out:
	act_close(&x);
	return rc;
}
