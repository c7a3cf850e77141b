/* queries — the console's monitoring SQL, embedded at build time.
 *
 * One .sql file per query per minimum server version, as pg_activity does:
 * sql/queries/NAME.sql is the base query and NAME.tsVVVVV.sql (TimescaleDB
 * version as MMmmpp, e.g. ts21400 for 2.14.0) or NAME.pgVVVVVV.sql (server
 * version number) replace it from that version on. query_pick() returns the
 * newest variant whose minimum the server meets.
 */
#ifndef TSDBTOP_QUERIES_H
#define TSDBTOP_QUERIES_H

#include <stdbool.h>

struct query_text {
	const char *name;   /* file name without .sql */
	const char *sql;
};

extern const struct query_text query_texts[];

/* Exact name lookup; NULL when absent. */
const char *query_get(const char *name);

/* Best variant of base for a server: pg_version_num like 170005,
 * ts_version_num like 22300 (0 when TimescaleDB is absent). NULL when no
 * variant applies. */
const char *query_pick(const char *base, int pg_version_num, int ts_version_num);

/* The newest TimescaleDB release series whose catalog layout the fast
 * queries know: 2.29.x. The one place this is said. */
#define QUERY_TS_NEWEST_KNOWN 22900
#define QUERY_TS_NEWEST_KNOWN_MINOR (QUERY_TS_NEWEST_KNOWN / 100 % 100)

/* True when ts_version_num (MMmmpp) is of a series the fast queries know
 * (2.29.x and older; 0, not installed, counts as known). */
bool query_ts_layout_known(int ts_version_num);

/* The compatibility-mode query of base (NAME.compat), or NULL when base has
 * none. */
const char *query_pick_compat(const char *base);

#endif
