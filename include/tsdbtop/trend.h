/* trend — recent history of key figures, and sparklines to draw them.
 * Pure: no curses, no libpq. The model keeps one series per figure (a
 * fixed ring of points), keyed by a name such as "cache.ratio" or
 * "cagg.lag:factory_telemetry.oee_hourly_aggregate". */
#ifndef TSDBTOP_TREND_H
#define TSDBTOP_TREND_H

#include <stdbool.h>
#include <stddef.h>

#define TREND_POINTS 240     /* 8 minutes at 2 s; older points drop off */
#define TREND_SERIES 256
#define TREND_KEY 160
#define TREND_SESSION 240    /* the whole session, averaged down as it grows */

struct series {
	char key[TREND_KEY];
	double v[TREND_POINTS];  /* ring; NAN = no value at that poll */
	int head;                /* next write position */
	int n;                   /* points held */
	unsigned long last_tick; /* poll number of the last push */
	/* the whole session: one point per `stride` polls (the mean of their
	 * values, NAN when all were gaps); when full, pairs are merged and
	 * the stride doubles, so memory stays fixed */
	double sv[TREND_SESSION];
	int sn, stride;
	int acc_n, acc_cnt;
	double acc_sum;
};

struct trends {
	struct series s[TREND_SERIES];
	int count;
	unsigned long tick;      /* polls seen */
};

void trends_init(struct trends *t);
/* Start a new poll: series not pushed during it get a gap (NAN). */
void trends_tick(struct trends *t);
/* Record value for key at the current poll (creates the series). */
void trends_push(struct trends *t, const char *key, double value);
const struct series *trends_get(const struct trends *t, const char *key);
/* The last `count` points, oldest first, into out; returns how many. */
int series_tail(const struct series *s, double *out, int count);
/* The whole session's points, oldest first (at most count, the newest
 * kept), into out; *stride (may be NULL) = polls per point. Returns how
 * many. */
int series_session(const struct series *s, double *out, int count, int *stride);

struct snapshot;
/* After a poll: tick, then push the key figures of every pane:
 * "poll.ms", "cache.ratio" (between polls), and per row
 * "backlog:SCHEMA.NAME", "retention:SCHEMA.NAME", "cagg.lag:SCHEMA.NAME",
 * "cache:SCHEMA.NAME". */
void trends_record(struct trends *t, const struct snapshot *s);
/* The key of a per-row figure into buf. */
char *trend_key(char *buf, size_t n, const char *what, const char *schema, const char *name);

/* One row of block characters (U+2581..U+2588) for the last `width`
 * points, scaled between their min and max (or lo/hi when lo < hi);
 * NAN points are blanks. ASCII fallback "._-~=+*#" when !utf8.
 * Returns buf. Right-aligned: fewer points than width leave spaces. */
char *spark_render(char *buf, size_t n, const double *vals, int count, int width,
		   double lo, double hi, bool utf8);

/* A chart of `rows` lines (top first) for a zoomed pane: line r into buf. */
char *spark_chart_line(char *buf, size_t n, const double *vals, int count, int width,
		       int rows, int r, double lo, double hi, bool utf8);

#endif
