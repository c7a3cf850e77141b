/* jobview — jobs list lines and one job's detail (pure). */
#include "tsdbtop/jobview.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tsdbtop/format.h"
#include "tsdbtop/jobinfo.h"
#include "tsdbtop/sanitize.h"

/* "2026-12-02 14:03:07" (UTC, to the second: runs come seconds apart) */
static char *run_time(char *buf, size_t n, double epoch)
{
	if (isnan(epoch) || isinf(epoch)) {
		snprintf(buf, n, "-");
		return buf;
	}
	time_t t = (time_t)epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

/* a run's duration: milliseconds under a second */
static char *run_dur(char *buf, size_t n, double s)
{
	if (isnan(s))
		snprintf(buf, n, "-");
	else if (s < 1)
		snprintf(buf, n, "%.0fms", s * 1000);
	else
		fmt_duration(buf, n, s);
	return buf;
}

static const struct job_row *find(const struct snapshot *s, int id)
{
	for (int i = 0; i < s->jobs.n; i++)
		if (s->jobs.v[i].id == id)
			return &s->jobs.v[i];
	return NULL;
}

static char *state_words(char *buf, size_t n, const struct job_row *j)
{
	char d[32];
	if (j->running)
		snprintf(buf, n, "running %s", isnan(j->running_s) ? "" : pane_dur(d, sizeof d, j->running_s));
	else
		snprintf(buf, n, "%s", j->scheduled ? "active" : "PAUSED");
	return buf;
}

enum theme_role jobview_list_line(char *buf, size_t n, const struct job_row *j, double now,
                                  int width, bool utf8)
{
	char raw[PANE_LINE_MAX * 2], st[32], nx[32], why[PANE_LINE_MAX];
	pane_ago(nx, sizeof nx, j->next_start, now);
	sanitize_text(why, sizeof why, j->why);
	snprintf(raw, sizeof raw, "%-6d %-30.30s %-12s next %-9s last %-7s %s", j->id, j->proc,
	         state_words(st, sizeof st, j), j->stuck ? "-inf" : nx,
	         j->last_status[0] ? j->last_status : "never", why);
	text_fit(buf, n, raw, width, utf8);
	return pane_health_role(j->health);
}

static void add(struct jobview *v, enum theme_role role, const char *text, int width, bool utf8)
{
	if (v->n >= JOBVIEW_MAX_LINES)
		return;
	text_fit(v->line[v->n], sizeof v->line[v->n], text, width, utf8);
	v->role[v->n++] = role;
}

static size_t utf8_len(const unsigned char *p)
{
	return *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
}

/* The message, sanitised, wrapped at width columns over at most max lines;
 * the last line ends with an ellipsis when the message goes on. */
static void add_wrapped(struct jobview *v, const char *msg, int width, int max, bool utf8)
{
	size_t len = strlen(msg);
	char *clean = malloc(len + 1);
	if (!clean)
		return;
	sanitize_text(clean, len + 1, msg);
	const char *p = clean;
	for (int k = 0; *p && k < max && v->n < JOBVIEW_MAX_LINES; k++) {
		char piece[PANE_LINE_MAX * 4];
		size_t used = 0;
		int cols = 0;
		while (p[used] && cols < width - 2) {
			size_t cl = utf8_len((const unsigned char *)p + used);
			char one[8] = { 0 };
			memcpy(one, p + used, cl < sizeof one ? cl : sizeof one - 1);
			int w = text_width(one);
			if (cols + w > width - 2 || used + cl >= sizeof piece - 1)
				break;
			cols += w;
			used += cl;
		}
		bool more = p[used] && k == max - 1;
		snprintf(piece, sizeof piece, "  %.*s%s", (int)used, p, more ? (utf8 ? "\u2026" : "~") : "");
		add(v, ROLE_WARNING, piece, width, utf8);
		p += used;
	}
	free(clean);
}

static void detail_error(struct jobview *v, const struct job_row *j, const char *role, int width,
                         bool utf8)
{
	char line[PANE_LINE_MAX * 2], t[48];
	if (!j->failed)
		return;
	if (!j->has_error) {
		char words[PANE_LINE_MAX];
		job_error_words(words, sizeof words, j, role);
		add(v, ROLE_WARNING, words, width, utf8);
		return;
	}
	const struct job_error *e = &j->last_error;
	snprintf(line, sizeof line, "last failure %s UTC: %s%s%s", run_time(t, sizeof t, isnan(e->finish) ? e->start : e->finish),
	         job_fail_kind_words(e->kind), e->sqlstate[0] ? ", SQLSTATE " : "", e->sqlstate);
	add(v, ROLE_CRITICAL, line, width, utf8);
	if (e->kind == JOBFAIL_START || e->kind == JOBFAIL_CRASH || e->kind == JOBFAIL_TIMEOUT) {
		char words[PANE_LINE_MAX];
		job_error_words(words, sizeof words, j, role);
		add(v, ROLE_WARNING, words, width, utf8);
	}
	add_wrapped(v, e->message && e->message[0] ? e->message : "(no message recorded)", width, 8, utf8);
}

static void detail_runs(struct jobview *v, const struct snapshot *s, int id, int width, bool utf8)
{
	char line[PANE_LINE_MAX * 2], t[48], d[32], msg[PANE_LINE_MAX];
	const char *note = sched_history_note(&s->sched);
	add(v, ROLE_TITLE, "recent runs, newest first (UTC)", width, utf8);
	if (note)
		add(v, ROLE_DIM, note, width, utf8);
	int shown = 0;
	for (int i = 0; i < s->job_runs.n; i++) {
		const struct job_run *h = &s->job_runs.v[i];
		if (h->job_id != id)
			continue;
		sanitize_text(msg, sizeof msg, h->message);
		snprintf(line, sizeof line, "%s %8s  %-15s %-5s %s", run_time(t, sizeof t, h->start),
		         run_dur(d, sizeof d, h->finish - h->start),
		         h->succeeded == 1 ? "succeeded" : h->succeeded == 0 ? job_fail_kind_words(h->kind)
		                                                          : "no end (crash?)",
		         h->sqlstate, msg);
		add(v, h->succeeded == 1 ? ROLE_NORMAL : ROLE_WARNING, line, width, utf8);
		shown++;
	}
	if (!shown)
		add(v, ROLE_DIM, s->sched.has_history ? "no runs recorded" : "no run history on this server",
		    width, utf8);
}

void jobview_detail(struct jobview *v, const struct snapshot *s, int id, double now, int width,
                    bool utf8)
{
	char line[PANE_LINE_MAX * 2], a[32], b[32], c[32], st[32], owner[80], proc[80];
	v->n = 0;
	const struct job_row *j = find(s, id);
	if (!j) {
		snprintf(line, sizeof line, "job %d is gone", id);
		add(v, ROLE_WARNING, line, width, utf8);
		return;
	}
	sanitize_text(proc, sizeof proc, j->proc);
	sanitize_text(owner, sizeof owner, j->owner);
	snprintf(line, sizeof line, "job %d %s, owner %s, every %s, max_runtime %s, %s", j->id, proc,
	         owner[0] ? owner : "?", pane_dur(a, sizeof a, j->schedule_s),
	         j->max_runtime_s > 0 ? pane_dur(b, sizeof b, j->max_runtime_s) : "none",
	         state_words(st, sizeof st, j));
	add(v, ROLE_NORMAL, line, width, utf8);
	snprintf(line, sizeof line, "runs %ld, failed %ld, %d in a row; usual run %s; next start %s",
	         j->total_runs, j->total_failures, j->consecutive_failures,
	         run_dur(c, sizeof c, j->mean_s),
	         j->stuck ? "-infinity" : pane_ago(a, sizeof a, j->next_start, now));
	add(v, ROLE_NORMAL, line, width, utf8);
	if (j->why[0])
		add(v, pane_health_role(j->health), j->why, width, utf8);
	detail_error(v, j, s->server.user, width, utf8);
	detail_runs(v, s, id, width, utf8);
}
