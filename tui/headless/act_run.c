/* act_run — the one write path of the headless commands (see act_run.h). */
#include "act_run.h"

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
#include "tsdbtop/pgerror.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/version.h"

#define OWN_CONN_WAIT_S 10.0

int act_opt(void *ud, int idx, const char *arg, FILE *err)
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
	} else if (strcmp(n, "set") == 0) {
		double secs;
		if (fmt_parse_interval(arg, &secs) != 0 || secs <= 0) {
			fprintf(err, "tsdbtop %s: --set: '%s' is not a positive interval (e.g. 120d, '90 days')\n",
				a->cmd, arg);
			return -1;
		}
		a->set = arg;
		a->actions++;
	} else if (strcmp(n, "disable") == 0 || strcmp(n, "enable") == 0) {
		*(n[0] == 'd' ? &a->disable : &a->enable) = true;
		a->actions++;
	} else if (strcmp(n, "from") == 0) {
		a->from = arg;
	} else if (strcmp(n, "to") == 0) {
		a->to = arg;
	} else if (strcmp(n, "all") == 0) {
		a->all = true;
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
int act_parse(struct act_args *a, int argc, char **argv, const struct cli_opt *opts, int nopts,
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

/* ----------------------------------------------------------------- run */



void errline(const struct act_run *x, const char *msg)
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

int act_open(struct act_run *x)
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
	struct config cfg;
	int crc = hl_config_load(a->cmd, &a->o, &cfg);
	if (crc >= 0)
		return crc;
	bool cfg_ro = cfg.read_only;
	snprintf(x->cfg_log, sizeof x->cfg_log, "%s", cfg.log_file);
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

void act_close(struct act_run *x)
{
	action_runner_free(x->r);
	hl_close(x->h);
}

/* What the server cannot do (license, version, replica, catalog layout),
 * before a lookup query that would fail with a less clear message. The
 * read-only refusal is left to the runner, which logs it. */
int act_precheck(struct act_run *x, enum action_kind k)
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
void sent_sql(struct act_run *x, const struct action_step *s, char *buf, size_t n)
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

struct json_object *act_plan_json(struct act_run *x, const struct action_plan *p, bool ran)
{
	struct json_object *doc = hl_json_doc(x->a->cmd), *steps = json_object_new_array();
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

/* Wait for the plan: -1 when it waits for confirmation, else the exit
 * code of its refusal (said; "nothing to ..." is a success). */
static int await_plan(struct act_run *x)
{
	while (action_state(x->r) == AST_PLANNING)
		ev_run(x->loop, EVRUN_ONCE);
	const char *m = action_message(x->r);
	if (action_state(x->r) == AST_PLANNED)
		return -1;
	if (action_state(x->r) != AST_REFUSED) {
		errline(x, m[0] ? m : "the action could not be planned");
		return HL_EXIT_FAILED;
	}
	if (!nothing_to_do(m)) {
		errline(x, m);
		return HL_EXIT_FAILED;
	}
	if (x->quiet) {
		/* the caller reports */
	} else if (x->a->json) {
		struct json_object *doc = act_plan_json(x, action_current(x->r), false);
		json_object_object_add(doc, "message", json_object_new_string(m));
		json_object_object_add(doc, "nothing_to_do", json_object_new_boolean(true));
		hl_print_json(doc);
	} else {
		char s[600];
		sanitize_text(s, sizeof s, m);
		printf("%s\n", s);
	}
	return HL_EXIT_OK;
}

/* --dry-run, --plan: the plan printed, then dropped. */
static int print_only(struct act_run *x, const struct action_plan *p)
{
	if (x->a->json)
		hl_print_json(act_plan_json(x, p, false));
	else if (x->a->dry_run)
		print_dry_run(x, p);
	else
		print_plan(x, p);
	action_dismiss(x->r);
	return HL_EXIT_OK;
}

/* The run is over: its summary (JSON, or the runner's message); exit 0
 * when every step is done. */
static int report_run(struct act_run *x, const struct action_plan *p)
{
	int done, total;
	action_progress(x->r, &done, &total, NULL, NULL);
	bool ok = done == total;   /* a signal after the last step changes nothing */
	for (int i = 0; i < p->nsteps; i++)
		ok = ok && p->steps[i].state == STEP_DONE;
	if (x->quiet) {
		/* the caller reports */
	} else if (x->a->json) {
		struct json_object *doc = act_plan_json(x, p, true);
		json_object_object_add(doc, "done", json_object_new_int(done));
		json_object_object_add(doc, "total", json_object_new_int(total));
		json_object_object_add(doc, "ok", json_object_new_boolean(ok));
		json_object_object_add(doc, "where", json_object_new_string(action_where(x->r)));
		json_object_object_add(doc, "message", json_object_new_string(action_message(x->r)));
		hl_print_json(doc);
	} else {
		char m[600];
		sanitize_text(m, sizeof m, action_message(x->r));
		printf("%s\n", m);
	}
	if (ok)
		return HL_EXIT_OK;
	errline(x, action_message(x->r));
	return HL_EXIT_FAILED;
}

/* Confirm the plan and run it to its end, a line per step as it settles;
 * SIGINT/SIGTERM stop it. */
static int run_plan(struct act_run *x, const struct action_plan *p)
{
	if (!x->a->json && !x->quiet) {
		print_header(x, p, "");
		fflush(stdout);
	}
	ev_signal sint, sterm;
	ev_signal_init(&sint, on_signal, SIGINT);
	ev_signal_init(&sterm, on_signal, SIGTERM);
	sint.data = sterm.data = x;
	ev_signal_start(x->loop, &sint);
	ev_signal_start(x->loop, &sterm);
	int rc;
	if (action_confirm(x->r, p->destructive ? p->confirm_name : NULL) != 0) {
		errline(x, action_message(x->r));
		rc = HL_EXIT_FAILED;
	} else {
		while (action_state(x->r) == AST_RUNNING || action_state(x->r) == AST_STOPPING) {
			ev_run(x->loop, EVRUN_ONCE);
			if (!x->quiet)
				print_progress(x, false);
		}
		if (!x->quiet)
			print_progress(x, true);
		rc = report_run(x, p);
	}
	ev_signal_stop(x->loop, &sint);
	ev_signal_stop(x->loop, &sterm);
	return rc;
}

/* After action_prepare / action_prepare_plan: wait for the plan, then print
 * it (--dry-run, --plan) or confirm and run it. Returns the exit code. */
int act_drive(struct act_run *x)
{
	int rc = await_plan(x);
	if (rc >= 0)
		return rc;
	const struct action_plan *p = action_current(x->r);
	if (x->a->dry_run || x->a->plan_only)
		return print_only(x, p);
	return run_plan(x, p);
}

/* Plan the request and run it; a refused plan is driven too, so that the
 * refusal is printed, logged and mapped to its exit code like any result. */
int prepare_and_drive(struct act_run *x, const struct action_request *req)
{
	if (action_prepare(x->r, req) == 0 || action_state(x->r) == AST_REFUSED)
		return act_drive(x);
	return HL_EXIT_FAILED;
}

/* ---------------------------------------------- one-off statements */

/* Exit code and one stderr line for a failed statement. */
int act_report_error(const char *cmd, const struct conn_error *e)
{
	char m[600];
	sanitize_text(m, sizeof m, e->message);
	if (e->kind != CERR_SERVER) {
		fprintf(stderr, "tsdbtop %s: %s\n", cmd, m);
		return HL_EXIT_FAILED;
	}
	struct pgerr_words w = pgerror_words(e->sqlstate, e->message);
	if (w.cls == PGERR_PERMISSION)
		fprintf(stderr, "tsdbtop %s: %s: %s\n", cmd, w.words, m);
	else
		fprintf(stderr, "tsdbtop %s: %s\n", cmd, m);
	/* Data exceptions (a malformed timestamp or interval): bad input. */
	return w.exit == PGERR_EXIT_USAGE ? HL_EXIT_USAGE : HL_EXIT_FAILED;
}

void act_print_sql(const char *sql, int n, const char *const *params)
{
	printf("%s;\n", sql);
	for (int i = 0; i < n; i++) {
		char v[300];
		if (!params[i]) {
			printf("-- $%d = NULL\n", i + 1);
			continue;
		}
		sanitize_text(v, sizeof v, params[i]);
		printf("-- $%d = '", i + 1);
		for (const char *p = v; *p; p++) {
			if (*p == '\'')
				putchar('\'');
			putchar(*p);
		}
		printf("'\n");
	}
}

double act_deadline(const struct options *o)
{
	double d = o->statement_timeout + 10;
	return d > o->query_deadline ? d : o->query_deadline;
}
