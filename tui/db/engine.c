/* engine — one poll = one query per collector on the monitor session. */
#include "tsdbtop/engine.h"

#include <ev.h>
#include <libpq-fe.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/collect.h"
#include "tsdbtop/health.h"
#include "tsdbtop/pgerror.h"
#include "tsdbtop/queries.h"
#include "tsdbtop/session.h"
#include <strings.h>

#define MAX_COLLECTORS 16

struct qctx {
	struct engine *e;
	int idx;
	double sent;
	bool compat;                   /* this query is the compatibility-mode one */
};

struct engine {
	struct ev_loop *loop;
	struct session s;
	struct snapshot *snap;
	const struct thresholds *th;
	struct engine_callbacks cb;
	void *ud;
	double deadline;
	bool polling, closing;
	bool reprobe;                  /* a query found the TimescaleDB catalog gone */
	bool compat_forced;            /* --compat, TSDBTOP_COMPAT=1, compat = yes */
	int compat_ts;                 /* ts_version_num the automatic switch was made for */
	double probed_at;
	int outstanding;
	double poll_started;
	struct qctx ctx[MAX_COLLECTORS];
};

/* A poll frees what it allocated (results, query copies, the previous
 * rows), but glibc keeps freed pages resident below the top of the heap:
 * give them back once per poll (a walk over a few hundred KB of heap). */
static void release_freed_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static void finish_poll(struct engine *e)
{
	e->polling = false;
	/* The probe runs at connect; the extension can be dropped or created
	 * while we run: probe again when a query says the catalog is gone, and
	 * every 30 s while TimescaleDB is not installed. */
	if (e->reprobe || (!e->s.info.ts_installed && ev_time() - e->probed_at >= 30)) {
		e->reprobe = false;
		e->probed_at = ev_time();
		session_reprobe(&e->s);
	}
	e->snap->polled_at = ev_time();
	e->snap->poll_ms = (ev_time() - e->poll_started) * 1000.0;
	health_classify(e->snap, e->th, ev_time());
	if (e->cb.on_update)
		e->cb.on_update(e->ud);
	release_freed_memory();
}

static void set_error(struct pane_meta *m, const struct conn_error *err)
{
	if (!m)
		return;
	m->status = PANE_ERROR;
	/* a pane adds words only to a missing grant; any other server error
	 * is "query failed" (what the native tiers look for on screen) */
	struct pgerr_words w = pgerror_words(err->sqlstate, err->message);
	if (w.cls == PGERR_PERMISSION)
		snprintf(m->message, sizeof m->message, "%s: %s%s%s", w.words, err->message,
			 err->hint[0] ? " — " : "", err->hint);
	else if (err->kind == CERR_SERVER)
		snprintf(m->message, sizeof m->message, "query failed: %s", err->message);
	else
		snprintf(m->message, sizeof m->message, "%s", err->message);
}

static void result_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud);

/* A fast query that fails with undefined column (42703) or undefined table
 * (42P01) while TimescaleDB is installed met a catalog layout the console
 * does not know: compatibility mode from now on (until the TimescaleDB
 * version changes), and this collector's compatibility query is sent in
 * the same poll. Returns true when it was sent. */
static bool switch_to_compat(struct engine *e, struct qctx *q, const struct conn_error *err)
{
	const struct collector *col = &collectors[q->idx];
	if (q->compat || err->kind != CERR_SERVER || !e->s.info.ts_installed ||
	    (strcmp(err->sqlstate, "42703") != 0 && strcmp(err->sqlstate, "42P01") != 0))
		return false;
	const char *sql = query_pick_compat(col->name);
	if (!sql)
		return false;
	struct compat_state *cs = &e->snap->compat;
	if (!cs->active) {
		cs->active = true;
		cs->reason = COMPAT_FAST_FAILED;
		snprintf(cs->detail, sizeof cs->detail, "%s: %s %s", col->name, err->sqlstate, err->message);
		e->compat_ts = e->s.info.ts_version_num;
	}
	q->compat = true;
	q->sent = ev_now(e->loop);
	return conn_query_reuse(e->s.conn, sql, e->deadline, result_cb, q) == 0;
}

static void result_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct qctx *q = ud;
	struct engine *e = q->e;
	if (e->closing)
		return;
	const struct collector *col = &collectors[q->idx];
	struct pane_meta *m = col->meta(e->snap);
	if (err->kind != CERR_NONE && switch_to_compat(e, q, err))
		return;                    /* the compatibility query answers instead */
	if (err->kind == CERR_NONE) {
		col->parse(res, e->snap);
		if (m) {
			m->status = PANE_OK;
			m->message[0] = '\0';
			m->updated_at = ev_time();
			m->poll_ms = (ev_now(e->loop) - q->sent) * 1000.0;
		}
		/* fresh rows come unclassified (health 0 = ok): a screen drawn
		 * before the poll ends (the 1 s tick) showed them ok, then the
		 * real health: marks flickered on every slow poll */
		health_classify(e->snap, e->th, ev_time());
	} else {
		set_error(m, err);
		/* undefined table, schema, function: the extension went away */
		if (err->kind == CERR_SERVER && (strcmp(err->sqlstate, "42P01") == 0 ||
		    strcmp(err->sqlstate, "3F000") == 0 || strcmp(err->sqlstate, "42883") == 0))
			e->reprobe = true;
	}
	if (--e->outstanding == 0)
		finish_poll(e);
}

static void mark_unavailable(struct engine *e, const struct collector *col, const char *why)
{
	struct pane_meta *m = col->meta(e->snap);
	if (!m)
		return;
	m->status = PANE_UNAVAILABLE;
	snprintf(m->message, sizeof m->message, "%s", why);
	m->updated_at = ev_time();
}

bool engine_poll(struct engine *e)
{
	if (e->polling || !e->s.probed || !e->s.conn)
		return false;
	enum conn_state st = conn_state(e->s.conn);
	if (st != CONN_READY && st != CONN_BUSY)
		return false;
	e->snap->server = e->s.info;
	e->polling = true;
	e->outstanding = 1;            /* held until every query is queued */
	e->poll_started = ev_time();
	for (int i = 0; i < collector_count && i < MAX_COLLECTORS; i++) {
		const struct collector *col = &collectors[i];
		char why[256];
		const char *sql = NULL;
		bool compat = e->snap->compat.active;
		if (col->unavailable(&e->s.info, why, sizeof why) ||
		    !(sql = collector_sql(col, &e->s.info, compat, why, sizeof why))) {
			mark_unavailable(e, col, why);
			continue;
		}
		e->ctx[i] = (struct qctx){ e, i, ev_now(e->loop), compat && query_pick_compat(col->name) };
		e->outstanding++;
		if (conn_query_reuse(e->s.conn, sql, e->deadline, result_cb, &e->ctx[i]) != 0)
			e->outstanding--;
	}
	if (--e->outstanding == 0)
		finish_poll(e);
	return true;
}

/* Compatibility mode after a probe: forced stays; a TimescaleDB newer than
 * the newest layout known turns it on; a switch made after a failed fast
 * query holds until the TimescaleDB version changes (ALTER EXTENSION
 * UPDATE, DROP/CREATE EXTENSION). */
static void compat_after_probe(struct engine *e)
{
	struct compat_state *cs = &e->snap->compat;
	const struct server_info *si = &e->s.info;
	if (e->compat_forced) {
		*cs = (struct compat_state){ .active = true, .reason = COMPAT_FORCED };
		return;
	}
	if (cs->active && cs->reason == COMPAT_FAST_FAILED && si->ts_installed &&
	    si->ts_version_num == e->compat_ts)
		return;
	if (si->ts_installed && !query_ts_layout_known(si->ts_version_num)) {
		*cs = (struct compat_state){ .active = true, .reason = COMPAT_UNKNOWN_VERSION };
		snprintf(cs->detail, sizeof cs->detail, "TimescaleDB %s, newest layout known 2.%d.x",
			 si->ts_version, QUERY_TS_NEWEST_KNOWN_MINOR);
		return;
	}
	*cs = (struct compat_state){ .active = false, .reason = COMPAT_OFF };
}

static bool env_true(const char *name)
{
	const char *v = getenv(name);
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
		     strcasecmp(v, "on") == 0);
}

static void on_probed(struct session *s, void *ud)
{
	(void)s;
	struct engine *e = ud;
	compat_after_probe(e);
	e->probed_at = ev_time();
	e->snap->server = e->s.info;
	if (e->cb.on_probed)
		e->cb.on_probed(e->ud);
}

static void on_state(struct session *s, enum conn_state st, const char *msg, void *ud)
{
	(void)s;
	struct engine *e = ud;
	if (e->cb.on_conn)
		e->cb.on_conn(st, msg, e->ud);
}

struct engine *engine_new(struct ev_loop *loop, const struct options *o,
			  struct snapshot *snap, const struct thresholds *th,
			  const struct engine_callbacks *cb, void *ud, bool reconnect,
			  const char *password)
{
	struct engine *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->loop = loop;
	e->snap = snap;
	e->th = th;
	if (cb)
		e->cb = *cb;
	e->ud = ud;
	e->deadline = o->query_deadline > 0 ? o->query_deadline : 15;
	e->compat_forced = o->compat || env_true("TSDBTOP_COMPAT");
	snap->compat = (struct compat_state){ .active = e->compat_forced,
					      .reason = e->compat_forced ? COMPAT_FORCED : COMPAT_OFF };
	e->s.on_probed = on_probed;
	e->s.on_state = on_state;
	e->s.ud = e;
	struct pane_meta *metas[] = { &snap->chunks_meta, &snap->comp_meta, &snap->ret_meta,
				      &snap->cagg_meta, &snap->cache_meta, &snap->jobs_meta };
	for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++)
		metas[i]->updated_at = NAN;
	snap->polled_at = NAN;
	snap->cache.ratio_now = snap->cache.ratio_total = NAN;
	if (session_open(&e->s, loop, o, reconnect, password) != 0 && !e->s.conn) {
		free(e);
		return NULL;
	}
	return e;
}

int engine_start(struct engine *e)
{
	return e->s.conn ? 0 : -1;
}

bool engine_polling(const struct engine *e)
{
	return e->polling;
}

bool engine_probed(const struct engine *e)
{
	return e->s.probed;
}

struct conn *engine_conn(struct engine *e)
{
	return e->s.conn;
}

const char *engine_error(const struct engine *e)
{
	return e->s.error;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	e->closing = true;
	session_close(&e->s);
	free(e);
}
