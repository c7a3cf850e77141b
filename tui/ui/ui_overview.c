/* ui_overview — the fleet overview (several servers): a mode at the
 * bottom of the stack that covers the panes with one row per server (the
 * text from overview.c), its own keys (KCTX_OVERVIEW), Enter to a server's
 * panes, Esc there back here; the kiosk shows only this. */
#include <stdio.h>
#include <string.h>

#include "tsdbtop/overview.h"
#include "tsdbtop/sanitize.h"
#include "ui_int.h"

/* The servers' views and the rows' order (worst first or as given). */
static int fleet_views(struct ui *u, const struct app_view **v)
{
	int n = app_servers(u->a);
	if (n > UI_SERVERS_MAX)
		n = UI_SERVERS_MAX;
	for (int i = 0; i < n; i++)
		v[i] = app_server_view(u->a, i);
	ui_view(u);      /* the selected server's view again (the pointers stay) */
	overview_order(v, n, u->ov.worst_first, u->ov.order);
	u->ov.n = n;
	if (u->ov.sel >= n)
		u->ov.sel = n - 1;
	if (u->ov.sel < 0)
		u->ov.sel = 0;
	return n;
}

/* ---- drill in, come back, cycle --------------------------------------------------- */

/* The overlays and selections belong to the server left: closed first. */
static void leave_server(struct ui *u)
{
	ui_mode_clear(u);
	for (int i = 0; i < PANE_COUNT; i++)
		u->ps[i].sel = u->ps[i].top = 0;
	u->sub_ps.sel = u->sub_ps.top = 0;
}

void ui_server_switch(struct ui *u, enum command c, int index)
{
	struct app_arg arg = { .index = index };
	leave_server(u);
	u->dispatching++;      /* the runner of the server shown now: its state as it is, no notice */
	ui_command(u, c, &arg);
	u->dispatching--;
	u->dlg.act_last = ui_view(u)->act_state;
	u->cycle_until = 0;
	u->relayout = true;
	char msg[160], nm[96];
	sanitize_text(nm, sizeof nm, u->v->server_name ? u->v->server_name : "");
	snprintf(msg, sizeof msg, "server %s (%d of %d): ] and [ cycle, Esc back to the overview", nm,
	         u->v->server_index + 1, u->v->nservers);
	ui_notice(u, msg);
}

void ui_overview_open(struct ui *u)
{
	const struct app_view *v[UI_SERVERS_MAX];
	leave_server(u);
	int n = fleet_views(u, v);
	for (int k = 0; k < n; k++)
		if (u->ov.order[k] == u->v->server_index)
			u->ov.sel = k;
	u->notice[0] = '\0';
	ui_mode_push(u, &ui_overview_mode);
	u->relayout = true;
}

/* ---- keys ------------------------------------------------------------------------ */

static void ov_move(struct ui *u, int delta, bool absolute)
{
	if (absolute)
		u->ov.sel = delta < 0 ? 0 : u->ov.n - 1;
	else
		u->ov.sel += delta;
	if (u->ov.sel >= u->ov.n)
		u->ov.sel = u->ov.n - 1;
	if (u->ov.sel < 0)
		u->ov.sel = 0;
}

static void ov_sort(struct ui *u)
{
	u->ov.worst_first = !u->ov.worst_first;
	ui_notice(u, u->ov.worst_first ? "servers: worst first (unreachable, critical, warning)"
	                                : "servers: in the order given");
}

static bool overview_key(struct ui *u, int ch)
{
	enum command c = keymap_lookup(ch, KCTX_OVERVIEW);
	struct app_arg all = { .index = -1 };
	switch (c) {
	case CMD_UP: ov_move(u, -1, false); break;
	case CMD_DOWN: ov_move(u, 1, false); break;
	case CMD_PAGE_UP: ov_move(u, -(u->ov.page > 1 ? u->ov.page : 1), false); break;
	case CMD_PAGE_DOWN: ov_move(u, u->ov.page > 1 ? u->ov.page : 1, false); break;
	case CMD_HOME: ov_move(u, -1, true); break;
	case CMD_END: ov_move(u, 1, true); break;
	case CMD_SERVER_OPEN:
		if (u->ov.n > 0)
			ui_server_switch(u, CMD_SERVER_OPEN, u->ov.order[u->ov.sel]);
		break;
	case CMD_SORT_NEXT: ov_sort(u); break;
	case CMD_REFRESH: ui_command(u, CMD_REFRESH, &all); break;
	case CMD_PAUSE:
	case CMD_QUIT: ui_command(u, c, NULL); break;
	case CMD_INTERVAL_UP:
	case CMD_INTERVAL_DOWN: ui_interval_step(u, c); break;
	case CMD_HELP:
		u->help_top = 0;
		ui_mode_push(u, &ui_help_mode);
		break;
	case CMD_REDRAW: u->relayout = true; break;
	default: break;
	}
	return true;
}

/* ---- draw ------------------------------------------------------------------------ */

static void ov_header(struct ui *u, WINDOW *w, int y, const int *wd)
{
	int x = 1;
	for (int c = 0; c < OV_NCOLS; c++) {
		ui_put_cell(u, w, y, x, wd[c], overview_columns[c].align, ui_attr(u, ROLE_COLUMN_HEADER),
		            overview_columns[c].name);
		x += wd[c] + 1;
	}
}

static void ov_row(struct ui *u, WINDOW *w, int y, const int *wd, const struct app_view *v, bool sel,
                   int iw, double now)
{
	char buf[PANE_LINE_MAX * 2];
	attr_t selat = ui_attr(u, ROLE_SELECTED);
	if (sel)
		ui_fill_line(u, w, y, 1, iw, ROLE_SELECTED);
	int x = 1;
	for (int c = 0; c < OV_NCOLS; c++) {
		enum theme_role r = overview_cell(v, c, now, u->utf8, wd[c], buf, sizeof buf);
		ui_put_cell(u, w, y, x, wd[c], overview_columns[c].align, sel ? selat : ui_attr(u, r), buf);
		x += wd[c] + 1;
	}
}

/* The status line: how many servers, the keys, or the last notice. */
static void ov_status(struct ui *u, int n)
{
	WINDOW *w = u->w_status;
	char line[PANE_LINE_MAX * 2], d[32];
	if (!w)
		return;
	werase(w);
	ui_fill_line(u, w, 0, 0, u->lay.status.w, ROLE_STATUS);
	if (u->v->opt->kiosk)
		snprintf(line, sizeof line, " %d servers  refresh every %s   %s", n, pane_dur(d, sizeof d, u->v->interval),
		         KIOSK_QUIT_HINT);
	else if (u->notice[0] && ui_now() - u->notice_at < 10)
		snprintf(line, sizeof line, " %s", u->notice);
	else
		snprintf(line, sizeof line, " %d servers  refresh every %s%s   Enter opens a server  s sorts  ? help  q quits",
		         n, pane_dur(d, sizeof d, u->v->interval), u->v->paused ? " (paused)" : "");
	ui_put(u, w, 0, 0, u->lay.status.w, ROLE_STATUS, line);
	wnoutrefresh(w);
}

static void overview_draw(struct ui *u)
{
	const struct app_view *v[UI_SERVERS_MAX];
	int n = fleet_views(u, v);
	int y0 = u->lay.header.y + u->lay.header.h + u->lay.banner.h, h = u->lay.status.y - y0;
	WINDOW *w = h >= 4 ? ui_overlay(u, UI_WIN_OVERVIEW, h, COLS, y0, 0, ROLE_BORDER) : NULL;
	if (!w)
		return;
	int iw = COLS - 2, wd[OV_NCOLS];
	char title[64];
	snprintf(title, sizeof title, " Servers (%d) ", n);
	ui_put(u, w, 0, 2, iw - 2, ROLE_TITLE_FOCUS, title);
	overview_fit(iw - 1, wd);
	ov_header(u, w, 1, wd);
	u->ov.page = h - 3;
	if (u->ov.sel < u->ov.top)
		u->ov.top = u->ov.sel;
	if (u->ov.sel >= u->ov.top + u->ov.page)
		u->ov.top = u->ov.sel - u->ov.page + 1;
	double now = ui_now();
	for (int k = u->ov.top, y = 2; k < n && y < h - 1; k++, y++)
		ov_row(u, w, y, wd, v[u->ov.order[k]], !u->v->opt->kiosk && k == u->ov.sel, iw, now);
	wnoutrefresh(w);
	ov_status(u, n);
}

static int overview_help(const struct ui *u, int i, char *buf, size_t n, enum theme_role *role)
{
	(void)u;
	if (i == 0 && buf) {
		snprintf(buf, n, "  Overview (several servers): Enter opens a server, ] [ cycle, Esc comes back");
		*role = ROLE_DIM;
	}
	return 1;
}

const struct ui_mode_class ui_overview_mode = {
	.name = "overview", .contexts = KCTX_OVERVIEW, .layer = 0, .win = UI_WIN_OVERVIEW, .covers = true,
	.key = overview_key, .draw = overview_draw, .help = overview_help,
};

bool ui_overview_shown(const struct ui *u)
{
	return ui_mode_open(u, &ui_overview_mode);
}
