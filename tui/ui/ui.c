/* ui — the screen's lifecycle: curses up and down, the libev watchers
 * (keys, signals, the 1 s ticker, the renderer), the controller's
 * callbacks, the mode stack, and the one render per loop pass.
 *
 * Callbacks (keys, signals, the ticker, the controller's changed/notice)
 * only change screen state and mark dirty; one ev_prepare watcher renders
 * once per loop pass when dirty: wnoutrefresh per window, then one
 * doupdate. A render reads the view and draws; it sends nothing. */
#include <curses.h>
#include <ev.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "tsdbtop/config.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/ui.h"
#include "ui_int.h"

/* ---- the view, commands, notices ----------------------------------------------- */

const struct app_view *ui_view(struct ui *u)
{
	u->v = app_view(u->a);
	return u->v;
}

int ui_command(struct ui *u, enum command c, const struct app_arg *arg)
{
	u->dispatching++;
	int rc = app_command(u->a, c, arg);
	u->dispatching--;
	ui_view(u);
	if (!u->dispatching)
		ui_act_sync(u);
	u->dirty = true;
	return rc;
}

void ui_notice(struct ui *u, const char *msg)
{
	snprintf(u->notice, sizeof u->notice, "%s", msg ? msg : "");
	u->notice_at = ui_now();
	u->dirty = true;
}

/* The controller's callbacks. */
static void on_changed(void *ud, unsigned what)
{
	struct ui *u = ud;
	ui_view(u);
	if ((what & APP_CH_ACTION) && !u->dispatching)
		ui_act_sync(u);
	if (what & (APP_CH_DATA | APP_CH_CONN))
		ui_switch_sync(u);
	u->dirty = true;      /* APP_CH_FLEET: another server (the overview) */
}

static void on_notice(void *ud, const char *msg)
{
	ui_notice(ud, msg);
}

/* ---- the mode stack ------------------------------------------------------------ */

static const struct ui_mode_class *const mode_classes[] = {
	&ui_help_mode, &ui_prompt_mode, &ui_chunks_mode, &ui_jobs_mode, &ui_job_detail_mode,
	&ui_dialog_mode, &ui_log_mode, &ui_dblist_mode, &ui_overview_mode,
};

const struct ui_mode_class *const *ui_mode_classes(size_t *n)
{
	*n = sizeof mode_classes / sizeof mode_classes[0];
	return mode_classes;
}

static int mode_index(const struct ui *u, const struct ui_mode_class *m)
{
	for (int i = 0; i < u->nmodes; i++)
		if (u->mode[i] == m)
			return i;
	return -1;
}

bool ui_mode_open(const struct ui *u, const struct ui_mode_class *m)
{
	return mode_index(u, m) >= 0;
}

/* Above every mode of its layer or lower. */
void ui_mode_push(struct ui *u, const struct ui_mode_class *m)
{
	if (ui_mode_open(u, m) || u->nmodes >= UI_MODES_MAX)
		return;
	int pos = u->nmodes;
	while (pos > 0 && u->mode[pos - 1]->layer > m->layer)
		pos--;
	for (int i = u->nmodes; i > pos; i--)
		u->mode[i] = u->mode[i - 1];
	u->mode[pos] = m;
	u->nmodes++;
	u->dirty = true;
}

static void mode_remove(struct ui *u, int i)
{
	const struct ui_mode_class *m = u->mode[i];
	for (int k = i; k + 1 < u->nmodes; k++)
		u->mode[k] = u->mode[k + 1];
	u->nmodes--;
	bool win_used = false;
	for (int k = 0; k < u->nmodes; k++)
		win_used |= u->mode[k]->win == m->win;
	if (m->win >= 0 && !win_used)
		ui_del_win(&u->w_ovl[m->win]);
	if (m->closed)
		m->closed(u);
	u->dirty = true;
}

void ui_mode_pop(struct ui *u, const struct ui_mode_class *m)
{
	int i = mode_index(u, m);
	if (i >= 0)
		mode_remove(u, i);
}

/* m takes old's place (and window); pushed when old is not open. */
void ui_mode_replace(struct ui *u, const struct ui_mode_class *old, const struct ui_mode_class *m)
{
	int i = mode_index(u, old);
	if (i < 0) {
		ui_mode_push(u, m);
		return;
	}
	u->mode[i] = m;
	u->dirty = true;
}

void ui_mode_toggle(struct ui *u, const struct ui_mode_class *m)
{
	if (ui_mode_open(u, m))
		ui_mode_pop(u, m);
	else
		ui_mode_push(u, m);
}

void ui_mode_clear(struct ui *u)
{
	while (u->nmodes > 0)
		mode_remove(u, u->nmodes - 1);
}

/* ---- windows and render ---------------------------------------------------------- */

static void destroy_windows(struct ui *u)
{
	ui_del_win(&u->w_header);
	ui_del_win(&u->w_banner);
	ui_del_win(&u->w_tabs);
	ui_del_win(&u->w_status);
	for (int i = 0; i < UI_WIN_COUNT; i++)
		ui_del_win(&u->w_ovl[i]);
	for (int i = 0; i < PANE_COUNT; i++)
		ui_del_win(&u->w_pane[i]);
}

static WINDOW *mkwin(const struct rect *r)
{
	if (r->h <= 0 || r->w <= 0)
		return NULL;
	return newwin(r->h, r->w, r->y, r->x);
}

static void build_windows(struct ui *u)
{
	destroy_windows(u);
	if (u->lay.mode == LAYOUT_TOO_SMALL)
		return;
	u->w_header = mkwin(&u->lay.header);
	u->w_banner = mkwin(&u->lay.banner);
	u->w_status = mkwin(&u->lay.status);
	if (u->lay.mode == LAYOUT_TABS)
		u->w_tabs = mkwin(&u->lay.tabs);
	for (int i = 0; i < PANE_COUNT; i++)
		if (u->lay.visible[i])
			u->w_pane[i] = mkwin(&u->lay.pane[i]);
}

/* The layout of this size, focus and zoom; windows again when it changed. */
static void relayout(struct ui *u)
{
	struct layout l;
	if (!ui_pane_shown(u, u->focus))
		ui_focus_step(u, 1);
	layout_compute(&l, LINES, COLS, u->focus, u->zoomed, u->v->opt->kiosk);
	ui_apply_visibility(u, &l);
	/* NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c): layout_compute memsets the whole struct, padding included */
	bool changed = !u->have_lay || u->relayout || memcmp(&l, &u->lay, sizeof l) != 0;
	if (!changed)
		return;
	u->lay = l;
	u->have_lay = true;
	build_windows(u);
	werase(stdscr);
	wnoutrefresh(stdscr);
	if (u->relayout)
		clearok(curscr, TRUE);
	u->relayout = false;
}

static void draw_too_small(struct ui *u)
{
	int rows = LINES, cols = COLS;
	char msg[128];
	werase(stdscr);
	snprintf(msg, sizeof msg, "Terminal too small: enlarge to at least %dx%d (now %dx%d)", LAYOUT_MIN_COLS,
	         LAYOUT_MIN_ROWS, cols, rows);
	if (rows > 0 && cols > 0) {
		char buf[160];
		text_fit(buf, sizeof buf, msg, cols, u->utf8);
		int tw = text_width(buf);
		wattrset(stdscr, ui_attr(u, ROLE_WARNING));
		mvwaddnstr(stdscr, rows / 2, tw < cols ? (cols - tw) / 2 : 0, buf, -1);
		wattrset(stdscr, A_NORMAL);
	}
	wnoutrefresh(stdscr);
}

/* The kiosk banner: the server's, or over the overview the fleet's. */
static void draw_banner(struct ui *u)
{
	if (!u->w_banner)
		return;
	if (ui_overview_shown(u)) {
		const struct app_view *v[UI_SERVERS_MAX];
		int n = app_servers(u->a);
		for (int i = 0; i < n && i < UI_SERVERS_MAX; i++)
			v[i] = app_server_view(u->a, i);
		ui_view(u);
		kiosk_fleet_banner(u->w_banner, u->lay.banner.w, u->role_attr, u->utf8, v,
		                   n < UI_SERVERS_MAX ? n : UI_SERVERS_MAX, ui_now());
	} else {
		kiosk_banner(u->w_banner, u->lay.banner.w, u->role_attr, u->utf8, u->v, ui_now());
	}
	wnoutrefresh(u->w_banner);
}

static bool panes_covered(const struct ui *u)
{
	for (int i = 0; i < u->nmodes; i++)
		if (u->mode[i]->covers)
			return true;
	return false;
}

static void render(struct ui *u)
{
	ui_view(u);
	relayout(u);
	if (u->lay.mode == LAYOUT_TOO_SMALL) {
		draw_too_small(u);
		doupdate();
		return;
	}
	ui_draw_header(u);
	draw_banner(u);
	if (!panes_covered(u)) {
		if (u->lay.mode == LAYOUT_TABS)
			ui_draw_tabs(u);
		for (int i = 0; i < PANE_COUNT; i++)
			if (u->lay.visible[i])
				ui_draw_pane(u, (enum pane_id)i);
		ui_draw_status(u);
	}
	for (int i = 0; i < u->nmodes; i++)   /* the overlays, bottom to top */
		u->mode[i]->draw(u);
	doupdate();
}

/* ---- watchers ------------------------------------------------------------------- */

static void prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	if (!u->dirty || ui_view(u)->quit)
		return;
	u->dirty = false;
	render(u);
}

static void stdin_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	int ch, guard = 0;
	while (guard++ < 4096 && (ch = wgetch(stdscr)) != ERR) {
		ui_view(u);
		ui_key(u, ch);
		if (ui_view(u)->quit)
			break;
	}
	u->dirty = true;
}

static void winch_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	u->relayout = true;
	u->dirty = true;
}

static void quit_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	ui_command(w->data, CMD_QUIT, NULL);
}

/* kiosk --cycle: one zoomed pane at a time, the critical ones first and longer */
static void kiosk_cycle(struct ui *u)
{
	const struct app_view *v = ui_view(u);
	const struct options *o = v->opt;
	double now = ui_now(), dwell = o->cycle;
	if (!(v->snap->polled_at > 0)) {
		u->cycle_until = 0;     /* no data yet: start with the worst pane once there is */
	} else if (now >= u->cycle_until) {
		const struct config *cfg = o->config;
		u->focus = kiosk_cycle_next(v->snap, cfg ? cfg->pane_order : NULL, cfg ? cfg->pane_visible : NULL,
		                            &u->cycle_pos, o->cycle, &dwell);
		u->zoomed = true;
		u->cycle_until = now + dwell;
	}
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	struct ui *u = w->data;
	u->dirty = true;
	if (u->v->opt->kiosk && u->v->opt->cycle > 0 && !ui_overview_shown(u))
		kiosk_cycle(u);
}

/* ---- lifecycle -------------------------------------------------------------------- */

/* curses on the terminal; false (said on stderr) when it cannot. */
static bool open_terminal(struct ui *u)
{
	const struct options *o = u->v->opt;
	const char *cs = nl_langinfo(CODESET);
	u->utf8 = !o->ascii && cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	u->scr = newterm(NULL, stdout, stdin);
	if (!u->scr) {
		const char *term = getenv("TERM");
		fprintf(stderr, "tsdbtop: cannot open the terminal (TERM=%s)\n", term ? term : "unset");
		return false;
	}
	set_term(u->scr);
	set_escdelay(25);
	if (o->kiosk)
		raw();            /* Ctrl-C, Ctrl-Z, Ctrl-\ are stray keys too */
	else
		cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (o->mouse && !o->kiosk) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	return true;
}

/* Sort orders of the pane classes; the focus on the first pane shown. */
static void init_panes(struct ui *u)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		const struct pane_class *cls = pane_class_of((enum pane_id)i);
		u->ps[i].sort_col = cls->default_sort;
		u->ps[i].sort_desc = cls->default_desc;
	}
	u->sub_ps.sort_col = pane_compression_jobs_class.default_sort;
	for (int k = PANE_COUNT - 1; k >= 0; k--)    /* the first pane of [panes] order */
		if (ui_pane_shown(u, ui_pane_at(u, k)))
			u->focus = (enum pane_id)ui_pane_at(u, k);
}

static void start_signal(struct ui *u, ev_signal *w, void (*cb)(struct ev_loop *, ev_signal *, int), int sig)
{
	ev_signal_init(w, cb, sig);
	w->data = u;
	ev_signal_start(u->loop, w);
}

static void start_watchers(struct ui *u)
{
	ev_io_init(&u->in_w, stdin_cb, STDIN_FILENO, EV_READ);
	u->in_w.data = u;
	ev_io_start(u->loop, &u->in_w);
	start_signal(u, &u->winch_w, winch_cb, SIGWINCH);
	start_signal(u, &u->int_w, quit_cb, SIGINT);
	start_signal(u, &u->term_w, quit_cb, SIGTERM);
	/* the terminal went away: leave cleanly (kiosk: run it under tmux or
	 * screen, whose terminal stays when the display goes) */
	start_signal(u, &u->hup_w, quit_cb, SIGHUP);
	ev_prepare_init(&u->prep_w, prepare_cb);
	u->prep_w.data = u;
	ev_prepare_start(u->loop, &u->prep_w);
	ev_timer_init(&u->tick_w, tick_cb, 1.0, 1.0);
	u->tick_w.data = u;
	ev_timer_start(u->loop, &u->tick_w);
}

struct ui *ui_new(struct app *a)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tsdbtop: the console needs a terminal (use --once or --json without one)\n");
		return NULL;
	}
	struct ui *u = calloc(1, sizeof *u);
	if (!u) {
		fprintf(stderr, "tsdbtop: out of memory\n");
		return NULL;
	}
	u->a = a;
	u->loop = app_loop(a);
	ui_view(u);
	if (!open_terminal(u)) {
		free(u);
		return NULL;
	}
	ui_setup_theme(u);
	init_panes(u);
	start_watchers(u);
	struct app_view_ops ops = { .changed = on_changed, .notice = on_notice, .ud = u };
	app_set_view_ops(a, &ops);
	if (app_servers(a) > 1)       /* several servers: the overview first */
		ui_overview_open(u);
	u->dirty = true;
	u->relayout = true;
	return u;
}

void ui_free(struct ui *u)
{
	if (!u)
		return;
	app_set_view_ops(u->a, NULL);
	ev_io_stop(u->loop, &u->in_w);
	ev_signal_stop(u->loop, &u->winch_w);
	ev_signal_stop(u->loop, &u->int_w);
	ev_signal_stop(u->loop, &u->term_w);
	ev_signal_stop(u->loop, &u->hup_w);
	ev_prepare_stop(u->loop, &u->prep_w);
	ev_timer_stop(u->loop, &u->tick_w);
	destroy_windows(u);
	/* leave nothing behind, also on terminals without an alternate screen */
	wattrset(stdscr, A_NORMAL);
	werase(stdscr);
	clearok(stdscr, TRUE);
	wrefresh(stdscr);
	curs_set(1);
	endwin();
	delscreen(u->scr);
	fflush(stdout);
	for (int i = 0; i < PANE_COUNT; i++)
		free(u->ps[i].order);
	free(u->sub_ps.order);
	free(u);
}
