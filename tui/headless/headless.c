/* headless — run the engine / one-off statements to completion on libev. */
#include "tsdbtop/headless.h"

#include <ev.h>
#include <json.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/config.h"
#include "tsdbtop/engine.h"
#include "tsdbtop/once.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/session.h"
#include "tsdbtop/version.h"

/* Overall guard: connect + probe (libpq's connect timeout is 10 s). */
#define CONNECT_GUARD_S 30.0

struct snap_run {
	struct ev_loop *loop;
	struct engine *e;
	bool done, failed;
	char err[512];
};

static void guard_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)revents;
	bool *timed_out = w->data;
	*timed_out = true;
	ev_break(loop, EVBREAK_ALL);
}

/* A probe that fails reports nothing through the callbacks: notice it. */
struct probe_watch {
	ev_timer t;
	struct conn *(*get)(void *);
	bool (*probed)(void *);
	const char *(*error)(void *);
	void *obj;
	bool failed;
};

static void probe_watch_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)revents;
	struct probe_watch *p = (struct probe_watch *)w;
	struct conn *c = p->get(p->obj);
	const char *e = p->error(p->obj);
	if (c && conn_state(c) == CONN_READY && !p->probed(p->obj) && e && *e) {
		p->failed = true;
		ev_break(loop, EVBREAK_ALL);
	}
}

static struct conn *eng_conn(void *o) { return engine_conn(o); }
static bool eng_probed(void *o) { return engine_probed(o); }
static const char *eng_error(void *o) { return engine_error(o); }

static void snap_probed(void *ud)
{
	struct snap_run *r = ud;
	if (!engine_poll(r->e)) {
		r->failed = true;
		snprintf(r->err, sizeof r->err, "could not start a poll");
		ev_break(r->loop, EVBREAK_ALL);
	}
}

static void snap_update(void *ud)
{
	struct snap_run *r = ud;
	r->done = true;
	ev_break(r->loop, EVBREAK_ALL);
}

static void snap_conn(enum conn_state st, const char *msg, void *ud)
{
	struct snap_run *r = ud;
	if ((st == CONN_FAILED || st == CONN_BACKOFF) && !r->done) {
		r->failed = true;
		snprintf(r->err, sizeof r->err, "cannot connect: %s",
			 msg && *msg ? msg : "connection failed");
		ev_break(r->loop, EVBREAK_ALL);
	}
}

/* libpq messages span lines ("...failed: X\n\tIs the server running"):
 * one line, whitespace runs squeezed. */
static void one_line(char *s)
{
	char *w = s;
	for (const char *p = s; *p; p++) {
		char ch = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p;
		if (ch == ' ' && (w == s || w[-1] == ' '))
			continue;
		*w++ = ch;
	}
	while (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
	/* sanitize_text never lengthens: replaced pieces become one '?' */
	char tmp[1024];
	sanitize_text(tmp, sizeof tmp, s);
	memcpy(s, tmp, strlen(tmp) + 1);
}

int headless_snapshot(const struct options *o, struct snapshot *snap,
		      const struct thresholds *th, char *err, size_t n)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct snap_run r = { .loop = loop };
	struct engine_callbacks cb = { .on_update = snap_update, .on_probed = snap_probed,
				       .on_conn = snap_conn };
	bool timed_out = false;
	ev_timer guard;
	ev_timer_init(&guard, guard_cb, CONNECT_GUARD_S + 2 * o->query_deadline, 0);
	guard.data = &timed_out;
	ev_timer_start(loop, &guard);
	r.e = engine_new(loop, o, snap, th, &cb, &r, false, NULL);
	if (!r.e) {
		snprintf(r.err, sizeof r.err, "cannot connect: out of memory or bad connection options");
		r.failed = true;
	} else if (!r.failed) {
		struct probe_watch pw = { .get = eng_conn, .probed = eng_probed, .error = eng_error,
					  .obj = r.e };
		ev_timer_init(&pw.t, probe_watch_cb, 0.2, 0.2);
		ev_timer_start(loop, &pw.t);
		ev_run(loop, 0);
		ev_timer_stop(loop, &pw.t);
	}
	if (!r.done && !r.failed) {
		const char *why = r.e ? engine_error(r.e) : "";
		snprintf(r.err, sizeof r.err, "%s", why && *why ? why :
			 timed_out ? "no answer in time" : "no answer");
	}
	ev_timer_stop(loop, &guard);
	engine_free(r.e);
	ev_loop_destroy(loop);
	if (r.done)
		return 0;
	one_line(r.err);
	snprintf(err, n, "%s", r.err);
	return HL_EXIT_NOCONN;
}

/* ---- one-off statements ---- */

struct hl_session {
	struct ev_loop *loop;
	struct session s;
	bool probed, failed, timed_out;
	char err[512];
	void (*notice)(const char *msg, void *ud);
	void *notice_ud;
};

static struct conn *ses_conn(void *o) { return ((struct session *)o)->conn; }
static bool ses_probed(void *o) { return ((struct session *)o)->probed; }
static const char *ses_error(void *o) { return ((struct session *)o)->error; }

static void hl_probed(struct session *s, void *ud)
{
	(void)s;
	struct hl_session *h = ud;
	h->probed = true;
	ev_break(h->loop, EVBREAK_ALL);
}

static void hl_state(struct session *s, enum conn_state st, const char *msg, void *ud)
{
	(void)s;
	struct hl_session *h = ud;
	if (st == CONN_FAILED || st == CONN_BACKOFF) {
		h->failed = true;
		snprintf(h->err, sizeof h->err, "cannot connect: %s", msg && *msg ? msg : "connection failed");
		ev_break(h->loop, EVBREAK_ALL);
	}
}

struct hl_session *hl_open(const struct options *o, char *err, size_t n)
{
	struct hl_session *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	h->loop = ev_loop_new(EVFLAG_AUTO);
	h->s.on_probed = hl_probed;
	h->s.on_state = hl_state;
	h->s.ud = h;
	ev_timer guard;
	ev_timer_init(&guard, guard_cb, CONNECT_GUARD_S, 0);
	guard.data = &h->timed_out;
	ev_timer_start(h->loop, &guard);
	if (session_open(&h->s, h->loop, o, false, NULL) != 0 && !h->failed) {
		h->failed = true;
		snprintf(h->err, sizeof h->err, "cannot connect: %s",
			 h->s.error[0] ? h->s.error : "bad connection options");
	}
	if (!h->failed && !h->probed) {
		struct probe_watch pw = { .get = ses_conn, .probed = ses_probed, .error = ses_error,
					  .obj = &h->s };
		ev_timer_init(&pw.t, probe_watch_cb, 0.2, 0.2);
		ev_timer_start(h->loop, &pw.t);
		ev_run(h->loop, 0);
		ev_timer_stop(h->loop, &pw.t);
	}
	ev_timer_stop(h->loop, &guard);
	if (!h->probed) {
		if (!h->failed)
			snprintf(h->err, sizeof h->err, "cannot connect: %s",
				 h->s.error[0] ? h->s.error : "no answer in time");
		one_line(h->err);
		snprintf(err, n, "%s", h->err);
		hl_close(h);
		return NULL;
	}
	return h;
}

const struct server_info *hl_info(const struct hl_session *h)
{
	return &h->s.info;
}

struct exec_wait {
	struct ev_loop *loop;
	bool done;
	PGresult *res;
	struct conn_error err;
};

static void exec_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct exec_wait *w = ud;
	w->done = true;
	w->err = *err;
	if (err->kind == CERR_NONE && res) {
		w->res = PQcopyResult(res, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES);
		if (!w->res) {
			w->err.kind = CERR_CONNECTION;
			snprintf(w->err.message, sizeof w->err.message, "out of memory");
		}
	}
	ev_break(w->loop, EVBREAK_ALL);
}

int hl_exec(struct hl_session *h, const char *sql, int nparams, const char *const *params,
	    double timeout, struct pg_result **out, struct conn_error *err)
{
	struct exec_wait w = { .loop = h->loop };
	*out = NULL;
	if (conn_query(h->s.conn, sql, nparams, params, timeout, exec_cb, &w) != 0) {
		memset(err, 0, sizeof *err);
		err->kind = CERR_CONNECTION;
		snprintf(err->message, sizeof err->message, "the connection is not usable: %s",
			 conn_last_error(h->s.conn));
		return -1;
	}
	while (!w.done)
		ev_run(h->loop, EVRUN_ONCE);
	*err = w.err;
	one_line(err->message);
	if (w.err.kind != CERR_NONE)
		return -1;
	*out = w.res;
	return 0;
}

void hl_ts_schema(struct hl_session *h, char *buf, size_t n)
{
	struct pg_conn *pg = conn_pg(h->s.conn);
	const char *schema = h->s.info.ts_schema;
	char *q = pg && schema[0] ? PQescapeIdentifier(pg, schema, strlen(schema)) : NULL;
	snprintf(buf, n, "%s", q ? q : "");
	PQfreemem(q);
}

static void notice_rx(void *arg, const PGresult *res)
{
	struct hl_session *h = arg;
	if (!h->notice)
		return;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	char line[1024];
	snprintf(line, sizeof line, "%s:  %s", sev ? sev : "NOTICE", msg ? msg : "");
	h->notice(line, h->notice_ud);
}

/* The session has no notice callback of its own (the console's status line
 * is the only consumer); headless runs never reconnect, so the receiver set
 * here stays on this PGconn. */
void hl_on_notice(struct hl_session *h, void (*fn)(const char *msg, void *ud), void *ud)
{
	h->notice = fn;
	h->notice_ud = ud;
	struct pg_conn *pg = conn_pg(h->s.conn);
	if (pg)
		PQsetNoticeReceiver(pg, notice_rx, h);
}

void hl_close(struct hl_session *h)
{
	if (!h)
		return;
	session_close(&h->s);
	ev_loop_destroy(h->loop);
	free(h);
}

struct ev_loop *hl_loop(struct hl_session *h)
{
	return h->loop;
}

struct conn *hl_conn(struct hl_session *h)
{
	return h->s.conn;
}

/* ---- the JSON document header ------------------------------------------- */

struct json_object *hl_json_doc(const char *command)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(ONCE_JSON_VERSION));
	json_object_object_add(o, "tsdbtop", json_object_new_string(TSDBTOP_VERSION));
	json_object_object_add(o, "command", json_object_new_string(command));
	json_object_object_add(o, "generated_at",
	                       once_json_time((double)ts.tv_sec + ts.tv_nsec / 1e9));
	return o;
}

void hl_print_json(struct json_object *doc)
{
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}

/* ---- the configuration file --------------------------------------------- */

int hl_config_load(const char *cmd, const struct options *o, struct config *c)
{
	char path[512], errs[4096];
	config_defaults(c);
	if (o->config_file)
		snprintf(path, sizeof path, "%s", o->config_file);
	else
		config_default_path(path, sizeof path);
	int nerr = path[0] ? config_load(c, path, o->config_file != NULL, errs, sizeof errs) : 0;
	for (char *line = errs, *end; nerr > 0 && *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		char clean[600];
		snprintf(clean, sizeof clean, "%.*s", (int)(end - line), line);
		clean[strcspn(clean, "\n")] = '\0';
		fprintf(stderr, "tsdbtop %s: %s\n", cmd, clean);
	}
	if (nerr > 0 && o->config_file && access(path, R_OK) != 0)
		return HL_EXIT_USAGE;   /* --config names a file that cannot be read */
	return -1;
}
