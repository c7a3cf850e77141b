/* app — the console controller: one state struct, the poll timer, the
 * servers (each its own engine and action runner, tui/app/app_server.c).
 * Callbacks only update state and tell the screen what changed (through
 * the callbacks it registered); the screen draws once per loop pass and
 * sends commands through app_command, which act on the selected server. */
#include "tsdbtop/app.h"

#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/action.h"
#include "tsdbtop/engine.h"

#include "app_int.h"

void app_changed(struct app_server *s, unsigned what)
{
	struct app *a = s->a;
	if (s->index != a->sel)
		what = APP_CH_FLEET;     /* another server: only the overview shows it */
	else if (a->nsrv > 1)
		what |= APP_CH_FLEET;
	if (a->have_ops && a->ops.changed)
		a->ops.changed(a->ops.ud, what);
}

void app_notice(struct app_server *s, const char *msg)
{
	struct app *a = s->a;
	if (s->index == a->sel && a->have_ops && a->ops.notice)
		a->ops.notice(a->ops.ud, msg);
}

static struct app_server *cur(struct app *a)
{
	return &a->srv[a->sel];
}

/* ---- the view ------------------------------------------------------------- */

const struct app_view *app_server_view(struct app *a, int i)
{
	if (i < 0 || i >= a->nsrv)
		return NULL;
	app_server_view_actions(&a->srv[i]);
	return &a->srv[i].view;
}

const struct app_view *app_view(struct app *a)
{
	return app_server_view(a, a->sel);
}

int app_servers(const struct app *a)
{
	return a->nsrv;
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

void app_quit(struct app *a, int code)
{
	a->quit = true;
	a->exit_code = code;
	ev_break(a->loop, EVBREAK_ALL);
}

static void every_changed(struct app *a, unsigned what)
{
	app_changed(cur(a), what);
}

static int set_interval(struct app *a, double seconds)
{
	if (!(seconds >= 0.2) || seconds > 3600)
		return -1;
	a->interval = seconds;
	a->poll_timer.repeat = seconds;
	ev_timer_again(a->loop, &a->poll_timer);
	every_changed(a, APP_CH_DATA);
	return 0;
}

/* CMD_REFRESH: the selected server; arg->index < 0: every server. */
static int refresh(struct app *a, const struct app_arg *arg)
{
	if (!arg || arg->index >= 0)
		return app_server_refresh(cur(a), false);
	int started = 0;
	for (int i = 0; i < a->nsrv; i++)
		started += app_server_refresh(&a->srv[i], true) == 0;
	char msg[64];
	snprintf(msg, sizeof msg, "refreshing %d of %d servers", started, a->nsrv);
	if (a->have_ops && a->ops.notice)
		a->ops.notice(a->ops.ud, msg);
	return started ? 0 : -1;
}

/* Another server for the screen: CMD_SERVER_OPEN (arg->index),
 * CMD_SERVER_NEXT, CMD_SERVER_PREV. */
static int select_server(struct app *a, enum command c, const struct app_arg *arg)
{
	int to;
	if (c == CMD_SERVER_OPEN)
		to = arg ? arg->index : -1;
	else
		to = (a->sel + (c == CMD_SERVER_NEXT ? 1 : a->nsrv - 1)) % a->nsrv;
	if (to < 0 || to >= a->nsrv)
		return -1;
	a->sel = to;
	every_changed(a, APP_CH_DATA | APP_CH_CONN | APP_CH_ACTION | APP_CH_SERVER);
	return 0;
}

/* ---- commands: actions ------------------------------------------------------- */

static bool act_running(const struct app_server *s)
{
	enum action_state st = s->actions ? action_state(s->actions) : AST_IDLE;
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
	const struct app_server *s = cur(a);
	return action_unavailable(k, &s->snap.server, s->opt.read_only, why, n);
}

static void skip_step(struct action_runner *r, int i)
{
	const struct action_plan *p = action_current(r);
	if (i >= 0 && i < p->nsteps)
		action_skip(r, i, p->steps[i].state != STEP_SKIPPED);
}

/* The commands of the action dialog and the runner (the selected server's
 * own); -2: not one of them. */
static int action_command(struct app_server *s, enum command c, const struct app_arg *arg)
{
	struct action_runner *r = s->actions;
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
		if (!act_running(s))
			return -1;
		action_stop(r);
		return 0;
	case CMD_OPEN:
		if (!r || !arg)
			return -1;
		s->chunks_open = true;
		return action_list_chunks(r, arg->rq.schema, arg->rq.name);
	case CMD_CLOSE:
		s->chunks_open = false;
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
		app_quit(a, 0);
		return 0;
	case CMD_REFRESH:
		return refresh(a, arg);
	case CMD_PAUSE:
		a->paused = !a->paused;
		every_changed(a, APP_CH_DATA);
		return 0;
	case CMD_INTERVAL_UP:
	case CMD_INTERVAL_DOWN:
		return set_interval(a, keymap_interval_step(a->interval, c == CMD_INTERVAL_UP ? 1 : -1));
	case CMD_DATABASES:
		return app_server_list_databases(cur(a));
	case CMD_DB_SWITCH:
		return app_server_switch_db(cur(a), arg ? arg->text : NULL);
	case CMD_SERVER_OPEN:
	case CMD_SERVER_NEXT:
	case CMD_SERVER_PREV:
		return select_server(a, c, arg);
	default: {
		int rc = action_command(cur(a), c, arg);
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
	for (int i = 0; i < a->nsrv; i++)
		app_server_poll(&a->srv[i]);
}

static void state_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct app *a = w->data;
	for (int i = 0; i < a->nsrv; i++)
		app_server_state_tick(&a->srv[i]);
}

/* ---- start-up --------------------------------------------------------------- */

void app_free(struct app *a)
{
	if (!a)
		return;
	ev_timer_stop(a->loop, &a->poll_timer);
	ev_timer_stop(a->loop, &a->state_timer);
	a->have_ops = false;
	for (int i = 0; i < a->nsrv; i++)
		app_server_free(&a->srv[i]);
	free(a->srv);
	free(a);
}

/* The servers: one (the console as it always was: the first connection
 * before the screen, exit 1 when it fails) or several (each started at
 * once; the overview says how each is doing). */
static int servers_start(struct app *a)
{
	for (int i = 0; i < a->nsrv; i++)
		app_server_init(&a->srv[i], a, i, &a->fleet.t[i]);
	if (a->nsrv == 1) {
		if (app_server_first_connect(&a->srv[0]) != 0)
			return 1;
	} else {
		for (int i = 0; i < a->nsrv; i++)
			app_server_start(&a->srv[i]);
	}
	for (int i = 0; i < a->nsrv; i++) {
		a->srv[i].view.nservers = a->nsrv;
		app_server_actions_start(&a->srv[i]);
	}
	return 0;
}

struct app *app_new(const struct options *o)
{
	struct app *a = calloc(1, sizeof *a);
	char err[256];
	if (!a)
		return NULL;
	a->loop = EV_DEFAULT;
	a->interval = o->interval;
	thresholds_default(&a->th);
	if (o->config)
		a->th = o->config->th;   /* the configuration file's thresholds */
	if (fleet_build(&a->fleet, o, err, sizeof err) != 0) {
		fprintf(stderr, "tsdbtop: %s\n", err);
		free(a);
		return NULL;
	}
	a->nsrv = a->fleet.n;
	a->srv = calloc((size_t)a->nsrv, sizeof *a->srv);
	ev_timer_init(&a->poll_timer, poll_tick, a->interval, a->interval);
	a->poll_timer.data = a;
	ev_timer_init(&a->state_timer, state_tick, 0.25, 0.25);
	a->state_timer.data = a;
	if (!a->srv || servers_start(a) != 0) {
		app_free(a);
		return NULL;
	}
	return a;
}

int app_run(struct app *a)
{
	ev_timer_start(a->loop, &a->poll_timer);
	ev_timer_start(a->loop, &a->state_timer);
	every_changed(a, APP_CH_DATA | APP_CH_CONN);
	while (!a->quit)
		ev_run(a->loop, 0);
	return a->exit_code;
}
