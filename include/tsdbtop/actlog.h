/* actlog — the action log: every action event as one record, kept in a
 * small ring for the log pane and appended to a file as JSON lines
 * (XDG_STATE_HOME/tsdbtop/actions.log, ~/.local/state/tsdbtop/actions.log,
 * or --log FILE). Pure except for the file append; never holds a password
 * (conninfo is never logged; SQL and messages pass through a scrubber that
 * masks password=... just in case). */
#ifndef TSDBTOP_ACTLOG_H
#define TSDBTOP_ACTLOG_H

#include <stdbool.h>
#include <stddef.h>

#define ACTLOG_RING 200

struct actlog_entry {
	double time;               /* epoch s */
	char event[16];            /* refused, start, step, stop, done, error */
	char action[32];
	char target[280];
	char sql[700];
	double duration;           /* s, NAN when none */
	char result[400];
	char server[64];           /* the server's name when the console watches several; "" one */
};

struct actlog {
	struct actlog_entry ring[ACTLOG_RING];
	int count;                 /* total ever added */
	char path[512];            /* "" = no file */
	char file_error[256];      /* last error writing the file */
	char server[64];           /* stamped on every record ("" = not said) */
};

/* The default file: $XDG_STATE_HOME/tsdbtop/actions.log, else
 * $HOME/.local/state/tsdbtop/actions.log; "" when neither is set. */
char *actlog_default_path(char *buf, size_t n);
/* path NULL = default, "" = no file. Creates the directory (0700). */
void actlog_init(struct actlog *l, const char *path);
/* The server every later record names ("server" in the JSON line; NULL or
 * "": none, as with one server). */
void actlog_set_server(struct actlog *l, const char *name);
/* Add one record (and append it to the file). */
void actlog_add(struct actlog *l, const char *event, const char *action, const char *target,
		const char *sql, double duration, const char *result);
/* Entry i, 0 = newest; NULL beyond what the ring holds. */
const struct actlog_entry *actlog_get(const struct actlog *l, int i);
int actlog_size(const struct actlog *l);
/* One JSON line (no newline) for e into buf; returns buf. */
char *actlog_json(const struct actlog_entry *e, char *buf, size_t n);
/* Mask password=... / :pass@ in s (in place). */
void actlog_scrub(char *s);

#endif
