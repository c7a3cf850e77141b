/* ui_table — the table engine for the pane classes (pane.h): the rows
 * that pass the filter in their sort order, the columns that fit, the
 * selection kept in view, and a pane drawn whole (title, pre and post
 * lines, its table, a second table, the selected row's reason, the zoomed
 * chart). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/sanitize.h"
#include "tsdbtop/trend.h"
#include "ui_int.h"

#define MARK_W 2 /* health symbol + space */

/* ---- order: filter and sort ------------------------------------------------ */

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

void ui_build_order(const struct pane_class *cls, struct pane_state *ps, const struct snapshot *s,
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

const void *ui_selected_row(struct ui *u, enum pane_id id)
{
	struct pane_state *ps = &u->ps[id];
	if (u->focus != id)
		return NULL;
	/* the rows may have been replaced by a poll since the last render */
	ui_build_order(pane_class_of(id), ps, u->v->snap, ps->filter);
	if (ps->nvis <= 0 || ps->sel < 0 || ps->sel >= ps->nvis || !ps->order)
		return NULL;
	return ps->order[ps->sel];
}

/* ---- columns ------------------------------------------------------------------ */

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

/* ---- one table ------------------------------------------------------------------ */

/* Where a table goes and what it shows (draw_table's arguments). */
struct table_at {
	WINDOW *w;
	int y0, x0, iw, maxh;
	const struct pane_class *cls;
	struct pane_state *ps;
	const struct pane_ctx *ctx;
	bool selectable, focused;
	const char *filter;
	/* computed */
	int widths[PANE_MAX_COLS], shown, full_iw;
	bool trend_col;
};

static void table_header(struct ui *u, struct table_at *t, int y)
{
	const struct pane_class *cls = t->cls;
	attr_t at = ui_attr(u, ROLE_COLUMN_HEADER) | A_BOLD;
	ui_fill_line(u, t->w, y, t->x0, t->full_iw, ROLE_COLUMN_HEADER);
	int x = t->x0 + MARK_W;
	for (int c = 0; c < t->shown; c++) {
		char h[64];
		if (c == t->ps->sort_col) {
			char nm[48];
			/* keep the mark visible: shorten the name instead */
			text_fit(nm, sizeof nm, cls->cols[c].name, t->widths[c] - 1, u->utf8);
			snprintf(h, sizeof h, "%s%s", nm,
			         t->ps->sort_desc ? (u->utf8 ? "\u25bc" : "v") : (u->utf8 ? "\u25b2" : "^"));
		} else {
			snprintf(h, sizeof h, "%s", cls->cols[c].name);
		}
		ui_put_cell(u, t->w, y, x, t->widths[c], cls->cols[c].align, at, h);
		x += t->widths[c] + 1;
	}
	if (t->trend_col)
		ui_put_cell(u, t->w, y, t->x0 + t->iw + 1, TREND_COL_W, ALIGN_LEFT, at, "Trend");
}

/* The selection and the first row shown, kept within body rows. */
static void clamp_scroll(struct pane_state *ps, int body, bool selectable)
{
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
}

static void table_row(struct ui *u, struct table_at *t, int y, int ri)
{
	const struct pane_class *cls = t->cls;
	const void *r = t->ps->order[ri];
	char buf[PANE_LINE_MAX];
	bool sel = t->selectable && t->focused && ri == t->ps->sel;
	if (sel)
		ui_fill_line(u, t->w, y, t->x0, t->full_iw, ROLE_SELECTED);
	enum health h = cls->row_health ? cls->row_health(r) : HEALTH_UNKNOWN;
	attr_t selat = ui_attr(u, ROLE_SELECTED);
	wattrset(t->w, sel ? selat : ui_attr(u, pane_health_role(h)));
	mvwaddnstr(t->w, y, t->x0, pane_health_symbol(h, u->utf8), -1);
	int x = t->x0 + MARK_W;
	for (int c = 0; c < t->shown; c++) {
		enum theme_role role = cls->cell(t->ctx, r, c, t->widths[c], buf, sizeof buf);
		ui_put_cell(u, t->w, y, x, t->widths[c], cls->cols[c].align, sel ? selat : ui_attr(u, role), buf);
		x += t->widths[c] + 1;
	}
	char tk[TREND_KEY], sp[TREND_COL_W * 4 + 1];
	if (t->trend_col && ui_row_trend_key(cls, r, tk, sizeof tk) &&
	    ui_spark(sp, sizeof sp, u->v->trends, tk, TREND_COL_W, u->utf8)[0])
		ui_put_cell(u, t->w, y, t->x0 + t->iw + 1, TREND_COL_W, ALIGN_LEFT, sel ? selat : ui_attr(u, ROLE_ACCENT), sp);
}

static void table_totals(struct ui *u, struct table_at *t, int y)
{
	char buf[PANE_LINE_MAX];
	int x = t->x0 + MARK_W;
	for (int c = 0; c < t->shown; c++) {
		enum theme_role role = t->cls->totals(t->ctx, c, t->widths[c], buf, sizeof buf);
		ui_put_cell(u, t->w, y, x, t->widths[c], t->cls->cols[c].align, ui_attr(u, role) | A_BOLD, buf);
		x += t->widths[c] + 1;
	}
}

/* A Trend column on the right when the table has room to spare. */
static void table_columns(struct ui *u, struct table_at *t)
{
	int min_w = MARK_W;
	for (int c = 0; c < t->cls->ncols && c < PANE_MAX_COLS; c++)
		min_w += t->cls->cols[c].width + (c ? 1 : 0);
	t->trend_col = t->selectable && ui_has_trend(u, t->cls) && t->iw - min_w >= TREND_COL_W + 3;
	t->full_iw = t->iw;
	if (t->trend_col)
		t->iw -= TREND_COL_W + 1;
	t->shown = fit_columns(t->cls, t->iw, t->widths);
}

/* Draws a table at t->y0; at most t->maxh lines. Returns lines used. */
static int draw_table(struct ui *u, struct table_at *t)
{
	struct pane_state *ps = t->ps;
	if (t->maxh <= 0 || t->iw <= MARK_W)
		return 0;
	ui_build_order(t->cls, ps, t->ctx->s, t->filter);
	table_columns(u, t);
	int y = t->y0;
	table_header(u, t, y++);
	int body = t->maxh - 1 - (t->cls->totals ? 1 : 0);
	if (t->selectable) {
		int by, bx;
		getbegyx(t->w, by, bx);
		(void)bx;
		ps->row_y = by + y;
		ps->row_n = body;
	}
	if (body < 0)
		body = 0;
	clamp_scroll(ps, body, t->selectable);
	for (int i = 0; i < body && ps->top + i < ps->nvis; i++)
		table_row(u, t, y++, ps->top + i);
	if (ps->nvis == 0 && body > 0) {
		ui_put(u, t->w, y, t->x0 + MARK_W, t->iw - MARK_W, ROLE_DIM,
		       t->filter && *t->filter ? "(no rows match the filter)" : "(none)");
		y++;
	}
	if (t->cls->totals && y < t->y0 + t->maxh)
		table_totals(u, t, y++);
	wattrset(t->w, ui_attr(u, ROLE_NORMAL));
	return y - t->y0;
}

/* ---- a pane ------------------------------------------------------------------------ */

typedef int (*extra_fn)(const struct pane_ctx *, int, char *, size_t, enum theme_role *);

static int extra_lines(const struct pane_class *cls, const struct pane_ctx *ctx, bool post)
{
	extra_fn f = post ? cls->post : cls->pre;
	return f ? f(ctx, 0, NULL, 0, NULL) : 0;
}

static int draw_extra(struct ui *u, WINDOW *w, int y, int x0, int iw, int maxh,
                      const struct pane_class *cls, const struct pane_ctx *ctx, bool post)
{
	extra_fn f = post ? cls->post : cls->pre;
	if (!f)
		return 0;
	int n = f(ctx, 0, NULL, 0, NULL), used = 0;
	for (int i = 0; i < n && used < maxh; i++) {
		char buf[PANE_LINE_MAX];
		enum theme_role role = ROLE_NORMAL;
		buf[0] = '\0';
		f(ctx, i, buf, sizeof buf, &role);
		ui_put(u, w, y + used, x0, iw, role, buf);
		used++;
	}
	return used;
}

/* The title on the top border: "1 Chunks · live · filter: x". */
static void pane_title(struct ui *u, WINDOW *w, enum pane_id id, const struct pane_ctx *ctx)
{
	const struct pane_class *cls = pane_class_of(id);
	bool focused = id == u->focus;
	enum theme_role tr = focused ? ROLE_TITLE_FOCUS : ROLE_TITLE;
	int W = u->lay.pane[id].w, x = 2;
	const char *dot = u->utf8 ? " \u00b7 " : " - ";
	char t[PANE_LINE_MAX], age[48];
	snprintf(t, sizeof t, " %d %s", (int)id + 1, cls->title);
	x += ui_put(u, w, 0, x, W - x - 2, tr, t);
	bool stale = false;
	pane_age_suffix(age, sizeof age, cls->meta(ctx->s), ctx->now, ctx->interval, &stale);
	if (age[0]) {
		x += ui_put(u, w, 0, x, W - x - 2, tr, dot);
		x += ui_put(u, w, 0, x, W - x - 2, stale ? ROLE_WARNING : tr, age);
	}
	if (id == PANE_CACHE && u->v->trends) {
		char sp[64];
		if (ui_spark(sp, sizeof sp, u->v->trends, "cache.ratio", 10, u->utf8)[0]) {
			snprintf(t, sizeof t, "%shit %s", dot, sp);
			x += ui_put(u, w, 0, x, W - x - 2, tr, t);
		}
	}
	if (u->ps[id].filter[0]) {
		snprintf(t, sizeof t, "%sfilter: %s", dot, u->ps[id].filter);
		x += ui_put(u, w, 0, x, W - x - 2, ROLE_ACCENT, t);
	}
	ui_put(u, w, 0, x, W - x - 2, tr, " ");
}

/* Nothing to tabulate (waiting, not available): said in the middle.
 * An error goes on the first line and the pane goes on. Returns true when
 * the pane is done. */
static bool pane_status(struct ui *u, WINDOW *w, const struct pane_meta *m, int *y, int *ih, int iw)
{
	if (m->status == PANE_EMPTY) {
		ui_put_centred(u, w, *y + *ih / 2, 1, iw, ROLE_DIM,
		               u->utf8 ? "waiting for first poll\u2026" : "waiting for first poll...");
		return true;
	}
	if (m->status == PANE_UNAVAILABLE) {
		ui_put_centred(u, w, *y + *ih / 2, 1, iw, ROLE_WARNING,
		               m->message[0] ? m->message : "not available on this server");
		return true;
	}
	if (m->status == PANE_ERROR) {
		char t[PANE_LINE_MAX];
		snprintf(t, sizeof t, "%s %.200s", pane_health_symbol(HEALTH_CRITICAL, u->utf8), m->message);
		ui_put(u, w, (*y)++, 1, iw, ROLE_CRITICAL, t);
		(*ih)--;
		return *ih <= 0;
	}
	return false;
}

/* The room of the main table and of the second one (sub) within avail. */
static void split_heights(struct ui *u, enum pane_id id, int avail, int *main_h, int *sub_h)
{
	const struct pane_class *cls = pane_class_of(id), *sub = cls->sub;
	struct pane_state *ps = &u->ps[id];
	const struct snapshot *s = u->v->snap;
	*main_h = avail;
	*sub_h = 0;
	if (!sub || avail <= 4)
		return;
	ui_build_order(sub, &u->sub_ps, s, ps->filter);
	int sub_need = 2 + (u->sub_ps.nvis ? u->sub_ps.nvis : 1);
	ui_build_order(cls, ps, s, ps->filter);
	int main_need = 1 + (ps->nvis ? ps->nvis : 1) + (cls->totals ? 1 : 0);
	if (main_need + sub_need <= avail) {
		*main_h = main_need;
		*sub_h = avail - *main_h;
	} else {
		*sub_h = sub_need < avail * 2 / 5 ? sub_need : avail * 2 / 5;
		if (*sub_h < 3)
			*sub_h = 3;
		*main_h = avail - *sub_h;
	}
}

static void draw_sub(struct ui *u, WINDOW *w, int y, int iw, int sub_h, enum pane_id id,
                     const struct pane_ctx *ctx)
{
	const struct pane_class *sub = pane_class_of(id)->sub;
	const struct pane_meta *sm = sub->meta(ctx->s);
	char t[PANE_LINE_MAX];
	snprintf(t, sizeof t, "%s%s", sub->title,
	         sm->status == PANE_ERROR ? " (last poll failed)" :
	         sm->status == PANE_UNAVAILABLE ? " (not available)" : "");
	ui_put(u, w, y, 1, iw, ROLE_TITLE, t);
	struct table_at t2 = { .w = w, .y0 = y + 1, .x0 = 1, .iw = iw, .maxh = sub_h - 1, .cls = sub,
	                       .ps = &u->sub_ps, .ctx = ctx, .filter = u->ps[id].filter };
	draw_table(u, &t2);
}

/* The selected row's reason, on the bottom border of the focused pane. */
static void draw_why(struct ui *u, WINDOW *w, enum pane_id id)
{
	const struct pane_class *cls = pane_class_of(id);
	const struct pane_state *ps = &u->ps[id];
	if (!cls->row_why || ps->nvis <= 0 || ps->sel < 0 || ps->sel >= ps->nvis)
		return;
	const void *r = ps->order[ps->sel];
	const char *why = cls->row_why(r);
	if (why && *why) {
		char t[PANE_LINE_MAX];
		enum health h = cls->row_health(r);
		snprintf(t, sizeof t, " %s %.200s ", pane_health_symbol(h, u->utf8), why);
		ui_put(u, w, u->lay.pane[id].h - 1, 2, u->lay.pane[id].w - 4, pane_health_role(h), t);
	}
}

/* The inside of a pane with data: pre lines, table(s), post lines, chart. */
static void pane_body(struct ui *u, WINDOW *w, enum pane_id id, const struct pane_ctx *ctx, int y, int ih)
{
	const struct pane_class *cls = pane_class_of(id);
	struct pane_state *ps = &u->ps[id];
	bool focused = id == u->focus;
	int iw = u->lay.pane[id].w - 2, bottom = u->lay.pane[id].h - 1;
	int npost = extra_lines(cls, ctx, true);
	int used = draw_extra(u, w, y, 1, iw, ih, cls, ctx, false);
	y += used;
	ih -= used;
	int avail = ih - (npost < ih ? npost : 0);
	/* zoomed: a larger chart of the selected row's figure at the bottom */
	int chart_h = u->zoomed && focused && ui_has_trend(u, cls) && avail >= 16 ? CHART_H : 0;
	int main_h, sub_h;
	split_heights(u, id, avail - chart_h, &main_h, &sub_h);
	const char *empty = cls->empty && cls->rows(ctx->s) == 0 ? cls->empty(ctx->s) : NULL;
	if (empty) {
		ui_put_centred(u, w, y + main_h / 2, 1, iw, ROLE_DIM, empty);
	} else {
		struct table_at t = { .w = w, .y0 = y, .x0 = 1, .iw = iw, .maxh = main_h, .cls = cls, .ps = ps,
		                      .ctx = ctx, .selectable = true, .focused = focused, .filter = ps->filter };
		y += draw_table(u, &t);
	}
	if (cls->sub && sub_h >= 3) {
		draw_sub(u, w, y, iw, sub_h, id, ctx);
		y += sub_h;
	}
	if (focused && !empty)
		draw_why(u, w, id);
	if (chart_h > 0)
		ui_draw_chart(u, w, bottom - npost - chart_h, 1, iw, chart_h, cls, ps);
	if (npost > 0) {
		int py = bottom - npost;
		draw_extra(u, w, py < y ? y : py, 1, iw, bottom - (py < y ? y : py), cls, ctx, true);
	}
}

void ui_draw_pane(struct ui *u, enum pane_id id)
{
	WINDOW *w = u->w_pane[id];
	const struct snapshot *s = u->v->snap;
	struct pane_ctx ctx = { .s = s, .now = ui_now(), .interval = u->v->interval, .utf8 = u->utf8,
	                        .show_schema = pane_multi_schema(s) };
	if (!w)
		return;
	werase(w);
	ui_frame(u, w, id == u->focus ? ROLE_ACCENT : ROLE_BORDER);
	pane_title(u, w, id, &ctx);
	int y = 1, iw = u->lay.pane[id].w - 2, ih = u->lay.pane[id].h - 2;
	if (ih > 0 && iw > 0 && !pane_status(u, w, pane_class_of(id)->meta(s), &y, &ih, iw))
		pane_body(u, w, id, &ctx, y, ih);
	wnoutrefresh(w);
}
