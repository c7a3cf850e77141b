/* ui_log — the action log overlay (l): the runner's memory ring of events
 * over the lower third of the screen. Not modal: keys other than l and
 * Esc fall through to the panes below it. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/actlog.h"
#include "tsdbtop/sanitize.h"
#include "ui_int.h"

static enum theme_role event_role(const char *event)
{
	if (strcmp(event, "error") == 0 || strcmp(event, "failed") == 0)
		return ROLE_CRITICAL;
	if (strcmp(event, "refused") == 0 || strcmp(event, "stop") == 0 || strcmp(event, "stopped") == 0)
		return ROLE_WARNING;
	return ROLE_NORMAL;
}

static void entry_line(const struct ui *u, const struct actlog_entry *e, char *line, size_t n)
{
	char ts[16], d[32], sqlc[64];
	time_t tt = (time_t)e->time;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(ts, sizeof ts, "%H:%M:%S", &tm);
	if (isnan(e->duration))
		snprintf(d, sizeof d, "-");
	else
		snprintf(d, sizeof d, "%.2fs", e->duration);
	text_fit(sqlc, sizeof sqlc, e->sql[0] ? e->sql : "-", 48, u->utf8);
	snprintf(line, n, "%s %-8s %-16s %-28.28s %-48s %7s %s", ts, e->event, e->action, e->target, sqlc, d,
	         e->result);
}

static void log_draw(struct ui *u)
{
	const struct actlog *l = u->v->actions ? u->v->act_log : NULL;
	int hh = LINES / 3 < 8 ? 8 : LINES / 3;
	int ww = COLS;
	if (!l || hh > LINES - 2 || ww < 30)
		return;
	WINDOW *w = ui_overlay(u, UI_WIN_LOG, hh, ww, LINES - 1 - hh, 0, ROLE_ACCENT);
	if (!w)
		return;
	char line[PANE_LINE_MAX * 4];
	const char *sep = u->utf8 ? " \u00b7 " : " - ";
	snprintf(line, sizeof line, " Action log (l closes)%s%s ", l->path[0] ? sep : "", l->path);
	ui_put(u, w, 0, 2, ww - 4, ROLE_TITLE_FOCUS, line);
	int y = 1;
	if (l->file_error[0])
		ui_put(u, w, y++, 2, ww - 4, ROLE_WARNING, l->file_error);
	if (actlog_size(l) == 0)
		ui_put(u, w, y, 2, ww - 4, ROLE_DIM, "no actions yet");
	for (int i = 0; y < hh - 1 && i < actlog_size(l); i++) {
		const struct actlog_entry *e = actlog_get(l, i);
		entry_line(u, e, line, sizeof line);
		ui_put(u, w, y++, 1, ww - 2, event_role(e->event), line);
	}
	wnoutrefresh(w);
}

/* l closes it; so does Esc unless an action runs (then Esc stops it, on
 * the panes' keys); everything else is the panes'. */
static bool log_key(struct ui *u, int ch)
{
	enum command c = keymap_lookup(ch, KCTX_MAIN);
	if (c == CMD_ACT_LOG || (c == CMD_CLOSE && !ui_act_running(u))) {
		ui_mode_pop(u, &ui_log_mode);
		return true;
	}
	return false;
}

const struct ui_mode_class ui_log_mode = {
	.name = "log", .contexts = 0, .layer = 1, .win = UI_WIN_LOG,
	.key = log_key, .draw = log_draw,
};
