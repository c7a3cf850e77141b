/* Unit tests for tsdbtop/sanitize.h */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <string.h>

#include "tsdbtop/sanitize.h"

#define ELL "\xE2\x80\xA6" /* U+2026 */
#define CJK_ZHONG "\xE4\xB8\xAD" /* U+4E2D, width 2 */
#define CJK_WEN "\xE6\x96\x87"   /* U+6587, width 2 */
#define E_ACUTE "\xC3\xA9"       /* U+00E9, width 1 */
#define COMBINING "\xCC\x81"     /* U+0301, width 0 */
#define EURO "\xE2\x82\xAC"      /* U+20AC, width 1 */
#define GCLEF "\xF0\x9D\x84\x9E" /* U+1D11E, width 1 */

static void check_sanitize(const char *src, const char *expected)
{
    char out[128];
    memset(out, 'Z', sizeof out);
    size_t n = sanitize_text(out, sizeof out, src);
    assert_string_equal(out, expected);
    assert_int_equal(n, strlen(expected));
}

static void test_sanitize_plain(void **state)
{
    (void)state;
    check_sanitize("", "");
    check_sanitize(NULL, "");
    check_sanitize("metrics.cpu_1m", "metrics.cpu_1m");
    check_sanitize("caf" E_ACUTE " " CJK_ZHONG CJK_WEN " " EURO GCLEF,
                   "caf" E_ACUTE " " CJK_ZHONG CJK_WEN " " EURO GCLEF);
    /* Boundary code points that are valid. */
    check_sanitize("\xC2\xA0", "\xC2\xA0");           /* U+00A0 */
    check_sanitize("\xED\x9F\xBF", "\xED\x9F\xBF");   /* U+D7FF */
    check_sanitize("\xEE\x80\x80", "\xEE\x80\x80");   /* U+E000 */
    check_sanitize("\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
    check_sanitize("~", "~");
}

static void test_sanitize_controls(void **state)
{
    (void)state;
    check_sanitize("a\x1b[2Jb", "a?[2Jb");             /* ESC */
    check_sanitize("line1\r\nline2\tx", "line1??line2?x");
    check_sanitize("\x01\x07\x08\x1f", "????");
    check_sanitize("del\x7f", "del?");
    check_sanitize("c1\xC2\x80\xC2\x9B" "x\xC2\x9F", "c1??x?"); /* C1 (CSI) */
    check_sanitize("\x1b]0;pwned\x07", "?]0;pwned?");   /* OSC title */
}

static void test_sanitize_invalid(void **state)
{
    (void)state;
    check_sanitize("\x80", "?");                 /* stray continuation */
    check_sanitize("a\xBF\xBF" "b", "a??b");
    check_sanitize("\xC0\xAF", "??");            /* overlong '/' */
    check_sanitize("\xC1\xBF", "??");
    check_sanitize("\xE0\x80\xAF", "???");       /* overlong 3-byte */
    check_sanitize("\xF0\x80\x80\xAF", "????");  /* overlong 4-byte */
    check_sanitize("\xED\xA0\x80", "???");       /* surrogate U+D800 */
    check_sanitize("\xF4\x90\x80\x80", "????");  /* > U+10FFFF */
    check_sanitize("\xF5\x80\x80\x80", "????");
    check_sanitize("\xFF\xFE", "??");
    /* Truncated sequences: the valid prefix is one '?'. */
    check_sanitize("\xE4\xB8", "?");
    check_sanitize("a\xE4\xB8" "b", "a?b");
    check_sanitize("\xF0\x9D\x84", "?");
    check_sanitize("\xF0\x9D\x84" "A", "?A");
    check_sanitize("\xC3", "?");
    check_sanitize("\xC3" E_ACUTE, "?" E_ACUTE);
}

static void test_sanitize_bounds(void **state)
{
    (void)state;
    char out[8];

    /* Never splits a multibyte character at the end. */
    memset(out, 'Z', sizeof out);
    assert_int_equal(sanitize_text(out, 5, "ab" CJK_ZHONG), 2);
    assert_string_equal(out, "ab");
    assert_int_equal(out[4], 'Z');
    assert_int_equal(sanitize_text(out, 6, "ab" CJK_ZHONG), 5);
    assert_string_equal(out, "ab" CJK_ZHONG);
    assert_int_equal(sanitize_text(out, 4, "abcdef"), 3);
    assert_string_equal(out, "abc");
    assert_int_equal(sanitize_text(out, 4, "ab\x1b" "c"), 3);
    assert_string_equal(out, "ab?");
    assert_int_equal(sanitize_text(out, 1, "abc"), 0);
    assert_string_equal(out, "");
    /* dstsz 0 writes nothing. */
    memcpy(out, "keep", 5);
    assert_int_equal(sanitize_text(out, 0, "abc"), 0);
    assert_string_equal(out, "keep");
}

/* Output is well-formed UTF-8 (strict decoder) without C0/DEL/C1. */
static bool output_is_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        unsigned cp;
        int len;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7F)
                return false;
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1Fu; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0Fu; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07u; }
        else return false;
        for (int i = 1; i < len; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3Fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF ||
            (cp >= 0x80 && cp <= 0x9F))
            return false;
        p += len;
    }
    return true;
}

static void test_sanitize_exhaustive(void **state)
{
    (void)state;
    unsigned char in[4];
    char out[32];
    for (int a = 1; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            in[0] = (unsigned char)a;
            in[1] = (unsigned char)b;
            in[2] = 0x80;
            in[3] = 0;
            size_t n = sanitize_text(out, sizeof out, (const char *)in);
            assert_int_equal(n, strlen(out));
            assert_true(n <= 12);
            if (!output_is_clean(out))
                fail_msg("unclean output for %02x %02x", a, b);
            /* Sanitising is idempotent. */
            char again[32];
            sanitize_text(again, sizeof again, out);
            assert_string_equal(again, out);
        }
    }
}

static void test_width(void **state)
{
    (void)state;
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width(NULL), 0);
    assert_int_equal(text_width("hello"), 5);
    assert_int_equal(text_width("caf" E_ACUTE), 4);
    assert_int_equal(text_width(CJK_ZHONG CJK_WEN), 4);
    assert_int_equal(text_width("e" COMBINING), 1);
    assert_int_equal(text_width(EURO GCLEF), 2);
    assert_int_equal(text_width("\xEA\xB0\x80"), 2);      /* Hangul U+AC00 */
    assert_int_equal(text_width("\xEF\xBC\xA1"), 2);      /* fullwidth A */
    assert_int_equal(text_width("a\x1b" "b"), 3);         /* control -> '?' */
    assert_int_equal(text_width("\xE4\xB8"), 1);          /* truncated -> '?' */
}

/* The same widths whatever the locale (C or UTF-8). */
static void test_width_utf8_locale(void **state)
{
    (void)state;
    const char *loc = setlocale(LC_CTYPE, "C.UTF-8");
    if (loc == NULL)
        loc = setlocale(LC_CTYPE, "en_US.UTF-8");
    if (loc == NULL)
        skip();
    assert_int_equal(text_width(CJK_ZHONG CJK_WEN), 4);
    assert_int_equal(text_width("e" COMBINING), 1);
    assert_int_equal(text_width("caf" E_ACUTE), 4);
    char out[64];
    text_fit(out, sizeof out, CJK_ZHONG CJK_WEN CJK_ZHONG, 4, true);
    assert_string_equal(out, CJK_ZHONG ELL);
    setlocale(LC_CTYPE, "C");
}

static void check_fit(const char *src, int width, bool utf8, const char *expected)
{
    char out[64];
    memset(out, 'Z', sizeof out);
    text_fit(out, sizeof out, src, width, utf8);
    assert_string_equal(out, expected);
    if (width > 0)
        assert_true(text_width(out) <= width);
}

static void test_fit(void **state)
{
    (void)state;
    check_fit("hypertable", 20, true, "hypertable");
    check_fit("hypertable", 10, true, "hypertable");
    check_fit("hypertable", 9, true, "hypertab" ELL);
    check_fit("hypertable", 9, false, "hypertab~");
    check_fit("hypertable", 1, true, ELL);
    check_fit("hypertable", 1, false, "~");
    check_fit("hypertable", 0, true, "");
    check_fit("hypertable", -5, true, "");
    check_fit("", 5, true, "");
    check_fit(NULL, 5, true, "");
    check_fit("ab", 2, true, "ab");
    check_fit("abc", 2, true, "a" ELL);
    /* Sanitised first. */
    check_fit("a\x1b[31mb", 20, true, "a?[31mb");
    check_fit("a\nb\tc", 3, true, "a?" ELL);
    /* Double-width characters are never split. */
    check_fit(CJK_ZHONG CJK_WEN CJK_ZHONG, 6, true, CJK_ZHONG CJK_WEN CJK_ZHONG);
    check_fit(CJK_ZHONG CJK_WEN CJK_ZHONG, 5, true, CJK_ZHONG CJK_WEN ELL);
    check_fit(CJK_ZHONG CJK_WEN CJK_ZHONG, 4, true, CJK_ZHONG ELL);
    check_fit(CJK_ZHONG CJK_WEN CJK_ZHONG, 2, true, ELL);
    check_fit("a" CJK_ZHONG "b", 3, true, "a" ELL);
    /* Combining marks stay with their base. */
    check_fit("e" COMBINING "xy", 3, true, "e" COMBINING "xy");
    check_fit("e" COMBINING "xyz", 3, true, "e" COMBINING "x" ELL);
    /* Not UTF-8: pure ASCII output. */
    check_fit("caf" E_ACUTE, 10, false, "caf?");
    check_fit(CJK_ZHONG CJK_WEN, 10, false, "??");
    check_fit("caf" E_ACUTE "s and more", 6, false, "caf?s~");
}

/* text_fit_tail keeps the end of a string too wide: a qualified name keeps
 * its table name. */
static void test_fit_tail(void **state)
{
    (void)state;
    char out[64];
    text_fit_tail(out, sizeof out, "factory_telemetry.metric_hist", 20, true);
    assert_string_equal(out, ELL "lemetry.metric_hist");
    text_fit_tail(out, sizeof out, "factory_telemetry.metric_hist", 20, false);
    assert_string_equal(out, "~lemetry.metric_hist");
    text_fit_tail(out, sizeof out, "short.name", 20, true);
    assert_string_equal(out, "short.name");
    text_fit_tail(out, sizeof out, "a\x1b[31m.evil_table_name_here", 12, true);
    assert_null(strchr(out, '\x1b'));
    assert_true(text_width(out) <= 12);
    text_fit_tail(out, sizeof out, "x." CJK_ZHONG CJK_WEN CJK_ZHONG, 4, true);
    assert_true(text_width(out) <= 4);
    assert_memory_equal(out, ELL, strlen(ELL));
}

static void test_fit_small_buffer(void **state)
{
    (void)state;
    char out[8];
    /* Buffer holds 7 bytes: cut by bytes, still ends with the ellipsis. */
    memset(out, 'Z', sizeof out);
    text_fit(out, sizeof out, "abcdefghijkl", 40, true);
    assert_string_equal(out, "abcd" ELL);
    text_fit(out, sizeof out, "abcdefghijkl", 40, false);
    assert_string_equal(out, "abcdef~");
    text_fit(out, sizeof out, "abcdefg", 40, true);
    assert_string_equal(out, "abcdefg");
    text_fit(out, sizeof out, CJK_ZHONG CJK_WEN CJK_ZHONG, 40, true);
    assert_string_equal(out, CJK_ZHONG ELL);
    /* Too small even for the ellipsis. */
    char tiny[3];
    text_fit(tiny, sizeof tiny, "abcdef", 10, true);
    assert_string_equal(tiny, "ab");
    text_fit(tiny, 1, "abcdef", 10, true);
    assert_string_equal(tiny, "");
    memcpy(tiny, "xy", 3);
    text_fit(tiny, 0, "abcdef", 10, true);
    assert_string_equal(tiny, "xy");
}

/* Every width from 0 to 30 over a mixed string: never too wide. */
static void test_fit_all_widths(void **state)
{
    (void)state;
    const char *src = "x" CJK_ZHONG "y" E_ACUTE CJK_WEN "\x1b" "z" COMBINING
                      "\xFF" "tail" CJK_ZHONG;
    char whole[128];
    text_fit(whole, sizeof whole, src, 1000, false);
    assert_string_equal(whole, "x?y???z??tail?");
    assert_int_equal(text_width(src), 16);
    for (int w = 0; w <= 30; w++) {
        for (int u = 0; u < 2; u++) {
            char out[128];
            int full = u == 1 ? 16 : 14; /* ASCII mode: one column each */
            text_fit(out, sizeof out, src, w, u == 1);
            int tw = text_width(out);
            assert_true(tw <= (w > 0 ? w : 0));
            if (w >= full)
                assert_int_equal(tw, full);
            else if (w > 0)
                assert_true(tw >= w - 1); /* at most one column lost */
        }
    }
}

/* libpq connection errors: the reason first, on one line, sanitised */
static void test_pg_error(void **state)
{
    (void)state;
    char b[256];
    sanitize_pg_error(b, sizeof b, "connection to server at \"127.0.0.1\", port 5432 failed: "
                      "FATAL:  password authentication failed for user \"pwrole\"\n");
    assert_string_equal(b, "password authentication failed for user \"pwrole\"");
    sanitize_pg_error(b, sizeof b, "connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: "
                      "FATAL:  database \"victim\" does not exist\n");
    assert_string_equal(b, "database \"victim\" does not exist");
    sanitize_pg_error(b, sizeof b, "connection to server at \"h\", port 1 failed: Connection refused\n"
                      "\tIs the server running on that host and accepting TCP/IP connections?\n");
    assert_string_equal(b, "Connection refused Is the server running on that host and accepting TCP/IP connections?");
    sanitize_pg_error(b, sizeof b, "server closed the connection unexpectedly\n\x1b[2J");
    assert_string_equal(b, "server closed the connection unexpectedly ?[2J");
    sanitize_pg_error(b, sizeof b, NULL);
    assert_string_equal(b, "");
    sanitize_pg_error(b, 8, "FATAL:  terminating connection");
    assert_string_equal(b, "termina");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_plain),
        cmocka_unit_test(test_sanitize_controls),
        cmocka_unit_test(test_sanitize_invalid),
        cmocka_unit_test(test_sanitize_bounds),
        cmocka_unit_test(test_sanitize_exhaustive),
        cmocka_unit_test(test_width),
        cmocka_unit_test(test_width_utf8_locale),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_fit_small_buffer),
        cmocka_unit_test(test_fit_tail),
        cmocka_unit_test(test_fit_all_widths),
        cmocka_unit_test(test_pg_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
