/* check — statuses, status line and perfdata for `tsdbtop check` (pure). */
#include "tsdbtop/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/health.h"
#include "tsdbtop/sanitize.h"

static const char *const names[CK_COUNT] = {
	"jobs", "scheduler", "backlog", "retention", "cagg", "cache", "update",
};

const char *check_name(int id)
{
	return id >= 0 && id < CK_COUNT ? names[id] : "?";
}

int check_parse_name(const char *name)
{
	for (int i = 0; i < CK_COUNT; i++)
		if (name && strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

static int rank(enum health h)
{
	switch (h) {
	case HEALTH_CRITICAL: return 3;
	case HEALTH_WARNING: return 2;
	case HEALTH_UNKNOWN: return 1;
	default: return 0;
	}
}

enum health check_worse(enum health a, enum health b)
{
	return rank(a) >= rank(b) ? a : b;
}

static int parse_int(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < 0 || v > 1000000000)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return -1;
	if (*end == '%' && end[1] == '\0')
		v /= 100.0;
	else if (*end)
		return -1;
	*out = v;
	return 0;
}

int check_set_threshold(struct thresholds *t, const char *spec, bool crit, char *err, size_t n)
{
	const char *eq = strchr(spec, '=');
	const char *flag = crit ? "--crit" : "--warn";
	char name[32];
	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof name) {
		snprintf(err, n, "%s: '%s' is not NAME=VALUE (backlog, retention, lag, cache, failures)",
			 flag, spec);
		return -1;
	}
	memcpy(name, spec, (size_t)(eq - spec));
	name[eq - spec] = '\0';
	const char *v = eq + 1;
	int rc = -1;
	if (strcmp(name, "backlog") == 0)
		rc = parse_int(v, crit ? &t->backlog_crit : &t->backlog_warn);
	else if (strcmp(name, "retention") == 0)
		rc = parse_int(v, crit ? &t->retention_crit : &t->retention_warn);
	else if (strcmp(name, "failures") == 0)
		rc = parse_int(v, crit ? &t->job_failures_crit : &t->job_failures_warn);
	else if (strcmp(name, "lag") == 0)
		rc = parse_double(v, crit ? &t->lag_factor_crit : &t->lag_factor_warn);
	else if (strcmp(name, "cache") == 0) {
		double r;
		rc = parse_double(v, &r);
		if (rc == 0 && r > 1)
			rc = -1;
		if (rc == 0)
			*(crit ? &t->cache_crit : &t->cache_warn) = r;
	} else {
		snprintf(err, n, "%s: unknown threshold '%s' (backlog, retention, lag, cache, failures)",
			 flag, name);
		return -1;
	}
	if (rc != 0)
		snprintf(err, n, "%s %s: '%s' is not a valid %s", flag, name, v,
			 strcmp(name, "cache") == 0 ? "ratio (0.95 or 95%)" :
			 strcmp(name, "lag") == 0 ? "factor (e.g. 1.5)" : "count (a whole number >= 0)");
	return rc;
}

int check_validate_thresholds(const struct thresholds *t, char *err, size_t n)
{
	if (t->backlog_warn > t->backlog_crit)
		snprintf(err, n, "backlog: warning %d is above critical %d", t->backlog_warn, t->backlog_crit);
	else if (t->retention_warn > t->retention_crit)
		snprintf(err, n, "retention: warning %d is above critical %d", t->retention_warn,
			 t->retention_crit);
	else if (t->job_failures_warn > t->job_failures_crit)
		snprintf(err, n, "failures: warning %d is above critical %d", t->job_failures_warn,
			 t->job_failures_crit);
	else if (t->lag_factor_warn > t->lag_factor_crit)
		snprintf(err, n, "lag: warning %g is above critical %g", t->lag_factor_warn, t->lag_factor_crit);
	else if (t->cache_warn < t->cache_crit)
		snprintf(err, n, "cache: warning %g is below critical %g", t->cache_warn, t->cache_crit);
	else
		return 0;
	return -1;
}

static void set(struct check_result *r, enum health h, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct check_result *r, enum health h, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
	r->status = h;
	r->ran = true;
}

static void perf(struct check_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perf(struct check_result *r, const char *fmt, ...)
{
	size_t l = strlen(r->perfdata);
	if (l && l + 1 < sizeof r->perfdata)
		r->perfdata[l++] = ' ', r->perfdata[l] = '\0';
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->perfdata + l, sizeof r->perfdata - l, fmt, ap);
	va_end(ap);
}

static void qual(char *buf, size_t n, const char *schema, const char *name)
{
	if (schema && *schema && strcmp(schema, "public") != 0)
		snprintf(buf, n, "%s.%s", schema, name);
	else
		snprintf(buf, n, "%s", name);
}

/* A pane that could not answer makes its checks UNKNOWN. */
static bool pane_usable(struct check_result *r, const struct snapshot *s, const struct pane_meta *m)
{
	if (!s->server.ts_installed) {
		set(r, HEALTH_UNKNOWN, "TimescaleDB is not installed in database %s", s->server.database);
		return false;
	}
	if (m->status == PANE_OK)
		return true;
	set(r, HEALTH_UNKNOWN, "%s", m->status == PANE_EMPTY ? "no data" : m->message);
	return false;
}

/* The worst job: the most consecutive failures, then the worst health. */
static bool job_worse(const struct job_row *a, const struct job_row *b)
{
	if (!b)
		return true;
	if (a->consecutive_failures != b->consecutive_failures)
		return a->consecutive_failures > b->consecutive_failures;
	return a->health > b->health;
}

static void ck_jobs(struct check_result *r, const struct snapshot *s, const struct thresholds *t)
{
	if (!pane_usable(r, s, &s->jobs_meta))
		return;
	int failing = 0, paused = 0, other = 0, paused_id = 0;
	const struct job_row *worst = NULL, *odd = NULL;
	for (int i = 0; i < s->jobs.n; i++) {
		const struct job_row *j = &s->jobs.v[i];
		if (j->failed || j->consecutive_failures >= t->job_failures_warn) {
			failing++;
			if (job_worse(j, worst))
				worst = j;
		} else if (!j->scheduled) {
			if (!paused++)
				paused_id = j->id;
		} else if (j->health != HEALTH_OK && !(j->overdue && s->sched.known && !s->sched.running)) {
			/* (overdue for want of a scheduler: the scheduler check says so) */
			if (!other++)
				odd = j;
		}
	}
	enum health h = worst ? worst->health : (paused || other) ? HEALTH_WARNING : HEALTH_OK;
	char paused_txt[64] = "";
	if (paused)
		snprintf(paused_txt, sizeof paused_txt, ", %d paused (job %d)", paused, paused_id);
	if (worst)
		set(r, h, "%d job%s failing (job %d: %s)%s", failing, failing == 1 ? "" : "s", worst->id,
		    worst->why, paused_txt);
	else if (paused && odd)
		set(r, h, "%d job%s paused (job %d); job %d: %s", paused, paused == 1 ? "" : "s", paused_id,
		    odd->id, odd->why);
	else if (paused)
		set(r, h, "%d job%s paused (job %d)", paused, paused == 1 ? "" : "s", paused_id);
	else if (odd)
		set(r, h, "job %d: %s", odd->id, odd->why);
	else
		set(r, h, "%d jobs, none failing or paused", s->jobs.n);
	perf(r, "jobs_failing=%d;;;0 jobs_paused=%d;;;0", failing, paused);
}

static void ck_scheduler(struct check_result *r, const struct snapshot *s)
{
	if (!pane_usable(r, s, &s->jobs_meta))
		return;
	const struct scheduler_info *c = &s->sched;
	int scheduled = 0;
	for (int i = 0; i < s->jobs.n; i++)
		if (s->jobs.v[i].scheduled && s->jobs.v[i].id >= 1000)
			scheduled++;
	if (scheduled == 0)
		set(r, HEALTH_OK, "no scheduled policy or user jobs");
	else if (c->embedded)
		set(r, HEALTH_CRITICAL, "scheduler not running: %d scheduled job%s will not run (embedded"
		    " server: no scheduler, jobs run only by hand)", scheduled, scheduled == 1 ? "" : "s");
	else if (!c->known)
		set(r, HEALTH_UNKNOWN, "cannot see the scheduler (needs pg_read_all_stats or pg_monitor)");
	else if (!c->running)
		set(r, HEALTH_CRITICAL, "scheduler not running: %d scheduled job%s will not run", scheduled,
		    scheduled == 1 ? "" : "s");
	else if (c->short_budget)
		set(r, HEALTH_WARNING, "%s", c->why);
	else
		set(r, HEALTH_OK, "scheduler running, %d of %d workers in use, %d job%s waiting",
		    c->workers_in_use, c->workers_max, c->waiting, c->waiting == 1 ? "" : "s");
	if (c->known)
		perf(r, "scheduler_running=%d;;;0;1 workers_in_use=%d;;;0;%d jobs_waiting=%d;;;0",
		     c->running ? 1 : 0, c->workers_in_use, c->workers_max, c->waiting);
}

static void ck_backlog(struct check_result *r, const struct snapshot *s, const struct thresholds *t)
{
	if (!pane_usable(r, s, &s->comp_meta))
		return;
	int worst = 0, total = 0, tables = 0;
	const struct comp_row *w = NULL;
	for (int i = 0; i < s->comps.n; i++) {
		const struct comp_row *c = &s->comps.v[i];
		if (c->backlog > 0)
			total += c->backlog, tables++;
		if (c->backlog > worst)
			worst = c->backlog, w = c;
	}
	enum health h = worst >= t->backlog_crit ? HEALTH_CRITICAL :
			worst >= t->backlog_warn ? HEALTH_WARNING : HEALTH_OK;
	if (w) {
		char n[2 * NAME_LEN + 2], d[32];
		qual(n, sizeof n, w->schema, w->name);
		set(r, h, "%d chunk%s not compressed on %s (%s behind); %d in total on %d hypertable%s", worst,
		    worst == 1 ? "" : "s", n, fmt_duration(d, sizeof d, w->backlog_behind_s), total, tables,
		    tables == 1 ? "" : "s");
	} else {
		set(r, h, "no compression backlog");
	}
	perf(r, "backlog=%d;%d;%d;0 backlog_total=%d;;;0", worst, t->backlog_warn, t->backlog_crit, total);
}

static void ck_retention(struct check_result *r, const struct snapshot *s, const struct thresholds *t)
{
	if (!pane_usable(r, s, &s->ret_meta))
		return;
	int worst = 0, total = 0;
	const struct ret_row *w = NULL;
	for (int i = 0; i < s->rets.n; i++) {
		const struct ret_row *x = &s->rets.v[i];
		total += x->drop_count;
		if (x->drop_count > worst)
			worst = x->drop_count, w = x;
	}
	enum health h = worst >= t->retention_crit ? HEALTH_CRITICAL :
			worst >= t->retention_warn ? HEALTH_WARNING : HEALTH_OK;
	if (w) {
		char n[2 * NAME_LEN + 2];
		qual(n, sizeof n, w->schema, w->name);
		set(r, h, "%d chunk%s past drop_after %s on %s%s%s; %d in total", worst, worst == 1 ? "" : "s",
		    w->drop_after, n, w->why_not[0] ? ": " : "", w->why_not, total);
	} else {
		set(r, h, "%d retention polic%s, nothing past drop_after", s->rets.n,
		    s->rets.n == 1 ? "y" : "ies");
	}
	perf(r, "retention=%d;%d;%d;0 retention_total=%d;;;0", worst, t->retention_warn, t->retention_crit,
	     total);
}

static void ck_cagg(struct check_result *r, const struct snapshot *s, const struct thresholds *t)
{
	if (!pane_usable(r, s, &s->cagg_meta))
		return;
	enum health h = HEALTH_OK;
	int nwarn = 0, ncrit = 0;
	double maxf = 0;
	const struct cagg_row *w = NULL;
	for (int i = 0; i < s->caggs.n; i++) {
		const struct cagg_row *c = &s->caggs.v[i];
		double f = health_cagg_lag_factor(c);
		if (f > maxf)
			maxf = f;
		if (c->health == HEALTH_WARNING)
			nwarn++;
		else if (c->health == HEALTH_CRITICAL)
			ncrit++;
		if (c->health != HEALTH_OK && (!w || rank(c->health) > rank(w->health)))
			w = c;
		h = check_worse(h, c->health);
	}
	if (w) {
		char n[2 * NAME_LEN + 2];
		qual(n, sizeof n, w->schema, w->name);
		set(r, h, "%d critical, %d warning of %d aggregates; %s: %s", ncrit, nwarn, s->caggs.n, n, w->why);
	} else {
		set(r, h, "%d aggregate%s within promised lag", s->caggs.n, s->caggs.n == 1 ? "" : "s");
	}
	perf(r, "cagg_lag_factor=%.2f;%g;%g;0 caggs_warning=%d;;;0 caggs_critical=%d;;;0", maxf,
	     t->lag_factor_warn, t->lag_factor_crit, nwarn, ncrit);
}

static void ck_cache(struct check_result *r, const struct snapshot *s, const struct thresholds *t)
{
	if (s->cache_meta.status != PANE_OK) {
		set(r, HEALTH_UNKNOWN, "%s", s->cache_meta.status == PANE_EMPTY ? "no data" : s->cache_meta.message);
		return;
	}
	if (!s->cache.stats_available) {
		set(r, HEALTH_UNKNOWN, "the server keeps no statistics: no hit ratio");
		return;
	}
	double ratio = !isnan(s->cache.ratio_now) ? s->cache.ratio_now : s->cache.ratio_total;
	enum health h = health_ratio(ratio, t);
	char p[16], w[16], c[16];
	set(r, h, "buffer cache hit ratio %s (warning below %s, critical below %s)", fmt_pct(p, sizeof p, ratio),
	    fmt_pct(w, sizeof w, t->cache_warn), fmt_pct(c, sizeof c, t->cache_crit));
	if (!isnan(ratio))
		perf(r, "cache_hit=%.2f%%;%g:;%g:;0;100", ratio * 100, t->cache_warn * 100, t->cache_crit * 100);
}

static void ck_update(struct check_result *r, const struct snapshot *s)
{
	const struct server_info *si = &s->server;
	if (!si->ts_installed) {
		set(r, HEALTH_UNKNOWN, "TimescaleDB is not installed in database %s", si->database);
		return;
	}
	bool pending = server_update_pending(si);
	if (pending)
		set(r, HEALTH_WARNING, "TimescaleDB %s is on the server but the database uses %s: run ALTER "
		    "EXTENSION timescaledb UPDATE", si->ts_default_version, si->ts_version);
	else
		set(r, HEALTH_OK, "TimescaleDB %s is current", si->ts_version);
	perf(r, "update_pending=%d;;;0;1", pending ? 1 : 0);
}

void check_eval(struct snapshot *s, const struct thresholds *t, double now, int only,
		struct check_report *out)
{
	memset(out, 0, sizeof *out);
	health_classify(s, t, now);
	out->overall = HEALTH_OK;
	for (int i = 0; i < CK_COUNT; i++) {
		if (only >= 0 && i != only)
			continue;
		struct check_result *r = &out->r[i];
		switch (i) {
		case CK_JOBS: ck_jobs(r, s, t); break;
		case CK_SCHEDULER: ck_scheduler(r, s); break;
		case CK_BACKLOG: ck_backlog(r, s, t); break;
		case CK_RETENTION: ck_retention(r, s, t); break;
		case CK_CAGG: ck_cagg(r, s, t); break;
		case CK_CACHE: ck_cache(r, s, t); break;
		default: ck_update(r, s); break;
		}
		out->overall = check_worse(out->overall, r->status);
	}
}

static const char *status_word(enum health h)
{
	switch (h) {
	case HEALTH_OK: return "OK";
	case HEALTH_WARNING: return "WARNING";
	case HEALTH_CRITICAL: return "CRITICAL";
	default: return "UNKNOWN";
	}
}

/* Messages go through sanitize_text, and '|' (the perfdata separator) is
 * replaced so that names can never forge perfdata. */
static void clean(char *dst, size_t n, const char *src)
{
	sanitize_text(dst, n, src);
	for (char *p = dst; *p; p++)
		if (*p == '|')
			*p = '/';
}

size_t check_format(const struct check_report *rep, char *buf, size_t n)
{
	size_t l = 0;
#define OUT(...) do { if (l < n) { int w_ = snprintf(buf + l, n - l, __VA_ARGS__); \
		if (w_ > 0) l += (size_t)w_ < n - l ? (size_t)w_ : n - l - 1; } } while (0)
	if (n == 0)
		return 0;
	buf[0] = '\0';
	OUT("TSDBTOP %s - ", status_word(rep->overall));
	int shown = 0, ran = 0;
	/* Summary: the checks at the overall status, then the others not OK. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < CK_COUNT; i++) {
			const struct check_result *r = &rep->r[i];
			if (!r->ran)
				continue;
			if (pass == 0)
				ran++;
			bool at = r->status == rep->overall;
			if (r->status == HEALTH_OK || (pass == 0) != at)
				continue;
			char m[300];
			clean(m, sizeof m, r->message);
			OUT("%s%s: %s", shown++ ? "; " : "", names[i], m);
		}
	}
	if (!shown) {
		int only = -1;
		for (int i = 0; i < CK_COUNT; i++)
			if (rep->r[i].ran)
				only = i;
		if (ran == 1) {
			char m[300];
			clean(m, sizeof m, rep->r[only].message);
			OUT("%s: %s", names[only], m);
		} else {
			OUT("%d checks ok", ran);
		}
	}
	int np = 0;
	for (int i = 0; i < CK_COUNT; i++)
		if (rep->r[i].ran && rep->r[i].perfdata[0])
			OUT("%s%s", np++ ? " " : " | ", rep->r[i].perfdata);
	OUT("\n");
	if (ran > 1)
		for (int i = 0; i < CK_COUNT; i++) {
			const struct check_result *r = &rep->r[i];
			if (!r->ran)
				continue;
			char m[300];
			clean(m, sizeof m, r->message);
			OUT("[%s] %s: %s\n", status_word(r->status), names[i], m);
		}
#undef OUT
	return l;
}
