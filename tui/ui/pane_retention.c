/* pane 3: retention (pure cell text; drawn by ui.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/pane.h"

#define R(p) ((const struct ret_row *)(p))

static int cmp_name(const void *a, const void *b)
{
	int c = strcmp(R(a)->schema, R(b)->schema);
	return c ? c : strcmp(R(a)->name, R(b)->name);
}
static int cmp_after(const void *a, const void *b) { return pane_cmp_double(R(a)->drop_after_s, R(b)->drop_after_s); }
static int cmp_count(const void *a, const void *b) { return pane_cmp_int(R(a)->drop_count, R(b)->drop_count); }
static int cmp_bytes(const void *a, const void *b) { return pane_cmp_double(R(a)->drop_bytes, R(b)->drop_bytes); }
static int cmp_next(const void *a, const void *b) { return pane_cmp_double(R(a)->next_start, R(b)->next_start); }
static int cmp_overdue(const void *a, const void *b) { return pane_cmp_int(R(a)->overdue, R(b)->overdue); }
static int cmp_oldest(const void *a, const void *b) { return pane_cmp_double(R(a)->oldest_start, R(b)->oldest_start); }

enum { C_NAME, C_AFTER, C_COUNT, C_BYTES, C_NEXT, C_OVERDUE, C_RANGE, C_WHY, C_N };

static const struct pane_column cols[C_N] = {
	[C_NAME] = { "Hypertable", 16, ALIGN_LEFT, true, cmp_name },
	[C_AFTER] = { "Drop after", 10, ALIGN_RIGHT, false, cmp_after },
	[C_COUNT] = { "To drop", 7, ALIGN_RIGHT, false, cmp_count },
	[C_BYTES] = { "Est.bytes", 9, ALIGN_RIGHT, false, cmp_bytes },
	[C_NEXT] = { "Next run", 10, ALIGN_RIGHT, false, cmp_next },
	[C_OVERDUE] = { "Overdue", 7, ALIGN_LEFT, false, cmp_overdue },
	[C_RANGE] = { "Oldest to drop", 23, ALIGN_LEFT, false, cmp_oldest },
	[C_WHY] = { "Why not", 12, ALIGN_LEFT, true, NULL },
};

static const struct pane_meta *meta(const struct snapshot *s) { return &s->ret_meta; }
static int rows(const struct snapshot *s) { return s->rets.n; }
static const void *row(const struct snapshot *s, int i) { return &s->rets.v[i]; }
static const char *row_name(const void *r) { return R(r)->name; }
static enum health row_health(const void *r) { return R(r)->health; }

static enum theme_role cell(const struct pane_ctx *c, const void *rp, int col, int width,
                            char *buf, size_t n)
{
	const struct ret_row *r = rp;
	char tmp[PANE_LINE_MAX];
	switch (col) {
	case C_NAME:
		return pane_name_cell(c, buf, n, r->schema, r->name, width, ROLE_NORMAL);
	case C_AFTER: return pane_text(buf, n, r->drop_after[0] ? r->drop_after : "-", width, c->utf8, ROLE_NORMAL);
	case C_COUNT:
		if (r->drop_count < 0)   /* unknown: integer time */
			return pane_text(buf, n, "-", width, c->utf8, ROLE_DIM);
		fmt_count(buf, n, r->drop_count);
		return r->drop_count > 0 ? ROLE_WARNING : ROLE_NORMAL;
	case C_BYTES: fmt_bytes(buf, n, r->drop_count > 0 ? r->drop_bytes : NAN); return ROLE_NORMAL;
	case C_NEXT:
		if (!r->scheduled) {
			snprintf(buf, n, "paused");
			return ROLE_WARNING;
		}
		pane_ago(buf, n, r->next_start, c->now);
		return ROLE_NORMAL;
	case C_OVERDUE:
		snprintf(buf, n, "%s", r->overdue ? "OVERDUE" : "no");
		return r->overdue ? ROLE_CRITICAL : ROLE_DIM;
	case C_RANGE:
		if (r->drop_count <= 0)
			snprintf(tmp, sizeof tmp, "-");
		else
			pane_range(tmp, sizeof tmp, r->oldest_start, r->oldest_end, c->utf8);
		return pane_text(buf, n, tmp, width, c->utf8, ROLE_NORMAL);
	case C_WHY:
		return pane_text(buf, n, r->why_not[0] ? r->why_not : "", width, c->utf8,
		                 r->why_not[0] ? ROLE_WARNING : ROLE_NORMAL);
	default:
		if (n)
			buf[0] = '\0';
		return ROLE_NORMAL;
	}
}

const struct pane_class pane_retention_class = {
	.id = PANE_RETENTION,
	.title = "Retention",
	.tab = "Retention",
	.cols = cols,
	.ncols = C_N,
	.default_sort = C_NAME,
	.meta = meta,
	.rows = rows,
	.row = row,
	.row_name = row_name,
	.row_health = row_health,
	.cell = cell,
};
