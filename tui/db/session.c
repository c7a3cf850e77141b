/* session — connection + probe, shared by every mode. */
#include "tsdbtop/session.h"

#include <ev.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/probe.h"
#include "conn_params.h"

/* Returns true when the probe answered and was understood. */
static bool probe_took(struct session *s, struct conn *c, struct pg_result *res,
		       const struct conn_error *err)
{
	if (err->kind != CERR_NONE) {
		snprintf(s->error, sizeof s->error, "probe failed: %s", err->message);
		return false;
	}
	if (probe_parse(res, conn_pg(c), &s->info, s->error, sizeof s->error) != 0)
		return false;
	s->probed = true;
	s->error[0] = '\0';
	if (s->on_probed)
		s->on_probed(s, s->ud);
	return true;
}

/* The probe of a new session: without its answer nothing can be polled,
 * and whoever waits for it (the console before its screen opens, --info)
 * would wait for ever, since a connection that stays up reports nothing
 * more. So a probe the server refused (or that made no sense) fails the
 * connection with its reason: backoff and reconnect, or failed. Lost and
 * timed out already did; a closed connection is being freed. */
static void probe_connect_done(struct conn *c, struct pg_result *res,
			       const struct conn_error *err, void *ud)
{
	struct session *s = ud;
	if (!probe_took(s, c, res, err) && err->kind != CERR_CANCELLED)
		conn_fail(c, s->error);
}

/* A probe again on a working session: its failure is only recorded. */
static void probe_again_done(struct conn *c, struct pg_result *res,
			     const struct conn_error *err, void *ud)
{
	probe_took(ud, c, res, err);
}

/* Set up for the poll, on every connect:
 * - jit off: the monitor's queries are small and planned once per session;
 *   JIT compilation only adds to them (about 180 ms on the chunks query at
 *   100,000 chunks on PostgreSQL 17, where it is on by default);
 * - the chunks and retention queries' memory of their last pass over the
 *   chunk relations forgotten (sql/queries/chunks.sql): this client has no
 *   figures of that pass yet, and a session it shares (the embedded server
 *   serves every client in one) may hold another client's.
 * - the pass every 30 s (tsdbtop.reread_every, unless PGOPTIONS set it):
 *   unset, as in any other session (the MS5.0 views built on these
 *   queries), every run makes the pass;
 * A server that refuses this is polled as it is (each pass then decided by
 * what the session holds). */
static const char session_setup_sql[] =
	"SELECT pg_catalog.set_config('tsdbtop.chunks_read', '', false),"
	" pg_catalog.set_config('tsdbtop.retention_read', '', false),"
	" pg_catalog.set_config('tsdbtop.reread_every',"
	" coalesce(nullif(pg_catalog.current_setting('tsdbtop.reread_every', true), ''), '30'), false),"
	" pg_catalog.set_config('jit', 'off', false)";

static void setup_done(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	(void)res;
	(void)err;
	(void)ud;
}

static void on_connected(struct conn *c, void *ud)
{
	struct session *s = ud;
	conn_query(c, session_setup_sql, 0, NULL, 15, setup_done, s);
	if (conn_query(c, probe_sql(), 0, NULL, 15, probe_connect_done, s) != 0) {
		snprintf(s->error, sizeof s->error, "could not send the probe");
		conn_fail(c, s->error);
	}
}

static void on_state(struct conn *c, enum conn_state st, const char *msg, void *ud)
{
	(void)c;
	struct session *s = ud;
	if (msg && *msg)
		snprintf(s->error, sizeof s->error, "%s", msg);
	if (s->on_state)
		s->on_state(s, st, msg, s->ud);
}

int session_open(struct session *s, struct ev_loop *loop, const struct options *o,
		 bool reconnect, const char *password)
{
	const char *kw[CONN_CLI_PARAMS], *val[CONN_CLI_PARAMS];
	conn_params_from_cli(o, NULL, kw, val);
	struct conn_options co = {
		.conninfo = o->conninfo, .keywords = kw, .values = val,
		.statement_timeout = o->statement_timeout, .lock_timeout = o->lock_timeout,
		.reconnect = reconnect, .password = password,
	};
	static const struct conn_callbacks cbs = {
		.on_state = on_state, .on_connected = on_connected,
	};
	s->loop = loop;
	s->probed = false;
	s->error[0] = '\0';
	memset(&s->info, 0, sizeof s->info);
	s->conn = conn_new(loop, &co, &cbs, s);
	if (!s->conn)
		return -1;
	return conn_start(s->conn);
}

int session_reprobe(struct session *s)
{
	if (!s->conn || !s->probed)
		return -1;
	return conn_query(s->conn, probe_sql(), 0, NULL, 15, probe_again_done, s);
}

void session_close(struct session *s)
{
	conn_free(s->conn);
	s->conn = NULL;
}
