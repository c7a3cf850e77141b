/* pane 4: continuous aggregates (pure cell text; drawn by ui.c). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/pane.h"

#define R(p) ((const struct cagg_row *)(p))

static const char *state_name(enum cagg_state s)
{
	switch (s) {
	case CAGG_FRESH: return "fresh";
	case CAGG_LAGGING: return "lagging";
	case CAGG_STALE: return "stale";
	case CAGG_EMPTY: return "empty";
	case CAGG_NODATA: return "no data";
	case CAGG_UNKNOWN: return "unknown";
	default: return "?";
	}
}

static int cmp_name(const void *a, const void *b)
{
	int c = strcmp(R(a)->schema, R(b)->schema);
	return c ? c : strcmp(R(a)->name, R(b)->name);
}
static int cmp_state(const void *a, const void *b) { return pane_cmp_int(R(a)->state, R(b)->state); }
/* Integer-time rows are in their own units: they sort among themselves,
 * after the time-based ones (seconds and units do not compare). */
static int cmp_kind(const void *a, const void *b) { return pane_cmp_int(R(a)->time_is_int, R(b)->time_is_int); }
static double lag_of(const struct cagg_row *r) { return r->time_is_int ? r->lag_int : r->lag_s; }
static double promised_of(const struct cagg_row *r)
{
	return r->time_is_int ? (r->job_id ? r->end_offset_int : NAN) : r->promised_lag_s;
}
static double wm_of(const struct cagg_row *r)
{
	return r->time_is_int ? (r->wm_int_known ? (double)r->watermark_int : NAN) : r->watermark;
}
static double bucket_of(const struct cagg_row *r) { return r->time_is_int ? r->bucket_int : r->bucket_s; }
static int cmp_lag(const void *a, const void *b)
{
	int k = cmp_kind(a, b);
	return k ? k : pane_cmp_double(lag_of(R(a)), lag_of(R(b)));
}
static int cmp_promised(const void *a, const void *b)
{
	int k = cmp_kind(a, b);
	return k ? k : pane_cmp_double(promised_of(R(a)), promised_of(R(b)));
}
static int cmp_wm(const void *a, const void *b)
{
	int k = cmp_kind(a, b);
	return k ? k : pane_cmp_double(wm_of(R(a)), wm_of(R(b)));
}
static int cmp_bucket(const void *a, const void *b)
{
	int k = cmp_kind(a, b);
	return k ? k : pane_cmp_double(bucket_of(R(a)), bucket_of(R(b)));
}

static int cmp_raw(const void *a, const void *b) { return strcmp(R(a)->raw_name, R(b)->raw_name); }

enum { C_NAME, C_STATE, C_CUT, C_LAG, C_PROMISED, C_WM, C_BUCKET, C_JOB, C_RAW, C_MATONLY, C_N };

static const struct pane_column cols[C_N] = {
	[C_NAME] = { "View", 16, ALIGN_LEFT, true, cmp_name },
	[C_STATE] = { "State", 7, ALIGN_LEFT, false, cmp_state },
	[C_CUT] = { "Ret", 3, ALIGN_LEFT, false, NULL },
	[C_LAG] = { "Lag", 7, ALIGN_RIGHT, false, cmp_lag },
	[C_PROMISED] = { "Promise", 7, ALIGN_RIGHT, false, cmp_promised },
	[C_WM] = { "Materialized to", 16, ALIGN_LEFT, false, cmp_wm },
	[C_BUCKET] = { "Bucket", 6, ALIGN_RIGHT, false, cmp_bucket },
	[C_JOB] = { "Job", 10, ALIGN_LEFT, false, NULL },
	[C_RAW] = { "Raw hypertable", 14, ALIGN_LEFT, false, cmp_raw },
	[C_MATONLY] = { "MatOnly", 7, ALIGN_LEFT, false, NULL },
};

static const struct pane_meta *meta(const struct snapshot *s) { return &s->cagg_meta; }
static int rows(const struct snapshot *s) { return s->caggs.n; }
static const void *row(const struct snapshot *s, int i) { return &s->caggs.v[i]; }
static const char *row_name(const void *r) { return R(r)->name; }
static enum health row_health(const void *r) { return R(r)->health; }
static const char *row_why(const void *r) { return R(r)->why; }

static enum theme_role state_role(enum cagg_state s)
{
	switch (s) {
	case CAGG_FRESH: return ROLE_OK;
	case CAGG_LAGGING: return ROLE_WARNING;
	case CAGG_STALE: return ROLE_CRITICAL;
	default: return ROLE_DIM;
	}
}

static enum theme_role cell(const struct pane_ctx *c, const void *rp, int col, int width,
                            char *buf, size_t n)
{
	const struct cagg_row *r = rp;
	switch (col) {
	case C_NAME:
		return pane_name_cell(c, buf, n, r->schema, r->name, width, ROLE_NORMAL);
	case C_STATE:
		snprintf(buf, n, "%s", state_name(r->state));
		return state_role(r->state);
	case C_CUT:
		if (r->retention_cuts_window) {
			snprintf(buf, n, "%s", c->utf8 ? "\u25b2" : "!");
			return ROLE_WARNING;
		}
		snprintf(buf, n, "%s", "");
		return ROLE_NORMAL;
	case C_LAG:
		if (r->time_is_int)
			fmt_units(buf, n, r->lag_int);
		else if (isnan(r->lag_s))
			snprintf(buf, n, "-");
		else
			pane_dur(buf, n, r->lag_s);
		return state_role(r->state) == ROLE_DIM ? ROLE_NORMAL : state_role(r->state);
	case C_PROMISED:
		if (r->time_is_int)
			fmt_units(buf, n, promised_of(r));
		else if (isnan(r->promised_lag_s))
			snprintf(buf, n, "-");
		else
			pane_dur(buf, n, r->promised_lag_s);
		return ROLE_NORMAL;
	case C_WM:
		if (isnan(wm_of(r)))
			snprintf(buf, n, "never");
		else if (r->time_is_int) /* the column's own units, never an epoch */
			fmt_count(buf, n, r->watermark_int);
		else
			fmt_time_epoch(buf, n, r->watermark);
		return isnan(wm_of(r)) ? ROLE_DIM : ROLE_NORMAL;
	case C_BUCKET:
		return pane_text(buf, n, r->bucket[0] ? r->bucket : "-", width, c->utf8, ROLE_NORMAL);
	case C_JOB:
		return pane_text(buf, n, r->job_state[0] ? r->job_state : "-", width, c->utf8,
		                 strncmp(r->job_state, "failing", 7) == 0 ? ROLE_CRITICAL
		                 : strcmp(r->job_state, "paused") == 0 || strcmp(r->job_state, "no policy") == 0 ? ROLE_WARNING
		                 : ROLE_NORMAL);
	case C_RAW:
		return pane_name_cell(c, buf, n, r->raw_schema, r->raw_name, width, ROLE_NORMAL);
	case C_MATONLY:
		snprintf(buf, n, "%s", r->materialized_only ? "yes" : "no");
		return ROLE_NORMAL;
	default:
		if (n)
			buf[0] = '\0';
		return ROLE_NORMAL;
	}
}

const struct pane_class pane_caggs_class = {
	.id = PANE_CAGGS,
	.title = "Continuous aggregates",
	.tab = "Caggs",
	.cols = cols,
	.ncols = C_N,
	.default_sort = C_NAME,
	.meta = meta,
	.rows = rows,
	.row = row,
	.row_name = row_name,
	.row_health = row_health,
	.row_why = row_why,
	.cell = cell,
};
