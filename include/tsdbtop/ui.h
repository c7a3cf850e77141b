/* ui — the curses screen of the console (tui/ui/). Reads the controller's
 * const view (app_view), sends commands through app_command and is told
 * what changed through the callbacks it registers (app_set_view_ops);
 * never talks to the database. Callbacks only change screen state and mark
 * it dirty; one render per loop pass (ev_prepare). Its modules share
 * tui/ui/ui_int.h, which nothing outside tui/ui/ sees. */
#ifndef TSDBTOP_UI_H
#define TSDBTOP_UI_H

struct app;
struct ui;

/* initscr etc., ev_io on stdin, ev_signal SIGWINCH/SIGINT/SIGTERM/SIGHUP,
 * ev_prepare renderer, 1 s ticker, on app's loop; registers the screen's
 * callbacks with app. NULL (and a message on stderr) when there is no
 * terminal. */
struct ui *ui_new(struct app *a);
/* endwin, stop watchers, unregister; the terminal is left clean. NULL is fine. */
void ui_free(struct ui *u);

#endif
