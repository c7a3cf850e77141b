/* Unit tests for tsdbtop/layout.h */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "tsdbtop/layout.h"

static bool rect_empty(struct rect r)
{
    return r.y == 0 && r.x == 0 && r.h == 0 && r.w == 0;
}

static bool rect_inside(struct rect r, int rows, int cols)
{
    return r.y >= 0 && r.x >= 0 && r.h >= 0 && r.w >= 0 &&
           r.y + r.h <= rows && r.x + r.w <= cols;
}

static bool rect_overlap(struct rect a, struct rect b)
{
    if (a.h <= 0 || a.w <= 0 || b.h <= 0 || b.w <= 0)
        return false;
    return a.y < b.y + b.h && b.y < a.y + a.h && a.x < b.x + b.w &&
           b.x < a.x + a.w;
}

static void assert_rect(struct rect r, int y, int x, int h, int w)
{
    assert_int_equal(r.y, y);
    assert_int_equal(r.x, x);
    assert_int_equal(r.h, h);
    assert_int_equal(r.w, w);
}

/* Collects every drawn rectangle of a layout. */
static int layout_rects(const struct layout *l, struct rect *out)
{
    int n = 0;
    const struct rect fixed[] = { l->header, l->banner, l->tabs, l->status };
    for (int i = 0; i < 4; i++)
        if (!rect_empty(fixed[i]))
            out[n++] = fixed[i];
    for (int p = 0; p < PANE_COUNT; p++) {
        if (l->visible[p])
            out[n++] = l->pane[p];
        else if (!rect_empty(l->pane[p]))
            fail_msg("invisible pane %d has a rectangle", p);
    }
    return n;
}

static int visible_count(const struct layout *l)
{
    int n = 0;
    for (int p = 0; p < PANE_COUNT; p++)
        n += l->visible[p];
    return n;
}

/* The invariants every layout must satisfy. */
static void check_invariants(const struct layout *l, int rows, int cols,
                             enum pane_id focus, bool zoomed, bool banner)
{
    struct rect r[PANE_COUNT + 4];
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        assert_int_equal(l->mode, LAYOUT_TOO_SMALL);
        assert_int_equal(visible_count(l), 0);
        assert_int_equal(layout_rects(l, r), 0);
        return;
    }
    bool grid = !zoomed && rows >= LAYOUT_GRID_MIN_ROWS &&
                cols >= LAYOUT_GRID_MIN_COLS;
    assert_int_equal(l->mode, grid ? LAYOUT_GRID : LAYOUT_TABS);
    assert_rect(l->header, 0, 0, 2, cols);
    assert_rect(l->status, rows - 1, 0, 1, cols);
    if (banner)
        assert_rect(l->banner, 2, 0, 3, cols);
    else
        assert_true(rect_empty(l->banner));
    int body_top = banner ? 5 : 2;
    if (grid) {
        assert_true(rect_empty(l->tabs));
        assert_int_equal(visible_count(l), PANE_COUNT);
        for (int p = 1; p < PANE_COUNT; p++)
            assert_true(l->pane[PANE_CHUNKS].h >= l->pane[p].h);
    } else {
        assert_rect(l->tabs, body_top, 0, 1, cols);
        assert_int_equal(visible_count(l), 1);
        assert_true(l->visible[focus]);
        assert_rect(l->pane[focus], body_top + 1, 0, rows - body_top - 2, cols);
    }
    int n = layout_rects(l, r);
    long area = 0;
    for (int i = 0; i < n; i++) {
        if (!rect_inside(r[i], rows, cols))
            fail_msg("%dx%d: rect %d (%d,%d %dx%d) outside", cols, rows, i,
                     r[i].y, r[i].x, r[i].h, r[i].w);
        area += (long)r[i].h * r[i].w;
        for (int j = 0; j < i; j++)
            if (rect_overlap(r[i], r[j]))
                fail_msg("%dx%d: rects %d and %d overlap", cols, rows, i, j);
    }
    /* No overlap + same total area = the whole screen is used. */
    assert_int_equal(area, (long)rows * cols);
    for (int p = 0; p < PANE_COUNT; p++) {
        if (!l->visible[p])
            continue;
        if (l->pane[p].h < LAYOUT_PANE_MIN_ROWS ||
            l->pane[p].w < LAYOUT_PANE_MIN_COLS)
            fail_msg("%dx%d: pane %d is %dx%d", cols, rows, p, l->pane[p].w,
                     l->pane[p].h);
    }
}

static void test_grid_120x40(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(&l, 40, 120, PANE_CACHE, false, false);
    assert_int_equal(l.mode, LAYOUT_GRID);
    for (int p = 0; p < PANE_COUNT; p++)
        assert_true(l.visible[p]);
    assert_rect(l.header, 0, 0, 2, 120);
    assert_rect(l.status, 39, 0, 1, 120);
    /* Chunks on top at full width, the rest in two side-by-side bands. */
    assert_int_equal(l.pane[PANE_CHUNKS].y, 2);
    assert_int_equal(l.pane[PANE_CHUNKS].w, 120);
    assert_int_equal(l.pane[PANE_COMPRESSION].y, l.pane[PANE_RETENTION].y);
    assert_int_equal(l.pane[PANE_CAGGS].y, l.pane[PANE_CACHE].y);
    assert_true(l.pane[PANE_COMPRESSION].x < l.pane[PANE_RETENTION].x);
    assert_true(l.pane[PANE_CAGGS].x < l.pane[PANE_CACHE].x);
    assert_true(l.pane[PANE_CAGGS].y > l.pane[PANE_COMPRESSION].y);
    assert_int_equal(l.pane[PANE_CACHE].y + l.pane[PANE_CACHE].h, 39);
    check_invariants(&l, 40, 120, PANE_CACHE, false, false);
}

static void test_grid_banner(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(&l, 36, 100, PANE_CHUNKS, false, true);
    assert_int_equal(l.mode, LAYOUT_GRID);
    assert_rect(l.banner, 2, 0, 3, 100);
    assert_int_equal(l.pane[PANE_CHUNKS].y, 5);
    check_invariants(&l, 36, 100, PANE_CHUNKS, false, true);
}

static void test_tabs_80x24(void **state)
{
    (void)state;
    struct layout l;
    for (int f = 0; f < PANE_COUNT; f++) {
        layout_compute(&l, 24, 80, (enum pane_id)f, false, false);
        assert_int_equal(l.mode, LAYOUT_TABS);
        assert_int_equal(visible_count(&l), 1);
        assert_true(l.visible[f]);
        assert_rect(l.tabs, 2, 0, 1, 80);
        assert_rect(l.pane[f], 3, 0, 20, 80);
        check_invariants(&l, 24, 80, (enum pane_id)f, false, false);
    }
    /* Just below GRID in one dimension: still tabs. */
    layout_compute(&l, 35, 200, PANE_RETENTION, false, false);
    assert_int_equal(l.mode, LAYOUT_TABS);
    layout_compute(&l, 100, 99, PANE_RETENTION, false, false);
    assert_int_equal(l.mode, LAYOUT_TABS);
}

static void test_too_small(void **state)
{
    (void)state;
    struct layout l;
    const int sizes[][2] = { { 15, 60 }, { 17, 200 }, { 100, 69 }, { 0, 0 },
                             { -5, 80 }, { 24, -1 } };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        memset(&l, 0x5A, sizeof l);
        layout_compute(&l, sizes[i][0], sizes[i][1], PANE_CHUNKS, false, true);
        assert_int_equal(l.mode, LAYOUT_TOO_SMALL);
        assert_int_equal(visible_count(&l), 0);
        assert_true(rect_empty(l.header) && rect_empty(l.status) &&
                    rect_empty(l.banner) && rect_empty(l.tabs));
    }
    layout_compute(&l, 18, 70, PANE_CHUNKS, false, true);
    assert_int_equal(l.mode, LAYOUT_TABS);
    check_invariants(&l, 18, 70, PANE_CHUNKS, false, true);
}

static void test_zoom(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(&l, 40, 120, PANE_CAGGS, true, false);
    assert_int_equal(l.mode, LAYOUT_TABS);
    assert_int_equal(visible_count(&l), 1);
    assert_true(l.visible[PANE_CAGGS]);
    assert_rect(l.pane[PANE_CAGGS], 3, 0, 36, 120);
    check_invariants(&l, 40, 120, PANE_CAGGS, true, false);
    /* Zoom in tabs size changes nothing; zoom when too small is too small. */
    struct layout a, b;
    layout_compute(&a, 24, 80, PANE_CACHE, true, true);
    layout_compute(&b, 24, 80, PANE_CACHE, false, true);
    assert_memory_equal(&a, &b, sizeof a);
    layout_compute(&l, 10, 50, PANE_CACHE, true, false);
    assert_int_equal(l.mode, LAYOUT_TOO_SMALL);
}

static void test_bad_focus(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(&l, 24, 80, (enum pane_id)PANE_COUNT, false, false);
    assert_true(l.visible[PANE_CHUNKS]);
    assert_int_equal(visible_count(&l), 1);
    layout_compute(&l, 24, 80, (enum pane_id)-1, false, false);
    assert_true(l.visible[PANE_CHUNKS]);
}

static void test_exhaustive(void **state)
{
    (void)state;
    struct layout l;
    for (int cols = 1; cols <= 300; cols++)
        for (int rows = 1; rows <= 100; rows++)
            for (int opt = 0; opt < 4; opt++)
                for (int f = 0; f < PANE_COUNT; f++) {
                    bool zoomed = opt & 1, banner = opt & 2;
                    layout_compute(&l, rows, cols, (enum pane_id)f, zoomed,
                                   banner);
                    check_invariants(&l, rows, cols, (enum pane_id)f, zoomed,
                                     banner);
                }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_120x40),
        cmocka_unit_test(test_grid_banner),
        cmocka_unit_test(test_tabs_80x24),
        cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_zoom),
        cmocka_unit_test(test_bad_focus),
        cmocka_unit_test(test_exhaustive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
