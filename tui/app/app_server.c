/* app_server — one watched server of the console: its engine (polls,
 * connection, backoff), its action runner and databases list, the
 * callbacks that keep its view current. Each server has its own of all of
 * these, so one server down or frozen never holds up another: they share
 * only the loop (every connection is non-blocking). */
#include <ev.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/action.h"
#include "tsdbtop/engine.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/trend.h"

#include "app_int.h"

static const char *password_of(const struct app_server *s)
{
	return s->password[0] ? s->password : NULL;
}

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the view ------------------------------------------------------------- */

void app_server_view_actions(struct app_server *s)
{
	struct action_runner *r = s->actions;
	struct app_view *v = &s->view;
	v->actions = r != NULL;
	v->interval = s->a->interval;
	v->paused = s->a->paused;
	v->quit = s->a->quit;
	if (!r) {
		v->act_state = AST_IDLE;
		v->plan = NULL;
		v->act_message = v->act_where = "";
		v->act_done = v->act_total = 0;
		v->act_bytes_before = v->act_bytes_after = NAN;
		v->act_log = NULL;
		v->chunks = NULL;
		return;
	}
	v->act_state = action_state(r);
	v->plan = action_current(r);
	v->act_message = action_message(r);
	v->act_where = action_where(r);
	action_progress(r, &v->act_done, &v->act_total, &v->act_bytes_before, &v->act_bytes_after);
	v->act_log = action_log(r);
	v->chunks = action_chunks(r);
}

/* ---- engine callbacks ---------------------------------------------------- */

static void on_update(void *ud)
{
	struct app_server *s = ud;
	s->view.polling = false;
	s->polls_done++;
	if (s->trends)
		trends_record(s->trends, &s->snap);
	if (s->opt.polls > 0 && s->polls_done >= s->opt.polls)
		app_quit(s->a, 0);     /* --polls N */
	app_changed(s, APP_CH_DATA);
}

static void on_probed(void *ud)
{
	struct app_server *s = ud;
	s->first_done = true;
	s->conn_msg[0] = '\0';
	if (s->view.down_since > 0) {     /* back after an outage: the banner says for how long */
		s->view.recovered_at = wall_now();
		s->view.last_outage_s = s->view.recovered_at - s->view.down_since;
		s->view.down_since = 0;
	}
	s->view.reconnect_attempts = 0;
	if (!s->a->paused)
		s->view.polling = engine_poll(s->engine);
	app_changed(s, APP_CH_DATA | APP_CH_CONN);
}

static void on_conn(enum conn_state st, const char *msg, void *ud)
{
	struct app_server *s = ud;
	/* READY <-> BUSY flips around every query of a poll and looks the same
	 * on screen: redrawing then showed half-updated polls, one pane title at
	 * a time (make bench: bytes per refresh) */
	bool same = (st == CONN_READY || st == CONN_BUSY) &&
		    (s->view.conn_state == CONN_READY || s->view.conn_state == CONN_BUSY) && !(msg && *msg);
	s->view.conn_state = st;
	if (msg && *msg)     /* reason first: the status line cuts the rest */
		sanitize_pg_error(s->conn_msg, sizeof s->conn_msg, msg);
	if ((st == CONN_BACKOFF || st == CONN_FAILED) && !s->first_done) {
		s->first_done = true;
		s->first_failed = true;
	}
	if (st == CONN_BACKOFF || st == CONN_FAILED) {
		s->view.polling = false;
		if (s->view.down_since <= 0)
			s->view.down_since = wall_now();
	}
	if (st == CONN_CONNECTING && s->view.down_since > 0)
		s->view.reconnect_attempts++;
	if (!same)
		app_changed(s, APP_CH_CONN);
}

static const struct engine_callbacks engine_cbs = {
	.on_update = on_update, .on_probed = on_probed, .on_conn = on_conn,
};

static struct engine *engine_open(struct app_server *s)
{
	return engine_new(s->a->loop, &s->opt, &s->snap, &s->a->th, &engine_cbs, s, true, password_of(s));
}

/* ---- the action runner --------------------------------------------------------- */

/* Ask again for the chunks of the listed hypertable (after an action:
 * show what changed). The names are copied first: the list is rewritten. */
static void relist_chunks(struct app_server *s)
{
	const struct chunk_list *cl = action_chunks(s->actions);
	char sch[NAME_LEN], nm[NAME_LEN];
	snprintf(sch, sizeof sch, "%s", cl->ht_schema);
	snprintf(nm, sizeof nm, "%s", cl->ht_name);
	action_list_chunks(s->actions, sch, nm);
}

/* An action changed state: redraw; when one ends, poll at once so that
 * the panes show what it did, and list the chunks again when the screen
 * shows them. */
static void on_action(void *ud)
{
	struct app_server *s = ud;
	if (!s->actions) {           /* still being created */
		app_changed(s, APP_CH_ACTION);
		return;
	}
	enum action_state st = action_state(s->actions);
	bool ended = st == AST_DONE && s->act_state != AST_DONE;
	s->act_state = st;           /* before relisting: that notifies again */
	if (ended && s->engine && !engine_polling(s->engine))
		s->view.polling = engine_poll(s->engine);
	if (ended && s->chunks_open)
		relist_chunks(s);
	app_changed(s, APP_CH_ACTION);
}

void app_server_actions_start(struct app_server *s)
{
	struct action_config ac;
	action_config_default(&ac);
	ac.opt = &s->opt;
	ac.password = password_of(s);
	ac.read_only = s->opt.read_only;
	ac.monitor = s->engine ? engine_conn(s->engine) : NULL;
	ac.server = &s->snap.server;
	ac.log_path = s->opt.log_file;
	ac.server_name = s->a->nsrv > 1 ? s->name : NULL;   /* its records say which server */
	ac.on_change = on_action;
	ac.ud = s;
	s->act_state = AST_IDLE;
	s->chunks_open = false;
	s->actions = action_runner_new(s->a->loop, &ac);
}

/* ---- databases ----------------------------------------------------------------- */

static void on_dblist(void *ud)
{
	app_changed(ud, APP_CH_DBLIST);
}

int app_server_list_databases(struct app_server *s)
{
	if (!s->engine)
		return -1;
	return dblist_fetch(s->a->loop, engine_conn(s->engine), &s->opt, password_of(s), &s->dbl, on_dblist, s);
}

/* Close the engine and the action runner and connect again to dbname. */
int app_server_switch_db(struct app_server *s, const char *dbname)
{
	if (!dbname || !*dbname || strlen(dbname) >= sizeof s->db_override)
		return -1;
	dblist_cancel(&s->dbl);
	/* the engine first: its queries on the monitor end before the runner goes */
	engine_free(s->engine);
	s->engine = NULL;
	action_runner_free(s->actions);
	s->actions = NULL;
	snapshot_free(&s->snap);
	memset(&s->snap, 0, sizeof s->snap);
	if (s->trends)
		trends_init(s->trends);
	snprintf(s->db_override, sizeof s->db_override, "%s", dbname);
	s->opt.dbname = s->db_override;
	s->view.polling = false;
	s->view.down_since = 0;
	s->view.recovered_at = 0;
	s->conn_msg[0] = '\0';
	s->view.conn_state = CONN_CONNECTING;
	s->engine = engine_open(s);
	if (!s->engine)
		return -1;
	app_server_actions_start(s);
	app_changed(s, APP_CH_DATA | APP_CH_CONN | APP_CH_ACTION);
	return 0;
}

/* ---- polling ----------------------------------------------------------------------- */

/* Poll now; quiet: no notice (the overview refreshes every server). */
int app_server_refresh(struct app_server *s, bool quiet)
{
	if (!s->engine)
		return -1;
	int rc = 0;
	if (engine_poll(s->engine)) {
		s->view.polling = true;
		if (!quiet)
			app_notice(s, "refreshing");
	} else {
		if (!quiet)
			app_notice(s, engine_polling(s->engine) ? "a poll is already running"
								: "not connected: refresh when the server is back");
		rc = -1;
	}
	app_changed(s, APP_CH_DATA);
	return rc;
}

void app_server_poll(struct app_server *s)
{
	if (s->engine && !s->a->paused && !engine_polling(s->engine))
		s->view.polling = engine_poll(s->engine);
}

void app_server_state_tick(struct app_server *s)
{
	struct conn *cn = s->engine ? engine_conn(s->engine) : NULL;
	double stalled = cn ? conn_busy_for(cn) : 0;
	double backoff = cn ? conn_backoff_left(cn) : 0;
	if (cn)
		s->view.conn_state = conn_state(cn);
	if (fabs(stalled - s->view.stalled_for) >= 0.5 || fabs(backoff - s->view.backoff_left) >= 0.5) {
		s->view.stalled_for = stalled;
		s->view.backoff_left = backoff;
		app_changed(s, APP_CH_CONN);
	}
}

/* ---- start-up --------------------------------------------------------------- */

/* psql's prompt: read a password from the terminal without echo. */
static int prompt_password(char *buf, size_t n)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return -1;
	struct termios old, noecho;
	int fd = fileno(tty);
	fputs("Password: ", tty);
	fflush(tty);
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &noecho);
	}
	char *ok = fgets(buf, (int)n, tty);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0) {
		/* the newline is cosmetic */
	}
	fclose(tty);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* First connection before the screen opens: a clear error (and a password
 * prompt when the server asks for one) instead of a console that only
 * says "reconnecting". */
int app_server_first_connect(struct app_server *s)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		s->first_done = s->first_failed = false;
		s->engine = engine_open(s);
		if (!s->engine) {
			fprintf(stderr, "tsdbtop: out of memory\n");
			return 1;
		}
		while (!s->first_done)
			ev_run(s->a->loop, EVRUN_ONCE);
		if (!s->first_failed)
			return 0;
		if (s->opt.kiosk && !conn_needs_password(engine_conn(s->engine)))
			return 0;            /* kiosk: the screen comes up and keeps trying */
		bool ask = conn_needs_password(engine_conn(s->engine)) && !s->password[0] && attempt == 0;
		if (!ask) {
			fprintf(stderr, "tsdbtop: cannot connect: %s\n", s->conn_msg);
			return 1;
		}
		engine_free(s->engine);
		s->engine = NULL;
		if (prompt_password(s->password, sizeof s->password) != 0) {
			fprintf(stderr, "tsdbtop: a password is needed and there is no terminal to ask on\n");
			return 1;
		}
	}
	return 1;
}

void app_server_start(struct app_server *s)
{
	s->view.conn_state = CONN_CONNECTING;
	s->engine = engine_open(s);
	if (!s->engine) {
		s->view.conn_state = CONN_FAILED;
		snprintf(s->conn_msg, sizeof s->conn_msg, "cannot start: out of memory or bad connection options");
	}
}

int app_server_init(struct app_server *s, struct app *a, int index, const struct fleet_target *t)
{
	s->a = a;
	s->index = index;
	snprintf(s->name, sizeof s->name, "%s", t->name);
	s->opt = t->opt;
	s->view.opt = &s->opt;
	s->view.snap = &s->snap;
	s->view.conn_msg = s->conn_msg;
	s->view.dbl = &s->dbl;
	s->view.server_name = s->name;
	s->view.server_index = index;
	s->view.interval = a->interval;
	s->trends = calloc(1, sizeof *s->trends);   /* ~0.5 MB: not on the stack */
	if (s->trends)
		trends_init(s->trends);
	s->view.trends = s->trends;
	return 0;
}

void app_server_free(struct app_server *s)
{
	dblist_cancel(&s->dbl);      /* the databases' checks, if any are still running */
	engine_free(s->engine);      /* before the runner: its queries on the monitor end first */
	s->engine = NULL;
	action_runner_free(s->actions);
	s->actions = NULL;
	snapshot_free(&s->snap);
	free(s->trends);
	s->trends = NULL;
	memset(s->password, 0, sizeof s->password);
}
