/* ui_help — the help overlay (? F1): generated, never written by hand: the
 * key lines of every context a mode declares (the keymap table), the lines
 * each mode adds, the marks and the theme. Action keys that cannot work
 * here say why. */
#include <stdio.h>
#include <string.h>

#include "tsdbtop/server.h"
#include "ui_int.h"

/* The panes' keys and those of every mode. */
static unsigned help_mask(void)
{
	size_t n;
	const struct ui_mode_class *const *m = ui_mode_classes(&n);
	unsigned mask = KCTX_MAIN;
	for (size_t i = 0; i < n; i++)
		mask |= m[i]->contexts;
	return mask;
}

/* The lines the modes add after the keys: how many, and line i. */
static int mode_lines(const struct ui *u, int i, char *buf, size_t n, enum theme_role *role)
{
	size_t nm;
	const struct ui_mode_class *const *m = ui_mode_classes(&nm);
	int count = 0;
	for (size_t k = 0; k < nm; k++) {
		if (!m[k]->help)
			continue;
		int c = m[k]->help(u, 0, NULL, 0, role);
		if (i >= count && i < count + c && buf)
			m[k]->help(u, i - count, buf, n, role);
		count += c;
	}
	return count;
}

/* Why an action key cannot work here (read-only mode, license, server). */
static bool help_disabled(struct ui *u, enum command c, char *why, size_t n)
{
	if (u->v->opt->read_only) {
		snprintf(why, n, "read-only mode");
		return true;
	}
	if (!u->v->snap->server.valid)
		return false;
	char buf[300];
	if (!app_command_unavailable(u->a, c, buf, sizeof buf))
		return false;
	snprintf(why, n, "%s", buf);
	return true;
}

/* Line li of the help into buf; returns its role, or -1 past the end. */
static int help_line(struct ui *u, unsigned mask, int li, char *buf, size_t n)
{
	int nkeys = keymap_help_line(mask, 0, NULL, 0);
	enum theme_role role = ROLE_NORMAL;
	buf[0] = '\0';
	if (li < nkeys) {
		keymap_help_line(mask, li, buf, n);
		enum command hc = keymap_help_cmd(mask, li);
		char why[200];
		if (keymap_command_is_action(hc) && help_disabled(u, hc, why, sizeof why)) {
			size_t bl = strlen(buf);
			snprintf(buf + bl, n - bl, "  [disabled: %s]", why);
			role = ROLE_DIM;
		}
		return role;
	}
	li -= nkeys;
	enum theme_role unused;
	int nmode = mode_lines(u, 0, NULL, 0, &unused);
	if (li == 0)
		return role;
	if (li == 1) {
		snprintf(buf, n, "  Marks: %s ok   %s warning   %s critical", pane_health_symbol(HEALTH_OK, u->utf8),
		         pane_health_symbol(HEALTH_WARNING, u->utf8), pane_health_symbol(HEALTH_CRITICAL, u->utf8));
		return role;
	}
	if (li - 2 < nmode) {
		mode_lines(u, li - 2, buf, n, &role);
		return role;
	}
	if (li - 2 == nmode) {
		snprintf(buf, n, "  Theme: %s%s%.200s", u->theme.name, u->theme_err[0] ? "  " : "", u->theme_err);
		return u->theme_err[0] ? ROLE_WARNING : ROLE_DIM;
	}
	return -1;
}

static void help_draw(struct ui *u)
{
	unsigned mask = help_mask();
	enum theme_role role;
	int nlines = keymap_help_line(mask, 0, NULL, 0) + 3 + mode_lines(u, 0, NULL, 0, &role);
	int hw = COLS - 4 < 72 ? COLS - 4 : 72;
	int hh = LINES - 2 < nlines + 2 ? LINES - 2 : nlines + 2;
	if (hw < 20 || hh < 5)
		return;
	WINDOW *w = ui_overlay(u, UI_WIN_HELP, hh, hw, -1, -1, ROLE_ACCENT);
	if (!w)
		return;
	ui_put(u, w, 0, 2, hw - 4, ROLE_TITLE_FOCUS, " Help: keys (Esc or ? closes) ");
	int body = hh - 2;
	int max_top = nlines - body;
	if (max_top < 0)
		max_top = 0;
	if (u->help_top > max_top)
		u->help_top = max_top;
	if (u->help_top < 0)
		u->help_top = 0;
	for (int i = 0; i < body; i++) {
		char buf[PANE_LINE_MAX];
		int r = help_line(u, mask, u->help_top + i, buf, sizeof buf);
		if (r < 0)
			break;
		ui_put(u, w, 1 + i, 1, hw - 2, (enum theme_role)r, buf);
	}
	wnoutrefresh(w);
}

static bool help_key(struct ui *u, int ch)
{
	switch (keymap_lookup(ch, KCTX_HELP)) {
	case CMD_HELP:
	case CMD_CLOSE: ui_mode_pop(u, &ui_help_mode); break;
	case CMD_QUIT: ui_command(u, CMD_QUIT, NULL); break;
	case CMD_UP: u->help_top--; break;
	case CMD_DOWN: u->help_top++; break;
	case CMD_PAGE_UP: u->help_top -= 10; break;
	case CMD_PAGE_DOWN: u->help_top += 10; break;
	case CMD_HOME: u->help_top = 0; break;
	case CMD_END: u->help_top = 1000; break;
	case CMD_REDRAW: u->relayout = true; break;
	default: break;
	}
	return true;
}

const struct ui_mode_class ui_help_mode = {
	.name = "help", .contexts = KCTX_HELP, .layer = 6, .win = UI_WIN_HELP,
	.key = help_key, .draw = help_draw,
};
