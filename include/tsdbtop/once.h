/* once — one snapshot printed without a screen (like top -b): plain text
 * or one JSON document (json-c). Pure printers over struct snapshot (no
 * libpq, no curses) plus the --once runner. */
#ifndef TSDBTOP_ONCE_H
#define TSDBTOP_ONCE_H

#include <stdio.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/snapshot.h"

struct json_object;

/* Schema version of the JSON document ("version" key). */
#define ONCE_JSON_VERSION 1

enum once_pane { OP_CHUNKS, OP_COMPRESSION, OP_JOBS, OP_RETENTION, OP_CAGGS, OP_CACHE, OP_COUNT };

/* "chunks", "compression", "jobs", "retention", "caggs", "cache" -> index; -1 unknown. */
int once_pane_parse(const char *name);
const char *once_pane_name(int pane);
/* pane -1 = every pane. now = epoch s (for "generated_at"). */
void once_print_text(FILE *out, const struct snapshot *s, int pane, double now);
struct json_object *once_json(const struct snapshot *s, int pane, double now);
/* Small helpers shared with the other headless printers. */
struct json_object *once_json_server(const struct snapshot *s);
/* {"active": bool, "reason": text|null, "detail": text|null} */
struct json_object *once_json_compat(const struct snapshot *s);
struct json_object *once_json_time(double epoch);   /* ISO 8601 UTC or NULL */
struct json_object *once_json_num(double v);        /* NULL for NaN/inf */
/* The jobs pane's rows (last_error, running, history) and the scheduler
 * object (capacity), tui/app/once_jobs.c. */
struct json_object *once_json_jobs(const struct snapshot *s);
struct json_object *once_json_scheduler(const struct snapshot *s);
/* Sanitised "schema.name" (schema omitted when public). */
char *once_qualname(char *buf, size_t n, const char *schema, const char *name);

/* tsdbtop --once [--json] [--pane NAME]: 0 printed, 2 bad usage, 3 cannot
 * connect. Several servers (fleet_build): once_fleet_run. */
int run_once(const struct options *o);

/* --once with several servers, polled at the same time (tui/headless/
 * once_fleet.c): text, each server's block under "=== server NAME (i of
 * n) ==="; JSON, one document {version, tsdbtop, generated_at, servers[]}
 * whose entries are {name, connected, error, and for a connected server
 * server, compat, health, panes as for one}. Returns the worst exit code
 * of them (3 when any could not be reached; every server is printed). */
struct fleet;
int once_fleet_run(const struct fleet *f, const struct options *o, int pane, double now);

#endif
