/* jobview — the text of the jobs list and of one job's detail view (its
 * last error whole, whether it runs now, its recent runs) in the console.
 * Pure: lines of sanitised text, no curses, no libpq (unit-tested). */
#ifndef TSDBTOP_JOBVIEW_H
#define TSDBTOP_JOBVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/pane.h"
#include "tsdbtop/snapshot.h"
#include "tsdbtop/theme.h"

#define JOBVIEW_MAX_LINES 64

struct jobview {
	int n;
	char line[JOBVIEW_MAX_LINES][PANE_LINE_MAX];
	enum theme_role role[JOBVIEW_MAX_LINES];
};

/* One line of the jobs list for job j, fitted to width columns:
 * id, proc, state (active / PAUSED / running 3m), next start, last run and
 * why it failed. */
enum theme_role jobview_list_line(char *buf, size_t n, const struct job_row *j, double now,
                                  int width, bool utf8);

/* The detail of job id as lines of at most width columns (the last error
 * wrapped over up to 8 lines, then cut with an ellipsis); a note when the
 * server records failures only or has no history. */
void jobview_detail(struct jobview *v, const struct snapshot *s, int id, double now, int width,
                    bool utf8);

#endif
