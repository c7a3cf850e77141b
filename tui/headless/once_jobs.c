/* once_jobs — the jobs pane in the JSON document: every job with why its
 * last run failed (whole message, raw: JSON escapes it), whether it runs
 * now, its recent runs; the scheduler with its worker arithmetic. */
#include "tsdbtop/once.h"

#include <math.h>
#include <string.h>

#include "tsdbtop/jobinfo.h"

#include "once_add.h"

static struct json_object *int_or_null(int v)
{
	return v >= 0 ? json_object_new_int(v) : NULL;
}

/* {time, start, finish, sqlstate, message, kind}: time is the finish, or
 * the start when the run never ended (a crash). */
static struct json_object *json_error(const struct job_row *r)
{
	const struct job_error *e = &r->last_error;
	if (!r->failed || !r->has_error)
		return NULL;
	struct json_object *o = json_object_new_object();
	add(o, "time", once_json_time(!isnan(e->finish) ? e->finish : e->start));
	add(o, "start", once_json_time(e->start));
	add(o, "finish", once_json_time(e->finish));
	add_sn(o, "sqlstate", e->sqlstate);
	add(o, "message", e->message ? json_object_new_string(e->message) : NULL);
	add_sn(o, "kind", job_fail_kind_key(e->kind));
	return o;
}

static struct json_object *json_running(const struct job_row *r, double now)
{
	if (!r->running)
		return NULL;
	struct json_object *o = json_object_new_object();
	add(o, "since", isnan(r->running_s) ? NULL : once_json_time(now - r->running_s));
	add(o, "duration_s", once_json_num(r->running_s));
	add(o, "max_runtime_s", r->max_runtime_s > 0 ? once_json_num(r->max_runtime_s) : NULL);
	add(o, "mean_s", once_json_num(r->mean_s));
	add_b(o, "long", r->running_long);
	return o;
}

static struct json_object *json_history(const struct snapshot *s, int job_id)
{
	if (s->history_meta.status != PANE_OK && s->history_meta.status != PANE_ERROR)
		return NULL;
	struct json_object *a = json_object_new_array();
	for (int i = 0; i < s->job_runs.n; i++) {
		const struct job_run *h = &s->job_runs.v[i];
		if (h->job_id != job_id)
			continue;
		struct json_object *o = json_object_new_object();
		add(o, "start", once_json_time(h->start));
		add(o, "finish", once_json_time(h->finish));
		add(o, "duration_s", once_json_num(h->finish - h->start));
		add(o, "succeeded", h->succeeded < 0 ? NULL : json_object_new_boolean(h->succeeded));
		add_sn(o, "sqlstate", h->sqlstate);
		add_sn(o, "message", h->message);
		add_sn(o, "kind", job_fail_kind_key(h->kind));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *once_json_jobs(const struct snapshot *s)
{
	struct json_object *a = json_object_new_array();
	double now = s->polled_at;
	for (int i = 0; i < s->jobs.n; i++) {
		const struct job_row *r = &s->jobs.v[i];
		struct json_object *o = json_object_new_object();
		add_i(o, "id", r->id);
		add_s(o, "proc", r->proc);
		add_sn(o, "owner", r->owner);
		add_sn(o, "hypertable_schema", r->ht_schema);
		add_sn(o, "hypertable_name", r->ht_name);
		add(o, "schedule_s", once_json_num(r->schedule_s));
		add(o, "max_runtime_s", r->max_runtime_s > 0 ? once_json_num(r->max_runtime_s) : NULL);
		add_b(o, "scheduled", r->scheduled);
		add(o, "last_start", once_json_time(r->last_start));
		add(o, "last_finish", once_json_time(r->last_finish));
		add(o, "next_start", once_json_time(r->next_start));
		add_sn(o, "last_status", r->last_status);
		add_i(o, "consecutive_failures", r->consecutive_failures);
		add_i(o, "consecutive_crashes", r->consecutive_crashes);
		add_i(o, "total_runs", r->total_runs);
		add_i(o, "total_failures", r->total_failures);
		add(o, "mean_duration_s", once_json_num(r->mean_s));
		add_b(o, "overdue", r->overdue);
		add_b(o, "stuck", r->stuck);
		add(o, "running", json_running(r, now));
		add(o, "last_error", json_error(r));
		add_b(o, "error_hidden", r->failed && !r->has_error && !r->errors_visible);
		add(o, "history", json_history(s, r->id));
		add_health(o, r->health, r->why);
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *once_json_scheduler(const struct snapshot *s)
{
	const struct scheduler_info *c = &s->sched;
	struct json_object *sc = json_object_new_object();
	add_b(sc, "known", c->known);
	add(sc, "running", c->known ? json_object_new_boolean(c->running) : NULL);
	add_b(sc, "embedded", c->embedded);
	add_i(sc, "workers_in_use", c->workers_in_use);
	add(sc, "workers_max", int_or_null(c->workers_max));
	struct json_object *cap = json_object_new_object();
	add(cap, "max_worker_processes", int_or_null(c->max_worker_processes));
	add(cap, "max_parallel_workers", int_or_null(c->max_parallel_workers));
	add_i(cap, "timescaledb_workers", c->launchers + c->schedulers);
	add_i(cap, "other_workers", c->other_workers);
	add(cap, "available_for_jobs", int_or_null(c->capacity));
	add(cap, "needed", int_or_null(c->needed));
	add_b(cap, "short", c->short_budget);
	add_i(cap, "waiting_jobs", c->waiting);
	add_sn(cap, "warning", c->why);
	add(sc, "capacity", cap);
	add(sc, "execution_logging", c->exec_logging < 0 ? NULL : json_object_new_boolean(c->exec_logging));
	return sc;
}
