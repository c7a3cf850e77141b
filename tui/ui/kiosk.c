/* kiosk — the control-room banner, the quit sequence, the pane cycle,
 * sparklines and OSC 52 (see kiosk.h). */
#include "kiosk.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/app.h"
#include "tsdbtop/format.h"
#include "tsdbtop/overview.h"
#include "tsdbtop/pane.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/trend.h"

bool kiosk_key(struct kiosk_keys *k, int ch)
{
	size_t l = strlen(k->typed);
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		bool done = l >= 4 && strcmp(k->typed + l - 4, "quit") == 0;
		k->typed[0] = '\0';
		return done;
	}
	if (ch >= 'a' && ch <= 'z') {
		if (l + 1 >= sizeof k->typed) {     /* keep the last letters */
			memmove(k->typed, k->typed + 1, l);
			l--;
		}
		k->typed[l] = (char)ch;
		k->typed[l + 1] = '\0';
		return false;
	}
	k->typed[0] = '\0';
	return false;
}

void kiosk_state(const struct snapshot *s, char *buf, size_t n, enum theme_role *role, bool utf8)
{
	int crit = s->worst[HEALTH_CRITICAL], warn = s->worst[HEALTH_WARNING];
	if (crit > 0) {
		snprintf(buf, n, "%s %d CRITICAL", pane_health_symbol(HEALTH_CRITICAL, utf8), crit);
		*role = ROLE_CRITICAL;
	} else if (warn > 0) {
		snprintf(buf, n, "%s %d WARNING", pane_health_symbol(HEALTH_WARNING, utf8), warn);
		*role = ROLE_WARNING;
	} else {
		snprintf(buf, n, "%s ALL OK", utf8 ? pane_health_symbol(HEALTH_OK, utf8) : "OK");
		*role = ROLE_OK;
	}
}

static int bput(WINDOW *w, int y, int x, int maxw, attr_t at, const char *src, bool utf8)
{
	char buf[512];
	if (maxw <= 0)
		return 0;
	text_fit(buf, sizeof buf, src, maxw, utf8);
	wattrset(w, at);
	mvwaddnstr(w, y, x, buf, -1);
	return text_width(buf);
}

static void clock_text(char *buf, size_t n, double t, bool seconds)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, n, seconds ? "%H:%M:%S" : "%H:%M", &tm);
}

/* The three rows erased in the header's colour; that colour. */
static attr_t banner_clear(WINDOW *w, int width, const attr_t *ra)
{
	attr_t bg = ra[ROLE_HEADER];
	werase(w);
	for (int y = 0; y < 3; y++) {
		wattrset(w, bg);
		mvwhline(w, y, 0, ' ' | bg, width);
	}
	return bg;
}

/* A block three rows high in role's colour, state in the middle. Returns
 * its width. */
static int banner_block(WINDOW *w, int width, const attr_t *ra, bool utf8, const char *state,
			enum theme_role role)
{
	attr_t sat = (role == ROLE_CRITICAL ? ra[ROLE_BANNER] : ra[role] | A_REVERSE) | A_BOLD;
	int sw = text_width(state) + 8;
	if (sw > width / 2)
		sw = width / 2;
	for (int y = 0; y < 3; y++) {
		wattrset(w, sat);
		mvwhline(w, y, 0, ' ' | sat, sw);
	}
	int tw = text_width(state);
	bput(w, 1, tw < sw ? (sw - tw) / 2 : 0, sw, sat, state, utf8);
	return sw;
}

/* The state: a block three rows high in its colour, the words in the
 * middle. Returns its width. */
static int banner_state(WINDOW *w, int width, const attr_t *ra, bool utf8, const struct snapshot *s,
			bool have_data)
{
	char state[64];
	enum theme_role role;
	if (have_data) {
		kiosk_state(s, state, sizeof state, &role, utf8);
	} else {
		snprintf(state, sizeof state, "NO DATA YET");
		role = ROLE_DIM;
	}
	return banner_block(w, width, ra, utf8, state, role);
}

/* Row 0: server and database, and the clock on the right. */
static void banner_server(WINDOW *w, int width, int x, attr_t bg, bool utf8, const struct app_view *a, double now)
{
	const struct server_info *si = &a->snap->server;
	char line[512], t1[16];
	int rw = width - x - 1;
	clock_text(t1, sizeof t1, now, true);
	int cw = (int)strlen(t1);
	const char *host = si->valid ? si->host : (a->opt->host ? a->opt->host : "");
	const char *port = si->valid ? si->port : (a->opt->port ? a->opt->port : "");
	if (si->valid)
		snprintf(line, sizeof line, "%s:%s  db %s", host, port, si->database);
	else
		snprintf(line, sizeof line, "%s%s%s", *host ? host : "(server)", *port ? ":" : "", port);
	bput(w, 0, x, rw - cw - 2, bg | A_BOLD, line, utf8);
	bput(w, 0, width - cw - 1, cw, bg | A_BOLD, t1, utf8);
}

/* Rows 1-2 during an outage: since when, the last data's age, what is tried. */
static void banner_down(WINDOW *w, int x, int rw, const attr_t *ra, bool utf8, const struct app_view *a,
			bool have_data, double now)
{
	char line[512], d1[32], d2[32], t1[16];
	attr_t bg = ra[ROLE_HEADER];
	clock_text(t1, sizeof t1, a->down_since, false);
	snprintf(line, sizeof line, "SERVER UNREACHABLE since %s (%s)", t1,
		 pane_dur(d1, sizeof d1, floor(now - a->down_since)));
	int u = bput(w, 1, x, rw, ra[ROLE_CRITICAL] | A_BOLD, line, utf8);
	if (have_data)
		snprintf(line, sizeof line, "  %s showing data %s old", utf8 ? "\u00b7" : "-",
			 pane_dur(d2, sizeof d2, floor(now - a->snap->polled_at)));
	else
		snprintf(line, sizeof line, "  %s no data yet", utf8 ? "\u00b7" : "-");
	bput(w, 1, x + u, rw - u, bg, line, utf8);
	if (a->conn_state == CONN_BACKOFF)
		snprintf(line, sizeof line, "reconnecting in %s (attempt %d)%s%.200s",
			 fmt_duration(d1, sizeof d1, ceil(a->backoff_left)), a->reconnect_attempts + 1,
			 a->conn_msg[0] ? ": " : "", a->conn_msg);
	else if (a->conn_state == CONN_CONNECTING)
		snprintf(line, sizeof line, "reconnecting now (attempt %d)", a->reconnect_attempts);
	else
		snprintf(line, sizeof line, "disconnected%s%.200s", a->conn_msg[0] ? ": " : "", a->conn_msg);
	bput(w, 2, x, rw, ra[ROLE_WARNING], line, utf8);
}

/* Rows 1-2 while connected: the data's age and counts, a recent recovery. */
static void banner_up(WINDOW *w, int x, int rw, const attr_t *ra, bool utf8, const struct app_view *a,
		      bool have_data, double now)
{
	const struct snapshot *s = a->snap;
	char line[512], d1[32], t1[16];
	attr_t bg = ra[ROLE_HEADER];
	if (have_data) {
		clock_text(t1, sizeof t1, s->polled_at, true);
		snprintf(line, sizeof line, "data from %s (%s old)  %s  %d ok  %d warning  %d critical", t1,
			 pane_dur(d1, sizeof d1, floor(now - s->polled_at)), utf8 ? "\u00b7" : "-",
			 s->worst[HEALTH_OK], s->worst[HEALTH_WARNING], s->worst[HEALTH_CRITICAL]);
	} else {
		snprintf(line, sizeof line, "%s", a->conn_msg[0] ? a->conn_msg : "waiting for the first poll");
	}
	bput(w, 1, x, rw, bg, line, utf8);
	if (a->recovered_at > 0 && now - a->recovered_at < 600) {
		clock_text(t1, sizeof t1, a->recovered_at, true);
		snprintf(line, sizeof line, "RECOVERED at %s after an outage of %s", t1,
			 pane_dur(d1, sizeof d1, ceil(a->last_outage_s)));
		bput(w, 2, x, rw, ra[ROLE_OK] | A_BOLD, line, utf8);
	} else {
		bput(w, 2, x, rw, ra[ROLE_DIM], "kiosk  read-only", utf8);
	}
}

void kiosk_banner(WINDOW *w, int width, const attr_t *ra, bool utf8, const struct app_view *a, double now)
{
	const struct snapshot *s = a->snap;
	if (!w || width < 20)
		return;
	attr_t bg = banner_clear(w, width, ra);
	bool have_data = s->polled_at > 0 && !isnan(s->polled_at);
	int x = banner_state(w, width, ra, utf8, s, have_data) + 2, rw = width - x - 1;
	banner_server(w, width, x, bg, utf8, a, now);
	/* rows 1-2: the data's age, or the outage and what is being tried */
	bool down = a->down_since > 0 && (a->conn_state == CONN_BACKOFF || a->conn_state == CONN_FAILED ||
					  a->conn_state == CONN_CONNECTING);
	if (down)
		banner_down(w, x, rw, ra, utf8, a, have_data, now);
	else
		banner_up(w, x, rw, ra, utf8, a, have_data, now);
	wattrset(w, A_NORMAL);
}

/* The fleet: the worst state in a block, the servers it names, a clock. */
void kiosk_fleet_banner(WINDOW *w, int width, const attr_t *ra, bool utf8, const struct app_view *const *v,
			int nv, double now)
{
	char text[1024], state[64], t1[16], line[96];
	if (!w || width < 20)
		return;
	attr_t bg = banner_clear(w, width, ra);
	enum theme_role role = overview_banner(v, nv, utf8, text, sizeof text);
	/* the block says the first part: "✖ 2 CRITICAL", "▲ 1 WARNING", "✓ ALL 3 OK" */
	snprintf(state, sizeof state, "%.*s", (int)strcspn(text, ":"), text);
	int x = banner_block(w, width, ra, utf8, state, role) + 2, rw = width - x - 1;
	clock_text(t1, sizeof t1, now, true);
	int cw = (int)strlen(t1);
	snprintf(line, sizeof line, "fleet of %d servers", nv);
	bput(w, 0, x, rw - cw - 2, bg | A_BOLD, line, utf8);
	bput(w, 0, width - cw - 1, cw, bg | A_BOLD, t1, utf8);
	bput(w, 1, x, rw, ra[role] | A_BOLD, text, utf8);
	bput(w, 2, x, rw, ra[ROLE_DIM], "kiosk  read-only", utf8);
	wattrset(w, A_NORMAL);
}

enum health kiosk_pane_health(const struct snapshot *s, enum pane_id id)
{
	const struct pane_class *cls = pane_class_of(id);
	enum health worst = HEALTH_UNKNOWN;
	for (const struct pane_class *c = cls; c; c = c->sub) {
		int n = c->rows(s);
		for (int i = 0; i < n && c->row_health; i++) {
			const void *r = c->row(s, i);
			enum health h = r ? c->row_health(r) : HEALTH_UNKNOWN;
			if (h == HEALTH_UNKNOWN)
				continue;
			if (worst == HEALTH_UNKNOWN || h > worst)
				worst = h;
		}
	}
	return worst;
}

enum pane_id kiosk_cycle_next(const struct snapshot *s, const int *order, const bool *visible,
			      int *pos, double cycle, double *dwell)
{
	int list[PANE_COUNT], n = 0;
	static const enum health groups[3] = { HEALTH_CRITICAL, HEALTH_WARNING, HEALTH_OK };
	enum health h[PANE_COUNT];
	for (int i = 0; i < PANE_COUNT; i++)
		h[i] = kiosk_pane_health(s, (enum pane_id)i);
	for (int g = 0; g < 3; g++)
		for (int i = 0; i < PANE_COUNT; i++) {
			int id = order ? order[i] : i;
			if (id < 0 || id >= PANE_COUNT || (visible && !visible[id]))
				continue;
			enum health hh = h[id] == HEALTH_UNKNOWN ? HEALTH_OK : h[id];
			if (hh == groups[g])
				list[n++] = id;
		}
	if (n == 0) {
		*dwell = cycle;
		return PANE_CHUNKS;
	}
	if (*pos < 0 || *pos >= n)
		*pos = 0;
	enum pane_id id = (enum pane_id)list[*pos];
	*pos = (*pos + 1) % n;
	*dwell = h[id] == HEALTH_CRITICAL ? cycle * 2 : cycle;
	return id;
}

char *ui_spark(char *buf, size_t n, const struct trends *t, const char *key, int width, bool utf8)
{
	double v[TREND_POINTS];
	if (n)
		buf[0] = '\0';
	if (!t || width <= 0)
		return buf;
	const struct series *s = trends_get(t, key);
	int m = series_tail(s, v, width < TREND_POINTS ? width : TREND_POINTS);
	int real = 0;
	for (int i = 0; i < m; i++)
		real += !isnan(v[i]);
	if (real < 2)
		return buf;
	return spark_render(buf, n, v, m, width, 0, 0, utf8);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int ui_osc52_copy(const char *text)
{
	char out[4096];
	size_t len = strlen(text), o = 0;
	if (len > 2000)
		len = 2000;
	o += (size_t)snprintf(out, sizeof out, "\033]52;c;");
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned char)text[i] << 16;
		if (i + 1 < len) v |= (unsigned char)text[i + 1] << 8;
		if (i + 2 < len) v |= (unsigned char)text[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	out[o++] = '\a';
	/* after curses has flushed: straight to the terminal */
	fflush(stdout);
	ssize_t wr = write(STDOUT_FILENO, out, o);
	return wr == (ssize_t)o ? 0 : -1;
}
