/* action_conn — the connection an action runs on and the SQL it sends:
 * a second connection of its own when it is up, otherwise the monitor's;
 * "@ts." in the SQL qualified with TimescaleDB's schema (PQescapeIdentifier
 * when sent, action_quote_ident when shown); ANALYZE's identifier escaped
 * when sent. See action_int.h. */
#include "action_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_params.h"
#include "tsdbtop/cli.h"

static void own_state(struct conn *c, enum conn_state st, const char *msg, void *ud)
{
	(void)c;
	(void)msg;
	struct action_runner *r = ud;
	if (st == CONN_BACKOFF || st == CONN_FAILED || st == CONN_CONNECTING || st == CONN_IDLE)
		r->own_ready = false;
	ar_changed(r);
}

static void own_connected(struct conn *c, void *ud)
{
	(void)c;
	struct action_runner *r = ud;
	r->own_ready = true;
	ar_changed(r);
}

void ar_open_own(struct action_runner *r)
{
	const struct options *o = r->cfg.opt;
	if (!o)
		return;
	const char *kw[CONN_CLI_PARAMS], *val[CONN_CLI_PARAMS];
	conn_params_from_cli(o, NULL, kw, val);
	struct conn_options co = {
		.conninfo = o->conninfo, .keywords = kw, .values = val,
		.statement_timeout = r->cfg.statement_timeout,
		.lock_timeout = r->cfg.lock_timeout,
		.reconnect = true, .password = r->has_password ? r->password : NULL,
	};
	static const struct conn_callbacks cbs = { .on_state = own_state, .on_connected = own_connected };
	r->own = conn_new(r->loop, &co, &cbs, r);
	if (r->own)
		conn_start(r->own);
}

static bool usable(struct conn *c)
{
	enum conn_state st = conn_state(c);
	return st == CONN_READY || st == CONN_BUSY;
}

struct conn *ar_use_conn(struct action_runner *r)
{
	if (r->own && r->own_ready && usable(r->own))
		return r->own;
	if (r->cfg.monitor && usable(r->cfg.monitor))
		return r->cfg.monitor;
	return NULL;
}

/* TimescaleDB's API lives in the extension's schema: every call is written
 * "@ts.name(" in the SQL and qualified here with prefix ("schema." or ""). */
static char *replace_ts(const char *sql, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);
	for (const char *p = sql; (p = strstr(p, "@ts.")) != NULL; p += 4)
		n++;
	char *out = malloc(strlen(sql) + n * pl + 1);
	if (!out)
		return NULL;
	char *o = out;
	for (const char *p = sql; *p;) {
		if (strncmp(p, "@ts.", 4) == 0) {
			memcpy(o, prefix, pl);
			o += pl;
			p += 4;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static const char *ts_schema(const struct action_runner *r)
{
	return r->cfg.server ? r->cfg.server->ts_schema : "";
}

char *ar_expand_sql(const struct action_runner *r, struct conn *c, const char *sql)
{
	const char *sch = ts_schema(r);
	PGconn *pg = c ? conn_pg(c) : NULL;
	if (!sch[0] || !pg)
		return replace_ts(sql, "");
	char *q = PQescapeIdentifier(pg, sch, strlen(sch));
	if (!q)
		return NULL;
	char prefix[NAME_LEN * 2 + 8];
	snprintf(prefix, sizeof prefix, "%s.", q);
	PQfreemem(q);
	return replace_ts(sql, prefix);
}

int ar_send(struct action_runner *r, const char *sql, int n, const char *const *params,
	    double timeout, conn_result_fn cb, int step)
{
	struct conn *c = ar_use_conn(r);
	if (!c)
		return -1;
	char *full = ar_expand_sql(r, c, sql);
	struct qctx *q = full ? malloc(sizeof *q) : NULL;
	if (!q) {
		free(full);
		return -1;
	}
	*q = (struct qctx){ r, r->seq, step };
	r->used_monitor = c != r->own;
	int rc = conn_query(c, full, n, params, timeout, cb, q);
	free(full);
	if (rc != 0) {
		free(q);
		return -1;
	}
	return 0;
}

int ar_step_sql(struct action_runner *r, const struct action_step *s, char *buf, size_t n)
{
	if (!s->ident) {
		snprintf(buf, n, "%s", s->sql);
		return 0;
	}
	struct conn *c = ar_use_conn(r);
	PGconn *pg = c ? conn_pg(c) : NULL;
	char *es = pg ? PQescapeIdentifier(pg, s->ident_schema, strlen(s->ident_schema)) : NULL;
	char *en = pg ? PQescapeIdentifier(pg, s->ident_name, strlen(s->ident_name)) : NULL;
	if (!es || !en) {
		if (es) PQfreemem(es);
		if (en) PQfreemem(en);
		return -1;
	}
	char q[NAME_LEN * 4 + 8];
	snprintf(q, sizeof q, "%s.%s", es, en);
	PQfreemem(es);
	PQfreemem(en);
	const char *pct = strstr(s->sql, "%s");
	snprintf(buf, n, "%.*s%s%s", (int)(pct ? pct - s->sql : (long)strlen(s->sql)), s->sql,
		 pct ? q : "", pct ? pct + 2 : "");
	return 0;
}

void ar_step_finish(const struct action_runner *r, struct action_step *s)
{
	char raw[sizeof s->shown], prefix[NAME_LEN * 2 + 8] = "";
	const char *sch = ts_schema(r);
	action_show_sql(raw, sizeof raw, s);
	if (sch[0]) {
		action_quote_ident(prefix, sizeof prefix - 1, sch);
		size_t pl = strlen(prefix); /* < sizeof prefix - 1: room for the dot */
		prefix[pl] = '.';
		prefix[pl + 1] = '\0';
	}
	char *shown = replace_ts(raw, prefix);
	snprintf(s->shown, sizeof s->shown, "%s", shown ? shown : raw);
	free(shown);
}

void ar_step_param(struct action_step *s, const char *v)
{
	int i = s->nparams++;
	if (v) {
		snprintf(s->params[i], sizeof s->params[i], "%s", v);
		s->param_null[i] = false;
	} else {
		s->params[i][0] = '\0';
		s->param_null[i] = true;
	}
}
