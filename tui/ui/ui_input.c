/* ui_input — keys: the dispatch over the mode stack down to the panes'
 * keys (KCTX_MAIN), the filter prompt (a mode, KCTX_PROMPT), the mouse,
 * and y (copy the selected name). */
#include <stdio.h>
#include <string.h>

#include "tsdbtop/sanitize.h"
#include "ui_int.h"

/* ---- selection and focus ----------------------------------------------------- */

void ui_move_sel(struct ui *u, int delta, bool absolute)
{
	struct pane_state *ps = &u->ps[u->focus];
	if (absolute)
		ps->sel = delta < 0 ? 0 : 1 << 29;
	else
		ps->sel += delta;
	if (ps->sel < 0)
		ps->sel = 0;
	if (ps->nvis > 0 && ps->sel >= ps->nvis)
		ps->sel = ps->nvis - 1;
}

static void focus_to(struct ui *u, int id)
{
	if (id < 0)
		id = PANE_COUNT - 1;
	if (id >= PANE_COUNT)
		id = 0;
	if (!ui_pane_shown(u, id)) {
		char msg[64];
		snprintf(msg, sizeof msg, "pane %d is hidden ([panes] order)", id + 1);
		ui_notice(u, msg);
		return;
	}
	u->focus = (enum pane_id)id;
}

void ui_backspace(char *s)
{
	size_t l = strlen(s);
	while (l > 0) {
		unsigned char b = (unsigned char)s[--l];
		s[l] = '\0';
		if ((b & 0xc0) != 0x80)
			break;
	}
}

/* ---- the filter prompt (a mode) ------------------------------------------------ */

static bool prompt_key(struct ui *u, int ch)
{
	struct pane_state *ps = &u->ps[u->focus];
	size_t l = strlen(ps->filter);
	switch (keymap_lookup(ch, KCTX_PROMPT)) {
	case CMD_PROMPT_ACCEPT:
		ui_mode_pop(u, &ui_prompt_mode);
		return true;
	case CMD_PROMPT_CANCEL:
		ps->filter[0] = '\0';
		ui_mode_pop(u, &ui_prompt_mode);
		return true;
	case CMD_PROMPT_BACKSPACE:
		ui_backspace(ps->filter);
		return true;
	case CMD_QUIT:
		ui_command(u, CMD_QUIT, NULL);
		return true;
	case CMD_REDRAW:
		u->relayout = true;
		return true;
	default:
		break;
	}
	if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && l + 1 < sizeof ps->filter) {
		ps->filter[l] = (char)ch;
		ps->filter[l + 1] = '\0';
		ps->sel = 0;
		ps->top = 0;
	}
	return true;
}

/* The prompt takes the status line. */
static void prompt_draw(struct ui *u)
{
	WINDOW *w = u->w_status;
	char line[PANE_LINE_MAX * 2];
	if (!w)
		return;
	werase(w);
	ui_fill_line(u, w, 0, 0, u->lay.status.w, ROLE_STATUS);
	snprintf(line, sizeof line, " Filter %s: %s_   (Enter applies, Esc clears)",
	         pane_class_of(u->focus)->title, u->ps[u->focus].filter);
	ui_put(u, w, 0, 0, u->lay.status.w, ROLE_STATUS, line);
	wnoutrefresh(w);
}

static int prompt_help(const struct ui *u, int i, char *buf, size_t n, enum theme_role *role)
{
	(void)u;
	if (i == 0 && buf) {
		snprintf(buf, n, "  Filter prompt: type text, Enter applies, Esc clears");
		*role = ROLE_DIM;
	}
	return 1;
}

const struct ui_mode_class ui_prompt_mode = {
	.name = "prompt", .contexts = KCTX_PROMPT, .layer = 5, .win = -1,
	.key = prompt_key, .draw = prompt_draw, .help = prompt_help,
};

/* ---- mouse, copy ------------------------------------------------------------------ */

static void mouse_event(struct ui *u)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	for (int i = 0; i < PANE_COUNT; i++) {
		const struct rect *r = &u->lay.pane[i];
		if (!u->lay.visible[i] || ev.y < r->y || ev.y >= r->y + r->h || ev.x < r->x || ev.x >= r->x + r->w)
			continue;
		struct pane_state *ps = &u->ps[i];
		if (ev.bstate & BUTTON4_PRESSED) {
			u->focus = (enum pane_id)i;
			ui_move_sel(u, -3, false);
		} else if (ev.bstate & BUTTON5_PRESSED) {
			u->focus = (enum pane_id)i;
			ui_move_sel(u, 3, false);
		} else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
			u->focus = (enum pane_id)i;
			int k = ev.y - ps->row_y;
			if (k >= 0 && k < ps->row_n && ps->top + k < ps->nvis)
				ps->sel = ps->top + k;
		}
		return;
	}
}

static void copy_selected(struct ui *u)
{
	const struct pane_class *cls = pane_class_of(u->focus);
	const void *r = ui_selected_row(u, u->focus);
	char msg[300], name[NAME_LEN * 2];
	if (!r || !cls->row_name) {
		ui_notice(u, "y: select a row first");
		return;
	}
	snprintf(name, sizeof name, "%s", cls->row_name(r));
	if (ui_osc52_copy(name) == 0)
		snprintf(msg, sizeof msg, "copied %s (OSC 52: the terminal must allow clipboard writes)", name);
	else
		snprintf(msg, sizeof msg, "could not write to the terminal");
	ui_notice(u, msg);
}

/* ---- the panes' keys --------------------------------------------------------------- */

static void sort_notice(struct ui *u)
{
	const struct pane_class *cls = pane_class_of(u->focus);
	const struct pane_state *ps = &u->ps[u->focus];
	char msg[96];
	snprintf(msg, sizeof msg, "sort %s by %s %s", cls->title, cls->cols[ps->sort_col].name,
	         ps->sort_desc ? "descending" : "ascending");
	ui_notice(u, msg);
}

static void sort_next(struct ui *u)
{
	const struct pane_class *cls = pane_class_of(u->focus);
	struct pane_state *ps = &u->ps[u->focus];
	for (int k = 1; k <= cls->ncols; k++) {
		int nc = (ps->sort_col + k) % cls->ncols;
		if (cls->cols[nc].cmp) {
			ps->sort_col = nc;
			break;
		}
	}
	sort_notice(u);
}

/* Focus, zoom, selection, sort. False: not one of these. */
static bool nav_command(struct ui *u, enum command c)
{
	struct pane_state *ps = &u->ps[u->focus];
	switch (c) {
	case CMD_FOCUS_NEXT: ui_focus_step(u, 1); break;
	case CMD_FOCUS_PREV: ui_focus_step(u, -1); break;
	case CMD_FOCUS_1: case CMD_FOCUS_2: case CMD_FOCUS_3: case CMD_FOCUS_4: case CMD_FOCUS_5:
		focus_to(u, (int)(c - CMD_FOCUS_1));
		break;
	case CMD_ZOOM: u->zoomed = !u->zoomed; break;
	case CMD_UP: ui_move_sel(u, -1, false); break;
	case CMD_DOWN: ui_move_sel(u, 1, false); break;
	case CMD_PAGE_UP: ui_move_sel(u, -ps->page, false); break;
	case CMD_PAGE_DOWN: ui_move_sel(u, ps->page, false); break;
	case CMD_HOME: ui_move_sel(u, -1, true); break;
	case CMD_END: ui_move_sel(u, 1, true); break;
	case CMD_SORT_NEXT: sort_next(u); break;
	case CMD_SORT_REVERSE:
		ps->sort_desc = !ps->sort_desc;
		sort_notice(u);
		break;
	default: return false;
	}
	return true;
}

/* Actions and their overlays. False: not one of these. */
static bool action_command(struct ui *u, enum command c)
{
	switch (c) {
	case CMD_OPEN:
		if (u->focus == PANE_CHUNKS)
			ui_open_chunks(u);
		else
			u->zoomed = !u->zoomed;
		break;
	case CMD_ACT_COMPRESS:
	case CMD_ACT_DECOMPRESS:
	case CMD_ACT_REFRESH:
	case CMD_ACT_RETENTION:
	case CMD_ACT_MAINTENANCE:
		ui_act_key(u, c);
		break;
	case CMD_ACT_JOBS: ui_open_jobs(u); break;
	case CMD_ACT_JOBS_ALL: ui_open_all_jobs(u); break;
	case CMD_ACT_LOG: ui_mode_toggle(u, &ui_log_mode); break;
	case CMD_ACT_STOP:
		if (ui_command(u, CMD_ACT_STOP, NULL) != 0)
			ui_notice(u, "no action is running");
		break;
	case CMD_COPY: copy_selected(u); break;
	case CMD_DATABASES: ui_open_databases(u); break;
	default: return false;
	}
	return true;
}

void ui_interval_step(struct ui *u, enum command c)
{
	char msg[64], d[32];
	ui_command(u, c, NULL);
	snprintf(msg, sizeof msg, "refresh every %s", pane_dur(d, sizeof d, ui_view(u)->interval));
	ui_notice(u, msg);
}

static void main_key(struct ui *u, int ch)
{
	enum command c = keymap_lookup(ch, KCTX_MAIN);
	if (nav_command(u, c) || action_command(u, c))
		return;
	switch (c) {
	case CMD_QUIT:
	case CMD_PAUSE:
	case CMD_REFRESH:     /* it says "refreshing" or why not */
		ui_command(u, c, NULL);
		break;
	case CMD_HELP:
		u->help_top = 0;
		ui_mode_push(u, &ui_help_mode);
		break;
	case CMD_CLOSE:     /* stop a running action, else unzoom, else back to the overview */
		if (ui_command(u, CMD_ACT_STOP, NULL) == 0)
			break;
		if (u->zoomed)
			u->zoomed = false;
		else if (u->v->nservers > 1)
			ui_overview_open(u);
		break;
	case CMD_SERVER_NEXT:
	case CMD_SERVER_PREV:
		if (u->v->nservers > 1)
			ui_server_switch(u, c, 0);
		else
			ui_notice(u, "one server: ] and [ cycle when the console watches several");
		break;
	case CMD_FILTER: ui_mode_push(u, &ui_prompt_mode); break;
	case CMD_INTERVAL_UP:
	case CMD_INTERVAL_DOWN: ui_interval_step(u, c); break;
	case CMD_REDRAW: u->relayout = true; break;
	default: break;
	}
}

/* ---- dispatch ----------------------------------------------------------------------- */

void ui_key(struct ui *u, int ch)
{
	if (ch == KEY_RESIZE) {
		u->relayout = true;
		return;
	}
	if (u->v->opt->kiosk) {
		/* stray keys do nothing; only the quit sequence counts */
		if (kiosk_key(&u->kk, ch))
			ui_command(u, CMD_QUIT, NULL);
		return;
	}
	if (ch == KEY_MOUSE) {
		mouse_event(u);
		return;
	}
	/* the top mode first; a mode that does not take the key passes it down */
	for (int i = u->nmodes - 1; i >= 0; i--)
		if (u->mode[i]->key(u, ch))
			return;
	main_key(u, ch);
}
