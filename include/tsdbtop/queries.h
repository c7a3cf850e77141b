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

#endif
