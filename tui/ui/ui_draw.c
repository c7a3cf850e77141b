/* ui_draw — drawing primitives (text fitted and sanitised, cells, lines,
 * frames), the overlay windows, and the theme's attributes. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "tsdbtop/sanitize.h"
#include "ui_int.h"

#ifndef TSDBTOP_THEME_DIR
#define TSDBTOP_THEME_DIR "/usr/local/share/tsdbtop/themes"
#endif

double ui_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

attr_t ui_attr(const struct ui *u, enum theme_role r)
{
	if ((int)r < 0 || r >= ROLE_COUNT)
		r = ROLE_NORMAL;
	return u->role_attr[r];
}

/* Draws src (sanitised, fitted to maxw columns) at y,x; returns columns used. */
int ui_put(struct ui *u, WINDOW *w, int y, int x, int maxw, enum theme_role role, const char *src)
{
	char buf[PANE_LINE_MAX * 2];
	if (maxw <= 0)
		return 0;
	text_fit(buf, sizeof buf, src, maxw, u->utf8);
	wattrset(w, ui_attr(u, role));
	mvwaddnstr(w, y, x, buf, -1);
	wattrset(w, ui_attr(u, ROLE_NORMAL));
	return text_width(buf);
}

/* Already-fitted text, aligned in a cell of width columns. */
void ui_put_cell(struct ui *u, WINDOW *w, int y, int x, int width, enum col_align al, attr_t attr,
		 const char *txt)
{
	char buf[PANE_LINE_MAX * 2];
	text_fit(buf, sizeof buf, txt, width, u->utf8);
	int tw = text_width(buf);
	int off = (al == ALIGN_RIGHT && tw < width) ? width - tw : 0;
	wattrset(w, attr);
	mvwaddnstr(w, y, x + off, buf, -1);
}

void ui_fill_line(struct ui *u, WINDOW *w, int y, int x, int width, enum theme_role role)
{
	if (width <= 0)
		return;
	attr_t at = ui_attr(u, role);
	wattrset(w, at);
	mvwhline(w, y, x, ' ' | at, width);
}

void ui_put_centred(struct ui *u, WINDOW *w, int y, int x, int width, enum theme_role role, const char *s)
{
	char buf[PANE_LINE_MAX * 2];
	text_fit(buf, sizeof buf, s, width, u->utf8);
	int tw = text_width(buf);
	wattrset(w, ui_attr(u, role));
	mvwaddnstr(w, y, x + (width - tw) / 2, buf, -1);
	wattrset(w, ui_attr(u, ROLE_NORMAL));
}

/* A frame: Unicode line characters written as such (not through the
 * alternate character set, which some terminal chains mangle), or ASCII. */
void ui_frame(struct ui *u, WINDOW *w, enum theme_role role)
{
	attr_t at = ui_attr(u, role);
	wattrset(w, at);
	if (!u->utf8) {
		wborder(w, '|' | at, '|' | at, '-' | at, '-' | at, '+' | at, '+' | at, '+' | at, '+' | at);
		return;
	}
	static const wchar_t chars[8] = { 0x2502, 0x2502, 0x2500, 0x2500, 0x250c, 0x2510, 0x2514, 0x2518 };
	cchar_t cc[8];
	short pair = (short)PAIR_NUMBER(at);
	for (int i = 0; i < 8; i++) {
		wchar_t wc[2] = { chars[i], 0 };
		setcchar(&cc[i], wc, at & ~A_COLOR, pair, NULL);
	}
	wborder_set(w, &cc[0], &cc[1], &cc[2], &cc[3], &cc[4], &cc[5], &cc[6], &cc[7]);
}

void ui_del_win(WINDOW **w)
{
	if (*w) {
		delwin(*w);
		*w = NULL;
	}
}

WINDOW *ui_overlay(struct ui *u, enum ui_win slot, int h, int w, int y, int x, enum theme_role frame_role)
{
	WINDOW **wp = &u->w_ovl[slot];
	int oh = -1, ow = -1;
	if (y < 0)
		y = (LINES - h) / 2;
	if (x < 0)
		x = (COLS - w) / 2;
	if (*wp)
		getmaxyx(*wp, oh, ow);
	if (oh != h || ow != w) {   /* reuse the window while its size holds */
		ui_del_win(wp);
		*wp = newwin(h, w, y, x);
	}
	if (!*wp)
		return NULL;
	wbkgdset(*wp, ' ' | ui_attr(u, ROLE_NORMAL));
	werase(*wp);
	ui_frame(u, *wp, frame_role);
	return *wp;
}

WINDOW *ui_overlay_box(struct ui *u, enum ui_win slot, int *hh, int max_h, int ww, const char *title)
{
	if (*hh > max_h)
		*hh = max_h;
	if (ww < 30 || *hh < 6)
		return NULL;
	WINDOW *w = ui_overlay(u, slot, *hh, ww, -1, -1, ROLE_ACCENT);
	if (w)
		ui_put(u, w, 0, 2, ww - 4, ROLE_TITLE_FOCUS, title);
	return w;
}

/* ---- theme ------------------------------------------------------------------------ */

static short clamp_colour(short c)
{
	if (c < 0)
		return -1;
	if (c >= COLORS)
		return (short)(c % 8);
	return c;
}

static attr_t flags_to_attr(unsigned f)
{
	attr_t a = A_NORMAL;
	if (f & THEME_BOLD) a |= A_BOLD;
	if (f & THEME_REVERSE) a |= A_REVERSE;
	if (f & THEME_UNDERLINE) a |= A_UNDERLINE;
	if (f & THEME_DIM) a |= A_DIM;
	if (f & THEME_BLINK) a |= A_BLINK;
	return a;
}

/* The theme chosen (--theme, a file or a built-in name), monochrome when
 * colour is off; a bad theme keeps the default and says why. */
static void choose_theme(struct ui *u, bool mono)
{
	const struct options *o = u->v->opt;
	char err[512];
	err[0] = '\0';
	theme_builtin(&u->theme, "default");
	if (o->theme && *o->theme) {
		const char *dirs[] = { "./themes", TSDBTOP_THEME_DIR, NULL };
		struct theme t;
		if (theme_resolve(&t, o->theme, dirs, err, sizeof err) == 0)
			u->theme = t;
		else {
			snprintf(u->theme_err, sizeof u->theme_err, "%s (built-in default used)", err);
			ui_notice(u, err);
		}
	}
	if (mono)
		theme_builtin(&u->theme, "monochrome");
}

void ui_setup_theme(struct ui *u)
{
	const struct options *o = u->v->opt;
	const char *nc = getenv("NO_COLOR");
	bool mono = o->no_color || (nc && *nc) || !has_colors();
	choose_theme(u, mono);
	bool use_pairs = !mono && !u->theme.monochrome && has_colors();
	bool defaults = false;
	if (use_pairs) {
		start_color();
		defaults = use_default_colors() == OK;
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct theme_style *st = &u->theme.role[r];
		attr_t at = flags_to_attr(st->attrs);
		if (use_pairs && r + 1 < COLOR_PAIRS) {
			short fg = clamp_colour(st->fg), bg = clamp_colour(st->bg);
			if (!defaults) {
				if (fg < 0) fg = COLOR_WHITE;
				if (bg < 0) bg = COLOR_BLACK;
			}
			init_pair((short)(r + 1), fg, bg);
			at |= COLOR_PAIR(r + 1);
		}
		u->role_attr[r] = at;
	}
	/* monochrome must still show the selection */
	if (!use_pairs && !(u->role_attr[ROLE_SELECTED] & A_REVERSE))
		u->role_attr[ROLE_SELECTED] |= A_REVERSE;
}
