/* prom — a snapshot in the Prometheus text exposition format (0.0.4), for
 * the exporter (/metrics, /probe) and `metrics --format prometheus`.
 * Pure: no libpq, no curses, no I/O, no clock (the caller gives now).
 *
 * One server renders into a struct prom_text: its sample lines grouped by
 * family (off[] marks each family's slice). prom_merge writes the
 * exposition of one or more servers: every family once, HELP and TYPE
 * first, then each server's samples of it, so several servers' texts
 * rendered at different times make one valid exposition. The scrape age
 * is computed at merge time from the text's polled_at.
 *
 * Label values are escaped as the format requires (\\ \" \n); other
 * control bytes become '?' and bytes that are not UTF-8 become U+FFFD, so
 * any database name is a label value Prometheus accepts. Unknown values
 * (NAN, -1 counts) are left out, never printed as 0. */
#ifndef TSDBTOP_PROM_H
#define TSDBTOP_PROM_H

#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/snapshot.h"

/* Families in output order (server-level first, per-object after). */
enum prom_family {
	PROM_UP,
	PROM_SCRAPE_AGE,
	PROM_POLL_DURATION,
	PROM_POLLS,
	PROM_POLLS_SKIPPED,
	PROM_HEALTH,
	PROM_SCHEDULER_RUNNING,
	PROM_CACHE_HIT_RATIO,
	PROM_DB_BYTES,
	PROM_HT_CHUNKS,
	PROM_HT_COMPRESSED,
	PROM_HT_BYTES,
	PROM_BACKLOG,
	PROM_RET_DROP,
	PROM_CAGG_LAG,
	PROM_CAGG_PROMISED,
	PROM_JOB_FAILURES,
	PROM_JOB_LAST_SUCCESS,
	PROM_JOB_RUNNING,
	PROM_SERIES_DROPPED,
	PROM_FAMILIES
};

struct prom_family_info {
	const char *name, *type, *help;
	bool per_object;              /* counted against the series budget */
};

const struct prom_family_info *prom_family(enum prom_family f);

/* A growing text buffer; oom set (and text cut) when memory ran out. */
struct prom_buf {
	char *p;
	size_t len, cap;
	bool oom;
};

void prom_buf_put(struct prom_buf *b, const char *s, size_t n);
void prom_buf_free(struct prom_buf *b);

/* What a render needs besides the snapshot. */
struct prom_server {
	const char *name;             /* the server label */
	bool up;                      /* connected and polled: the samples of s are current */
	double polled_at;             /* epoch s of the last completed poll, NAN never */
	double poll_s;                /* its duration, NAN unknown */
	unsigned long polls;          /* completed polls since start */
	unsigned long skipped;        /* ticks that found the last poll still running */
	int max_series;               /* per-object series at most; <= 0 no limit */
};

#define PROM_LABEL_MAX 512            /* one escaped label value, at most */

struct prom_text {
	struct prom_buf b;
	size_t off[PROM_FAMILIES + 1];  /* family f: b.p[off[f] .. off[f + 1]) */
	char server[PROM_LABEL_MAX];    /* the escaped server label */
	double polled_at;               /* scrape age = now - polled_at (NAN: none) */
	int series;                     /* per-object series written */
	int dropped;                    /* per-object series left out (budget) */
};

/* Render one server into t (emptied first). s may be NULL (never polled);
 * when srv->up is false only the server-level families are written (up 0,
 * polls, the scrape age of the last poll). Returns 0, -1 out of memory. */
int prom_render(struct prom_text *t, const struct snapshot *s, const struct prom_server *srv);
void prom_text_free(struct prom_text *t);

/* The exposition of n texts into out (appended). Returns 0, -1 oom. */
int prom_merge(struct prom_buf *out, const struct prom_text *const *t, int n, double now);

/* src as a label value's inside (without the quotes) into dst (NUL
 * terminated, never cut inside an escape or a character). Returns the
 * length written. */
size_t prom_escape(char *dst, size_t n, const char *src);

#endif
