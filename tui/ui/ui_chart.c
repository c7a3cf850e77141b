/* ui_chart — trends on screen: which series a row has (the Trend column of
 * wide tables), and the chart of the selected row's figure over the
 * session in the zoomed pane. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/trend.h"
#include "ui_int.h"

/* The trend series of a row of panes 2-5 (see trends_record), or NULL. */
const char *ui_row_trend_key(const struct pane_class *cls, const void *r, char *buf, size_t n)
{
	if (!r || cls != pane_class_of(cls->id))
		return NULL;
	switch (cls->id) {
	case PANE_COMPRESSION: {
		const struct comp_row *x = r;
		return trend_key(buf, n, "backlog", x->schema, x->name);
	}
	case PANE_RETENTION: {
		const struct ret_row *x = r;
		return trend_key(buf, n, "retention", x->schema, x->name);
	}
	case PANE_CAGGS: {
		const struct cagg_row *x = r;
		return trend_key(buf, n, "cagg.lag", x->schema, x->name);
	}
	case PANE_CACHE: {
		const struct cache_row *x = r;
		return trend_key(buf, n, "cache", x->schema, x->name);
	}
	default:
		return NULL;
	}
}

bool ui_has_trend(const struct ui *u, const struct pane_class *cls)
{
	return u->v->trends && cls == pane_class_of(cls->id) && cls->id != PANE_CHUNKS;
}

/* A figure of series key as people read it. */
static char *trend_value(char *buf, size_t n, const char *key, double v)
{
	if (isnan(v))
		snprintf(buf, n, "-");
	else if (strncmp(key, "cagg.lag", 8) == 0)
		pane_dur(buf, n, v);
	else if (strncmp(key, "cache", 5) == 0)
		snprintf(buf, n, "%.1f%%", v * 100);
	else
		snprintf(buf, n, "%.0f", v);
	return buf;
}

/* The whole session of series key, averaged into width points when
 * longer: into v; returns the points, *polls the polls they cover. */
static int chart_points(const struct ui *u, const char *key, double *v, int width, int *polls)
{
	double all[TREND_SESSION];
	int stride;
	int na = series_session(trends_get(u->v->trends, key), all, TREND_SESSION, &stride);
	int m = na <= width ? na : width;
	for (int j = 0; j < m; j++) {
		int from = na <= width ? j : j * na / width, to = na <= width ? j + 1 : (j + 1) * na / width;
		double sum = 0;
		int cnt = 0;
		for (int i = from; i < to; i++)
			if (!isnan(all[i])) {
				sum += all[i];
				cnt++;
			}
		v[j] = cnt ? sum / cnt : NAN;
	}
	*polls = na * stride;
	return m;
}

/* The selected row's figure over the recent polls, h lines at y. */
void ui_draw_chart(struct ui *u, WINDOW *w, int y, int x0, int iw, int h, const struct pane_class *cls,
		   const struct pane_state *ps)
{
	char key[TREND_KEY], line[PANE_LINE_MAX * 4], t[PANE_LINE_MAX], a1[32], a2[32];
	const void *r = ps->nvis > 0 && ps->sel >= 0 && ps->sel < ps->nvis ? ps->order[ps->sel] : NULL;
	if (h < 3 || iw < 30 || !ui_row_trend_key(cls, r, key, sizeof key))
		return;
	double v[TREND_SESSION];
	int lw = 10, width = iw - lw - 1, polls;
	if (width > TREND_SESSION)
		width = TREND_SESSION;
	int m = chart_points(u, key, v, width, &polls);
	double lo = INFINITY, hi = -INFINITY;
	for (int i = 0; i < m; i++)
		if (!isnan(v[i])) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
	const char *colon = strchr(key, ':');
	if (!isfinite(lo)) {
		snprintf(t, sizeof t, "Trend of %s: no history yet", colon ? colon + 1 : key);
		ui_put(u, w, y, x0, iw, ROLE_DIM, t);
		return;
	}
	snprintf(t, sizeof t, "Trend of %s (%.*s) over the session, %d polls: %s .. %s", colon ? colon + 1 : key,
	         colon ? (int)(colon - key) : 0, key, polls, trend_value(a1, sizeof a1, key, lo),
	         trend_value(a2, sizeof a2, key, hi));
	ui_put(u, w, y, x0, iw, ROLE_TITLE, t);
	int rows = h - 1;
	for (int i = 0; i < rows; i++) {
		spark_chart_line(line, sizeof line, v, m, width, rows, i, lo, hi, u->utf8);
		ui_put(u, w, y + 1 + i, x0, lw, ROLE_DIM, i == 0 ? a2 : i == rows - 1 ? a1 : "");
		ui_put(u, w, y + 1 + i, x0 + lw + 1, width, ROLE_ACCENT, line);
	}
}
