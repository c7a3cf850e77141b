/* ui_list — the list overlays (modes, KCTX_LIST): the chunks of a
 * hypertable (Enter on the Chunks pane; c / d act on the chosen chunk),
 * the jobs of the selected row (j) or of the database (J; r / p / u act on
 * the chosen job), and a job's detail (Enter / h: why it failed, its
 * recent runs). The detail replaces the jobs list; Esc goes back to it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/chunk_status.h"
#include "tsdbtop/format.h"
#include "tsdbtop/jobview.h"
#include "ui_int.h"

enum list_kind { LIST_CHUNKS, LIST_JOBS, LIST_JOB_DETAIL };

/* ---- opening ---------------------------------------------------------------------- */

static void jobs_opened(struct ui *u)
{
	u->list.sel = 0;
	ui_mode_push(u, &ui_jobs_mode);
}

/* j: the jobs of the selected row */
void ui_open_jobs(struct ui *u)
{
	const struct snapshot *s = u->v->snap;
	const char *schema = NULL, *name = NULL;
	const void *row = ui_selected_row(u, u->focus);
	if (!row) {
		ui_notice(u, "j: select a row first");
		return;
	}
	switch (u->focus) {
	case PANE_CHUNKS: schema = ((const struct ht_row *)row)->schema; name = ((const struct ht_row *)row)->name; break;
	case PANE_COMPRESSION: schema = ((const struct comp_row *)row)->schema; name = ((const struct comp_row *)row)->name; break;
	case PANE_RETENTION: schema = ((const struct ret_row *)row)->schema; name = ((const struct ret_row *)row)->name; break;
	case PANE_CAGGS: schema = ((const struct cagg_row *)row)->schema; name = ((const struct cagg_row *)row)->name; break;
	default: break;
	}
	if (!name) {
		ui_notice(u, "j: the Cache pane has no jobs");
		return;
	}
	u->list.njobs = 0;
	for (int i = 0; i < s->jobs.n && u->list.njobs < (int)(sizeof u->list.jobs / sizeof u->list.jobs[0]); i++)
		if (strcmp(s->jobs.v[i].ht_schema, schema) == 0 && strcmp(s->jobs.v[i].ht_name, name) == 0)
			u->list.jobs[u->list.njobs++] = s->jobs.v[i].id;
	pane_qualname(u->list.title, sizeof u->list.title, schema, name);
	if (u->list.njobs == 0) {
		char msg[200];
		snprintf(msg, sizeof msg, "no jobs for %s", u->list.title);
		ui_notice(u, msg);
		return;
	}
	jobs_opened(u);
}

/* J: every job on the server (user-defined jobs have no row of their own) */
void ui_open_all_jobs(struct ui *u)
{
	const struct snapshot *s = u->v->snap;
	u->list.njobs = 0;
	for (int i = 0; i < s->jobs.n && u->list.njobs < (int)(sizeof u->list.jobs / sizeof u->list.jobs[0]); i++)
		u->list.jobs[u->list.njobs++] = s->jobs.v[i].id;
	if (u->list.njobs == 0) {
		ui_notice(u, s->jobs_meta.status == PANE_OK ? "no jobs on this server" : "J: jobs are not known yet");
		return;
	}
	snprintf(u->list.title, sizeof u->list.title, "this database");
	jobs_opened(u);
}

/* Enter on the Chunks pane: the list is asked for when it opens. */
void ui_open_chunks(struct ui *u)
{
	const struct ht_row *ht = ui_selected_row(u, PANE_CHUNKS);
	if (!ht || !u->v->actions)
		return;
	pane_qualname(u->list.title, sizeof u->list.title, ht->schema, ht->name);
	struct app_arg arg;
	memset(&arg, 0, sizeof arg);
	snprintf(arg.rq.schema, sizeof arg.rq.schema, "%s", ht->schema);
	snprintf(arg.rq.name, sizeof arg.rq.name, "%s", ht->name);
	ui_command(u, CMD_OPEN, &arg);
	u->list.sel = 0;
	ui_mode_push(u, &ui_chunks_mode);
}

/* ---- keys -------------------------------------------------------------------------- */

static const struct chunk_list *chunks(const struct ui *u)
{
	return u->v->actions ? u->v->chunks : NULL;
}

static int list_len(const struct ui *u, enum list_kind k)
{
	if (k == LIST_JOBS)
		return u->list.njobs;
	if (k == LIST_JOB_DETAIL)
		return JOBVIEW_MAX_LINES;
	return chunks(u) ? chunks(u)->n : 0;
}

static void list_close(struct ui *u, enum list_kind k)
{
	if (k == LIST_JOB_DETAIL) {   /* back to the list it came from */
		u->list.sel = u->list.top = 0;
		for (int i = 0; i < u->list.njobs; i++)
			if (u->list.jobs[i] == u->list.detail_job)
				u->list.sel = i;
		ui_mode_replace(u, &ui_job_detail_mode, &ui_jobs_mode);
		return;
	}
	ui_mode_pop(u, k == LIST_CHUNKS ? &ui_chunks_mode : &ui_jobs_mode);
}

/* c / d on the chosen chunk */
static void chunk_action(struct ui *u, enum list_kind k, enum command c)
{
	if (k != LIST_CHUNKS) {
		ui_notice(u, "c / d work on the chunk list (Enter on the Chunks pane)");
		return;
	}
	if (u->list.sel < 0 || u->list.sel >= list_len(u, k))
		return;
	struct action_request rq;
	memset(&rq, 0, sizeof rq);
	const struct chunk_item *it = &chunks(u)->v[u->list.sel];
	rq.kind = c == CMD_ACT_COMPRESS ? ACT_COMPRESS_CHUNK : ACT_DECOMPRESS_CHUNK;
	snprintf(rq.schema, sizeof rq.schema, "%s", it->schema);
	snprintf(rq.name, sizeof rq.name, "%s", it->name);
	ui_act_request(u, c, &rq);
}

/* r / p / u on the chosen job (or the job of the detail) */
static void job_action(struct ui *u, enum list_kind k, enum command c)
{
	if (k == LIST_CHUNKS) {
		ui_notice(u, "r / p / u work on the jobs list (j)");
		return;
	}
	if (k == LIST_JOBS && (u->list.sel < 0 || u->list.sel >= list_len(u, k)))
		return;
	struct action_request rq;
	memset(&rq, 0, sizeof rq);
	rq.kind = c == CMD_JOB_RUN ? ACT_JOB_RUN : c == CMD_JOB_PAUSE ? ACT_JOB_PAUSE : ACT_JOB_RESUME;
	rq.job_id = k == LIST_JOB_DETAIL ? u->list.detail_job : u->list.jobs[u->list.sel];
	rq.scheduler_running = u->v->snap->sched.known && u->v->snap->sched.running;
	ui_act_request(u, c, &rq);
}

/* Commands that do not move the selection; false: not one of these. */
static bool list_command(struct ui *u, enum list_kind k, enum command c)
{
	switch (c) {
	case CMD_CLOSE:
		if (ui_command(u, CMD_ACT_STOP, NULL) != 0)   /* Esc stops a running action first */
			list_close(u, k);
		return true;
	case CMD_JOB_DETAIL:
		if (k == LIST_JOBS && u->list.sel >= 0 && u->list.sel < list_len(u, k)) {
			u->list.detail_job = u->list.jobs[u->list.sel];
			u->list.sel = u->list.top = 0;
			ui_mode_replace(u, &ui_jobs_mode, &ui_job_detail_mode);
		}
		return true;
	case CMD_QUIT: ui_command(u, CMD_QUIT, NULL); return true;
	case CMD_REDRAW: u->relayout = true; return true;
	case CMD_ACT_LOG: ui_mode_toggle(u, &ui_log_mode); return true;
	case CMD_ACT_STOP: ui_command(u, CMD_ACT_STOP, NULL); return true;
	case CMD_ACT_COMPRESS:
	case CMD_ACT_DECOMPRESS: chunk_action(u, k, c); return true;
	case CMD_JOB_RUN:
	case CMD_JOB_PAUSE:
	case CMD_JOB_RESUME: job_action(u, k, c); return true;
	default: return false;
	}
}

static bool list_key(struct ui *u, enum list_kind k, int ch)
{
	enum command c = keymap_lookup(ch, KCTX_LIST);
	if (list_command(u, k, c))
		return true;
	int n = list_len(u, k);
	switch (c) {
	case CMD_UP: u->list.sel--; break;
	case CMD_DOWN: u->list.sel++; break;
	case CMD_PAGE_UP: u->list.sel -= 10; break;
	case CMD_PAGE_DOWN: u->list.sel += 10; break;
	case CMD_HOME: u->list.sel = 0; break;
	case CMD_END: u->list.sel = n - 1; break;
	default: return true;
	}
	if (u->list.sel >= n)
		u->list.sel = n - 1;
	if (u->list.sel < 0)
		u->list.sel = 0;
	return true;
}

/* ---- drawing --------------------------------------------------------------------------- */

static const struct job_row *find_job(const struct ui *u, int id)
{
	const struct snapshot *s = u->v->snap;
	for (int i = 0; i < s->jobs.n; i++)
		if (s->jobs.v[i].id == id)
			return &s->jobs.v[i];
	return NULL;
}

static void list_chunk_line(const struct chunk_item *it, bool utf8, char *line, size_t n)
{
	char st[48], t1[64], t2[32];
	snprintf(st, sizeof st, "%s%s%s%s", (it->status & CHUNK_STATUS_COMPRESSED) ? "compressed" : "uncompressed",
	         (it->status & CHUNK_STATUS_PARTIAL) ? ",partial" : "", (it->status & CHUNK_STATUS_FROZEN) ? ",frozen" : "",
	         (it->status & CHUNK_STATUS_UNORDERED) ? ",unordered" : "");
	pane_range(t1, sizeof t1, it->range_start, it->range_end, utf8);
	snprintf(line, n, " %-40s %-22s %10s  %s", it->name, st, fmt_bytes(t2, sizeof t2, it->bytes),
	         isnan(it->range_start) ? "" : t1);
}

/* Line k of the list into line; returns its role. */
static enum theme_role list_line(struct ui *u, enum list_kind kind, const struct jobview *v, int k, int width,
                                 char *line, size_t n)
{
	if (kind == LIST_JOB_DETAIL) {
		snprintf(line, n, " %s", v->line[k]);
		return v->role[k];
	}
	if (kind == LIST_CHUNKS) {
		list_chunk_line(&chunks(u)->v[k], u->utf8, line, n);
		return ROLE_NORMAL;
	}
	const struct job_row *j = find_job(u, u->list.jobs[k]);
	if (!j) {
		snprintf(line, n, " job %d (gone)", u->list.jobs[k]);
		return ROLE_DIM;
	}
	line[0] = ' ';
	return jobview_list_line(line + 1, n - 1, j, ui_now(), width - 1, u->utf8);
}

static const char *list_keys_line(enum list_kind k)
{
	switch (k) {
	case LIST_CHUNKS: return "c compress   d decompress   Esc closes";
	case LIST_JOB_DETAIL: return "r run now   p pause   u resume   Esc back to the list";
	default: return "Enter / h why and recent runs   r run now   p pause   u resume   Esc closes";
	}
}

static void list_title(const struct ui *u, enum list_kind k, int n, char *line, size_t len)
{
	if (k == LIST_CHUNKS)
		snprintf(line, len, " Chunks of %s (%d) ", u->list.title, n);
	else if (k == LIST_JOB_DETAIL)
		snprintf(line, len, " Job %d: why and recent runs ", u->list.detail_job);
	else
		snprintf(line, len, " Jobs of %s ", u->list.title);
}

/* The selection within n lines, body of them shown. */
static void list_scroll(struct ui *u, int n, int body)
{
	if (u->list.sel >= n)
		u->list.sel = n > 0 ? n - 1 : 0;
	if (u->list.sel < u->list.top)
		u->list.top = u->list.sel;
	if (u->list.sel >= u->list.top + body)
		u->list.top = u->list.sel - body + 1;
}

static void list_draw(struct ui *u, enum list_kind k)
{
	static struct jobview v;
	const struct chunk_list *cl = chunks(u);
	int ww = COLS - 4 < 120 ? COLS - 4 : 120;
	if (k == LIST_JOB_DETAIL)
		jobview_detail(&v, u->v->snap, u->list.detail_job, ui_now(), ww - 4, u->utf8);
	int n = k == LIST_JOB_DETAIL ? v.n : list_len(u, k);
	int hh = (n < 5 ? 5 : n) + 4;
	char line[PANE_LINE_MAX * 2];
	list_title(u, k, n, line, sizeof line);
	WINDOW *w = ui_overlay_box(u, UI_WIN_LIST, &hh, LINES - 4, ww, line);
	if (!w)
		return;
	int body = hh - 3;
	list_scroll(u, n, body);
	if (k == LIST_CHUNKS && cl && cl->loading)
		ui_put(u, w, 1, 2, ww - 4, ROLE_DIM, "loading...");
	else if (k == LIST_CHUNKS && cl && n == 0)
		ui_put(u, w, 1, 2, ww - 4, ROLE_WARNING, cl->error);
	for (int i = 0; i < body && u->list.top + i < n; i++) {
		int row = u->list.top + i;
		if (k == LIST_CHUNKS && !cl)
			break;
		enum theme_role role = list_line(u, k, &v, row, ww - 2, line, sizeof line);
		bool sel = row == u->list.sel && k != LIST_JOB_DETAIL;
		ui_put(u, w, 1 + i, 1, ww - 2, sel ? ROLE_SELECTED : role, line);
	}
	ui_put(u, w, hh - 2, 2, ww - 4, ROLE_STATUS, list_keys_line(k));
	wnoutrefresh(w);
}

/* ---- the three modes ------------------------------------------------------------------------ */

static bool chunks_key(struct ui *u, int ch) { return list_key(u, LIST_CHUNKS, ch); }
static bool jobs_key(struct ui *u, int ch) { return list_key(u, LIST_JOBS, ch); }
static bool detail_key(struct ui *u, int ch) { return list_key(u, LIST_JOB_DETAIL, ch); }
static void chunks_draw(struct ui *u) { list_draw(u, LIST_CHUNKS); }
/* the controller stops listing the chunks again after actions */
static void chunks_closed(struct ui *u) { ui_command(u, CMD_CLOSE, NULL); }
static void jobs_draw(struct ui *u) { list_draw(u, LIST_JOBS); }
static void detail_draw(struct ui *u) { list_draw(u, LIST_JOB_DETAIL); }

const struct ui_mode_class ui_chunks_mode = {
	.name = "chunks", .contexts = KCTX_LIST, .layer = 2, .win = UI_WIN_LIST,
	.key = chunks_key, .draw = chunks_draw, .closed = chunks_closed,
};
const struct ui_mode_class ui_jobs_mode = {
	.name = "jobs", .contexts = KCTX_LIST, .layer = 2, .win = UI_WIN_LIST,
	.key = jobs_key, .draw = jobs_draw,
};
const struct ui_mode_class ui_job_detail_mode = {
	.name = "job-detail", .contexts = KCTX_LIST, .layer = 2, .win = UI_WIN_LIST,
	.key = detail_key, .draw = detail_draw,
};
