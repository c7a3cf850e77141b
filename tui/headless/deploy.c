/* deploy — `tsdbtop deploy`, the MS5.0 layer over sql/: pre-flight, one
 * transaction per step, progress, validation. Each step file is cut into its
 * statements (deploy_split.c, which says why the client splits), and they go
 * one by one over the async connection (extended protocol: one statement per
 * query) between BEGIN and COMMIT, so that progress counts statements and a
 * failure names the statement's line. Finding the steps and rendering their
 * console-query markers: deploy_steps.c. */
#include "tsdbtop/deploy.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/config.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/pgres.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/server.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		size_t r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* ---- the command ----------------------------------------------------- */

static const struct cli_opt deploy_opts[] = {
	{ "env", 1, "ENV", "development (default), staging or production (asks to confirm)" },
	{ "from-step", 1, "N", "resume at step N (earlier steps are skipped)" },
	{ "yes", 0, NULL, "do not ask for confirmation (production)" },
	{ "dry-run", 0, NULL, "pre-flight and the step list only; change nothing" },
	{ "read-only", 0, NULL, "refuse to change anything (as read_only = true in the config file)" },
};
#define DEPLOY_NOPTS ((int)(sizeof deploy_opts / sizeof deploy_opts[0]))

struct deploy_args {
	const char *env;
	int from;
	bool yes, dry_run, read_only;
};

static int deploy_opt(void *ud, int idx, const char *arg, FILE *err)
{
	struct deploy_args *d = ud;
	char *end;
	switch (idx) {
	case 0:
		if (strcmp(arg, "development") != 0 && strcmp(arg, "staging") != 0 && strcmp(arg, "production") != 0) {
			fprintf(err, "tsdbtop deploy: --env: '%s' is not development, staging or production\n", arg);
			return -1;
		}
		d->env = arg;
		return 0;
	case 1: {
		long v = strtol(arg, &end, 10);
		if (end == arg || *end || v < 1 || v > 1000) {
			fprintf(err, "tsdbtop deploy: --from-step: '%s' is not a step number (1, 2, ...)\n", arg);
			return -1;
		}
		d->from = (int)v;
		return 0;
	}
	case 2: d->yes = true; return 0;
	case 3: d->dry_run = true; return 0;
	default: d->read_only = true; return 0;
	}
}

static const char preflight_sql[] =
	"SELECT pg_catalog.current_setting('server_version') AS pg_version,"
	" (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb') AS ts_available,"
	" (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') AS ts_installed,"
	" (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
	"   WHERE e.extname = 'timescaledb') AS ts_schema,"
	" pg_catalog.current_setting('timescaledb.license', true) AS license,"
	" (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS superuser,"
	" pg_catalog.current_setting('shared_preload_libraries') ~ '(^|[ ,])\"?timescaledb\"?($|[ ,])' AS preloaded,"
	" pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE') AS can_create_schema,"
	" CASE WHEN pg_catalog.to_regnamespace('factory_telemetry') IS NOT NULL"
	"  THEN pg_catalog.has_schema_privilege('factory_telemetry', 'CREATE') END AS can_create_in_schema,"
	" pg_catalog.pg_is_in_recovery() AS in_recovery";

static const char validate_sql[] =
	"SELECT"
	" (SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_schema = 'factory_telemetry') AS hypertables,"
	" (SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'factory_telemetry'"
	"   AND proc_name = 'policy_compression') AS compression_policies,"
	" (SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'factory_telemetry'"
	"   AND proc_name = 'policy_retention') AS retention_policies,"
	" (SELECT count(*) FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class t ON t.oid = x.indrelid"
	"   JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
	"   JOIN timescaledb_information.hypertables h ON h.hypertable_schema = n.nspname AND h.hypertable_name = t.relname"
	"   WHERE n.nspname = 'factory_telemetry') AS indexes,"
	" (SELECT count(*) FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'factory_telemetry') AS caggs,"
	" (SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'factory_telemetry'"
	"   AND proc_name = 'policy_refresh_continuous_aggregate') AS refresh_policies";

/* The first row's text of col, or NULL. */
static const char *cell(const PGresult *r, const char *col)
{
	return pgres_text(r, 0, col, NULL);
}

static bool truthy(const PGresult *r, const char *col)
{
	const char *v = cell(r, col);
	return v && strcmp(v, "t") == 0;
}

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The server's versions as the console's query_pick() takes them, read when a
 * step needs them (step 1 may have just created the extension). */
static int server_versions(struct hl_session *h, double timeout, int *pg, int *ts, char *tsv, size_t tsvn,
			   struct conn_error *e)
{
	PGresult *r = NULL;
	if (hl_exec(h, "SELECT pg_catalog.current_setting('server_version_num')::int AS pg,"
		    " (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') AS ts",
		    0, NULL, timeout, &r, e) != 0)
		return -1;
	const char *p = cell(r, "pg"), *t = cell(r, "ts");
	*pg = p ? (int)strtol(p, NULL, 10) : 0;
	snprintf(tsv, tsvn, "%s", t ? t : "");
	*ts = server_parse_ts_version(tsv);
	PQclear(r);
	return 0;
}

/* Pre-flight: 0 ok, 1 refused (message printed). */
static int preflight(struct hl_session *h, double timeout)
{
	PGresult *r = NULL;
	struct conn_error e;
	if (hl_exec(h, preflight_sql, 0, NULL, timeout, &r, &e) != 0) {
		char m[600];
		sanitize_text(m, sizeof m, e.message);
		fprintf(stderr, "tsdbtop deploy: pre-flight query failed: %s\n", m);
		return 1;
	}
	const char *pgv = cell(r, "pg_version"), *avail = cell(r, "ts_available"),
		   *inst = cell(r, "ts_installed"), *schema = cell(r, "ts_schema"), *lic = cell(r, "license");
	int rc = 0;
	printf("pre-flight: connection ok, PostgreSQL %s\n", pgv ? pgv : "?");
	const char *ver = inst ? inst : avail;
	if (truthy(r, "in_recovery")) {
		fprintf(stderr, "tsdbtop deploy: the server is a read-only standby (in recovery)\n");
		rc = 1;
	} else if (!ver) {
		fprintf(stderr, "tsdbtop deploy: TimescaleDB is not available on this server"
				" (no timescaledb in pg_available_extensions)\n");
		rc = 1;
	} else if (!inst && !truthy(r, "preloaded")) {
		fprintf(stderr, "tsdbtop deploy: TimescaleDB is not available on this server: installed but not"
				" preloaded (add timescaledb to shared_preload_libraries and restart)\n");
		rc = 1;
	} else if (inst && schema && strcmp(schema, "public") != 0) {
		fprintf(stderr, "tsdbtop deploy: extension timescaledb is installed in schema \"%s\"; the steps call"
				" public.* (install it in public)\n", schema);
		rc = 1;
	} else if (lic && strcmp(lic, "apache") == 0) {
		fprintf(stderr, "tsdbtop deploy: the server runs TimescaleDB under the apache license: the layer"
				" needs compression and continuous aggregates (license timescale)\n");
		rc = 1;
	} else if (server_parse_ts_version(ver) > 0 && server_parse_ts_version(ver) < 20900) {
		fprintf(stderr, "tsdbtop deploy: TimescaleDB %s is too old: the layer needs 2.9 or newer\n", ver);
		rc = 1;
	} else if (!inst && !truthy(r, "superuser")) {
		fprintf(stderr, "tsdbtop deploy: TimescaleDB %s is available but not installed, and creating the"
				" extension needs a superuser (CREATE EXTENSION timescaledb)\n", ver);
		rc = 1;
	} else if (!truthy(r, "can_create_schema") && !truthy(r, "can_create_in_schema")) {
		fprintf(stderr, "tsdbtop deploy: permission denied: needs CREATE on the database or on schema"
				" factory_telemetry\n");
		rc = 1;
	}
	if (rc == 0) {
		printf("pre-flight: TimescaleDB %s%s%s, license %s\n", ver ? ver : "?",
		       inst ? " in schema " : " (step 1 creates the extension)", inst && schema ? schema : "",
		       lic ? lic : "unknown");
		printf("pre-flight: privileges ok (%s)\n", truthy(r, "superuser") ? "superuser" :
		       "CREATE on the database or schema");
	}
	PQclear(r);
	return rc;
}

/* Server WARNINGs of a step, shown under its line as sql/deploy.sh does. */
struct notices {
	char buf[8192];
	size_t len;
};

static void collect_notice(const char *msg, void *ud)
{
	struct notices *n = ud;
	char clean[1024];
	sanitize_text(clean, sizeof clean, msg);
	if (n->len < sizeof n->buf) {
		int w = snprintf(n->buf + n->len, sizeof n->buf - n->len, "    %s\n", clean);
		if (w > 0)
			n->len += (size_t)w < sizeof n->buf - n->len ? (size_t)w : sizeof n->buf - n->len - 1;
	}
}

/* One step being run: its place in the deploy, its file, its statements. */
struct step {
	const char *path;
	char name[128];
	int i, total;
	struct sql_stmt *st;
	int n;
};

/* Read and split the step; -1 when it cannot (FAILED and why printed). */
static int step_load(struct step *s)
{
	char *text = slurp(s->path);
	if (!text) {
		printf("step %d/%d %s ... FAILED\n", s->i, s->total, s->name);
		fprintf(stderr, "tsdbtop deploy: step %d/%d: cannot read %s\n", s->i, s->total, s->path);
		return -1;
	}
	int bad_line = 0;
	s->n = sql_split(text, &s->st, &bad_line);
	free(text);
	if (s->n < 0) {
		s->st = NULL;
		s->n = 0;
		printf("step %d/%d %s ... FAILED\n", s->i, s->total, s->name);
		fprintf(stderr, "tsdbtop deploy: step %d/%d: %s: unterminated quote or comment from line %d\n",
			s->i, s->total, s->path, bad_line);
		return -1;
	}
	return 0;
}

/* Console queries named in the step: rendered per statement, so that errors
 * keep the step file's line numbers. 0, or -1 with why filled. */
static int step_render(struct hl_session *h, struct step *s, double timeout, char *why, size_t whyn)
{
	bool templ = false;
	for (int k = 0; k < s->n && !templ; k++)
		templ = deploy_has_marker(s->st[k].text);
	if (!templ)
		return 0;
	int pg = 0, ts = 0;
	char tsv[64];
	struct conn_error e;
	if (server_versions(h, timeout, &pg, &ts, tsv, sizeof tsv, &e) != 0) {
		sanitize_text(why, whyn, e.message);
		return -1;
	}
	for (int k = 0; k < s->n; k++) {
		if (!deploy_has_marker(s->st[k].text))
			continue;
		char *out = deploy_render(s->st[k].text, pg, ts, tsv, why, whyn);
		if (!out)
			return -1;
		free(s->st[k].text);
		s->st[k].text = out;
	}
	return 0;
}

static int exec1(struct hl_session *h, const char *sql, double timeout, struct conn_error *e)
{
	PGresult *r = NULL;
	int rc = hl_exec(h, sql, 0, NULL, timeout, &r, e);
	PQclear(r);
	return rc;
}

/* BEGIN, the statements one by one, COMMIT. The index of the statement that
 * failed (n for BEGIN, the settings and COMMIT; e filled), or -1. The
 * settings: warnings only, and the strings lexed as the splitter lexes them
 * (standard_conforming_strings, the default, whatever the server says). */
static int step_exec(struct hl_session *h, const struct step *s, double timeout, bool tty, struct conn_error *e)
{
	static const char *const head[] = {
		"BEGIN", "SET LOCAL client_min_messages = warning", "SET LOCAL standard_conforming_strings = on",
	};
	for (size_t k = 0; k < sizeof head / sizeof head[0]; k++)
		if (exec1(h, head[k], timeout, e) != 0)
			return s->n;
	for (int k = 0; k < s->n; k++) {
		if (tty) {
			printf("\rstep %d/%d %s ... %d/%d ", s->i, s->total, s->name, k + 1, s->n);
			fflush(stdout);
		}
		if (exec1(h, s->st[k].text, timeout, e) != 0)
			return k;
	}
	return exec1(h, "COMMIT", timeout, e) != 0 ? s->n : -1;
}

static void step_failed(struct hl_session *h, const struct step *s, int failed_at, double timeout, bool tty,
			const struct conn_error *e)
{
	struct conn_error e2;
	exec1(h, "ROLLBACK", timeout, &e2);
	printf("FAILED%s\n", tty ? "           " : "");
	char m[600];
	sanitize_text(m, sizeof m, e->message);
	if (failed_at < s->n)
		fprintf(stderr, "tsdbtop deploy: step %d/%d (%s, statement at line %d) failed: %s%s%s;"
				" it was rolled back, the database is as before this step\n", s->i, s->total, s->path,
			s->st[failed_at].line, e->sqlstate[0] ? e->sqlstate : "", e->sqlstate[0] ? " " : "", m);
	else
		fprintf(stderr, "tsdbtop deploy: step %d/%d (%s) failed: %s; it was rolled back\n", s->i, s->total,
			s->path, m);
	fprintf(stderr, "tsdbtop deploy: fix it and resume with: tsdbtop deploy --from-step %d\n", s->i);
}

static int run_step(struct hl_session *h, const char *path, int i, int total, double timeout, bool tty)
{
	struct step s = { .path = path, .i = i, .total = total };
	deploy_step_name(path, s.name, sizeof s.name);
	if (step_load(&s) != 0)
		return 1;
	printf("step %d/%d %s ... ", i, total, s.name);
	fflush(stdout);
	double t0 = now_mono();
	char why[300] = "";
	int rc = 0;
	if (step_render(h, &s, timeout, why, sizeof why) != 0) {
		printf("FAILED\n");
		fprintf(stderr, "tsdbtop deploy: step %d/%d (%s) failed before it ran: %s; the database is as"
				" before this step\n", i, total, path, why);
		fprintf(stderr, "tsdbtop deploy: fix it and resume with: tsdbtop deploy --from-step %d\n", i);
		sql_stmts_free(s.st, s.n);
		return 1;
	}
	struct notices *nb = calloc(1, sizeof *nb);
	if (nb)
		hl_on_notice(h, collect_notice, nb);
	struct conn_error e;
	int failed_at = step_exec(h, &s, timeout, tty, &e);
	if (tty)
		printf("\rstep %d/%d %s ... ", i, total, s.name);
	hl_on_notice(h, NULL, NULL);
	if (failed_at < 0) {
		printf("ok (%.1f s, %d statements)%s\n", now_mono() - t0, s.n, tty ? "      " : "");
		if (nb && nb->len)
			fputs(nb->buf, stdout);
	} else {
		step_failed(h, &s, failed_at, timeout, tty, &e);
		rc = 1;
	}
	free(nb);
	sql_stmts_free(s.st, s.n);
	return rc;
}

static int validate(struct hl_session *h, double timeout)
{
	PGresult *r = NULL;
	struct conn_error e;
	if (hl_exec(h, validate_sql, 0, NULL, timeout, &r, &e) != 0) {
		char m[600];
		sanitize_text(m, sizeof m, e.message);
		fprintf(stderr, "tsdbtop deploy: validation query failed: %s\n", m);
		return 1;
	}
	static const struct { const char *col, *label; int want; bool at_least; } v[] = {
		{ "hypertables", "hypertables", 7, false },
		{ "compression_policies", "compression policies", 7, false },
		{ "retention_policies", "retention policies", 7, false },
		{ "indexes", "indexes", 36, true },
		{ "caggs", "continuous aggregates", 8, false },
		{ "refresh_policies", "refresh policies", 8, false },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		const char *s = cell(r, v[i].col);
		int got = s ? (int)strtol(s, NULL, 10) : -1;
		bool ok = v[i].at_least ? got >= v[i].want : got == v[i].want;
		printf("validate: %-22s %3d (%s%d) %s\n", v[i].label, got, v[i].at_least ? ">= " : "", v[i].want,
		       ok ? "ok" : "WRONG");
		bad += !ok;
	}
	PQclear(r);
	if (bad)
		fprintf(stderr, "tsdbtop deploy: validation failed: %d figure%s not as declared\n", bad,
			bad == 1 ? "" : "s");
	return bad ? 1 : 0;
}

static bool confirm(const char *db, const char *host)
{
	char line[64];
	fprintf(stderr, "Deploy the MS5.0 layer to PRODUCTION database %s on %s? Type yes to continue: ", db, host);
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

/* The options, the configuration and the connection string; -1 to go on,
 * else the exit code. */
static int deploy_setup(int argc, char **argv, struct deploy_args *d, struct options *o)
{
	const char *pos[1];
	int npos;
	if (cli_parse_cmd(o, argc, argv, stderr, "deploy", deploy_opts, DEPLOY_NOPTS, deploy_opt, d, pos, &npos, 1) != 0)
		return HL_EXIT_USAGE;
	if (o->mode == MODE_HELP) {
		cli_usage_cmd(stdout, "deploy [--env ENV] [--from-step N] [--yes] [--dry-run] [--read-only] [CONNINFO]",
			      "Deploy the MS5.0 factory_telemetry layer (sql/schema, sql/deploy): pre-flight, every step\n"
			      "in one transaction, validation (7 hypertables, 7+7 policies, >= 36 indexes, 8 aggregates).\n"
			      "Step files: $TSDBTOP_SQL_DIR, sql/ of the source tree, or the installed share/tsdbtop/sql.\n"
			      "No statement_timeout unless --statement-timeout is given.\n"
			      "Exit 0 deployed, 1 refused / a step failed / validation failed, 2 bad usage, 3 cannot connect.",
			      deploy_opts, DEPLOY_NOPTS);
		return 0;
	}
	struct config cfg;
	int crc = hl_config_load("deploy", o, &cfg);
	if (crc >= 0)
		return crc;
	if ((d->read_only || cfg.read_only) && !d->dry_run) {
		fprintf(stderr, "tsdbtop deploy: read-only mode: deploy is disabled (%s); nothing changed\n",
			d->read_only ? "--read-only" : "read_only = yes in the configuration file");
		return HL_EXIT_FAILED;
	}
	bool user_timeout = false;
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--statement-timeout", 19) == 0)
			user_timeout = true;
	if (!user_timeout)
		o->statement_timeout = 0;
	if (npos)
		o->conninfo = pos[0];
	return -1;
}

/* The step files; their count, or -1 with the message printed. */
static int deploy_find(char *dir, size_t n, char ***steps)
{
	*steps = NULL;
	if (deploy_find_sql_dir(dir, n) != 0) {
		fprintf(stderr, "tsdbtop deploy: no step files (schema/*.sql, deploy/NN_*.sql) under %s;"
				" set TSDBTOP_SQL_DIR\n", dir);
		return -1;
	}
	int total = deploy_list_steps(dir, steps);
	if (total <= 0) {
		fprintf(stderr, "tsdbtop deploy: no step files under %s\n", dir);
		free(*steps);
		*steps = NULL;
		return -1;
	}
	return total;
}

/* Connected: where to, and the pre-flight; 0 to go on, else the exit code. */
static int deploy_connect(struct hl_session *h, const struct deploy_args *d, const struct options *o,
			  const char *dir, int total, char *db, size_t dbn, char *host, size_t hostn)
{
	const struct server_info *si = hl_info(h);
	char rawhost[200], user[80];
	sanitize_text(db, dbn, si->database);
	sanitize_text(user, sizeof user, si->user);
	snprintf(rawhost, sizeof rawhost, "%s:%s", si->host, si->port);
	sanitize_text(host, hostn, rawhost);
	printf("deploy: %d steps from %s to %s/%s as %s (environment %s)\n", total, dir, host, db, user, d->env);
	double timeout = o->statement_timeout > 0 ? o->statement_timeout + 10 : 30;
	return preflight(h, timeout);
}

static void dry_run(char **steps, int total, int from)
{
	for (int i = 0; i < total; i++) {
		char name[128];
		deploy_step_name(steps[i], name, sizeof name);
		printf("step %d/%d %s (%s)%s\n", i + 1, total, name, steps[i], i + 1 < from ? " skipped" : "");
	}
	printf("deploy: dry run; nothing changed\n");
}

/* Every step from --from-step on, then the validation; the exit code. */
static int run_steps(struct hl_session *h, char **steps, int total, int from, const struct options *o)
{
	double timeout = o->statement_timeout > 0 ? o->statement_timeout + 10 : 0;
	bool tty = isatty(STDOUT_FILENO);
	for (int i = 0; i < total; i++) {
		char name[128];
		deploy_step_name(steps[i], name, sizeof name);
		if (i + 1 < from) {
			printf("step %d/%d %s ... skipped\n", i + 1, total, name);
			continue;
		}
		if (run_step(h, steps[i], i + 1, total, timeout, tty) != 0)
			return HL_EXIT_FAILED;
	}
	int rc = validate(h, o->statement_timeout > 0 ? timeout : 60);
	if (rc == 0)
		printf("deploy: %d steps ok, validated\n", total);
	return rc;
}

/* What may stop it before it connects; 0 to go on, else the exit code. */
static int deploy_refuse(const struct deploy_args *d, int total, bool production)
{
	if (d->from > total) {
		fprintf(stderr, "tsdbtop deploy: --from-step %d but there are only %d steps\n", d->from, total);
		return HL_EXIT_USAGE;
	}
	if (production && !d->yes && !d->dry_run && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "tsdbtop deploy: production needs --yes when there is no terminal to confirm on;"
				" nothing changed\n");
		return HL_EXIT_USAGE;
	}
	return 0;
}

int cmd_deploy(int argc, char **argv)
{
	struct deploy_args d = { .env = "development", .from = 1 };
	struct options o;
	int rc = deploy_setup(argc, argv, &d, &o);
	if (rc >= 0)
		return rc;
	char dir[4096], **steps;
	int total = deploy_find(dir, sizeof dir, &steps);
	if (total < 0)
		return HL_EXIT_USAGE;
	struct hl_session *h = NULL;
	bool production = strcmp(d.env, "production") == 0;
	char msg[512], db[80], host[200];
	if ((rc = deploy_refuse(&d, total, production)) != 0)
		goto out;
	h = hl_open(&o, msg, sizeof msg);
	if (!h) {
		fprintf(stderr, "tsdbtop deploy: %s\n", msg);
		rc = HL_EXIT_NOCONN;
		goto out;
	}
	if ((rc = deploy_connect(h, &d, &o, dir, total, db, sizeof db, host, sizeof host)) != 0)
		goto out;
	if (d.dry_run) {
		dry_run(steps, total, d.from);
	} else if (production && !d.yes && !confirm(db, host)) {
		fprintf(stderr, "tsdbtop deploy: not confirmed; nothing changed\n");
		rc = HL_EXIT_FAILED;
	} else {
		rc = run_steps(h, steps, total, d.from, &o);
	}
out:
	hl_close(h);
	for (int i = 0; i < total; i++)
		free(steps[i]);
	free(steps);
	return rc;
}
