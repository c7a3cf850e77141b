/* cli — declarative option table and parser. */
#include "tsdbtop/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/config.h"
#include "tsdbtop/format.h"

enum opt_id {
	O_HOST = 'h', O_PORT = 'p', O_USER = 'U', O_DBNAME = 'd',
	O_HELP = 256, O_VERSION, O_INFO, O_ONCE, O_JSON, O_PANE, O_INTERVAL,
	O_THEME, O_READ_ONLY, O_LOG, O_NO_COLOR, O_ASCII, O_STMT_TIMEOUT, O_LOCK_TIMEOUT,
	O_CONFIG, O_PRINT_CONFIG, O_KIOSK, O_CYCLE, O_MOUSE, O_POLLS, O_COMPAT,
};

struct opt_def {
	const char *name;
	int id;
	int has_arg;
	const char *arg;
	const char *help;
};

static const struct opt_def opt_defs[] = {
	{ "host", O_HOST, required_argument, "HOST", "server host or socket directory (like psql)" },
	{ "port", O_PORT, required_argument, "PORT", "server port" },
	{ "username", O_USER, required_argument, "USER", "database user" },
	{ "dbname", O_DBNAME, required_argument, "DB", "database name" },
	{ "interval", O_INTERVAL, required_argument, "SECS", "refresh interval (default 2)" },
	{ "polls", O_POLLS, required_argument, "N", "quit after N polls (like top -n; recordings, tests)" },
	{ "theme", O_THEME, required_argument, "NAME", "colour theme: default, light, high-contrast, monochrome, or a file" },
	{ "no-color", O_NO_COLOR, no_argument, NULL, "monochrome (also when NO_COLOR is set)" },
	{ "ascii", O_ASCII, no_argument, NULL, "ASCII symbols only" },
	{ "read-only", O_READ_ONLY, no_argument, NULL, "never change the database" },
	{ "log", O_LOG, required_argument, "FILE", "action log file (JSON lines; default in XDG_STATE_HOME/tsdbtop)" },
	{ "statement-timeout", O_STMT_TIMEOUT, required_argument, "SECS", "server statement_timeout for monitoring queries (default 10)" },
	{ "lock-timeout", O_LOCK_TIMEOUT, required_argument, "SECS", "server lock_timeout (default 2)" },
	{ "compat", O_COMPAT, no_argument, NULL, "compatibility mode: read TimescaleDB's public views, not its catalog (slower; also TSDBTOP_COMPAT=1)" },
	{ "config", O_CONFIG, required_argument, "FILE", "configuration file (default $XDG_CONFIG_HOME/tsdbtop/config)" },
	{ "print-config", O_PRINT_CONFIG, no_argument, NULL, "print the effective configuration, where each value came from, and exit" },
	{ "kiosk", O_KIOSK, no_argument, NULL, "control-room mode: read-only, banner, no dialogs; quit by typing quit + Enter" },
	{ "cycle", O_CYCLE, required_argument, "SECS", "kiosk: show one zoomed pane at a time, SECS each (critical first, longer)" },
	{ "mouse", O_MOUSE, no_argument, NULL, "mouse: click focuses a pane and selects a row, wheel scrolls" },
	{ "info", O_INFO, no_argument, NULL, "print server and TimescaleDB versions and exit" },
	{ "once", O_ONCE, no_argument, NULL, "print one snapshot of every pane as text and exit" },
	{ "json", O_JSON, no_argument, NULL, "with --once: one JSON document instead of text" },
	{ "pane", O_PANE, required_argument, "NAME", "with --once: only chunks, compression, jobs, retention, caggs or cache" },
	{ "version", O_VERSION, no_argument, NULL, "print tsdbtop's version and exit" },
	{ "help", O_HELP, no_argument, NULL, "this help" },
};
#define N_OPTS (sizeof opt_defs / sizeof opt_defs[0])

void cli_usage(FILE *out)
{
	fprintf(out, "Usage: tsdbtop [OPTIONS] [CONNINFO | URI | SERVER]...\n"
		     "Live TimescaleDB health console. Connection settings work as in psql:\n"
		     "PG* environment variables, ~/.pgpass and service files are honoured.\n"
		     "Several servers (or the configuration's [server NAME] sections): the fleet view.\n\nOptions:\n");
	for (size_t i = 0; i < N_OPTS; i++) {
		char lhs[48];
		const struct opt_def *d = &opt_defs[i];
		if (d->id < 256)
			snprintf(lhs, sizeof lhs, "-%c, --%s%s%s", d->id, d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(lhs, sizeof lhs, "    --%s%s%s", d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		fprintf(out, "  %-28s %s\n", lhs, d->help);
	}
}

static int parse_seconds(const char *flag, const char *s, double *out, FILE *err)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v <= 0 || v > 86400) {
		if (fmt_parse_interval(s, &v) != 0 || v <= 0 || v > 86400) {
			fprintf(err, "tsdbtop: --%s: '%s' is not a duration in seconds (e.g. 2, 0.5, 1m)\n", flag, s);
			return -1;
		}
	}
	*out = v;
	return 0;
}

static int parse_count(const char *flag, const char *s, long *out, FILE *err)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v < 1 || v > 1000000000L) {
		fprintf(err, "tsdbtop: --%s: '%s' is not a whole number from 1 to 1000000000\n", flag, s);
		return -1;
	}
	*out = v;
	return 0;
}

static void defaults(struct options *o)
{
	memset(o, 0, sizeof *o);
	o->mode = MODE_CONSOLE;
	o->interval = 2;
	o->statement_timeout = 10;
	o->lock_timeout = 2;
	o->query_deadline = 15;
	o->theme = "default";
}

static int apply(struct options *o, int id, const char *arg, FILE *err)
{
	switch (id) {
	case O_HOST: o->host = arg; return 0;
	case O_PORT: o->port = arg; return 0;
	case O_USER: o->user = arg; return 0;
	case O_DBNAME: o->dbname = arg; return 0;
	case O_INTERVAL: o->given |= CLI_GIVEN_INTERVAL; return parse_seconds("interval", arg, &o->interval, err);
	case O_STMT_TIMEOUT:
		o->given |= CLI_GIVEN_STMT_TIMEOUT;
		return parse_seconds("statement-timeout", arg, &o->statement_timeout, err);
	case O_LOCK_TIMEOUT:
		o->given |= CLI_GIVEN_LOCK_TIMEOUT;
		return parse_seconds("lock-timeout", arg, &o->lock_timeout, err);
	case O_THEME: o->given |= CLI_GIVEN_THEME; o->theme = arg; return 0;
	case O_NO_COLOR: o->no_color = true; return 0;
	case O_ASCII: o->ascii = true; return 0;
	case O_READ_ONLY: o->given |= CLI_GIVEN_READ_ONLY; o->read_only = true; return 0;
	case O_LOG: o->given |= CLI_GIVEN_LOG; o->log_file = arg; return 0;
	case O_CONFIG: o->config_file = arg; return 0;
	case O_PRINT_CONFIG: o->print_config = true; return 0;
	case O_KIOSK: o->given |= CLI_GIVEN_KIOSK; o->kiosk = true; return 0;
	case O_MOUSE: o->mouse = true; return 0;
	case O_COMPAT: o->given |= CLI_GIVEN_COMPAT; o->compat = true; return 0;
	case O_POLLS: return parse_count("polls", arg, &o->polls, err);
	case O_CYCLE:
		o->given |= CLI_GIVEN_CYCLE;
		if (strcmp(arg, "0") == 0) {
			o->cycle = 0;
			return 0;
		}
		return parse_seconds("cycle", arg, &o->cycle, err);
	case O_ONCE: o->mode = MODE_ONCE; return 0;
	case O_JSON: o->json = true; return 0;
	case O_PANE: o->pane = arg; return 0;
	case O_INFO: o->mode = MODE_INFO; return 0;
	case O_VERSION: o->mode = MODE_VERSION; return 0;
	case O_HELP: o->mode = MODE_HELP; return 0;
	default: return -1;
	}
}

/* Options every subcommand takes (connection and session settings). */
static bool is_common(int id)
{
	return id == O_HOST || id == O_PORT || id == O_USER || id == O_DBNAME ||
	       id == O_STMT_TIMEOUT || id == O_LOCK_TIMEOUT || id == O_COMPAT || id == O_HELP ||
	       id == O_CONFIG;
}

#define O_EXTRA 1000

/* The shared parser: the console's options (cmd NULL) or a subcommand's
 * (common options plus its own). Positional arguments go to pos[]. */
static int parse(struct options *o, int argc, char **argv, FILE *err, const char *cmd,
		 const struct cli_opt *extra, int nextra,
		 int (*on_opt)(void *ud, int idx, const char *arg, FILE *err), void *ud,
		 const char **pos, int *npos, int maxpos)
{
	struct option lopts[N_OPTS + 32 + 1];
	char shorts[64] = ":";
	size_t sl = 1, nl = 0;
	if (nextra > 32)
		nextra = 32;
	for (size_t i = 0; i < N_OPTS; i++) {
		if (cmd && !is_common(opt_defs[i].id))
			continue;
		lopts[nl++] = (struct option){ opt_defs[i].name, opt_defs[i].has_arg, NULL, opt_defs[i].id };
		if (opt_defs[i].id < 256 && sl + 3 < sizeof shorts) {
			shorts[sl++] = (char)opt_defs[i].id;
			if (opt_defs[i].has_arg)
				shorts[sl++] = ':';
		}
	}
	for (int i = 0; i < nextra; i++)
		lopts[nl++] = (struct option){ extra[i].name, extra[i].has_arg, NULL, O_EXTRA + i };
	lopts[nl] = (struct option){ 0, 0, 0, 0 };
	shorts[sl] = '\0';
	defaults(o);
	*npos = 0;
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, lopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			const char *what = optopt > 0 && optopt < 256 ? (char[]){ '-', (char)optopt, 0 } :
					   argv[optind - 1];
			fprintf(err, "tsdbtop%s%s: %s: %s (try tsdbtop%s%s --help)\n", cmd ? " " : "",
				cmd ? cmd : "", what, c == ':' ? "missing value" : "unknown option",
				cmd ? " " : "", cmd ? cmd : "");
			return 2;
		}
		if (c >= O_EXTRA) {
			if (on_opt(ud, c - O_EXTRA, optarg, err) != 0)
				return 2;
		} else if (apply(o, c, optarg, err) != 0) {
			return 2;
		}
	}
	while (optind < argc) {
		if (*npos >= maxpos) {
			fprintf(err, "tsdbtop%s%s: unexpected argument '%s' (try --help)\n", cmd ? " " : "",
				cmd ? cmd : "", argv[optind]);
			return 2;
		}
		pos[(*npos)++] = argv[optind++];
	}
	return 0;
}

int cli_parse(struct options *o, int argc, char **argv, FILE *err)
{
	const char *pos[CLI_MAX_TARGETS];
	int npos;
	int rc = parse(o, argc, argv, err, NULL, NULL, 0, NULL, NULL, pos, &npos, CLI_MAX_TARGETS);
	if (rc != 0)
		return rc;
	for (int i = 0; i < npos; i++)
		o->targets[i] = pos[i];
	o->ntargets = npos;
	if (npos)
		o->conninfo = pos[0];
	if (npos > 1 && o->mode == MODE_INFO) {
		fprintf(err, "tsdbtop: --info takes one server\n");
		return 2;
	}
	if (o->json && o->mode != MODE_ONCE) {
		fprintf(err, "tsdbtop: --json needs --once\n");
		return 2;
	}
	if (o->pane && o->mode != MODE_ONCE) {
		fprintf(err, "tsdbtop: --pane needs --once\n");
		return 2;
	}
	return 0;
}

int cli_parse_cmd(struct options *o, int argc, char **argv, FILE *err, const char *cmd,
		  const struct cli_opt *extra, int nextra,
		  int (*on_opt)(void *ud, int idx, const char *arg, FILE *err), void *ud,
		  const char **pos, int *npos, int maxpos)
{
	return parse(o, argc, argv, err, cmd, extra, nextra, on_opt, ud, pos, npos, maxpos);
}

int cli_merge_config(struct options *o, struct config *c, FILE *err)
{
	struct {
		unsigned bit;
		const char *key, *flag;
	} const map[] = {
		{ CLI_GIVEN_INTERVAL, "console.interval", "--interval" },
		{ CLI_GIVEN_THEME, "console.theme", "--theme" },
		{ CLI_GIVEN_READ_ONLY, "console.read_only", "--read-only" },
		{ CLI_GIVEN_LOG, "console.log_file", "--log" },
		{ CLI_GIVEN_STMT_TIMEOUT, "connection.statement_timeout", "--statement-timeout" },
		{ CLI_GIVEN_LOCK_TIMEOUT, "connection.lock_timeout", "--lock-timeout" },
		{ CLI_GIVEN_KIOSK, "kiosk.enabled", "--kiosk" },
		{ CLI_GIVEN_CYCLE, "kiosk.cycle", "--cycle" },
		{ CLI_GIVEN_COMPAT, "connection.compat", "--compat" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (!(o->given & map[i].bit))
			continue;
		char v[600], e[300];
		switch (map[i].bit) {
		case CLI_GIVEN_INTERVAL: snprintf(v, sizeof v, "%.17g", o->interval); break;
		case CLI_GIVEN_THEME: snprintf(v, sizeof v, "%s", o->theme ? o->theme : ""); break;
		case CLI_GIVEN_READ_ONLY: snprintf(v, sizeof v, "yes"); break;
		case CLI_GIVEN_LOG: snprintf(v, sizeof v, "%s", o->log_file ? o->log_file : ""); break;
		case CLI_GIVEN_STMT_TIMEOUT: snprintf(v, sizeof v, "%.17g", o->statement_timeout); break;
		case CLI_GIVEN_LOCK_TIMEOUT: snprintf(v, sizeof v, "%.17g", o->lock_timeout); break;
		case CLI_GIVEN_KIOSK: case CLI_GIVEN_COMPAT: snprintf(v, sizeof v, "yes"); break;
		default: snprintf(v, sizeof v, "%.17g", o->cycle); break;
		}
		if (config_set(c, map[i].key, v, map[i].flag, e, sizeof e) != 0) {
			fprintf(err, "tsdbtop: %s: %s\n", map[i].flag, e);
			return -1;
		}
	}
	o->interval = c->interval;
	o->theme = c->theme;
	o->read_only = c->read_only;
	o->log_file = c->log_file[0] ? c->log_file : NULL;
	o->statement_timeout = c->statement_timeout;
	o->lock_timeout = c->lock_timeout;
	o->kiosk = c->kiosk;
	o->cycle = c->kiosk_cycle;
	o->compat = c->compat;
	if (o->query_deadline < o->statement_timeout + 5)
		o->query_deadline = o->statement_timeout + 5;
	if (o->kiosk)
		o->read_only = true;     /* kiosk is read-only, whatever else says */
	if ((o->given & CLI_GIVEN_CYCLE) && !o->kiosk && !o->print_config)
		fprintf(err, "tsdbtop: --cycle only works in kiosk mode (--kiosk): ignored\n");
	o->config = c;
	return 0;
}

void cli_usage_cmd(FILE *out, const char *synopsis, const char *about,
		   const struct cli_opt *extra, int nextra)
{
	fprintf(out, "Usage: tsdbtop %s\n%s\n\nOptions:\n", synopsis, about);
	for (int i = 0; i < nextra; i++) {
		char lhs[48];
		snprintf(lhs, sizeof lhs, "    --%s%s%s", extra[i].name, extra[i].arg ? " " : "",
			 extra[i].arg ? extra[i].arg : "");
		fprintf(out, "  %-28s %s\n", lhs, extra[i].help);
	}
	fprintf(out, "\nConnection (as psql; CONNINFO or URI may also be given):\n");
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_def *d = &opt_defs[i];
		if (!is_common(d->id))
			continue;
		char lhs[48];
		if (d->id < 256)
			snprintf(lhs, sizeof lhs, "-%c, --%s%s%s", d->id, d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		else
			snprintf(lhs, sizeof lhs, "    --%s%s%s", d->name,
				 d->arg ? " " : "", d->arg ? d->arg : "");
		fprintf(out, "  %-28s %s\n", lhs, d->help);
	}
}
