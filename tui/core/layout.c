/* layout.c — see tsdbtop/layout.h */
#include "tsdbtop/layout.h"

#include <string.h>

static struct rect rect_make(int y, int x, int h, int w)
{
    struct rect r = { y, x, h, w };
    return r;
}

/* Header, banner and status; returns the body between them. */
static struct rect layout_frame(struct layout *l, int rows, int cols,
                                bool banner)
{
    int top = LAYOUT_HEADER_ROWS;
    l->header = rect_make(0, 0, LAYOUT_HEADER_ROWS, cols);
    if (banner) {
        l->banner = rect_make(top, 0, LAYOUT_BANNER_ROWS, cols);
        top += LAYOUT_BANNER_ROWS;
    }
    l->status = rect_make(rows - 1, 0, 1, cols);
    return rect_make(top, 0, rows - 1 - top, cols);
}

/* Chunks on top, then two side-by-side bands. */
static void layout_grid(struct layout *l, struct rect body)
{
    int chunks_h = body.h * 2 / 5;
    int band_h = (body.h - chunks_h) / 2;
    int band2_h = body.h - chunks_h - band_h;
    int left_w = body.w / 2;
    int right_w = body.w - left_w;
    int y1 = body.y + chunks_h, y2 = y1 + band_h;

    l->pane[PANE_CHUNKS] = rect_make(body.y, body.x, chunks_h, body.w);
    l->pane[PANE_COMPRESSION] = rect_make(y1, body.x, band_h, left_w);
    l->pane[PANE_RETENTION] = rect_make(y1, body.x + left_w, band_h, right_w);
    l->pane[PANE_CAGGS] = rect_make(y2, body.x, band2_h, left_w);
    l->pane[PANE_CACHE] = rect_make(y2, body.x + left_w, band2_h, right_w);
    for (int i = 0; i < PANE_COUNT; i++)
        l->visible[i] = true;
}

static void layout_tabs(struct layout *l, struct rect body, enum pane_id focus)
{
    l->tabs = rect_make(body.y, body.x, 1, body.w);
    l->pane[focus] = rect_make(body.y + 1, body.x, body.h - 1, body.w);
    l->visible[focus] = true;
}

void layout_compute(struct layout *l, int rows, int cols, enum pane_id focus,
                    bool zoomed, bool banner)
{
    memset(l, 0, sizeof *l);
    if ((int)focus < 0 || focus >= PANE_COUNT)
        focus = PANE_CHUNKS;
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        l->mode = LAYOUT_TOO_SMALL;
        return;
    }
    struct rect body = layout_frame(l, rows, cols, banner);
    if (!zoomed && rows >= LAYOUT_GRID_MIN_ROWS && cols >= LAYOUT_GRID_MIN_COLS) {
        l->mode = LAYOUT_GRID;
        layout_grid(l, body);
    } else {
        l->mode = LAYOUT_TABS;
        layout_tabs(l, body, focus);
    }
}
