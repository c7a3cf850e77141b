/* manage — headless subcommands: check, health, metrics, jobs, retention,
 * refresh. One line on stderr for every failure; --json for machines;
 * --dry-run prints the changing statement without running it. */
#include "tsdbtop/commands.h"

#include <json.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/check.h"
#include "tsdbtop/config.h"
#include "tsdbtop/format.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/health.h"
#include "tsdbtop/once.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/version.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_json(struct json_object *j)
{
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
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

/* Common shape of a command: its own options, help, positional arguments. */
struct cmd_args {
	struct options o;
	const char *pos[2];
	int npos;
	bool json, dry_run, help;
};

static int want_help(const struct cmd_args *a, const char *synopsis, const char *about,
		     const struct cli_opt *opts, int nopts)
{
	if (a->o.mode != MODE_HELP)
		return 0;
	cli_usage_cmd(stdout, synopsis, about, opts, nopts);
	return 1;
}

/* ================================================================ check */

static const struct cli_opt check_opts[] = {
	{ "only", 1, "NAME", "run one check: jobs, scheduler, backlog, retention, cagg, cache, update" },
	{ "warn", 1, "NAME=VALUE", "warning threshold: backlog=N, retention=N, lag=FACTOR, cache=RATIO|PCT%, failures=N" },
	{ "crit", 1, "NAME=VALUE", "critical threshold (same names)" },
};

struct check_ud {
	struct thresholds th;
	int only;
};

static int check_opt(void *ud, int idx, const char *arg, FILE *err)
{
	struct check_ud *c = ud;
	char msg[256];
	if (idx == 0) {
		if ((c->only = check_parse_name(arg)) < 0) {
			fprintf(err, "tsdbtop check: --only: '%s' is not a check (jobs, scheduler, backlog,"
				     " retention, cagg, cache, update)\n", arg);
			return -1;
		}
		return 0;
	}
	if (check_set_threshold(&c->th, arg, idx == 2, msg, sizeof msg) != 0) {
		fprintf(err, "tsdbtop check: %s\n", msg);
		return -1;
	}
	return 0;
}

/* Compatibility mode is said on stderr (stdout keeps its format). */
static void compat_note(const char *cmd, const struct snapshot *s)
{
	char cd[400], cl[400];
	compat_describe(cd, sizeof cd, &s->compat, &s->server, false);
	if (!cd[0])
		return;
	sanitize_text(cl, sizeof cl, cd);
	fprintf(stderr, "tsdbtop %s: %s\n", cmd, cl);
}

/* The thresholds of the configuration file (the default path), when there
 * is one, and its compat setting; its errors are the console's to report
 * (--print-config). */
static void config_thresholds(struct thresholds *th, bool *compat)
{
	struct config c;
	char path[512], errs[1024];
	config_defaults(&c);
	config_default_path(path, sizeof path);
	if (path[0])
		config_load(&c, path, false, errs, sizeof errs);
	*th = c.th;
	*compat = c.compat;
}

int cmd_check(int argc, char **argv)
{
	struct check_ud c = { .only = -1 };
	struct options o;
	const char *pos[1];
	int npos;
	char msg[512];
	bool cfg_compat;
	config_thresholds(&c.th, &cfg_compat);   /* --warn / --crit override them */
	/* Nagios: usage errors are UNKNOWN (3). */
	if (cli_parse_cmd(&o, argc, argv, stderr, "check", check_opts, 3, check_opt, &c, pos, &npos, 1) != 0)
		return 3;
	if (o.mode == MODE_HELP) {
		cli_usage_cmd(stdout, "check [--only NAME] [--warn NAME=VALUE]... [--crit NAME=VALUE]... [CONNINFO]",
			      "Nagios/Icinga plugin: one status line with perfdata after '|', one line per check,\n"
			      "exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also when it cannot connect or on bad usage).",
			      check_opts, 3);
		return 0;
	}
	if (check_validate_thresholds(&c.th, msg, sizeof msg) != 0) {
		fprintf(stderr, "tsdbtop check: %s\n", msg);
		return 3;
	}
	if (npos)
		o.conninfo = pos[0];
	o.compat = o.compat || cfg_compat;
	struct snapshot snap;
	memset(&snap, 0, sizeof snap);
	if (headless_snapshot(&o, &snap, &c.th, msg, sizeof msg) != 0) {
		char clean[512];
		sanitize_text(clean, sizeof clean, msg);
		for (char *p = clean; *p; p++)
			if (*p == '|')
				*p = '/';
		printf("TSDBTOP UNKNOWN - %s\n", clean);
		snapshot_free(&snap);
		return 3;
	}
	compat_note("check", &snap);
	struct check_report rep;
	char out[4096];
	check_eval(&snap, &c.th, now_s(), c.only, &rep);
	check_format(&rep, out, sizeof out);
	fputs(out, stdout);
	snapshot_free(&snap);
	return (int)rep.overall;
}

/* ========================================================= common parse */

static const struct cli_opt out_opts[] = {
	{ "json", 0, NULL, "one JSON document on stdout" },
	{ "dry-run", 0, NULL, "print the SQL that would change the database; change nothing" },
};

static int out_opt(void *ud, int idx, const char *arg, FILE *err)
{
	(void)arg;
	(void)err;
	struct cmd_args *a = ud;
	if (idx == 0)
		a->json = true;
	else
		a->dry_run = true;
	return 0;
}

/* Snapshot commands: health, jobs. */
static int snapshot_cmd(int argc, char **argv, const char *name, const char *synopsis,
			const char *about, struct cmd_args *a, struct snapshot *snap)
{
	if (cli_parse_cmd(&a->o, argc, argv, stderr, name, out_opts, 1, out_opt, a, a->pos, &a->npos, 1) != 0)
		return HL_EXIT_USAGE;
	if (want_help(a, synopsis, about, out_opts, 1))
		return -1;
	if (a->npos)
		a->o.conninfo = a->pos[0];
	struct thresholds th;
	char msg[512];
	bool cfg_compat;
	config_thresholds(&th, &cfg_compat);
	a->o.compat = a->o.compat || cfg_compat;
	memset(snap, 0, sizeof *snap);
	if (headless_snapshot(&a->o, snap, &th, msg, sizeof msg) != 0) {
		fprintf(stderr, "tsdbtop %s: %s\n", name, msg);
		snapshot_free(snap);
		return HL_EXIT_NOCONN;
	}
	return 0;
}

/* ================================================================ health */

struct problem {
	const char *pane;
	char name[2 * NAME_LEN + 2];
	enum health h;
	const char *why;
};

static void health_row(struct json_object *arr, FILE *out, const char *pane, const char *schema,
		       const char *name, enum health h, const char *why)
{
	if (h == HEALTH_OK)
		return;
	char n[300], w[300];
	once_qualname(n, sizeof n, schema, name);
	if (arr) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "pane", json_object_new_string(pane));
		json_object_object_add(o, "schema", json_object_new_string(schema));
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "health", json_object_new_string(health_name(h)));
		json_object_object_add(o, "why", json_object_new_string(why));
		json_object_array_add(arr, o);
	} else {
		sanitize_text(w, sizeof w, why);
		fprintf(out, "%-8s %-12s %-40s %s\n", health_name(h), pane, n, w);
	}
}

int cmd_health(int argc, char **argv)
{
	struct cmd_args a = { 0 };
	struct snapshot s;
	int rc = snapshot_cmd(argc, argv, "health", "health [--json] [CONNINFO]",
			      "Every row that is not ok, with why, and the counts per health.\n"
			      "Exit 0 when the snapshot was taken (whatever the health), 3 cannot connect.", &a, &s);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	struct json_object *doc = a.json ? json_doc("health") : NULL;
	struct json_object *arr = a.json ? json_object_new_array() : NULL;
	if (!a.json)
		compat_note("health", &s);
	if (!a.json)
		printf("health: %d ok, %d warning, %d critical\n", s.worst[HEALTH_OK], s.worst[HEALTH_WARNING],
		       s.worst[HEALTH_CRITICAL]);
	for (int i = 0; i < s.hts.n; i++)
		health_row(arr, stdout, "chunks", s.hts.v[i].schema, s.hts.v[i].name, s.hts.v[i].health, s.hts.v[i].why);
	for (int i = 0; i < s.comps.n; i++)
		health_row(arr, stdout, "compression", s.comps.v[i].schema, s.comps.v[i].name, s.comps.v[i].health,
			   s.comps.v[i].why);
	for (int i = 0; i < s.jobs.n; i++) {
		char id[64];
		snprintf(id, sizeof id, "job %d %s", s.jobs.v[i].id, s.jobs.v[i].proc);
		health_row(arr, stdout, "jobs", "", id, s.jobs.v[i].health, s.jobs.v[i].why);
	}
	for (int i = 0; i < s.rets.n; i++) {
		char why[200];
		snprintf(why, sizeof why, "%d chunk%s past drop_after %s%s%s", s.rets.v[i].drop_count,
			 s.rets.v[i].drop_count == 1 ? "" : "s", s.rets.v[i].drop_after,
			 s.rets.v[i].why_not[0] ? ": " : "", s.rets.v[i].why_not);
		health_row(arr, stdout, "retention", s.rets.v[i].schema, s.rets.v[i].name, s.rets.v[i].health, why);
	}
	for (int i = 0; i < s.caggs.n; i++)
		health_row(arr, stdout, "caggs", s.caggs.v[i].schema, s.caggs.v[i].name, s.caggs.v[i].health,
			   s.caggs.v[i].why);
	for (int i = 0; i < s.caches.n; i++)
		health_row(arr, stdout, "cache", s.caches.v[i].schema, s.caches.v[i].name, s.caches.v[i].health,
			   "hit ratio");
	if (s.cache.stats_available)
		health_row(arr, stdout, "cache", "", "database", s.cache.health, "buffer cache hit ratio");
	if (a.json) {
		struct json_object *h = json_object_new_object();
		for (int i = HEALTH_OK; i <= HEALTH_UNKNOWN; i++)
			json_object_object_add(h, health_name((enum health)i), json_object_new_int(s.worst[i]));
		json_object_object_add(doc, "server", once_json_server(&s));
		json_object_object_add(doc, "compat", once_json_compat(&s));
		json_object_object_add(doc, "health", h);
		json_object_object_add(doc, "problems", arr);
		print_json(doc);
	}
	snapshot_free(&s);
	return 0;
}

/* ================================================================== jobs */

int cmd_jobs(int argc, char **argv)
{
	struct cmd_args a = { 0 };
	struct snapshot s;
	int rc = snapshot_cmd(argc, argv, "jobs", "jobs [--json] [CONNINFO]",
			      "Every TimescaleDB job: schedule, paused, last run, failures, next start, health.\n"
			      "Exit 0 listed, 1 the jobs could not be read, 3 cannot connect.", &a, &s);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	double now = now_s();
	if (s.jobs_meta.status != PANE_OK) {
		char m[300];
		sanitize_text(m, sizeof m, s.jobs_meta.message);
		fprintf(stderr, "tsdbtop jobs: %s\n", m[0] ? m : "the jobs could not be read");
		snapshot_free(&s);
		return HL_EXIT_FAILED;
	}
	if (a.json) {
		struct json_object *full = once_json(&s, OP_JOBS, now), *doc = json_doc("jobs"), *p = NULL;
		json_object_object_get_ex(full, "panes", &p);
		if (p && json_object_object_get_ex(p, "jobs", &p)) {
			struct json_object *rows = NULL, *sched = NULL;
			json_object_object_get_ex(p, "rows", &rows);
			json_object_object_get_ex(p, "scheduler", &sched);
			json_object_object_add(doc, "scheduler", json_object_get(sched));
			json_object_object_add(doc, "jobs", json_object_get(rows));
		}
		json_object_put(full);
		print_json(doc);
	} else {
		once_print_text(stdout, &s, OP_JOBS, now);
	}
	snapshot_free(&s);
	return 0;
}

/* ================================================== one-off statements */

/* Exit code and one stderr line for a failed statement. */
static int report_error(const char *cmd, const struct conn_error *e)
{
	char m[600];
	sanitize_text(m, sizeof m, e->message);
	if (e->kind != CERR_SERVER) {
		fprintf(stderr, "tsdbtop %s: %s\n", cmd, m);
		return HL_EXIT_FAILED;
	}
	if (strcmp(e->sqlstate, "42501") == 0)
		fprintf(stderr, "tsdbtop %s: permission denied: %s\n", cmd, m);
	else
		fprintf(stderr, "tsdbtop %s: %s\n", cmd, m);
	/* Data exceptions (a malformed timestamp or interval): bad input. */
	return strncmp(e->sqlstate, "22", 2) == 0 ? HL_EXIT_USAGE : HL_EXIT_FAILED;
}

static struct hl_session *open_or_fail(const char *cmd, const struct options *o, bool need_ts)
{
	char msg[512];
	struct hl_session *h = hl_open(o, msg, sizeof msg);
	if (!h) {
		fprintf(stderr, "tsdbtop %s: %s\n", cmd, msg);
		return NULL;
	}
	if (need_ts && !hl_info(h)->ts_installed) {
		char db[80];
		sanitize_text(db, sizeof db, hl_info(h)->database);
		fprintf(stderr, "tsdbtop %s: TimescaleDB is not installed in database %s\n", cmd, db);
		hl_close(h);
		return (struct hl_session *)-1;   /* caller: exit 1 */
	}
	return h;
}

static void print_sql(const char *sql, int n, const char *const *params)
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

static double deadline(const struct options *o)
{
	double d = o->statement_timeout + 10;
	return d > o->query_deadline ? d : o->query_deadline;
}

/* =============================================================== metrics */

static const char metrics_sql[] =
	"SELECT pg_catalog.pg_database_size(pg_catalog.current_database()) AS db_bytes,"
	" d.numbackends, pg_catalog.current_setting('max_connections')::int AS max_connections,"
	" d.blks_hit, d.blks_read,"
	" CASE WHEN d.blks_hit + d.blks_read > 0 THEN d.blks_hit::float8 / (d.blks_hit + d.blks_read) END AS hit_ratio,"
	" d.stats_reset"
	" FROM pg_catalog.pg_stat_database d WHERE d.datname = pg_catalog.current_database()";

static const char metrics_ts_sql[] =
	"SELECT (SELECT count(*) FROM timescaledb_information.hypertables) AS hypertables,"
	" (SELECT count(*) FROM timescaledb_information.chunks) AS chunks,"
	" (SELECT count(*) FROM timescaledb_information.chunks WHERE is_compressed) AS compressed_chunks,"
	" (SELECT count(*) FROM timescaledb_information.continuous_aggregates) AS caggs,"
	" (SELECT count(*) FROM timescaledb_information.jobs) AS jobs";

static struct json_object *jcell(PGresult *r, const char *col, bool num)
{
	int c = PQfnumber(r, col);
	if (c < 0 || PQntuples(r) < 1 || PQgetisnull(r, 0, c))
		return NULL;
	const char *v = PQgetvalue(r, 0, c);
	if (!num)
		return json_object_new_string(v);
	if (strpbrk(v, ".eE"))
		return json_object_new_double(strtod(v, NULL));
	return json_object_new_int64(strtoll(v, NULL, 10));
}

static double dcell(PGresult *r, const char *col)
{
	int c = PQfnumber(r, col);
	if (c < 0 || PQntuples(r) < 1 || PQgetisnull(r, 0, c))
		return NAN;
	return strtod(PQgetvalue(r, 0, c), NULL);
}

int cmd_metrics(int argc, char **argv)
{
	struct cmd_args a = { 0 };
	if (cli_parse_cmd(&a.o, argc, argv, stderr, "metrics", out_opts, 1, out_opt, &a, a.pos, &a.npos, 1) != 0)
		return HL_EXIT_USAGE;
	if (want_help(&a, "metrics [--json] [CONNINFO]",
		      "Database size, connections, buffer cache hit ratio (since reset) and chunk totals.\n"
		      "Exit 0 printed, 1 a query failed, 3 cannot connect.", out_opts, 1))
		return 0;
	if (a.npos)
		a.o.conninfo = a.pos[0];
	struct hl_session *h = open_or_fail("metrics", &a.o, false);
	if (!h)
		return HL_EXIT_NOCONN;
	PGresult *r = NULL, *t = NULL;
	struct conn_error e;
	int rc = 0;
	if (hl_exec(h, metrics_sql, 0, NULL, deadline(&a.o), &r, &e) != 0) {
		rc = report_error("metrics", &e);
		goto out;
	}
	if (hl_info(h)->ts_installed && hl_exec(h, metrics_ts_sql, 0, NULL, deadline(&a.o), &t, &e) != 0) {
		rc = report_error("metrics", &e);
		goto out;
	}
	if (a.json) {
		struct json_object *doc = json_doc("metrics"), *ts = NULL;
		json_object_object_add(doc, "database", json_object_new_string(hl_info(h)->database));
		json_object_object_add(doc, "db_bytes", jcell(r, "db_bytes", true));
		json_object_object_add(doc, "connections", jcell(r, "numbackends", true));
		json_object_object_add(doc, "max_connections", jcell(r, "max_connections", true));
		json_object_object_add(doc, "blks_hit", jcell(r, "blks_hit", true));
		json_object_object_add(doc, "blks_read", jcell(r, "blks_read", true));
		json_object_object_add(doc, "cache_hit_ratio", jcell(r, "hit_ratio", true));
		if (t) {
			ts = json_object_new_object();
			json_object_object_add(ts, "hypertables", jcell(t, "hypertables", true));
			json_object_object_add(ts, "chunks", jcell(t, "chunks", true));
			json_object_object_add(ts, "compressed_chunks", jcell(t, "compressed_chunks", true));
			json_object_object_add(ts, "continuous_aggregates", jcell(t, "caggs", true));
			json_object_object_add(ts, "jobs", jcell(t, "jobs", true));
		}
		json_object_object_add(doc, "timescaledb", ts);
		print_json(doc);
	} else {
		char b[32], p[16], db[80];
		sanitize_text(db, sizeof db, hl_info(h)->database);
		printf("database:        %s\n", db);
		printf("size:            %s (%.0f bytes)\n", fmt_bytes(b, sizeof b, dcell(r, "db_bytes")),
		       dcell(r, "db_bytes"));
		printf("connections:     %.0f of %.0f\n", dcell(r, "numbackends"), dcell(r, "max_connections"));
		double ratio = dcell(r, "hit_ratio");
		printf("cache hit ratio: %s%s\n", fmt_pct(p, sizeof p, ratio),
		       isnan(ratio) ? " (the server keeps no statistics)" : " since stats reset");
		if (t) {
			printf("hypertables:     %.0f\n", dcell(t, "hypertables"));
			printf("chunks:          %.0f (%.0f compressed)\n", dcell(t, "chunks"),
			       dcell(t, "compressed_chunks"));
			printf("aggregates:      %.0f\n", dcell(t, "caggs"));
			printf("jobs:            %.0f\n", dcell(t, "jobs"));
		} else {
			printf("timescaledb:     not installed in database %s\n", db);
		}
	}
out:
	PQclear(r);
	PQclear(t);
	hl_close(h);
	return rc;
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

static const char ret_set_sql[] =
	"SELECT j.job_id, a.config->>'drop_after' AS drop_after, a.scheduled"
	" FROM timescaledb_information.jobs j"
	" JOIN pg_catalog.pg_class c ON c.oid = $1::regclass"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" CROSS JOIN LATERAL %s.alter_job(j.job_id,"
	"   config => jsonb_set(j.config, '{drop_after}', to_jsonb($2::interval::text))) a"
	" WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = n.nspname"
	" AND j.hypertable_name = c.relname";

static const char ret_sched_sql[] =
	"SELECT j.job_id, a.config->>'drop_after' AS drop_after, a.scheduled"
	" FROM timescaledb_information.jobs j"
	" JOIN pg_catalog.pg_class c ON c.oid = $1::regclass"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" CROSS JOIN LATERAL %s.alter_job(j.job_id, scheduled => $2::boolean) a"
	" WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = n.nspname"
	" AND j.hypertable_name = c.relname";

static const struct cli_opt ret_opts[] = {
	{ "json", 0, NULL, "one JSON document on stdout" },
	{ "dry-run", 0, NULL, "check the table and policy, print the SQL; change nothing" },
	{ "set", 1, "INTERVAL", "new drop_after (e.g. 120d, '90 days', 1y)" },
	{ "disable", 0, NULL, "pause the retention job" },
	{ "enable", 0, NULL, "resume the retention job" },
};

struct ret_args {
	struct cmd_args a;
	const char *set;
	int actions;
	bool disable, enable;
};

static int ret_opt(void *ud, int idx, const char *arg, FILE *err)
{
	struct ret_args *r = ud;
	double secs;
	switch (idx) {
	case 0: r->a.json = true; return 0;
	case 1: r->a.dry_run = true; return 0;
	case 2:
		if (fmt_parse_interval(arg, &secs) != 0 || secs <= 0) {
			fprintf(err, "tsdbtop retention: --set: '%s' is not a positive interval (e.g. 120d, '90 days')\n",
				arg);
			return -1;
		}
		r->set = arg;
		r->actions++;
		return 0;
	case 3: r->disable = true; r->actions++; return 0;
	default: r->enable = true; r->actions++; return 0;
	}
}

int cmd_retention(int argc, char **argv)
{
	struct ret_args r = { 0 };
	struct cmd_args *a = &r.a;
	if (cli_parse_cmd(&a->o, argc, argv, stderr, "retention", ret_opts, 5, ret_opt, &r, a->pos, &a->npos, 2) != 0)
		return HL_EXIT_USAGE;
	if (want_help(a, "retention TABLE (--set INTERVAL | --disable | --enable) [--dry-run] [--json] [CONNINFO]",
		      "Change the retention policy of a hypertable (alter_job on its policy_retention job).\n"
		      "Exit 0 done, 1 refused (no such table, no policy, integer time, no privilege),\n"
		      "2 bad usage or value, 3 cannot connect.", ret_opts, 5))
		return 0;
	if (a->npos < 1) {
		fprintf(stderr, "tsdbtop retention: which table? (tsdbtop retention TABLE --set 120d)\n");
		return HL_EXIT_USAGE;
	}
	if (r.actions != 1) {
		fprintf(stderr, "tsdbtop retention: give exactly one of --set INTERVAL, --disable, --enable\n");
		return HL_EXIT_USAGE;
	}
	if (a->npos > 1)
		a->o.conninfo = a->pos[1];
	const char *table = a->pos[0];
	struct hl_session *h = open_or_fail("retention", &a->o, true);
	if (!h)
		return HL_EXIT_NOCONN;
	if (h == (struct hl_session *)-1)
		return HL_EXIT_FAILED;
	PGresult *look = NULL, *res = NULL;
	struct conn_error e;
	int rc = 0;
	const char *p1[] = { table };
	char tname[300];
	sanitize_text(tname, sizeof tname, table);
	if (hl_exec(h, ret_lookup_sql, 1, p1, deadline(&a->o), &look, &e) != 0) {
		rc = report_error("retention", &e);
		if (rc == HL_EXIT_USAGE)
			rc = HL_EXIT_FAILED;
		goto out;
	}
	if (PQntuples(look) < 1 || PQgetisnull(look, 0, 0)) {
		fprintf(stderr, "tsdbtop retention: %s has no retention policy\n", tname);
		rc = HL_EXIT_FAILED;
		goto out;
	}
	if (r.set && strcmp(PQgetvalue(look, 0, 2), "string") != 0) {
		fprintf(stderr, "tsdbtop retention: %s has an integer time column: its drop_after is a number,"
				" not an interval\n", tname);
		rc = HL_EXIT_FAILED;
		goto out;
	}
	/* The API schema is spliced only as PQescapeIdentifier quoted it. */
	char ts[160], sql[2048];
	hl_ts_schema(h, ts, sizeof ts);
	snprintf(sql, sizeof sql, r.set ? ret_set_sql : ret_sched_sql, ts[0] ? ts : "public");
	const char *p2[] = { table, r.set ? r.set : (r.enable ? "true" : "false") };
	char qual[300], before[64];
	sanitize_text(qual, sizeof qual, PQgetvalue(look, 0, 4));
	snprintf(before, sizeof before, "%s", PQgetvalue(look, 0, 1));
	bool was_scheduled = strcmp(PQgetvalue(look, 0, 3), "t") == 0;
	int job = (int)strtol(PQgetvalue(look, 0, 0), NULL, 10);
	const char *what = r.set ? "set" : r.enable ? "enable" : "disable";
	if (a->dry_run) {
		if (a->json) {
			struct json_object *doc = json_doc("retention"), *ps = json_object_new_array();
			json_object_object_add(doc, "table", json_object_new_string(PQgetvalue(look, 0, 4)));
			json_object_object_add(doc, "job_id", json_object_new_int(job));
			json_object_object_add(doc, "action", json_object_new_string(what));
			json_object_object_add(doc, "dry_run", json_object_new_boolean(true));
			json_object_object_add(doc, "sql", json_object_new_string(sql));
			for (int i = 0; i < 2; i++)
				json_object_array_add(ps, json_object_new_string(p2[i]));
			json_object_object_add(doc, "params", ps);
			print_json(doc);
		} else {
			printf("-- dry run: would %s the retention policy of %s (job %d); nothing changed\n",
			       what, qual, job);
			print_sql(sql, 2, p2);
		}
		goto out;
	}
	if (hl_exec(h, sql, 2, p2, deadline(&a->o), &res, &e) != 0) {
		rc = report_error("retention", &e);
		goto out;
	}
	if (PQntuples(res) < 1) {
		fprintf(stderr, "tsdbtop retention: %s: the retention job went away before it could be changed\n",
			tname);
		rc = HL_EXIT_FAILED;
		goto out;
	}
	const char *after = PQgetvalue(res, 0, 1);
	bool now_scheduled = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	if (a->json) {
		struct json_object *doc = json_doc("retention");
		json_object_object_add(doc, "table", json_object_new_string(PQgetvalue(look, 0, 4)));
		json_object_object_add(doc, "job_id", json_object_new_int(job));
		json_object_object_add(doc, "action", json_object_new_string(what));
		json_object_object_add(doc, "dry_run", json_object_new_boolean(false));
		json_object_object_add(doc, "drop_after_before", json_object_new_string(before));
		json_object_object_add(doc, "drop_after", json_object_new_string(after));
		json_object_object_add(doc, "scheduled_before", json_object_new_boolean(was_scheduled));
		json_object_object_add(doc, "scheduled", json_object_new_boolean(now_scheduled));
		print_json(doc);
	} else if (r.set) {
		char b[64], af[64];
		sanitize_text(b, sizeof b, before);
		sanitize_text(af, sizeof af, after);
		printf("retention of %s (job %d): drop_after %s -> %s\n", qual, job, b, af);
	} else {
		printf("retention of %s (job %d): %s -> %s\n", qual, job, was_scheduled ? "scheduled" : "paused",
		       now_scheduled ? "scheduled" : "paused");
	}
out:
	PQclear(look);
	PQclear(res);
	hl_close(h);
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
	"CALL %s.refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)";

static const struct cli_opt refresh_opts[] = {
	{ "json", 0, NULL, "one JSON document on stdout" },
	{ "dry-run", 0, NULL, "check the aggregate and window, print the SQL; change nothing" },
	{ "from", 1, "TIMESTAMP", "window start (default: open)" },
	{ "to", 1, "TIMESTAMP", "window end (default: open)" },
};

struct refresh_args {
	struct cmd_args a;
	const char *from, *to;
};

static int refresh_opt(void *ud, int idx, const char *arg, FILE *err)
{
	(void)err;
	struct refresh_args *r = ud;
	switch (idx) {
	case 0: r->a.json = true; break;
	case 1: r->a.dry_run = true; break;
	case 2: r->from = arg; break;
	default: r->to = arg; break;
	}
	return 0;
}

int cmd_refresh(int argc, char **argv)
{
	struct refresh_args r = { 0 };
	struct cmd_args *a = &r.a;
	if (cli_parse_cmd(&a->o, argc, argv, stderr, "refresh", refresh_opts, 4, refresh_opt, &r, a->pos,
			  &a->npos, 2) != 0)
		return HL_EXIT_USAGE;
	if (want_help(a, "refresh CAGG [--from TIMESTAMP] [--to TIMESTAMP] [--dry-run] [--json] [CONNINFO]",
		      "Refresh a continuous aggregate over a window (CALL refresh_continuous_aggregate, alone,\n"
		      "autocommit). --statement-timeout bounds it (default 10 s). Timestamp windows only.\n"
		      "Exit 0 done, 1 refused or failed, 2 bad usage or timestamp, 3 cannot connect.",
		      refresh_opts, 4))
		return 0;
	if (a->npos < 1) {
		fprintf(stderr, "tsdbtop refresh: which continuous aggregate? (tsdbtop refresh CAGG)\n");
		return HL_EXIT_USAGE;
	}
	if (a->npos > 1)
		a->o.conninfo = a->pos[1];
	struct hl_session *h = open_or_fail("refresh", &a->o, true);
	if (!h)
		return HL_EXIT_NOCONN;
	if (h == (struct hl_session *)-1)
		return HL_EXIT_FAILED;
	const char *p[] = { a->pos[0], r.from, r.to };
	PGresult *look = NULL, *res = NULL;
	struct conn_error e;
	int rc = 0;
	char name[300];
	sanitize_text(name, sizeof name, a->pos[0]);
	if (hl_exec(h, refresh_lookup_sql, 3, p, deadline(&a->o), &look, &e) != 0) {
		rc = report_error("refresh", &e);
		goto out;
	}
	if (PQntuples(look) < 1 || PQgetisnull(look, 0, 0)) {
		fprintf(stderr, "tsdbtop refresh: %s is not a continuous aggregate\n", name);
		rc = HL_EXIT_FAILED;
		goto out;
	}
	char qual[300], ws[64], we[64], ts[160], sql[512];
	hl_ts_schema(h, ts, sizeof ts);
	snprintf(sql, sizeof sql, refresh_sql, ts[0] ? ts : "public");
	sanitize_text(qual, sizeof qual, PQgetvalue(look, 0, 0));
	snprintf(ws, sizeof ws, "%s", PQgetisnull(look, 0, 1) ? "open" : PQgetvalue(look, 0, 1));
	snprintf(we, sizeof we, "%s", PQgetisnull(look, 0, 2) ? "open" : PQgetvalue(look, 0, 2));
	if (a->dry_run) {
		if (a->json) {
			struct json_object *doc = json_doc("refresh"), *ps = json_object_new_array();
			json_object_object_add(doc, "cagg", json_object_new_string(PQgetvalue(look, 0, 0)));
			json_object_object_add(doc, "dry_run", json_object_new_boolean(true));
			json_object_object_add(doc, "sql", json_object_new_string(sql));
			for (int i = 0; i < 3; i++)
				json_object_array_add(ps, p[i] ? json_object_new_string(p[i]) : NULL);
			json_object_object_add(doc, "params", ps);
			print_json(doc);
		} else {
			printf("-- dry run: would refresh %s from %s to %s; nothing changed\n", qual, ws, we);
			print_sql(sql, 3, p);
		}
		goto out;
	}
	double t0 = now_s();
	if (hl_exec(h, sql, 3, p, deadline(&a->o), &res, &e) != 0) {
		rc = report_error("refresh", &e);
		goto out;
	}
	double secs = now_s() - t0;
	if (a->json) {
		struct json_object *doc = json_doc("refresh");
		json_object_object_add(doc, "cagg", json_object_new_string(PQgetvalue(look, 0, 0)));
		json_object_object_add(doc, "dry_run", json_object_new_boolean(false));
		json_object_object_add(doc, "window_start", PQgetisnull(look, 0, 1) ? NULL :
					json_object_new_string(PQgetvalue(look, 0, 1)));
		json_object_object_add(doc, "window_end", PQgetisnull(look, 0, 2) ? NULL :
					json_object_new_string(PQgetvalue(look, 0, 2)));
		json_object_object_add(doc, "seconds", json_object_new_double(secs));
		print_json(doc);
	} else {
		printf("refreshed %s from %s to %s in %.1f s\n", qual, ws, we, secs);
	}
out:
	PQclear(look);
	PQclear(res);
	hl_close(h);
	return rc;
}
