/* jobinfo — failure kinds, the scheduler's worker arithmetic, their words. */
#include "tsdbtop/jobinfo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"

enum job_fail_kind job_fail_classify(const char *sqlstate, const char *message,
                                     double duration_s, double max_runtime_s)
{
	const char *m = message ? message : "";
	const char *st = sqlstate ? sqlstate : "";
	if (strncmp(m, "job crash detected", 18) == 0)
		return JOBFAIL_CRASH;
	if (strncmp(m, "failed to start job", 19) == 0)
		return JOBFAIL_START;
	/* at max_runtime the scheduler stops the worker: TimescaleDB records
	 * either the cancel (57014) or its own "failed to execute job" */
	bool at_limit = !isnan(max_runtime_s) && max_runtime_s > 0 && !isnan(duration_s) &&
	                duration_s >= max_runtime_s - 1.0;
	if (strncmp(m, "failed to execute job", 21) == 0 && at_limit)
		return JOBFAIL_TIMEOUT;
	if (strcmp(st, "57014") == 0) {
		/* the scheduler cancels a job at max_runtime with pg_cancel_backend:
		 * a cancel that came at (or within a second of) the limit is the timeout */
		if (at_limit)
			return JOBFAIL_TIMEOUT;
		return JOBFAIL_CANCEL;
	}
	return JOBFAIL_ERROR;
}

const char *job_fail_kind_words(enum job_fail_kind k)
{
	switch (k) {
	case JOBFAIL_ERROR: return "error";
	case JOBFAIL_START: return "failed to start";
	case JOBFAIL_CRASH: return "crashed";
	case JOBFAIL_TIMEOUT: return "timed out";
	case JOBFAIL_CANCEL: return "cancelled";
	default: return "";
	}
}

const char *job_fail_kind_short(enum job_fail_kind k)
{
	return k == JOBFAIL_START ? "no worker" : job_fail_kind_words(k);
}

const char *job_fail_kind_key(enum job_fail_kind k)
{
	switch (k) {
	case JOBFAIL_ERROR: return "error";
	case JOBFAIL_START: return "failed_to_start";
	case JOBFAIL_CRASH: return "crashed";
	case JOBFAIL_TIMEOUT: return "timed_out";
	case JOBFAIL_CANCEL: return "cancelled";
	default: return NULL;
	}
}

static char *hidden_words(char *buf, size_t n, const struct job_row *j, const char *role)
{
	snprintf(buf, n, "last run failed; its error is not visible to role %s (job owner %s:"
	         " membership in that role or the database owner shows it)",
	         role && role[0] ? role : "(this role)", j->owner[0] ? j->owner : "unknown");
	return buf;
}

char *job_error_words(char *buf, size_t n, const struct job_row *j, const char *role)
{
	const struct job_error *e = &j->last_error;
	const char *msg = e->message ? e->message : "";
	char d[32];
	if (!n)
		return buf;
	buf[0] = '\0';
	if (!j->failed)
		return buf;
	if (!j->has_error) {
		if (!j->errors_visible)
			return hidden_words(buf, n, j, role);
		if (j->consecutive_crashes > 0)
			snprintf(buf, n, "interrupted: the last run never recorded an end (a server restart"
			         " or a crash; see the server log)");
		else
			snprintf(buf, n, "last run failed; no error recorded");
		return buf;
	}
	switch (e->kind) {
	case JOBFAIL_START:
		snprintf(buf, n, "failed to start: no background worker was free"
		         " (max_worker_processes, timescaledb.max_background_workers)");
		break;
	case JOBFAIL_CRASH:
		snprintf(buf, n, "interrupted: the last run never recorded an end (a server restart"
		         " or a crash; see the server log)");
		break;
	case JOBFAIL_TIMEOUT:
		snprintf(buf, n, "timed out: cancelled at max_runtime %s", fmt_duration(d, sizeof d, j->max_runtime_s));
		break;
	default:
		if (!msg[0] && strcmp(j->proc, "policy_telemetry") == 0)
			snprintf(buf, n, "%s%s%s: no message; telemetry could not reach its server (no network?):"
			         " timescaledb.telemetry_level = off stops it", job_fail_kind_words(e->kind),
			         e->sqlstate[0] ? " " : "", e->sqlstate);
		else if (!msg[0])
			snprintf(buf, n, "%s%s%s: no message recorded (see the server log)",
			         job_fail_kind_words(e->kind), e->sqlstate[0] ? " " : "", e->sqlstate);
		else
			snprintf(buf, n, "%s%s%s: %s", job_fail_kind_words(e->kind), e->sqlstate[0] ? " " : "",
			         e->sqlstate, msg);
	}
	return buf;
}

static int at_least(int v, int floor)
{
	return v > floor ? v : floor;
}

void sched_capacity(struct scheduler_info *sc, const struct snapshot *s, double now,
                    double grace_s)
{
	sc->capacity = -1;
	sc->needed = -1;
	sc->short_budget = false;
	sc->waiting = 0;
	sc->why[0] = '\0';
	for (int i = 0; s && i < s->jobs.n; i++) {
		const struct job_row *j = &s->jobs.v[i];
		if (sc->running && j->scheduled && !j->running && !isnan(j->next_start) &&
		    j->next_start < now - grace_s)
			sc->waiting++;
	}
	if (!sc->known || sc->max_worker_processes <= 0 || sc->workers_max <= 0)
		return;
	int own = at_least(sc->launchers, 1) + at_least(sc->schedulers, 1);
	int others = at_least(sc->other_workers, 0);
	int par = sc->max_parallel_workers < 0 ? 0 : sc->max_parallel_workers;
	if (par > sc->max_worker_processes)
		par = sc->max_worker_processes;   /* PostgreSQL caps it so */
	sc->capacity = at_least(sc->max_worker_processes - own - others, 0);
	sc->needed = sc->workers_max + own + others + par;
	sc->short_budget = sc->max_worker_processes < sc->needed;
	if (!sc->running || !sc->short_budget)
		return;
	if (sc->capacity < sc->workers_max)
		snprintf(sc->why, sizeof sc->why, "max_worker_processes = %d leaves %d worker%s for jobs"
		         " (after %d TimescaleDB and %d other background workers), below"
		         " timescaledb.max_background_workers = %d: jobs fail to start; raise"
		         " max_worker_processes to %d (restart)", sc->max_worker_processes, sc->capacity,
		         sc->capacity == 1 ? "" : "s", own, others, sc->workers_max, sc->needed);
	else
		snprintf(sc->why, sizeof sc->why, "parallel queries can take the workers jobs need:"
		         " max_worker_processes = %d < %d jobs + %d max_parallel_workers + %d TimescaleDB"
		         " + %d other workers; raise max_worker_processes to %d (restart)",
		         sc->max_worker_processes, sc->workers_max, par, own, others, sc->needed);
}

const char *sched_history_note(const struct scheduler_info *sc)
{
	if (!sc->has_history)
		return "no run history on this server (job_history needs TimescaleDB 2.15)";
	if (sc->exec_logging == 1)
		return NULL;
	if (sc->exec_logging == 0)
		return "only failed runs are recorded (timescaledb.enable_job_execution_logging is off)";
	return "successful runs may not be recorded (timescaledb.enable_job_execution_logging unknown)";
}
