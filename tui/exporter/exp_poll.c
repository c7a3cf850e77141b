/* exp_poll — the loop side of the exporter: per server one engine (its
 * own connection, reconnecting with backoff) and one ev_timer; a poll per
 * interval, never two at once (engine_poll refuses while one runs: the
 * tick is counted as skipped). Callbacks only mark; the step watcher
 * (ev_prepare) starts the polls that are due and renders the servers that
 * changed into their spare text, then swaps it in (exp_store). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/engine.h"
#include "tsdbtop/sanitize.h"

#include "exp_int.h"

/* ---- callbacks: marks only ---- */

static void on_update(void *ud)
{
	struct exp_server *s = ud;
	s->polls++;
	s->polled_at = ev_time();
	s->up = true;
	s->dirty = true;
}

static void on_probed(void *ud)
{
	struct exp_server *s = ud;
	s->due = true;                 /* the first poll at once */
}

static void on_conn(enum conn_state st, const char *msg, void *ud)
{
	struct exp_server *s = ud;
	if (st != CONN_BACKOFF && st != CONN_FAILED)
		return;
	s->up = false;
	s->dirty = true;
	snprintf(s->conn_msg, sizeof s->conn_msg, "%s", msg && *msg ? msg : "connection lost");
}

static void on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	((struct exp_server *)w->data)->due = true;
}

/* ---- the step: polls and renders ---- */

static void say_changes(struct exp_server *s)
{
	char clean[300];
	if (s->conn_msg[0] && !s->lost_said) {
		sanitize_text(clean, sizeof clean, s->conn_msg);
		fprintf(stderr, "tsdbtop exporter: %s: %s (tsdbtop_up 0; reconnecting)\n", s->name, clean);
		s->lost_said = true;
	}
	if (s->up) {
		s->lost_said = false;
		s->conn_msg[0] = '\0';
	}
	int dropped = s->spare ? s->spare->dropped : 0;
	if (dropped > 0 && dropped != s->dropped_said)
		fprintf(stderr, "tsdbtop exporter: %s: %d series left out (--max-series %d; "
				"tsdbtop_series_dropped says how many)\n", s->name, dropped, s->x->max_series);
	s->dropped_said = dropped;
}

static void publish(struct exp_server *s)
{
	bool up = s->up && engine_probed(s->engine);
	struct prom_server ps = { .name = s->name, .up = up, .polled_at = s->polls ? s->polled_at : NAN,
				  .poll_s = s->snap.poll_ms / 1000.0, .polls = s->polls, .skipped = s->skipped,
				  .max_series = s->x->max_series };
	if (prom_render(s->spare, s->polls ? &s->snap : NULL, &ps) != 0) {
		fprintf(stderr, "tsdbtop exporter: %s: out of memory rendering the metrics\n", s->name);
		return;
	}
	say_changes(s);
	exp_store_swap(&s->x->store, s->idx, &s->spare);
}

/* Render first: a poll started writes into the snapshot as answers come. */
static void step_server(struct exp_server *s)
{
	if (s->dirty) {
		s->dirty = false;
		publish(s);
	}
	if (s->due) {
		s->due = false;
		if (!engine_poll(s->engine) && engine_polling(s->engine))
			s->skipped++;
	}
}

static void on_step(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)revents;
	struct exporter *x = w->data;
	if (x->stop) {
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	for (int i = 0; i < x->n; i++)
		step_server(&x->srv[i]);
}

/* ---- start and stop ---- */

static int server_start(struct exporter *x, int i, char *err, size_t n)
{
	static const struct engine_callbacks cbs = { .on_update = on_update, .on_probed = on_probed,
						     .on_conn = on_conn };
	struct exp_server *s = &x->srv[i];
	const struct fleet_target *t = &x->fleet.t[i];
	s->x = x;
	s->idx = i;
	memcpy(s->name, t->name, sizeof s->name);
	s->opt = t->opt;
	s->opt.read_only = true;
	s->opt.interval = x->interval;
	s->opt.conninfo = s->conninfo;     /* exp_poll_prepare */
	s->opt.targets[0] = s->conninfo;
	s->spare = calloc(1, sizeof *s->spare);
	s->engine = s->spare ? engine_new(x->loop, &s->opt, &s->snap, &x->th, &cbs, s, true, NULL) : NULL;
	if (!s->engine) {
		snprintf(err, n, "%s: cannot start its connection (out of memory or bad options)", t->name);
		return -1;
	}
	ev_timer_init(&s->tick, on_tick, x->interval, x->interval);
	s->tick.data = s;
	ev_timer_start(x->loop, &s->tick);
	s->dirty = true;                   /* publish "up 0" before the first poll */
	return 0;
}

int exp_poll_prepare(struct exporter *x, char *err, size_t n)
{
	char why[300], what[CONFIG_LINE_MAX];
	for (int i = 0; i < x->fleet.n; i++) {
		const struct fleet_target *t = &x->fleet.t[i];
		x->srv[i].conninfo = exp_ro_conninfo(t->conninfo, why, sizeof why);
		if (x->srv[i].conninfo)
			continue;
		if (t->named || !t->conninfo)
			snprintf(what, sizeof what, "%s", t->name);
		else    /* as given, its password masked */
			config_mask_conninfo(what, sizeof what, t->conninfo);
		snprintf(err, n, "'%s': %s%s", what, why, t->named || !t->conninfo ? "" :
			 " (nor is it a [server NAME] of the configuration)");
		return -1;
	}
	return 0;
}

int exp_poll_start(struct exporter *x, char *err, size_t n)
{
	x->n = 0;
	for (int i = 0; i < x->fleet.n; i++) {
		x->n = i + 1;
		if (server_start(x, i, err, n) != 0)
			return -1;
		step_server(&x->srv[i]);
	}
	ev_prepare_init(&x->step, on_step);
	x->step.data = x;
	ev_prepare_start(x->loop, &x->step);
	return 0;
}

void exp_poll_free_conninfo(struct exporter *x)
{
	for (int i = 0; i < x->fleet.n; i++) {
		free(x->srv[i].conninfo);
		x->srv[i].conninfo = NULL;
	}
}

void exp_poll_stop(struct exporter *x)
{
	ev_prepare_stop(x->loop, &x->step);
	for (int i = 0; i < x->n; i++) {
		struct exp_server *s = &x->srv[i];
		ev_timer_stop(x->loop, &s->tick);
		engine_free(s->engine);
		s->engine = NULL;
		snapshot_free(&s->snap);
		if (s->spare)
			prom_text_free(s->spare);
		free(s->spare);
		s->spare = NULL;
	}
	exp_poll_free_conninfo(x);
}
