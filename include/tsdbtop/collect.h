/* collect — the collectors: which query each pane needs on this server,
 * and how its rows become snapshot structs. Db side (libpq), never draws.
 * Declared once as a const table, each entry a small vtable. */
#ifndef TSDBTOP_COLLECT_H
#define TSDBTOP_COLLECT_H

#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/snapshot.h"

struct pg_result;

struct collector {
	const char *name;          /* also the base name in sql/queries/ */
	/* NULL when the collector can run; otherwise why not (static text
	 * written into buf). */
	const char *(*unavailable)(const struct server_info *si, char *buf, size_t n);
	void (*parse)(const struct pg_result *res, struct snapshot *s);
	struct pane_meta *(*meta)(struct snapshot *s);
};

extern const struct collector collectors[];
extern const int collector_count;

/* The SQL a collector runs on this server, or NULL (with why) if none fits.
 * compat: the compatibility-mode query (NAME.compat.sql: public views) when
 * the collector has one, else its fast query (which then reads no
 * TimescaleDB catalog). */
const char *collector_sql(const struct collector *c, const struct server_info *si,
			  bool compat, char *why, size_t n);

#endif
