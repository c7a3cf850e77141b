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

#include "tsdbtop/action.h"
#include "tsdbtop/actlog.h"
#include "tsdbtop/app.h"
#include "tsdbtop/config.h"
#include "tsdbtop/format.h"
#include "tsdbtop/jobview.h"
#include "tsdbtop/keymap.h"
#include "tsdbtop/layout.h"
#include "tsdbtop/pane.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/server.h"
#include "tsdbtop/theme.h"
#include "tsdbtop/trend.h"
#include "tsdbtop/ui.h"

#include "kiosk.h"

#ifndef TSDBTOP_THEME_DIR
#define TSDBTOP_THEME_DIR "/usr/local/share/tsdbtop/themes"
#endif

#define FILTER_MAX 64
#define CTRL_C_KEY 3

enum typed_mode { TYPED_NONE, TYPED_NAME, TYPED_WINDOW };
enum list_kind { LIST_NONE, LIST_CHUNKS, LIST_JOBS, LIST_JOB_DETAIL };

struct pane_state {
	int sel, top, page;
	int sort_col;
	bool sort_desc;
	char filter[FILTER_MAX];
	const void **order;
	int order_cap, nvis;
	int row_y, row_n;               /* screen row of the first table row, rows shown (mouse) */
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
	/* actions */
	bool dialog;                    /* an action dialog is open */
	enum typed_mode typed_mode;
	char typed[96];
	int dlg_sel, dlg_top;
	struct action_request last_req;
	enum action_state act_last;
	enum list_kind list;            /* chunk list / jobs list overlay */
	int list_sel, list_top;
	char list_title[NAME_LEN * 2];
	int jobs[256], njobs;
	int detail_job;                 /* LIST_JOB_DETAIL: its id */
	bool log_open;
	WINDOW *w_dialog, *w_list, *w_log;
	/* kiosk (see kiosk.h) */
	WINDOW *w_banner;
	struct kiosk_keys kk;
	int cycle_pos;
	double cycle_until;
	ev_signal hup_w;
	/* D: databases */
	bool dbl_open;
	int dbl_sel;
	char switch_to[128];
	bool switch_check;
	WINDOW *w_dbl;
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
	del_win(&u->w_banner);
	del_win(&u->w_dbl);
	del_win(&u->w_tabs);
	del_win(&u->w_status);
	del_win(&u->w_help);
	del_win(&u->w_dialog);
	del_win(&u->w_list);
	del_win(&u->w_log);
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
	u->w_banner = mkwin(&u->lay.banner);
	u->w_status = mkwin(&u->lay.status);
	if (u->lay.mode == LAYOUT_TABS)
		u->w_tabs = mkwin(&u->lay.tabs);
	for (int i = 0; i < PANE_COUNT; i++)
		if (u->lay.visible[i])
			u->w_pane[i] = mkwin(&u->lay.pane[i]);
}

static bool act_running(const struct ui *u);
static void act_progress_text(struct ui *u, char *buf, size_t n);

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
		if (a->snap.compat.active) {   /* slower, and says why */
			char cd[160], cl[160];
			compat_describe(cd, sizeof cd, &a->snap.compat, si, true);
			sanitize_text(cl, sizeof cl, cd);
			size_t l = strlen(line);
			snprintf(line + l, sizeof line - l, "  %s", cl);
		}
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

/* The last poll is older than about two intervals (as a pane turns "old"). */
static bool poll_late(const struct app *a, double now)
{
	double iv = a->interval > 0 ? a->interval : 2;
	return now - a->snap.polled_at > 2 * iv + 5;
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
	const char *hint = a->opt.kiosk ? KIOSK_QUIT_HINT : "? help  q quit ";
	int hw = (int)strlen(hint);
	/* an action's progress or message needs the room: say less about the poll */
	bool compact = act_running(u) || (u->notice[0] && now - u->notice_at < 15 &&
	                                  strlen(u->notice) > (size_t)(W > 100 ? W - 100 : 0));
	if (a->snap.polled_at > 0 && !isnan(a->snap.polled_at)) {
		time_t tt = (time_t)a->snap.polled_at;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(t, sizeof t, "%H:%M:%S", &tm);
		/* the age only once the poll is late: a clock that ticks on every
		 * draw costs bytes on every refresh and says nothing new */
		ago[0] = '\0';
		if (poll_late(a, now)) {
			char d[32];
			pane_ago(d, sizeof d, a->snap.polled_at, now);
			snprintf(ago, sizeof ago, " (%s)", d);
		}
		if (compact)
			snprintf(line, sizeof line, " polled %s%s", t, ago);
		else {
			char sp[64];
			ui_spark(sp, sizeof sp, a->trends, "poll.ms", 8, u->utf8);
			snprintf(line, sizeof line, " polled %s UTC%s in %.0f ms%s%s", t, ago, a->snap.poll_ms,
			         sp[0] ? " " : "", sp);
		}
	} else {
		snprintf(line, sizeof line, " no poll yet");
	}
	pane_dur(iv, sizeof iv, a->interval);
	size_t l = strlen(line);
	if (!compact)
		snprintf(line + l, sizeof line - l, " %s every %s", u->utf8 ? "\u00b7" : "|", iv);
	int x = put(u, w, 0, 0, W - hw - 1, ROLE_STATUS, line);
	if (a->paused)
		x += put(u, w, 0, x, W - hw - 1 - x, ROLE_WARNING, "  PAUSED");
	else if (a->polling && a->stalled_for >= 1)    /* a slow one: a fast one would flicker */
		x += put(u, w, 0, x, W - hw - 1 - x, ROLE_STATUS, "  polling");
	if ((a->conn_state == CONN_BACKOFF || a->conn_state == CONN_FAILED) && a->conn_msg[0]) {
		snprintf(line, sizeof line, "  %s", a->conn_msg);
		x += put(u, w, 0, x, W - hw - 1 - x, ROLE_CRITICAL, line);
	}
	if (act_running(u)) {
		char pg[PANE_LINE_MAX];
		act_progress_text(u, pg, sizeof pg);
		snprintf(line, sizeof line, "  %s", pg);
		put(u, w, 0, x, W - hw - 1 - x, ROLE_WARNING, line);
	} else if (u->notice[0] && now - u->notice_at < 15) {
		snprintf(line, sizeof line, "  %s", u->notice);
		put(u, w, 0, x, W - hw - 1 - x, ROLE_ACCENT, line);
	}
	put(u, w, 0, W - hw, hw, ROLE_STATUS, hint);
	wnoutrefresh(w);
}

/* Pane order and visibility ([panes] order in the configuration). */
static int pane_at(const struct ui *u, int k)
{
	const struct config *c = u->a->opt.config;
	return c ? c->pane_order[k] : k;
}

static bool pane_shown(const struct ui *u, int id)
{
	const struct config *c = u->a->opt.config;
	return !c || c->pane_visible[id];
}

/* Tab / Shift-Tab: the next shown pane in the configured order. */
static void focus_step(struct ui *u, int dir)
{
	int k = 0;
	for (int i = 0; i < PANE_COUNT; i++)
		if (pane_at(u, i) == (int)u->focus)
			k = i;
	for (int n = 0; n < PANE_COUNT; n++) {
		k = (k + dir + PANE_COUNT) % PANE_COUNT;
		if (pane_shown(u, pane_at(u, k))) {
			u->focus = (enum pane_id)pane_at(u, k);
			return;
		}
	}
}

/* The grid without the hidden panes: a neighbour takes the room. */
static void apply_visibility(struct ui *u, struct layout *l)
{
	if (l->mode != LAYOUT_GRID)
		return;
	static const int pairs[2][2] = { { PANE_COMPRESSION, PANE_RETENTION }, { PANE_CAGGS, PANE_CACHE } };
	for (int p = 0; p < 2; p++) {
		int a = pairs[p][0], b = pairs[p][1];
		if (!pane_shown(u, a) && pane_shown(u, b)) {
			l->pane[b].w += l->pane[b].x - l->pane[a].x;
			l->pane[b].x = l->pane[a].x;
		} else if (pane_shown(u, a) && !pane_shown(u, b)) {
			l->pane[a].w = l->pane[b].x + l->pane[b].w - l->pane[a].x;
		}
	}
	/* a row with nothing left: the row above (or below) grows into it */
	bool mid = pane_shown(u, PANE_COMPRESSION) || pane_shown(u, PANE_RETENTION);
	bool low = pane_shown(u, PANE_CAGGS) || pane_shown(u, PANE_CACHE);
	if (!pane_shown(u, PANE_CHUNKS) && mid) {
		for (int i = PANE_COMPRESSION; i <= PANE_RETENTION; i++) {
			l->pane[i].h += l->pane[i].y - l->pane[PANE_CHUNKS].y;
			l->pane[i].y = l->pane[PANE_CHUNKS].y;
		}
	}
	if (!mid) {
		if (pane_shown(u, PANE_CHUNKS))
			l->pane[PANE_CHUNKS].h = l->pane[PANE_COMPRESSION].y + l->pane[PANE_COMPRESSION].h - l->pane[PANE_CHUNKS].y;
		else
			for (int i = PANE_CAGGS; i <= PANE_CACHE; i++) {
				l->pane[i].h += l->pane[i].y - l->pane[PANE_CHUNKS].y;
				l->pane[i].y = l->pane[PANE_CHUNKS].y;
			}
	}
	if (!low) {
		int bottom = l->pane[PANE_CAGGS].y + l->pane[PANE_CAGGS].h;
		for (int i = PANE_COMPRESSION; i <= PANE_RETENTION; i++)
			if (mid)
				l->pane[i].h = bottom - l->pane[i].y;
		if (!mid && pane_shown(u, PANE_CHUNKS))
			l->pane[PANE_CHUNKS].h = bottom - l->pane[PANE_CHUNKS].y;
	}
	for (int i = 0; i < PANE_COUNT; i++)
		if (!pane_shown(u, i)) {
			l->visible[i] = false;
			memset(&l->pane[i], 0, sizeof l->pane[i]);
		}
}

static void draw_tabs(struct ui *u)
{
	WINDOW *w = u->w_tabs;
	if (!w)
		return;
	werase(w);
	fill_line(u, w, 0, 0, u->lay.tabs.w, ROLE_NORMAL);
	int x = 1;
	for (int k = 0; k < PANE_COUNT && x < u->lay.tabs.w; k++) {
		char t[48];
		int i = pane_at(u, k);
		if (!pane_shown(u, i))
			continue;
		snprintf(t, sizeof t, " %d %s ", i + 1, pane_class_of((enum pane_id)i)->tab);
		enum theme_role r = (enum pane_id)i == u->focus ? ROLE_TITLE_FOCUS : ROLE_TITLE;
		x += put(u, w, 0, x, u->lay.tabs.w - x, r, t);
		x += 1;
	}
	if (u->zoomed && x + 10 < u->lay.tabs.w)
		put(u, w, 0, x + 1, u->lay.tabs.w - x - 1, ROLE_DIM,
		    u->a->opt.kiosk ? "(kiosk: panes in turn, critical first)" : "(zoomed: Enter/Esc)");
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

/* ---- trends: a sparkline column in wide tables, a chart when zoomed ---- */

#define TREND_COL_W 12
#define CHART_H 7

/* The trend series of a row of panes 2-5 (see trends_record), or NULL. */
static const char *row_trend_key(const struct pane_class *cls, const void *r, char *buf, size_t n)
{
	if (!r || cls != pane_class_of(cls->id))
		return NULL;
	switch (cls->id) {
	case PANE_COMPRESSION: {
		const struct comp_row *x = r;
		return trend_key(buf, n, "backlog", x->schema, x->name);
	}
	case PANE_RETENTION: {
		const struct ret_row *x = r;
		return trend_key(buf, n, "retention", x->schema, x->name);
	}
	case PANE_CAGGS: {
		const struct cagg_row *x = r;
		return trend_key(buf, n, "cagg.lag", x->schema, x->name);
	}
	case PANE_CACHE: {
		const struct cache_row *x = r;
		return trend_key(buf, n, "cache", x->schema, x->name);
	}
	default:
		return NULL;
	}
}

static bool has_trend(const struct ui *u, const struct pane_class *cls)
{
	return u->a->trends && cls == pane_class_of(cls->id) && cls->id != PANE_CHUNKS;
}

/* A figure of series key as people read it. */
static char *trend_value(char *buf, size_t n, const char *key, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else if (strncmp(key, "cagg.lag", 8) == 0)
		pane_dur(buf, n, v);
	else if (strncmp(key, "cache", 5) == 0)
		snprintf(buf, n, "%.1f%%", v * 100);
	else
		snprintf(buf, n, "%.0f", v);
	return buf;
}

/* The selected row's figure over the recent polls, h lines at y. */
static void draw_chart(struct ui *u, WINDOW *w, int y, int x0, int iw, int h, const struct pane_class *cls,
                       const struct pane_state *ps)
{
	char key[TREND_KEY], line[PANE_LINE_MAX * 4], t[PANE_LINE_MAX], a1[32], a2[32];
	const void *r = ps->nvis > 0 && ps->sel >= 0 && ps->sel < ps->nvis ? ps->order[ps->sel] : NULL;
	if (h < 3 || iw < 30 || !row_trend_key(cls, r, key, sizeof key))
		return;
	double all[TREND_SESSION], v[TREND_SESSION];
	int lw = 10, width = iw - lw - 1, stride;
	if (width > TREND_SESSION)
		width = TREND_SESSION;
	/* the whole session, averaged into the width when longer */
	int na = series_session(trends_get(u->a->trends, key), all, TREND_SESSION, &stride);
	int m = na <= width ? na : width;
	for (int j = 0; j < m; j++) {
		int from = na <= width ? j : j * na / width, to = na <= width ? j + 1 : (j + 1) * na / width;
		double sum = 0;
		int cnt = 0;
		for (int i = from; i < to; i++)
			if (!isnan(all[i])) {
				sum += all[i];
				cnt++;
			}
		v[j] = cnt ? sum / cnt : NAN;
	}
	double lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < m; i++)
		if (!isnan(v[i])) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
	const char *colon = strchr(key, ':');
	if (!isfinite(lo)) {
		snprintf(t, sizeof t, "Trend of %s: no history yet", colon ? colon + 1 : key);
		put(u, w, y, x0, iw, ROLE_DIM, t);
		return;
	}
	snprintf(t, sizeof t, "Trend of %s (%.*s) over the session, %d polls: %s .. %s", colon ? colon + 1 : key,
	         colon ? (int)(colon - key) : 0, key, na * stride, trend_value(a1, sizeof a1, key, lo),
	         trend_value(a2, sizeof a2, key, hi));
	put(u, w, y, x0, iw, ROLE_TITLE, t);
	int rows = h - 1;
	for (int i = 0; i < rows; i++) {
		spark_chart_line(line, sizeof line, v, m, width, rows, i, lo, hi, u->utf8);
		put(u, w, y + 1 + i, x0, lw, ROLE_DIM, i == 0 ? a2 : i == rows - 1 ? a1 : "");
		put(u, w, y + 1 + i, x0 + lw + 1, width, ROLE_ACCENT, line);
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
	/* a Trend column on the right when the table has room to spare */
	int min_w = MARK_W;
	for (int c = 0; c < cls->ncols && c < PANE_MAX_COLS; c++)
		min_w += cls->cols[c].width + (c ? 1 : 0);
	bool trend_col = selectable && has_trend(u, cls) && iw - min_w >= TREND_COL_W + 3;
	int full_iw = iw;
	if (trend_col)
		iw -= TREND_COL_W + 1;
	int shown = fit_columns(cls, iw, widths);
	int y = y0;
	/* column header */
	fill_line(u, w, y, x0, full_iw, ROLE_COLUMN_HEADER);
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
	if (trend_col)
		put_cell(u, w, y, x0 + iw + 1, TREND_COL_W, ALIGN_LEFT, ui_attr(u, ROLE_COLUMN_HEADER) | A_BOLD, "Trend");
	y++;
	int body = maxh - 1 - (cls->totals ? 1 : 0);
	if (selectable) {
		int by, bx;
		getbegyx(w, by, bx);
		(void)bx;
		ps->row_y = by + y;
		ps->row_n = body;
	}
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
			fill_line(u, w, y, x0, full_iw, ROLE_SELECTED);
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
		char tk[TREND_KEY], sp[TREND_COL_W * 4 + 1];
		if (trend_col && row_trend_key(cls, r, tk, sizeof tk) &&
		    ui_spark(sp, sizeof sp, u->a->trends, tk, TREND_COL_W, u->utf8)[0])
			put_cell(u, w, y, x0 + iw + 1, TREND_COL_W, ALIGN_LEFT, sel ? selat : ui_attr(u, ROLE_ACCENT), sp);
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
	if (id == PANE_CACHE && u->a->trends) {
		char sp[64];
		if (ui_spark(sp, sizeof sp, u->a->trends, "cache.ratio", 10, u->utf8)[0]) {
			snprintf(t, sizeof t, "%shit %s", dot, sp);
			x += put(u, w, 0, x, W - x - 2, focused ? ROLE_TITLE_FOCUS : ROLE_TITLE, t);
		}
	}
	if (ps->filter[0]) {
		snprintf(t, sizeof t, "%sfilter: %s", dot, ps->filter);
		x += put(u, w, 0, x, W - x - 2, ROLE_ACCENT, t);
	}
	put(u, w, 0, x, W - x - 2, focused ? ROLE_TITLE_FOCUS : ROLE_TITLE, " ");

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
	/* zoomed: a larger chart of the selected row's figure at the bottom */
	int chart_h = u->zoomed && focused && has_trend(u, cls) && avail >= 16 ? CHART_H : 0;
	avail -= chart_h;
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
	if (chart_h > 0)
		draw_chart(u, w, iy + (H - 2) - npost - chart_h, ix, iw, chart_h, cls, ps);
	if (npost > 0) {
		int py = iy + (H - 2) - npost;
		if (py < y)
			py = y;
		draw_extra(u, w, py, ix, iw, iy + (H - 2) - py, cls, &ctx, true);
	}
	wnoutrefresh(w);
}

#define HELP_MASK (KCTX_MAIN | KCTX_PROMPT | KCTX_LIST | KCTX_DIALOG | KCTX_TYPED)

/* Why an action key cannot work here (read-only mode, license, server). */
static bool help_disabled(struct ui *u, enum command c, char *why, size_t n)
{
	enum action_kind k = c == CMD_ACT_COMPRESS ? ACT_COMPRESS : c == CMD_ACT_DECOMPRESS ? ACT_DECOMPRESS_CHUNK
	                   : c == CMD_ACT_REFRESH ? ACT_REFRESH : c == CMD_ACT_RETENTION ? ACT_RETENTION
	                   : c == CMD_ACT_MAINTENANCE ? ACT_MAINTENANCE : c == CMD_JOB_RUN ? ACT_JOB_RUN
	                   : c == CMD_JOB_PAUSE ? ACT_JOB_PAUSE : ACT_JOB_RESUME;
	if (u->a->opt.read_only) {
		snprintf(why, n, "read-only mode");
		return true;
	}
	const struct server_info *si = &u->a->snap.server;
	if (!si->valid)
		return false;
	char buf[300];
	if (!action_unavailable(k, si, false, buf, sizeof buf))
		return false;
	snprintf(why, n, "%s", buf);
	return true;
}

/* ---- help ------------------------------------------------------------------- */

static void draw_help(struct ui *u)
{
	int rows = LINES, cols = COLS;
	int nkeys = keymap_help_line(HELP_MASK, 0, NULL, 0);
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
			keymap_help_line(HELP_MASK, li, buf, sizeof buf);
			enum command hc = keymap_help_cmd(HELP_MASK, li);
			char why[200];
			if (keymap_command_is_action(hc) && help_disabled(u, hc, why, sizeof why)) {
				size_t bl = strlen(buf);
				snprintf(buf + bl, sizeof buf - bl, "  [disabled: %s]", why);
				role = ROLE_DIM;
			}
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

/* ---- actions: dialogs, lists, progress, log ------------------------------------ */

/* A centred overlay window of h x w, reused while its size holds. */
static WINDOW *overlay_win(WINDOW **wp, int h, int w)
{
	int oh = -1, ow = -1;
	if (*wp)
		getmaxyx(*wp, oh, ow);
	if (oh != h || ow != w) {
		del_win(wp);
		*wp = newwin(h, w, (LINES - h) / 2, (COLS - w) / 2);
	}
	return *wp;
}

static const char *act_where_short(struct ui *u)
{
	return strncmp(action_where(u->a->actions), "on a second", 11) == 0 ? "second connection"
	                                                                    : "monitor connection";
}

/* "Compress act.x: 7/42 steps, 1.2 GB -> 180 MB" */
static void act_progress_text(struct ui *u, char *buf, size_t n)
{
	struct action_runner *r = u->a->actions;
	const struct action_plan *p = action_current(r);
	int done, total;
	double b, af;
	char bb[32], ab[32];
	action_progress(r, &done, &total, &b, &af);
	const char *unit = p->kind == ACT_COMPRESS ? "chunks" : "steps";
	snprintf(buf, n, "%s %s: %d/%d %s", p->title, p->target, done, total, unit);
	size_t l = strlen(buf);
	if (!isnan(b) && !isnan(af))
		snprintf(buf + l, n - l, ", %s %s %s", fmt_bytes(bb, sizeof bb, b), u->utf8 ? "\u2192" : "->",
		         fmt_bytes(ab, sizeof ab, af));
	l = strlen(buf);
	if (action_state(r) == AST_STOPPING)
		snprintf(buf + l, n - l, "  stopping%s", u->utf8 ? "\u2026" : "...");
	else
		snprintf(buf + l, n - l, "  (k or Esc stops)");
}

static bool act_running(const struct ui *u)
{
	if (!u->a->actions)
		return false;
	enum action_state st = action_state(u->a->actions);
	return st == AST_RUNNING || st == AST_STOPPING;
}

/* Keep the screen in step with the runner: a refused request closes the
 * dialog with the reason on the status line; a finished one says how it
 * ended. Called once per render. */
static void act_sync(struct ui *u)
{
	struct action_runner *r = u->a->actions;
	if (!r)
		return;
	enum action_state st = action_state(r);
	if (st != u->act_last) {
		if (st == AST_REFUSED) {
			u->dialog = false;
			u->typed_mode = TYPED_NONE;
			ui_notice(u, action_message(r));
		} else if (st == AST_DONE) {
			ui_notice(u, action_message(r));
			if (u->list == LIST_CHUNKS) {   /* show what changed */
				const struct chunk_list *cl = action_chunks(r);
				char sch[NAME_LEN], nm[NAME_LEN];
				snprintf(sch, sizeof sch, "%s", cl->ht_schema);
				snprintf(nm, sizeof nm, "%s", cl->ht_name);
				action_list_chunks(r, sch, nm);
			}
		} else if (st == AST_RUNNING || st == AST_IDLE) {
			u->dialog = false;
			u->typed_mode = TYPED_NONE;
		} else if (st == AST_PLANNED) {
			u->dlg_sel = 0;
			u->dlg_top = 0;
			u->typed[0] = '\0';
			u->typed_mode = action_current(r)->destructive ? TYPED_NAME : TYPED_NONE;
		}
		u->act_last = st;
	}
}

static void act_request(struct ui *u, const struct action_request *rq)
{
	struct action_runner *r = u->a->actions;
	if (!r)
		return;
	if (act_running(u) || action_state(r) == AST_PLANNING) {
		char msg[300];
		snprintf(msg, sizeof msg, "one action at a time: %s %s is %s (k stops it)", action_current(r)->title,
		         action_current(r)->target, action_state(r) == AST_PLANNING ? "being planned" : "running");
		ui_notice(u, msg);
		return;
	}
	u->last_req = *rq;
	u->act_last = AST_IDLE;
	if (action_prepare(r, rq) == 0)
		u->dialog = true;
	act_sync(u);
}

static const void *selected_row(struct ui *u, enum pane_id id)
{
	struct pane_state *ps = &u->ps[id];
	if (u->focus != id)
		return NULL;
	/* the rows may have been replaced by a poll since the last render */
	build_order(pane_class_of(id), ps, &u->a->snap, ps->filter);
	if (ps->nvis <= 0 || ps->sel < 0 || ps->sel >= ps->nvis || !ps->order)
		return NULL;
	return ps->order[ps->sel];
}

static void act_key(struct ui *u, enum command c)
{
	struct app *a = u->a;
	struct action_request rq;
	memset(&rq, 0, sizeof rq);
	rq.kind = c == CMD_ACT_COMPRESS ? ACT_COMPRESS : c == CMD_ACT_DECOMPRESS ? ACT_DECOMPRESS_CHUNK
	        : c == CMD_ACT_REFRESH ? ACT_REFRESH : c == CMD_ACT_RETENTION ? ACT_RETENTION : ACT_MAINTENANCE;
	/* what this server, license or mode does not allow is said (and
	 * logged) by the action layer, whatever row is selected */
	char why[300];
	if (action_unavailable(rq.kind, &a->snap.server, a->opt.read_only, why, sizeof why)) {
		act_request(u, &rq);
		return;
	}
	const struct ht_row *ht = u->focus == PANE_CHUNKS ? selected_row(u, PANE_CHUNKS) : NULL;
	const struct comp_row *cr = u->focus == PANE_COMPRESSION ? selected_row(u, PANE_COMPRESSION) : NULL;
	const struct ret_row *rr = u->focus == PANE_RETENTION ? selected_row(u, PANE_RETENTION) : NULL;
	const struct cagg_row *ca = u->focus == PANE_CAGGS ? selected_row(u, PANE_CAGGS) : NULL;
	switch (rq.kind) {
	case ACT_COMPRESS:
		if (ht) {
			snprintf(rq.schema, sizeof rq.schema, "%s", ht->schema);
			snprintf(rq.name, sizeof rq.name, "%s", ht->name);
			rq.time_is_int = ht->time_is_int;
		} else if (cr) {
			snprintf(rq.schema, sizeof rq.schema, "%s", cr->schema);
			snprintf(rq.name, sizeof rq.name, "%s", cr->name);
			rq.time_is_int = isnan(cr->compress_after_s) && cr->compress_after[0];
		} else {
			ui_notice(u, "c compresses the selected hypertable: focus the Chunks or Compression pane");
			return;
		}
		break;
	case ACT_DECOMPRESS_CHUNK:
		ui_notice(u, "d decompresses one chunk: open the chunk list (Enter on the Chunks pane)");
		return;
	case ACT_REFRESH:
		if (!ca) {
			ui_notice(u, "f refreshes a continuous aggregate: focus pane 4");
			return;
		}
		snprintf(rq.schema, sizeof rq.schema, "%s", ca->schema);
		snprintf(rq.name, sizeof rq.name, "%s", ca->name);
		break;
	case ACT_RETENTION:
		if (!rr) {
			ui_notice(u, "x drops what retention would drop: focus the Retention pane");
			return;
		}
		snprintf(rq.schema, sizeof rq.schema, "%s", rr->schema);
		snprintf(rq.name, sizeof rq.name, "%s", rr->name);
		break;
	default:
		break;
	}
	act_request(u, &rq);
}

/* j: the jobs of the selected row */
static void open_jobs(struct ui *u)
{
	const struct snapshot *s = &u->a->snap;
	const char *schema = NULL, *name = NULL;
	const void *row = selected_row(u, u->focus);
	if (!row) {
		ui_notice(u, "j: select a row first");
		return;
	}
	switch (u->focus) {
	case PANE_CHUNKS: schema = ((const struct ht_row *)row)->schema; name = ((const struct ht_row *)row)->name; break;
	case PANE_COMPRESSION: schema = ((const struct comp_row *)row)->schema; name = ((const struct comp_row *)row)->name; break;
	case PANE_RETENTION: schema = ((const struct ret_row *)row)->schema; name = ((const struct ret_row *)row)->name; break;
	case PANE_CAGGS: schema = ((const struct cagg_row *)row)->schema; name = ((const struct cagg_row *)row)->name; break;
	default: break;
	}
	if (!name) {
		ui_notice(u, "j: the Cache pane has no jobs");
		return;
	}
	u->njobs = 0;
	for (int i = 0; i < s->jobs.n && u->njobs < (int)(sizeof u->jobs / sizeof u->jobs[0]); i++)
		if (strcmp(s->jobs.v[i].ht_schema, schema) == 0 && strcmp(s->jobs.v[i].ht_name, name) == 0)
			u->jobs[u->njobs++] = s->jobs.v[i].id;
	pane_qualname(u->list_title, sizeof u->list_title, schema, name);
	if (u->njobs == 0) {
		char msg[200];
		snprintf(msg, sizeof msg, "no jobs for %s", u->list_title);
		ui_notice(u, msg);
		return;
	}
	u->list = LIST_JOBS;
	u->list_sel = 0;
}

/* J: every job on the server (user-defined jobs have no row of their own) */
static void open_all_jobs(struct ui *u)
{
	const struct snapshot *s = &u->a->snap;
	u->njobs = 0;
	for (int i = 0; i < s->jobs.n && u->njobs < (int)(sizeof u->jobs / sizeof u->jobs[0]); i++)
		u->jobs[u->njobs++] = s->jobs.v[i].id;
	if (u->njobs == 0) {
		ui_notice(u, s->jobs_meta.status == PANE_OK ? "no jobs on this server" : "J: jobs are not known yet");
		return;
	}
	snprintf(u->list_title, sizeof u->list_title, "this database");
	u->list = LIST_JOBS;
	u->list_sel = 0;
}

static void open_chunks(struct ui *u)
{
	const struct ht_row *ht = selected_row(u, PANE_CHUNKS);
	if (!ht || !u->a->actions)
		return;
	pane_qualname(u->list_title, sizeof u->list_title, ht->schema, ht->name);
	action_list_chunks(u->a->actions, ht->schema, ht->name);
	u->list = LIST_CHUNKS;
	u->list_sel = 0;
}

static const struct job_row *find_job(const struct ui *u, int id)
{
	const struct snapshot *s = &u->a->snap;
	for (int i = 0; i < s->jobs.n; i++)
		if (s->jobs.v[i].id == id)
			return &s->jobs.v[i];
	return NULL;
}

static int list_len(const struct ui *u)
{
	if (u->list == LIST_JOBS)
		return u->njobs;
	if (u->list == LIST_JOB_DETAIL)
		return JOBVIEW_MAX_LINES;
	if (u->list == LIST_CHUNKS && u->a->actions)
		return action_chunks(u->a->actions)->n;
	return 0;
}

static void list_key(struct ui *u, enum command c)
{
	int n = list_len(u);
	struct action_request rq;
	memset(&rq, 0, sizeof rq);
	switch (c) {
	case CMD_CLOSE:
		if (u->list == LIST_JOB_DETAIL) {   /* back to the list it came from */
			u->list = LIST_JOBS;
			u->list_sel = u->list_top = 0;
			for (int k = 0; k < u->njobs; k++)
				if (u->jobs[k] == u->detail_job)
					u->list_sel = k;
			return;
		}
		u->list = LIST_NONE;
		return;
	case CMD_JOB_DETAIL:
		if (u->list != LIST_JOBS || u->list_sel < 0 || u->list_sel >= n)
			return;
		u->detail_job = u->jobs[u->list_sel];
		u->list = LIST_JOB_DETAIL;
		u->list_sel = u->list_top = 0;
		return;
	case CMD_QUIT: app_quit(u->a, 0); return;
	case CMD_UP: u->list_sel--; break;
	case CMD_DOWN: u->list_sel++; break;
	case CMD_PAGE_UP: u->list_sel -= 10; break;
	case CMD_PAGE_DOWN: u->list_sel += 10; break;
	case CMD_HOME: u->list_sel = 0; break;
	case CMD_END: u->list_sel = n - 1; break;
	case CMD_REDRAW: u->relayout = true; return;
	case CMD_ACT_LOG: u->log_open = !u->log_open; return;
	case CMD_ACT_STOP: if (act_running(u)) action_stop(u->a->actions); return;
	case CMD_ACT_COMPRESS:
	case CMD_ACT_DECOMPRESS:
		if (u->list != LIST_CHUNKS) {
			ui_notice(u, "c / d work on the chunk list (Enter on the Chunks pane)");
			return;
		}
		if (u->list_sel < 0 || u->list_sel >= n)
			return;
		rq.kind = c == CMD_ACT_COMPRESS ? ACT_COMPRESS_CHUNK : ACT_DECOMPRESS_CHUNK;
		snprintf(rq.schema, sizeof rq.schema, "%s", action_chunks(u->a->actions)->v[u->list_sel].schema);
		snprintf(rq.name, sizeof rq.name, "%s", action_chunks(u->a->actions)->v[u->list_sel].name);
		act_request(u, &rq);
		return;
	case CMD_JOB_RUN:
	case CMD_JOB_PAUSE:
	case CMD_JOB_RESUME:
		if (u->list != LIST_JOBS && u->list != LIST_JOB_DETAIL) {
			ui_notice(u, "r / p / u work on the jobs list (j)");
			return;
		}
		if (u->list == LIST_JOBS && (u->list_sel < 0 || u->list_sel >= n))
			return;
		rq.kind = c == CMD_JOB_RUN ? ACT_JOB_RUN : c == CMD_JOB_PAUSE ? ACT_JOB_PAUSE : ACT_JOB_RESUME;
		rq.job_id = u->list == LIST_JOB_DETAIL ? u->detail_job : u->jobs[u->list_sel];
		rq.scheduler_running = u->a->snap.sched.known && u->a->snap.sched.running;
		act_request(u, &rq);
		return;
	default: return;
	}
	if (u->list_sel >= n)
		u->list_sel = n - 1;
	if (u->list_sel < 0)
		u->list_sel = 0;
}

static void typed_key(struct ui *u, int ch)
{
	struct action_runner *r = u->a->actions;
	enum command c = keymap_lookup(ch, KCTX_TYPED);
	size_t l = strlen(u->typed);
	switch (c) {
	case CMD_PROMPT_ACCEPT:
		if (u->typed_mode == TYPED_WINDOW) {
			struct action_request rq = u->last_req;
			snprintf(rq.window, sizeof rq.window, "%s", u->typed);
			u->typed_mode = TYPED_NONE;
			action_dismiss(r);
			u->act_last = AST_IDLE;
			u->last_req = rq;
			if (action_prepare(r, &rq) == 0)
				u->dialog = true;
			act_sync(u);
			return;
		}
		if (action_confirm(r, u->typed) != 0)
			ui_notice(u, action_message(r));
		act_sync(u);
		return;
	case CMD_PROMPT_CANCEL:
		if (u->typed_mode == TYPED_WINDOW) {
			u->typed_mode = TYPED_NONE;
			return;
		}
		action_dismiss(r);
		u->dialog = false;
		u->typed_mode = TYPED_NONE;
		ui_notice(u, "cancelled: nothing ran");
		return;
	case CMD_PROMPT_BACKSPACE:
		while (l > 0) {
			unsigned char b = (unsigned char)u->typed[--l];
			u->typed[l] = '\0';
			if ((b & 0xc0) != 0x80)
				break;
		}
		return;
	case CMD_QUIT: app_quit(u->a, 0); return;
	case CMD_REDRAW: u->relayout = true; return;
	default: break;
	}
	if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && l + 1 < sizeof u->typed) {
		u->typed[l] = (char)ch;
		u->typed[l + 1] = '\0';
	}
}

static void dialog_key(struct ui *u, int ch)
{
	struct action_runner *r = u->a->actions;
	if (u->typed_mode != TYPED_NONE && action_state(r) == AST_PLANNED) {
		typed_key(u, ch);
		return;
	}
	enum command c = keymap_lookup(ch, KCTX_DIALOG);
	const struct action_plan *p = action_current(r);
	switch (c) {
	case CMD_DIALOG_YES:
		if (action_state(r) != AST_PLANNED) {
			ui_notice(u, "still planning: confirm when the dialog shows what will run");
			return;
		}
		if (action_confirm(r, NULL) != 0)
			ui_notice(u, action_message(r));
		act_sync(u);
		return;
	case CMD_DIALOG_NO:
		action_dismiss(r);
		u->dialog = false;
		ui_notice(u, "cancelled: nothing ran");
		return;
	case CMD_UP: if (u->dlg_sel > 0) u->dlg_sel--; return;
	case CMD_DOWN: if (u->dlg_sel < p->nsteps - 1) u->dlg_sel++; return;
	case CMD_PAGE_UP: u->dlg_sel = u->dlg_sel > 10 ? u->dlg_sel - 10 : 0; return;
	case CMD_PAGE_DOWN: u->dlg_sel = u->dlg_sel + 10 < p->nsteps ? u->dlg_sel + 10 : p->nsteps - 1; return;
	case CMD_DIALOG_SKIP:
		if (u->dlg_sel >= 0 && u->dlg_sel < p->nsteps)
			action_skip(r, u->dlg_sel, p->steps[u->dlg_sel].state != STEP_SKIPPED);
		return;
	case CMD_COPY:
		if (u->dlg_sel >= 0 && u->dlg_sel < p->nsteps) {
			char msg[200];
			snprintf(msg, sizeof msg, ui_osc52_copy(p->steps[u->dlg_sel].shown) == 0
			         ? "copied the SQL of step %d (OSC 52)" : "could not write to the terminal", u->dlg_sel + 1);
			ui_notice(u, msg);
		}
		return;
	case CMD_DIALOG_WINDOW:
		if (p->kind == ACT_REFRESH && action_state(r) == AST_PLANNED) {
			u->typed_mode = TYPED_WINDOW;
			u->typed[0] = '\0';
		}
		return;
	case CMD_QUIT: app_quit(u->a, 0); return;
	case CMD_REDRAW: u->relayout = true; return;
	default: return;
	}
}

static void draw_dialog(struct ui *u)
{
	struct action_runner *r = u->a->actions;
	const struct action_plan *p = action_current(r);
	enum action_state st = action_state(r);
	int ww = COLS - 4 < 110 ? COLS - 4 : 110;
	int steps_h = p->nsteps < 6 ? (p->nsteps ? p->nsteps * 3 : 1) : 18;
	int hh = 10 + steps_h;
	if (hh > LINES - 2)
		hh = LINES - 2;
	if (ww < 30 || hh < 8)
		return;
	WINDOW *w = overlay_win(&u->w_dialog, hh, ww);
	if (!w)
		return;
	char line[PANE_LINE_MAX * 2];
	wbkgdset(w, ' ' | ui_attr(u, ROLE_NORMAL));
	werase(w);
	frame(u, w, p->destructive ? ROLE_CRITICAL : ROLE_ACCENT);
	snprintf(line, sizeof line, " %s %s ", p->title, p->target);
	put(u, w, 0, 2, ww - 4, ROLE_TITLE_FOCUS, line);
	int y = 1, iw = ww - 4;
	if (st == AST_PLANNING) {
		snprintf(line, sizeof line, "planning: asking the server what this would touch%s", u->utf8 ? "\u2026" : "...");
		put(u, w, 2, 2, iw, ROLE_DIM, line);
		put(u, w, hh - 2, 2, iw, ROLE_DIM, "Esc / n cancels");
		wnoutrefresh(w);
		return;
	}
	put(u, w, y++, 2, iw, p->destructive ? ROLE_CRITICAL : ROLE_NORMAL, p->effect);
	if (p->note[0])
		put(u, w, y++, 2, iw, ROLE_DIM, p->note);
	snprintf(line, sizeof line, "Runs on the %s with lock_timeout and statement_timeout set; the SQL:", act_where_short(u));
	put(u, w, y++, 2, iw, ROLE_DIM, line);
	int body = hh - y - 4;
	if (u->dlg_sel < u->dlg_top)
		u->dlg_top = u->dlg_sel;
	if (body >= 3 && u->dlg_sel >= u->dlg_top + body / 3)
		u->dlg_top = u->dlg_sel - body / 3 + 1;
	for (int i = u->dlg_top; i < p->nsteps && y + 1 < hh - 4 + 1 && y < hh - 4; i++) {
		const struct action_step *s = &p->steps[i];
		bool sel = i == u->dlg_sel && p->nsteps > 1;
		snprintf(line, sizeof line, "%s%2d. %s%s", sel ? "> " : "  ", i + 1,
		         s->state == STEP_SKIPPED ? "[skip] " : "", s->desc);
		put(u, w, y++, 2, iw, sel ? ROLE_SELECTED : (s->state == STEP_SKIPPED ? ROLE_DIM : ROLE_NORMAL), line);
		/* the SQL in full, wrapped (up to three lines per step) */
		char sql[ACT_SQL_MAX + 300];
		snprintf(sql, sizeof sql, "%s;", s->shown);
		int cw = iw - 6, nl = 0;
		for (const char *q = sql; *q && y < hh - 4 && nl < 3 && cw > 10; nl++) {
			int take = (int)strlen(q);
			if (take > cw && nl < 2)
				take = cw;
			snprintf(line, sizeof line, "      %.*s", take, q);
			put(u, w, y++, 2, iw, ROLE_ACCENT, line);
			q += take;
		}
	}
	if (u->dlg_top + body / 3 < p->nsteps && y >= hh - 4)
		put(u, w, hh - 4, 2, iw, ROLE_DIM, "  (more steps: Up/Down)");
	if (u->typed_mode == TYPED_NAME) {
		snprintf(line, sizeof line, "Type the hypertable's name to confirm: %s_", u->typed);
		put(u, w, hh - 3, 2, iw, ROLE_WARNING, line);
		snprintf(line, sizeof line, "(%s) Enter runs when the name matches, Esc cancels", p->confirm_name);
		put(u, w, hh - 2, 2, iw, ROLE_DIM, line);
	} else if (u->typed_mode == TYPED_WINDOW) {
		snprintf(line, sizeof line, "Window (\"7 days\" = the last 7 days, or \"FROM..TO\"): %s_", u->typed);
		put(u, w, hh - 3, 2, iw, ROLE_WARNING, line);
		put(u, w, hh - 2, 2, iw, ROLE_DIM, "Enter plans it, Esc goes back");
	} else {
		put(u, w, hh - 2, 2, iw, ROLE_STATUS,
		    p->kind == ACT_REFRESH ? "Enter / y runs   Esc / n cancels   w types a window"
		    : p->nsteps > 1 ? "Enter / y runs   Esc / n cancels   Space skips the chosen step"
		    : "Enter / y runs   Esc / n cancels");
	}
	wnoutrefresh(w);
}

static void list_chunk_line(const struct chunk_item *it, bool utf8, char *line, size_t n)
{
	char st[48], t1[64], t2[32];
	snprintf(st, sizeof st, "%s%s%s%s", (it->status & CHUNK_STATUS_COMPRESSED) ? "compressed" : "uncompressed",
	         (it->status & CHUNK_STATUS_PARTIAL) ? ",partial" : "", (it->status & CHUNK_STATUS_FROZEN) ? ",frozen" : "",
	         (it->status & CHUNK_STATUS_UNORDERED) ? ",unordered" : "");
	pane_range(t1, sizeof t1, it->range_start, it->range_end, utf8);
	snprintf(line, n, " %-40s %-22s %10s  %s", it->name, st, fmt_bytes(t2, sizeof t2, it->bytes),
	         isnan(it->range_start) ? "" : t1);
}

/* Line k of the open list into line; returns its role. */
static enum theme_role list_line(struct ui *u, const struct jobview *v, int k, int width,
                                 char *line, size_t n)
{
	if (u->list == LIST_JOB_DETAIL) {
		snprintf(line, n, " %s", v->line[k]);
		return v->role[k];
	}
	if (u->list == LIST_CHUNKS) {
		list_chunk_line(&action_chunks(u->a->actions)->v[k], u->utf8, line, n);
		return ROLE_NORMAL;
	}
	const struct job_row *j = find_job(u, u->jobs[k]);
	if (!j) {
		snprintf(line, n, " job %d (gone)", u->jobs[k]);
		return ROLE_DIM;
	}
	line[0] = ' ';
	return jobview_list_line(line + 1, n - 1, j, now_s(), width - 1, u->utf8);
}

static const char *list_keys_line(const struct ui *u)
{
	switch (u->list) {
	case LIST_CHUNKS: return "c compress   d decompress   Esc closes";
	case LIST_JOB_DETAIL: return "r run now   p pause   u resume   Esc back to the list";
	default: return "Enter / h why and recent runs   r run now   p pause   u resume   Esc closes";
	}
}

static void list_title(const struct ui *u, int n, char *line, size_t len)
{
	if (u->list == LIST_CHUNKS)
		snprintf(line, len, " Chunks of %s (%d) ", u->list_title, n);
	else if (u->list == LIST_JOB_DETAIL)
		snprintf(line, len, " Job %d: why and recent runs ", u->detail_job);
	else
		snprintf(line, len, " Jobs of %s ", u->list_title);
}

static void draw_list(struct ui *u)
{
	static struct jobview v;
	int ww = COLS - 4 < 120 ? COLS - 4 : 120;
	if (u->list == LIST_JOB_DETAIL)
		jobview_detail(&v, &u->a->snap, u->detail_job, now_s(), ww - 4, u->utf8);
	int n = u->list == LIST_JOB_DETAIL ? v.n : list_len(u);
	int hh = (n < 5 ? 5 : n) + 4;
	if (hh > LINES - 4)
		hh = LINES - 4;
	if (ww < 30 || hh < 6)
		return;
	WINDOW *w = overlay_win(&u->w_list, hh, ww);
	if (!w)
		return;
	char line[PANE_LINE_MAX * 2];
	wbkgdset(w, ' ' | ui_attr(u, ROLE_NORMAL));
	werase(w);
	frame(u, w, ROLE_ACCENT);
	const struct chunk_list *cl = u->a->actions ? action_chunks(u->a->actions) : NULL;
	list_title(u, n, line, sizeof line);
	put(u, w, 0, 2, ww - 4, ROLE_TITLE_FOCUS, line);
	int body = hh - 3;
	if (u->list_sel >= n)
		u->list_sel = n > 0 ? n - 1 : 0;
	if (u->list_sel < u->list_top)
		u->list_top = u->list_sel;
	if (u->list_sel >= u->list_top + body)
		u->list_top = u->list_sel - body + 1;
	if (u->list == LIST_CHUNKS && cl && cl->loading)
		put(u, w, 1, 2, ww - 4, ROLE_DIM, "loading...");
	else if (u->list == LIST_CHUNKS && cl && n == 0)
		put(u, w, 1, 2, ww - 4, ROLE_WARNING, cl->error);
	for (int i = 0; i < body && u->list_top + i < n; i++) {
		int k = u->list_top + i;
		if (u->list == LIST_CHUNKS && !cl)
			break;
		enum theme_role role = list_line(u, &v, k, ww - 2, line, sizeof line);
		bool sel = k == u->list_sel && u->list != LIST_JOB_DETAIL;
		put(u, w, 1 + i, 1, ww - 2, sel ? ROLE_SELECTED : role, line);
	}
	put(u, w, hh - 2, 2, ww - 4, ROLE_STATUS, list_keys_line(u));
	wnoutrefresh(w);
}

static void draw_log(struct ui *u)
{
	const struct actlog *l = u->a->actions ? action_log(u->a->actions) : NULL;
	int hh = LINES / 3 < 8 ? 8 : LINES / 3;
	int ww = COLS;
	if (!l || hh > LINES - 2 || ww < 30)
		return;
	int oh = -1, ow = -1;
	if (u->w_log)
		getmaxyx(u->w_log, oh, ow);
	if (oh != hh || ow != ww) {
		del_win(&u->w_log);
		u->w_log = newwin(hh, ww, LINES - 1 - hh, 0);
	}
	WINDOW *w = u->w_log;
	if (!w)
		return;
	char line[PANE_LINE_MAX * 4], ts[16], d[32];
	wbkgdset(w, ' ' | ui_attr(u, ROLE_NORMAL));
	werase(w);
	frame(u, w, ROLE_ACCENT);
	snprintf(line, sizeof line, " Action log (l closes)%s%s ", l->path[0] ? " \u00b7 " : "", l->path);
	if (!u->utf8)
		snprintf(line, sizeof line, " Action log (l closes)%s%s ", l->path[0] ? " - " : "", l->path);
	put(u, w, 0, 2, ww - 4, ROLE_TITLE_FOCUS, line);
	int y = 1;
	if (l->file_error[0])
		put(u, w, y++, 2, ww - 4, ROLE_WARNING, l->file_error);
	if (actlog_size(l) == 0)
		put(u, w, y, 2, ww - 4, ROLE_DIM, "no actions yet");
	for (int i = 0; y < hh - 1 && i < actlog_size(l); i++) {
		const struct actlog_entry *e = actlog_get(l, i);
		time_t tt = (time_t)e->time;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(ts, sizeof ts, "%H:%M:%S", &tm);
		if (isnan(e->duration))
			snprintf(d, sizeof d, "-");
		else
			snprintf(d, sizeof d, "%.2fs", e->duration);
		char sqlc[64];
		text_fit(sqlc, sizeof sqlc, e->sql[0] ? e->sql : "-", 48, u->utf8);
		snprintf(line, sizeof line, "%s %-8s %-16s %-28.28s %-48s %7s %s", ts, e->event, e->action, e->target,
		         sqlc, d, e->result);
		enum theme_role role = strcmp(e->event, "error") == 0 || strcmp(e->event, "failed") == 0 ? ROLE_CRITICAL
		                     : strcmp(e->event, "refused") == 0 || strcmp(e->event, "stop") == 0 ||
		                               strcmp(e->event, "stopped") == 0 ? ROLE_WARNING
		                     : ROLE_NORMAL;
		put(u, w, y++, 1, ww - 2, role, line);
	}
	wnoutrefresh(w);
}

/* ---- render ------------------------------------------------------------------- */

/* ---- D: databases, y: copy, mouse ---------------------------------------------- */

static void draw_databases(struct ui *u)
{
	const struct dblist *l = &u->a->dbl;
	const struct server_info *si = &u->a->snap.server;
	int ww = COLS - 4 < 80 ? COLS - 4 : 80;
	int hh = (l->n < 3 ? 3 : l->n) + 5;
	if (hh > LINES - 2)
		hh = LINES - 2;
	if (ww < 30 || hh < 6)
		return;
	WINDOW *w = overlay_win(&u->w_dbl, hh, ww);
	if (!w)
		return;
	char line[PANE_LINE_MAX * 2];
	wbkgdset(w, ' ' | ui_attr(u, ROLE_NORMAL));
	werase(w);
	frame(u, w, ROLE_ACCENT);
	put(u, w, 0, 2, ww - 4, ROLE_TITLE_FOCUS, " Databases on the server (Enter switches, Esc closes) ");
	if (u->dbl_sel >= l->n)
		u->dbl_sel = l->n - 1;
	if (u->dbl_sel < 0)
		u->dbl_sel = 0;
	int y = 1;
	if (l->loading)
		put(u, w, y++, 2, ww - 4, ROLE_DIM, "asking the server...");
	else if (l->error[0])
		put(u, w, y++, 2, ww - 4, ROLE_WARNING, l->error);
	for (int i = 0; i < l->n && y < hh - 3; i++, y++) {
		if (l->current[i])
			snprintf(line, sizeof line, " %-32s current%s%s", l->name[i],
			         si->valid ? (si->ts_installed ? ", TimescaleDB " : ", TimescaleDB not installed") : "",
			         si->valid && si->ts_installed ? si->ts_version : "");
		else if (l->ts_state[i] == DBTS_YES)
			snprintf(line, sizeof line, " %-32s TimescaleDB %s", l->name[i], l->ts[i]);
		else if (l->ts_state[i] == DBTS_NO)
			snprintf(line, sizeof line, " %-32s no TimescaleDB", l->name[i]);
		else if (l->ts_state[i] == DBTS_CHECKING)
			snprintf(line, sizeof line, " %-32s checking%s", l->name[i], u->utf8 ? "\u2026" : "...");
		else if (l->ts_state[i] == DBTS_ELSEWHERE)
			snprintf(line, sizeof line, " %-32s the server answers from %s instead", l->name[i], l->ts[i]);
		else if (l->ts_state[i] == DBTS_ERROR)
			snprintf(line, sizeof line, " %-32s cannot connect: %.150s", l->name[i], l->ts[i]);
		else
			snprintf(line, sizeof line, " %-32s (not checked)", l->name[i]);
		put(u, w, y, 1, ww - 2, i == u->dbl_sel ? ROLE_SELECTED : (l->current[i] ? ROLE_ACCENT : ROLE_NORMAL), line);
	}
	if (!l->loading && !l->error[0] && l->n <= 1)
		put(u, w, hh - 3, 2, ww - 4, ROLE_DIM,
		    "only this database: some servers (the embedded test server) ignore database names");
	put(u, w, hh - 2, 2, ww - 4, ROLE_STATUS, "Up/Down choose   Enter switches (new connections)   Esc closes");
	wnoutrefresh(w);
}

static void databases_key(struct ui *u, int ch)
{
	const struct dblist *l = &u->a->dbl;
	if (ch == KEY_UP && u->dbl_sel > 0)
		u->dbl_sel--;
	else if (ch == KEY_DOWN && u->dbl_sel < l->n - 1)
		u->dbl_sel++;
	else if (ch == 27 || ch == 'q' || ch == 'D')
		u->dbl_open = false;
	else if (ch == CTRL_C_KEY)
		app_quit(u->a, 0);
	else if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && !l->loading && u->dbl_sel < l->n && l->n > 0) {
		char msg[200];
		u->dbl_open = false;
		if (l->current[u->dbl_sel]) {
			snprintf(msg, sizeof msg, "already in database %s", l->name[u->dbl_sel]);
			ui_notice(u, msg);
			return;
		}
		if (act_running(u)) {
			ui_notice(u, "an action is running: stop it (k) before switching databases");
			return;
		}
		snprintf(u->switch_to, sizeof u->switch_to, "%s", l->name[u->dbl_sel]);
		u->dialog = false;
		u->list = LIST_NONE;
		u->log_open = false;
		u->act_last = AST_IDLE;
		if (app_switch_database(u->a, u->switch_to) == 0) {
			u->switch_check = true;
			snprintf(msg, sizeof msg, "switching to database %s (the old connections are closed)", u->switch_to);
		} else {
			snprintf(msg, sizeof msg, "cannot switch to database %s", u->switch_to);
		}
		ui_notice(u, msg);
	}
}

/* After a switch: say where we are (some servers ignore the name). */
static void switch_sync(struct ui *u)
{
	const struct server_info *si = &u->a->snap.server;
	if (!u->switch_check || !si->valid)
		return;
	u->switch_check = false;
	char msg[300];
	if (strcmp(si->database, u->switch_to) != 0)
		snprintf(msg, sizeof msg, "the server ignores database names: still in %s (asked for %s)", si->database,
		         u->switch_to);
	else
		snprintf(msg, sizeof msg, "now in database %s%s", si->database,
		         si->ts_installed ? "" : " (TimescaleDB not installed there)");
	ui_notice(u, msg);
}

static void copy_selected(struct ui *u)
{
	const struct pane_class *cls = pane_class_of(u->focus);
	const void *r = selected_row(u, u->focus);
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

static void move_sel(struct ui *u, int delta, bool absolute);

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
			move_sel(u, -3, false);
		} else if (ev.bstate & BUTTON5_PRESSED) {
			u->focus = (enum pane_id)i;
			move_sel(u, 3, false);
		} else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
			u->focus = (enum pane_id)i;
			int k = ev.y - ps->row_y;
			if (k >= 0 && k < ps->row_n && ps->top + k < ps->nvis)
				ps->sel = ps->top + k;
		}
		return;
	}
}

static void render(struct ui *u)
{
	int rows = LINES, cols = COLS;
	struct layout l;
	if (!pane_shown(u, u->focus))
		focus_step(u, 1);
	layout_compute(&l, rows, cols, u->focus, u->zoomed, u->a->opt.kiosk);
	apply_visibility(u, &l);
	/* NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c): layout_compute memsets the whole struct, padding included */
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
	switch_sync(u);
	draw_header(u);
	if (u->w_banner) {
		kiosk_banner(u->w_banner, l.banner.w, u->role_attr, u->utf8, u->a, now_s());
		wnoutrefresh(u->w_banner);
	}
	if (l.mode == LAYOUT_TABS)
		draw_tabs(u);
	for (int i = 0; i < PANE_COUNT; i++)
		if (l.visible[i])
			draw_pane(u, (enum pane_id)i);
	act_sync(u);
	draw_status(u);
	if (u->log_open)
		draw_log(u);
	else
		del_win(&u->w_log);
	if (u->list != LIST_NONE)
		draw_list(u);
	else
		del_win(&u->w_list);
	if (u->dialog)
		draw_dialog(u);
	else
		del_win(&u->w_dialog);
	if (u->dbl_open)
		draw_databases(u);
	else
		del_win(&u->w_dbl);
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
	if (!pane_shown(u, id)) {
		char msg[64];
		snprintf(msg, sizeof msg, "pane %d is hidden ([panes] order)", id + 1);
		ui_notice(u, msg);
		return;
	}
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
	if (a->opt.kiosk) {
		/* stray keys do nothing; only the quit sequence counts */
		if (kiosk_key(&u->kk, ch))
			app_quit(a, 0);
		return;
	}
	if (ch == KEY_MOUSE) {
		mouse_event(u);
		return;
	}
	if (u->dbl_open) {
		databases_key(u, ch);
		return;
	}
	if (u->prompt) {
		prompt_key(u, ch);
		return;
	}
	if (u->dialog && a->actions) {
		dialog_key(u, ch);
		return;
	}
	if (!u->help && u->list != LIST_NONE) {
		enum command lc = keymap_lookup(ch, KCTX_LIST);
		if (lc == CMD_CLOSE && act_running(u)) {
			action_stop(a->actions);
			return;
		}
		list_key(u, lc);
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
		if (act_running(u))
			action_stop(a->actions);
		else if (u->log_open)
			u->log_open = false;
		else if (u->zoomed)
			u->zoomed = false;
		break;
	case CMD_OPEN:
		if (u->focus == PANE_CHUNKS)
			open_chunks(u);
		else
			u->zoomed = !u->zoomed;
		break;
	case CMD_ACT_COMPRESS:
	case CMD_ACT_DECOMPRESS:
	case CMD_ACT_REFRESH:
	case CMD_ACT_RETENTION:
	case CMD_ACT_MAINTENANCE:
		act_key(u, c);
		break;
	case CMD_ACT_JOBS: open_jobs(u); break;
	case CMD_ACT_JOBS_ALL: open_all_jobs(u); break;
	case CMD_ACT_LOG: u->log_open = !u->log_open; break;
	case CMD_ACT_STOP:
		if (act_running(u))
			action_stop(a->actions);
		else
			ui_notice(u, "no action is running");
		break;
	case CMD_FOCUS_NEXT: focus_step(u, 1); break;
	case CMD_FOCUS_PREV: focus_step(u, -1); break;
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
	case CMD_COPY: copy_selected(u); break;
	case CMD_DATABASES:
		u->dbl_open = true;
		u->dbl_sel = 0;
		if (app_list_databases(a) != 0)
			ui_notice(u, a->dbl.error);
		break;
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
	/* kiosk --cycle: one zoomed pane at a time, the critical ones first and longer */
	const struct options *o = &u->a->opt;
	if (o->kiosk && o->cycle > 0) {
		double now = now_s(), dwell = o->cycle;
		const struct snapshot *sn = &u->a->snap;
		if (!(sn->polled_at > 0)) {
			u->cycle_until = 0;     /* no data yet: start with the worst pane once there is */
		} else if (now >= u->cycle_until) {
			const struct config *cfg = o->config;
			u->focus = kiosk_cycle_next(&u->a->snap, cfg ? cfg->pane_order : NULL,
			                            cfg ? cfg->pane_visible : NULL, &u->cycle_pos, o->cycle, &dwell);
			u->zoomed = true;
			u->cycle_until = now + dwell;
		}
	}
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
	if (a->opt.kiosk)
		raw();            /* Ctrl-C, Ctrl-Z, Ctrl-\ are stray keys too */
	else
		cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (a->opt.mouse && !a->opt.kiosk) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	setup_theme(u);
	for (int i = 0; i < PANE_COUNT; i++) {
		const struct pane_class *cls = pane_class_of((enum pane_id)i);
		u->ps[i].sort_col = cls->default_sort;
		u->ps[i].sort_desc = cls->default_desc;
	}
	u->sub_ps.sort_col = pane_compression_jobs_class.default_sort;
	for (int k = PANE_COUNT - 1; k >= 0; k--)    /* the first pane of [panes] order */
		if (pane_shown(u, pane_at(u, k)))
			u->focus = (enum pane_id)pane_at(u, k);

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
	/* the terminal went away: leave cleanly (kiosk: run it under tmux or
	 * screen, whose terminal stays when the display goes) */
	ev_signal_init(&u->hup_w, quit_cb, SIGHUP);
	u->hup_w.data = u;
	ev_signal_start(u->loop, &u->hup_w);
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
	ev_signal_stop(u->loop, &u->hup_w);
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
