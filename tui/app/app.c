/* app — the console controller: one state struct, the poll timer, the
 * engine and the action runner. Callbacks only update state and tell the
 * screen what changed (through the callbacks it registered); the screen
 * draws once per loop pass and sends commands through app_command. */
#include "tsdbtop/app.h"

#include <ev.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/action.h"
#include "tsdbtop/config.h"
#include "tsdbtop/engine.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/thresholds.h"
#include "tsdbtop/trend.h"

struct app {
	struct ev_loop *loop;
	struct options opt;
	struct thresholds th;
	struct snapshot snap;          /* the model: last data of every pane */
	struct engine *engine;         /* db side (polling) */
	struct action_runner *actions; /* operator actions (db side, see action.h) */
	struct trends *trends;         /* history of key figures (calloc'd; may be NULL) */
	struct dblist dbl;             /* the server's databases (D) */
	/* the state the screen may read: interval, pause, polling, quit, the
	 * connection and its outages are kept in the view itself; app_view
	 * adds the action runner's */
	struct app_view view;
	struct app_view_ops ops;       /* the screen's callbacks */
	bool have_ops;
	long polls_done;               /* polls completed (--polls N quits at N) */
	int exit_code;
	char conn_msg[256];            /* view.conn_msg */
	char db_override[128];         /* database chosen with D ("" = as started) */
	ev_timer poll_timer, state_timer;
	bool first_done;               /* initial connection attempt finished */
	bool first_failed;
	enum action_state act_state;   /* last seen, to poll once an action ends */
	bool chunks_open;              /* the screen shows the chunk list (CMD_OPEN .. CMD_CLOSE) */
	char password[256];
};

static void changed(struct app *a, unsigned what)
{
	if (a->have_ops && a->ops.changed)
		a->ops.changed(a->ops.ud, what);
}

static void notice(struct app *a, const char *msg)
{
	if (a->have_ops && a->ops.notice)
		a->ops.notice(a->ops.ud, msg);
}

static const char *password_of(const struct app *a)
{
	return a->password[0] ? a->password : NULL;
}

/* ---- the view ------------------------------------------------------------- */

static void view_actions(struct app *a, struct app_view *v)
{
	struct action_runner *r = a->actions;
	v->actions = r != NULL;
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

const struct app_view *app_view(struct app *a)
{
	view_actions(a, &a->view);
	return &a->view;
}

void app_set_view_ops(struct app *a, const struct app_view_ops *ops)
{
	a->have_ops = ops != NULL;
	if (ops)
		a->ops = *ops;
	else
		memset(&a->ops, 0, sizeof a->ops);
}

struct ev_loop *app_loop(const struct app *a)
{
	return a->loop;
}

/* ---- commands: polling ----------------------------------------------------- */

static void quit(struct app *a, int code)
{
	a->view.quit = true;
	a->exit_code = code;
	ev_break(a->loop, EVBREAK_ALL);
}

static int refresh_now(struct app *a)
{
	if (!a->engine)
		return -1;
	int rc = 0;
	if (engine_poll(a->engine)) {
		a->view.polling = true;
		notice(a, "refreshing");
	} else {
		notice(a, engine_polling(a->engine) ? "a poll is already running"
						    : "not connected: refresh when the server is back");
		rc = -1;
	}
	changed(a, APP_CH_DATA);
	return rc;
}

static int set_interval(struct app *a, double seconds)
{
	if (!(seconds >= 0.2) || seconds > 3600)
		return -1;
	a->view.interval = seconds;
	a->poll_timer.repeat = seconds;
	ev_timer_again(a->loop, &a->poll_timer);
	changed(a, APP_CH_DATA);
	return 0;
}

/* ---- engine callbacks ---------------------------------------------------- */

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_update(void *ud)
{
	struct app *a = ud;
	a->view.polling = false;
	a->polls_done++;
	if (a->trends)
		trends_record(a->trends, &a->snap);
	if (a->opt.polls > 0 && a->polls_done >= a->opt.polls)
		quit(a, 0);     /* --polls N */
	changed(a, APP_CH_DATA);
}

static void on_probed(void *ud)
{
	struct app *a = ud;
	a->first_done = true;
	a->conn_msg[0] = '\0';
	if (a->view.down_since > 0) {     /* back after an outage: the banner says for how long */
		a->view.recovered_at = wall_now();
		a->view.last_outage_s = a->view.recovered_at - a->view.down_since;
		a->view.down_since = 0;
	}
	a->view.reconnect_attempts = 0;
	if (!a->view.paused)
		a->view.polling = engine_poll(a->engine);
	changed(a, APP_CH_DATA | APP_CH_CONN);
}

static void on_conn(enum conn_state st, const char *msg, void *ud)
{
	struct app *a = ud;
	/* READY <-> BUSY flips around every query of a poll and looks the same
	 * on screen: redrawing then showed half-updated polls, one pane title at
	 * a time (make bench: bytes per refresh) */
	bool same = (st == CONN_READY || st == CONN_BUSY) &&
		    (a->view.conn_state == CONN_READY || a->view.conn_state == CONN_BUSY) && !(msg && *msg);
	a->view.conn_state = st;
	if (msg && *msg)     /* reason first: the status line cuts the rest */
		sanitize_pg_error(a->conn_msg, sizeof a->conn_msg, msg);
	if ((st == CONN_BACKOFF || st == CONN_FAILED) && !a->first_done) {
		a->first_done = true;
		a->first_failed = true;
	}
	if (st == CONN_BACKOFF || st == CONN_FAILED) {
		a->view.polling = false;
		if (a->view.down_since <= 0)
			a->view.down_since = wall_now();
	}
	if (st == CONN_CONNECTING && a->view.down_since > 0)
		a->view.reconnect_attempts++;
	if (!same)
		changed(a, APP_CH_CONN);
}

/* Ask again for the chunks of the listed hypertable (after an action:
 * show what changed). The names are copied first: the list is rewritten. */
static void relist_chunks(struct app *a)
{
	const struct chunk_list *cl = action_chunks(a->actions);
	char sch[NAME_LEN], nm[NAME_LEN];
	snprintf(sch, sizeof sch, "%s", cl->ht_schema);
	snprintf(nm, sizeof nm, "%s", cl->ht_name);
	action_list_chunks(a->actions, sch, nm);
}

/* An action changed state: redraw; when one ends, poll at once so that
 * the panes show what it did, and list the chunks again when the screen
 * shows them. */
static void on_action(void *ud)
{
	struct app *a = ud;
	if (!a->actions) {           /* still being created */
		changed(a, APP_CH_ACTION);
		return;
	}
	enum action_state st = action_state(a->actions);
	bool ended = st == AST_DONE && a->act_state != AST_DONE;
	a->act_state = st;           /* before relisting: that notifies again */
	if (ended && !engine_polling(a->engine))
		a->view.polling = engine_poll(a->engine);
	if (ended && a->chunks_open)
		relist_chunks(a);
	changed(a, APP_CH_ACTION);
}

static void actions_start(struct app *a)
{
	struct action_config ac;
	action_config_default(&ac);
	ac.opt = &a->opt;
	ac.password = password_of(a);
	ac.read_only = a->opt.read_only;
	ac.monitor = engine_conn(a->engine);
	ac.server = &a->snap.server;
	ac.log_path = a->opt.log_file;
	ac.on_change = on_action;
	ac.ud = a;
	a->act_state = AST_IDLE;
	a->chunks_open = false;
	a->actions = action_runner_new(a->loop, &ac);
}

static const struct engine_callbacks engine_cbs;

/* ---- commands: databases --------------------------------------------------- */

static void on_dblist(void *ud)
{
	changed(ud, APP_CH_DBLIST);
}

static int list_databases(struct app *a)
{
	if (!a->engine)
		return -1;
	return dblist_fetch(a->loop, engine_conn(a->engine), &a->opt, password_of(a), &a->dbl, on_dblist, a);
}

/* Close the engine and the action runner and connect again to dbname. */
static int switch_database(struct app *a, const char *dbname)
{
	if (!dbname || !*dbname || strlen(dbname) >= sizeof a->db_override)
		return -1;
	dblist_cancel(&a->dbl);
	/* the engine first: its queries on the monitor end before the runner goes */
	engine_free(a->engine);
	a->engine = NULL;
	action_runner_free(a->actions);
	a->actions = NULL;
	snapshot_free(&a->snap);
	memset(&a->snap, 0, sizeof a->snap);
	if (a->trends)
		trends_init(a->trends);
	snprintf(a->db_override, sizeof a->db_override, "%s", dbname);
	a->opt.dbname = a->db_override;
	a->view.polling = false;
	a->view.down_since = 0;
	a->view.recovered_at = 0;
	a->conn_msg[0] = '\0';
	a->view.conn_state = CONN_CONNECTING;
	a->engine = engine_new(a->loop, &a->opt, &a->snap, &a->th, &engine_cbs, a, true, password_of(a));
	if (!a->engine)
		return -1;
	actions_start(a);
	changed(a, APP_CH_DATA | APP_CH_CONN | APP_CH_ACTION);
	return 0;
}

/* ---- commands: actions ------------------------------------------------------- */

static bool act_running(const struct app *a)
{
	enum action_state st = a->actions ? action_state(a->actions) : AST_IDLE;
	return st == AST_RUNNING || st == AST_STOPPING;
}

static enum action_kind command_kind(enum command c)
{
	switch (c) {
	case CMD_ACT_COMPRESS: return ACT_COMPRESS;
	case CMD_ACT_DECOMPRESS: return ACT_DECOMPRESS_CHUNK;
	case CMD_ACT_REFRESH: return ACT_REFRESH;
	case CMD_ACT_RETENTION: return ACT_RETENTION;
	case CMD_ACT_MAINTENANCE: return ACT_MAINTENANCE;
	case CMD_JOB_RUN: return ACT_JOB_RUN;
	case CMD_JOB_PAUSE: return ACT_JOB_PAUSE;
	case CMD_JOB_RESUME: return ACT_JOB_RESUME;
	default: return ACT_NONE;
	}
}

const char *app_command_unavailable(struct app *a, enum command c, char *why, size_t n)
{
	enum action_kind k = command_kind(c);
	if (k == ACT_NONE)
		return NULL;
	return action_unavailable(k, &a->snap.server, a->opt.read_only, why, n);
}

static void skip_step(struct action_runner *r, int i)
{
	const struct action_plan *p = action_current(r);
	if (i >= 0 && i < p->nsteps)
		action_skip(r, i, p->steps[i].state != STEP_SKIPPED);
}

/* The commands of the action dialog and the runner; -2: not one of them. */
static int action_command(struct app *a, enum command c, const struct app_arg *arg)
{
	struct action_runner *r = a->actions;
	switch (c) {
	case CMD_DIALOG_YES:
		return r ? action_confirm(r, arg ? arg->text : NULL) : -1;
	case CMD_DIALOG_NO:
		if (r)
			action_dismiss(r);
		return r ? 0 : -1;
	case CMD_DIALOG_SKIP:
		if (r && arg)
			skip_step(r, arg->index);
		return r && arg ? 0 : -1;
	case CMD_DIALOG_WINDOW:
		if (!r || !arg)
			return -1;
		action_dismiss(r);
		return action_prepare(r, &arg->rq);
	case CMD_ACT_STOP:
		if (!act_running(a))
			return -1;
		action_stop(r);
		return 0;
	case CMD_OPEN:
		if (!r || !arg)
			return -1;
		a->chunks_open = true;
		return action_list_chunks(r, arg->rq.schema, arg->rq.name);
	case CMD_CLOSE:
		a->chunks_open = false;
		return 0;
	default:
		if (command_kind(c) == ACT_NONE)
			return -2;
		return r && arg ? action_prepare(r, &arg->rq) : -1;
	}
}

int app_command(struct app *a, enum command c, const struct app_arg *arg)
{
	switch (c) {
	case CMD_QUIT:
		quit(a, 0);
		return 0;
	case CMD_REFRESH:
		return refresh_now(a);
	case CMD_PAUSE:
		a->view.paused = !a->view.paused;
		changed(a, APP_CH_DATA);
		return 0;
	case CMD_INTERVAL_UP:
	case CMD_INTERVAL_DOWN:
		return set_interval(a, keymap_interval_step(a->view.interval, c == CMD_INTERVAL_UP ? 1 : -1));
	case CMD_DATABASES:
		return list_databases(a);
	case CMD_DB_SWITCH:
		return switch_database(a, arg ? arg->text : NULL);
	default: {
		int rc = action_command(a, c, arg);
		return rc == -2 ? -1 : rc;
	}
	}
}

/* ---- timers ---------------------------------------------------------------- */

static void poll_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct app *a = w->data;
	if (a->engine && !a->view.paused && !engine_polling(a->engine))
		a->view.polling = engine_poll(a->engine);
}

static void state_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct app *a = w->data;
	struct conn *cn = a->engine ? engine_conn(a->engine) : NULL;
	double stalled = cn ? conn_busy_for(cn) : 0;
	double backoff = cn ? conn_backoff_left(cn) : 0;
	if (cn)
		a->view.conn_state = conn_state(cn);
	if (fabs(stalled - a->view.stalled_for) >= 0.5 || fabs(backoff - a->view.backoff_left) >= 0.5) {
		a->view.stalled_for = stalled;
		a->view.backoff_left = backoff;
		changed(a, APP_CH_CONN);
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

static const struct engine_callbacks engine_cbs = {
	.on_update = on_update, .on_probed = on_probed, .on_conn = on_conn,
};

/* First connection before the screen opens: a clear error (and a password
 * prompt when the server asks for one) instead of a console that only
 * says "reconnecting". */
static int first_connect(struct app *a)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		a->first_done = a->first_failed = false;
		a->engine = engine_new(a->loop, &a->opt, &a->snap, &a->th, &engine_cbs, a, true, password_of(a));
		if (!a->engine) {
			fprintf(stderr, "tsdbtop: out of memory\n");
			return 1;
		}
		while (!a->first_done)
			ev_run(a->loop, EVRUN_ONCE);
		if (!a->first_failed)
			return 0;
		if (a->opt.kiosk && !conn_needs_password(engine_conn(a->engine)))
			return 0;            /* kiosk: the screen comes up and keeps trying */
		bool ask = conn_needs_password(engine_conn(a->engine)) && !a->password[0] && attempt == 0;
		if (!ask) {
			fprintf(stderr, "tsdbtop: cannot connect: %s\n", a->conn_msg);
			return 1;
		}
		engine_free(a->engine);
		a->engine = NULL;
		if (prompt_password(a->password, sizeof a->password) != 0) {
			fprintf(stderr, "tsdbtop: a password is needed and there is no terminal to ask on\n");
			return 1;
		}
	}
	return 1;
}

void app_free(struct app *a)
{
	if (!a)
		return;
	ev_timer_stop(a->loop, &a->poll_timer);
	ev_timer_stop(a->loop, &a->state_timer);
	a->have_ops = false;
	dblist_cancel(&a->dbl);      /* the databases' checks, if any are still running */
	engine_free(a->engine);      /* before the runner: its queries on the monitor end first */
	a->engine = NULL;
	action_runner_free(a->actions);
	a->actions = NULL;
	snapshot_free(&a->snap);
	free(a->trends);
	a->trends = NULL;
	memset(a->password, 0, sizeof a->password);
	free(a);
}

struct app *app_new(const struct options *o)
{
	struct app *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->loop = EV_DEFAULT;
	a->opt = *o;
	a->view.opt = &a->opt;
	a->view.snap = &a->snap;
	a->view.conn_msg = a->conn_msg;
	a->view.dbl = &a->dbl;
	a->view.interval = o->interval;
	thresholds_default(&a->th);
	if (o->config)
		a->th = o->config->th;   /* the configuration file's thresholds */
	a->trends = calloc(1, sizeof *a->trends);   /* ~0.5 MB: not on the stack */
	if (a->trends)
		trends_init(a->trends);
	a->view.trends = a->trends;
	ev_timer_init(&a->poll_timer, poll_tick, a->view.interval, a->view.interval);
	a->poll_timer.data = a;
	ev_timer_init(&a->state_timer, state_tick, 0.25, 0.25);
	a->state_timer.data = a;
	if (first_connect(a) != 0) {
		app_free(a);
		return NULL;
	}
	actions_start(a);
	return a;
}

int app_run(struct app *a)
{
	ev_timer_start(a->loop, &a->poll_timer);
	ev_timer_start(a->loop, &a->state_timer);
	changed(a, APP_CH_DATA | APP_CH_CONN);
	while (!a->view.quit)
		ev_run(a->loop, 0);
	return a->exit_code;
}
