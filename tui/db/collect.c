/* collect — parse each monitoring query into the snapshot. */
#include "tsdbtop/collect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/jobinfo.h"
#include "tsdbtop/pgres.h"
#include "tsdbtop/queries.h"

/* ---- availability ------------------------------------------------------ */

static const char *need_ts(const struct server_info *si, char *buf, size_t n)
{
	if (!si->ts_installed) {
		snprintf(buf, n, "TimescaleDB is not installed in database %s", si->database);
		return buf;
	}
	return NULL;
}

static const char *need_tsl(const struct server_info *si, char *buf, size_t n, const char *what)
{
	if (need_ts(si, buf, n))
		return buf;
	if (si->license == LICENSE_APACHE) {
		snprintf(buf, n, "%s need the Timescale license; this server runs the Apache-licensed edition", what);
		return buf;
	}
	return NULL;
}

static const char *avail_compression(const struct server_info *si, char *buf, size_t n)
{
	return need_tsl(si, buf, n, "compression and its jobs");
}

static const char *avail_jobs(const struct server_info *si, char *buf, size_t n)
{
	return need_tsl(si, buf, n, "jobs and policies");
}

static const char *avail_history(const struct server_info *si, char *buf, size_t n)
{
	if (avail_jobs(si, buf, n))
		return buf;
	if (!si->has_job_history) {
		snprintf(buf, n, "no job history before TimescaleDB 2.15");
		return buf;
	}
	return NULL;
}

static const char *avail_caggs(const struct server_info *si, char *buf, size_t n)
{
	return need_tsl(si, buf, n, "continuous aggregates");
}

static const char *avail_always(const struct server_info *si, char *buf, size_t n)
{
	(void)si;
	(void)buf;
	(void)n;
	return NULL;
}

const char *collector_sql(const struct collector *c, const struct server_info *si,
			  bool compat, char *why, size_t n)
{
	const char *sql = compat ? query_pick_compat(c->name) : NULL;
	if (!sql)
		sql = query_pick(c->name, si->pg_version_num, si->ts_version_num);
	if (!sql)
		snprintf(why, n, "not available for TimescaleDB %s (no %s query for this version)",
			 si->ts_version[0] ? si->ts_version : "-", c->name);
	return sql;
}

/* ---- parsers ------------------------------------------------------------ */

static double usec_to_s(const PGresult *r, int i, const char *col)
{
	double v = pgres_double(r, i, col, NAN);
	return isnan(v) ? NAN : v / 1e6;
}

/* The chunks query makes its pass over the chunk relations (the size
 * estimate, the Cache pane's counters) only when the chunk catalog changed
 * or the last pass is tsdbtop.reread_every seconds old (sql/queries/
 * chunks.sql); an answer with reread false (no compatibility query has the
 * column: always a pass) carries no est_bytes and no counters, and the
 * figures of the last pass stay. */
static bool made_pass(const PGresult *r)   /* the chunks and retention answers */
{
	return pgres_bool(r, 0, "reread", true);
}

/* A copy of n rows of size bytes (the last pass's), NULL when none */
static void *rows_keep(const void *v, int n, size_t size)
{
	void *old = n > 0 ? malloc(size * (size_t)n) : NULL;
	if (old)
		memcpy(old, v, size * (size_t)n);
	return old;
}

/* est_bytes of the last pass for hypertable id, NAN when it had none */
static double last_est_bytes(const struct ht_row *old, int n, int id)
{
	for (int i = 0; i < n; i++)
		if (old[i].id == id)
			return old[i].est_bytes;
	return NAN;
}

static void parse_hts(const PGresult *r, struct snapshot *s)
{
	bool reread = made_pass(r);
	struct ht_row *old = reread ? NULL : rows_keep(s->hts.v, s->hts.n, sizeof *old);
	int nold = old ? s->hts.n : 0;
	snapshot_clear_rows(&s->hts);
	SNAP_RESERVE(s->hts, PQntuples(r));
	for (int i = 0; i < PQntuples(r); i++) {
		struct ht_row *h = SNAP_ADD(s->hts);
		if (!h)
			break;
		h->id = (int)pgres_ll(r, i, "id", 0);
		pgres_copy(h->schema, sizeof h->schema, r, i, "schema_name");
		pgres_copy(h->name, sizeof h->name, r, i, "table_name");
		h->is_cagg = !pgres_isnull(r, i, "cagg_name");
		pgres_copy(h->cagg_name, sizeof h->cagg_name, r, i, "cagg_name");
		pgres_copy(h->time_column, sizeof h->time_column, r, i, "time_column");
		pgres_copy(h->time_type, sizeof h->time_type, r, i, "time_type");
		h->time_is_int = pgres_bool(r, i, "time_is_int", false);
		double iv = pgres_double(r, i, "interval_length", NAN);
		h->interval = h->time_is_int ? iv : iv / 1e6;
		h->compression_enabled = pgres_bool(r, i, "compression_enabled", false);
		h->chunks = (int)pgres_ll(r, i, "chunks", 0);
		h->compressed = (int)pgres_ll(r, i, "compressed", 0);
		h->uncompressed = (int)pgres_ll(r, i, "uncompressed", 0);
		h->partial = (int)pgres_ll(r, i, "partial", 0);
		h->frozen = (int)pgres_ll(r, i, "frozen", 0);
		h->oldest_start_int = pgres_ll(r, i, "oldest_start", 0);
		h->newest_end_int = pgres_ll(r, i, "newest_end", 0);
		h->oldest_start = h->time_is_int ? NAN : usec_to_s(r, i, "oldest_start");
		h->newest_end = h->time_is_int ? NAN : usec_to_s(r, i, "newest_end");
		h->est_bytes = reread ? pgres_double(r, i, "est_bytes", NAN) : last_est_bytes(old, nold, h->id);
		h->before_bytes = pgres_double(r, i, "before_bytes", NAN);
		h->after_bytes = pgres_double(r, i, "after_bytes", NAN);
	}
	free(old);
}

static void parse_compression(const struct pg_result *cres, struct snapshot *s)
{
	const PGresult *r = cres;
	snapshot_clear_rows(&s->comps);
	SNAP_RESERVE(s->comps, PQntuples(r));
	for (int i = 0; i < PQntuples(r); i++) {
		struct comp_row *c = SNAP_ADD(s->comps);
		if (!c)
			return;
		c->ht_id = (int)pgres_ll(r, i, "id", 0);
		pgres_copy(c->schema, sizeof c->schema, r, i, "schema_name");
		pgres_copy(c->name, sizeof c->name, r, i, "table_name");
		pgres_copy(c->segmentby, sizeof c->segmentby, r, i, "segmentby");
		pgres_copy(c->orderby, sizeof c->orderby, r, i, "orderby");
		c->has_policy = !pgres_isnull(r, i, "job_id");
		c->job_id = (int)pgres_ll(r, i, "job_id", 0);
		pgres_copy(c->compress_after, sizeof c->compress_after, r, i, "compress_after");
		c->compress_after_s = pgres_double(r, i, "compress_after_s", NAN);
		c->backlog = (int)pgres_ll(r, i, "backlog", -1);
		c->backlog_behind_s = pgres_double(r, i, "backlog_behind_s", NAN);
		c->compressed_chunks = (int)pgres_ll(r, i, "compressed_chunks", 0);
		c->before_bytes = pgres_double(r, i, "before_bytes", NAN);
		c->after_bytes = pgres_double(r, i, "after_bytes", NAN);
	}
}

static void parse_job_error(const PGresult *r, int i, struct job_row *j)
{
	struct job_error *e = &j->last_error;
	j->has_error = pgres_bool(r, i, "has_error", false);
	if (!j->has_error)
		return;
	e->start = pgres_double(r, i, "error_start", NAN);
	e->finish = pgres_double(r, i, "error_finish", NAN);
	pgres_copy(e->sqlstate, sizeof e->sqlstate, r, i, "error_sqlstate");
	if (!pgres_isnull(r, i, "error_message"))
		e->message = strdup(pgres_text(r, i, "error_message", ""));
	e->kind = job_fail_classify(e->sqlstate, e->message, e->finish - e->start, j->max_runtime_s);
	/* a run that never recorded an end leaves a row with neither SQLSTATE nor
	 * message: with a crash counted, that is the interrupted run */
	if (j->consecutive_crashes > 0 && !e->sqlstate[0] && (!e->message || !e->message[0]))
		e->kind = JOBFAIL_CRASH;
}

static void parse_jobs(const struct pg_result *cres, struct snapshot *s)
{
	const PGresult *r = cres;
	snapshot_clear_jobs(s);
	SNAP_RESERVE(s->jobs, PQntuples(r));
	for (int i = 0; i < PQntuples(r); i++) {
		struct job_row *j = SNAP_ADD(s->jobs);
		if (!j)
			return;
		j->id = (int)pgres_ll(r, i, "id", 0);
		pgres_copy(j->proc, sizeof j->proc, r, i, "proc");
		pgres_copy(j->owner, sizeof j->owner, r, i, "owner");
		pgres_copy(j->ht_schema, sizeof j->ht_schema, r, i, "ht_schema");
		pgres_copy(j->ht_name, sizeof j->ht_name, r, i, "ht_name");
		j->schedule_s = pgres_double(r, i, "schedule_s", NAN);
		j->max_runtime_s = pgres_double(r, i, "max_runtime_s", NAN);
		j->scheduled = pgres_bool(r, i, "scheduled", true);
		j->last_start = pgres_double(r, i, "last_start", NAN);
		j->last_finish = pgres_double(r, i, "last_finish", NAN);
		j->next_start = pgres_double(r, i, "next_start", NAN);
		pgres_copy(j->last_status, sizeof j->last_status, r, i, "last_status");
		j->consecutive_failures = (int)pgres_ll(r, i, "consecutive_failures", 0);
		j->consecutive_crashes = (int)pgres_ll(r, i, "consecutive_crashes", 0);
		j->total_runs = (long)pgres_ll(r, i, "total_runs", 0);
		j->total_failures = (long)pgres_ll(r, i, "total_failures", 0);
		j->mean_s = pgres_double(r, i, "mean_s", NAN);
		j->running = pgres_bool(r, i, "running", false);
		j->running_s = pgres_double(r, i, "running_s", NAN);
		j->errors_visible = pgres_bool(r, i, "errors_visible", true);
		/* TimescaleDB counts a crash at the start of every run and takes it
		 * back at its end: while the job runs, consecutive_crashes says nothing */
		if (j->running)
			j->consecutive_crashes = 0;
		j->failed = strcmp(j->last_status, "Failed") == 0 || j->consecutive_crashes > 0;
		parse_job_error(r, i, j);
	}
}

static void parse_job_history(const struct pg_result *cres, struct snapshot *s)
{
	const PGresult *r = cres;
	snapshot_clear_rows(&s->job_runs);
	SNAP_RESERVE(s->job_runs, PQntuples(r));
	for (int i = 0; i < PQntuples(r); i++) {
		struct job_run *h = SNAP_ADD(s->job_runs);
		if (!h)
			return;
		h->job_id = (int)pgres_ll(r, i, "job_id", 0);
		h->start = pgres_double(r, i, "start", NAN);
		h->finish = pgres_double(r, i, "finish", NAN);
		h->succeeded = pgres_isnull(r, i, "succeeded") ? -1 : pgres_bool(r, i, "succeeded", false);
		pgres_copy(h->sqlstate, sizeof h->sqlstate, r, i, "sqlerrcode");
		pgres_copy(h->message, sizeof h->message, r, i, "message");
		double max_rt = NAN;
		for (int k = 0; k < s->jobs.n; k++)
			if (s->jobs.v[k].id == h->job_id)
				max_rt = s->jobs.v[k].max_runtime_s;
		h->kind = h->succeeded == 1 ? JOBFAIL_NONE
		          : job_fail_classify(h->sqlstate, h->message, h->finish - h->start, max_rt);
	}
}

static void parse_scheduler(const struct pg_result *cres, struct snapshot *s)
{
	const PGresult *r = cres;
	struct scheduler_info *sc = &s->sched;
	sc->known = PQntuples(r) == 1;
	sc->running = pgres_bool(r, 0, "running", false);
	sc->workers_in_use = (int)pgres_ll(r, 0, "workers_in_use", 0);
	sc->workers_max = (int)pgres_ll(r, 0, "workers_max", -1);
	sc->max_worker_processes = (int)pgres_ll(r, 0, "max_worker_processes", -1);
	sc->max_parallel_workers = (int)pgres_ll(r, 0, "max_parallel_workers", -1);
	sc->launchers = (int)pgres_ll(r, 0, "launchers", 0);
	sc->schedulers = (int)pgres_ll(r, 0, "schedulers", 0);
	sc->other_workers = (int)pgres_ll(r, 0, "other_workers", 0);
	const char *log = pgres_text(r, 0, "execution_logging", "");
	sc->exec_logging = strcmp(log, "on") == 0 ? 1 : strcmp(log, "off") == 0 ? 0 : -1;
	sc->embedded = pgres_bool(r, 0, "embedded", false);
}

/* drop_bytes of the last pass for policy job_id, NAN when it had none */
static double last_drop_bytes(const struct ret_row *old, int n, int job_id)
{
	for (int i = 0; i < n; i++)
		if (old[i].job_id == job_id)
			return old[i].drop_bytes;
	return NAN;
}

/* drop_bytes comes with a pass over the relations of the chunks past the
 * cut, made only when they changed or tsdbtop.reread_every seconds passed
 * (sql/queries/retention.sql): with reread false the last pass's figure
 * stays (the same chunks: their count, ids and status are unchanged). */
static void parse_retention(const struct pg_result *cres, struct snapshot *s)
{
	const PGresult *r = cres;
	bool reread = made_pass(r);
	struct ret_row *old = reread ? NULL : rows_keep(s->rets.v, s->rets.n, sizeof *old);
	int nold = old ? s->rets.n : 0;
	snapshot_clear_rows(&s->rets);
	SNAP_RESERVE(s->rets, PQntuples(r));
	for (int i = 0; i < PQntuples(r); i++) {
		struct ret_row *t = SNAP_ADD(s->rets);
		if (!t)
			break;
		t->job_id = (int)pgres_ll(r, i, "job_id", 0);
		pgres_copy(t->schema, sizeof t->schema, r, i, "schema");
		pgres_copy(t->name, sizeof t->name, r, i, "name");
		pgres_copy(t->drop_after, sizeof t->drop_after, r, i, "drop_after");
		t->drop_after_s = pgres_double(r, i, "drop_after_s", NAN);
		t->scheduled = pgres_bool(r, i, "scheduled", true);
		t->next_start = pgres_double(r, i, "next_start", NAN);
		t->drop_count = (int)pgres_ll(r, i, "drop_count", -1);
		t->oldest_start = pgres_double(r, i, "oldest_start", NAN);
		t->oldest_end = pgres_double(r, i, "oldest_end", NAN);
		t->drop_bytes = reread ? pgres_double(r, i, "drop_bytes", NAN) : last_drop_bytes(old, nold, t->job_id);
	}
	free(old);
}

static void parse_caggs(const struct pg_result *cres, struct snapshot *s)
{
	const PGresult *r = cres;
	snapshot_clear_rows(&s->caggs);
	SNAP_RESERVE(s->caggs, PQntuples(r));
	for (int i = 0; i < PQntuples(r); i++) {
		struct cagg_row *c = SNAP_ADD(s->caggs);
		if (!c)
			return;
		c->mat_id = (int)pgres_ll(r, i, "mat_id", 0);
		pgres_copy(c->schema, sizeof c->schema, r, i, "schema");
		pgres_copy(c->name, sizeof c->name, r, i, "name");
		pgres_copy(c->raw_schema, sizeof c->raw_schema, r, i, "raw_schema");
		pgres_copy(c->raw_name, sizeof c->raw_name, r, i, "raw_name");
		pgres_copy(c->bucket, sizeof c->bucket, r, i, "bucket");
		c->bucket_s = pgres_double(r, i, "bucket_s", NAN);
		c->materialized_only = pgres_bool(r, i, "materialized_only", false);
		c->watermark = pgres_double(r, i, "watermark", NAN);
		c->raw_newest = pgres_double(r, i, "raw_newest_start", NAN);
		c->job_id = (int)pgres_ll(r, i, "job_id", 0);
		c->promised_lag_s = pgres_double(r, i, "promised_lag_s", NAN);
		c->retention_cuts_window = pgres_bool(r, i, "retention_cuts_window", false);
		/* integer time: the *_int columns, in the column's units */
		c->time_is_int = !pgres_bool(r, i, "time_based", true);
		c->wm_int_known = c->time_is_int && !pgres_isnull(r, i, "watermark_int");
		c->watermark_int = c->wm_int_known ? pgres_ll(r, i, "watermark_int", 0) : 0;
		c->raw_int_known = c->time_is_int && !pgres_isnull(r, i, "raw_newest_int");
		c->raw_newest_int = c->raw_int_known ? pgres_ll(r, i, "raw_newest_int", 0) : 0;
		c->has_integer_now = c->time_is_int && pgres_bool(r, i, "has_integer_now", false);
		c->now_int_known = c->time_is_int && !pgres_isnull(r, i, "now_int");
		c->now_int = c->now_int_known ? pgres_ll(r, i, "now_int", 0) : 0;
		c->bucket_int = c->time_is_int ? pgres_double(r, i, "bucket_int", NAN) : NAN;
		c->end_offset_int = c->time_is_int ? pgres_double(r, i, "end_offset_int", NAN) : NAN;
		if (c->time_is_int) { /* never an epoch made of units */
			c->watermark = c->raw_newest = c->bucket_s = c->promised_lag_s = NAN;
		}
	}
}

static double ratio(double hit, double read)
{
	return hit + read > 0 ? hit / (hit + read) : NAN;
}

static void parse_cache(const struct pg_result *cres, struct snapshot *s)
{
	const PGresult *r = cres;
	double hit = pgres_double(r, 0, "blks_hit", NAN), rd = pgres_double(r, 0, "blks_read", NAN);
	struct cache_db *c = &s->cache;
	bool had = c->stats_available;
	double dh = hit - c->blks_hit, dr = rd - c->blks_read;
	c->stats_available = pgres_bool(r, 0, "track_counts", false) && hit + rd > 0;
	c->ratio_now = had && c->stats_available && dh >= 0 && dr >= 0 ? ratio(dh, dr) : NAN;
	c->blks_hit = hit;
	c->blks_read = rd;
	c->ratio_total = c->stats_available ? ratio(hit, rd) : NAN;
	c->stats_reset = pgres_double(r, 0, "stats_reset", NAN);
	c->numbackends = (long)pgres_ll(r, 0, "numbackends", 0);
	/* pg_database_size, re-read by the query at most once a minute */
	c->db_bytes = pgres_double(r, 0, "db_bytes", NAN);
}

/* The Cache pane's per-hypertable counters come with the chunks query (one
 * pass over the chunk relations serves both): a row for every hypertable
 * with at least one chunk relation, read on the pass only. */
static void parse_cache_hts(const PGresult *r, struct snapshot *s)
{
	if (!made_pass(r))
		return;                    /* the rows of the last pass stay */
	snapshot_clear_rows(&s->caches);
	int n = 0;
	for (int i = 0; i < PQntuples(r); i++)
		n += pgres_ll(r, i, "rels", 0) > 0;
	SNAP_RESERVE(s->caches, n);
	for (int i = 0; i < PQntuples(r); i++) {
		if (pgres_ll(r, i, "rels", 0) <= 0)
			continue;
		struct cache_row *c = SNAP_ADD(s->caches);
		if (!c)
			return;
		pgres_copy(c->schema, sizeof c->schema, r, i, "schema_name");
		pgres_copy(c->name, sizeof c->name, r, i, "table_name");
		c->heap_hit = pgres_double(r, i, "heap_hit", 0);
		c->heap_read = pgres_double(r, i, "heap_read", 0);
		c->idx_hit = pgres_double(r, i, "idx_hit", 0);
		c->idx_read = pgres_double(r, i, "idx_read", 0);
		c->toast_hit = pgres_double(r, i, "toast_hit", 0);
		c->toast_read = pgres_double(r, i, "toast_read", 0);
		c->ratio = ratio(c->heap_hit + c->idx_hit + c->toast_hit,
				 c->heap_read + c->idx_read + c->toast_read);
	}
}

static void parse_chunks(const struct pg_result *cres, struct snapshot *s)
{
	parse_hts(cres, s);
	parse_cache_hts(cres, s);
}

/* ---- the table ---------------------------------------------------------- */

static struct pane_meta *m_chunks(struct snapshot *s) { return &s->chunks_meta; }
static struct pane_meta *m_comp(struct snapshot *s) { return &s->comp_meta; }
static struct pane_meta *m_jobs(struct snapshot *s) { return &s->jobs_meta; }
static struct pane_meta *m_history(struct snapshot *s) { return &s->history_meta; }
static struct pane_meta *m_ret(struct snapshot *s) { return &s->ret_meta; }
static struct pane_meta *m_cagg(struct snapshot *s) { return &s->cagg_meta; }
static struct pane_meta *m_cache(struct snapshot *s) { return &s->cache_meta; }
static struct pane_meta *m_none(struct snapshot *s) { (void)s; return NULL; }

/* Order matters: jobs and the scheduler come before the panes that judge
 * job states (health runs after the whole poll anyway). */
const struct collector collectors[] = {
	{ "jobs", avail_jobs, parse_jobs, m_jobs },
	{ "scheduler", avail_jobs, parse_scheduler, m_none },
	{ "job_history", avail_history, parse_job_history, m_history },
	{ "chunks", need_ts, parse_chunks, m_chunks },
	{ "compression", avail_compression, parse_compression, m_comp },
	{ "retention", avail_jobs, parse_retention, m_ret },
	{ "caggs", avail_caggs, parse_caggs, m_cagg },
	{ "cache", avail_always, parse_cache, m_cache },
};
const int collector_count = (int)(sizeof collectors / sizeof collectors[0]);
