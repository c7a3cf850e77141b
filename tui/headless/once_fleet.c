/* once_fleet — --once / --once --json with several servers: every server
 * polled at the same time (one thread each, its own loop and engine: a
 * server down or frozen costs its own connect deadline, not the others'),
 * then one document with a servers[] array, or each server's text block
 * under a header line. */
#include "tsdbtop/once.h"

#include <json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/config.h"
#include "tsdbtop/fleet.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/version.h"

struct once_job {
	const struct fleet_target *t;
	struct thresholds th;
	struct snapshot snap;
	int rc;
	char err[512];
	pthread_t tid;
	bool started;
};

static void *job_run(void *p)
{
	struct once_job *j = p;
	j->rc = headless_snapshot(&j->t->opt, &j->snap, &j->th, j->err, sizeof j->err);
	return NULL;
}

static void jobs_run(struct once_job *jobs, int n)
{
	for (int i = 0; i < n; i++)
		jobs[i].started = pthread_create(&jobs[i].tid, NULL, job_run, &jobs[i]) == 0;
	for (int i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].tid, NULL);
		else
			job_run(&jobs[i]);     /* no thread: in turn */
	}
}

/* One entry of servers[]: name, connected, error, and what --once --json
 * prints for one server (server, compat, health, panes). */
static struct json_object *json_entry(const struct once_job *j, int pane, double now)
{
	struct json_object *e = json_object_new_object();
	json_object_object_add(e, "name", json_object_new_string(j->t->name));
	json_object_object_add(e, "connected", json_object_new_boolean(j->rc == 0));
	json_object_object_add(e, "error", j->rc == 0 ? NULL : json_object_new_string(j->err));
	if (j->rc != 0)
		return e;
	struct json_object *one = once_json(&j->snap, pane, now);
	json_object_object_foreach(one, key, val) {
		if (strcmp(key, "version") != 0 && strcmp(key, "tsdbtop") != 0 && strcmp(key, "generated_at") != 0)
			json_object_object_add(e, key, json_object_get(val));
	}
	json_object_put(one);
	return e;
}

static void print_json(const struct once_job *jobs, int n, int pane, double now)
{
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array();
	json_object_object_add(root, "version", json_object_new_int(ONCE_JSON_VERSION));
	json_object_object_add(root, "tsdbtop", json_object_new_string(TSDBTOP_VERSION));
	json_object_object_add(root, "generated_at", once_json_time(now));
	for (int i = 0; i < n; i++)
		json_object_array_add(arr, json_entry(&jobs[i], pane, now));
	json_object_object_add(root, "servers", arr);
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

static void print_text(const struct once_job *jobs, int n, int pane, double now)
{
	for (int i = 0; i < n; i++) {
		char nm[CONFIG_SERVER_NAME * 2];
		sanitize_text(nm, sizeof nm, jobs[i].t->name);
		printf("%s=== server %s (%d of %d)%s ===\n", i ? "\n" : "", nm, i + 1, n,
		       jobs[i].rc == 0 ? "" : ": cannot connect");
		if (jobs[i].rc == 0)
			once_print_text(stdout, &jobs[i].snap, pane, now);
		else
			printf("tsdbtop: %s\n", jobs[i].err);   /* headless_snapshot made it one clean line */
	}
}

int once_fleet_run(const struct fleet *f, const struct options *o, int pane, double now)
{
	struct once_job *jobs = calloc((size_t)f->n, sizeof *jobs);
	if (!jobs) {
		fprintf(stderr, "tsdbtop: out of memory\n");
		return HL_EXIT_FAILED;
	}
	for (int i = 0; i < f->n; i++) {
		jobs[i].t = &f->t[i];
		thresholds_default(&jobs[i].th);
		if (o->config)
			jobs[i].th = o->config->th;
	}
	jobs_run(jobs, f->n);
	if (o->json)
		print_json(jobs, f->n, pane, now);
	else
		print_text(jobs, f->n, pane, now);
	int rc = HL_EXIT_OK;
	for (int i = 0; i < f->n; i++) {
		if (jobs[i].rc > rc)
			rc = jobs[i].rc;       /* the worst: 3 when any server could not be reached */
		char nm[CONFIG_SERVER_NAME * 2];
		sanitize_text(nm, sizeof nm, jobs[i].t->name);
		if (jobs[i].rc != 0)
			fprintf(stderr, "tsdbtop: %s: %s\n", nm, jobs[i].err);
		snapshot_free(&jobs[i].snap);
	}
	free(jobs);
	if (fflush(stdout) != 0 && rc == HL_EXIT_OK)
		rc = HL_EXIT_FAILED;
	return rc;
}
