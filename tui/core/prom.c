/* prom — the Prometheus text exposition of a snapshot. See prom.h. */
#include "tsdbtop/prom.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct prom_family_info families[PROM_FAMILIES] = {
	[PROM_UP] = { "tsdbtop_up", "gauge",
		      "1 when the server is connected and its last poll completed, else 0", false },
	[PROM_SCRAPE_AGE] = { "tsdbtop_scrape_age_seconds", "gauge",
			      "Seconds since the poll this scrape answers from completed", false },
	[PROM_POLL_DURATION] = { "tsdbtop_poll_duration_seconds", "gauge",
				 "Duration of the last completed poll (every collector query)", false },
	[PROM_POLLS] = { "tsdbtop_polls_total", "counter",
			 "Polls completed since the exporter started", false },
	[PROM_POLLS_SKIPPED] = { "tsdbtop_polls_skipped_total", "counter",
				 "Poll ticks skipped because the previous poll was still running", false },
	[PROM_HEALTH] = { "tsdbtop_health", "gauge",
			  "Rows of every pane per health level (ok, warning, critical, unknown)", false },
	[PROM_SCHEDULER_RUNNING] = { "tsdbtop_scheduler_running", "gauge",
				     "1 when a TimescaleDB job scheduler runs for the database", false },
	[PROM_CACHE_HIT_RATIO] = { "tsdbtop_cache_hit_ratio", "gauge",
				   "Database buffer cache hit ratio since the statistics reset (0..1)", false },
	[PROM_DB_BYTES] = { "tsdbtop_database_size_bytes", "gauge",
			    "pg_database_size of the database, read at most once a minute", false },
	[PROM_HT_CHUNKS] = { "tsdbtop_hypertable_chunks", "gauge", "Chunks of the hypertable", true },
	[PROM_HT_COMPRESSED] = { "tsdbtop_hypertable_compressed_chunks", "gauge",
				 "Compressed chunks of the hypertable", true },
	[PROM_HT_BYTES] = { "tsdbtop_hypertable_size_bytes", "gauge",
			    "Estimated size of the hypertable's chunks (relpages)", true },
	[PROM_BACKLOG] = { "tsdbtop_compression_backlog_chunks", "gauge",
			   "Chunks past the compression policy's compress_after, not (fully) compressed", true },
	[PROM_RET_DROP] = { "tsdbtop_retention_drop_chunks", "gauge",
			    "Chunks past the retention policy's drop_after (the next run drops them)", true },
	[PROM_CAGG_LAG] = { "tsdbtop_cagg_lag_seconds", "gauge",
			    "Continuous aggregate lag: now minus its materialization watermark", true },
	[PROM_CAGG_PROMISED] = { "tsdbtop_cagg_promised_lag_seconds", "gauge",
				 "The lag the refresh policy promises: end_offset plus schedule interval", true },
	[PROM_JOB_FAILURES] = { "tsdbtop_job_consecutive_failures", "gauge",
				"Consecutive failed runs of the job", true },
	[PROM_JOB_LAST_SUCCESS] = { "tsdbtop_job_last_success_timestamp_seconds", "gauge",
				    "When the job's last successful run finished (Unix time)", true },
	[PROM_JOB_RUNNING] = { "tsdbtop_job_running", "gauge",
			       "1 while a background worker runs the job", true },
	[PROM_SERIES_DROPPED] = { "tsdbtop_series_dropped", "gauge",
				  "Per-object series left out of this server's exposition by --max-series", false },
};

const struct prom_family_info *prom_family(enum prom_family f)
{
	return f < PROM_FAMILIES ? &families[f] : NULL;
}

/* ---- buffer ---------------------------------------------------------- */

void prom_buf_put(struct prom_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_str(struct prom_buf *b, const char *s)
{
	prom_buf_put(b, s, strlen(s));
}

void prom_buf_free(struct prom_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* ---- label values ---------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1..4), 0 when s does not start
 * one (overlong forms, surrogates and code points past U+10FFFF too). */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
	if (c >= 0xF5 || n == 0)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) ||
	    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* What the character at s becomes: its text (static, or s itself) and
 * length in *k; *used how many input bytes it takes. */
static const char *escape_one(const unsigned char *s, size_t *k, int *used)
{
	*used = 1;
	*k = 2;
	switch (s[0]) {
	case '\\': return "\\\\";
	case '"': return "\\\"";
	case '\n': return "\\n";
	default: break;
	}
	*k = 1;
	if (s[0] < 0x20 || s[0] == 0x7F)
		return "?";
	if (s[0] < 0x80)
		return (const char *)s;
	int n = utf8_len(s);
	if (n == 0) {
		*k = 3;
		return "\xEF\xBF\xBD";   /* U+FFFD */
	}
	*k = (size_t)n;
	*used = n;
	return (const char *)s;
}

size_t prom_escape(char *dst, size_t n, const char *src)
{
	size_t w = 0;
	if (n == 0)
		return 0;
	for (const unsigned char *s = (const unsigned char *)src; *s;) {
		size_t k;
		int used;
		const char *piece = escape_one(s, &k, &used);
		if (w + k + 1 > n)
			break;
		memcpy(dst + w, piece, k);
		w += k;
		s += used;
	}
	dst[w] = '\0';
	return w;
}

/* ---- samples --------------------------------------------------------- */

static void fmt_value(char *b, size_t n, double v)
{
	if (isinf(v))
		snprintf(b, n, "%s", v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(b, n, "%.0f", v);
	else {   /* the shortest of %.15g / %.17g that reads back the same */
		snprintf(b, n, "%.15g", v);
		if (strtod(b, NULL) != v)
			snprintf(b, n, "%.17g", v);
	}
}

/* NAME{server="S"[,labels]} VALUE: labels already escaped and joined. */
static void sample(struct prom_buf *b, enum prom_family f, const char *server, const char *labels,
		   double v)
{
	char line[4 * PROM_LABEL_MAX], val[48];
	fmt_value(val, sizeof val, v);
	int k = snprintf(line, sizeof line, "%s{server=\"%s\"%s%s} %s\n", families[f].name, server,
			 labels && *labels ? "," : "", labels ? labels : "", val);
	if (k > 0 && (size_t)k < sizeof line)
		prom_buf_put(b, line, (size_t)k);
}

/* ---- per-object series: a table of (family, rows, value) -------------- */

enum rows { R_HT, R_COMP, R_RET, R_CAGG, R_JOB };

/* How a row's field reads: an int, a count (-1 unknown), a double (NAN
 * unknown), a bool, or a function of the snapshot and the row. */
enum vkind { V_INT, V_COUNT, V_DOUBLE, V_BOOL, V_FN };

/* The last run's finish when it succeeded, else the newest successful run
 * in the history; NAN when neither is known. */
static double v_last_success(const struct snapshot *s, const void *r)
{
	const struct job_row *j = r;
	if (strcmp(j->last_status, "Success") == 0 && !isnan(j->last_finish))
		return j->last_finish;
	for (int i = 0; i < s->job_runs.n; i++) {
		const struct job_run *h = &s->job_runs.v[i];
		if (h->job_id == j->id && h->succeeded == 1 && !isnan(h->finish))
			return h->finish;
	}
	return NAN;
}

static const struct obj_series {
	enum prom_family f;
	enum rows rows;
	enum vkind kind;
	size_t off;                    /* the field, for all but V_FN */
	double (*fn)(const struct snapshot *s, const void *row);
} obj_series[] = {
	{ PROM_HT_CHUNKS, R_HT, V_INT, offsetof(struct ht_row, chunks), NULL },
	{ PROM_HT_COMPRESSED, R_HT, V_INT, offsetof(struct ht_row, compressed), NULL },
	{ PROM_HT_BYTES, R_HT, V_DOUBLE, offsetof(struct ht_row, est_bytes), NULL },
	{ PROM_BACKLOG, R_COMP, V_COUNT, offsetof(struct comp_row, backlog), NULL },
	{ PROM_RET_DROP, R_RET, V_COUNT, offsetof(struct ret_row, drop_count), NULL },
	{ PROM_CAGG_LAG, R_CAGG, V_DOUBLE, offsetof(struct cagg_row, lag_s), NULL },
	{ PROM_CAGG_PROMISED, R_CAGG, V_DOUBLE, offsetof(struct cagg_row, promised_lag_s), NULL },
	{ PROM_JOB_FAILURES, R_JOB, V_INT, offsetof(struct job_row, consecutive_failures), NULL },
	{ PROM_JOB_LAST_SUCCESS, R_JOB, V_FN, 0, v_last_success },
	{ PROM_JOB_RUNNING, R_JOB, V_BOOL, offsetof(struct job_row, running), NULL },
};

static double value_of(const struct obj_series *os, const struct snapshot *s, const void *row)
{
	const char *field = (const char *)row + os->off;
	int i;
	double d;
	bool b;
	switch (os->kind) {
	case V_INT: memcpy(&i, field, sizeof i); return i;
	case V_COUNT: memcpy(&i, field, sizeof i); return i < 0 ? NAN : i;
	case V_DOUBLE: memcpy(&d, field, sizeof d); return d;
	case V_BOOL: memcpy(&b, field, sizeof b); return b ? 1 : 0;
	default: return os->fn(s, row);
	}
}

static int rows_count(const struct snapshot *s, enum rows r)
{
	switch (r) {
	case R_HT: return s->hts.n;
	case R_COMP: return s->comps.n;
	case R_RET: return s->rets.n;
	case R_CAGG: return s->caggs.n;
	default: return s->jobs.n;
	}
}

static void label_pair(char *b, size_t n, const char *k1, const char *v1, const char *k2,
		       const char *v2)
{
	char e1[PROM_LABEL_MAX], e2[PROM_LABEL_MAX];
	prom_escape(e1, sizeof e1, v1);
	prom_escape(e2, sizeof e2, v2);
	snprintf(b, n, "%s=\"%s\",%s=\"%s\"", k1, e1, k2, e2);
}

/* Row i's labels into b; returns the row. */
static const void *row_labels(const struct snapshot *s, enum rows r, int i, char *b, size_t n)
{
	switch (r) {
	case R_HT: label_pair(b, n, "schema", s->hts.v[i].schema, "hypertable", s->hts.v[i].name);
		return &s->hts.v[i];
	case R_COMP: label_pair(b, n, "schema", s->comps.v[i].schema, "hypertable", s->comps.v[i].name);
		return &s->comps.v[i];
	case R_RET: label_pair(b, n, "schema", s->rets.v[i].schema, "hypertable", s->rets.v[i].name);
		return &s->rets.v[i];
	case R_CAGG: label_pair(b, n, "schema", s->caggs.v[i].schema, "cagg", s->caggs.v[i].name);
		return &s->caggs.v[i];
	default: break;
	}
	const struct job_row *j = &s->jobs.v[i];
	char id[16], pair[3 * PROM_LABEL_MAX];
	snprintf(id, sizeof id, "%d", j->id);
	label_pair(pair, sizeof pair, "schema", j->ht_schema, "hypertable", j->ht_name);
	char proc[PROM_LABEL_MAX];
	prom_escape(proc, sizeof proc, j->proc);
	snprintf(b, n, "job_id=\"%s\",proc=\"%s\",%s", id, proc, pair);
	return j;
}

static void render_objects(struct prom_text *t, const struct snapshot *s, int budget)
{
	for (size_t k = 0; k < sizeof obj_series / sizeof obj_series[0]; k++) {
		const struct obj_series *os = &obj_series[k];
		t->off[os->f] = t->b.len;
		for (int i = 0; i < rows_count(s, os->rows); i++) {
			char labels[3 * PROM_LABEL_MAX];
			const void *row = row_labels(s, os->rows, i, labels, sizeof labels);
			double v = value_of(os, s, row);
			if (isnan(v))
				continue;
			if (budget > 0 && t->series >= budget) {
				t->dropped++;
				continue;
			}
			sample(&t->b, os->f, t->server, labels, v);
			t->series++;
		}
	}
}

/* ---- server-level series ---------------------------------------------- */

static void render_server(struct prom_text *t, const struct snapshot *s, const struct prom_server *srv)
{
	t->off[PROM_UP] = t->b.len;
	sample(&t->b, PROM_UP, t->server, NULL, srv->up ? 1 : 0);
	t->off[PROM_SCRAPE_AGE] = t->off[PROM_POLL_DURATION] = t->b.len;   /* age: at merge time */
	if (srv->up && !isnan(srv->poll_s))
		sample(&t->b, PROM_POLL_DURATION, t->server, NULL, round(srv->poll_s * 1e6) / 1e6);
	t->off[PROM_POLLS] = t->b.len;
	sample(&t->b, PROM_POLLS, t->server, NULL, (double)srv->polls);
	t->off[PROM_POLLS_SKIPPED] = t->b.len;
	sample(&t->b, PROM_POLLS_SKIPPED, t->server, NULL, (double)srv->skipped);
	t->off[PROM_HEALTH] = t->b.len;
	for (int h = HEALTH_OK; s && srv->up && h <= HEALTH_UNKNOWN; h++) {
		char level[32];
		snprintf(level, sizeof level, "level=\"%s\"", health_name((enum health)h));
		sample(&t->b, PROM_HEALTH, t->server, level, s->worst[h]);
	}
	t->off[PROM_SCHEDULER_RUNNING] = t->b.len;
	if (s && srv->up && s->sched.known && s->server.ts_installed)
		sample(&t->b, PROM_SCHEDULER_RUNNING, t->server, NULL, s->sched.running ? 1 : 0);
	t->off[PROM_CACHE_HIT_RATIO] = t->b.len;
	if (s && srv->up && !isnan(s->cache.ratio_total))
		sample(&t->b, PROM_CACHE_HIT_RATIO, t->server, NULL, s->cache.ratio_total);
	t->off[PROM_DB_BYTES] = t->b.len;
	if (s && srv->up && s->cache.db_bytes > 0)
		sample(&t->b, PROM_DB_BYTES, t->server, NULL, s->cache.db_bytes);
}

int prom_render(struct prom_text *t, const struct snapshot *s, const struct prom_server *srv)
{
	t->b.len = 0;
	t->b.oom = false;
	t->series = t->dropped = 0;
	t->polled_at = srv->polled_at;
	prom_escape(t->server, sizeof t->server, srv->name ? srv->name : "");
	prom_buf_put(&t->b, "", 0);
	render_server(t, s, srv);
	if (s && srv->up)
		render_objects(t, s, srv->max_series);
	else
		for (int f = PROM_HT_CHUNKS; f < PROM_SERIES_DROPPED; f++)
			t->off[f] = t->b.len;
	t->off[PROM_SERIES_DROPPED] = t->b.len;
	sample(&t->b, PROM_SERIES_DROPPED, t->server, NULL, t->dropped);
	t->off[PROM_FAMILIES] = t->b.len;
	return t->b.oom ? -1 : 0;
}

void prom_text_free(struct prom_text *t)
{
	prom_buf_free(&t->b);
}

/* ---- the exposition ---------------------------------------------------- */

static void family_header(struct prom_buf *out, enum prom_family f)
{
	char line[512];
	int k = snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n", families[f].name,
			 families[f].help, families[f].name, families[f].type);
	if (k > 0 && (size_t)k < sizeof line)
		prom_buf_put(out, line, (size_t)k);
}

int prom_merge(struct prom_buf *out, const struct prom_text *const *t, int n, double now)
{
	for (int f = 0; f < PROM_FAMILIES; f++) {
		family_header(out, (enum prom_family)f);
		for (int i = 0; i < n; i++) {
			if (f == PROM_SCRAPE_AGE) {
				if (!isnan(t[i]->polled_at))
					sample(out, PROM_SCRAPE_AGE, t[i]->server, NULL,
					       round(fmax(0.0, now - t[i]->polled_at) * 1e3) / 1e3);
				continue;
			}
			if (t[i]->b.p && t[i]->off[f + 1] > t[i]->off[f])
				prom_buf_put(out, t[i]->b.p + t[i]->off[f], t[i]->off[f + 1] - t[i]->off[f]);
		}
	}
	if (!out->p)
		buf_str(out, "");
	return out->oom ? -1 : 0;
}
