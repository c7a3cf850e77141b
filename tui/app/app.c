/* app — the console: one state struct, the poll timer, the engine and the
 * screen wired together. Callbacks only update state and mark the screen
 * dirty; the UI draws once per loop pass. */
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
#include "tsdbtop/trend.h"
#include "tsdbtop/ui.h"

struct console {
	struct app a;
	ev_timer poll_timer;
	ev_timer state_timer;
	bool first_done;        /* initial connection attempt finished */
	bool first_failed;
	enum action_state act_state;   /* last seen, to poll once an action ends */
	char password[256];
};

static struct console *of(struct app *a)
{
	return (struct console *)a;
}

static void mark(struct app *a)
{
	if (a->ui)
		ui_mark_dirty(a->ui);
}

/* ---- commands (UI -> app) ------------------------------------------------ */

void app_refresh_now(struct app *a)
{
	if (!a->engine)
		return;
	if (engine_poll(a->engine)) {
		a->polling = true;
		if (a->ui)
			ui_notice(a->ui, "refreshing");
	} else if (a->ui) {
		ui_notice(a->ui, engine_polling(a->engine) ? "a poll is already running"
							   : "not connected: refresh when the server is back");
	}
	mark(a);
}

void app_set_interval(struct app *a, double seconds)
{
	if (!(seconds >= 0.2) || seconds > 3600)
		return;
	struct console *c = of(a);
	a->interval = seconds;
	c->poll_timer.repeat = seconds;
	ev_timer_again(a->loop, &c->poll_timer);
	mark(a);
}

void app_toggle_pause(struct app *a)
{
	a->paused = !a->paused;
	mark(a);
}

void app_quit(struct app *a, int code)
{
	a->quit = true;
	a->exit_code = code;
	ev_break(a->loop, EVBREAK_ALL);
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
	a->polling = false;
	a->polls_done++;
	if (a->trends)
		trends_record(a->trends, &a->snap);
	if (a->opt.polls > 0 && a->polls_done >= a->opt.polls)
		app_quit(a, 0);     /* --polls N */
	mark(a);
}

static void on_probed(void *ud)
{
	struct app *a = ud;
	struct console *c = of(a);
	c->first_done = true;
	a->conn_msg[0] = '\0';
	if (a->down_since > 0) {     /* back after an outage: the banner says for how long */
		a->recovered_at = wall_now();
		a->last_outage_s = a->recovered_at - a->down_since;
		a->down_since = 0;
	}
	a->reconnect_attempts = 0;
	if (!a->paused)
		a->polling = engine_poll(a->engine);
	mark(a);
}

static void on_conn(enum conn_state st, const char *msg, void *ud)
{
	struct app *a = ud;
	struct console *c = of(a);
	/* READY <-> BUSY flips around every query of a poll and looks the same
	 * on screen: redrawing then showed half-updated polls, one pane title at
	 * a time (make bench: bytes per refresh) */
	bool same = (st == CONN_READY || st == CONN_BUSY) &&
		    (a->conn_state == CONN_READY || a->conn_state == CONN_BUSY) && !(msg && *msg);
	a->conn_state = st;
	if (msg && *msg)     /* reason first: the status line cuts the rest */
		sanitize_pg_error(a->conn_msg, sizeof a->conn_msg, msg);
	if ((st == CONN_BACKOFF || st == CONN_FAILED) && !c->first_done) {
		c->first_done = true;
		c->first_failed = true;
	}
	if (st == CONN_BACKOFF || st == CONN_FAILED) {
		a->polling = false;
		if (a->down_since <= 0)
			a->down_since = wall_now();
	}
	if (st == CONN_CONNECTING && a->down_since > 0)
		a->reconnect_attempts++;
	if (!same)
		mark(a);
}

/* An action changed state: redraw; when one ends, poll at once so that
 * the panes show what it did. */
static void on_action(void *ud)
{
	struct app *a = ud;
	struct console *c = of(a);
	if (!a->actions) {           /* still being created */
		mark(a);
		return;
	}
	enum action_state st = action_state(a->actions);
	if (st == AST_DONE && c->act_state != AST_DONE && !engine_polling(a->engine))
		a->polling = engine_poll(a->engine);
	c->act_state = st;
	mark(a);
}

static void actions_start(struct console *c)
{
	struct app *a = &c->a;
	struct action_config ac;
	action_config_default(&ac);
	ac.opt = &a->opt;
	ac.password = c->password[0] ? c->password : NULL;
	ac.read_only = a->opt.read_only;
	ac.monitor = engine_conn(a->engine);
	ac.server = &a->snap.server;
	ac.log_path = a->opt.log_file;
	ac.on_change = on_action;
	ac.ud = a;
	a->actions = action_runner_new(a->loop, &ac);
}

static const struct engine_callbacks engine_cbs;

static void on_dblist(void *ud)
{
	mark(ud);
}

int app_list_databases(struct app *a)
{
	if (!a->engine)
		return -1;
	struct console *c = of(a);
	return dblist_fetch(a->loop, engine_conn(a->engine), &a->opt, c->password[0] ? c->password : NULL, &a->dbl,
			    on_dblist, a);
}

int app_switch_database(struct app *a, const char *dbname)
{
	struct console *c = of(a);
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
	a->polling = false;
	a->down_since = 0;
	a->recovered_at = 0;
	a->conn_msg[0] = '\0';
	a->conn_state = CONN_CONNECTING;
	a->engine = engine_new(a->loop, &a->opt, &a->snap, &a->th, &engine_cbs, a, true,
			       c->password[0] ? c->password : NULL);
	if (!a->engine)
		return -1;
	actions_start(c);
	mark(a);
	return 0;
}

/* ---- timers ---------------------------------------------------------------- */

static void poll_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct app *a = w->data;
	if (a->engine && !a->paused && !engine_polling(a->engine))
		a->polling = engine_poll(a->engine);
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
		a->conn_state = conn_state(cn);
	if (fabs(stalled - a->stalled_for) >= 0.5 || fabs(backoff - a->backoff_left) >= 0.5) {
		a->stalled_for = stalled;
		a->backoff_left = backoff;
		mark(a);
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
static int first_connect(struct console *c)
{
	struct app *a = &c->a;
	for (int attempt = 0; attempt < 2; attempt++) {
		c->first_done = c->first_failed = false;
		a->engine = engine_new(a->loop, &a->opt, &a->snap, &a->th, &engine_cbs, a, true,
				       c->password[0] ? c->password : NULL);
		if (!a->engine) {
			fprintf(stderr, "tsdbtop: out of memory\n");
			return 1;
		}
		while (!c->first_done)
			ev_run(a->loop, EVRUN_ONCE);
		if (!c->first_failed)
			return 0;
		if (a->opt.kiosk && !conn_needs_password(engine_conn(a->engine)))
			return 0;            /* kiosk: the screen comes up and keeps trying */
		bool ask = conn_needs_password(engine_conn(a->engine)) && !c->password[0] && attempt == 0;
		if (!ask) {
			fprintf(stderr, "tsdbtop: cannot connect: %s\n", a->conn_msg);
			return 1;
		}
		engine_free(a->engine);
		a->engine = NULL;
		if (prompt_password(c->password, sizeof c->password) != 0) {
			fprintf(stderr, "tsdbtop: a password is needed and there is no terminal to ask on\n");
			return 1;
		}
	}
	return 1;
}

static void console_free(struct console *c)
{
	struct app *a = &c->a;
	ev_timer_stop(a->loop, &c->poll_timer);
	ev_timer_stop(a->loop, &c->state_timer);
	ui_free(a->ui);
	a->ui = NULL;
	dblist_cancel(&a->dbl);      /* the databases' checks, if any are still running */
	engine_free(a->engine);      /* before the runner: its queries on the monitor end first */
	a->engine = NULL;
	action_runner_free(a->actions);
	a->actions = NULL;
	snapshot_free(&a->snap);
	free(a->trends);
	a->trends = NULL;
	memset(c->password, 0, sizeof c->password);
	free(c);
}

int app_run_console(const struct options *o)
{
	struct console *c = calloc(1, sizeof *c);
	if (!c)
		return 1;
	struct app *a = &c->a;
	a->loop = EV_DEFAULT;
	a->opt = *o;
	a->interval = o->interval;
	thresholds_default(&a->th);
	if (o->config)
		a->th = o->config->th;   /* the configuration file's thresholds */
	a->trends = calloc(1, sizeof *a->trends);   /* ~0.5 MB: not on the stack */
	if (a->trends)
		trends_init(a->trends);
	if (first_connect(c) != 0) {
		console_free(c);
		return 1;
	}
	actions_start(c);
	a->ui = ui_new(a);
	if (!a->ui) {
		console_free(c);
		return 1;
	}
	ev_timer_init(&c->poll_timer, poll_tick, a->interval, a->interval);
	c->poll_timer.data = a;
	ev_timer_start(a->loop, &c->poll_timer);
	ev_timer_init(&c->state_timer, state_tick, 0.25, 0.25);
	c->state_timer.data = a;
	ev_timer_start(a->loop, &c->state_timer);
	mark(a);
	while (!a->quit)
		ev_run(a->loop, 0);
	int rc = a->exit_code;
	console_free(c);
	return rc;
}
