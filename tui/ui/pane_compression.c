/* pane 2: compression per hypertable, then the compression jobs and the
 * scheduler line (pure cell text; drawn by ui.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/jobinfo.h"
#include "tsdbtop/pane.h"

#define R(p) ((const struct comp_row *)(p))
#define J(p) ((const struct job_row *)(p))

static int cmp_name(const void *a, const void *b)
{
	int c = strcmp(R(a)->schema, R(b)->schema);
	return c ? c : strcmp(R(a)->name, R(b)->name);
}
static int cmp_backlog(const void *a, const void *b) { return pane_cmp_int(R(a)->backlog, R(b)->backlog); }
static int cmp_behind(const void *a, const void *b) { return pane_cmp_double(R(a)->backlog_behind_s, R(b)->backlog_behind_s); }
static int cmp_before(const void *a, const void *b) { return pane_cmp_double(R(a)->before_bytes, R(b)->before_bytes); }
static int cmp_after(const void *a, const void *b) { return pane_cmp_double(R(a)->after_bytes, R(b)->after_bytes); }
static double ratio_of(const struct comp_row *r)
{
	return (r->after_bytes > 0 && r->before_bytes > 0) ? r->before_bytes / r->after_bytes : NAN;
}
static int cmp_ratio(const void *a, const void *b) { return pane_cmp_double(ratio_of(R(a)), ratio_of(R(b))); }
static int cmp_cafter(const void *a, const void *b) { return pane_cmp_double(R(a)->compress_after_s, R(b)->compress_after_s); }

enum { C_NAME, C_BACKLOG, C_BEHIND, C_BEFORE, C_AFTER, C_RATIO, C_CAFTER, C_SEG, C_ORD, C_N };

static const struct pane_column cols[C_N] = {
	[C_NAME] = { "Hypertable", 16, ALIGN_LEFT, true, cmp_name },
	[C_BACKLOG] = { "Backlog", 7, ALIGN_RIGHT, false, cmp_backlog },
	[C_BEHIND] = { "Behind", 7, ALIGN_RIGHT, false, cmp_behind },
	[C_BEFORE] = { "Before", 9, ALIGN_RIGHT, false, cmp_before },
	[C_AFTER] = { "After", 9, ALIGN_RIGHT, false, cmp_after },
	[C_RATIO] = { "Ratio", 6, ALIGN_RIGHT, false, cmp_ratio },
	[C_CAFTER] = { "Compr.after", 11, ALIGN_RIGHT, false, cmp_cafter },
	[C_SEG] = { "Segmentby", 14, ALIGN_LEFT, false, NULL },
	[C_ORD] = { "Orderby", 16, ALIGN_LEFT, false, NULL },
};

static const struct pane_meta *meta(const struct snapshot *s) { return &s->comp_meta; }
static int rows(const struct snapshot *s) { return s->comps.n; }
static const void *row(const struct snapshot *s, int i) { return &s->comps.v[i]; }
static const char *row_name(const void *r) { return R(r)->name; }
static enum health row_health(const void *r) { return R(r)->health; }
static const char *row_why(const void *r) { return R(r)->why; }

static enum theme_role cell(const struct pane_ctx *c, const void *rp, int col, int width,
                            char *buf, size_t n)
{
	const struct comp_row *r = rp;
	switch (col) {
	case C_NAME:
		return pane_name_cell(c, buf, n, r->schema, r->name, width, ROLE_NORMAL);
	case C_BACKLOG:
		if (r->backlog < 0)      /* unknown: integer time, or no policy interval */
			return pane_text(buf, n, "-", width, c->utf8, ROLE_DIM);
		fmt_count(buf, n, r->backlog);
		return r->backlog > 0 ? pane_health_role(r->health == HEALTH_OK ? HEALTH_WARNING : r->health)
		                      : ROLE_NORMAL;
	case C_BEHIND:
		if (r->backlog <= 0 || isnan(r->backlog_behind_s))
			snprintf(buf, n, "-");
		else
			pane_dur(buf, n, r->backlog_behind_s);
		return ROLE_NORMAL;
	case C_BEFORE: fmt_bytes(buf, n, r->before_bytes); return ROLE_NORMAL;
	case C_AFTER: fmt_bytes(buf, n, r->after_bytes); return ROLE_NORMAL;
	case C_RATIO: pane_ratio(buf, n, r->before_bytes, r->after_bytes); return ROLE_NORMAL;
	case C_CAFTER:
		if (!r->has_policy)
			snprintf(buf, n, "no policy");
		else
			pane_text(buf, n, r->compress_after, width, c->utf8, ROLE_NORMAL);
		return r->has_policy ? ROLE_NORMAL : ROLE_DIM;
	case C_SEG: return pane_text(buf, n, r->segmentby[0] ? r->segmentby : "-", width, c->utf8, ROLE_NORMAL);
	case C_ORD: return pane_text(buf, n, r->orderby[0] ? r->orderby : "-", width, c->utf8, ROLE_NORMAL);
	default:
		if (n)
			buf[0] = '\0';
		return ROLE_NORMAL;
	}
}

static int post(const struct pane_ctx *c, int i, char *buf, size_t n, enum theme_role *role)
{
	const struct scheduler_info *sc = &c->s->sched;
	int lines = 1 + (sc->why[0] != '\0');
	if (!buf)
		return lines;
	if (i == 1) {
		snprintf(buf, n, "worker budget: %s", sc->why);
		*role = ROLE_WARNING;
	} else if (!sc->known) {
		snprintf(buf, n, "scheduler: unknown");
		*role = ROLE_DIM;
	} else if (sc->embedded) {
		snprintf(buf, n, "scheduler: none (embedded server: jobs run only by hand)");
		*role = ROLE_DIM;
	} else if (!sc->running) {
		snprintf(buf, n, "scheduler: NOT running (background jobs will not run)");
		*role = ROLE_CRITICAL;
	} else {
		char w[48] = "";
		if (sc->waiting)
			snprintf(w, sizeof w, ", %d job%s waiting past %s start", sc->waiting,
			         sc->waiting == 1 ? "" : "s", sc->waiting == 1 ? "its" : "their");
		if (sc->workers_max > 0)
			snprintf(buf, n, "scheduler: running, workers %d/%d in use%s", sc->workers_in_use,
			         sc->workers_max, w);
		else
			snprintf(buf, n, "scheduler: running, workers %d in use%s", sc->workers_in_use, w);
		*role = sc->waiting || (sc->workers_max > 0 && sc->workers_in_use >= sc->workers_max)
		        ? ROLE_WARNING : ROLE_OK;
	}
	return lines;
}

/* ---- the compression jobs sub-table ------------------------------------ */

/* The compression policies, and every other job that runs now or is not ok
 * (a failing user-defined job has no hypertable row to show it on). */
static bool is_compress_job(const struct job_row *j)
{
	return strcmp(j->proc, "policy_compression") == 0 || j->running || j->health != HEALTH_OK;
}

static int job_count(const struct snapshot *s)
{
	int n = 0;
	for (int i = 0; i < s->jobs.n; i++)
		n += is_compress_job(&s->jobs.v[i]);
	return n;
}

static const void *job_at(const struct snapshot *s, int i)
{
	for (int k = 0; k < s->jobs.n; k++)
		if (is_compress_job(&s->jobs.v[k]) && i-- == 0)
			return &s->jobs.v[k];
	return NULL;
}

static int jcmp_id(const void *a, const void *b) { return pane_cmp_int(J(a)->id, J(b)->id); }
static int jcmp_name(const void *a, const void *b) { return strcmp(J(a)->ht_name, J(b)->ht_name); }
static int jcmp_next(const void *a, const void *b) { return pane_cmp_double(J(a)->next_start, J(b)->next_start); }
static int jcmp_fail(const void *a, const void *b) { return pane_cmp_int(J(a)->consecutive_failures, J(b)->consecutive_failures); }

enum { J_ID, J_HT, J_SCHED, J_STATE, J_LAST, J_STATUS, J_NEXT, J_FAIL, J_ERR, J_N };

static const struct pane_column jcols[J_N] = {
	[J_ID] = { "Job", 5, ALIGN_RIGHT, false, jcmp_id },
	[J_HT] = { "Hypertable/proc", 16, ALIGN_LEFT, false, jcmp_name },
	[J_SCHED] = { "Every", 6, ALIGN_RIGHT, false, NULL },
	[J_STATE] = { "State", 9, ALIGN_LEFT, false, NULL },
	[J_LAST] = { "Last run", 10, ALIGN_RIGHT, false, NULL },
	[J_STATUS] = { "Status", 9, ALIGN_LEFT, false, NULL },
	[J_NEXT] = { "Next start", 14, ALIGN_RIGHT, false, jcmp_next },
	[J_FAIL] = { "Fails", 5, ALIGN_RIGHT, false, jcmp_fail },
	[J_ERR] = { "Last error", 12, ALIGN_LEFT, true, NULL },
};

static const struct pane_meta *jmeta(const struct snapshot *s) { return &s->jobs_meta; }
static const char *jname(const void *r) { return J(r)->ht_name[0] ? J(r)->ht_name : J(r)->proc; }
static const char *jwhy(const void *r) { return J(r)->why; }
static enum health jhealth(const void *r) { return J(r)->health; }

static enum theme_role jcell(const struct pane_ctx *c, const void *rp, int col, int width,
                             char *buf, size_t n)
{
	const struct job_row *j = rp;
	char tmp[PANE_LINE_MAX], d[32];
	switch (col) {
	case J_ID: snprintf(buf, n, "%d", j->id); return ROLE_NORMAL;
	case J_HT:
		if (j->ht_name[0])
			return pane_name_cell(c, buf, n, j->ht_schema, j->ht_name, width, ROLE_NORMAL);
		return pane_text(buf, n, j->proc, width, c->utf8, ROLE_NORMAL);
	case J_SCHED: pane_dur(buf, n, j->schedule_s); return ROLE_NORMAL;
	case J_STATE:
		if (j->running) {
			snprintf(buf, n, "run %s", isnan(j->running_s) ? "" : pane_dur(d, sizeof d, j->running_s));
			return j->running_long ? ROLE_WARNING : ROLE_ACCENT;
		}
		if (j->stuck) {
			snprintf(buf, n, "stuck");
			return ROLE_CRITICAL;
		}
		snprintf(buf, n, "%s", j->scheduled ? "scheduled" : "paused");
		return j->scheduled ? ROLE_NORMAL : ROLE_WARNING;
	case J_LAST:
		pane_ago(buf, n, isnan(j->last_finish) ? j->last_start : j->last_finish, c->now);
		return ROLE_NORMAL;
	case J_STATUS:
		pane_text(buf, n, j->failed && j->has_error ? job_fail_kind_short(j->last_error.kind)
		                  : j->last_status[0] ? j->last_status : "never", width, c->utf8, ROLE_NORMAL);
		return strcmp(j->last_status, "Failed") == 0 ? ROLE_CRITICAL
		       : j->last_status[0] ? ROLE_NORMAL : ROLE_DIM;
	case J_NEXT:
		if (j->overdue) {
			snprintf(buf, n, "OVERDUE %s", isnan(j->next_start) ? "" : pane_dur(d, sizeof d, c->now - j->next_start));
			return ROLE_CRITICAL;
		}
		pane_ago(buf, n, j->next_start, c->now);
		return ROLE_NORMAL;
	case J_ERR:
		if (!j->failed)
			return pane_text(buf, n, "", width, c->utf8, ROLE_NORMAL);
		job_error_words(tmp, sizeof tmp, j, c->s->server.user);
		return pane_text(buf, n, tmp, width, c->utf8, ROLE_CRITICAL);
	case J_FAIL:
		snprintf(buf, n, "%d", j->consecutive_failures);
		return j->consecutive_failures > 0 ? pane_health_role(j->health == HEALTH_OK ? HEALTH_WARNING : j->health)
		                                   : ROLE_NORMAL;
	default:
		if (n)
			buf[0] = '\0';
		return ROLE_NORMAL;
	}
}

const struct pane_class pane_compression_jobs_class = {
	.id = PANE_COMPRESSION,
	.title = "Jobs: compression, running, not ok",
	.tab = "Jobs",
	.cols = jcols,
	.ncols = J_N,
	.default_sort = J_ID,
	.meta = jmeta,
	.rows = job_count,
	.row = job_at,
	.row_name = jname,
	.row_health = jhealth,
	.row_why = jwhy,
	.cell = jcell,
};

const struct pane_class pane_compression_class = {
	.id = PANE_COMPRESSION,
	.title = "Compression",
	.tab = "Compression",
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
	.post = post,
	.sub = &pane_compression_jobs_class,
};
