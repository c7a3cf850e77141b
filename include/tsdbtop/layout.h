/* layout.h — pure screen geometry: where the header, banner, tab bar,
 * status line and the five panes go for a given terminal size.
 * No curses: the UI creates windows from these rectangles. */
#ifndef TSDBTOP_LAYOUT_H
#define TSDBTOP_LAYOUT_H

#include <stdbool.h>

#define LAYOUT_MIN_COLS 70       /* below: LAYOUT_TOO_SMALL */
#define LAYOUT_MIN_ROWS 18
#define LAYOUT_GRID_MIN_COLS 100 /* at or above (and not zoomed): GRID */
#define LAYOUT_GRID_MIN_ROWS 36
#define LAYOUT_HEADER_ROWS 2
#define LAYOUT_BANNER_ROWS 3
#define LAYOUT_PANE_MIN_ROWS 4   /* every visible pane is at least this big */
#define LAYOUT_PANE_MIN_COLS 30

enum pane_id {
    PANE_CHUNKS,
    PANE_COMPRESSION,
    PANE_RETENTION,
    PANE_CAGGS,
    PANE_CACHE,
    PANE_COUNT
};

struct rect {
    int y, x, h, w;
};

enum layout_mode { LAYOUT_GRID, LAYOUT_TABS, LAYOUT_TOO_SMALL };

/* Rectangles not in use (banner when off, tabs in GRID, invisible panes,
 * everything when TOO_SMALL) are all zero. */
struct layout {
    enum layout_mode mode;
    struct rect header, banner, tabs, status;
    struct rect pane[PANE_COUNT];
    bool visible[PANE_COUNT];
};

/* Lays out a rows x cols screen:
 *   header: rows 0-1; banner (when `banner`, kiosk mode): 3 rows below it;
 *   status: the last row; the body is everything in between.
 * GRID (rows >= 36, cols >= 100, not zoomed): all five panes, tiling the
 *   body: chunks full width on top (about 40 % of the body), compression |
 *   retention side by side, then caggs | cache side by side.
 * TABS (rows >= 18, cols >= 70, or GRID size but zoomed): a one-row tab
 *   bar at the top of the body and only `focus` visible, filling the rest.
 * TOO_SMALL (below 70x18): nothing visible; the UI asks for a larger
 *   terminal. An out-of-range focus is treated as PANE_CHUNKS. */
void layout_compute(struct layout *l, int rows, int cols, enum pane_id focus,
                    bool zoomed, bool banner);

#endif
