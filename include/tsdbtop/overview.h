/* overview — the fleet overview's text (several servers: one row per
 * server). Pure: no curses, no libpq; the overview mode in
 * tui/ui/ui_overview.c draws what these return, in the roles they return.
 * Every text is sanitised and fitted here (server names, versions and
 * messages come from the command line, the configuration or the server). */
#ifndef TSDBTOP_OVERVIEW_H
#define TSDBTOP_OVERVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/pane.h"
#include "tsdbtop/snapshot.h"
#include "tsdbtop/theme.h"

struct app_view;

enum ov_col {
	OV_NAME, OV_STATE, OV_PG, OV_TS, OV_OK, OV_WARN, OV_CRIT, OV_PROBLEM, OV_AGE, OV_POLL, OV_SCHED,
	OV_NCOLS
};

struct overview_column {
	const char *name;       /* header text */
	int width;              /* columns (a flex column's minimum) */
	enum col_align align;
	bool flex;              /* takes slack: the name, the problem */
};

extern const struct overview_column overview_columns[OV_NCOLS];

/* Widths of the columns for a table `width` columns wide (one space
 * between columns): the fixed ones as declared, the slack to the flex
 * ones (half to the name, at most 20, the rest to the problem). */
void overview_fit(int width, int *w);

/* How bad a server is, for the worst-first order: */
enum ov_level {
	OVL_OK,                 /* connected, nothing worse than ok */
	OVL_CONNECTING,         /* the first connection is on its way */
	OVL_WARNING,
	OVL_CRITICAL,
	OVL_DOWN,               /* reconnecting, failed, or not answering */
};
enum ov_level overview_level(const struct app_view *v);

/* The worst problem of the data in words: the first row, in pane order,
 * of the worst health, as "TAB: NAME: WHY" ("Retention: metric_hist: 120
 * chunks past drop_after"); raw text (sanitise). Returns its health, HEALTH_OK (and
 * "") when every row is ok. */
enum health overview_worst(const struct snapshot *s, char *buf, size_t n);

/* The state in words: "connected", "connecting", "reconnecting since
 * 17:02", "failed: why", "no answer for 12 s"; raw (sanitise). */
enum theme_role overview_state(const struct app_view *v, char *buf, size_t n);

/* Cell col of server v's row: sanitised, fitted to width; its role. */
enum theme_role overview_cell(const struct app_view *v, int col, double now, bool utf8, int width,
			      char *buf, size_t n);

/* The rows' order: as given, or worst first (ties as given). */
void overview_order(const struct app_view *const *v, int n, bool worst_first, int *order);

/* The kiosk's fleet banner in words: "✖ 2 CRITICAL: plant1, plant3 ·
 * UNREACHABLE: plant4", "▲ 1 WARNING: plant2", "✓ ALL 3 OK";
 * sanitised. Returns the role of the worst. */
enum theme_role overview_banner(const struct app_view *const *v, int nv, bool utf8, char *buf, size_t n);

#endif
