/* ui_chrome — what frames the panes: the two header rows (server,
 * versions, connection state, health counts), the status line (last poll,
 * interval, an action's progress or the last notice, the key hint), the
 * tabs of the narrow layout, and the pane order and visibility of the
 * configuration's [panes]. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/config.h"
#include "tsdbtop/format.h"
#include "tsdbtop/overview.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/server.h"
#include "ui_int.h"

/* ---- header --------------------------------------------------------------- */

static const char *conn_text(const struct app_view *v, char *buf, size_t n, enum theme_role *role)
{
	char d[32];
	*role = ROLE_OK;
	switch (v->conn_state) {
	case CONN_IDLE:
		snprintf(buf, n, "not connected");
		*role = ROLE_DIM;
		break;
	case CONN_CONNECTING:
		snprintf(buf, n, "connecting");
		*role = ROLE_WARNING;
		break;
	case CONN_READY:
	case CONN_BUSY:
		if (v->stalled_for > 2) {
			snprintf(buf, n, "no answer for %.0f s", floor(v->stalled_for));
			*role = ROLE_CRITICAL;
		} else {
			snprintf(buf, n, "connected");
		}
		break;
	case CONN_BACKOFF:
		snprintf(buf, n, "reconnecting in %s", fmt_duration(d, sizeof d, ceil(v->backoff_left)));
		*role = ROLE_CRITICAL;
		break;
	case CONN_FAILED:
	default:
		snprintf(buf, n, "disconnected");
		*role = ROLE_CRITICAL;
		break;
	}
	return buf;
}

/* Row 0: server, database, user; the connection state right-aligned. */
static void header_row0(struct ui *u, WINDOW *w, int W)
{
	const struct app_view *v = u->v;
	const struct server_info *si = &v->snap->server;
	char line[PANE_LINE_MAX * 2], cs[96];
	enum theme_role crole;
	conn_text(v, cs, sizeof cs, &crole);
	int cw = text_width(cs) + 2;
	const char *host = si->valid ? si->host : (v->opt->host ? v->opt->host : "");
	const char *port = si->valid ? si->port : (v->opt->port ? v->opt->port : "");
	char fleet[160] = "", nm[128];
	if (v->nservers > 1) {   /* several servers: which one this is */
		sanitize_text(nm, sizeof nm, v->server_name);
		snprintf(fleet, sizeof fleet, "  [%s %d/%d]", nm, v->server_index + 1, v->nservers);
	}
	if (si->valid)
		snprintf(line, sizeof line, " tsdbtop%s  %s:%s  db %s  user %s", fleet, host, port, si->database, si->user);
	else
		snprintf(line, sizeof line, " tsdbtop%s  %s%s%s", fleet, *host ? host : "(server)", *port ? ":" : "", port);
	ui_put(u, w, 0, 0, W - cw - 1, ROLE_HEADER, line);
	/* connection state, right-aligned, in its health colour */
	wattrset(w, ui_attr(u, crole) | A_BOLD);
	mvwaddnstr(w, 0, W - cw, " ", -1);
	ui_put(u, w, 0, W - cw + 1, cw - 1, crole, cs);
}

/* Row 1's text: versions, license, replica, compatibility mode. */
static void versions_text(const struct app_view *v, char *line, size_t n)
{
	const struct server_info *si = &v->snap->server;
	if (!si->valid) {
		snprintf(line, n, " %s", v->conn_msg[0] ? v->conn_msg : "waiting for the server");
		return;
	}
	char ts[96];
	if (si->ts_installed)
		snprintf(ts, sizeof ts, "TimescaleDB %s (%s)%s", si->ts_version, server_license_name(si->license),
		         server_update_pending(si) ? " update pending" : "");
	else
		snprintf(ts, sizeof ts, "TimescaleDB not installed");
	snprintf(line, n, " PostgreSQL %s  %s%s", si->pg_version, ts, si->in_recovery ? "  (replica)" : "");
	if (v->snap->compat.active) {   /* slower, and says why */
		char cd[160], cl[160];
		compat_describe(cd, sizeof cd, &v->snap->compat, si, true);
		sanitize_text(cl, sizeof cl, cd);
		size_t l = strlen(line);
		snprintf(line + l, n - l, "  %s", cl);
	}
}

/* Row 1: versions on the left, the health counts on the right. */
static void header_row1(struct ui *u, WINDOW *w, int W)
{
	const struct snapshot *s = u->v->snap;
	char line[PANE_LINE_MAX * 2], hc[96];
	versions_text(u->v, line, sizeof line);
	snprintf(hc, sizeof hc, "%s %d  %s %d  %s %d  ", pane_health_symbol(HEALTH_OK, u->utf8),
	         s->worst[HEALTH_OK], pane_health_symbol(HEALTH_WARNING, u->utf8),
	         s->worst[HEALTH_WARNING], pane_health_symbol(HEALTH_CRITICAL, u->utf8),
	         s->worst[HEALTH_CRITICAL]);
	int hw = text_width(hc);
	ui_put(u, w, 1, 0, W - hw - 1, ROLE_HEADER, line);
	if (W - hw > 20) {
		int x = W - hw;
		char part[32];
		static const enum health hs[3] = { HEALTH_OK, HEALTH_WARNING, HEALTH_CRITICAL };
		for (int i = 0; i < 3; i++) {
			snprintf(part, sizeof part, "%s %d  ", pane_health_symbol(hs[i], u->utf8), s->worst[hs[i]]);
			enum theme_role r = s->worst[hs[i]] > 0 ? pane_health_role(hs[i]) : ROLE_HEADER;
			x += ui_put(u, w, 1, x, W - x, r, part);
		}
	}
}

/* Over the overview: the fleet in one line, the servers' states summed. */
static void header_fleet(struct ui *u, WINDOW *w, int W)
{
	int n = app_servers(u->a), lv[OVL_DOWN + 1] = { 0 };
	for (int i = 0; i < n; i++)
		lv[overview_level(app_server_view(u->a, i))]++;
	ui_view(u);
	char line[PANE_LINE_MAX];
	snprintf(line, sizeof line, " tsdbtop  fleet of %d servers", n);
	ui_put(u, w, 0, 0, W, ROLE_HEADER, line);
	snprintf(line, sizeof line, " %d ok  %d warning  %d critical  %d unreachable  %d connecting", lv[OVL_OK],
	         lv[OVL_WARNING], lv[OVL_CRITICAL], lv[OVL_DOWN], lv[OVL_CONNECTING]);
	ui_put(u, w, 1, 0, W, lv[OVL_DOWN] || lv[OVL_CRITICAL] ? ROLE_CRITICAL : lv[OVL_WARNING] ? ROLE_WARNING : ROLE_HEADER,
	       line);
}

void ui_draw_header(struct ui *u)
{
	WINDOW *w = u->w_header;
	int W = u->lay.header.w;
	if (!w)
		return;
	werase(w);
	ui_fill_line(u, w, 0, 0, W, ROLE_HEADER);
	ui_fill_line(u, w, 1, 0, W, ROLE_HEADER);
	if (ui_overview_shown(u)) {
		header_fleet(u, w, W);
	} else {
		header_row0(u, w, W);
		header_row1(u, w, W);
	}
	wnoutrefresh(w);
}

/* ---- status line ------------------------------------------------------------ */

/* The last poll is older than about two intervals (as a pane turns "old"). */
static bool poll_late(const struct app_view *v, double now)
{
	double iv = v->interval > 0 ? v->interval : 2;
	return now - v->snap->polled_at > 2 * iv + 5;
}

/* "polled 12:00:00 UTC in 35 ms ▂▃▅ · every 2s" (compact: less). */
static void poll_text(struct ui *u, char *line, size_t n, bool compact, double now)
{
	const struct app_view *v = u->v;
	char t[32], ago[32], iv[32];
	if (v->snap->polled_at > 0 && !isnan(v->snap->polled_at)) {
		time_t tt = (time_t)v->snap->polled_at;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(t, sizeof t, "%H:%M:%S", &tm);
		/* the age only once the poll is late: a clock that ticks on every
		 * draw costs bytes on every refresh and says nothing new */
		ago[0] = '\0';
		if (poll_late(v, now)) {
			char d[32];
			pane_ago(d, sizeof d, v->snap->polled_at, now);
			snprintf(ago, sizeof ago, " (%s)", d);
		}
		if (compact)
			snprintf(line, n, " polled %s%s", t, ago);
		else {
			char sp[64];
			ui_spark(sp, sizeof sp, v->trends, "poll.ms", 8, u->utf8);
			snprintf(line, n, " polled %s UTC%s in %.0f ms%s%s", t, ago, v->snap->poll_ms, sp[0] ? " " : "", sp);
		}
	} else {
		snprintf(line, n, " no poll yet");
	}
	pane_dur(iv, sizeof iv, v->interval);
	size_t l = strlen(line);
	if (!compact)
		snprintf(line + l, n - l, " %s every %s", u->utf8 ? "\u00b7" : "|", iv);
}

/* After the poll: PAUSED / polling, the connection's error, then an
 * action's progress or the last notice; from column x, up to end. */
static void status_tail(struct ui *u, WINDOW *w, int x, int end, double now)
{
	const struct app_view *v = u->v;
	char line[PANE_LINE_MAX * 2];
	if (v->paused)
		x += ui_put(u, w, 0, x, end - x, ROLE_WARNING, "  PAUSED");
	else if (v->polling && v->stalled_for >= 1)    /* a slow one: a fast one would flicker */
		x += ui_put(u, w, 0, x, end - x, ROLE_STATUS, "  polling");
	if ((v->conn_state == CONN_BACKOFF || v->conn_state == CONN_FAILED) && v->conn_msg[0]) {
		snprintf(line, sizeof line, "  %s", v->conn_msg);
		x += ui_put(u, w, 0, x, end - x, ROLE_CRITICAL, line);
	}
	if (ui_act_running(u)) {
		char pg[PANE_LINE_MAX];
		ui_act_progress_text(u, pg, sizeof pg);
		snprintf(line, sizeof line, "  %s", pg);
		ui_put(u, w, 0, x, end - x, ROLE_WARNING, line);
	} else if (u->notice[0] && now - u->notice_at < 15) {
		snprintf(line, sizeof line, "  %s", u->notice);
		ui_put(u, w, 0, x, end - x, ROLE_ACCENT, line);
	}
}

void ui_draw_status(struct ui *u)
{
	WINDOW *w = u->w_status;
	int W = u->lay.status.w;
	char line[PANE_LINE_MAX * 2];
	double now = ui_now();
	if (!w || ui_mode_open(u, &ui_prompt_mode))   /* the prompt draws the line then */
		return;
	werase(w);
	ui_fill_line(u, w, 0, 0, W, ROLE_STATUS);
	const char *hint = u->v->opt->kiosk ? KIOSK_QUIT_HINT : "? help  q quit ";
	int hw = (int)strlen(hint);
	/* an action's progress or message needs the room: say less about the poll */
	bool compact = ui_act_running(u) || (u->notice[0] && now - u->notice_at < 15 &&
	                                     strlen(u->notice) > (size_t)(W > 100 ? W - 100 : 0));
	poll_text(u, line, sizeof line, compact, now);
	int x = ui_put(u, w, 0, 0, W - hw - 1, ROLE_STATUS, line);
	status_tail(u, w, x, W - hw - 1, now);
	ui_put(u, w, 0, W - hw, hw, ROLE_STATUS, hint);
	wnoutrefresh(w);
}

/* ---- pane order, visibility, tabs ---------------------------------------------- */

/* Pane order and visibility ([panes] order in the configuration). */
int ui_pane_at(const struct ui *u, int k)
{
	const struct config *c = u->v->opt->config;
	return c ? c->pane_order[k] : k;
}

bool ui_pane_shown(const struct ui *u, int id)
{
	const struct config *c = u->v->opt->config;
	return !c || c->pane_visible[id];
}

/* Tab / Shift-Tab: the next shown pane in the configured order. */
void ui_focus_step(struct ui *u, int dir)
{
	int k = 0;
	for (int i = 0; i < PANE_COUNT; i++)
		if (ui_pane_at(u, i) == (int)u->focus)
			k = i;
	for (int n = 0; n < PANE_COUNT; n++) {
		k = (k + dir + PANE_COUNT) % PANE_COUNT;
		if (ui_pane_shown(u, ui_pane_at(u, k))) {
			u->focus = (enum pane_id)ui_pane_at(u, k);
			return;
		}
	}
}

/* A row of the grid with nothing left: the rows above or below take it. */
static void grow_rows(const struct ui *u, struct layout *l)
{
	bool mid = ui_pane_shown(u, PANE_COMPRESSION) || ui_pane_shown(u, PANE_RETENTION);
	bool low = ui_pane_shown(u, PANE_CAGGS) || ui_pane_shown(u, PANE_CACHE);
	if (!ui_pane_shown(u, PANE_CHUNKS) && mid) {
		for (int i = PANE_COMPRESSION; i <= PANE_RETENTION; i++) {
			l->pane[i].h += l->pane[i].y - l->pane[PANE_CHUNKS].y;
			l->pane[i].y = l->pane[PANE_CHUNKS].y;
		}
	}
	if (!mid) {
		if (ui_pane_shown(u, PANE_CHUNKS))
			l->pane[PANE_CHUNKS].h = l->pane[PANE_COMPRESSION].y + l->pane[PANE_COMPRESSION].h - l->pane[PANE_CHUNKS].y;
		else
			for (int i = PANE_CAGGS; i <= PANE_CACHE; i++) {
				l->pane[i].h += l->pane[i].y - l->pane[PANE_CHUNKS].y;
				l->pane[i].y = l->pane[PANE_CHUNKS].y;
			}
	}
	if (!low) {
		int bottom = l->pane[PANE_CAGGS].y + l->pane[PANE_CAGGS].h;
		for (int i = PANE_COMPRESSION; i <= PANE_RETENTION; i++)
			if (mid)
				l->pane[i].h = bottom - l->pane[i].y;
		if (!mid && ui_pane_shown(u, PANE_CHUNKS))
			l->pane[PANE_CHUNKS].h = bottom - l->pane[PANE_CHUNKS].y;
	}
}

/* The grid without the hidden panes: a neighbour takes the room. */
void ui_apply_visibility(const struct ui *u, struct layout *l)
{
	if (l->mode != LAYOUT_GRID)
		return;
	static const int pairs[2][2] = { { PANE_COMPRESSION, PANE_RETENTION }, { PANE_CAGGS, PANE_CACHE } };
	for (int p = 0; p < 2; p++) {
		int a = pairs[p][0], b = pairs[p][1];
		if (!ui_pane_shown(u, a) && ui_pane_shown(u, b)) {
			l->pane[b].w += l->pane[b].x - l->pane[a].x;
			l->pane[b].x = l->pane[a].x;
		} else if (ui_pane_shown(u, a) && !ui_pane_shown(u, b)) {
			l->pane[a].w = l->pane[b].x + l->pane[b].w - l->pane[a].x;
		}
	}
	grow_rows(u, l);
	for (int i = 0; i < PANE_COUNT; i++)
		if (!ui_pane_shown(u, i)) {
			l->visible[i] = false;
			memset(&l->pane[i], 0, sizeof l->pane[i]);
		}
}

void ui_draw_tabs(struct ui *u)
{
	WINDOW *w = u->w_tabs;
	if (!w)
		return;
	werase(w);
	ui_fill_line(u, w, 0, 0, u->lay.tabs.w, ROLE_NORMAL);
	int x = 1;
	for (int k = 0; k < PANE_COUNT && x < u->lay.tabs.w; k++) {
		char t[48];
		int i = ui_pane_at(u, k);
		if (!ui_pane_shown(u, i))
			continue;
		snprintf(t, sizeof t, " %d %s ", i + 1, pane_class_of((enum pane_id)i)->tab);
		enum theme_role r = (enum pane_id)i == u->focus ? ROLE_TITLE_FOCUS : ROLE_TITLE;
		x += ui_put(u, w, 0, x, u->lay.tabs.w - x, r, t);
		x += 1;
	}
	if (u->zoomed && x + 10 < u->lay.tabs.w)
		ui_put(u, w, 0, x + 1, u->lay.tabs.w - x - 1, ROLE_DIM,
		       u->v->opt->kiosk ? "(kiosk: panes in turn, critical first)" : "(zoomed: Enter/Esc)");
	wnoutrefresh(w);
}
