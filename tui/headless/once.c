/* once — the snapshot as plain text or as one JSON document. */
#include "tsdbtop/once.h"

#include <json.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/config.h"
#include "tsdbtop/fleet.h"
#include "tsdbtop/format.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/health.h"
#include "tsdbtop/jobinfo.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/version.h"

#include "once_add.h"

static const char *const pane_names[OP_COUNT] = {
	"chunks", "compression", "jobs", "retention", "caggs", "cache",
};
static const char *const pane_titles[OP_COUNT] = {
	"Chunks", "Compression", "Compression jobs", "Retention", "Continuous aggregates", "Cache",
};

int once_pane_parse(const char *name)
{
	for (int i = 0; i < OP_COUNT; i++)
		if (name && strcmp(name, pane_names[i]) == 0)
			return i;
	return -1;
}

const char *once_pane_name(int pane)
{
	return pane >= 0 && pane < OP_COUNT ? pane_names[pane] : "?";
}

static const struct pane_meta *pane_meta(const struct snapshot *s, int pane)
{
	switch (pane) {
	case OP_CHUNKS: return &s->chunks_meta;
	case OP_COMPRESSION: return &s->comp_meta;
	case OP_JOBS: return &s->jobs_meta;
	case OP_RETENTION: return &s->ret_meta;
	case OP_CAGGS: return &s->cagg_meta;
	default: return &s->cache_meta;
	}
}

static const char *status_name(enum pane_status st)
{
	switch (st) {
	case PANE_OK: return "ok";
	case PANE_UNAVAILABLE: return "unavailable";
	case PANE_ERROR: return "error";
	default: return "empty";
	}
}

char *once_qualname(char *buf, size_t n, const char *schema, const char *name)
{
	char raw[2 * NAME_LEN + 2];
	if (schema && *schema && strcmp(schema, "public") != 0)
		snprintf(raw, sizeof raw, "%s.%s", schema, name);
	else
		snprintf(raw, sizeof raw, "%s", name);
	sanitize_text(buf, n, raw);
	return buf;
}

/* Pads a sanitised name with spaces to `cols` display columns: printf's
 * %-36s counts bytes, and a name with multibyte characters then pulled the
 * rest of its row left. Wider names are kept whole (the row then shifts). */
static char *col_pad(char *buf, size_t n, int cols)
{
	size_t l = strlen(buf);
	for (int w = text_width(buf); w < cols && l + 1 < n; w++)
		buf[l++] = ' ';
	buf[l] = '\0';
	return buf;
}

static char *time_text(char *buf, size_t n, double epoch)
{
	return fmt_time_epoch(buf, n, epoch);
}

static char *ratio_text(char *buf, size_t n, double before, double after)
{
	if (isnan(before) || isnan(after) || after <= 0 || before <= 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.1fx", before / after);
	return buf;
}

static const char *mark(enum health h)
{
	switch (h) {
	case HEALTH_OK: return "OK";
	case HEALTH_WARNING: return "WARN";
	case HEALTH_CRITICAL: return "CRIT";
	default: return "?";
	}
}

static void text_clean(char *dst, size_t n, const char *src)
{
	sanitize_text(dst, n, src && *src ? src : "-");
}

/* ---- text ---- */

static void text_chunks(FILE *out, const struct snapshot *s)
{
	fprintf(out, "%-4s %-36s %7s %6s %6s %5s %6s %9s %-16s %-16s %9s %6s  %s\n", "", "HYPERTABLE",
		"CHUNKS", "COMPR", "UNCOMP", "PART", "FROZEN", "INTERVAL", "OLDEST", "NEWEST", "SIZE",
		"RATIO", "WHY");
	for (int i = 0; i < s->hts.n; i++) {
		const struct ht_row *r = &s->hts.v[i];
		char name[300], iv[32], o[32], nw[32], sz[32], ra[16], why[200];
		once_qualname(name, sizeof name, r->schema, r->name);
		if (r->is_cagg) {
			char cagg[NAME_LEN * 2];
			sanitize_text(cagg, sizeof cagg, r->cagg_name);
			size_t l = strlen(name);
			snprintf(name + l, sizeof name - l, " (cagg %s)", cagg);
		}
		col_pad(name, sizeof name, 36);
		if (r->time_is_int) {
			snprintf(iv, sizeof iv, "%.0f", r->interval);
			snprintf(o, sizeof o, "%lld", (long long)r->oldest_start_int);
			snprintf(nw, sizeof nw, "%lld", (long long)r->newest_end_int);
			if (r->chunks == 0)
				snprintf(o, sizeof o, "-"), snprintf(nw, sizeof nw, "-");
		} else {
			fmt_duration(iv, sizeof iv, r->interval);
			time_text(o, sizeof o, r->oldest_start);
			time_text(nw, sizeof nw, r->newest_end);
		}
		text_clean(why, sizeof why, r->why);
		fprintf(out, "%-4s %-36s %7d %6d %6d %5d %6d %9s %-16s %-16s %9s %6s  %s\n", mark(r->health),
			name, r->chunks, r->compressed, r->uncompressed, r->partial, r->frozen, iv, o, nw,
			fmt_bytes(sz, sizeof sz, r->est_bytes),
			ratio_text(ra, sizeof ra, r->before_bytes, r->after_bytes), why);
	}
}

static void text_comp(FILE *out, const struct snapshot *s)
{
	fprintf(out, "%-4s %-36s %-14s %7s %8s %6s %9s %9s  %-20s %s\n", "", "HYPERTABLE", "COMPRESS_AFTER",
		"BACKLOG", "BEHIND", "COMPR", "BEFORE", "AFTER", "SEGMENTBY", "WHY");
	for (int i = 0; i < s->comps.n; i++) {
		const struct comp_row *r = &s->comps.v[i];
		char name[300], after[64], bh[32], b[32], a[32], seg[200], why[200];
		col_pad(once_qualname(name, sizeof name, r->schema, r->name), sizeof name, 36);
		text_clean(after, sizeof after, r->has_policy ? r->compress_after : "no policy");
		text_clean(seg, sizeof seg, r->segmentby);
		text_clean(why, sizeof why, r->why);
		if (r->backlog > 0)
			fmt_duration(bh, sizeof bh, r->backlog_behind_s);
		else
			snprintf(bh, sizeof bh, "-");
		char bl[16];
		if (r->backlog >= 0)
			snprintf(bl, sizeof bl, "%d", r->backlog);
		else
			snprintf(bl, sizeof bl, "-");
		fprintf(out, "%-4s %-36s %-14s %7s %8s %6d %9s %9s  %-20s %s\n", mark(r->health), name, after,
			bl, bh, r->compressed_chunks, fmt_bytes(b, sizeof b, r->before_bytes),
			fmt_bytes(a, sizeof a, r->after_bytes), seg, why);
	}
}

static void text_sched(FILE *out, const struct snapshot *s)
{
	const struct scheduler_info *c = &s->sched;
	char why[sizeof c->why];
	if (!c->known)
		fprintf(out, "scheduler: unknown (seeing it needs pg_read_all_stats)\n");
	else if (c->embedded)
		fprintf(out, "scheduler: none (embedded server: jobs run only by hand)\n");
	else if (c->running)
		fprintf(out, "scheduler: running, %d of %d workers in use, %d job%s waiting past %s start\n",
			c->workers_in_use, c->workers_max, c->waiting, c->waiting == 1 ? "" : "s",
			c->waiting == 1 ? "its" : "their");
	else
		fprintf(out, "scheduler: NOT running\n");
	if (c->why[0]) {
		text_clean(why, sizeof why, c->why);
		fprintf(out, "scheduler: WARNING %s\n", why);
	}
	const char *note = s->jobs.n ? sched_history_note(c) : NULL;
	if (note)
		fprintf(out, "history: %s\n", note);
}

static void text_jobs(FILE *out, const struct snapshot *s, double now)
{
	text_sched(out, s);
	fprintf(out, "%-4s %6s %-36s %-32s %9s %-9s %-8s %5s %-16s  %s\n", "", "JOB", "PROC", "HYPERTABLE",
		"SCHEDULE", "STATE", "LAST", "FAILS", "NEXT START", "WHY");
	for (int i = 0; i < s->jobs.n; i++) {
		const struct job_row *r = &s->jobs.v[i];
		char proc[128], name[300], sch[32], nx[32], last[32], why[200];
		sanitize_text(proc, sizeof proc, r->proc);
		col_pad(proc, sizeof proc, 36);
		if (r->ht_name[0])
			col_pad(once_qualname(name, sizeof name, r->ht_schema, r->ht_name), sizeof name, 32);
		else
			snprintf(name, sizeof name, "-");
		text_clean(last, sizeof last, r->last_status);
		text_clean(why, sizeof why, r->why);
		fprintf(out, "%-4s %6d %-36s %-32s %9s %-9s %-8s %5d %-16s  %s\n", mark(r->health), r->id, proc,
			name, fmt_duration(sch, sizeof sch, r->schedule_s),
			r->scheduled ? (r->overdue ? "overdue" : "scheduled") : "paused", last,
			r->consecutive_failures, time_text(nx, sizeof nx, r->next_start), why);
	}
	(void)now;
}

static void text_ret(FILE *out, const struct snapshot *s)
{
	fprintf(out, "%-4s %-36s %-14s %6s %-16s %5s %-16s %9s  %s\n", "", "HYPERTABLE", "DROP_AFTER", "JOB",
		"NEXT RUN", "DROPS", "OLDEST", "BYTES", "WHY NOT DROPPED");
	for (int i = 0; i < s->rets.n; i++) {
		const struct ret_row *r = &s->rets.v[i];
		char name[300], da[64], nx[32], o[32], b[32], why[200], dc[16] = "-";
		col_pad(once_qualname(name, sizeof name, r->schema, r->name), sizeof name, 36);
		text_clean(da, sizeof da, r->drop_after);
		text_clean(why, sizeof why, r->why_not);
		if (r->drop_count >= 0)   /* -1: unknown (integer time) */
			snprintf(dc, sizeof dc, "%d", r->drop_count);
		fprintf(out, "%-4s %-36s %-14s %6d %-16s %5s %-16s %9s  %s\n", mark(r->health), name, da, r->job_id,
			r->scheduled ? time_text(nx, sizeof nx, r->next_start) : "paused", dc,
			r->drop_count > 0 ? time_text(o, sizeof o, r->oldest_start) : "-",
			r->drop_count > 0 ? fmt_bytes(b, sizeof b, r->drop_bytes) : "-", why);
	}
}

static void text_caggs(FILE *out, const struct snapshot *s)
{
	fprintf(out, "%-4s %-36s %-9s %-16s %8s %8s %-15s %-12s  %s\n", "", "AGGREGATE", "BUCKET", "WATERMARK",
		"LAG", "PROMISED", "STATE", "JOB", "WHY");
	for (int i = 0; i < s->caggs.n; i++) {
		const struct cagg_row *r = &s->caggs.v[i];
		char name[300], bk[64], wm[32], lag[32], pr[32], js[64], why[200];
		col_pad(once_qualname(name, sizeof name, r->schema, r->name), sizeof name, 36);
		text_clean(bk, sizeof bk, r->bucket);
		text_clean(js, sizeof js, r->job_state);
		text_clean(why, sizeof why, r->why);
		if (r->time_is_int) { /* the column's own units, never an epoch */
			if (r->wm_int_known)
				fmt_count(wm, sizeof wm, r->watermark_int);
			else
				snprintf(wm, sizeof wm, "never");
			fmt_units(lag, sizeof lag, r->lag_int);
			fmt_units(pr, sizeof pr, r->job_id ? r->end_offset_int : NAN);
		} else {
			if (isnan(r->watermark))
				snprintf(wm, sizeof wm, "never");
			else
				time_text(wm, sizeof wm, r->watermark);
			fmt_duration(lag, sizeof lag, r->lag_s);
			fmt_duration(pr, sizeof pr, r->promised_lag_s);
		}
		fprintf(out, "%-4s %-36s %-9s %-16s %8s %8s %-15s %-12s  %s\n", mark(r->health), name, bk,
			wm, lag, pr, cagg_state_name(r->state), js, why);
	}
}

static void text_cache(FILE *out, const struct snapshot *s)
{
	const struct cache_db *c = &s->cache;
	char a[16], b[16], sz[16];
	fmt_bytes(sz, sizeof sz, c->db_bytes);
	if (!c->stats_available)
		fprintf(out, "database: the server keeps no statistics (no hit ratio); %ld backends; size %s\n",
			c->numbackends, sz);
	else
		fprintf(out, "database: %s hit ratio %s since the last poll, %s since reset; %ld backends; size %s\n",
			mark(c->health), fmt_pct(a, sizeof a, c->ratio_now), fmt_pct(b, sizeof b, c->ratio_total),
			c->numbackends, sz);
	if (s->caches.n == 0)
		return;
	fprintf(out, "%-4s %-36s %7s %7s %7s %7s\n", "", "HYPERTABLE", "HEAP", "INDEX", "TOAST", "ALL");
	for (int i = 0; i < s->caches.n; i++) {
		const struct cache_row *r = &s->caches.v[i];
		char name[300], h[16], x[16], t[16], al[16];
		col_pad(once_qualname(name, sizeof name, r->schema, r->name), sizeof name, 36);
		double hr = r->heap_hit + r->heap_read, ir = r->idx_hit + r->idx_read,
		       tr = r->toast_hit + r->toast_read;
		fprintf(out, "%-4s %-36s %7s %7s %7s %7s\n", mark(r->health), name,
			fmt_pct(h, sizeof h, hr > 0 ? r->heap_hit / hr : NAN),
			fmt_pct(x, sizeof x, ir > 0 ? r->idx_hit / ir : NAN),
			fmt_pct(t, sizeof t, tr > 0 ? r->toast_hit / tr : NAN), fmt_pct(al, sizeof al, r->ratio));
	}
}

static void text_header(FILE *out, const struct snapshot *s, double now)
{
	const struct server_info *si = &s->server;
	char t[32], db[80], us[80], host[160], port[24], pgv[80], tsv[48];
	time_text(t, sizeof t, now);
	sanitize_text(db, sizeof db, si->database);
	sanitize_text(us, sizeof us, si->user);
	sanitize_text(host, sizeof host, si->host);
	sanitize_text(port, sizeof port, si->port);         /* all server- or user-supplied */
	sanitize_text(pgv, sizeof pgv, si->pg_version);
	sanitize_text(tsv, sizeof tsv, si->ts_version);
	fprintf(out, "tsdbtop %s  %s UTC  %s:%s/%s as %s\n", TSDBTOP_VERSION, t, host, port, db, us);
	if (si->ts_installed)
		fprintf(out, "PostgreSQL %s, TimescaleDB %s (license %s)%s\n", pgv, tsv,
			server_license_name(si->license),
			server_update_pending(si) ? ", extension update pending" : "");
	else
		fprintf(out, "PostgreSQL %s, TimescaleDB is not installed in database %s\n", pgv, db);
	if (s->compat.active) {
		char cd[400], cl[400];
		compat_describe(cd, sizeof cd, &s->compat, si, false);
		sanitize_text(cl, sizeof cl, cd);
		fprintf(out, "%s\n", cl);
	}
	fprintf(out, "health: %d ok, %d warning, %d critical\n", s->worst[HEALTH_OK], s->worst[HEALTH_WARNING],
		s->worst[HEALTH_CRITICAL]);
}

void once_print_text(FILE *out, const struct snapshot *s, int pane, double now)
{
	if (pane < 0)
		text_header(out, s, now);
	for (int p = 0; p < OP_COUNT; p++) {
		if (pane >= 0 && p != pane)
			continue;
		const struct pane_meta *m = pane_meta(s, p);
		char t[32], msg[300];
		if (pane < 0)
			fputc('\n', out);
		fprintf(out, "== %s (%s", pane_titles[p], status_name(m->status));
		if (!isnan(m->updated_at) && (m->status == PANE_OK || m->status == PANE_ERROR))
			fprintf(out, ", updated %s UTC", time_text(t, sizeof t, m->updated_at));
		fprintf(out, ")\n");
		if (m->status == PANE_UNAVAILABLE || m->status == PANE_ERROR) {
			sanitize_text(msg, sizeof msg, m->message);
			fprintf(out, "%s\n", msg);
			if (m->status == PANE_UNAVAILABLE)
				continue;
		}
		switch (p) {
		case OP_CHUNKS: text_chunks(out, s); break;
		case OP_COMPRESSION: text_comp(out, s); break;
		case OP_JOBS: text_jobs(out, s, now); break;
		case OP_RETENTION: text_ret(out, s); break;
		case OP_CAGGS: text_caggs(out, s); break;
		default: text_cache(out, s); break;
		}
	}
}

/* ---- JSON ---- */

struct json_object *once_json_num(double v)
{
	return isnan(v) || isinf(v) ? NULL : json_object_new_double(v);
}

struct json_object *once_json_time(double epoch)
{
	if (isnan(epoch) || isinf(epoch) || epoch < -62135596800.0 || epoch > 253402300799.0)
		return NULL;
	time_t t = (time_t)floor(epoch);
	struct tm tm;
	char buf[40];
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

/* "compat": {"active": bool, "reason": "forced" | "unknown_version" |
 * "fast_query_failed" | null, "detail": text | null} */
struct json_object *once_json_compat(const struct snapshot *s)
{
	struct json_object *o = json_object_new_object();
	add_b(o, "active", s->compat.active);
	add_sn(o, "reason", s->compat.active ? compat_reason_name(s->compat.reason) : NULL);
	add_sn(o, "detail", s->compat.active && s->compat.detail[0] ? s->compat.detail : NULL);
	return o;
}

struct json_object *once_json_server(const struct snapshot *s)
{
	const struct server_info *si = &s->server;
	struct json_object *o = json_object_new_object(), *ts = json_object_new_object();
	add_s(o, "host", si->host);
	add_s(o, "port", si->port);
	add_s(o, "database", si->database);
	add_s(o, "user", si->user);
	add_s(o, "postgresql", si->pg_version);
	add_i(o, "postgresql_num", si->pg_version_num);
	add_b(o, "in_recovery", si->in_recovery);
	add_b(ts, "installed", si->ts_installed);
	add_sn(ts, "version", si->ts_installed ? si->ts_version : NULL);
	add_sn(ts, "default_version", si->ts_default_version);
	add_sn(ts, "schema", si->ts_installed ? si->ts_schema : NULL);
	add_sn(ts, "license", si->ts_installed ? server_license_name(si->license) : NULL);
	add_b(ts, "update_pending", si->ts_installed && server_update_pending(si));
	add(o, "timescaledb", ts);
	return o;
}

static struct json_object *json_time_or_int(bool is_int, double epoch, int64_t raw)
{
	return is_int ? json_object_new_int64(raw) : once_json_time(epoch);
}

static struct json_object *rows_chunks(const struct snapshot *s)
{
	struct json_object *a = json_object_new_array();
	for (int i = 0; i < s->hts.n; i++) {
		const struct ht_row *r = &s->hts.v[i];
		struct json_object *o = json_object_new_object();
		add_s(o, "schema", r->schema);
		add_s(o, "name", r->name);
		add_sn(o, "cagg", r->is_cagg ? r->cagg_name : NULL);
		add_s(o, "time_column", r->time_column);
		add_s(o, "time_type", r->time_type);
		add_b(o, "integer_time", r->time_is_int);
		add(o, "interval", once_json_num(r->interval));
		add_i(o, "chunks", r->chunks);
		add_i(o, "compressed", r->compressed);
		add_i(o, "uncompressed", r->uncompressed);
		add_i(o, "partial", r->partial);
		add_i(o, "frozen", r->frozen);
		add(o, "oldest_start", r->chunks ? json_time_or_int(r->time_is_int, r->oldest_start, r->oldest_start_int) : NULL);
		add(o, "newest_end", r->chunks ? json_time_or_int(r->time_is_int, r->newest_end, r->newest_end_int) : NULL);
		add(o, "est_bytes", once_json_num(r->est_bytes));
		add(o, "before_bytes", once_json_num(r->before_bytes));
		add(o, "after_bytes", once_json_num(r->after_bytes));
		add_b(o, "compression_enabled", r->compression_enabled);
		add_health(o, r->health, r->why);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *rows_comp(const struct snapshot *s)
{
	struct json_object *a = json_object_new_array();
	for (int i = 0; i < s->comps.n; i++) {
		const struct comp_row *r = &s->comps.v[i];
		struct json_object *o = json_object_new_object();
		add_s(o, "schema", r->schema);
		add_s(o, "name", r->name);
		add_s(o, "segmentby", r->segmentby);
		add_s(o, "orderby", r->orderby);
		add_b(o, "policy", r->has_policy);
		add(o, "job_id", r->has_policy ? json_object_new_int(r->job_id) : NULL);
		add_sn(o, "compress_after", r->has_policy ? r->compress_after : NULL);
		add(o, "backlog", r->backlog >= 0 ? json_object_new_int(r->backlog) : NULL);
		add(o, "backlog_behind_s", r->backlog > 0 ? once_json_num(r->backlog_behind_s) : NULL);
		add_i(o, "compressed_chunks", r->compressed_chunks);
		add(o, "before_bytes", once_json_num(r->before_bytes));
		add(o, "after_bytes", once_json_num(r->after_bytes));
		add_health(o, r->health, r->why);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *rows_ret(const struct snapshot *s)
{
	struct json_object *a = json_object_new_array();
	for (int i = 0; i < s->rets.n; i++) {
		const struct ret_row *r = &s->rets.v[i];
		struct json_object *o = json_object_new_object();
		add_i(o, "job_id", r->job_id);
		add_s(o, "schema", r->schema);
		add_s(o, "name", r->name);
		add_s(o, "drop_after", r->drop_after);
		add_b(o, "scheduled", r->scheduled);
		add(o, "next_start", once_json_time(r->next_start));
		add_b(o, "overdue", r->overdue);
		add(o, "drop_count", r->drop_count >= 0 ? json_object_new_int(r->drop_count) : NULL);
		add(o, "oldest_start", r->drop_count > 0 ? once_json_time(r->oldest_start) : NULL);
		add(o, "oldest_end", r->drop_count > 0 ? once_json_time(r->oldest_end) : NULL);
		add(o, "drop_bytes", r->drop_count > 0 ? once_json_num(r->drop_bytes) : NULL);
		add_health(o, r->health, r->why_not);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_units(double v) /* integer units or null */
{
	return isnan(v) || isinf(v) || fabs(v) > 9.2e18 ? NULL : json_object_new_int64((int64_t)v);
}

static struct json_object *rows_caggs(const struct snapshot *s)
{
	struct json_object *a = json_object_new_array();
	for (int i = 0; i < s->caggs.n; i++) {
		const struct cagg_row *r = &s->caggs.v[i];
		struct json_object *o = json_object_new_object();
		add_s(o, "schema", r->schema);
		add_s(o, "name", r->name);
		add_s(o, "raw_schema", r->raw_schema);
		add_s(o, "raw_name", r->raw_name);
		add_s(o, "bucket", r->bucket);
		add(o, "bucket_s", once_json_num(r->bucket_s));
		add_b(o, "materialized_only", r->materialized_only);
		add(o, "watermark", once_json_time(r->watermark));
		add(o, "lag_s", once_json_num(r->lag_s));
		add(o, "promised_lag_s", once_json_num(r->promised_lag_s));
		add(o, "raw_newest", once_json_time(r->raw_newest));
		add(o, "job_id", r->job_id ? json_object_new_int(r->job_id) : NULL);
		add_s(o, "job_state", r->job_state);
		add_s(o, "state", cagg_state_name(r->state));
		add_b(o, "retention_cuts_window", r->retention_cuts_window);
		/* integer time: watermark, lag_s, raw_newest, bucket_s, promised_lag_s
		 * are null; these carry the column's own units (now_units: the
		 * hypertable's integer_now(); lag_units null without one) */
		add_b(o, "integer_time", r->time_is_int);
		add(o, "watermark_units", r->wm_int_known ? json_object_new_int64(r->watermark_int) : NULL);
		add(o, "now_units", r->now_int_known ? json_object_new_int64(r->now_int) : NULL);
		add(o, "lag_units", json_units(r->lag_int));
		add(o, "raw_newest_units", r->raw_int_known ? json_object_new_int64(r->raw_newest_int) : NULL);
		add(o, "bucket_units", json_units(r->bucket_int));
		add(o, "end_offset_units", json_units(r->end_offset_int));
		/* a watermark past now: lag 0, ahead_by = by how much (s or units) */
		add_b(o, "ahead_of_now", r->ahead > 0);
		add(o, "ahead_by", r->ahead <= 0 ? NULL : r->time_is_int ? json_units(r->ahead) : once_json_num(r->ahead));
		add_health(o, r->health, r->why);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *rows_cache(const struct snapshot *s)
{
	struct json_object *a = json_object_new_array();
	for (int i = 0; i < s->caches.n; i++) {
		const struct cache_row *r = &s->caches.v[i];
		struct json_object *o = json_object_new_object();
		add_s(o, "schema", r->schema);
		add_s(o, "name", r->name);
		add(o, "heap_hit", once_json_num(r->heap_hit));
		add(o, "heap_read", once_json_num(r->heap_read));
		add(o, "idx_hit", once_json_num(r->idx_hit));
		add(o, "idx_read", once_json_num(r->idx_read));
		add(o, "toast_hit", once_json_num(r->toast_hit));
		add(o, "toast_read", once_json_num(r->toast_read));
		add(o, "ratio", once_json_num(r->ratio));
		add_health(o, r->health, "");
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_pane(const struct snapshot *s, int p)
{
	const struct pane_meta *m = pane_meta(s, p);
	struct json_object *o = json_object_new_object();
	add_s(o, "status", status_name(m->status));
	add_s(o, "message", m->message);
	add(o, "updated_at", m->status == PANE_EMPTY ? NULL : once_json_time(m->updated_at));
	switch (p) {
	case OP_CHUNKS: add(o, "rows", rows_chunks(s)); break;
	case OP_COMPRESSION: add(o, "rows", rows_comp(s)); break;
	case OP_JOBS:
		add(o, "scheduler", once_json_scheduler(s));
		add_sn(o, "history_note", s->sched.has_history || s->jobs.n ? sched_history_note(&s->sched) : NULL);
		add(o, "rows", once_json_jobs(s));
		break;
	case OP_RETENTION: add(o, "rows", rows_ret(s)); break;
	case OP_CAGGS: add(o, "rows", rows_caggs(s)); break;
	default: {
		const struct cache_db *c = &s->cache;
		struct json_object *d = json_object_new_object();
		add_b(d, "stats_available", c->stats_available);
		add(d, "ratio_now", once_json_num(c->ratio_now));
		add(d, "ratio_total", once_json_num(c->ratio_total));
		add(d, "blks_hit", c->stats_available ? once_json_num(c->blks_hit) : NULL);
		add(d, "blks_read", c->stats_available ? once_json_num(c->blks_read) : NULL);
		add_i(d, "backends", c->numbackends);
		add(d, "db_bytes", once_json_num(c->db_bytes)); /* pg_database_size, read <= 1/min */
		add_health(d, c->health, c->stats_available ? "" : "the server keeps no statistics");
		add(o, "database", d);
		add(o, "rows", rows_cache(s));
		break;
	}
	}
	return o;
}

struct json_object *once_json(const struct snapshot *s, int pane, double now)
{
	struct json_object *root = json_object_new_object(), *h = json_object_new_object(),
			   *panes = json_object_new_object();
	add_i(root, "version", ONCE_JSON_VERSION);
	add_s(root, "tsdbtop", TSDBTOP_VERSION);
	add(root, "generated_at", once_json_time(now));
	add(root, "server", once_json_server(s));
	add(root, "compat", once_json_compat(s));
	for (int i = HEALTH_OK; i <= HEALTH_UNKNOWN; i++)
		add_i(h, health_name((enum health)i), s->worst[i]);
	add(root, "health", h);
	for (int p = 0; p < OP_COUNT; p++)
		if (pane < 0 || p == pane)
			add(panes, pane_names[p], json_pane(s, p));
	add(root, "panes", panes);
	return root;
}

int run_once(const struct options *o)
{
	int pane = -1;
	if (o->pane && (pane = once_pane_parse(o->pane)) < 0) {
		fprintf(stderr, "tsdbtop: --pane: '%s' is not a pane (chunks, compression, jobs, retention,"
				" caggs, cache)\n", o->pane);
		return HL_EXIT_USAGE;
	}
	static struct fleet f;    /* 64 servers' options: not on the stack */
	char err[512];
	if (fleet_build(&f, o, err, sizeof err) != 0) {
		fprintf(stderr, "tsdbtop: %s\n", err);
		return HL_EXIT_USAGE;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	double now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	if (f.n > 1)
		return once_fleet_run(&f, o, pane, now);
	o = &f.t[0].opt;          /* one server: a [server NAME] given by its name stands for its conninfo */
	struct snapshot snap;
	struct thresholds th;
	memset(&snap, 0, sizeof snap);
	thresholds_default(&th);
	if (o->config)
		th = o->config->th;   /* the configuration file's thresholds */
	int rc = headless_snapshot(o, &snap, &th, err, sizeof err);
	if (rc != 0) {
		fprintf(stderr, "tsdbtop: %s\n", err);
		snapshot_free(&snap);
		return rc;
	}
	if (o->json) {
		struct json_object *j = once_json(&snap, pane, now);
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		once_print_text(stdout, &snap, pane, now);
	}
	snapshot_free(&snap);
	return fflush(stdout) == 0 ? 0 : HL_EXIT_FAILED;
}
