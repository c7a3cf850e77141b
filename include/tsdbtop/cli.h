/* cli — command-line options, declared once in a table (help is generated
 * from it). Pure: no curses, no libpq. */
#ifndef TSDBTOP_CLI_H
#define TSDBTOP_CLI_H

#include <stdbool.h>
#include <stdio.h>

enum cli_mode { MODE_CONSOLE, MODE_INFO, MODE_ONCE, MODE_HELP, MODE_VERSION };

struct options {
	enum cli_mode mode;
	const char *conninfo;       /* positional CONNINFO or URI */
	const char *host, *port, *user, *dbname;
	double interval;            /* seconds between polls */
	double statement_timeout;   /* seconds */
	double lock_timeout;        /* seconds */
	double query_deadline;      /* client deadline per query, seconds */
	const char *theme;
	const char *pane;           /* --pane for --once */
	bool json;
	bool read_only;
	bool no_color;
	bool ascii;
};

/* Parse argv into o (defaults first). Returns 0, or 2 after printing one
 * clear line to err for a bad flag or value. */
int cli_parse(struct options *o, int argc, char **argv, FILE *err);
void cli_usage(FILE *out);

#endif
