/* dblist — the databases on the server (D in the console). The db side
 * fills it: one query on the monitor connection lists them, then one
 * short-lived connection per other database asks whether TimescaleDB is
 * installed there (pg_extension is per database). The screen reads it.
 * No libpq, no curses here. */
#ifndef TSDBTOP_DBLIST_H
#define TSDBTOP_DBLIST_H

#include <stdbool.h>

#define DBLIST_MAX 64
#define DBLIST_PROBES 16      /* databases checked for TimescaleDB at most */

enum dblist_ts {
	DBTS_UNKNOWN,          /* not checked (more than DBLIST_PROBES databases) */
	DBTS_CHECKING,
	DBTS_YES,              /* version in ts[] */
	DBTS_NO,
	DBTS_ELSEWHERE,        /* the server put us into another database (in ts[]) */
	DBTS_ERROR,            /* could not connect (message in ts[]) */
};

struct dblist {
	char name[DBLIST_MAX][64];
	bool current[DBLIST_MAX];  /* the database this connection is in */
	enum dblist_ts ts_state[DBLIST_MAX];
	char ts[DBLIST_MAX][96];
	int n;
	bool loading;
	char error[256];           /* "" when the last fetch worked */
};

struct conn;
struct options;
struct ev_loop;

/* Queue the list query on c; then check each other database with its own
 * connection (options o, dbname replaced; password may be NULL).
 * done(ud) whenever something changed. out must stay until
 * dblist_cancel(out). Returns 0, or -1 (error set). */
int dblist_fetch(struct ev_loop *loop, struct conn *c, const struct options *o, const char *password,
		 struct dblist *out, void (*done)(void *ud), void *ud);
/* Stop every check still running for out (connections closed). */
void dblist_cancel(struct dblist *out);

#endif
