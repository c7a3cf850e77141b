/* manage — headless subcommands: check, health, metrics, jobs, retention,
 * (retention and refresh, which write, are in manage_policy.c). One line on stderr for every failure; --json for machines;
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
#include "tsdbtop/pgres.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/version.h"

#include "act_run.h"
#include "metrics_prom.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

/* The thresholds and the compat setting of the configuration file
 * (--config FILE, else the default path; its errors on stderr). check reads
 * them before its flags, which override them, so --config is looked up in
 * argv first. -1 to go on, else the exit code. */
static const char *config_arg(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	return NULL;
}

static int config_thresholds(const char *cmd, const char *file, struct thresholds *th, bool *compat)
{
	struct config c;
	struct options o;
	memset(&o, 0, sizeof o);
	o.config_file = file;
	int rc = hl_config_load(cmd, &o, &c);
	*th = c.th;
	*compat = c.compat;
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct check_ud c = { .only = -1 };
	struct options o;
	const char *pos[1];
	int npos;
	char msg[512];
	bool cfg_compat;
	/* --warn / --crit override them; a --config that cannot be read: UNKNOWN */
	if (config_thresholds("check", config_arg(argc, argv), &c.th, &cfg_compat) >= 0)
		return 3;
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
	memset(snap, 0, sizeof *snap);   /* empty whatever is returned */
	if (cli_parse_cmd(&a->o, argc, argv, stderr, name, out_opts, 1, out_opt, a, a->pos, &a->npos, 1) != 0)
		return HL_EXIT_USAGE;
	if (want_help(a, synopsis, about, out_opts, 1))
		return -1;
	if (a->npos)
		a->o.conninfo = a->pos[0];
	struct thresholds th;
	char msg[512];
	bool cfg_compat;
	int crc = config_thresholds(name, a->o.config_file, &th, &cfg_compat);
	if (crc >= 0)
		return crc;
	a->o.compat = a->o.compat || cfg_compat;
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
	struct json_object *doc = a.json ? hl_json_doc("health") : NULL;
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
		hl_print_json(doc);
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
		struct json_object *full = once_json(&s, OP_JOBS, now), *doc = hl_json_doc("jobs"), *p = NULL;
		json_object_object_get_ex(full, "panes", &p);
		if (p && json_object_object_get_ex(p, "jobs", &p)) {
			struct json_object *rows = NULL, *sched = NULL;
			json_object_object_get_ex(p, "rows", &rows);
			json_object_object_get_ex(p, "scheduler", &sched);
			json_object_object_add(doc, "scheduler", json_object_get(sched));
			json_object_object_add(doc, "jobs", json_object_get(rows));
		}
		json_object_put(full);
		hl_print_json(doc);
	} else {
		once_print_text(stdout, &s, OP_JOBS, now);
	}
	snapshot_free(&s);
	return 0;
}

/* ================================================== one-off statements */

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

/* The first row's col as JSON (num: a number), NULL when NULL or missing. */
static struct json_object *jcell(const PGresult *r, const char *col, bool num)
{
	const char *v = pgres_text(r, 0, col, NULL);
	if (!v)
		return NULL;
	if (!num)
		return json_object_new_string(v);
	if (strpbrk(v, ".eE"))
		return json_object_new_double(strtod(v, NULL));
	return json_object_new_int64(strtoll(v, NULL, 10));
}

static double dcell(const PGresult *r, const char *col)
{
	return pgres_double(r, 0, col, NAN);
}

/* r: the database's figures; t: TimescaleDB's (NULL: not installed). */
static void metrics_json(struct hl_session *h, const PGresult *r, const PGresult *t)
{
	struct json_object *doc = hl_json_doc("metrics"), *ts = NULL;
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
	hl_print_json(doc);
}

static void metrics_text(struct hl_session *h, const PGresult *r, const PGresult *t)
{
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

/* The text and --json outputs: two statements on a session. */
static int metrics_db(struct cmd_args *a)
{
	struct hl_session *h = open_or_fail("metrics", &a->o, false);
	if (!h)
		return HL_EXIT_NOCONN;
	PGresult *r = NULL, *t = NULL;
	struct conn_error e;
	int rc = 0;
	if (hl_exec(h, metrics_sql, 0, NULL, act_deadline(&a->o), &r, &e) != 0) {
		rc = act_report_error("metrics", &e);
		goto out;
	}
	if (hl_info(h)->ts_installed && hl_exec(h, metrics_ts_sql, 0, NULL, act_deadline(&a->o), &t, &e) != 0) {
		rc = act_report_error("metrics", &e);
		goto out;
	}
	if (a->json)
		metrics_json(h, r, t);
	else
		metrics_text(h, r, t);
out:
	PQclear(r);
	PQclear(t);
	hl_close(h);
	return rc;
}

static const struct cli_opt metrics_opts[] = {
	{ "json", 0, NULL, "one JSON document on stdout" },
	{ "format", 1, "FORMAT", "text (default), json, or prometheus (the exporter's series, one snapshot)" },
	{ "out", 1, "FILE", "with --format prometheus: replace FILE atomically (node_exporter's textfile collector)" },
};

struct metrics_args {
	struct cmd_args a;
	bool prom;
	const char *out;
};

static int metrics_opt(void *ud, int idx, const char *arg, FILE *err)
{
	struct metrics_args *m = ud;
	if (idx == 0 || (idx == 1 && strcmp(arg, "json") == 0))
		m->a.json = true;
	else if (idx == 1 && strcmp(arg, "prometheus") == 0)
		m->prom = true;
	else if (idx == 1 && strcmp(arg, "text") != 0) {
		fprintf(err, "tsdbtop metrics: --format '%s': text, json or prometheus\n", arg);
		return -1;
	} else if (idx == 2)
		m->out = arg;
	return 0;
}

int cmd_metrics(int argc, char **argv)
{
	struct metrics_args m = { 0 };
	struct cmd_args *ap = &m.a;
	if (cli_parse_cmd(&ap->o, argc, argv, stderr, "metrics", metrics_opts, 3, metrics_opt, &m, ap->pos,
			  &ap->npos, 1) != 0)
		return HL_EXIT_USAGE;
	if (want_help(ap, "metrics [--json | --format text|json|prometheus [--out FILE]] [CONNINFO|SERVER]",
		      "Database size, connections, buffer cache hit ratio (since reset) and chunk totals;\n"
		      "--format prometheus: the exporter's series of one snapshot (tsdbtop exporter --help).\n"
		      "Exit 0 printed, 1 a query failed or FILE not written, 3 cannot connect.", metrics_opts, 3))
		return 0;
	if (m.out && !m.prom) {
		fprintf(stderr, "tsdbtop metrics: --out goes with --format prometheus\n");
		return HL_EXIT_USAGE;
	}
	if (ap->npos)
		ap->o.conninfo = ap->pos[0];
	return m.prom ? metrics_prom(&ap->o, m.out) : metrics_db(ap);
}
