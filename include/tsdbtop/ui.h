/* ui — the curses screen of the console (tui/ui/). Reads struct app and
 * struct snapshot, calls app_* commands; never talks to the database.
 * Callbacks only mark dirty; one render per loop pass (ev_prepare). */
#ifndef TSDBTOP_UI_H
#define TSDBTOP_UI_H

struct app;
struct ui;

/* initscr etc., ev_io on stdin, ev_signal SIGWINCH/SIGINT/SIGTERM, ev_prepare
 * renderer, 1 s ticker. NULL (and a message on stderr) when there is no
 * terminal. Sets a->ui. */
struct ui *ui_new(struct app *a);
/* endwin, stop watchers; the terminal is left clean. NULL is fine. */
void ui_free(struct ui *u);
/* Something in app/snapshot changed: redraw on the next loop pass. */
void ui_mark_dirty(struct ui *u);
/* A one-line message for the status line (copied; sanitised when drawn). */
void ui_notice(struct ui *u, const char *msg);

#endif
