/* act_run — the headless commands that change the database all go through
 * here, onto the console's action engine (include/tsdbtop/action.h): one
 * argument template (--json, --dry-run, --plan, --read-only, --log), the
 * configuration's read_only and log_file, the runner on a second connection,
 * its refusals, the JSON-lines action log, stop on SIGINT/SIGTERM. Internal
 * to tui/app (manage_act.c, manage_policy.c). */
#ifndef TSDBTOP_ACT_RUN_H
#define TSDBTOP_ACT_RUN_H

#include <stdbool.h>
#include <stdio.h>

struct json_object;

#include "tsdbtop/action.h"
#include "tsdbtop/cli.h"
#include "tsdbtop/headless.h"

struct act_args {
	const char *cmd;
	const struct cli_opt *opts;
	struct options o;
	const char *pos[3];
	int npos;
	bool json, dry_run, plan_only, read_only;
	const char *older_than, *log;
	/* retention: exactly one of --set, --disable, --enable; refresh: the
	 * window, or --all */
	const char *set, *from, *to;
	bool disable, enable, all;
	int actions;
};

#define opt_json { "json", 0, NULL, "one JSON document on stdout at the end (no progress lines)" }
#define opt_dry { "dry-run", 0, NULL, "plan on the server, print the SQL of every step; change nothing" }
#define opt_ro { "read-only", 0, NULL, "refuse to change anything (as read_only = true in the config file)" }
#define opt_log { "log", 1, "FILE", "action log, JSON lines (default $XDG_STATE_HOME/tsdbtop/actions.log)" }


struct act_run {
	struct act_args *a;
	struct hl_session *h;
	struct ev_loop *loop;
	struct action_runner *r;
	const char *unit;          /* "chunks" or "steps" in progress lines */
	int printed;               /* steps whose line is out */
	bool interrupted;
	bool quiet;                /* act_drive prints errors only */
	char cfg_log[512];
};

/* The option callback of every such command (by option name). */
int act_opt(void *ud, int idx, const char *arg, FILE *err);
/* Parse; returns -1 to go on, else the exit code (help printed: 0). */
int act_parse(struct act_args *a, int argc, char **argv, const struct cli_opt *opts, int nopts,
	      int maxpos, const char *synopsis, const char *about);
/* One line on stderr: "tsdbtop CMD: msg" (sanitised). */
void errline(const struct act_run *x, const char *msg);
/* Connect, check TimescaleDB, make the runner (read-only from --read-only or
 * the configuration file). -1 to go on, else the exit code. */
int act_open(struct act_run *x);
void act_close(struct act_run *x);
/* What the server cannot do for kind k: -1 to go on, else the exit code. */
int act_precheck(struct act_run *x, enum action_kind k);
/* A step's statement exactly as it is sent ($n parameters left). */
void sent_sql(struct act_run *x, const struct action_step *s, char *buf, size_t n);
/* Wait for the plan, print it (--dry-run, --plan) or confirm and run it;
 * with x->quiet only errors are printed (the caller reports). Exit code. */
int act_drive(struct act_run *x);
/* The plan as JSON (ran: with every step's state and result). */
struct json_object *act_plan_json(struct act_run *x, const struct action_plan *p, bool ran);
int prepare_and_drive(struct act_run *x, const struct action_request *req);

/* Exit code and one stderr line for a failed statement: 42501 "permission
 * denied", a data exception (22xxx: a malformed value) is bad usage (2). */
int act_report_error(const char *cmd, const struct conn_error *e);
/* "SQL;" then "-- $n = 'value'" lines (sanitised, quotes doubled). */
void act_print_sql(const char *sql, int n, const char *const *params);
/* How long a one-off statement may take (statement_timeout + 10 s). */
double act_deadline(const struct options *o);

#endif
