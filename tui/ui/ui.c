/* ui — the curses screen: watchers, layout, header, status line, the
 * generic table renderer for the pane classes, help, filter prompt.
 *
 * Callbacks (keys, signals, the 1 s ticker, ui_mark_dirty from the app)
 * only change state and mark dirty; one ev_prepare watcher renders once
 * per loop pass when dirty: wnoutrefresh per window, then one doupdate. */
#include <curses.h>
#include <errno.h>
#include <ev.h>
#include <langinfo.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "tsdbtop/app.h"
#include "tsdbtop/format.h"
#include "tsdbtop/keymap.h"
#include "tsdbtop/layout.h"
#include "tsdbtop/pane.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/server.h"
#include "tsdbtop/theme.h"
#include "tsdbtop/ui.h"

#ifndef TSDBTOP_THEME_DIR
#define TSDBTOP_THEME_DIR "/usr/local/share/tsdbtop/themes"
#endif

#define FILTER_MAX 64

struct pane_state {
	int sel, top, page;
	int sort_col;
	bool sort_desc;
	char filter[FILTER_MAX];
	const void **order;
	int order_cap, nvis;
};

struct ui {
	struct app *a;
	struct ev_loop *loop;
	SCREEN *scr;
	ev_io in_w;
	ev_signal winch_w, int_w, term_w;
	ev_prepare prep_w;
	ev_timer tick_w;
	bool dirty, relayout;
	bool utf8;
	attr_t role_attr[ROLE_COUNT];
	struct theme theme;
	enum pane_id focus;
	bool zoomed;
	bool help;
	int help_top;
	bool prompt;
	char notice[256];
	double notice_at;
	char theme_err[256];            /* kept for the help screen */
	struct layout lay;
	bool have_lay;
	WINDOW *w_header, *w_tabs, *w_status, *w_pane[PANE_COUNT], *w_help;
	struct pane_state ps[PANE_COUNT];
	struct pane_state sub_ps;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static attr_t ui_attr(const struct ui *u, enum theme_role r)
{
	if ((int)r < 0 || r >= ROLE_COUNT)
		r = ROLE_NORMAL;
	return u->role_attr[r];
}

/* ---- drawing primitives ------------------------------------------------ */

/* Draws src (sanitised, fitted to maxw columns) at y,x; returns columns used. */
static int put(struct ui *u, WINDOW *w, int y, int x, int maxw, enum theme_role role, const char *src)
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
static void put_cell(struct ui *u, WINDOW *w, int y, int x, int width, enum col_align al,
                     attr_t attr, const char *txt)
{
	char buf[PANE_LINE_MAX * 2];
	text_fit(buf, sizeof buf, txt, width, u->utf8);
	int tw = text_width(buf);
	int off = (al == ALIGN_RIGHT && tw < width) ? width - tw : 0;
	wattrset(w, attr);
	mvwaddnstr(w, y, x + off, buf, -1);
}

static void fill_line(struct ui *u, WINDOW *w, int y, int x, int width, enum theme_role role)
{
	if (width <= 0)
		return;
	attr_t at = ui_attr(u, role);
	wattrset(w, at);
	mvwhline(w, y, x, ' ' | at, width);
}

static void put_centred(struct ui *u, WINDOW *w, int y, int x, int width, enum theme_role role, const char *s)
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
static void frame(struct ui *u, WINDOW *w, enum theme_role role)
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

/* ---- windows ------------------------------------------------------------- */

static void del_win(WINDOW **w)
{
	if (*w) {
		delwin(*w);
		*w = NULL;
	}
}

static void destroy_windows(struct ui *u)
{
	del_win(&u->w_header);
	del_win(&u->w_tabs);
	del_win(&u->w_status);
	del_win(&u->w_help);
	for (int i = 0; i < PANE_COUNT; i++)
		del_win(&u->w_pane[i]);
}

static WINDOW *mkwin(const struct rect *r)
{
	if (r->h <= 0 || r->w <= 0)
		return NULL;
	return newwin(r->h, r->w, r->y, r->x);
}

static void build_windows(struct ui *u)
{
	destroy_windows(u);
	if (u->lay.mode == LAYOUT_TOO_SMALL)
		return;
	u->w_header = mkwin(&u->lay.header);
	u->w_status = mkwin(&u->lay.status);
	if (u->lay.mode == LAYOUT_TABS)
		u->w_tabs = mkwin(&u->lay.tabs);
	for (int i = 0; i < PANE_COUNT; i++)
		if (u->lay.visible[i])
			u->w_pane[i] = mkwin(&u->lay.pane[i]);
}

/* ---- header and status --------------------------------------------------- */

static const char *conn_text(const struct app *a, char *buf, size_t n, enum theme_role *role)
{
	char d[32];
	*role = ROLE_OK;
	switch (a->conn_state) {
	case CONN_IDLE:
		snprintf(buf, n, "not connected");
		*role = ROLE_DIM;
		break;
	case CONN_CONNECTING:
		snprintf(buf, n, "connecting");
		*role = ROLE_WARNING;
		break;
	case CONN_READY:
	case CONN_BUSY:
		if (a->stalled_for > 2) {
			snprintf(buf, n, "no answer for %.0f s", floor(a->stalled_for));
			*role = ROLE_CRITICAL;
		} else {
			snprintf(buf, n, "connected");
		}
		break;
	case CONN_BACKOFF:
		snprintf(buf, n, "reconnecting in %s", fmt_duration(d, sizeof d, ceil(a->backoff_left)));
		*role = ROLE_CRITICAL;
		break;
	case CONN_FAILED:
	default:
		snprintf(buf, n, "disconnected");
		*role = ROLE_CRITICAL;
		break;
	}
	return buf;
}

static void draw_header(struct ui *u)
{
	WINDOW *w = u->w_header;
	const struct app *a = u->a;
	const struct server_info *si = &a->snap.server;
	int W = u->lay.header.w;
	char line[PANE_LINE_MAX * 2], cs[96];
	enum theme_role crole;
	if (!w)
		return;
	werase(w);
	fill_line(u, w, 0, 0, W, ROLE_HEADER);
	fill_line(u, w, 1, 0, W, ROLE_HEADER);
	conn_text(a, cs, sizeof cs, &crole);
	int cw = text_width(cs) + 2;
	const char *host = si->valid ? si->host : (a->opt.host ? a->opt.host : "");
	const char *port = si->valid ? si->port : (a->opt.port ? a->opt.port : "");
	if (si->valid)
		snprintf(line, sizeof line, " tsdbtop  %s:%s  db %s  user %s", host, port, si->database, si->user);
	else
		snprintf(line, sizeof line, " tsdbtop  %s%s%s", *host ? host : "(server)", *port ? ":" : "", port);
	int used = put(u, w, 0, 0, W - cw - 1, ROLE_HEADER, line);
	(void)used;
	/* connection state, right-aligned, in its health colour */
	wattrset(w, ui_attr(u, crole) | A_BOLD);
	mvwaddnstr(w, 0, W - cw, " ", -1);
	put(u, w, 0, W - cw + 1, cw - 1, crole, cs);

	/* row 1: versions, license, health counts */
	if (si->valid) {
		char ts[96];
		if (si->ts_installed)
			snprintf(ts, sizeof ts, "TimescaleDB %s (%s)%s", si->ts_version,
			         server_license_name(si->license),
			         server_update_pending(si) ? " update pending" : "");
		else
			snprintf(ts, sizeof ts, "TimescaleDB not installed");
		snprintf(line, sizeof line, " PostgreSQL %s  %s%s", si->pg_version, ts,
		         si->in_recovery ? "  (replica)" : "");
	} else {
		snprintf(line, sizeof line, " %s", a->conn_msg[0] ? a->conn_msg : "waiting for the server");
	}
	char hc[96];
	snprintf(hc, sizeof hc, "%s %d  %s %d  %s %d  ", pane_health_symbol(HEALTH_OK, u->utf8),
	         a->snap.worst[HEALTH_OK], pane_health_symbol(HEALTH_WARNING, u->utf8),
	         a->snap.worst[HEALTH_WARNING], pane_health_symbol(HEALTH_CRITICAL, u->utf8),
	         a->snap.worst[HEALTH_CRITICAL]);
	int hw = text_width(hc);
	put(u, w, 1, 0, W - hw - 1, ROLE_HEADER, line);
	if (W - hw > 20) {
		int x = W - hw;
		char part[32];
		static const enum health hs[3] = { HEALTH_OK, HEALTH_WARNING, HEALTH_CRITICAL };
		for (int i = 0; i < 3; i++) {
			snprintf(part, sizeof part, "%s %d  ", pane_health_symbol(hs[i], u->utf8), a->snap.worst[hs[i]]);
			enum theme_role r = a->snap.worst[hs[i]] > 0 ? pane_health_role(hs[i]) : ROLE_HEADER;
			x += put(u, w, 1, x, W - x, r, part);
		}
	}
	wnoutrefresh(w);
}

static void draw_status(struct ui *u)
{
	WINDOW *w = u->w_status;
	const struct app *a = u->a;
	int W = u->lay.status.w;
	char line[PANE_LINE_MAX * 2], t[32], ago[32], iv[32];
	double now = now_s();
	if (!w)
		return;
	werase(w);
	fill_line(u, w, 0, 0, W, ROLE_STATUS);
	if (u->prompt) {
		struct pane_state *ps = &u->ps[u->focus];
		snprintf(line, sizeof line, " Filter %s: %s_   (Enter applies, Esc clears)",
		         pane_class_of(u->focus)->title, ps->filter);
		put(u, w, 0, 0, W, ROLE_STATUS, line);
		wnoutrefresh(w);
		return;
	}
	const char *hint = "? help  q quit ";
	int hw = (int)strlen(hint);
	if (a->snap.polled_at > 0 && !isnan(a->snap.polled_at)) {
		time_t tt = (time_t)a->snap.polled_at;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(t, sizeof t, "%H:%M:%S", &tm);
		pane_ago(ago, sizeof ago, a->snap.polled_at, now);
		snprintf(line, sizeof line, " polled %s UTC (%s) in %.0f ms", t, ago, a->snap.poll_ms);
	} else {
		snprintf(line, sizeof line, " no poll yet");
	}
	pane_dur(iv, sizeof iv, a->interval);
	size_t l = strlen(line);
	snprintf(line + l, sizeof line - l, " %s every %s", u->utf8 ? "\u00b7" : "|", iv);
	int x = put(u, w, 0, 0, W - hw - 1, ROLE_STATUS, line);
	if (a->paused)
		x += put(u, w, 0, x, W - hw - 1 - x, ROLE_WARNING, "  PAUSED");
	else if (a->polling)
		x += put(u, w, 0, x, W - hw - 1 - x, ROLE_STATUS, "  polling");
	if ((a->conn_state == CONN_BACKOFF || a->conn_state == CONN_FAILED) && a->conn_msg[0]) {
		snprintf(line, sizeof line, "  %s", a->conn_msg);
		x += put(u, w, 0, x, W - hw - 1 - x, ROLE_CRITICAL, line);
	}
	if (u->notice[0] && now - u->notice_at < 15) {
		snprintf(line, sizeof line, "  %s", u->notice);
		x += put(u, w, 0, x, W - hw - 1 - x, ROLE_ACCENT, line);
	}
	put(u, w, 0, W - hw, hw, ROLE_STATUS, hint);
	wnoutrefresh(w);
}

static void draw_tabs(struct ui *u)
{
	WINDOW *w = u->w_tabs;
	if (!w)
		return;
	werase(w);
	fill_line(u, w, 0, 0, u->lay.tabs.w, ROLE_NORMAL);
	int x = 1;
	for (int i = 0; i < PANE_COUNT && x < u->lay.tabs.w; i++) {
		char t[48];
		snprintf(t, sizeof t, " %d %s ", i + 1, pane_class_of((enum pane_id)i)->tab);
		enum theme_role r = (enum pane_id)i == u->focus ? ROLE_TITLE_FOCUS : ROLE_TITLE;
		x += put(u, w, 0, x, u->lay.tabs.w - x, r, t);
		x += 1;
	}
	if (u->zoomed && x + 10 < u->lay.tabs.w)
		put(u, w, 0, x + 1, u->lay.tabs.w - x - 1, ROLE_DIM, "(zoomed: Enter/Esc)");
	wnoutrefresh(w);
}

/* ---- tables --------------------------------------------------------------- */

static const struct pane_class *sort_cls;
static int sort_col;
static bool sort_desc;

static int order_cmp(const void *pa, const void *pb)
{
	const void *a = *(const void *const *)pa, *b = *(const void *const *)pb;
	int c = 0;
	if (sort_col >= 0 && sort_col < sort_cls->ncols && sort_cls->cols[sort_col].cmp)
		c = sort_cls->cols[sort_col].cmp(a, b);
	if (sort_desc)
		c = -c;
	if (c == 0 && sort_cls->row_name)
		c = strcmp(sort_cls->row_name(a), sort_cls->row_name(b));
	if (c == 0)
		c = (a > b) - (a < b);
	return c;
}

static void build_order(const struct pane_class *cls, struct pane_state *ps, const struct snapshot *s,
                        const char *filter)
{
	int n = cls->rows(s);
	if (n > ps->order_cap) {
		int cap = n < 16 ? 16 : n * 2;
		const void **o = realloc(ps->order, (size_t)cap * sizeof *o);
		if (!o) {
			ps->nvis = 0;
			return;
		}
		ps->order = o;
		ps->order_cap = cap;
	}
	ps->nvis = 0;
	for (int i = 0; i < n; i++) {
		const void *r = cls->row(s, i);
		if (!r)
			continue;
		if (filter && *filter && cls->row_name && !pane_match(cls->row_name(r), filter))
			continue;
		ps->order[ps->nvis++] = r;
	}
	sort_cls = cls;
	sort_col = ps->sort_col;
	sort_desc = ps->sort_desc;
	if (ps->nvis > 1)
		qsort(ps->order, (size_t)ps->nvis, sizeof *ps->order, order_cmp);
}

#define MARK_W 2 /* health symbol + space */

/* Which columns fit into iw, and their widths. Returns the count shown. */
static int fit_columns(const struct pane_class *cls, int iw, int *widths)
{
	int shown = cls->ncols;
	if (shown > PANE_MAX_COLS)
		shown = PANE_MAX_COLS;
	for (;;) {
		int total = MARK_W, nflex = 0;
		for (int i = 0; i < shown; i++) {
			total += cls->cols[i].width + (i ? 1 : 0);
			nflex += cls->cols[i].flex;
		}
		if (total <= iw || shown == 1) {
			int slack = iw - total;
			for (int i = 0; i < shown; i++) {
				widths[i] = cls->cols[i].width;
				if (cls->cols[i].flex && nflex > 0 && slack > 0) {
					int add = slack / nflex;
					widths[i] += add;
					slack -= add;
					nflex--;
				}
			}
			if (shown == 1 && widths[0] > iw - MARK_W)
				widths[0] = iw - MARK_W;
			return shown;
		}
		shown--;
	}
}

/* Draws a table at y0 inside w; at most maxh lines. Returns lines used. */
static int draw_table(struct ui *u, WINDOW *w, int y0, int x0, int iw, int maxh,
                      const struct pane_class *cls, struct pane_state *ps,
                      const struct pane_ctx *ctx, bool selectable, bool focused, const char *filter)
{
	int widths[PANE_MAX_COLS];
	char buf[PANE_LINE_MAX];
	if (maxh <= 0 || iw <= MARK_W)
		return 0;
	build_order(cls, ps, ctx->s, filter);
	int shown = fit_columns(cls, iw, widths);
	int y = y0;
	/* column header */
	fill_line(u, w, y, x0, iw, ROLE_COLUMN_HEADER);
	int x = x0 + MARK_W;
	for (int c = 0; c < shown; c++) {
		char h[64];
		if (c == ps->sort_col) {
			char nm[48];
			/* keep the mark visible: shorten the name instead */
			text_fit(nm, sizeof nm, cls->cols[c].name, widths[c] - 1, u->utf8);
			snprintf(h, sizeof h, "%s%s", nm,
			         ps->sort_desc ? (u->utf8 ? "\u25bc" : "v") : (u->utf8 ? "\u25b2" : "^"));
		} else {
			snprintf(h, sizeof h, "%s", cls->cols[c].name);
		}
		put_cell(u, w, y, x, widths[c], cls->cols[c].align, ui_attr(u, ROLE_COLUMN_HEADER) | A_BOLD, h);
		x += widths[c] + 1;
	}
	y++;
	int body = maxh - 1 - (cls->totals ? 1 : 0);
	if (body < 0)
		body = 0;
	ps->page = body > 1 ? body : 1;
	if (ps->sel >= ps->nvis)
		ps->sel = ps->nvis - 1;
	if (ps->sel < 0)
		ps->sel = 0;
	if (ps->top > ps->sel)
		ps->top = ps->sel;
	if (body > 0 && ps->sel >= ps->top + body)
		ps->top = ps->sel - body + 1;
	if (ps->top > ps->nvis - body)
		ps->top = ps->nvis - body;
	if (ps->top < 0)
		ps->top = 0;
	if (!selectable)
		ps->top = 0;
	for (int i = 0; i < body && ps->top + i < ps->nvis; i++) {
		int ri = ps->top + i;
		const void *r = ps->order[ri];
		bool sel = selectable && focused && ri == ps->sel;
		if (sel)
			fill_line(u, w, y, x0, iw, ROLE_SELECTED);
		enum health h = cls->row_health ? cls->row_health(r) : HEALTH_UNKNOWN;
		attr_t selat = ui_attr(u, ROLE_SELECTED);
		wattrset(w, sel ? selat : ui_attr(u, pane_health_role(h)));
		mvwaddnstr(w, y, x0, pane_health_symbol(h, u->utf8), -1);
		x = x0 + MARK_W;
		for (int c = 0; c < shown; c++) {
			enum theme_role role = cls->cell(ctx, r, c, widths[c], buf, sizeof buf);
			put_cell(u, w, y, x, widths[c], cls->cols[c].align, sel ? selat : ui_attr(u, role), buf);
			x += widths[c] + 1;
		}
		y++;
	}
	if (ps->nvis == 0 && body > 0) {
		put(u, w, y, x0 + MARK_W, iw - MARK_W, ROLE_DIM,
		    filter && *filter ? "(no rows match the filter)" : "(none)");
		y++;
	}
	if (cls->totals && y < y0 + maxh) {
		x = x0 + MARK_W;
		for (int c = 0; c < shown; c++) {
			enum theme_role role = cls->totals(ctx, c, widths[c], buf, sizeof buf);
			put_cell(u, w, y, x, widths[c], cls->cols[c].align, ui_attr(u, role) | A_BOLD, buf);
			x += widths[c] + 1;
		}
		y++;
	}
	wattrset(w, ui_attr(u, ROLE_NORMAL));
	return y - y0;
}

static int extra_lines(const struct pane_class *cls, const struct pane_ctx *ctx, bool post)
{
	int (*f)(const struct pane_ctx *, int, char *, size_t, enum theme_role *) = post ? cls->post : cls->pre;
	return f ? f(ctx, 0, NULL, 0, NULL) : 0;
}

static int draw_extra(struct ui *u, WINDOW *w, int y, int x0, int iw, int maxh,
                      const struct pane_class *cls, const struct pane_ctx *ctx, bool post)
{
	int (*f)(const struct pane_ctx *, int, char *, size_t, enum theme_role *) = post ? cls->post : cls->pre;
	if (!f)
		return 0;
	int n = f(ctx, 0, NULL, 0, NULL), used = 0;
	for (int i = 0; i < n && used < maxh; i++) {
		char buf[PANE_LINE_MAX];
		enum theme_role role = ROLE_NORMAL;
		buf[0] = '\0';
		f(ctx, i, buf, sizeof buf, &role);
		put(u, w, y + used, x0, iw, role, buf);
		used++;
	}
	return used;
}

static void draw_pane(struct ui *u, enum pane_id id)
{
	WINDOW *w = u->w_pane[id];
	const struct rect *rc = &u->lay.pane[id];
	const struct pane_class *cls = pane_class_of(id);
	struct pane_state *ps = &u->ps[id];
	const struct snapshot *s = &u->a->snap;
	const struct pane_meta *m = cls->meta(s);
	bool focused = id == u->focus;
	struct pane_ctx ctx = { .s = s, .now = now_s(), .interval = u->a->interval, .utf8 = u->utf8,
	                        .show_schema = pane_multi_schema(s) };
	char t[PANE_LINE_MAX], age[48];
	if (!w)
		return;
	werase(w);
	frame(u, w, focused ? ROLE_ACCENT : ROLE_BORDER);
	/* title: "1 Chunks · 3s ago · filter: x" */
	int W = rc->w, H = rc->h, x = 2;
	const char *dot = u->utf8 ? " \u00b7 " : " - ";
	snprintf(t, sizeof t, " %d %s", (int)id + 1, cls->title);
	x += put(u, w, 0, x, W - x - 2, focused ? ROLE_TITLE_FOCUS : ROLE_TITLE, t);
	bool stale = false;
	pane_age_suffix(age, sizeof age, m, ctx.now, ctx.interval, &stale);
	if (age[0]) {
		x += put(u, w, 0, x, W - x - 2, focused ? ROLE_TITLE_FOCUS : ROLE_TITLE, dot);
		x += put(u, w, 0, x, W - x - 2, stale ? ROLE_WARNING : (focused ? ROLE_TITLE_FOCUS : ROLE_TITLE), age);
	}
	if (ps->filter[0]) {
		snprintf(t, sizeof t, "%sfilter: %s", dot, ps->filter);
		x += put(u, w, 0, x, W - x - 2, ROLE_ACCENT, t);
	}
	x += put(u, w, 0, x, W - x - 2, focused ? ROLE_TITLE_FOCUS : ROLE_TITLE, " ");

	int iy = 1, ix = 1, iw = W - 2, ih = H - 2;
	if (ih <= 0 || iw <= 0) {
		wnoutrefresh(w);
		return;
	}
	if (m->status == PANE_EMPTY) {
		put_centred(u, w, iy + ih / 2, ix, iw, ROLE_DIM,
		            u->utf8 ? "waiting for first poll\u2026" : "waiting for first poll...");
		wnoutrefresh(w);
		return;
	}
	if (m->status == PANE_UNAVAILABLE) {
		put_centred(u, w, iy + ih / 2, ix, iw, ROLE_WARNING, m->message[0] ? m->message : "not available on this server");
		wnoutrefresh(w);
		return;
	}
	int y = iy;
	if (m->status == PANE_ERROR) {
		snprintf(t, sizeof t, "%s %.200s", pane_health_symbol(HEALTH_CRITICAL, u->utf8), m->message);
		put(u, w, y++, ix, iw, ROLE_CRITICAL, t);
		ih--;
		if (ih <= 0) {
			wnoutrefresh(w);
			return;
		}
	}
	int npre = extra_lines(cls, &ctx, false), npost = extra_lines(cls, &ctx, true);
	int used = draw_extra(u, w, y, ix, iw, ih, cls, &ctx, false);
	y += used;
	ih -= used;
	int avail = ih - (npost < ih ? npost : 0);
	(void)npre;
	int main_h = avail;
	const struct pane_class *sub = cls->sub;
	int sub_h = 0;
	if (sub && avail > 4) {
		struct pane_state tmp = u->sub_ps;
		build_order(sub, &u->sub_ps, s, ps->filter);
		(void)tmp;
		int sub_need = 2 + (u->sub_ps.nvis ? u->sub_ps.nvis : 1);
		build_order(cls, ps, s, ps->filter);
		int main_need = 1 + (ps->nvis ? ps->nvis : 1) + (cls->totals ? 1 : 0);
		if (main_need + sub_need <= avail) {
			main_h = main_need;
			sub_h = avail - main_h;
		} else {
			sub_h = sub_need < avail * 2 / 5 ? sub_need : avail * 2 / 5;
			if (sub_h < 3)
				sub_h = 3;
			main_h = avail - sub_h;
		}
	}
	const char *empty = cls->empty && cls->rows(s) == 0 ? cls->empty(s) : NULL;
	if (empty)
		put_centred(u, w, y + main_h / 2, ix, iw, ROLE_DIM, empty);
	else
		y += draw_table(u, w, y, ix, iw, main_h, cls, ps, &ctx, true, focused, ps->filter);
	if (sub && sub_h >= 3) {
		const struct pane_meta *sm = sub->meta(s);
		snprintf(t, sizeof t, "%s%s", sub->title,
		         sm->status == PANE_ERROR ? " (last poll failed)" :
		         sm->status == PANE_UNAVAILABLE ? " (not available)" : "");
		put(u, w, y, ix, iw, ROLE_TITLE, t);
		draw_table(u, w, y + 1, ix, iw, sub_h - 1, sub, &u->sub_ps, &ctx, false, false, ps->filter);
		y += sub_h;
	}
	/* the selected row's reason, on the bottom border of the focused pane */
	if (focused && cls->row_why && ps->nvis > 0 && ps->sel >= 0 && ps->sel < ps->nvis && !empty) {
		const void *r = ps->order[ps->sel];
		const char *why = cls->row_why(r);
		if (why && *why) {
			enum health h = cls->row_health(r);
			snprintf(t, sizeof t, " %s %.200s ", pane_health_symbol(h, u->utf8), why);
			put(u, w, H - 1, 2, W - 4, pane_health_role(h), t);
		}
	}
	if (npost > 0) {
		int py = iy + (H - 2) - npost;
		if (py < y)
			py = y;
		draw_extra(u, w, py, ix, iw, iy + (H - 2) - py, cls, &ctx, true);
	}
	wnoutrefresh(w);
}

/* ---- help ------------------------------------------------------------------- */

static void draw_help(struct ui *u)
{
	int rows = LINES, cols = COLS;
	int nkeys = keymap_help_line(KCTX_MAIN | KCTX_PROMPT, 0, NULL, 0);
	int nlines = nkeys + 4;
	int hw = cols - 4 < 72 ? cols - 4 : 72;
	int hh = rows - 2 < nlines + 2 ? rows - 2 : nlines + 2;
	if (hw < 20 || hh < 5)
		return;
	int oh = -1, ow = -1;
	if (u->w_help)
		getmaxyx(u->w_help, oh, ow);
	if (oh != hh || ow != hw) { /* reuse the window while its size holds */
		del_win(&u->w_help);
		u->w_help = newwin(hh, hw, (rows - hh) / 2, (cols - hw) / 2);
	}
	if (!u->w_help)
		return;
	WINDOW *w = u->w_help;
	wbkgdset(w, ' ' | ui_attr(u, ROLE_NORMAL));
	werase(w);
	frame(u, w, ROLE_ACCENT);
	put(u, w, 0, 2, hw - 4, ROLE_TITLE_FOCUS, " Help: keys (Esc or ? closes) ");
	int body = hh - 2;
	int max_top = nlines - body;
	if (max_top < 0)
		max_top = 0;
	if (u->help_top > max_top)
		u->help_top = max_top;
	if (u->help_top < 0)
		u->help_top = 0;
	for (int i = 0; i < body; i++) {
		int li = u->help_top + i;
		char buf[PANE_LINE_MAX];
		enum theme_role role = ROLE_NORMAL;
		if (li < nkeys) {
			keymap_help_line(KCTX_MAIN | KCTX_PROMPT, li, buf, sizeof buf);
		} else if (li == nkeys) {
			buf[0] = '\0';
		} else if (li == nkeys + 1) {
			snprintf(buf, sizeof buf, "  Marks: %s ok   %s warning   %s critical",
			         pane_health_symbol(HEALTH_OK, u->utf8), pane_health_symbol(HEALTH_WARNING, u->utf8),
			         pane_health_symbol(HEALTH_CRITICAL, u->utf8));
		} else if (li == nkeys + 2) {
			snprintf(buf, sizeof buf, "  Filter prompt: type text, Enter applies, Esc clears");
			role = ROLE_DIM;
		} else if (li == nkeys + 3) {
			snprintf(buf, sizeof buf, "  Theme: %s%s%.200s", u->theme.name,
			         u->theme_err[0] ? "  " : "", u->theme_err);
			role = u->theme_err[0] ? ROLE_WARNING : ROLE_DIM;
		} else {
			break;
		}
		put(u, w, 1 + i, 1, hw - 2, role, buf);
	}
	wnoutrefresh(w);
}

/* ---- render ------------------------------------------------------------------- */

static void render(struct ui *u)
{
	int rows = LINES, cols = COLS;
	struct layout l;
	layout_compute(&l, rows, cols, u->focus, u->zoomed, false);
	bool changed = !u->have_lay || u->relayout || memcmp(&l, &u->lay, sizeof l) != 0;
	if (changed) {
		u->lay = l;
		u->have_lay = true;
		build_windows(u);
		werase(stdscr);
		wnoutrefresh(stdscr);
		if (u->relayout)
			clearok(curscr, TRUE);
		u->relayout = false;
	}
	if (l.mode == LAYOUT_TOO_SMALL) {
		char msg[128];
		werase(stdscr);
		snprintf(msg, sizeof msg, "Terminal too small: enlarge to at least %dx%d (now %dx%d)",
		         LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, cols, rows);
		if (rows > 0 && cols > 0) {
			char buf[160];
			text_fit(buf, sizeof buf, msg, cols, u->utf8);
			int tw = text_width(buf);
			wattrset(stdscr, ui_attr(u, ROLE_WARNING));
			mvwaddnstr(stdscr, rows / 2, tw < cols ? (cols - tw) / 2 : 0, buf, -1);
			wattrset(stdscr, A_NORMAL);
		}
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	draw_header(u);
	if (l.mode == LAYOUT_TABS)
		draw_tabs(u);
	for (int i = 0; i < PANE_COUNT; i++)
		if (l.visible[i])
			draw_pane(u, (enum pane_id)i);
	draw_status(u);
	if (u->help)
		draw_help(u);
	else
		del_win(&u->w_help);
	doupdate();
}

static void prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	if (!u->dirty || u->a->quit)
		return;
	u->dirty = false;
	render(u);
}

/* ---- input ---------------------------------------------------------------------- */

static void focus_to(struct ui *u, int id)
{
	if (id < 0)
		id = PANE_COUNT - 1;
	if (id >= PANE_COUNT)
		id = 0;
	u->focus = (enum pane_id)id;
}

static void move_sel(struct ui *u, int delta, bool absolute)
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

static void prompt_key(struct ui *u, int ch)
{
	struct pane_state *ps = &u->ps[u->focus];
	enum command c = keymap_lookup(ch, KCTX_PROMPT);
	size_t l = strlen(ps->filter);
	switch (c) {
	case CMD_PROMPT_ACCEPT:
		u->prompt = false;
		return;
	case CMD_PROMPT_CANCEL:
		ps->filter[0] = '\0';
		u->prompt = false;
		return;
	case CMD_PROMPT_BACKSPACE:
		while (l > 0) {
			unsigned char b = (unsigned char)ps->filter[--l];
			ps->filter[l] = '\0';
			if ((b & 0xc0) != 0x80)
				break;
		}
		return;
	case CMD_QUIT:
		app_quit(u->a, 0);
		return;
	case CMD_REDRAW:
		u->relayout = true;
		return;
	default:
		break;
	}
	if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && l + 1 < sizeof ps->filter) {
		ps->filter[l] = (char)ch;
		ps->filter[l + 1] = '\0';
		ps->sel = 0;
		ps->top = 0;
	}
}

static void handle_key(struct ui *u, int ch)
{
	struct app *a = u->a;
	if (ch == KEY_RESIZE) {
		u->relayout = true;
		return;
	}
	if (u->prompt) {
		prompt_key(u, ch);
		return;
	}
	enum command c = keymap_lookup(ch, u->help ? KCTX_HELP : KCTX_MAIN);
	struct pane_state *ps = &u->ps[u->focus];
	const struct pane_class *cls = pane_class_of(u->focus);
	if (u->help) {
		switch (c) {
		case CMD_HELP:
		case CMD_CLOSE: u->help = false; break;
		case CMD_QUIT: app_quit(a, 0); break;
		case CMD_UP: u->help_top--; break;
		case CMD_DOWN: u->help_top++; break;
		case CMD_PAGE_UP: u->help_top -= 10; break;
		case CMD_PAGE_DOWN: u->help_top += 10; break;
		case CMD_HOME: u->help_top = 0; break;
		case CMD_END: u->help_top = 1000; break;
		case CMD_REDRAW: u->relayout = true; break;
		default: break;
		}
		return;
	}
	switch (c) {
	case CMD_NONE: break;
	case CMD_QUIT: app_quit(a, 0); break;
	case CMD_HELP: u->help = true; u->help_top = 0; break;
	case CMD_CLOSE:
		if (u->zoomed)
			u->zoomed = false;
		break;
	case CMD_FOCUS_NEXT: focus_to(u, (int)u->focus + 1); break;
	case CMD_FOCUS_PREV: focus_to(u, (int)u->focus - 1); break;
	case CMD_FOCUS_1: case CMD_FOCUS_2: case CMD_FOCUS_3: case CMD_FOCUS_4: case CMD_FOCUS_5:
		focus_to(u, (int)(c - CMD_FOCUS_1));
		break;
	case CMD_ZOOM: u->zoomed = !u->zoomed; break;
	case CMD_UP: move_sel(u, -1, false); break;
	case CMD_DOWN: move_sel(u, 1, false); break;
	case CMD_PAGE_UP: move_sel(u, -ps->page, false); break;
	case CMD_PAGE_DOWN: move_sel(u, ps->page, false); break;
	case CMD_HOME: move_sel(u, -1, true); break;
	case CMD_END: move_sel(u, 1, true); break;
	case CMD_SORT_NEXT:
		for (int k = 1; k <= cls->ncols; k++) {
			int nc = (ps->sort_col + k) % cls->ncols;
			if (cls->cols[nc].cmp) {
				ps->sort_col = nc;
				break;
			}
		}
		{
			char msg[96];
			snprintf(msg, sizeof msg, "sort %s by %s %s", cls->title, cls->cols[ps->sort_col].name,
			         ps->sort_desc ? "descending" : "ascending");
			ui_notice(u, msg);
		}
		break;
	case CMD_SORT_REVERSE: {
		char msg[96];
		ps->sort_desc = !ps->sort_desc;
		snprintf(msg, sizeof msg, "sort %s by %s %s", cls->title, cls->cols[ps->sort_col].name,
		         ps->sort_desc ? "descending" : "ascending");
		ui_notice(u, msg);
		break;
	}
	case CMD_FILTER: u->prompt = true; break;
	case CMD_INTERVAL_UP:
	case CMD_INTERVAL_DOWN: {
		double iv = keymap_interval_step(a->interval, c == CMD_INTERVAL_UP ? 1 : -1);
		char msg[64], d[32];
		app_set_interval(a, iv);
		snprintf(msg, sizeof msg, "refresh every %s", pane_dur(d, sizeof d, iv));
		ui_notice(u, msg);
		break;
	}
	case CMD_PAUSE: app_toggle_pause(a); break;
	case CMD_REFRESH:
		app_refresh_now(a); /* it says "refreshing" or why not */
		break;
	case CMD_REDRAW: u->relayout = true; break;
	default: break;
	}
}

static void stdin_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	int ch, guard = 0;
	while (guard++ < 4096 && (ch = wgetch(stdscr)) != ERR) {
		handle_key(u, ch);
		if (u->a->quit)
			break;
	}
	u->dirty = true;
}

static void winch_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	u->relayout = true;
	u->dirty = true;
}

static void quit_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	app_quit(u->a, 0);
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	u->dirty = true;
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

static void setup_theme(struct ui *u)
{
	const struct options *o = &u->a->opt;
	const char *nc = getenv("NO_COLOR");
	bool mono = o->no_color || (nc && *nc) || !has_colors();
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

/* ---- public ----------------------------------------------------------------------- */

void ui_mark_dirty(struct ui *u)
{
	if (u)
		u->dirty = true;
}

void ui_notice(struct ui *u, const char *msg)
{
	if (!u)
		return;
	snprintf(u->notice, sizeof u->notice, "%s", msg ? msg : "");
	u->notice_at = now_s();
	u->dirty = true;
}

struct ui *ui_new(struct app *a)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tsdbtop: the console needs a terminal (use --once or --json without one)\n");
		return NULL;
	}
	struct ui *u = calloc(1, sizeof *u);
	if (!u) {
		fprintf(stderr, "tsdbtop: out of memory\n");
		return NULL;
	}
	u->a = a;
	u->loop = a->loop ? a->loop : EV_DEFAULT;
	const char *cs = nl_langinfo(CODESET);
	u->utf8 = !a->opt.ascii && cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	u->scr = newterm(NULL, stdout, stdin);
	if (!u->scr) {
		const char *term = getenv("TERM");
		fprintf(stderr, "tsdbtop: cannot open the terminal (TERM=%s)\n", term ? term : "unset");
		free(u);
		return NULL;
	}
	set_term(u->scr);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	setup_theme(u);
	for (int i = 0; i < PANE_COUNT; i++) {
		const struct pane_class *cls = pane_class_of((enum pane_id)i);
		u->ps[i].sort_col = cls->default_sort;
		u->ps[i].sort_desc = cls->default_desc;
	}
	u->sub_ps.sort_col = pane_compression_jobs_class.default_sort;

	ev_io_init(&u->in_w, stdin_cb, STDIN_FILENO, EV_READ);
	u->in_w.data = u;
	ev_io_start(u->loop, &u->in_w);
	ev_signal_init(&u->winch_w, winch_cb, SIGWINCH);
	u->winch_w.data = u;
	ev_signal_start(u->loop, &u->winch_w);
	ev_signal_init(&u->int_w, quit_cb, SIGINT);
	u->int_w.data = u;
	ev_signal_start(u->loop, &u->int_w);
	ev_signal_init(&u->term_w, quit_cb, SIGTERM);
	u->term_w.data = u;
	ev_signal_start(u->loop, &u->term_w);
	ev_prepare_init(&u->prep_w, prepare_cb);
	u->prep_w.data = u;
	ev_prepare_start(u->loop, &u->prep_w);
	ev_timer_init(&u->tick_w, tick_cb, 1.0, 1.0);
	u->tick_w.data = u;
	ev_timer_start(u->loop, &u->tick_w);
	u->dirty = true;
	u->relayout = true;
	a->ui = u;
	return u;
}

void ui_free(struct ui *u)
{
	if (!u)
		return;
	ev_io_stop(u->loop, &u->in_w);
	ev_signal_stop(u->loop, &u->winch_w);
	ev_signal_stop(u->loop, &u->int_w);
	ev_signal_stop(u->loop, &u->term_w);
	ev_prepare_stop(u->loop, &u->prep_w);
	ev_timer_stop(u->loop, &u->tick_w);
	destroy_windows(u);
	/* leave nothing behind, also on terminals without an alternate screen */
	wattrset(stdscr, A_NORMAL);
	werase(stdscr);
	clearok(stdscr, TRUE);
	wrefresh(stdscr);
	curs_set(1);
	endwin();
	delscreen(u->scr);
	fflush(stdout);
	for (int i = 0; i < PANE_COUNT; i++)
		free(u->ps[i].order);
	free(u->sub_ps.order);
	if (u->a && u->a->ui == u)
		u->a->ui = NULL;
	free(u);
}
