/* trend — ring buffers of recent figures and sparklines (pure). */
#include "tsdbtop/trend.h"

#include "tsdbtop/snapshot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void trends_init(struct trends *t)
{
	memset(t, 0, sizeof *t);
}

static double mean2(double a, double b)
{
	if (isnan(a))
		return b;
	if (isnan(b))
		return a;
	return (a + b) / 2;
}

/* The session series: accumulate `stride` polls into one point; when
 * full, merge pairs and double the stride. */
static void session_put(struct series *s, double v)
{
	int stride = s->stride > 0 ? s->stride : 1;
	s->acc_n++;
	if (!isnan(v)) {
		s->acc_sum += v;
		s->acc_cnt++;
	}
	if (s->acc_n < stride)
		return;
	s->sv[s->sn++] = s->acc_cnt ? s->acc_sum / s->acc_cnt : NAN;
	s->acc_n = s->acc_cnt = 0;
	s->acc_sum = 0;
	if (s->sn == TREND_SESSION) {
		for (int i = 0; i < TREND_SESSION / 2; i++)
			s->sv[i] = mean2(s->sv[(size_t)2 * i], s->sv[(size_t)2 * i + 1]);
		s->sn = TREND_SESSION / 2;
		s->stride = stride * 2;
	}
}

static void put(struct series *s, double v)
{
	s->v[s->head] = v;
	s->head = (s->head + 1) % TREND_POINTS;
	if (s->n < TREND_POINTS)
		s->n++;
	session_put(s, v);
}

void trends_tick(struct trends *t)
{
	t->tick++;
}

static struct series *find(struct trends *t, const char *key)
{
	for (int i = 0; i < t->count; i++)
		if (strcmp(t->s[i].key, key) == 0)
			return &t->s[i];
	return NULL;
}

void trends_push(struct trends *t, const char *key, double value)
{
	struct series *s = find(t, key);
	if (!s) {
		if (t->count == TREND_SERIES)
			return;                 /* full: new figures are not tracked */
		s = &t->s[t->count++];
		memset(s, 0, sizeof *s);
		snprintf(s->key, sizeof s->key, "%s", key);
	} else if (s->last_tick == t->tick && s->n > 0) {
		s->v[(s->head + TREND_POINTS - 1) % TREND_POINTS] = value;  /* same poll: replace */
		return;
	} else {
		/* polls in which the figure was missing are gaps */
		unsigned long missed = t->tick - s->last_tick - 1;
		for (unsigned long i = 0; i < missed && i < TREND_POINTS; i++)
			put(s, NAN);
	}
	put(s, value);
	s->last_tick = t->tick;
}

const struct series *trends_get(const struct trends *t, const char *key)
{
	return find((struct trends *)t, key);
}

int series_tail(const struct series *s, double *out, int count)
{
	if (!s || count <= 0)
		return 0;
	int n = s->n < count ? s->n : count;
	int start = (s->head - n + TREND_POINTS) % TREND_POINTS;
	for (int i = 0; i < n; i++)
		out[i] = s->v[(start + i) % TREND_POINTS];
	return n;
}

int series_session(const struct series *s, double *out, int count, int *stride)
{
	if (stride)
		*stride = s && s->stride > 0 ? s->stride : 1;
	if (!s || count <= 0)
		return 0;
	int n = s->sn < count ? s->sn : count;
	memcpy(out, s->sv + (s->sn - n), (size_t)n * sizeof *out);
	return n;
}

static const char *const blocks[8] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};
static const char ascii[] = "._-~=+*#";

static void range(const double *v, int count, double *lo, double *hi)
{
	if (*lo < *hi)
		return;
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int i = 0; i < count; i++)
		if (!isnan(v[i])) {
			if (v[i] < *lo) *lo = v[i];
			if (v[i] > *hi) *hi = v[i];
		}
}

/* 0..levels-1 for v within lo..hi (a flat series sits in the middle). */
static int level(double v, double lo, double hi, int levels)
{
	if (!(hi > lo))
		return levels / 2;
	double f = (v - lo) / (hi - lo);
	if (f < 0) f = 0;
	if (f > 1) f = 1;
	int l = (int)lround(f * (levels - 1));
	return l < 0 ? 0 : (l >= levels ? levels - 1 : l);
}

static size_t append(char *buf, size_t n, size_t used, const char *s)
{
	size_t len = strlen(s);
	if (used + len + 1 > n)
		return used;
	memcpy(buf + used, s, len);
	buf[used + len] = '\0';
	return used + len;
}

char *spark_render(char *buf, size_t n, const double *vals, int count, int width,
		   double lo, double hi, bool utf8)
{
	return spark_chart_line(buf, n, vals, count, width, 1, 0, lo, hi, utf8);
}

char *spark_chart_line(char *buf, size_t n, const double *vals, int count, int width,
		       int rows, int r, double lo, double hi, bool utf8)
{
	if (!n)
		return buf;
	buf[0] = '\0';
	if (width <= 0 || rows <= 0 || r < 0 || r >= rows)
		return buf;
	const double *v = count > width ? vals + (count - width) : vals;
	int m = count > width ? width : (count < 0 ? 0 : count);
	range(v, m, &lo, &hi);
	size_t used = 0;
	for (int i = 0; i < width - m; i++)
		used = append(buf, n, used, " ");
	const int per = 8;
	for (int i = 0; i < m; i++) {
		if (isnan(v[i])) {
			used = append(buf, n, used, " ");
			continue;
		}
		/* the whole chart has rows*per levels; this row shows its slice */
		int total = level(v[i], lo, hi, rows * per) + 1;   /* 1..rows*per */
		int here = total - (rows - 1 - r) * per;           /* levels in this row */
		if (here > per)
			here = per;
		if (here <= 0) {
			used = append(buf, n, used, " ");
		} else if (utf8) {
			used = append(buf, n, used, blocks[here - 1]);
		} else {
			char one[2] = { ascii[here - 1], 0 };
			used = append(buf, n, used, one);
		}
	}
	return buf;
}

char *trend_key(char *buf, size_t n, const char *what, const char *schema, const char *name)
{
	snprintf(buf, n, "%s:%s.%s", what, schema, name);
	return buf;
}

void trends_record(struct trends *t, const struct snapshot *s)
{
	char k[TREND_KEY];
	trends_tick(t);
	trends_push(t, "poll.ms", s->poll_ms);
	trends_push(t, "cache.ratio", s->cache.ratio_now);
	for (int i = 0; i < s->comps.n; i++)
		trends_push(t, trend_key(k, sizeof k, "backlog", s->comps.v[i].schema, s->comps.v[i].name),
			    s->comps.v[i].backlog < 0 ? NAN : s->comps.v[i].backlog);
	for (int i = 0; i < s->rets.n; i++)
		trends_push(t, trend_key(k, sizeof k, "retention", s->rets.v[i].schema, s->rets.v[i].name),
			    s->rets.v[i].drop_count < 0 ? NAN : s->rets.v[i].drop_count);
	for (int i = 0; i < s->caggs.n; i++)
		trends_push(t, trend_key(k, sizeof k, "cagg.lag", s->caggs.v[i].schema, s->caggs.v[i].name),
			    s->caggs.v[i].lag_s);
	for (int i = 0; i < s->caches.n; i++)
		trends_push(t, trend_key(k, sizeof k, "cache", s->caches.v[i].schema, s->caches.v[i].name),
			    s->caches.v[i].ratio);
}
