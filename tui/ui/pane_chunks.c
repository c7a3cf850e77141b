/* pane 1: chunks per hypertable (pure cell text; drawn by ui.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/pane.h"

#define R(p) ((const struct ht_row *)(p))

static int cmp_name(const void *a, const void *b)
{
	/* cagg materialisations after the user's hypertables */
	if (R(a)->is_cagg != R(b)->is_cagg)
		return R(a)->is_cagg ? 1 : -1;
	int c = strcmp(R(a)->schema, R(b)->schema);
	return c ? c : strcmp(R(a)->name, R(b)->name);
}
static int cmp_chunks(const void *a, const void *b) { return pane_cmp_int(R(a)->chunks, R(b)->chunks); }
static int cmp_compr(const void *a, const void *b) { return pane_cmp_int(R(a)->compressed, R(b)->compressed); }
static int cmp_uncompr(const void *a, const void *b) { return pane_cmp_int(R(a)->uncompressed, R(b)->uncompressed); }
static int cmp_size(const void *a, const void *b) { return pane_cmp_double(R(a)->est_bytes, R(b)->est_bytes); }
static double ratio_of(const struct ht_row *r)
{
	return (r->after_bytes > 0 && r->before_bytes > 0) ? r->before_bytes / r->after_bytes : NAN;
}
static int cmp_ratio(const void *a, const void *b) { return pane_cmp_double(ratio_of(R(a)), ratio_of(R(b))); }
static int cmp_partial(const void *a, const void *b) { return pane_cmp_int(R(a)->partial, R(b)->partial); }
static int cmp_frozen(const void *a, const void *b) { return pane_cmp_int(R(a)->frozen, R(b)->frozen); }
static int cmp_oldest(const void *a, const void *b)
{
	if (R(a)->time_is_int)
		return pane_cmp_int(R(a)->oldest_start_int, R(b)->oldest_start_int);
	return pane_cmp_double(R(a)->oldest_start, R(b)->oldest_start);
}

enum { C_NAME, C_CHUNKS, C_COMPR, C_UNCOMPR, C_SIZE, C_RATIO, C_PARTIAL, C_FROZEN, C_TIME, C_RANGE, C_N };

static const struct pane_column cols[C_N] = {
	[C_NAME] = { "Hypertable", 18, ALIGN_LEFT, true, cmp_name },
	[C_CHUNKS] = { "Chunks", 7, ALIGN_RIGHT, false, cmp_chunks },
	[C_COMPR] = { "Compr", 6, ALIGN_RIGHT, false, cmp_compr },
	[C_UNCOMPR] = { "Uncomp", 6, ALIGN_RIGHT, false, cmp_uncompr },
	[C_SIZE] = { "Est.size", 9, ALIGN_RIGHT, false, cmp_size },
	[C_RATIO] = { "Ratio", 6, ALIGN_RIGHT, false, cmp_ratio },
	[C_PARTIAL] = { "Partial", 7, ALIGN_RIGHT, false, cmp_partial },
	[C_FROZEN] = { "Frozen", 6, ALIGN_RIGHT, false, cmp_frozen },
	[C_TIME] = { "Time/interval", 14, ALIGN_LEFT, false, NULL },
	[C_RANGE] = { "Oldest-newest", 23, ALIGN_LEFT, false, cmp_oldest },
};

static const struct pane_meta *meta(const struct snapshot *s) { return &s->chunks_meta; }
static int rows(const struct snapshot *s) { return s->hts.n; }
static const void *row(const struct snapshot *s, int i) { return &s->hts.v[i]; }
static const char *row_name(const void *r) { return R(r)->is_cagg && R(r)->cagg_name[0] ? R(r)->cagg_name : R(r)->name; }
static enum health row_health(const void *r) { return R(r)->health; }
static const char *row_why(const void *r) { return R(r)->why; }

static void count_cell(char *buf, size_t n, long long v)
{
	fmt_count(buf, n, v);
}

static enum theme_role cell(const struct pane_ctx *c, const void *rp, int col, int width,
                            char *buf, size_t n)
{
	const struct ht_row *r = rp;
	char tmp[PANE_LINE_MAX], a[48];
	switch (col) {
	case C_NAME:
		if (r->is_cagg) {
			char q[NAME_LEN * 2];
			pane_qualname(q, sizeof q, "", r->cagg_name[0] ? r->cagg_name : r->name);
			snprintf(tmp, sizeof tmp, "%s %.200s", c->utf8 ? "\u29c9" : "[cagg]", q);
			return pane_text(buf, n, tmp, width, c->utf8, ROLE_DIM);
		}
		return pane_name_cell(c, buf, n, r->schema, r->name, width, ROLE_NORMAL);
	case C_CHUNKS: count_cell(buf, n, r->chunks); return ROLE_NORMAL;
	case C_COMPR: count_cell(buf, n, r->compressed); return ROLE_NORMAL;
	case C_UNCOMPR: count_cell(buf, n, r->uncompressed); return ROLE_NORMAL;
	case C_PARTIAL: count_cell(buf, n, r->partial); return r->partial > 0 ? ROLE_WARNING : ROLE_NORMAL;
	case C_FROZEN: count_cell(buf, n, r->frozen); return ROLE_NORMAL;
	case C_SIZE: fmt_bytes(buf, n, r->est_bytes); return ROLE_NORMAL;
	case C_RATIO:
		if (!r->compression_enabled && r->compressed == 0)
			snprintf(buf, n, "off");
		else
			pane_ratio(buf, n, r->before_bytes, r->after_bytes);
		return ROLE_NORMAL;
	case C_TIME:
		if (r->time_is_int)
			snprintf(a, sizeof a, "%.0f", r->interval);
		else
			pane_dur(a, sizeof a, r->interval);
		snprintf(tmp, sizeof tmp, "%s/%s", r->time_column, a);
		return pane_text(buf, n, tmp, width, c->utf8, ROLE_NORMAL);
	case C_RANGE:
		if (r->chunks == 0)
			snprintf(tmp, sizeof tmp, "-");
		else if (r->time_is_int)
			snprintf(tmp, sizeof tmp, "%lld..%lld", (long long)r->oldest_start_int,
			         (long long)r->newest_end_int);
		else
			pane_range(tmp, sizeof tmp, r->oldest_start, r->newest_end, c->utf8);
		return pane_text(buf, n, tmp, width, c->utf8, ROLE_NORMAL);
	default:
		if (n)
			buf[0] = '\0';
		return ROLE_NORMAL;
	}
}

static enum theme_role totals(const struct pane_ctx *c, int col, int width, char *buf, size_t n)
{
	const struct snapshot *s = c->s;
	long long ch = 0, co = 0, un = 0, pa = 0, fr = 0;
	double sz = 0, be = 0, af = 0;
	bool szk = false;
	for (int i = 0; i < s->hts.n; i++) {
		const struct ht_row *r = &s->hts.v[i];
		ch += r->chunks; co += r->compressed; un += r->uncompressed;
		pa += r->partial; fr += r->frozen;
		if (!isnan(r->est_bytes)) { sz += r->est_bytes; szk = true; }
		if (!isnan(r->before_bytes) && !isnan(r->after_bytes)) { be += r->before_bytes; af += r->after_bytes; }
	}
	(void)width;
	switch (col) {
	case C_NAME: snprintf(buf, n, "TOTAL (%d)", s->hts.n); break;
	case C_CHUNKS: count_cell(buf, n, ch); break;
	case C_COMPR: count_cell(buf, n, co); break;
	case C_UNCOMPR: count_cell(buf, n, un); break;
	case C_PARTIAL: count_cell(buf, n, pa); break;
	case C_FROZEN: count_cell(buf, n, fr); break;
	case C_SIZE: fmt_bytes(buf, n, szk ? sz : NAN); break;
	case C_RATIO: pane_ratio(buf, n, be, af); break;
	default: if (n) buf[0] = '\0'; break;
	}
	return ROLE_COLUMN_HEADER;
}

const struct pane_class pane_chunks_class = {
	.id = PANE_CHUNKS,
	.title = "Chunks",
	.tab = "Chunks",
	.cols = cols,
	.ncols = C_N,
	.default_sort = C_NAME,
	.default_desc = false,
	.meta = meta,
	.rows = rows,
	.row = row,
	.row_name = row_name,
	.row_health = row_health,
	.row_why = row_why,
	.cell = cell,
	.totals = totals,
};
