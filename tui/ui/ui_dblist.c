/* ui_dblist — the server's databases (D, a mode: KCTX_DBLIST): each with
 * whether it has TimescaleDB (checked on its own connection); Enter
 * switches the console to the chosen one (new connections), and once the
 * server answers the status line says where the console really is. */
#include <stdio.h>
#include <string.h>

#include "tsdbtop/server.h"
#include "ui_int.h"

void ui_open_databases(struct ui *u)
{
	u->dbl.sel = 0;
	ui_mode_push(u, &ui_dblist_mode);
	if (ui_command(u, CMD_DATABASES, NULL) != 0)
		ui_notice(u, ui_view(u)->dbl->error);
}

/* After a switch: say where we are (some servers ignore the name). */
void ui_switch_sync(struct ui *u)
{
	const struct server_info *si = &ui_view(u)->snap->server;
	if (!u->dbl.check || !si->valid)
		return;
	u->dbl.check = false;
	char msg[300];
	if (strcmp(si->database, u->dbl.switch_to) != 0)
		snprintf(msg, sizeof msg, "the server ignores database names: still in %s (asked for %s)", si->database,
		         u->dbl.switch_to);
	else
		snprintf(msg, sizeof msg, "now in database %s%s", si->database,
		         si->ts_installed ? "" : " (TimescaleDB not installed there)");
	ui_notice(u, msg);
}

static void db_switch(struct ui *u)
{
	const struct dblist *l = u->v->dbl;
	char msg[200];
	ui_mode_pop(u, &ui_dblist_mode);
	if (l->current[u->dbl.sel]) {
		snprintf(msg, sizeof msg, "already in database %s", l->name[u->dbl.sel]);
		ui_notice(u, msg);
		return;
	}
	if (ui_act_running(u)) {
		ui_notice(u, "an action is running: stop it (k) before switching databases");
		return;
	}
	snprintf(u->dbl.switch_to, sizeof u->dbl.switch_to, "%s", l->name[u->dbl.sel]);
	ui_mode_clear(u);              /* the dialog, lists and log were the old database's */
	u->dlg.act_last = AST_IDLE;
	struct app_arg arg = { .text = u->dbl.switch_to };
	if (ui_command(u, CMD_DB_SWITCH, &arg) == 0) {
		u->dbl.check = true;
		snprintf(msg, sizeof msg, "switching to database %s (the old connections are closed)", u->dbl.switch_to);
	} else {
		snprintf(msg, sizeof msg, "cannot switch to database %s", u->dbl.switch_to);
	}
	ui_notice(u, msg);
}

static bool dblist_key(struct ui *u, int ch)
{
	const struct dblist *l = u->v->dbl;
	switch (keymap_lookup(ch, KCTX_DBLIST)) {
	case CMD_UP:
		if (u->dbl.sel > 0)
			u->dbl.sel--;
		break;
	case CMD_DOWN:
		if (u->dbl.sel < l->n - 1)
			u->dbl.sel++;
		break;
	case CMD_CLOSE: ui_mode_pop(u, &ui_dblist_mode); break;
	case CMD_QUIT: ui_command(u, CMD_QUIT, NULL); break;
	case CMD_DB_SWITCH:
		if (!l->loading && u->dbl.sel < l->n && l->n > 0)
			db_switch(u);
		break;
	default: break;
	}
	return true;
}

static void db_line(const struct ui *u, int i, char *line, size_t n)
{
	const struct dblist *l = u->v->dbl;
	const struct server_info *si = &u->v->snap->server;
	if (l->current[i])
		snprintf(line, n, " %-32s current%s%s", l->name[i],
		         si->valid ? (si->ts_installed ? ", TimescaleDB " : ", TimescaleDB not installed") : "",
		         si->valid && si->ts_installed ? si->ts_version : "");
	else if (l->ts_state[i] == DBTS_YES)
		snprintf(line, n, " %-32s TimescaleDB %s", l->name[i], l->ts[i]);
	else if (l->ts_state[i] == DBTS_NO)
		snprintf(line, n, " %-32s no TimescaleDB", l->name[i]);
	else if (l->ts_state[i] == DBTS_CHECKING)
		snprintf(line, n, " %-32s checking%s", l->name[i], u->utf8 ? "\u2026" : "...");
	else if (l->ts_state[i] == DBTS_ELSEWHERE)
		snprintf(line, n, " %-32s the server answers from %s instead", l->name[i], l->ts[i]);
	else if (l->ts_state[i] == DBTS_ERROR)
		snprintf(line, n, " %-32s cannot connect: %.150s", l->name[i], l->ts[i]);
	else
		snprintf(line, n, " %-32s (not checked)", l->name[i]);
}

static void dblist_draw(struct ui *u)
{
	const struct dblist *l = u->v->dbl;
	int ww = COLS - 4 < 80 ? COLS - 4 : 80;
	int hh = (l->n < 3 ? 3 : l->n) + 5;
	WINDOW *w = ui_overlay_box(u, UI_WIN_DBL, &hh, LINES - 2, ww,
	                           " Databases on the server (Enter switches, Esc closes) ");
	if (!w)
		return;
	char line[PANE_LINE_MAX * 2];
	if (u->dbl.sel >= l->n)
		u->dbl.sel = l->n - 1;
	if (u->dbl.sel < 0)
		u->dbl.sel = 0;
	int y = 1;
	if (l->loading)
		ui_put(u, w, y++, 2, ww - 4, ROLE_DIM, "asking the server...");
	else if (l->error[0])
		ui_put(u, w, y++, 2, ww - 4, ROLE_WARNING, l->error);
	for (int i = 0; i < l->n && y < hh - 3; i++, y++) {
		db_line(u, i, line, sizeof line);
		ui_put(u, w, y, 1, ww - 2, i == u->dbl.sel ? ROLE_SELECTED : (l->current[i] ? ROLE_ACCENT : ROLE_NORMAL), line);
	}
	if (!l->loading && !l->error[0] && l->n <= 1)
		ui_put(u, w, hh - 3, 2, ww - 4, ROLE_DIM,
		       "only this database: some servers (the embedded test server) ignore database names");
	ui_put(u, w, hh - 2, 2, ww - 4, ROLE_STATUS, "Up/Down choose   Enter switches (new connections)   Esc closes");
	wnoutrefresh(w);
}

const struct ui_mode_class ui_dblist_mode = {
	.name = "databases", .contexts = KCTX_DBLIST, .layer = 4, .win = UI_WIN_DBL,
	.key = dblist_key, .draw = dblist_draw,
};
