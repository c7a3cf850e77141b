/* snapshot — row arrays and names (pure). */
#include "tsdbtop/snapshot.h"

#include "tsdbtop/queries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rows_any {
	void *v;
	int n, cap;
};

void *snapshot_row_add(void *rows, int elem_size)
{
	struct rows_any *r = rows;
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 16;
		void *v = realloc(r->v, (size_t)cap * (size_t)elem_size);
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	char *e = (char *)r->v + (size_t)r->n * (size_t)elem_size;
	memset(e, 0, (size_t)elem_size);
	r->n++;
	return e;
}

int snapshot_row_reserve(void *rows, int n, int elem_size)
{
	struct rows_any *r = rows;
	if (n < r->n)
		n = r->n;
	if (n <= 0 || (n <= r->cap && r->cap <= 2 * n + 16))
		return 0;
	void *v = realloc(r->v, (size_t)n * (size_t)elem_size);
	if (!v)
		return -1;
	r->v = v;
	r->cap = n;
	return 0;
}

void snapshot_clear_rows(void *rows)
{
	((struct rows_any *)rows)->n = 0;
}

void snapshot_clear_jobs(struct snapshot *s)
{
	for (int i = 0; i < s->jobs.n; i++) {
		free(s->jobs.v[i].last_error.message);
		s->jobs.v[i].last_error.message = NULL;
	}
	s->jobs.n = 0;
}

void snapshot_free(struct snapshot *s)
{
	snapshot_clear_jobs(s);
	free(s->job_runs.v);
	memset(&s->job_runs, 0, sizeof s->job_runs);
	free(s->hts.v);
	free(s->comps.v);
	free(s->jobs.v);
	free(s->rets.v);
	free(s->caggs.v);
	free(s->caches.v);
	memset(&s->hts, 0, sizeof s->hts);
	memset(&s->comps, 0, sizeof s->comps);
	memset(&s->jobs, 0, sizeof s->jobs);
	memset(&s->rets, 0, sizeof s->rets);
	memset(&s->caggs, 0, sizeof s->caggs);
	memset(&s->caches, 0, sizeof s->caches);
}

const char *health_name(enum health h)
{
	switch (h) {
	case HEALTH_OK: return "ok";
	case HEALTH_WARNING: return "warning";
	case HEALTH_CRITICAL: return "critical";
	default: return "unknown";
	}
}

const char *cagg_state_name(enum cagg_state s)
{
	switch (s) {
	case CAGG_FRESH: return "fresh";
	case CAGG_LAGGING: return "lagging";
	case CAGG_STALE: return "stale";
	case CAGG_EMPTY: return "never refreshed";
	case CAGG_UNKNOWN: return "lag unknown";
	default: return "no raw data";
	}
}

const char *compat_reason_name(enum compat_reason r)
{
	switch (r) {
	case COMPAT_FORCED: return "forced";
	case COMPAT_UNKNOWN_VERSION: return "unknown_version";
	case COMPAT_FAST_FAILED: return "fast_query_failed";
	default: return NULL;
	}
}

void compat_describe(char *buf, size_t n, const struct compat_state *c,
		     const struct server_info *si, bool brief)
{
	if (!n)
		return;
	buf[0] = '\0';
	if (!c->active)
		return;
	const char *tsv = si && si->ts_version[0] ? si->ts_version : "?";
	switch (c->reason) {
	case COMPAT_FORCED:
		snprintf(buf, n, "compatibility mode: forced by option%s", brief ? "" : " (public views, slower)");
		break;
	case COMPAT_UNKNOWN_VERSION:
		if (brief)
			snprintf(buf, n, "compatibility mode: unknown TimescaleDB version");
		else
			snprintf(buf, n, "compatibility mode: unknown TimescaleDB version %s (newest layout known"
				 " 2.%d.x; public views, slower)", tsv, QUERY_TS_NEWEST_KNOWN_MINOR);
		break;
	default: {
		/* detail is "pane: SQLSTATE message" */
		char pane[32] = "";
		const char *colon = strchr(c->detail, ':');
		if (colon && (size_t)(colon - c->detail) < sizeof pane)
			snprintf(pane, sizeof pane, "%.*s", (int)(colon - c->detail), c->detail);
		if (brief)
			snprintf(buf, n, "compatibility mode: fast query failed (%s %.5s)", pane,
				 colon ? colon + 2 : "");
		else
			snprintf(buf, n, "compatibility mode: a fast query failed on this catalog (%s;"
				 " public views, slower)", c->detail);
		break;
	}
	}
}
