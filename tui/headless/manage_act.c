/* manage_act — the headless management commands that change data:
 * compress, decompress, job run|pause|resume, maintenance. Built on the
 * console's action engine (include/tsdbtop/action.h): the same plans from
 * the server, the same runner (one step at a time on a second connection),
 * the same refusals and the same JSON-lines action log. Prints each step
 * and its result as it finishes ("3/12 chunks ..."); --dry-run prints the
 * SQL of the plan and runs nothing; --json prints one document at the end.
 * Exit: 0 done (or nothing to do), 1 refused/failed/stopped, 2 usage,
 * 3 cannot connect. */
#include "tsdbtop/commands.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/action.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/pgres.h"
#include "tsdbtop/sanitize.h"

#include "act_run.h"

#define DEFAULT_OLDER_THAN "7 days"

/* ------------------------------------------------- resolving a target */

static const char lookup_sql[] =
	"SELECT n.nspname AS rel_schema, c.relname AS rel_name, h.id AS ht_id,"
	/* compression_state 1 until 2.28, hypertable.status & 4 from 2.29 */
	" CASE WHEN h.id IS NULL THEN NULL WHEN h.compression_state = 2 THEN 2"
	"  WHEN h.compression_state = 1 OR coalesce((to_jsonb(h)->>'status')::int, 0) & 4 = 4 THEN 1"
	"  ELSE 0 END AS compression_state,"
	" k.id AS chunk_id,"
	" pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owner, pg_catalog.pg_get_userbyid(c.relowner) AS owner_name,"
	" (SELECT j.config->>'compress_after' FROM timescaledb_information.jobs j"
	"   WHERE j.proc_name = 'policy_compression' AND (j.config->>'hypertable_id')::int = h.id"
	"   ORDER BY j.job_id LIMIT 1) AS compress_after,"
	" (SELECT d.column_type::regtype::text FROM _timescaledb_catalog.dimension d"
	"   WHERE d.hypertable_id = h.id AND d.interval_length IS NOT NULL ORDER BY d.id LIMIT 1) AS time_type"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN _timescaledb_catalog.hypertable h ON h.schema_name = n.nspname AND h.table_name = c.relname"
	/* the chunk row's relation on every catalog layout (as CHUNK_OID in
	 * tui/db/action_sql.c): schema_name/table_name until 2.28, relid from
	 * 2.29; a dropped chunk (no table) maps to NULL */
	" LEFT JOIN _timescaledb_catalog.chunk k ON c.oid = (CASE WHEN (to_jsonb(k)->>'relid') IS NOT NULL"
	"  THEN (to_jsonb(k)->>'relid')::regclass::oid ELSE to_regclass(pg_catalog.format('%I.%I',"
	"  to_jsonb(k)->>'schema_name', to_jsonb(k)->>'table_name'))::oid END)"
	" WHERE c.oid = $1::regclass";

/* The first row's text of col, or NULL (NULL, no row, no such column). */
static const char *cell(const PGresult *r, const char *col)
{
	return pgres_text(r, 0, col, NULL);
}

/* Resolve NAME ($1::regclass). Returns NULL after one stderr line. */
static PGresult *lookup(struct act_run *x, const char *name)
{
	PGresult *res = NULL;
	struct conn_error e;
	const char *p[] = { name };
	if (hl_exec(x->h, lookup_sql, 1, p, 60, &res, &e) != 0) {
		errline(x, e.message);
		return NULL;
	}
	if (PQntuples(res) < 1) {
		char m[400];
		snprintf(m, sizeof m, "%s: no such table", name);
		errline(x, m);
		PQclear(res);
		return NULL;
	}
	return res;
}

static void request_for(struct action_request *req, enum action_kind k, const PGresult *look)
{
	memset(req, 0, sizeof *req);
	req->kind = k;
	snprintf(req->schema, sizeof req->schema, "%s", cell(look, "rel_schema"));
	snprintf(req->name, sizeof req->name, "%s", cell(look, "rel_name"));
}

/* ============================================================ compress */

/* An integer time column cannot take a window of ours: -1 to go on, else
 * the exit code (said). */
static int window_refusal(struct act_run *x, const PGresult *look)
{
	const char *tt = cell(look, "time_type");
	if (!tt || strcmp(tt, "timestamp with time zone") == 0 || strcmp(tt, "timestamp without time zone") == 0 ||
	    strcmp(tt, "date") == 0)
		return -1;
	char name[NAME_LEN * 2 + 4], why[600];
	action_qualify(name, sizeof name, cell(look, "rel_schema"), cell(look, "rel_name"));
	snprintf(why, sizeof why, "%s has an integer time column (%s): compress its chunks one by one "
		 "(tsdbtop compress CHUNK)", name, tt);
	errline(x, why);
	return HL_EXIT_FAILED;
}

/* A hypertable's chunks, planned by the console's compress builder: past
 * the policy's compress_after; with --older-than, or without a policy
 * (7 days), older than that window. */
static int compress_hypertable(struct act_run *x, const PGresult *look)
{
	const char *after = cell(look, "compress_after"), *older = x->a->older_than;
	bool int_policy = after && strspn(after, "-0123456789") == strlen(after);
	struct action_request req;
	request_for(&req, ACT_COMPRESS, look);
	if (!older && after && !int_policy)
		return prepare_and_drive(x, &req);
	int rc = window_refusal(x, look);
	if (rc >= 0)
		return rc;
	if (older && strlen(older) >= sizeof req.older_than) {
		fprintf(stderr, "tsdbtop compress: --older-than: too long\n");
		return HL_EXIT_USAGE;
	}
	snprintf(req.older_than, sizeof req.older_than, "%s", older ? older : DEFAULT_OLDER_THAN);
	req.older_default = !older && !after;
	return prepare_and_drive(x, &req);
}

/* The target (TABLE or CHUNK) and the CONNINFO after it: -1 to go on, else
 * the exit code (what is missing said). */
static int target_arg(struct act_args *a, const char *missing)
{
	if (a->npos < 1) {
		fprintf(stderr, "tsdbtop %s: %s\n", a->cmd, missing);
		return HL_EXIT_USAGE;
	}
	if (a->npos > 1)
		a->o.conninfo = a->pos[1];
	return -1;
}

/* Connect, check the server can do kind k, look the target up: the lookup,
 * or NULL with *rc the exit code. */
static PGresult *open_and_look(struct act_run *x, enum action_kind k, int *rc)
{
	if ((*rc = act_open(x)) >= 0 || (*rc = act_precheck(x, k)) >= 0)
		return NULL;
	PGresult *look = lookup(x, x->a->pos[0]);
	if (!look)
		*rc = HL_EXIT_FAILED;
	return look;
}

int cmd_compress(int argc, char **argv)
{
	static const struct cli_opt opts[] = {
		{ "older-than", 1, "INTERVAL", "chunks older than this (default: the compression policy's compress_after, else 7d)" },
		opt_dry, opt_json, opt_ro, opt_log,
	};
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, opts, 5, 2,
			   "compress TABLE|CHUNK [--older-than INTERVAL] [--dry-run] [--json] [CONNINFO]",
			   "Compress a hypertable's chunks that are past compress_after (its compression policy's,\n"
			   "or --older-than; 7 days when there is no policy), one chunk per step, oldest first, with\n"
			   "the console's action engine; or one CHUNK. Prints each chunk as it is done.\n"
			   "Exit 0 done (or nothing to compress), 1 refused or failed (no such table, compression\n"
			   "not enabled, not the owner, read-only), 2 bad usage or interval, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if ((rc = target_arg(&a, "which hypertable? (tsdbtop compress TABLE [--older-than 7d])")) >= 0)
		return rc;
	struct act_run x = { .a = &a, .unit = "chunks" };
	PGresult *look = open_and_look(&x, ACT_COMPRESS, &rc);
	if (!look)
		goto out;
	struct action_request req;
	if (cell(look, "chunk_id")) {
		if (a.older_than) {
			fprintf(stderr, "tsdbtop compress: --older-than applies to a hypertable, not to a chunk\n");
			rc = HL_EXIT_USAGE;
		} else {
			request_for(&req, ACT_COMPRESS_CHUNK, look);
			x.unit = "chunk";
			rc = prepare_and_drive(&x, &req);
		}
	} else if (!cell(look, "ht_id")) {
		char m[400], n[NAME_LEN * 2 + 4];
		action_qualify(n, sizeof n, cell(look, "rel_schema"), cell(look, "rel_name"));
		snprintf(m, sizeof m, "%s is not a hypertable (nor a chunk)", n);
		errline(&x, m);
		rc = HL_EXIT_FAILED;
	} else {
		rc = compress_hypertable(&x, look);
	}
	PQclear(look);
out:
	act_close(&x);
	return rc;
}

/* ========================================================== decompress */

int cmd_decompress(int argc, char **argv)
{
	static const struct cli_opt opts[] = { opt_dry, opt_json, opt_ro, opt_log };
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, opts, 4, 2, "decompress CHUNK [--dry-run] [--json] [CONNINFO]",
			   "Decompress one chunk (decompress_chunk) with the console's action engine.\n"
			   "Exit 0 done, 1 refused or failed (no such chunk, not compressed, frozen, not the owner,\n"
			   "read-only), 2 bad usage, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if ((rc = target_arg(&a, "which chunk? (tsdbtop decompress SCHEMA.CHUNK)")) >= 0)
		return rc;
	struct act_run x = { .a = &a, .unit = "chunk" };
	PGresult *look = open_and_look(&x, ACT_DECOMPRESS_CHUNK, &rc);
	if (!look)
		goto out;
	struct action_request req;
	request_for(&req, ACT_DECOMPRESS_CHUNK, look);
	PQclear(look);
	rc = prepare_and_drive(&x, &req);
out:
	act_close(&x);
	return rc;
}

/* ================================================================= job */

static const char scheduler_sql[] =
	"SELECT count(*) FILTER (WHERE a.backend_type = 'TimescaleDB Background Worker Scheduler'"
	" AND (a.datname = pg_catalog.current_database() OR a.datname IS NULL)) > 0 AS running"
	" FROM pg_catalog.pg_stat_activity a";

int cmd_job(int argc, char **argv)
{
	static const struct cli_opt opts[] = { opt_dry, opt_json, opt_ro, opt_log };
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, opts, 4, 3, "job run|pause|resume ID [--dry-run] [--json] [CONNINFO]",
			   "Run a TimescaleDB job now, pause it or resume it (tsdbtop jobs lists them), with the\n"
			   "console's action engine. run: when the scheduler is running and the job is not paused it\n"
			   "is asked to start the job now (alter_job next_start => now()); otherwise (a paused job,\n"
			   "which the scheduler skips, or no scheduler) CALL run_job runs it here and waits.\n"
			   "Exit 0 done, 1 refused or failed (no such job, already paused, not the owner, read-only,\n"
			   "the job failed), 2 bad usage, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if (a.npos < 2) {
		fprintf(stderr, "tsdbtop job: what and which job? (tsdbtop job run|pause|resume ID)\n");
		return HL_EXIT_USAGE;
	}
	enum action_kind k;
	if (strcmp(a.pos[0], "run") == 0)
		k = ACT_JOB_RUN;
	else if (strcmp(a.pos[0], "pause") == 0)
		k = ACT_JOB_PAUSE;
	else if (strcmp(a.pos[0], "resume") == 0)
		k = ACT_JOB_RESUME;
	else {
		char v[80];
		sanitize_text(v, sizeof v, a.pos[0]);
		fprintf(stderr, "tsdbtop job: '%s' is not run, pause or resume\n", v);
		return HL_EXIT_USAGE;
	}
	char *end;
	long id = strtol(a.pos[1], &end, 10);
	if (end == a.pos[1] || *end || id <= 0 || id > 2147483647L) {
		char v[80];
		sanitize_text(v, sizeof v, a.pos[1]);
		fprintf(stderr, "tsdbtop job: '%s' is not a job id (a positive number; tsdbtop jobs lists them)\n", v);
		return HL_EXIT_USAGE;
	}
	if (a.npos > 2)
		a.o.conninfo = a.pos[2];
	struct act_run x = { .a = &a, .unit = "step" };
	if ((rc = act_open(&x)) >= 0)
		goto out;
	struct action_request req = { .kind = k, .job_id = (int)id };
	if (k == ACT_JOB_RUN) {
		PGresult *res = NULL;
		struct conn_error e;
		if (hl_exec(x.h, scheduler_sql, 0, NULL, 30, &res, &e) == 0 && PQntuples(res) > 0)
			req.scheduler_running = pgres_bool(res, 0, "running", false);
		PQclear(res);
	}
	rc = prepare_and_drive(&x, &req);
out:
	act_close(&x);
	return rc;
}

/* ========================================================= maintenance */

int cmd_maintenance(int argc, char **argv)
{
	static const struct cli_opt opts[] = {
		{ "plan", 0, NULL, "list the steps it would run; change nothing" },
		opt_dry, opt_json, opt_ro, opt_log,
	};
	struct act_args a = { 0 };
	int rc = act_parse(&a, argc, argv, opts, 5, 1, "maintenance [--plan | --dry-run] [--json] [CONNINFO]",
			   "The console's maintenance: ANALYZE hypertables with stale statistics, refresh lagging\n"
			   "continuous aggregates over their policy window, compress compression backlogs; one step\n"
			   "at a time, only objects the role owns. --plan lists the steps, --dry-run their SQL.\n"
			   "Exit 0 done (or nothing to do), 1 refused or a step failed, 2 bad usage, 3 cannot connect.");
	if (rc >= 0)
		return rc;
	if (a.npos > 0)
		a.o.conninfo = a.pos[0];
	struct act_run x = { .a = &a, .unit = "steps" };
	if ((rc = act_open(&x)) >= 0)
		goto out;
	struct action_request req = { .kind = ACT_MAINTENANCE };
	rc = prepare_and_drive(&x, &req);
out:
	act_close(&x);
	return rc;
}
