/* jobinfo — why a job failed and whether the scheduler can run the jobs at
 * all: the failure kinds, the worker arithmetic and their words. Pure (no
 * libpq, no curses): the console, --once, check and health share it. */
#ifndef TSDBTOP_JOBINFO_H
#define TSDBTOP_JOBINFO_H

#include <stddef.h>

#include "tsdbtop/snapshot.h"

/* The kind of a failed run from what TimescaleDB recorded: its SQLSTATE and
 * message (job_errors' err_message), how long it ran and the job's
 * max_runtime (0 or NAN: none). A crash has no end ("job crash detected");
 * a worker the scheduler could not start is "failed to start job"; a
 * cancel at max_runtime is a timeout, any other cancel (57014) a cancel. */
enum job_fail_kind job_fail_classify(const char *sqlstate, const char *message,
                                     double duration_s, double max_runtime_s);

/* "error", "failed to start", "crashed", "timed out", "cancelled" ("" none). */
const char *job_fail_kind_words(enum job_fail_kind k);
/* At most 9 columns, for a Status column: "no worker" for failed to start. */
const char *job_fail_kind_short(enum job_fail_kind k);
/* The JSON spelling: "error", "failed_to_start", "crashed", "timed_out",
 * "cancelled"; NULL for none. */
const char *job_fail_kind_key(enum job_fail_kind k);

/* One line on why the job's last run failed, raw (sanitise before drawing):
 * "error 22023: boom", "failed to start: no background worker free
 * (max_worker_processes)", "crashed: see the server log", "cancelled 57014:
 * canceling statement...", "the error is not visible to role R ...". Empty
 * when the job did not fail. */
char *job_error_words(char *buf, size_t n, const struct job_row *j, const char *role);

/* Judge the scheduler's worker budget: fills capacity, needed,
 * short_budget and why from the settings; waiting = scheduled jobs past
 * their start by more than grace_s that no worker runs. */
void sched_capacity(struct scheduler_info *sc, const struct snapshot *s, double now,
                    double grace_s);

/* What to say about the history of runs on this server: NULL when every run
 * is recorded, else why only failures are (or nothing is). */
const char *sched_history_note(const struct scheduler_info *sc);

#endif
