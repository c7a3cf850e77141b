/* check — `tsdbtop check`: Nagios/Icinga plugin logic. Pure: from a
 * snapshot and thresholds to statuses, one status line and perfdata. No
 * libpq, no curses; the runner lives in tui/app/manage.c. */
#ifndef TSDBTOP_CHECK_H
#define TSDBTOP_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/snapshot.h"
#include "tsdbtop/thresholds.h"

enum check_id {
	CK_JOBS,        /* failing or paused jobs */
	CK_SCHEDULER,   /* background scheduler not running while jobs are scheduled */
	CK_BACKLOG,     /* compression backlog (chunks per hypertable) */
	CK_RETENTION,   /* chunks past drop_after (per policy) */
	CK_CAGG,        /* continuous aggregate lag vs promised lag */
	CK_CACHE,       /* database buffer cache hit ratio */
	CK_UPDATE,      /* extension update pending */
	CK_COUNT
};

struct check_result {
	bool ran;
	enum health status;       /* OK, WARNING, CRITICAL, UNKNOWN = exit codes 0..3 */
	char message[256];        /* raw text: sanitised when formatted */
	char perfdata[256];       /* "label=value;warn;crit;min;max ..." */
};

struct check_report {
	struct check_result r[CK_COUNT];
	enum health overall;
};

const char *check_name(int id);
/* "jobs", "scheduler", "backlog", "retention", "cagg", "cache", "update" -> id; -1 unknown. */
int check_parse_name(const char *name);

/* Apply "--warn NAME=VALUE" / "--crit NAME=VALUE". NAME: backlog, retention
 * (chunks), lag (factor of the promised lag), cache (ratio 0..1 or "95%"),
 * failures (consecutive job failures). Returns 0 or -1 with err filled. */
int check_set_threshold(struct thresholds *t, const char *spec, bool crit, char *err, size_t n);
/* Warning must come before critical; -1 with err filled otherwise. */
int check_validate_thresholds(const struct thresholds *t, char *err, size_t n);

/* Reclassify s with t at now, then run every check (only < 0) or one. */
void check_eval(struct snapshot *s, const struct thresholds *t, double now, int only,
		struct check_report *out);
/* Worst first: CRITICAL > WARNING > UNKNOWN > OK. */
enum health check_worse(enum health a, enum health b);
/* The plugin output: "TSDBTOP STATUS - summary | perfdata" then one line per
 * check that ran. Returns the length written (truncated to n - 1). */
size_t check_format(const struct check_report *r, char *buf, size_t n);

#endif
