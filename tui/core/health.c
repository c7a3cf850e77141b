/* health — the rules behind ok / warning / critical (pure). */
#include "tsdbtop/health.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/jobinfo.h"

void thresholds_default(struct thresholds *t)
{
	t->chunks_warn = 1000;
	t->chunks_crit = 10000;
	t->chunk_bytes_warn = 4.0 * 1024 * 1024 * 1024;
	t->chunk_bytes_small = 1.0 * 1024 * 1024;
	t->backlog_warn = 1;
	t->backlog_crit = 50;
	t->retention_warn = 1;
	t->retention_crit = 100;
	t->lag_factor_warn = 1.0;
	t->lag_factor_crit = 3.0;
	t->cache_warn = 0.95;
	t->cache_crit = 0.80;
	t->job_failures_warn = 1;
	t->job_failures_crit = 3;
	t->overdue_grace_s = 300;
	t->job_long_factor = 5;
	t->job_success_intervals = 3;
}

static enum health worse(enum health a, enum health b)
{
	return a > b ? a : b;
}

enum health health_ht(struct ht_row *r, const struct thresholds *t)
{
	enum health h = HEALTH_OK;
	r->why[0] = '\0';
	r->avg_chunk_bytes = r->chunks > 0 && !isnan(r->est_bytes) ? r->est_bytes / r->chunks : NAN;
	if (r->chunks >= t->chunks_crit) {
		h = HEALTH_CRITICAL;
		snprintf(r->why, sizeof r->why, "%d chunks (critical at %d)", r->chunks, t->chunks_crit);
	} else if (r->chunks >= t->chunks_warn) {
		h = HEALTH_WARNING;
		snprintf(r->why, sizeof r->why, "%d chunks (warning at %d)", r->chunks, t->chunks_warn);
	}
	if (!isnan(r->avg_chunk_bytes) && r->avg_chunk_bytes > t->chunk_bytes_warn) {
		char b[32];
		h = worse(h, HEALTH_WARNING);
		snprintf(r->why, sizeof r->why, "chunks average %s: interval too long",
			 fmt_bytes(b, sizeof b, r->avg_chunk_bytes));
	} else if (h == HEALTH_OK && r->chunks >= t->chunks_warn / 2 && !isnan(r->avg_chunk_bytes) &&
		   r->avg_chunk_bytes > 0 && r->avg_chunk_bytes < t->chunk_bytes_small) {
		h = HEALTH_WARNING;
		snprintf(r->why, sizeof r->why, "many small chunks: interval too short");
	}
	return r->health = h;
}

enum health health_comp(struct comp_row *r, const struct thresholds *t)
{
	r->why[0] = '\0';
	enum health h = HEALTH_OK;
	if (r->backlog >= t->backlog_crit)
		h = HEALTH_CRITICAL;
	else if (r->backlog >= t->backlog_warn)
		h = HEALTH_WARNING;
	if (h != HEALTH_OK) {
		char d[32];
		snprintf(r->why, sizeof r->why, "%d chunk%s not compressed, %s behind", r->backlog,
			 r->backlog == 1 ? "" : "s", fmt_duration(d, sizeof d, r->backlog_behind_s));
	} else if (!r->has_policy) {
		snprintf(r->why, sizeof r->why, "no compression policy");
	}
	return r->health = h;
}

/* What a paused job leaves undone: its hypertable's compression backlog or
 * the chunks its retention would drop (0: nothing known). */
static int paused_backlog(const struct job_row *r, const struct snapshot *s, const char **what)
{
	if (!s)
		return 0;
	if (strcmp(r->proc, "policy_compression") == 0) {
		*what = "to compress";
		for (int i = 0; i < s->comps.n; i++)
			if (s->comps.v[i].job_id == r->id && s->comps.v[i].backlog > 0)
				return s->comps.v[i].backlog;
	} else if (strcmp(r->proc, "policy_retention") == 0) {
		*what = "past drop_after";
		for (int i = 0; i < s->rets.n; i++)
			if (s->rets.v[i].job_id == r->id && s->rets.v[i].drop_count > 0)
				return s->rets.v[i].drop_count;
	}
	return 0;
}

static enum health job_failing(struct job_row *r, const struct thresholds *t, const struct snapshot *s)
{
	char words[160];
	int n = r->consecutive_failures > r->consecutive_crashes ? r->consecutive_failures
	                                                          : r->consecutive_crashes;
	job_error_words(words, sizeof words, r, s ? s->server.user : NULL);
	if (n >= t->job_failures_crit) {
		snprintf(r->why, sizeof r->why, "failing: %d consecutive failures%s%s", n, words[0] ? ": " : "", words);
		return HEALTH_CRITICAL;
	}
	snprintf(r->why, sizeof r->why, "last run failed (%d in a row)%s%s", n ? n : 1, words[0] ? ": " : "", words);
	return HEALTH_WARNING;
}

static void job_flags(struct job_row *r, const struct thresholds *t, const struct scheduler_info *sched,
                      double now)
{
	r->stuck = r->scheduled && !r->running && isinf(r->next_start) && r->next_start < 0;
	r->overdue = r->scheduled && !r->running && !isnan(r->next_start) &&
	             r->next_start < now - t->overdue_grace_s;
	if (r->scheduled && isnan(r->next_start) && sched->known && !sched->running)
		r->overdue = true;   /* never started and nothing will start it */
	r->running_long = r->running && !isnan(r->running_s) && !isnan(r->mean_s) &&
	                  r->running_s > t->job_long_factor * r->mean_s && r->running_s > 60;
	double last_ok = r->last_finish;
	r->no_success = r->scheduled && r->schedule_s > 0 && r->total_runs > 0 && !isnan(last_ok) &&
	                now - last_ok > t->job_success_intervals * r->schedule_s;
}

enum health health_job(struct job_row *r, const struct thresholds *t, const struct snapshot *s,
		       double now)
{
	static const struct scheduler_info none;
	const struct scheduler_info *sched = s ? &s->sched : &none;
	char d1[32], d2[32], d3[32];
	const char *what = "";
	r->why[0] = '\0';
	job_flags(r, t, sched, now);
	if (r->failed || r->consecutive_failures >= t->job_failures_warn)
		return r->health = job_failing(r, t, s);
	enum health h = HEALTH_WARNING;
	int backlog;
	if (r->stuck)
		snprintf(r->why, sizeof r->why, "stuck: next_start is -infinity, nothing will start it"
		         " (alter_job(%d, next_start => now()))", r->id);
	else if (r->running_long)
		snprintf(r->why, sizeof r->why, "running for %s, usually %s%s%s", fmt_duration(d1, sizeof d1, r->running_s),
		         fmt_duration(d2, sizeof d2, r->mean_s), r->max_runtime_s > 0 ? "; max_runtime " : "",
		         r->max_runtime_s > 0 ? fmt_duration(d3, sizeof d3, r->max_runtime_s) : "");
	else if (!r->scheduled && (backlog = paused_backlog(r, s, &what)) > 0)
		snprintf(r->why, sizeof r->why, "paused with a backlog: %d chunk%s %s", backlog,
		         backlog == 1 ? "" : "s", what);
	else if (!r->scheduled)
		snprintf(r->why, sizeof r->why, "paused");
	else if (r->overdue && sched->known && !sched->running)
		snprintf(r->why, sizeof r->why, "overdue: scheduler not running");
	else if (r->overdue && (sched->short_budget || (sched->workers_max > 0 &&
	                                                sched->workers_in_use >= sched->workers_max)))
		snprintf(r->why, sizeof r->why, "overdue: waiting for a worker (%d of %d in use)",
		         sched->workers_in_use, sched->workers_max);
	else if (r->overdue)
		snprintf(r->why, sizeof r->why, "overdue");
	else if (r->no_success)
		snprintf(r->why, sizeof r->why, "no success in %s (%g schedule intervals)",
		         fmt_duration(d1, sizeof d1, now - r->last_finish), t->job_success_intervals);
	else
		h = HEALTH_OK;
	return r->health = h;
}

static const struct job_row *find_job(const struct snapshot *s, int id)
{
	for (int i = 0; i < s->jobs.n; i++)
		if (s->jobs.v[i].id == id)
			return &s->jobs.v[i];
	return NULL;
}

static void ret_why_not(struct ret_row *r, const struct snapshot *s, const struct thresholds *t,
			double now)
{
	const struct job_row *j = find_job(s, r->job_id);
	r->why_not[0] = '\0';
	if (r->drop_count <= 0)
		return;
	if (!r->scheduled)
		snprintf(r->why_not, sizeof r->why_not, "job %d is paused", r->job_id);
	else if (j && j->consecutive_failures > 0)
		snprintf(r->why_not, sizeof r->why_not, "job %d is failing (%d in a row)", r->job_id,
			 j->consecutive_failures);
	else if (s->sched.known && !s->sched.running)
		snprintf(r->why_not, sizeof r->why_not, "the job scheduler is not running");
	else if (r->overdue)
		snprintf(r->why_not, sizeof r->why_not, "job %d is overdue", r->job_id);
	else if (!isnan(r->next_start) && r->next_start > now) {
		char d[32];
		snprintf(r->why_not, sizeof r->why_not, "next run in %s",
			 fmt_duration(d, sizeof d, r->next_start - now));
	}
	(void)t;
}

enum health health_ret(struct ret_row *r, const struct thresholds *t,
		       const struct snapshot *s, double now)
{
	r->overdue = r->scheduled && !isnan(r->next_start) && r->next_start < now - t->overdue_grace_s;
	if (r->scheduled && isnan(r->next_start) && s->sched.known && !s->sched.running)
		r->overdue = true;
	ret_why_not(r, s, t, now);
	enum health h = HEALTH_OK;
	if (r->drop_count >= t->retention_crit)
		h = HEALTH_CRITICAL;
	else if (r->drop_count >= t->retention_warn)
		h = HEALTH_WARNING;
	return r->health = h;
}

static void cagg_job_state(struct cagg_row *r, const struct snapshot *s)
{
	const struct job_row *j = r->job_id ? find_job(s, r->job_id) : NULL;
	if (!r->job_id)
		snprintf(r->job_state, sizeof r->job_state, "no policy");
	else if (j && !j->scheduled)
		snprintf(r->job_state, sizeof r->job_state, "paused");
	else if (j && j->consecutive_failures > 0)
		snprintf(r->job_state, sizeof r->job_state, "failing (%d)", j->consecutive_failures);
	else if (j && j->overdue)
		snprintf(r->job_state, sizeof r->job_state, "overdue");
	else
		snprintf(r->job_state, sizeof r->job_state, "scheduled");
}

/* Lag of a watermark behind now, never negative: a watermark past now
 * (the current, incomplete bucket materialized, data stamped in the future,
 * or a clock behind) is no lag; *ahead says by how much it is past. NAN
 * (ahead 0) when either is unknown. */
double health_lag(double now, double watermark, double *ahead)
{
	*ahead = 0;
	if (isnan(now) || isnan(watermark) || isinf(now) || isinf(watermark))
		return NAN;
	double d = now - watermark;
	if (d < 0) {
		*ahead = -d;
		return 0;
	}
	return d;
}

/* The same in an integer time column's units (integer_now() - watermark),
 * exact while the difference fits a double's 53 bits. */
double health_lag_int(int64_t now, int64_t watermark, double *ahead)
{
	*ahead = 0;
	if (now >= watermark) {
		uint64_t d = (uint64_t)now - (uint64_t)watermark; /* no signed overflow */
		return (double)d;
	}
	*ahead = (double)((uint64_t)watermark - (uint64_t)now);
	return 0;
}

/* Materialized as far as the raw data goes? The watermark only moves when
 * raw data exists in newer buckets. The catalog tells where the newest raw
 * chunk starts (data exists from there on, up to an unknown point): the
 * aggregate has caught up once the bucket holding that start is
 * materialized. */
static bool caught_up(const struct cagg_row *r)
{
	if (r->time_is_int) {
		if (!r->raw_int_known || !r->wm_int_known)
			return false;
		double bucket = !isnan(r->bucket_int) && r->bucket_int > 0 ? r->bucket_int : 0;
		return (double)r->watermark_int >= (double)r->raw_newest_int + bucket;
	}
	if (isnan(r->raw_newest) || isnan(r->watermark))
		return false;
	double bucket = !isnan(r->bucket_s) && r->bucket_s > 0 ? r->bucket_s : 0;
	return r->watermark >= r->raw_newest + bucket;
}

/* What the refresh policy can promise: end_offset + schedule_interval, plus
 * up to one bucket, since a bucket is materialized only once complete (a
 * daily aggregate at 17:00 holds up to midnight). Without a policy: two
 * buckets. NAN when neither is known. Integer time (in its units): the
 * schedule_interval has no integer equivalent, one more bucket stands in
 * for it: end_offset + two buckets; without a policy two buckets. */
static double cagg_allowed_lag(const struct cagg_row *r)
{
	if (r->time_is_int) {
		double bucket = !isnan(r->bucket_int) && r->bucket_int > 0 ? r->bucket_int : 0;
		if (r->job_id && !isnan(r->end_offset_int))
			return (r->end_offset_int > 0 ? r->end_offset_int : 0) + 2 * bucket;
		return bucket > 0 ? 2 * bucket : NAN;
	}
	double bucket = !isnan(r->bucket_s) && r->bucket_s > 0 ? r->bucket_s : 0;
	if (!isnan(r->promised_lag_s))
		return r->promised_lag_s + bucket;
	return bucket > 0 ? 2 * bucket : NAN;
}

double health_cagg_lag_factor(const struct cagg_row *r)
{
	double allowed = cagg_allowed_lag(r);
	double lag = r->time_is_int ? (r->wm_int_known ? r->lag_int : NAN) : isnan(r->watermark) ? NAN : r->lag_s;
	if (caught_up(r) || isnan(allowed) || allowed <= 0 || isnan(lag))
		return 0;
	return lag / allowed;
}

/* "1,234 units" */
static char *units_words(char *buf, size_t n, double v)
{
	char c[32];
	snprintf(buf, n, "%s unit%s", fmt_count(c, sizeof c, (long long)v), v == 1 ? "" : "s");
	return buf;
}

static void cagg_lag(struct cagg_row *r, double now)
{
	r->lag_s = r->lag_int = NAN;
	r->ahead = 0;
	if (!r->time_is_int)
		r->lag_s = health_lag(now, r->watermark, &r->ahead);
	else if (r->wm_int_known && r->now_int_known)
		r->lag_int = health_lag_int(r->now_int, r->watermark_int, &r->ahead);
}

/* Fresh / lagging / stale from the lag against what the policy allows. */
static enum health cagg_by_lag(struct cagg_row *r, const struct thresholds *t)
{
	char a[48], b[48];
	enum health h = HEALTH_OK;
	double factor = health_cagg_lag_factor(r);
	if (factor <= t->lag_factor_warn) {
		r->state = CAGG_FRESH;
	} else if (factor <= t->lag_factor_crit) {
		r->state = CAGG_LAGGING;
		h = HEALTH_WARNING;
	} else {
		r->state = CAGG_STALE;
		h = HEALTH_CRITICAL;
	}
	if (h != HEALTH_OK && r->time_is_int)
		snprintf(r->why, sizeof r->why, "lag %s, policy allows %s", units_words(a, sizeof a, r->lag_int),
			 units_words(b, sizeof b, cagg_allowed_lag(r)));
	else if (h != HEALTH_OK)
		snprintf(r->why, sizeof r->why, "lag %s, policy allows %s", fmt_duration(a, sizeof a, r->lag_s),
			 fmt_duration(b, sizeof b, cagg_allowed_lag(r)));
	return h;
}

/* A watermark ahead of now is lag 0, and said why. Within one bucket: the
 * current bucket is materialized (its end is the watermark). Beyond: raw data
 * stamped in the future, or a clock behind. */
static void cagg_ahead_why(struct cagg_row *r)
{
	char a[48];
	double bucket = r->time_is_int ? r->bucket_int : r->bucket_s;
	if (r->time_is_int)
		units_words(a, sizeof a, r->ahead);
	else
		fmt_duration(a, sizeof a, r->ahead);
	snprintf(r->why, sizeof r->why, !isnan(bucket) && r->ahead <= bucket
		 ? "watermark %s ahead of now: the current bucket is materialized"
		 : "watermark %s ahead of now: raw data in the future (or a clock behind)", a);
}

enum health health_cagg(struct cagg_row *r, const struct thresholds *t,
			const struct snapshot *s, double now)
{
	cagg_job_state(r, s);
	r->why[0] = '\0';
	cagg_lag(r, now);
	bool wm_known = r->time_is_int ? r->wm_int_known : !isnan(r->watermark);
	bool raw_known = r->time_is_int ? r->raw_int_known : !isnan(r->raw_newest);
	bool lag_known = !isnan(r->time_is_int ? r->lag_int : r->lag_s);
	enum health h = HEALTH_OK;
	if (!raw_known) {
		r->state = CAGG_NODATA;
	} else if (!wm_known) {
		r->state = CAGG_EMPTY;
		h = HEALTH_WARNING;
		snprintf(r->why, sizeof r->why, "never refreshed although raw data exists");
	} else if (!lag_known) {
		/* integer time without a usable integer_now(): no "now" to measure from */
		r->state = caught_up(r) ? CAGG_FRESH : CAGG_UNKNOWN;
		snprintf(r->why, sizeof r->why, "%s: lag unknown",
			 r->has_integer_now ? "integer_now() not usable (dropped, volatile or no EXECUTE)"
						 : "no integer_now function");
	} else {
		h = cagg_by_lag(r, t);
	}
	if (r->ahead > 0)
		cagg_ahead_why(r);
	if (r->retention_cuts_window) {
		h = worse(h, HEALTH_WARNING);
		snprintf(r->why, sizeof r->why, "raw-table retention cuts into the refresh window");
	}
	return r->health = h;
}

enum health health_ratio(double ratio, const struct thresholds *t)
{
	if (isnan(ratio))
		return HEALTH_UNKNOWN;
	if (ratio < t->cache_crit)
		return HEALTH_CRITICAL;
	if (ratio < t->cache_warn)
		return HEALTH_WARNING;
	return HEALTH_OK;
}

static void count(struct snapshot *s, enum health h)
{
	if ((unsigned)h <= HEALTH_UNKNOWN)
		s->worst[h]++;
}

/* Rows of a pane that is unavailable now (TimescaleDB dropped, say) are
 * kept but not shown: they do not count in the header either. */
static bool counted(const struct pane_meta *m)
{
	return m->status != PANE_UNAVAILABLE;
}

void health_classify(struct snapshot *s, const struct thresholds *t, double now)
{
	memset(s->worst, 0, sizeof s->worst);
	for (int i = 0; i < s->hts.n && counted(&s->chunks_meta); i++)
		count(s, health_ht(&s->hts.v[i], t));
	for (int i = 0; i < s->comps.n && counted(&s->comp_meta); i++)
		count(s, health_comp(&s->comps.v[i], t));
	s->sched.has_history = s->history_meta.status == PANE_OK || s->history_meta.status == PANE_ERROR;
	sched_capacity(&s->sched, s, now, t->overdue_grace_s);
	for (int i = 0; i < s->jobs.n && counted(&s->jobs_meta); i++)
		count(s, health_job(&s->jobs.v[i], t, s, now));
	for (int i = 0; i < s->rets.n && counted(&s->ret_meta); i++)
		count(s, health_ret(&s->rets.v[i], t, s, now));
	for (int i = 0; i < s->caggs.n && counted(&s->cagg_meta); i++)
		count(s, health_cagg(&s->caggs.v[i], t, s, now));
	for (int i = 0; i < s->caches.n; i++) {
		struct cache_row *c = &s->caches.v[i];
		c->health = health_ratio(c->ratio, t);
		if (counted(&s->cache_meta))
			count(s, c->health);
	}
	double r = !isnan(s->cache.ratio_now) ? s->cache.ratio_now : s->cache.ratio_total;
	s->cache.health = s->cache.stats_available ? health_ratio(r, t) : HEALTH_UNKNOWN;
	if (s->cache.health != HEALTH_UNKNOWN)
		count(s, s->cache.health);
}
