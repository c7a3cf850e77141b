/* action — operator actions (compress, decompress, refresh, jobs, retention,
 * maintenance) as PLANS of steps, executed one step at a time on an action
 * connection. Db side (libpq), never draws; the screen reads the plain
 * structs below and calls the commands.
 *
 * A plan is pure data: every step carries the SQL that is sent (typed $n
 * parameters; the one exception, ANALYZE, takes an identifier escaped with
 * PQescapeIdentifier when it is sent) and the SQL as shown in the dialog,
 * with the real identifiers quoted. Plans are built from a query on the
 * server (which chunks, which window, who owns the target) so that a bad
 * target is refused with a reason before anything runs.
 *
 * One action at a time. Stop = cancel the statement in flight and never
 * start the next step. Every event is recorded in the action log (memory
 * ring for the log pane, JSON lines in a file).
 */
#ifndef TSDBTOP_ACTION_H
#define TSDBTOP_ACTION_H

#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/actlog.h"
#include "tsdbtop/chunk_status.h"
#include "tsdbtop/server.h"
#include "tsdbtop/snapshot.h"

struct ev_loop;
struct conn;
struct options;
struct action_runner;

enum action_kind {
	ACT_NONE,
	ACT_COMPRESS,          /* a hypertable's chunks past compress_after, or older than a window */
	ACT_COMPRESS_CHUNK,    /* one chunk */
	ACT_DECOMPRESS_CHUNK,  /* one chunk */
	ACT_REFRESH,           /* a continuous aggregate, in slices */
	ACT_JOB_RUN,
	ACT_JOB_PAUSE,
	ACT_JOB_RESUME,
	ACT_RETENTION,         /* drop what the retention policy would drop */
	ACT_ANALYZE,           /* one table */
	ACT_MAINTENANCE,       /* analyze stale, refresh lagging, compress backlogs */
	ACT_RETENTION_POLICY,  /* change a retention policy: drop_after, pause, resume */
	ACT_CUSTOM,            /* a plan built by the caller (tests) */
	ACT_KIND_COUNT
};

enum step_state { STEP_PENDING, STEP_RUNNING, STEP_DONE, STEP_FAILED, STEP_SKIPPED, STEP_STOPPED };

#define ACT_SQL_MAX 400
#define ACT_PARAMS 4

struct action_step {
	char desc[192];
	char sql[ACT_SQL_MAX];      /* sent; $n parameters, or one %s (ident) */
	char shown[ACT_SQL_MAX + 256]; /* displayed, identifiers quoted */
	int nparams;
	char params[ACT_PARAMS][NAME_LEN * 2 + 8];
	bool param_null[ACT_PARAMS];  /* sent as SQL NULL */
	bool ident;                 /* sql has one %s: the escaped schema.name below */
	char ident_schema[NAME_LEN], ident_name[NAME_LEN];
	bool measure;               /* after success, read the chunk's compressed size */
	double bytes_before, bytes_after; /* NAN unknown */
	enum step_state state;
	double duration;            /* seconds */
	char result[256];           /* first value returned, or the error */
};

struct action_plan {
	enum action_kind kind;
	char title[64];             /* "Compress", "Refresh", ... */
	char target[NAME_LEN * 2 + 4];   /* quoted, as shown */
	char effect[256];           /* what it will touch: counts, bytes */
	char note[256];             /* e.g. why run_job and not alter_job */
	bool destructive;           /* needs the typed name */
	char confirm_name[NAME_LEN];/* what must be typed */
	double total_bytes;         /* NAN unknown */
	int nsteps, cap;
	struct action_step *steps;
};

/* What the operator asked for (from the selected row). */
struct action_request {
	enum action_kind kind;
	char schema[NAME_LEN], name[NAME_LEN];   /* hypertable, cagg, chunk or table */
	int job_id;
	bool time_is_int;           /* the hypertable's time column is an integer */
	char window[96];            /* refresh: "" = policy window; "7 days" = the last
	                               7 days; "FROM .. TO" = two timestamps */
	bool scheduler_running;     /* run now: alter_job when true and the job is
	                               not paused (the plan reads that), else run_job */
	char older_than[96];        /* compress: "" = past the policy's compress_after;
	                               else the chunks older than this interval */
	bool older_default;         /* compress: older_than is the default window of a
	                               hypertable without a policy (the effect says so) */
};

enum action_state {
	AST_IDLE,
	AST_PLANNING,      /* the plan query is out */
	AST_PLANNED,       /* a plan waits for confirmation */
	AST_REFUSED,       /* the request was refused: message says why */
	AST_RUNNING,
	AST_STOPPING,      /* stop asked: waiting for the statement in flight */
	AST_DONE,          /* finished (message: summary) */
};

/* Timeouts of the action connection when nothing else says (seconds). */
#define ACTION_STATEMENT_TIMEOUT 600.0
#define ACTION_LOCK_TIMEOUT 2.0

struct action_config {
	const struct options *opt;  /* connection settings (the monitor's) */
	const char *password;       /* the prompted one, or NULL */
	bool read_only;             /* refuse everything: "read-only mode" */
	struct conn *monitor;       /* fallback when a second connection fails */
	const struct server_info *server;  /* the probe (kept current by the caller) */
	double statement_timeout;   /* on the action connection; 0 = ACTION_STATEMENT_TIMEOUT */
	double lock_timeout;        /* 0 = the options' lock_timeout, or ACTION_LOCK_TIMEOUT */
	const char *log_path;       /* JSON lines file; NULL = default; "" = none */
	const char *server_name;    /* several servers: the one its log records name (NULL: none) */
	bool own_connection;        /* try a second connection (default true via action_config_default) */
	void (*on_change)(void *ud);/* anything changed: redraw */
	void *ud;
};

void action_config_default(struct action_config *c);

struct action_runner *action_runner_new(struct ev_loop *loop, const struct action_config *cfg);
void action_runner_free(struct action_runner *r);

/* Why an action cannot run here (license, server, read-only), or NULL.
 * Pure: the keys and help show it without asking the server. */
const char *action_unavailable(enum action_kind k, const struct server_info *si,
			       bool read_only, char *buf, size_t n);
const char *action_kind_name(enum action_kind k);

/* Ask for a plan (async). Returns 0 when the plan query was sent, -1 when
 * refused at once (state AST_REFUSED, message says why). */
int action_prepare(struct action_runner *r, const struct action_request *req);
/* Run a plan built by the caller (ACT_CUSTOM; takes a copy). */
int action_prepare_plan(struct action_runner *r, const struct action_plan *p);
/* Confirm the plan waiting in AST_PLANNED. typed: the name typed by the
 * operator when the plan is destructive (NULL otherwise). */
int action_confirm(struct action_runner *r, const char *typed);
/* Drop the plan waiting for confirmation (Esc). Nothing runs. */
void action_dismiss(struct action_runner *r);
/* Stop the running action: cancel in flight, no further step. */
void action_stop(struct action_runner *r);
/* Toggle skipping a pending step (before or while running). */
void action_skip(struct action_runner *r, int step, bool skip);

enum action_state action_state(const struct action_runner *r);
const struct action_plan *action_current(const struct action_runner *r);
const char *action_message(const struct action_runner *r);
/* Progress of the running/finished plan. */
void action_progress(const struct action_runner *r, int *done, int *total,
		     double *bytes_before, double *bytes_after);
/* "on a second connection" or "queued on the monitor connection" */
const char *action_where(const struct action_runner *r);
bool action_read_only(const struct action_runner *r);
const struct actlog *action_log(const struct action_runner *r);

/* Chunks of one hypertable, for the chunk list (async; the runner keeps
 * the last list). */
struct chunk_item {
	char schema[NAME_LEN], name[NAME_LEN];
	int status;                /* CHUNK_STATUS_* bits (chunk_status.h) */
	double range_start, range_end; /* epoch s (NAN for integer time) */
	double bytes;              /* estimate, or compressed size */
};
struct chunk_list {
	char ht_schema[NAME_LEN], ht_name[NAME_LEN];
	bool loading;
	char error[256];
	int n, cap;
	struct chunk_item *v;
};
int action_list_chunks(struct action_runner *r, const char *schema, const char *name);
const struct chunk_list *action_chunks(const struct action_runner *r);

/* Pure plan helpers (also used by tests). */
void action_plan_init(struct action_plan *p, enum action_kind k, const char *title);
struct action_step *action_plan_add(struct action_plan *p);
void action_plan_free(struct action_plan *p);
/* quote_ident: "name" when it needs quotes (with "" doubled), else name. */
char *action_quote_ident(char *buf, size_t n, const char *ident);
/* schema.name, each part quoted as needed. */
char *action_qualify(char *buf, size_t n, const char *schema, const char *name);
/* Run now of job id (what: "job N (proc on table)"): alter_job(next_start
 * => now()) when the job is scheduled and a scheduler runs; CALL run_job in
 * the action session when it is paused (the scheduler skips it) or no
 * scheduler runs. Fills s's sql and desc, p's note and effect. */
void action_plan_job_run(struct action_plan *p, struct action_step *s, int id, const char *what,
			 bool scheduled, bool scheduler_running, bool held);
/* Replace $1..$9 in sql by the parameters as SQL literals (or the quoted
 * names for regclass casts) for display. */
char *action_show_sql(char *buf, size_t n, const struct action_step *st);

#endif
