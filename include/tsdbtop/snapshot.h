/* snapshot — what one poll learned, as plain structs owned by the model.
 * Collectors fill it (db side); panes and the headless printers read it.
 * No libpq, no curses here.
 *
 * Times are seconds since the Unix epoch as doubles (NAN = unknown/never).
 * Hypertables with an integer time column keep their raw values in the
 * *_int fields with time_is_int set. Sizes are bytes (NAN = unknown).
 * Strings are raw database text: sanitise before drawing.
 */
#ifndef TSDBTOP_SNAPSHOT_H
#define TSDBTOP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tsdbtop/server.h"

#define NAME_LEN 132           /* 63-byte identifiers, quoted, schema-qualified */

enum health { HEALTH_OK, HEALTH_WARNING, HEALTH_CRITICAL, HEALTH_UNKNOWN };

struct ht_row {                /* pane 1: chunks */
	int id;                    /* _timescaledb_catalog.hypertable.id */
	char schema[NAME_LEN], name[NAME_LEN];
	bool is_cagg;              /* materialization hypertable of a cagg */
	char cagg_name[NAME_LEN];  /* the cagg's view name when is_cagg */
	char time_column[NAME_LEN];
	char time_type[32];
	bool time_is_int;
	double interval;           /* seconds, or raw units when time_is_int */
	int chunks, compressed, uncompressed, partial, frozen;
	double oldest_start, newest_end;           /* epoch s */
	int64_t oldest_start_int, newest_end_int;  /* when time_is_int */
	double est_bytes;          /* relpages-based estimate of all chunks */
	double avg_chunk_bytes;
	double before_bytes, after_bytes;          /* compression_chunk_size sums */
	bool compression_enabled;
	enum health health;
	char why[96];
};

struct comp_row {              /* pane 2: compression per hypertable */
	int ht_id;
	char schema[NAME_LEN], name[NAME_LEN];
	char segmentby[160], orderby[160];
	bool has_policy;
	int job_id;
	char compress_after[48];   /* policy config as text ("7 days", "100") */
	double compress_after_s;   /* NAN for integer time */
	int backlog;               /* chunks past compress_after, not compressed (or partial); -1 unknown */
	double backlog_behind_s;   /* age of the oldest backlog chunk beyond compress_after */
	int compressed_chunks;
	double before_bytes, after_bytes;
	enum health health;
	char why[96];
};

/* Why a job's last run failed, from what TimescaleDB records in job_errors
 * and job_history (tui/core/jobinfo.c classifies). */
enum job_fail_kind {
	JOBFAIL_NONE,              /* the last run did not fail */
	JOBFAIL_ERROR,             /* the job raised an error */
	JOBFAIL_START,             /* the scheduler could not start it (no background worker) */
	JOBFAIL_CRASH,             /* the worker ended without recording an end */
	JOBFAIL_TIMEOUT,           /* cancelled by the scheduler at max_runtime */
	JOBFAIL_CANCEL,            /* cancelled (pg_cancel_backend, statement_timeout) */
};

struct job_error {             /* the last failed run of a job */
	double start, finish;      /* epoch s; NAN unknown */
	char sqlstate[8];
	enum job_fail_kind kind;
	char *message;             /* whole and raw; heap, owned by the snapshot; NULL none */
};

struct job_run {               /* one recent run of a job (job_history, 2.15+) */
	int job_id;
	double start, finish;      /* epoch s; finish NAN: running or crashed */
	int succeeded;             /* 1, 0, -1 unknown (running, crashed) */
	char sqlstate[8];
	enum job_fail_kind kind;
	char message[256];         /* cut by the query */
};

struct job_row {               /* pane 2 (jobs) and job states elsewhere */
	int id;
	char proc[64];
	char owner[64];
	char ht_schema[NAME_LEN], ht_name[NAME_LEN];
	double schedule_s;
	double max_runtime_s;      /* 0 = no limit, NAN unknown */
	bool scheduled;            /* false = paused */
	double last_start, last_finish, next_start;
	char last_status[16];      /* Success, Failed, "" never ran */
	int consecutive_failures, consecutive_crashes;
	long total_runs, total_failures;
	double mean_s;             /* mean duration of a successful run, NAN unknown */
	bool running;              /* a background worker runs it now */
	double running_s;          /* for how long, NAN unknown */
	bool running_long;         /* far longer than its usual run (health) */
	bool failed;               /* the last run failed or crashed */
	bool errors_visible;       /* this role may read the job's errors */
	bool has_error;            /* last_error is filled */
	struct job_error last_error;
	bool overdue;
	bool stuck;                /* next_start is -infinity: nothing will start it */
	bool no_success;           /* no success within N schedule intervals (health) */
	enum health health;
	char why[200];
};

struct ret_row {               /* pane 3: retention */
	int job_id;
	char schema[NAME_LEN], name[NAME_LEN];
	char drop_after[48];
	double drop_after_s;
	bool scheduled;
	double next_start;
	bool overdue;
	int drop_count;            /* chunks the next run drops; -1 unknown (integer time) */
	double oldest_start, oldest_end;
	double drop_bytes;         /* estimate */
	char why_not[128];         /* why eligible chunks are still there */
	enum health health;
};

enum cagg_state { CAGG_FRESH, CAGG_LAGGING, CAGG_STALE, CAGG_EMPTY, CAGG_NODATA, CAGG_UNKNOWN };

struct cagg_row {              /* pane 4: continuous aggregates */
	int mat_id;
	char schema[NAME_LEN], name[NAME_LEN];
	char raw_schema[NAME_LEN], raw_name[NAME_LEN];
	char bucket[48];
	double bucket_s;
	bool materialized_only;
	double watermark;          /* epoch s; NAN = never materialized (or time_is_int) */
	double lag_s;              /* now - watermark, >= 0; NAN unknown */
	double promised_lag_s;     /* end_offset + schedule_interval; NAN without policy */
	double raw_newest;         /* newest raw chunk start (epoch s), NAN unknown */
	double ahead;              /* watermark past now by (s, or units): 0 when not */
	/* integer time column: these, in the column's own units, instead of
	 * watermark, lag_s, raw_newest, bucket_s and promised_lag_s (NAN) */
	bool time_is_int;
	bool wm_int_known, raw_int_known, now_int_known, has_integer_now;
	int64_t watermark_int, raw_newest_int;
	int64_t now_int;           /* the hypertable's integer_now() */
	double bucket_int, end_offset_int;  /* NAN unknown */
	double lag_int;            /* now_int - watermark_int, >= 0; NAN unknown */
	int job_id;
	char job_state[32];        /* "scheduled", "paused", "failing", "no policy" */
	bool retention_cuts_window;
	enum cagg_state state;
	enum health health;
	char why[128];
};

struct cache_row {             /* pane 5: per hypertable */
	char schema[NAME_LEN], name[NAME_LEN];
	double heap_hit, heap_read, idx_hit, idx_read, toast_hit, toast_read;
	double ratio;              /* overall (heap+idx+toast), NAN without reads */
	enum health health;
};

struct cache_db {
	bool stats_available;      /* false: the server keeps no statistics */
	double blks_hit, blks_read;
	double ratio_total;        /* since stats_reset, NAN unknown */
	double ratio_now;          /* between the last two polls, NAN unknown */
	double stats_reset;
	long numbackends;
	double db_bytes;
	enum health health;
};

struct scheduler_info {
	bool known;                /* could we tell? */
	bool running;
	int workers_in_use;        /* job workers of the whole cluster */
	int workers_max;           /* timescaledb.max_background_workers, -1 unknown */
	/* what the budget competes with for max_worker_processes (-1 unknown) */
	int max_worker_processes, max_parallel_workers;
	int launchers, schedulers; /* TimescaleDB's own, cluster-wide */
	int other_workers;         /* other background workers (logical replication, ...) */
	int exec_logging;          /* timescaledb.enable_job_execution_logging: 1, 0, -1 unknown */
	bool has_history;          /* job_history exists (TimescaleDB 2.15+) */
	bool embedded;             /* the embedded server: no scheduler at all */
	/* judged by sched_capacity() (tui/core/jobinfo.c) */
	int capacity;              /* job workers max_worker_processes can give, -1 unknown */
	int needed;                /* max_worker_processes that honours the budget */
	bool short_budget;         /* the budget cannot be honoured */
	int waiting;               /* scheduled jobs past their start, not running */
	char why[240];             /* the capacity warning ("" none) */
};

enum pane_status {
	PANE_EMPTY,                /* never polled */
	PANE_OK,
	PANE_UNAVAILABLE,          /* not on this server (message says why) */
	PANE_ERROR,                /* the last poll failed (message), old data kept */
};

struct pane_meta {
	enum pane_status status;
	char message[256];
	double updated_at;         /* epoch s of the data shown; NAN never */
	double poll_ms;            /* duration of the last successful query */
};

/* Compatibility mode: the panes read TimescaleDB's public views and size
 * functions (sql/queries/NAME.compat.sql) instead of its catalog tables.
 * Slower; the header says so and why. */
enum compat_reason {
	COMPAT_OFF,
	COMPAT_FORCED,             /* --compat, TSDBTOP_COMPAT=1, compat = yes */
	COMPAT_UNKNOWN_VERSION,    /* TimescaleDB newer than the newest layout known */
	COMPAT_FAST_FAILED,        /* a fast query failed with 42703/42P01 */
};

struct compat_state {
	bool active;
	enum compat_reason reason;
	char detail[200];          /* e.g. "chunks: column c.foo does not exist" */
};

#define ROWS(type) struct { type *v; int n, cap; }

struct snapshot {
	struct server_info server;
	double polled_at;          /* epoch s of the last completed poll */
	double poll_ms;            /* last full poll duration */
	struct pane_meta chunks_meta, comp_meta, ret_meta, cagg_meta, cache_meta, jobs_meta;
	struct pane_meta history_meta; /* the job_runs (not a pane: the jobs dialog shows them) */
	ROWS(struct ht_row) hts;
	ROWS(struct comp_row) comps;
	ROWS(struct job_row) jobs;
	ROWS(struct job_run) job_runs;  /* recent runs, newest first per job */
	ROWS(struct ret_row) rets;
	ROWS(struct cagg_row) caggs;
	ROWS(struct cache_row) caches;
	struct cache_db cache;
	struct scheduler_info sched;
	int worst[HEALTH_UNKNOWN + 1];  /* counts of rows per health, all panes */
	struct compat_state compat;
};

/* Empty the job rows, freeing their error messages. */
void snapshot_clear_jobs(struct snapshot *s);

/* Grow a ROWS() array by one zeroed element; returns it or NULL. */
void *snapshot_row_add(void *rows, int elem_size);
#define SNAP_ADD(rows) ((__typeof__((rows).v))snapshot_row_add(&(rows), (int)sizeof *(rows).v))
/* Size a ROWS() array for n rows before adding them: exactly n (no
 * doubling slack, no chain of freed smaller arrays left in the heap);
 * an array much larger than needed is shrunk. Keeps the rows. 0 or -1. */
int snapshot_row_reserve(void *rows, int n, int elem_size);
#define SNAP_RESERVE(rows, n) snapshot_row_reserve(&(rows), (n), (int)sizeof *(rows).v)
void snapshot_clear_rows(void *rows);
void snapshot_free(struct snapshot *s);
const char *health_name(enum health h);
const char *cagg_state_name(enum cagg_state s);
/* "forced", "unknown_version", "fast_query_failed"; NULL when off. */
const char *compat_reason_name(enum compat_reason r);
/* One line for headers, "" when off. brief (the console's header row):
 * "compatibility mode: forced by option" / "...: unknown TimescaleDB
 * version" / "...: fast query failed (chunks 42703)"; otherwise the same
 * with the version or the error message. Raw text (an error message):
 * sanitise before drawing. */
void compat_describe(char *buf, size_t n, const struct compat_state *c,
		     const struct server_info *si, bool brief);

#endif
