/* ui_int — internal to tui/ui/: struct ui, shared by the screen's modules.
 *
 *   ui.c         lifecycle, libev watchers, the controller's callbacks,
 *                the mode stack, the one render per loop pass
 *   ui_draw.c    drawing primitives, overlay windows, theme attributes
 *   ui_chrome.c  header, status line, tabs, pane order and visibility
 *   ui_table.c   the table engine: filter, sort, fit columns, draw a pane
 *   ui_chart.c   trends: the Trend column's key, the zoomed chart
 *   ui_input.c   the panes' keys, the filter prompt, mouse, copy
 *   ui_help.c    the help overlay (generated from the keymap and the modes)
 *   ui_dialog.c  action requests and the action dialog
 *   ui_list.c    chunk list, job list, job detail
 *   ui_log.c     the action log
 *   ui_dblist.c  the server's databases (D)
 *   ui_overview.c  several servers: the fleet overview, drilling in and out
 *
 * Overlays are modes (struct ui_mode_class) on a stack: keys go to the top
 * mode first and fall through to the one below (and at last to the panes)
 * where it says so; render draws the panes, then the stack bottom to top.
 * Screen state only: what the console knows is read from the controller's
 * view (u->v, refreshed by ui_view), commands go through ui_command. */
#ifndef TSDBTOP_UI_INT_H
#define TSDBTOP_UI_INT_H

#include <curses.h>
#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/app.h"
#include "tsdbtop/keymap.h"
#include "tsdbtop/layout.h"
#include "tsdbtop/pane.h"
#include "tsdbtop/theme.h"

#include "kiosk.h"

#define FILTER_MAX 64
#define UI_MODES_MAX 10
#define UI_SERVERS_MAX 64       /* the overview's rows at most (FLEET_MAX) */

struct ui;

/* An overlay or input mode. Modes are singletons; their state lives in
 * struct ui. */
struct ui_mode_class {
	const char *name;
	unsigned contexts;          /* KCTX_* bits of its keys: help lists them */
	int layer;                  /* higher: drawn above, gets keys first */
	int win;                    /* its window (enum ui_win), -1 none */
	/* A key: true when handled; false lets it fall through to the mode
	 * below (and at last to the panes). A mode that returns false leaves
	 * the stack alone. */
	bool (*key)(struct ui *u, int ch);
	void (*draw)(struct ui *u);
	/* Optional: help line i beyond the key lines into buf (role set);
	 * returns the number of such lines. */
	int (*help)(const struct ui *u, int i, char *buf, size_t n, enum theme_role *role);
	/* Optional: the mode left the stack. */
	void (*closed)(struct ui *u);
	bool covers;                /* it covers the panes: they are not drawn below it */
};

enum ui_win { UI_WIN_HELP, UI_WIN_DIALOG, UI_WIN_LIST, UI_WIN_LOG, UI_WIN_DBL, UI_WIN_OVERVIEW, UI_WIN_COUNT };

/* The modes (ui_input.c, ui_help.c, ui_dialog.c, ui_list.c, ui_log.c, ui_dblist.c, ui_overview.c). */
extern const struct ui_mode_class ui_prompt_mode, ui_help_mode, ui_dialog_mode, ui_chunks_mode,
	ui_jobs_mode, ui_job_detail_mode, ui_log_mode, ui_dblist_mode, ui_overview_mode;

struct pane_state {
	int sel, top, page;
	int sort_col;
	bool sort_desc;
	char filter[FILTER_MAX];
	const void **order;
	int order_cap, nvis;
	int row_y, row_n;               /* screen row of the first table row, rows shown (mouse) */
};

enum typed_mode { TYPED_NONE, TYPED_NAME, TYPED_WINDOW };

struct ui_dialog_state {
	enum typed_mode typed_mode;
	char typed[96];
	int sel, top;
	struct action_request last_req;
	enum action_state act_last;     /* the runner's state as last seen */
};

struct ui_list_state {
	int sel, top;
	char title[NAME_LEN * 2];
	int jobs[256], njobs;
	int detail_job;                 /* the job detail: its id */
};

struct ui_dblist_state {
	int sel;
	char switch_to[128];
	bool check;                     /* say where we are once the server answers */
};

struct ui_overview_state {
	int sel, top, page;             /* sel and top: positions in order[] */
	bool worst_first;               /* s: unreachable, critical, warning first */
	int order[UI_SERVERS_MAX], n;   /* server indexes in the order shown */
};

struct ui {
	struct app *a;                  /* commands only (ui_command) */
	const struct app_view *v;       /* what the screen reads */
	struct ev_loop *loop;
	SCREEN *scr;
	ev_io in_w;
	ev_signal winch_w, int_w, term_w, hup_w;
	ev_prepare prep_w;
	ev_timer tick_w;
	bool dirty, relayout;
	bool utf8;
	int dispatching;                /* inside ui_command: runner changes synced after */
	attr_t role_attr[ROLE_COUNT];
	struct theme theme;
	char theme_err[256];            /* kept for the help screen */
	enum pane_id focus;
	bool zoomed;
	char notice[256];
	double notice_at;
	struct layout lay;
	bool have_lay;
	WINDOW *w_header, *w_tabs, *w_status, *w_banner, *w_pane[PANE_COUNT];
	WINDOW *w_ovl[UI_WIN_COUNT];
	struct pane_state ps[PANE_COUNT];
	struct pane_state sub_ps;
	const struct ui_mode_class *mode[UI_MODES_MAX];
	int nmodes;
	int help_top;
	struct ui_dialog_state dlg;
	struct ui_list_state list;
	struct ui_dblist_state dbl;
	struct ui_overview_state ov;
	/* kiosk (see kiosk.h) */
	struct kiosk_keys kk;
	int cycle_pos;
	double cycle_until;
};

/* ui.c: the view, commands, notices, the mode stack */
const struct app_view *ui_view(struct ui *u);
int ui_command(struct ui *u, enum command c, const struct app_arg *arg);
void ui_notice(struct ui *u, const char *msg);
void ui_mode_push(struct ui *u, const struct ui_mode_class *m);
void ui_mode_pop(struct ui *u, const struct ui_mode_class *m);
void ui_mode_replace(struct ui *u, const struct ui_mode_class *old, const struct ui_mode_class *m);
void ui_mode_toggle(struct ui *u, const struct ui_mode_class *m);
void ui_mode_clear(struct ui *u);
bool ui_mode_open(const struct ui *u, const struct ui_mode_class *m);
/* Every mode class, for help (registry order). */
const struct ui_mode_class *const *ui_mode_classes(size_t *n);

/* ui_draw.c */
double ui_now(void);
attr_t ui_attr(const struct ui *u, enum theme_role r);
int ui_put(struct ui *u, WINDOW *w, int y, int x, int maxw, enum theme_role role, const char *src);
void ui_put_cell(struct ui *u, WINDOW *w, int y, int x, int width, enum col_align al, attr_t attr,
		 const char *txt);
void ui_fill_line(struct ui *u, WINDOW *w, int y, int x, int width, enum theme_role role);
void ui_put_centred(struct ui *u, WINDOW *w, int y, int x, int width, enum theme_role role, const char *s);
void ui_frame(struct ui *u, WINDOW *w, enum theme_role role);
void ui_del_win(WINDOW **w);
/* Overlay window `slot` of h x w at y,x (y or x < 0: centred), reused
 * while its size holds; cleared and framed in role. NULL when it cannot. */
WINDOW *ui_overlay(struct ui *u, enum ui_win slot, int h, int w, int y, int x, enum theme_role frame_role);
/* A centred list box: *hh cut to max_h, framed, its title on the top
 * border; NULL when the screen has no room (under 30 x 6). */
WINDOW *ui_overlay_box(struct ui *u, enum ui_win slot, int *hh, int max_h, int ww, const char *title);
void ui_setup_theme(struct ui *u);

/* ui_chrome.c */
void ui_draw_header(struct ui *u);
void ui_draw_status(struct ui *u);
void ui_draw_tabs(struct ui *u);
int ui_pane_at(const struct ui *u, int k);
bool ui_pane_shown(const struct ui *u, int id);
void ui_focus_step(struct ui *u, int dir);
void ui_apply_visibility(const struct ui *u, struct layout *l);

/* ui_table.c */
void ui_build_order(const struct pane_class *cls, struct pane_state *ps, const struct snapshot *s,
		    const char *filter);
void ui_draw_pane(struct ui *u, enum pane_id id);
/* The selected row of pane id when it has the focus, else NULL. */
const void *ui_selected_row(struct ui *u, enum pane_id id);

/* ui_chart.c */
#define TREND_COL_W 12
#define CHART_H 7
const char *ui_row_trend_key(const struct pane_class *cls, const void *r, char *buf, size_t n);
bool ui_has_trend(const struct ui *u, const struct pane_class *cls);
void ui_draw_chart(struct ui *u, WINDOW *w, int y, int x0, int iw, int h, const struct pane_class *cls,
		   const struct pane_state *ps);

/* ui_input.c */
void ui_key(struct ui *u, int ch);
void ui_move_sel(struct ui *u, int delta, bool absolute);
/* + / -: the next interval step, said on the status line. */
void ui_interval_step(struct ui *u, enum command c);
/* Remove the last UTF-8 character of s. */
void ui_backspace(char *s);

/* ui_dialog.c */
bool ui_act_running(const struct ui *u);
void ui_act_progress_text(struct ui *u, char *buf, size_t n);
/* Keep the screen in step with the runner (after a command, and when the
 * controller says the runner changed). */
void ui_act_sync(struct ui *u);
/* Ask for an action (the dialog opens when it is planned). */
void ui_act_request(struct ui *u, enum command c, const struct action_request *rq);
/* c x f m on the panes: the request of the selected row. */
void ui_act_key(struct ui *u, enum command c);

/* ui_list.c */
void ui_open_chunks(struct ui *u);
void ui_open_jobs(struct ui *u);
void ui_open_all_jobs(struct ui *u);

/* ui_dblist.c */
void ui_open_databases(struct ui *u);
void ui_switch_sync(struct ui *u);

/* ui_overview.c (several servers) */
/* Show another server's panes: CMD_SERVER_OPEN (index), CMD_SERVER_NEXT,
 * CMD_SERVER_PREV; the overlays of the server left are closed. */
void ui_server_switch(struct ui *u, enum command c, int index);
/* Back to the overview (the overlays closed). */
void ui_overview_open(struct ui *u);
bool ui_overview_shown(const struct ui *u);

#endif
