/* overview — the fleet overview's rows in words (see overview.h). */
#include "tsdbtop/overview.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/app.h"
#include "tsdbtop/format.h"
#include "tsdbtop/sanitize.h"

const struct overview_column overview_columns[OV_NCOLS] = {
	[OV_NAME] = { "SERVER", 10, ALIGN_LEFT, true },
	[OV_STATE] = { "STATE", 24, ALIGN_LEFT, false },
	[OV_PG] = { "POSTGRES", 8, ALIGN_LEFT, false },
	[OV_TS] = { "TIMESCALE", 10, ALIGN_LEFT, false },
	[OV_OK] = { "OK", 4, ALIGN_RIGHT, false },
	[OV_WARN] = { "WARN", 4, ALIGN_RIGHT, false },
	[OV_CRIT] = { "CRIT", 4, ALIGN_RIGHT, false },
	[OV_PROBLEM] = { "WORST PROBLEM", 12, ALIGN_LEFT, true },
	[OV_AGE] = { "AGE", 6, ALIGN_RIGHT, false },
	[OV_POLL] = { "POLL", 7, ALIGN_RIGHT, false },
	[OV_SCHED] = { "SCHEDULER", 11, ALIGN_LEFT, false },
};

void overview_fit(int width, int *w)
{
	int used = OV_NCOLS - 1;
	for (int i = 0; i < OV_NCOLS; i++) {
		w[i] = overview_columns[i].width;
		used += w[i];
	}
	int slack = width - used;
	if (slack <= 0)
		return;
	int to_name = slack / 2;
	if (to_name > 20)
		to_name = 20;     /* names are short; the problem needs the room */
	w[OV_NAME] += to_name;
	w[OV_PROBLEM] += slack - to_name;
}

static bool is_down(const struct app_view *v)
{
	if (v->conn_state == CONN_BACKOFF || v->conn_state == CONN_FAILED)
		return true;
	if ((v->conn_state == CONN_READY || v->conn_state == CONN_BUSY) && v->stalled_for > 2)
		return true;
	return v->conn_state == CONN_CONNECTING && v->down_since > 0;
}

static bool have_data(const struct app_view *v)
{
	return v->snap->polled_at > 0 && !isnan(v->snap->polled_at);
}

enum ov_level overview_level(const struct app_view *v)
{
	if (is_down(v))
		return OVL_DOWN;
	if (!have_data(v))
		return OVL_CONNECTING;
	if (v->snap->worst[HEALTH_CRITICAL] > 0)
		return OVL_CRITICAL;
	return v->snap->worst[HEALTH_WARNING] > 0 ? OVL_WARNING : OVL_OK;
}

/* ---- the worst problem ---------------------------------------------------- */

static void problem_text(char *buf, size_t n, const struct pane_class *c, const void *r)
{
	const char *name = c->row_name ? c->row_name(r) : "";
	const char *why = c->row_why ? c->row_why(r) : "";
	snprintf(buf, n, "%s: %s%s%s", c->tab ? c->tab : c->title, name, why && *why ? ": " : "", why ? why : "");
}

enum health overview_worst(const struct snapshot *s, char *buf, size_t n)
{
	enum health worst = HEALTH_OK;
	buf[0] = '\0';
	for (int id = 0; id < PANE_COUNT; id++)
		for (const struct pane_class *c = pane_class_of((enum pane_id)id); c; c = c->sub) {
			int rows = c->row_health ? c->rows(s) : 0;
			for (int i = 0; i < rows; i++) {
				const void *r = c->row(s, i);
				enum health h = r ? c->row_health(r) : HEALTH_UNKNOWN;
				if (h == HEALTH_UNKNOWN || h <= worst)
					continue;
				worst = h;
				problem_text(buf, n, c, r);
			}
		}
	return worst;
}

/* ---- cells ------------------------------------------------------------------ */

static void clock_text(char *buf, size_t n, double t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, n, "%H:%M", &tm);
}

enum theme_role overview_state(const struct app_view *v, char *buf, size_t n)
{
	char t[16];
	switch (v->conn_state) {
	case CONN_READY:
	case CONN_BUSY:
		if (v->stalled_for > 2) {
			snprintf(buf, n, "no answer for %.0f s", floor(v->stalled_for));
			return ROLE_CRITICAL;
		}
		snprintf(buf, n, "connected");
		return ROLE_OK;
	case CONN_CONNECTING:
	case CONN_BACKOFF:
		if (v->down_since > 0) {
			clock_text(t, sizeof t, v->down_since);
			snprintf(buf, n, "reconnecting since %s", t);
			return ROLE_CRITICAL;
		}
		snprintf(buf, n, "connecting");
		return ROLE_WARNING;
	case CONN_FAILED:
		snprintf(buf, n, "failed: %s", v->conn_msg[0] ? v->conn_msg : "cannot connect");
		return ROLE_CRITICAL;
	default:
		snprintf(buf, n, "not connected");
		return ROLE_DIM;
	}
}

/* "15.18" of "15.18 (Debian 15.18-0+deb12u1)" */
static void version_word(char *buf, size_t n, const char *v)
{
	snprintf(buf, n, "%.*s", (int)strcspn(v, " "), v);
}

static enum theme_role problem_cell(const struct app_view *v, char *raw, size_t n)
{
	if (is_down(v) && v->conn_msg[0]) {
		snprintf(raw, n, "%s", v->conn_msg);
		return ROLE_CRITICAL;
	}
	enum health h = overview_worst(v->snap, raw, n);
	if (h == HEALTH_OK)
		snprintf(raw, n, "%s", have_data(v) ? "-" : "");
	return h == HEALTH_OK ? ROLE_NORMAL : pane_health_role(h);
}

static enum theme_role count_cell(const struct app_view *v, enum health h, char *raw, size_t n)
{
	if (!have_data(v)) {
		snprintf(raw, n, "-");
		return ROLE_DIM;
	}
	int c = v->snap->worst[h];
	snprintf(raw, n, "%d", c);
	return c > 0 && h != HEALTH_OK ? pane_health_role(h) : ROLE_NORMAL;
}

static enum theme_role sched_cell(const struct app_view *v, char *raw, size_t n)
{
	const struct server_info *si = &v->snap->server;
	const struct scheduler_info *sc = &v->snap->sched;
	if (!have_data(v) || (si->ts_installed && !sc->known)) {
		snprintf(raw, n, "-");
		return ROLE_DIM;
	}
	if (!si->ts_installed || sc->embedded) {
		snprintf(raw, n, "none");
		return ROLE_DIM;
	}
	snprintf(raw, n, "%s", sc->running ? "running" : "not running");
	return sc->running ? ROLE_NORMAL : ROLE_WARNING;
}

static enum theme_role age_cell(const struct app_view *v, double now, char *raw, size_t n)
{
	if (!have_data(v)) {
		snprintf(raw, n, "-");
		return ROLE_DIM;
	}
	double age = now - v->snap->polled_at;
	pane_dur(raw, n, age < 0 ? 0 : floor(age));
	return age > 2 * v->interval + 2 ? ROLE_WARNING : ROLE_NORMAL;
}

static enum theme_role raw_cell(const struct app_view *v, int col, double now, char *raw, size_t n)
{
	const struct server_info *si = &v->snap->server;
	switch (col) {
	case OV_NAME:
		snprintf(raw, n, "%s", v->server_name ? v->server_name : "");
		return ROLE_NORMAL;
	case OV_STATE: return overview_state(v, raw, n);
	case OV_PG:
		version_word(raw, n, si->valid ? si->pg_version : "-");
		return ROLE_NORMAL;
	case OV_TS:
		snprintf(raw, n, "%s", !si->valid ? "-" : si->ts_installed ? si->ts_version : "none");
		return si->valid && !si->ts_installed ? ROLE_DIM : ROLE_NORMAL;
	case OV_OK: return count_cell(v, HEALTH_OK, raw, n);
	case OV_WARN: return count_cell(v, HEALTH_WARNING, raw, n);
	case OV_CRIT: return count_cell(v, HEALTH_CRITICAL, raw, n);
	case OV_PROBLEM: return problem_cell(v, raw, n);
	case OV_AGE: return age_cell(v, now, raw, n);
	case OV_POLL:
		if (!have_data(v) || isnan(v->snap->poll_ms))
			snprintf(raw, n, "-");
		else if (v->snap->poll_ms < 1000)
			snprintf(raw, n, "%.0f ms", v->snap->poll_ms);
		else
			snprintf(raw, n, "%.1f s", v->snap->poll_ms / 1000);
		return ROLE_NORMAL;
	default: return sched_cell(v, raw, n);
	}
}

enum theme_role overview_cell(const struct app_view *v, int col, double now, bool utf8, int width,
			      char *buf, size_t n)
{
	char raw[PANE_LINE_MAX * 2], clean[PANE_LINE_MAX * 2];
	enum theme_role role = raw_cell(v, col, now, raw, sizeof raw);
	sanitize_text(clean, sizeof clean, raw);
	text_fit(buf, n, clean, width, utf8);
	return role;
}

/* ---- order, banner -------------------------------------------------------------- */

void overview_order(const struct app_view *const *v, int n, bool worst_first, int *order)
{
	for (int i = 0; i < n; i++)
		order[i] = i;
	if (!worst_first)
		return;
	for (int i = 1; i < n; i++) {     /* insertion sort: stable, n is small */
		int k = order[i], j = i;
		enum ov_level lk = overview_level(v[k]);
		while (j > 0 && overview_level(v[order[j - 1]]) < lk) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
}

/* The names of the servers at level lv, comma-separated, into buf; the count. */
static int names_at(const struct app_view *const *v, int nv, enum ov_level lv, char *buf, size_t n)
{
	int count = 0;
	size_t len = strlen(buf);
	for (int i = 0; i < nv; i++) {
		if (overview_level(v[i]) != lv)
			continue;
		char nm[256];
		sanitize_text(nm, sizeof nm, v[i]->server_name ? v[i]->server_name : "?");
		snprintf(buf + len, len < n ? n - len : 0, "%s%s", count ? ", " : "", nm);
		len = strlen(buf);
		count++;
	}
	return count;
}

enum theme_role overview_banner(const struct app_view *const *v, int nv, bool utf8, char *buf, size_t n)
{
	char crit[512] = "", warn[512] = "", down[512] = "";
	int nc = names_at(v, nv, OVL_CRITICAL, crit, sizeof crit);
	int nw = names_at(v, nv, OVL_WARNING, warn, sizeof warn);
	int nd = names_at(v, nv, OVL_DOWN, down, sizeof down);
	const char *sep = utf8 ? " \u00b7 " : " - ";
	buf[0] = '\0';
	if (nc)
		snprintf(buf, n, "%s %d CRITICAL: %s", pane_health_symbol(HEALTH_CRITICAL, utf8), nc, crit);
	else if (nw)
		snprintf(buf, n, "%s %d WARNING: %s", pane_health_symbol(HEALTH_WARNING, utf8), nw, warn);
	else if (!nd)
		snprintf(buf, n, "%s ALL %d OK", utf8 ? pane_health_symbol(HEALTH_OK, utf8) : "OK", nv);
	if (nd) {
		size_t l = strlen(buf);
		snprintf(buf + l, l < n ? n - l : 0, "%s%d UNREACHABLE: %s", l ? sep : "", nd, down);
	}
	return nc || nd ? ROLE_CRITICAL : nw ? ROLE_WARNING : ROLE_OK;
}
