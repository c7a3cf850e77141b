/* pane — the five panes as const vtables (htop style). A pane class says
 * which rows it has, its columns (name, width, alignment, sort key) and
 * the text of each cell; the generic table renderer in tui/ui/ui_table.c draws
 * them. Everything here is pure: no curses, no libpq, so cell text can be
 * unit-tested. Cell functions return the colour ROLE of the cell (only
 * semantic roles, never colour numbers). */
#ifndef TSDBTOP_PANE_H
#define TSDBTOP_PANE_H

#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/layout.h"
#include "tsdbtop/snapshot.h"
#include "tsdbtop/theme.h"

struct app;

/* What the cell functions may look at. */
struct pane_ctx {
	const struct snapshot *s;
	double now;             /* epoch s */
	double interval;        /* poll interval, s */
	bool utf8;              /* symbols and ellipsis may be non-ASCII */
	bool show_schema;       /* user tables live in more than one schema */
};

enum col_align { ALIGN_LEFT, ALIGN_RIGHT };

struct pane_column {
	const char *name;       /* header text */
	int width;              /* columns (the flex column's minimum) */
	enum col_align align;
	bool flex;              /* takes the slack (the name column) */
	/* sort key: <0, 0, >0 comparing two rows (row pointers); NULL = not sortable */
	int (*cmp)(const void *ra, const void *rb);
};

#define PANE_LINE_MAX 256
#define PANE_MAX_COLS 16

struct pane_class {
	enum pane_id id;
	const char *title;      /* "Chunks" */
	const char *tab;        /* short tab name */
	const struct pane_column *cols;
	int ncols;
	int default_sort;       /* column index */
	bool default_desc;
	const struct pane_meta *(*meta)(const struct snapshot *s);
	int (*rows)(const struct snapshot *s);
	const void *(*row)(const struct snapshot *s, int i);
	const char *(*row_name)(const void *row);   /* what the filter matches */
	enum health (*row_health)(const void *row);
	/* Optional: why the row has its health ("" when nothing to say); the
	 * focused pane shows the selected row's reason on its bottom border. */
	const char *(*row_why)(const void *row);
	/* Text of cell col of row into buf (n bytes), already sanitised and
	 * fitted to `width` columns; returns the role to draw it in. */
	enum theme_role (*cell)(const struct pane_ctx *c, const void *row, int col,
	                        int width, char *buf, size_t n);
	/* Optional: a TOTALS row (cell text of the totals, over all rows). */
	enum theme_role (*totals)(const struct pane_ctx *c, int col, int width,
	                          char *buf, size_t n);
	/* Optional: text lines drawn above (pre) / below (post) the table.
	 * Write line i into buf, set *role; return the number of lines. */
	int (*pre)(const struct pane_ctx *c, int i, char *buf, size_t n, enum theme_role *role);
	int (*post)(const struct pane_ctx *c, int i, char *buf, size_t n, enum theme_role *role);
	/* Optional: what to say instead of the table when there are no rows
	 * (NULL: the generic "(none)" under the column headers). */
	const char *(*empty)(const struct snapshot *s);
	/* Optional: a second table below the first (compression jobs). */
	const struct pane_class *sub;
};

extern const struct pane_class pane_chunks_class;
extern const struct pane_class pane_compression_class;
extern const struct pane_class pane_compression_jobs_class;
extern const struct pane_class pane_retention_class;
extern const struct pane_class pane_caggs_class;
extern const struct pane_class pane_cache_class;

/* The five by pane_id. */
const struct pane_class *pane_class_of(enum pane_id id);

/* Shared pure helpers (tui/ui/pane_util.c). */
/* Health symbol: ✓ ▲ ✖ (utf8) or ' ' '!' 'X'; "?" for unknown. */
const char *pane_health_symbol(enum health h, bool utf8);
enum theme_role pane_health_role(enum health h);
/* Sanitise + fit a database string; returns role. */
enum theme_role pane_text(char *buf, size_t n, const char *src, int width, bool utf8,
                          enum theme_role role);
/* "schema.name" shortened to "name" when schema is public or "". */
void pane_qualname(char *buf, size_t n, const char *schema, const char *name);
/* As pane_qualname, and without the schema when !c->show_schema. */
void pane_name(const struct pane_ctx *c, char *buf, size_t n, const char *schema, const char *name);
/* A name cell: pane_name fitted to width; a qualified name too wide keeps
 * its table name ("…telemetry.metric_hist"), a bare one is cut at the end. */
enum theme_role pane_name_cell(const struct pane_ctx *c, char *buf, size_t n, const char *schema,
                               const char *name, int width, enum theme_role role);
/* True when the snapshot's user hypertables (not cagg materialisations)
 * live in more than one schema: names then need their schema. */
bool pane_multi_schema(const struct snapshot *s);
/* "12s ago", "3m ago", "-" for NAN; "in 5m" for future times. */
char *pane_ago(char *buf, size_t n, double when, double now);
/* Time range "2026-11-20 10:00 – 2026-11-24 10:00" compact: short when
 * both in the same year ("11-20 10:00..11-24 10:00"). */
char *pane_range(char *buf, size_t n, double from, double to, bool utf8);
/* Data age suffix for a pane title: "live" within about two intervals,
 * else "2m00s old" with *stale set (also after a failed query). Empty when
 * never updated. */
char *pane_age_suffix(char *buf, size_t n, const struct pane_meta *m, double now,
                      double interval, bool *stale);
/* fmt_duration without a zero second unit: "1d", "2h", "3d04h". */
char *pane_dur(char *buf, size_t n, double seconds);
/* Ratio before/after as "12.3x"; "-" when unknown. */
char *pane_ratio(char *buf, size_t n, double before, double after);
/* Case-insensitive substring test (the filter). Empty needle matches. */
bool pane_match(const char *hay, const char *needle);
/* Compare helpers for sort keys. */
int pane_cmp_double(double a, double b);   /* NAN sorts first */
int pane_cmp_int(long long a, long long b);
int pane_cmp_health(enum health a, enum health b); /* ok < warning < critical */

#endif
