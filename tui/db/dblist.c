/* dblist — which databases the server has (see dblist.h). */
#include "tsdbtop/dblist.h"

#include <stdio.h>
#include <string.h>

#include "tsdbtop/conn.h"
#include "tsdbtop/pgres.h"

/* Templates are left out except the one we are in (some servers, such as
 * the embedded test server, put every client into template1). */
static const char dblist_sql[] =
	"SELECT datname, datname = current_database() AS current FROM pg_database"
	" WHERE datallowconn AND (NOT datistemplate OR datname = current_database())"
	" ORDER BY 1";

struct fetch {
	struct dblist *out;
	void (*done)(void *ud);
	void *ud;
};

static struct fetch fetches[4];

static void on_result(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct fetch *f = ud;
	struct dblist *l = f->out;
	l->loading = false;
	l->n = 0;
	if (!res) {
		snprintf(l->error, sizeof l->error, "cannot list the databases: %s",
			 err && err->message[0] ? err->message : "no answer");
	} else {
		l->error[0] = '\0';
		int rows = PQntuples(res);
		for (int i = 0; i < rows && l->n < DBLIST_MAX; i++) {
			pgres_copy(l->name[l->n], sizeof l->name[l->n], res, i, "datname");
			l->current[l->n] = pgres_bool(res, i, "current", false);
			l->n++;
		}
	}
	f->out = NULL;
	if (f->done)
		f->done(f->ud);
}

int dblist_fetch(struct conn *c, struct dblist *out, void (*done)(void *ud), void *ud)
{
	struct fetch *f = NULL;
	for (size_t i = 0; i < sizeof fetches / sizeof fetches[0]; i++)
		if (!fetches[i].out)
			f = &fetches[i];
	if (!c || !f) {
		snprintf(out->error, sizeof out->error, "cannot list the databases: not connected");
		return -1;
	}
	*f = (struct fetch){ .out = out, .done = done, .ud = ud };
	out->loading = true;
	if (conn_query(c, dblist_sql, 0, NULL, 10, on_result, f) != 0) {
		f->out = NULL;
		out->loading = false;
		snprintf(out->error, sizeof out->error, "cannot list the databases: not connected");
		return -1;
	}
	return 0;
}
