/* dblist — the databases on the server (D in the console). The db side
 * fills it from one query on the monitor connection; the screen reads
 * it. No libpq, no curses here. */
#ifndef TSDBTOP_DBLIST_H
#define TSDBTOP_DBLIST_H

#include <stdbool.h>

#define DBLIST_MAX 64

struct dblist {
	char name[DBLIST_MAX][64];
	bool current[DBLIST_MAX];  /* the database this connection is in */
	int n;
	bool loading;
	char error[256];           /* "" when the last fetch worked */
};

struct conn;

/* Queue the query on c; done(ud) when the answer (or an error) is in.
 * out must outlive the connection. Returns 0, or -1 (error set). */
int dblist_fetch(struct conn *c, struct dblist *out, void (*done)(void *ud), void *ud);

#endif
