/* headless — the engine and one-off statements without a screen, for
 * --once, check and the management commands. Runs the libev loop until the
 * answer is in; never draws, never links curses into the logic. */
#ifndef TSDBTOP_HEADLESS_H
#define TSDBTOP_HEADLESS_H

#include <stddef.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/snapshot.h"
#include "tsdbtop/thresholds.h"

struct pg_result;

/* Exit codes shared by the headless commands (check keeps Nagios' own). */
enum {
	HL_EXIT_OK = 0,
	HL_EXIT_FAILED = 1,        /* the server refused or the operation failed */
	HL_EXIT_USAGE = 2,         /* bad command, flag or value */
	HL_EXIT_NOCONN = 3,        /* cannot connect (or the probe failed) */
};

/* Connect, probe, poll every collector once and classify health with th.
 * Returns 0, or HL_EXIT_NOCONN with a one-line reason in err. */
int headless_snapshot(const struct options *o, struct snapshot *snap,
		      const struct thresholds *th, char *err, size_t n);

/* A connected, probed session for one-off statements. */
struct hl_session;
struct json_object;
struct hl_session *hl_open(const struct options *o, char *err, size_t n);
const struct server_info *hl_info(const struct hl_session *h);
/* Run one statement (typed $n text parameters; never an identifier spliced
 * into sql). On success returns 0 and *out owns a copy of the result
 * (PQclear it). On failure returns -1 with err filled. */
int hl_exec(struct hl_session *h, const char *sql, int nparams, const char *const *params,
	    double timeout, struct pg_result **out, struct conn_error *err);
/* The TimescaleDB API schema (from the probe) quoted as an identifier
 * (PQescapeIdentifier) into buf, e.g. "public"; buf empty when unknown. */
void hl_ts_schema(struct hl_session *h, char *buf, size_t n);
/* Server notices and warnings of the statements that follow ("WARNING:  ..."
 * without the trailing newline); NULL fn drops them again. */
void hl_on_notice(struct hl_session *h, void (*fn)(const char *msg, void *ud), void *ud);
void hl_close(struct hl_session *h);

/* The header of every headless JSON document: {version, tsdbtop, command,
 * generated_at}; and printing one (pretty, then freed). */
struct json_object *hl_json_doc(const char *command);
void hl_print_json(struct json_object *doc);

/* The configuration file of a command (--config FILE, else the default
 * path) into c, its errors on stderr as "tsdbtop CMD: FILE:LINE: what".
 * -1 to go on; HL_EXIT_USAGE when a --config file cannot be read. */
struct config;
int hl_config_load(const char *cmd, const struct options *o, struct config *c);
/* The session's loop and connection, for commands that drive more on the
 * same loop (the action runner: monitor fallback) or read the libpq handle
 * (archive: COPY TO STDOUT). */
struct ev_loop *hl_loop(struct hl_session *h);
struct conn *hl_conn(struct hl_session *h);

#endif
