/* kiosk — internal to tui/ui: the control-room banner, the quit sequence,
 * the pane cycle, sparklines of the trends, and OSC 52 copies. Curses
 * drawing takes the window and the role attributes from the screen. */
#ifndef TSDBTOP_UI_KIOSK_H
#define TSDBTOP_UI_KIOSK_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/layout.h"
#include "tsdbtop/snapshot.h"
#include "tsdbtop/theme.h"

struct app_view;
struct trends;

/* What the footer says in kiosk mode. */
#define KIOSK_QUIT_HINT "to leave: type quit, then Enter "

/* The quit sequence: letters typed, then Enter. Every other key only
 * resets it. Returns true when "quit" + Enter completes. */
struct kiosk_keys {
	char typed[8];
};
bool kiosk_key(struct kiosk_keys *k, int ch);

/* Overall state in words: "ALL OK", "3 WARNING", "2 CRITICAL" (and the
 * role to draw it in). */
void kiosk_state(const struct snapshot *s, char *buf, size_t n, enum theme_role *role, bool utf8);

/* The 3-row banner into w (width columns). */
void kiosk_banner(WINDOW *w, int width, const attr_t *role_attr, bool utf8, const struct app_view *a,
		  double now);

/* Over the overview (several servers): the fleet's banner, which servers
 * are critical and which unreachable, a clock. */
void kiosk_fleet_banner(WINDOW *w, int width, const attr_t *role_attr, bool utf8,
			const struct app_view *const *v, int nv, double now);

/* Worst health of a pane's rows (HEALTH_UNKNOWN when it has none). */
enum health kiosk_pane_health(const struct snapshot *s, enum pane_id id);

/* The next pane of the cycle: the visible panes ordered critical first,
 * then warning, then the rest (each group in display order); *pos moves
 * on. *dwell: how long to show it (critical panes twice as long). */
enum pane_id kiosk_cycle_next(const struct snapshot *s, const int *order, const bool *visible,
			      int *pos, double cycle, double *dwell);

/* A sparkline of trend series `key` (width cells) into buf; "" when
 * there is no history yet. */
char *ui_spark(char *buf, size_t n, const struct trends *t, const char *key, int width, bool utf8);

/* OSC 52: put text on the terminal's clipboard (works over SSH where the
 * terminal allows it). Written to the tty after curses output. Returns 0
 * when it was written. */
int ui_osc52_copy(const char *text);

#endif
