/* pane 5: buffer cache hit ratios (pure cell text; drawn by ui.c). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/pane.h"

#define R(p) ((const struct cache_row *)(p))

static double ratio(double hit, double read)
{
	return (hit + read > 0) ? hit / (hit + read) : NAN;
}

/* Worst first: a row without reads (NAN) counts as perfect. */
static double sortable(double r) { return isnan(r) ? 2.0 : r; }

static int cmp_name(const void *a, const void *b)
{
	int c = strcmp(R(a)->schema, R(b)->schema);
	return c ? c : strcmp(R(a)->name, R(b)->name);
}
static int cmp_ratio(const void *a, const void *b) { return pane_cmp_double(sortable(R(a)->ratio), sortable(R(b)->ratio)); }
static int cmp_heap(const void *a, const void *b)
{
	return pane_cmp_double(sortable(ratio(R(a)->heap_hit, R(a)->heap_read)), sortable(ratio(R(b)->heap_hit, R(b)->heap_read)));
}
static int cmp_idx(const void *a, const void *b)
{
	return pane_cmp_double(sortable(ratio(R(a)->idx_hit, R(a)->idx_read)), sortable(ratio(R(b)->idx_hit, R(b)->idx_read)));
}
static int cmp_toast(const void *a, const void *b)
{
	return pane_cmp_double(sortable(ratio(R(a)->toast_hit, R(a)->toast_read)), sortable(ratio(R(b)->toast_hit, R(b)->toast_read)));
}
static double reads(const struct cache_row *r)
{
	double s = 0;
	if (!isnan(r->heap_read)) s += r->heap_read;
	if (!isnan(r->idx_read)) s += r->idx_read;
	if (!isnan(r->toast_read)) s += r->toast_read;
	return s;
}
static int cmp_reads(const void *a, const void *b) { return pane_cmp_double(reads(R(a)), reads(R(b))); }

enum { C_NAME, C_RATIO, C_HEAP, C_IDX, C_TOAST, C_READS, C_N };

static const struct pane_column cols[C_N] = {
	[C_NAME] = { "Hypertable", 16, ALIGN_LEFT, true, cmp_name },
	[C_RATIO] = { "Overall", 8, ALIGN_RIGHT, false, cmp_ratio },
	[C_HEAP] = { "Heap", 6, ALIGN_RIGHT, false, cmp_heap },
	[C_IDX] = { "Index", 6, ALIGN_RIGHT, false, cmp_idx },
	[C_TOAST] = { "TOAST", 6, ALIGN_RIGHT, false, cmp_toast },
	[C_READS] = { "Disk reads", 10, ALIGN_RIGHT, false, cmp_reads },
};

static const struct pane_meta *meta(const struct snapshot *s) { return &s->cache_meta; }
static int rows(const struct snapshot *s) { return s->cache.stats_available ? s->caches.n : 0; }
static const void *row(const struct snapshot *s, int i) { return &s->caches.v[i]; }
static const char *row_name(const void *r) { return R(r)->name; }
static enum health row_health(const void *r) { return R(r)->health; }

static enum theme_role cell(const struct pane_ctx *c, const void *rp, int col, int width,
                            char *buf, size_t n)
{
	const struct cache_row *r = rp;
	switch (col) {
	case C_NAME:
		return pane_name_cell(c, buf, n, r->schema, r->name, width, ROLE_NORMAL);
	case C_RATIO: fmt_pct(buf, n, r->ratio); return isnan(r->ratio) ? ROLE_DIM : pane_health_role(r->health);
	case C_HEAP: fmt_pct(buf, n, ratio(r->heap_hit, r->heap_read)); return ROLE_NORMAL;
	case C_IDX: fmt_pct(buf, n, ratio(r->idx_hit, r->idx_read)); return ROLE_NORMAL;
	case C_TOAST: fmt_pct(buf, n, ratio(r->toast_hit, r->toast_read)); return ROLE_NORMAL;
	case C_READS: fmt_count(buf, n, (long long)reads(r)); return ROLE_NORMAL;
	default:
		if (n)
			buf[0] = '\0';
		return ROLE_NORMAL;
	}
}

static int pre(const struct pane_ctx *c, int i, char *buf, size_t n, enum theme_role *role)
{
	const struct cache_db *d = &c->s->cache;
	if (!d->stats_available) {
		if (buf && i == 0) {
			snprintf(buf, n, "database: the server keeps no statistics (no hit ratio to show)");
			*role = ROLE_DIM;
		}
		return 1;
	}
	if (!buf)
		return 1;
	if (i == 0) {
		char now[16], tot[16], rs[32], sz[16];
		fmt_pct(now, sizeof now, d->ratio_now);
		fmt_pct(tot, sizeof tot, d->ratio_total);
		if (isnan(d->stats_reset) || d->stats_reset <= 0)
			snprintf(rs, sizeof rs, "start");
		else
			fmt_time_epoch(rs, sizeof rs, d->stats_reset);
		/* pg_database_size: exact, but the query re-reads it at most
		 * once a minute (it stats every file of the database) */
		if (isnan(d->db_bytes))
			snprintf(sz, sizeof sz, "size unknown");
		else
			fmt_bytes(sz, sizeof sz, d->db_bytes);
		snprintf(buf, n, "database hit ratio: now %s  since %s %s  |  %ld backends  %s%s",
		         isnan(d->ratio_now) ? "(next poll)" : now, rs, tot, d->numbackends, sz,
		         isnan(d->db_bytes) ? "" : " (size re-read at most once a minute)");
		*role = pane_health_role(d->health);
		if (d->health == HEALTH_UNKNOWN || d->health == HEALTH_OK)
			*role = ROLE_NORMAL;
	}
	return 1;
}

static const char *empty(const struct snapshot *s)
{
	return s->cache.stats_available ? NULL : "no per-hypertable ratios without statistics";
}

const struct pane_class pane_cache_class = {
	.id = PANE_CACHE,
	.title = "Cache",
	.tab = "Cache",
	.cols = cols,
	.ncols = C_N,
	.default_sort = C_RATIO,
	.default_desc = false,
	.meta = meta,
	.rows = rows,
	.row = row,
	.row_name = row_name,
	.row_health = row_health,
	.cell = cell,
	.pre = pre,
	.empty = empty,
};
