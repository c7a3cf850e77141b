/* cli — command-line options, declared once in a table (help is generated
 * from it). Pure: no curses, no libpq. */
#ifndef TSDBTOP_CLI_H
#define TSDBTOP_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct config;

enum cli_mode { MODE_CONSOLE, MODE_INFO, MODE_ONCE, MODE_HELP, MODE_VERSION };

#define CLI_MAX_TARGETS 32

struct options {
	enum cli_mode mode;
	const char *conninfo;       /* positional CONNINFO or URI (the first of targets) */
	const char *targets[CLI_MAX_TARGETS]; /* console: every positional CONNINFO / server name */
	int ntargets;
	const char *host, *port, *user, *dbname;
	double interval;            /* seconds between polls */
	long polls;                 /* --polls N: quit after N polls (0: run until quit) */
	double statement_timeout;   /* seconds */
	double lock_timeout;        /* seconds */
	double query_deadline;      /* client deadline per query, seconds */
	const char *theme;
	const char *pane;           /* --pane for --once */
	const char *log_file;       /* --log FILE: the action log (NULL = default) */
	bool json;
	bool read_only;
	bool no_color;
	bool ascii;
	/* control room and configuration (issue 6) */
	const char *config_file;    /* --config FILE (NULL: the default path) */
	bool print_config;          /* --print-config */
	bool kiosk;                 /* --kiosk: read-only, banner, no dialogs */
	double cycle;               /* --cycle SECS: zoomed panes in turn (0: all) */
	bool mouse;                 /* --mouse */
	bool compat;                /* --compat (or TSDBTOP_COMPAT=1, compat = yes): public views */
	unsigned given;             /* CLI_GIVEN_* bits: flags on the command line */
	const struct config *config; /* the effective configuration (NULL: defaults) */
};

/* Which settings came from a flag (they override the configuration file). */
enum {
	CLI_GIVEN_INTERVAL = 1, CLI_GIVEN_THEME = 2, CLI_GIVEN_READ_ONLY = 4, CLI_GIVEN_LOG = 8,
	CLI_GIVEN_STMT_TIMEOUT = 16, CLI_GIVEN_LOCK_TIMEOUT = 32, CLI_GIVEN_KIOSK = 64,
	CLI_GIVEN_CYCLE = 128, CLI_GIVEN_COMPAT = 256,
};

/* Flags over the configuration: every flag given is set into c with the
 * flag's name as its origin; every setting not given on the command line
 * is taken from c into o. o->config points at c afterwards (c must outlive
 * o). Returns 0, or -1 with a line on err. */
int cli_merge_config(struct options *o, struct config *c, FILE *err);

/* Parse argv into o (defaults first). Returns 0, or 2 after printing one
 * clear line to err for a bad flag or value. */
int cli_parse(struct options *o, int argc, char **argv, FILE *err);
void cli_usage(FILE *out);

/* A subcommand's own option (long form only). */
struct cli_opt {
	const char *name;
	int has_arg;                /* 0 no_argument, 1 required_argument */
	const char *arg;            /* metavariable for help, or NULL */
	const char *help;
};

/* Parse a subcommand's argv (argv[0] = the command name): the connection
 * options (-h -p -U -d, --statement-timeout, --lock-timeout, --help) into o,
 * the command's own options through on_opt(ud, index into extra, optarg),
 * and up to maxpos positional arguments into pos[] (*npos set). Returns 0,
 * or 2 after printing one line to err. */
int cli_parse_cmd(struct options *o, int argc, char **argv, FILE *err, const char *cmd,
		  const struct cli_opt *extra, int nextra,
		  int (*on_opt)(void *ud, int idx, const char *arg, FILE *err), void *ud,
		  const char **pos, int *npos, int maxpos);
/* Help for a subcommand: synopsis, description, its options, then the
 * connection options. */
void cli_usage_cmd(FILE *out, const char *synopsis, const char *about,
		   const struct cli_opt *extra, int nextra);

#endif
