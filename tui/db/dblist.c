/* dblist — which databases the server has, and which have TimescaleDB
 * (see dblist.h). */
#include "tsdbtop/dblist.h"

#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/pgres.h"

#include "conn_params.h"

/* Templates are left out except the one we are in (some servers, such as
 * the embedded test server, put every client into template1). */
static const char dblist_sql[] =
	"SELECT datname, datname = current_database() AS current FROM pg_database"
	" WHERE datallowconn AND (NOT datistemplate OR datname = current_database())"
	" ORDER BY 1";

static const char ts_sql[] =
	"SELECT current_database() AS db,"
	" (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS version";

/* One list request in flight at a time per dblist. */
struct fetch {
	struct dblist *out;
	struct ev_loop *loop;
	const struct options *o;
	char password[256];
	void (*done)(void *ud);
	void *ud;
};

/* One short-lived connection per database checked. */
struct probe {
	struct probe *next;
	struct dblist *out;
	int idx;
	struct conn *c;
	struct ev_loop *loop;
	ev_timer reap;            /* frees the connection outside its own callbacks */
	bool dying;               /* in probe_free: conn_free's callbacks must not restart reap */
	void (*done)(void *ud);
	void *ud;
};

static struct fetch fetches[4];
static struct probe *probes;

static void probe_unlink(struct probe *p)
{
	for (struct probe **pp = &probes; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			return;
		}
}

static void probe_free(struct probe *p)
{
	/* conn_free finishes the query in flight (probe_result runs): without
	 * the flag that restarted the reaper on memory freed just after
	 * (D pressed twice quickly: a use-after-free, then libev's heap broken) */
	p->dying = true;
	probe_unlink(p);
	conn_free(p->c);
	ev_timer_stop(p->loop, &p->reap);
	free(p);
}

static void reap_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	probe_free(w->data);
}

static void probe_finish(struct probe *p)
{
	if (p->dying || ev_is_active(&p->reap))
		return;
	ev_timer_set(&p->reap, 0., 0.);
	ev_timer_start(p->loop, &p->reap);
	if (p->done)
		p->done(p->ud);
}

static void probe_result(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct probe *p = ud;
	struct dblist *l = p->out;
	if (!res) {
		l->ts_state[p->idx] = DBTS_ERROR;
		snprintf(l->ts[p->idx], sizeof l->ts[p->idx], "%s", err && err->message[0] ? err->message : "no answer");
	} else {
		char db[64];
		pgres_copy(db, sizeof db, res, 0, "db");
		if (strcmp(db, l->name[p->idx]) != 0) {
			l->ts_state[p->idx] = DBTS_ELSEWHERE;
			snprintf(l->ts[p->idx], sizeof l->ts[p->idx], "%s", db);
		} else if (pgres_isnull(res, 0, "version")) {
			l->ts_state[p->idx] = DBTS_NO;
			l->ts[p->idx][0] = '\0';
		} else {
			l->ts_state[p->idx] = DBTS_YES;
			pgres_copy(l->ts[p->idx], sizeof l->ts[p->idx], res, 0, "version");
		}
	}
	probe_finish(p);
}

static void probe_connected(struct conn *c, void *ud)
{
	struct probe *p = ud;
	if (conn_query(c, ts_sql, 0, NULL, 10, probe_result, p) != 0) {
		p->out->ts_state[p->idx] = DBTS_ERROR;
		snprintf(p->out->ts[p->idx], sizeof p->out->ts[p->idx], "connection lost");
		probe_finish(p);
	}
}

static void probe_state(struct conn *c, enum conn_state st, const char *msg, void *ud)
{
	(void)c;
	struct probe *p = ud;
	if (st != CONN_FAILED && st != CONN_BACKOFF)
		return;
	if (p->out->ts_state[p->idx] == DBTS_CHECKING) {
		p->out->ts_state[p->idx] = DBTS_ERROR;
		snprintf(p->out->ts[p->idx], sizeof p->out->ts[p->idx], "%s", msg && *msg ? msg : "cannot connect");
	}
	probe_finish(p);
}

static void probe_start(struct fetch *f, int idx)
{
	struct dblist *l = f->out;
	struct probe *p = calloc(1, sizeof *p);
	if (!p) {
		l->ts_state[idx] = DBTS_UNKNOWN;
		return;
	}
	const struct options *o = f->o;
	const char *kw[CONN_CLI_PARAMS], *val[CONN_CLI_PARAMS];
	conn_params_from_cli(o, l->name[idx], kw, val);
	struct conn_options co = {
		.conninfo = o->conninfo, .keywords = kw, .values = val, .connect_timeout = 5,
		.statement_timeout = 5, .reconnect = false, .password = f->password[0] ? f->password : NULL,
	};
	static const struct conn_callbacks cbs = { .on_state = probe_state, .on_connected = probe_connected };
	p->out = l;
	p->idx = idx;
	p->loop = f->loop;
	p->done = f->done;
	p->ud = f->ud;
	ev_init(&p->reap, reap_cb);
	p->reap.data = p;
	p->next = probes;
	probes = p;
	l->ts_state[idx] = DBTS_CHECKING;
	p->c = conn_new(f->loop, &co, &cbs, p);
	if (!p->c || conn_start(p->c) != 0) {
		if (l->ts_state[idx] == DBTS_CHECKING) {
			l->ts_state[idx] = DBTS_ERROR;
			snprintf(l->ts[idx], sizeof l->ts[idx], "cannot connect");
		}
		probe_finish(p);
	}
}

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
			l->ts_state[l->n] = DBTS_UNKNOWN;
			l->ts[l->n][0] = '\0';
			l->n++;
		}
		int started = 0;
		for (int i = 0; i < l->n && started < DBLIST_PROBES; i++)
			if (!l->current[i]) {
				probe_start(f, i);
				started++;
			}
	}
	f->out = NULL;
	memset(f->password, 0, sizeof f->password);
	if (f->done)
		f->done(f->ud);
}

void dblist_cancel(struct dblist *out)
{
	for (struct probe *p = probes, *nx; p; p = nx) {
		nx = p->next;
		if (p->out == out)
			probe_free(p);
	}
}

int dblist_fetch(struct ev_loop *loop, struct conn *c, const struct options *o, const char *password,
		 struct dblist *out, void (*done)(void *ud), void *ud)
{
	struct fetch *f = NULL;
	for (size_t i = 0; i < sizeof fetches / sizeof fetches[0]; i++)
		if (!fetches[i].out)
			f = &fetches[i];
	dblist_cancel(out);
	if (!c || !f) {
		snprintf(out->error, sizeof out->error, "cannot list the databases: not connected");
		return -1;
	}
	*f = (struct fetch){ .out = out, .loop = loop, .o = o, .done = done, .ud = ud };
	snprintf(f->password, sizeof f->password, "%s", password ? password : "");
	out->loading = true;
	if (conn_query(c, dblist_sql, 0, NULL, 10, on_result, f) != 0) {
		f->out = NULL;
		out->loading = false;
		snprintf(out->error, sizeof out->error, "cannot list the databases: not connected");
		return -1;
	}
	return 0;
}
