/* ui_dialog — operator actions on screen: the request built from the
 * selected row, the dialog that shows the plan's SQL and waits for
 * confirmation (a mode: KCTX_DIALOG, KCTX_TYPED while a name or window is
 * typed), the progress text of the status line, and the screen kept in
 * step with the runner's state. The runner is the controller's: commands
 * go through ui_command, the state is read from the view. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/sanitize.h"
#include "ui_int.h"

bool ui_act_running(const struct ui *u)
{
	const struct app_view *v = u->v;
	return v->actions && (v->act_state == AST_RUNNING || v->act_state == AST_STOPPING);
}

static const char *act_where_short(const struct ui *u)
{
	return strncmp(u->v->act_where, "on a second", 11) == 0 ? "second connection" : "monitor connection";
}

/* "Compress act.x: 7/42 steps, 1.2 GB -> 180 MB" */
void ui_act_progress_text(struct ui *u, char *buf, size_t n)
{
	const struct app_view *v = u->v;
	const struct action_plan *p = v->plan;
	char bb[32], ab[32];
	const char *unit = p->kind == ACT_COMPRESS ? "chunks" : "steps";
	snprintf(buf, n, "%s %s: %d/%d %s", p->title, p->target, v->act_done, v->act_total, unit);
	size_t l = strlen(buf);
	if (!isnan(v->act_bytes_before) && !isnan(v->act_bytes_after))
		snprintf(buf + l, n - l, ", %s %s %s", fmt_bytes(bb, sizeof bb, v->act_bytes_before),
		         u->utf8 ? "\u2192" : "->", fmt_bytes(ab, sizeof ab, v->act_bytes_after));
	l = strlen(buf);
	if (v->act_state == AST_STOPPING)
		snprintf(buf + l, n - l, "  stopping%s", u->utf8 ? "\u2026" : "...");
	else
		snprintf(buf + l, n - l, "  (k or Esc stops)");
}

static void dialog_close(struct ui *u)
{
	u->dlg.typed_mode = TYPED_NONE;
	ui_mode_pop(u, &ui_dialog_mode);
}

/* A refused request closes the dialog with the reason on the status line;
 * a finished one says how it ended; a planned one resets the dialog. */
void ui_act_sync(struct ui *u)
{
	const struct app_view *v = ui_view(u);
	if (!v->actions || v->act_state == u->dlg.act_last)
		return;
	switch (v->act_state) {
	case AST_REFUSED:
		dialog_close(u);
		ui_notice(u, v->act_message);
		break;
	case AST_DONE:
		ui_notice(u, v->act_message);   /* the controller lists the chunks again */
		break;
	case AST_RUNNING:
	case AST_IDLE:
		dialog_close(u);
		break;
	case AST_PLANNED:
		u->dlg.sel = 0;
		u->dlg.top = 0;
		u->dlg.typed[0] = '\0';
		u->dlg.typed_mode = v->plan->destructive ? TYPED_NAME : TYPED_NONE;
		break;
	default:
		break;
	}
	u->dlg.act_last = v->act_state;
}

void ui_act_request(struct ui *u, enum command c, const struct action_request *rq)
{
	const struct app_view *v = ui_view(u);
	if (!v->actions)
		return;
	if (ui_act_running(u) || v->act_state == AST_PLANNING) {
		char msg[300];
		snprintf(msg, sizeof msg, "one action at a time: %s %s is %s (k stops it)", v->plan->title,
		         v->plan->target, v->act_state == AST_PLANNING ? "being planned" : "running");
		ui_notice(u, msg);
		return;
	}
	struct app_arg arg = { .rq = *rq };
	u->dlg.last_req = *rq;
	u->dlg.act_last = AST_IDLE;
	if (ui_command(u, c, &arg) == 0)
		ui_mode_push(u, &ui_dialog_mode);
	ui_act_sync(u);
}

/* The row's target into rq; without a row (schema NULL), why on the
 * status line. Returns whether there was one. */
static bool copy_target(struct ui *u, struct action_request *rq, const char *schema, const char *name,
                        const char *why)
{
	if (!schema) {
		ui_notice(u, why);
		return false;
	}
	snprintf(rq->schema, sizeof rq->schema, "%s", schema);
	snprintf(rq->name, sizeof rq->name, "%s", name);
	return true;
}

/* The target of c from the selected row; false (and why) when none fits. */
static bool act_target(struct ui *u, struct action_request *rq)
{
	const struct ht_row *ht = u->focus == PANE_CHUNKS ? ui_selected_row(u, PANE_CHUNKS) : NULL;
	const struct comp_row *cr = u->focus == PANE_COMPRESSION ? ui_selected_row(u, PANE_COMPRESSION) : NULL;
	const struct ret_row *rr = u->focus == PANE_RETENTION ? ui_selected_row(u, PANE_RETENTION) : NULL;
	const struct cagg_row *ca = u->focus == PANE_CAGGS ? ui_selected_row(u, PANE_CAGGS) : NULL;
	switch (rq->kind) {
	case ACT_COMPRESS:
		if (ht)
			rq->time_is_int = ht->time_is_int;
		else if (cr)
			rq->time_is_int = isnan(cr->compress_after_s) && cr->compress_after[0];
		return copy_target(u, rq, ht ? ht->schema : cr ? cr->schema : NULL, ht ? ht->name : cr ? cr->name : NULL,
		                   "c compresses the selected hypertable: focus the Chunks or Compression pane");
	case ACT_DECOMPRESS_CHUNK:
		ui_notice(u, "d decompresses one chunk: open the chunk list (Enter on the Chunks pane)");
		return false;
	case ACT_REFRESH:
		return copy_target(u, rq, ca ? ca->schema : NULL, ca ? ca->name : NULL,
		                   "f refreshes a continuous aggregate: focus pane 4");
	case ACT_RETENTION:
		return copy_target(u, rq, rr ? rr->schema : NULL, rr ? rr->name : NULL,
		                   "x drops what retention would drop: focus the Retention pane");
	default:
		return true;
	}
}

void ui_act_key(struct ui *u, enum command c)
{
	struct action_request rq;
	memset(&rq, 0, sizeof rq);
	rq.kind = c == CMD_ACT_COMPRESS ? ACT_COMPRESS : c == CMD_ACT_DECOMPRESS ? ACT_DECOMPRESS_CHUNK
	        : c == CMD_ACT_REFRESH ? ACT_REFRESH : c == CMD_ACT_RETENTION ? ACT_RETENTION : ACT_MAINTENANCE;
	/* what this server, license or mode does not allow is said (and
	 * logged) by the action layer, whatever row is selected */
	char why[300];
	if (app_command_unavailable(u->a, c, why, sizeof why) || act_target(u, &rq))
		ui_act_request(u, c, &rq);
}

/* ---- the dialog (a mode) ------------------------------------------------------------ */

static void typed_accept(struct ui *u)
{
	if (u->dlg.typed_mode == TYPED_WINDOW) {   /* plan it again with the window */
		struct app_arg arg = { .rq = u->dlg.last_req };
		snprintf(arg.rq.window, sizeof arg.rq.window, "%s", u->dlg.typed);
		u->dlg.typed_mode = TYPED_NONE;
		u->dlg.act_last = AST_IDLE;
		u->dlg.last_req = arg.rq;
		ui_command(u, CMD_DIALOG_WINDOW, &arg);
		return;
	}
	struct app_arg arg = { .text = u->dlg.typed };
	if (ui_command(u, CMD_DIALOG_YES, &arg) != 0)
		ui_notice(u, ui_view(u)->act_message);
}

static void typed_key(struct ui *u, int ch)
{
	size_t l = strlen(u->dlg.typed);
	switch (keymap_lookup(ch, KCTX_TYPED)) {
	case CMD_PROMPT_ACCEPT:
		typed_accept(u);
		return;
	case CMD_PROMPT_CANCEL:
		if (u->dlg.typed_mode == TYPED_WINDOW) {
			u->dlg.typed_mode = TYPED_NONE;
			return;
		}
		ui_command(u, CMD_DIALOG_NO, NULL);
		dialog_close(u);
		ui_notice(u, "cancelled: nothing ran");
		return;
	case CMD_PROMPT_BACKSPACE: ui_backspace(u->dlg.typed); return;
	case CMD_QUIT: ui_command(u, CMD_QUIT, NULL); return;
	case CMD_REDRAW: u->relayout = true; return;
	default: break;
	}
	if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && l + 1 < sizeof u->dlg.typed) {
		u->dlg.typed[l] = (char)ch;
		u->dlg.typed[l + 1] = '\0';
	}
}

static void dialog_copy(struct ui *u, const struct action_plan *p)
{
	if (u->dlg.sel < 0 || u->dlg.sel >= p->nsteps)
		return;
	char msg[200];
	snprintf(msg, sizeof msg, ui_osc52_copy(p->steps[u->dlg.sel].shown) == 0
	         ? "copied the SQL of step %d (OSC 52)" : "could not write to the terminal", u->dlg.sel + 1);
	ui_notice(u, msg);
}

static void dialog_yes(struct ui *u)
{
	if (u->v->act_state != AST_PLANNED) {
		ui_notice(u, "still planning: confirm when the dialog shows what will run");
		return;
	}
	if (ui_command(u, CMD_DIALOG_YES, NULL) != 0)
		ui_notice(u, ui_view(u)->act_message);
}

static bool dialog_key(struct ui *u, int ch)
{
	const struct app_view *v = ui_view(u);
	if (u->dlg.typed_mode != TYPED_NONE && v->act_state == AST_PLANNED) {
		typed_key(u, ch);
		return true;
	}
	const struct action_plan *p = v->plan;
	int *sel = &u->dlg.sel;
	switch (keymap_lookup(ch, KCTX_DIALOG)) {
	case CMD_DIALOG_YES: dialog_yes(u); break;
	case CMD_DIALOG_NO:
		ui_command(u, CMD_DIALOG_NO, NULL);
		dialog_close(u);
		ui_notice(u, "cancelled: nothing ran");
		break;
	case CMD_UP: if (*sel > 0) (*sel)--; break;
	case CMD_DOWN: if (*sel < p->nsteps - 1) (*sel)++; break;
	case CMD_PAGE_UP: *sel = *sel > 10 ? *sel - 10 : 0; break;
	case CMD_PAGE_DOWN: *sel = *sel + 10 < p->nsteps ? *sel + 10 : p->nsteps - 1; break;
	case CMD_DIALOG_SKIP:
		if (*sel >= 0 && *sel < p->nsteps)
			ui_command(u, CMD_DIALOG_SKIP, &(struct app_arg){ .index = *sel });
		break;
	case CMD_COPY: dialog_copy(u, p); break;
	case CMD_DIALOG_WINDOW:
		if (p->kind == ACT_REFRESH && v->act_state == AST_PLANNED) {
			u->dlg.typed_mode = TYPED_WINDOW;
			u->dlg.typed[0] = '\0';
		}
		break;
	case CMD_QUIT: ui_command(u, CMD_QUIT, NULL); break;
	case CMD_REDRAW: u->relayout = true; break;
	default: break;
	}
	return true;
}

/* The steps from dlg.top, each with its SQL wrapped (up to three lines),
 * from line y; returns the line after. */
static int dialog_steps(struct ui *u, WINDOW *w, const struct action_plan *p, int y, int hh, int iw)
{
	char line[PANE_LINE_MAX * 2];
	int body = hh - y - 4;
	if (u->dlg.sel < u->dlg.top)
		u->dlg.top = u->dlg.sel;
	if (body >= 3 && u->dlg.sel >= u->dlg.top + body / 3)
		u->dlg.top = u->dlg.sel - body / 3 + 1;
	for (int i = u->dlg.top; i < p->nsteps && y < hh - 4; i++) {
		const struct action_step *s = &p->steps[i];
		bool sel = i == u->dlg.sel && p->nsteps > 1;
		snprintf(line, sizeof line, "%s%2d. %s%s", sel ? "> " : "  ", i + 1,
		         s->state == STEP_SKIPPED ? "[skip] " : "", s->desc);
		ui_put(u, w, y++, 2, iw, sel ? ROLE_SELECTED : (s->state == STEP_SKIPPED ? ROLE_DIM : ROLE_NORMAL), line);
		char sql[ACT_SQL_MAX + 300];
		snprintf(sql, sizeof sql, "%s;", s->shown);
		int cw = iw - 6, nl = 0;
		for (const char *q = sql; *q && y < hh - 4 && nl < 3 && cw > 10; nl++) {
			int take = (int)strlen(q);
			if (take > cw && nl < 2)
				take = cw;
			snprintf(line, sizeof line, "      %.*s", take, q);
			ui_put(u, w, y++, 2, iw, ROLE_ACCENT, line);
			q += take;
		}
	}
	if (u->dlg.top + body / 3 < p->nsteps && y >= hh - 4)
		ui_put(u, w, hh - 4, 2, iw, ROLE_DIM, "  (more steps: Up/Down)");
	return y;
}

/* The bottom lines: the typed field, or the keys. */
static void dialog_footer(struct ui *u, WINDOW *w, const struct action_plan *p, int hh, int iw)
{
	char line[PANE_LINE_MAX * 2];
	if (u->dlg.typed_mode == TYPED_NAME) {
		snprintf(line, sizeof line, "Type the hypertable's name to confirm: %s_", u->dlg.typed);
		ui_put(u, w, hh - 3, 2, iw, ROLE_WARNING, line);
		snprintf(line, sizeof line, "(%s) Enter runs when the name matches, Esc cancels", p->confirm_name);
		ui_put(u, w, hh - 2, 2, iw, ROLE_DIM, line);
	} else if (u->dlg.typed_mode == TYPED_WINDOW) {
		snprintf(line, sizeof line, "Window (\"7 days\" = the last 7 days, or \"FROM..TO\"): %s_", u->dlg.typed);
		ui_put(u, w, hh - 3, 2, iw, ROLE_WARNING, line);
		ui_put(u, w, hh - 2, 2, iw, ROLE_DIM, "Enter plans it, Esc goes back");
	} else {
		ui_put(u, w, hh - 2, 2, iw, ROLE_STATUS,
		       p->kind == ACT_REFRESH ? "Enter / y runs   Esc / n cancels   w types a window"
		       : p->nsteps > 1 ? "Enter / y runs   Esc / n cancels   Space skips the chosen step"
		       : "Enter / y runs   Esc / n cancels");
	}
}

static void dialog_draw(struct ui *u)
{
	const struct app_view *v = u->v;
	const struct action_plan *p = v->plan;
	if (!v->actions)
		return;
	int ww = COLS - 4 < 110 ? COLS - 4 : 110;
	int steps_h = p->nsteps < 6 ? (p->nsteps ? p->nsteps * 3 : 1) : 18;
	int hh = 10 + steps_h;
	if (hh > LINES - 2)
		hh = LINES - 2;
	if (ww < 30 || hh < 8)
		return;
	WINDOW *w = ui_overlay(u, UI_WIN_DIALOG, hh, ww, -1, -1, p->destructive ? ROLE_CRITICAL : ROLE_ACCENT);
	if (!w)
		return;
	char line[PANE_LINE_MAX * 2];
	char nm[128];
	sanitize_text(nm, sizeof nm, v->server_name ? v->server_name : "");
	if (v->nservers > 1)     /* several servers: on which one */
		snprintf(line, sizeof line, " %s %s on server %s ", p->title, p->target, nm);
	else
		snprintf(line, sizeof line, " %s %s ", p->title, p->target);
	ui_put(u, w, 0, 2, ww - 4, ROLE_TITLE_FOCUS, line);
	int y = 1, iw = ww - 4;
	if (v->act_state == AST_PLANNING) {
		snprintf(line, sizeof line, "planning: asking the server what this would touch%s", u->utf8 ? "\u2026" : "...");
		ui_put(u, w, 2, 2, iw, ROLE_DIM, line);
		ui_put(u, w, hh - 2, 2, iw, ROLE_DIM, "Esc / n cancels");
		wnoutrefresh(w);
		return;
	}
	ui_put(u, w, y++, 2, iw, p->destructive ? ROLE_CRITICAL : ROLE_NORMAL, p->effect);
	if (p->note[0])
		ui_put(u, w, y++, 2, iw, ROLE_DIM, p->note);
	snprintf(line, sizeof line, "Runs on the %s with lock_timeout and statement_timeout set; the SQL:",
	         act_where_short(u));
	ui_put(u, w, y++, 2, iw, ROLE_DIM, line);
	dialog_steps(u, w, p, y, hh, iw);
	dialog_footer(u, w, p, hh, iw);
	wnoutrefresh(w);
}

const struct ui_mode_class ui_dialog_mode = {
	.name = "dialog", .contexts = KCTX_DIALOG | KCTX_TYPED, .layer = 3, .win = UI_WIN_DIALOG,
	.key = dialog_key, .draw = dialog_draw,
};
