/* tsdbtop — entry point: a declarative table of subcommands, each with its
 * own options and --help; without a subcommand, the console (or --once /
 * --info, which are console options). */
#include <ev.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsdbtop/app.h"
#include "tsdbtop/cli.h"
#include "tsdbtop/commands.h"
#include "tsdbtop/config.h"
#include "tsdbtop/deploy.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/once.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/session.h"
#include "tsdbtop/ui.h"
#include "tsdbtop/version.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand commands[] = {
	{ "check", cmd_check, "Nagios/Icinga plugin: status line, perfdata, exit 0/1/2/3" },
	{ "health", cmd_health, "every row that is not ok, with why" },
	{ "metrics", cmd_metrics, "database size, connections, cache hit ratio, chunk totals" },
	{ "jobs", cmd_jobs, "list TimescaleDB jobs" },
	{ "retention", cmd_retention, "TABLE --set INTERVAL | --disable | --enable" },
	{ "refresh", cmd_refresh, "CAGG [--from T] [--to T]: refresh a continuous aggregate" },
	{ "compress", cmd_compress, "TABLE|CHUNK [--older-than INTERVAL]: compress, one chunk per step" },
	{ "decompress", cmd_decompress, "CHUNK: decompress one chunk" },
	{ "job", cmd_job, "run|pause|resume ID: run a job now, pause or resume it" },
	{ "maintenance", cmd_maintenance, "[--plan]: analyze stale, refresh lagging, compress backlogs" },
	{ "archive", cmd_archive, "CHUNK --out FILE [--format csv]: a chunk's rows to a CSV file" },
	{ "deploy", cmd_deploy, "deploy the MS5.0 layer from sql/ (pre-flight, steps, validation)" },
	{ "exporter", cmd_exporter, "[--listen ADDR:PORT] [SERVER ...]: Prometheus metrics over HTTP" },
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

struct info_run {
	struct session s;
	int rc;
};

static void info_print(const struct server_info *si)
{
	char host[160], db[80], user[80], ver[64], tsv[48], tsdef[48], schema[80];
	sanitize_text(host, sizeof host, si->host);
	sanitize_text(db, sizeof db, si->database);
	sanitize_text(user, sizeof user, si->user);
	sanitize_text(ver, sizeof ver, si->pg_version);
	sanitize_text(tsv, sizeof tsv, si->ts_version);
	sanitize_text(tsdef, sizeof tsdef, si->ts_default_version);
	sanitize_text(schema, sizeof schema, si->ts_schema);
	printf("server:      %s:%s\n", host, si->port);
	printf("database:    %s\n", db);
	printf("user:        %s\n", user);
	printf("postgresql:  %s (%d)\n", ver, si->pg_version_num);
	if (!si->ts_installed) {
		printf("timescaledb: not installed in database %s\n", db);
		return;
	}
	printf("timescaledb: %s (schema %s, license %s)\n", tsv, schema, server_license_name(si->license));
	if (server_update_pending(si))
		printf("warning:     TimescaleDB %s is installed on the server but the database uses %s;"
		       " run ALTER EXTENSION timescaledb UPDATE\n", tsdef, tsv);
}

static void info_probed(struct session *s, void *ud)
{
	struct info_run *r = ud;
	info_print(&s->info);
	r->rc = 0;
	ev_break(s->loop, EVBREAK_ALL);
}

static void info_state(struct session *s, enum conn_state st, const char *msg, void *ud)
{
	struct info_run *r = ud;
	if (st == CONN_FAILED || st == CONN_BACKOFF) {
		fprintf(stderr, "tsdbtop: cannot connect: %s\n", msg && *msg ? msg : "connection failed");
		r->rc = 3;
		ev_break(s->loop, EVBREAK_ALL);
	}
}

static int run_info(const struct options *o)
{
	struct ev_loop *loop = EV_DEFAULT;
	struct info_run r = { .rc = 3 };
	r.s.on_probed = info_probed;
	r.s.on_state = info_state;
	r.s.ud = &r;
	if (session_open(&r.s, loop, o, false, NULL) == 0 || r.rc == 3)
		if (r.s.conn && conn_state(r.s.conn) != CONN_FAILED)
			ev_run(loop, 0);
	if (r.rc != 0 && !r.s.probed && r.s.error[0] && conn_state(r.s.conn) == CONN_READY)
		fprintf(stderr, "tsdbtop: %s\n", r.s.error);
	session_close(&r.s);
	return r.rc;
}

/* The console: the controller (first connection, before any screen), then
 * the screen on it; the screen goes first at the end. */
static int run_console(const struct options *o)
{
	struct app *a = app_new(o);
	if (!a)
		return 1;
	struct ui *u = ui_new(a);
	if (!u) {
		app_free(a);
		return 1;
	}
	int rc = app_run(a);
	ui_free(u);
	app_free(a);
	return rc;
}

static void usage(FILE *out)
{
	cli_usage(out);
	fprintf(out, "\nCommands (tsdbtop COMMAND --help for each):\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-30s %s\n", commands[i].name, commands[i].summary);
}

/* A first argument that is neither an option nor a command is a CONNINFO
 * only when it looks like one (key=value, a URI, a socket path). */
static bool looks_like_conninfo(const char *s)
{
	return strchr(s, '=') || strstr(s, "://") || s[0] == '/';
}

/* The configuration file under the flags: errors as "FILE:LINE: what" on
 * stderr before the screen starts (the rest still loads); a --config file
 * that cannot be read is exit 2. Returns -1 to go on, or an exit code. */
static struct config config;

static int load_config(struct options *o)
{
	char path[512], errs[4096];
	config_defaults(&config);
	if (o->config_file)
		snprintf(path, sizeof path, "%s", o->config_file);
	else
		config_default_path(path, sizeof path);
	int nerr = path[0] ? config_load(&config, path, o->config_file != NULL, errs, sizeof errs) : 0;
	if (nerr > 0) {
		for (char *line = errs, *end; *line; line = end) {
			end = strchr(line, '\n');
			end = end ? end + 1 : line + strlen(line);
			fprintf(stderr, "tsdbtop: %.*s", (int)(end - line), line);
			if (end[-1] != '\n')
				fputc('\n', stderr);
		}
		FILE *f = o->config_file ? fopen(path, "rb") : NULL;
		if (o->config_file && !f)
			return 2;    /* --config names a file that cannot be read */
		if (f)
			fclose(f);
	}
	if (cli_merge_config(o, &config, stderr) != 0)
		return 2;
	if (o->print_config) {
		if (path[0])
			printf("# configuration file: %s%s\n", path,
			       access(path, R_OK) == 0 ? "" : " (not present: defaults)");
		printf("# command-line flags override the file; kiosk implies read_only\n");
		config_print(&config, stdout);
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct options o;
	const char *named = NULL;    /* a first argument that should name a [server NAME] */
	setlocale(LC_ALL, "");
	if (argc > 1 && argv[1][0] != '-') {
		for (size_t i = 0; i < N_COMMANDS; i++)
			if (strcmp(argv[1], commands[i].name) == 0)
				return commands[i].run(argc - 1, argv + 1);
		if (strcmp(argv[1], "help") == 0) {
			usage(stdout);
			return 0;
		}
		if (!looks_like_conninfo(argv[1]))
			named = argv[1];     /* known once the configuration is read */
	}
	int rc = cli_parse(&o, argc, argv, stderr);
	if (rc != 0)
		return rc;
	if (o.mode == MODE_CONSOLE || o.mode == MODE_ONCE || o.print_config) {
		rc = load_config(&o);
		if (rc >= 0)
			return rc;
	}
	if (named && !config_server_find(&config, named)) {
		fprintf(stderr, "tsdbtop: '%s' is not a command (try --help; a database name goes"
				" with -d) nor a [server NAME] of the configuration\n", named);
		return 2;
	}
	switch (o.mode) {
	case MODE_HELP:
		usage(stdout);
		return 0;
	case MODE_VERSION:
		printf("tsdbtop %s\n", TSDBTOP_VERSION);
		return 0;
	case MODE_INFO:
		return run_info(&o);
	case MODE_ONCE:
		return run_once(&o);
	default:
		return run_console(&o);
	}
}
