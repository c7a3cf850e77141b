/* Unit tests for tsdbtop/format.h */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <string.h>

#include "tsdbtop/format.h"

#define ASSERT_FMT(expected, call)                                         \
    do {                                                                   \
        char b_[64];                                                       \
        memset(b_, 'Z', sizeof b_);                                        \
        assert_ptr_equal(call, b_);                                        \
        assert_string_equal(b_, expected);                                 \
    } while (0)

/* call(buf, n, ...) with a short buffer: truncated, NUL-terminated, no
 * write past n (guard bytes stay intact). */
#define ASSERT_TRUNC(n_, expected, fn, ...)                                \
    do {                                                                   \
        char b_[16];                                                       \
        memset(b_, 'Z', sizeof b_);                                        \
        fn(b_, (n_), __VA_ARGS__);                                         \
        assert_string_equal(b_, expected);                                 \
        for (size_t i_ = (n_); i_ < sizeof b_; i_++)                       \
            assert_int_equal(b_[i_], 'Z');                                 \
    } while (0)

static void test_bytes(void **state)
{
    (void)state;
    ASSERT_FMT("0 B", fmt_bytes(b_, sizeof b_, 0));
    ASSERT_FMT("1 B", fmt_bytes(b_, sizeof b_, 1));
    ASSERT_FMT("512 B", fmt_bytes(b_, sizeof b_, 512));
    ASSERT_FMT("1023 B", fmt_bytes(b_, sizeof b_, 1023));
    ASSERT_FMT("1.0 kB", fmt_bytes(b_, sizeof b_, 1024));
    ASSERT_FMT("1.5 kB", fmt_bytes(b_, sizeof b_, 1536));
    ASSERT_FMT("8.0 kB", fmt_bytes(b_, sizeof b_, 8192));
    ASSERT_FMT("12.0 MB", fmt_bytes(b_, sizeof b_, 12.0 * 1024 * 1024));
    ASSERT_FMT("1.20 GB", fmt_bytes(b_, sizeof b_, 1.2 * 1024 * 1024 * 1024));
    ASSERT_FMT("3.00 TB", fmt_bytes(b_, sizeof b_, 3.0 * 1099511627776.0));
    ASSERT_FMT("2.00 PB", fmt_bytes(b_, sizeof b_, 2.0 * 1125899906842624.0));
    /* Beyond PB stays in PB. */
    ASSERT_FMT("2048.00 PB",
               fmt_bytes(b_, sizeof b_, 2048.0 * 1125899906842624.0));
    /* Rounding promotes instead of printing "1024.0 kB". */
    ASSERT_FMT("1.0 MB", fmt_bytes(b_, sizeof b_, 1048575));
    ASSERT_FMT("1023.0 kB", fmt_bytes(b_, sizeof b_, 1023.0 * 1024));
    /* Unknown. */
    ASSERT_FMT("-", fmt_bytes(b_, sizeof b_, -1));
    ASSERT_FMT("-", fmt_bytes(b_, sizeof b_, NAN));
    ASSERT_FMT("-", fmt_bytes(b_, sizeof b_, INFINITY));
}

static void test_duration(void **state)
{
    (void)state;
    ASSERT_FMT("0s", fmt_duration(b_, sizeof b_, 0));
    ASSERT_FMT("0s", fmt_duration(b_, sizeof b_, 0.4));
    ASSERT_FMT("1s", fmt_duration(b_, sizeof b_, 0.6));
    ASSERT_FMT("45s", fmt_duration(b_, sizeof b_, 45));
    ASSERT_FMT("59s", fmt_duration(b_, sizeof b_, 59));
    ASSERT_FMT("1m00s", fmt_duration(b_, sizeof b_, 60));
    ASSERT_FMT("3m12s", fmt_duration(b_, sizeof b_, 192));
    ASSERT_FMT("3m05s", fmt_duration(b_, sizeof b_, 185));
    ASSERT_FMT("59m59s", fmt_duration(b_, sizeof b_, 3599));
    ASSERT_FMT("1h00m", fmt_duration(b_, sizeof b_, 3600));
    ASSERT_FMT("2h05m", fmt_duration(b_, sizeof b_, 2 * 3600 + 5 * 60 + 59));
    ASSERT_FMT("23h59m", fmt_duration(b_, sizeof b_, 86399));
    ASSERT_FMT("1d00h", fmt_duration(b_, sizeof b_, 86400));
    ASSERT_FMT("3d04h", fmt_duration(b_, sizeof b_, 3 * 86400 + 4 * 3600 + 1800));
    ASSERT_FMT("364d23h", fmt_duration(b_, sizeof b_, 364 * 86400.0 + 23 * 3600));
    ASSERT_FMT("1y12d", fmt_duration(b_, sizeof b_, 365.25 * 86400 + 12 * 86400 + 5));
    ASSERT_FMT("1y0d", fmt_duration(b_, sizeof b_, 365.25 * 86400));
    ASSERT_FMT("10y100d", fmt_duration(b_, sizeof b_, 10 * 365.25 * 86400 + 100 * 86400));
    ASSERT_FMT("-3m12s", fmt_duration(b_, sizeof b_, -192));
    ASSERT_FMT("-45s", fmt_duration(b_, sizeof b_, -45));
    ASSERT_FMT("0s", fmt_duration(b_, sizeof b_, -0.2));
    ASSERT_FMT("-", fmt_duration(b_, sizeof b_, NAN));
    ASSERT_FMT("inf", fmt_duration(b_, sizeof b_, INFINITY));
    ASSERT_FMT("-inf", fmt_duration(b_, sizeof b_, -INFINITY));
    ASSERT_FMT("inf", fmt_duration(b_, sizeof b_, 1e300));
}

static void test_pct(void **state)
{
    (void)state;
    ASSERT_FMT("85.3%", fmt_pct(b_, sizeof b_, 0.853));
    ASSERT_FMT("100%", fmt_pct(b_, sizeof b_, 1.0));
    ASSERT_FMT("0.0%", fmt_pct(b_, sizeof b_, 0.0));
    ASSERT_FMT("50.0%", fmt_pct(b_, sizeof b_, 0.5));
    ASSERT_FMT("99.9%", fmt_pct(b_, sizeof b_, 0.999));
    ASSERT_FMT("99.9%", fmt_pct(b_, sizeof b_, 0.99999)); /* not 100 */
    ASSERT_FMT("0.1%", fmt_pct(b_, sizeof b_, 0.0005));
    ASSERT_FMT("150%", fmt_pct(b_, sizeof b_, 1.5));
    ASSERT_FMT("-", fmt_pct(b_, sizeof b_, NAN));
    ASSERT_FMT("-", fmt_pct(b_, sizeof b_, -0.1));
    ASSERT_FMT("-", fmt_pct(b_, sizeof b_, INFINITY));
}

static void test_count(void **state)
{
    (void)state;
    ASSERT_FMT("0", fmt_count(b_, sizeof b_, 0));
    ASSERT_FMT("999", fmt_count(b_, sizeof b_, 999));
    ASSERT_FMT("1,000", fmt_count(b_, sizeof b_, 1000));
    ASSERT_FMT("1,234,567", fmt_count(b_, sizeof b_, 1234567));
    ASSERT_FMT("123,456", fmt_count(b_, sizeof b_, 123456));
    ASSERT_FMT("-1,234", fmt_count(b_, sizeof b_, -1234));
    ASSERT_FMT("-999", fmt_count(b_, sizeof b_, -999));
    ASSERT_FMT("9,223,372,036,854,775,807", fmt_count(b_, sizeof b_, LLONG_MAX));
    ASSERT_FMT("-9,223,372,036,854,775,808", fmt_count(b_, sizeof b_, LLONG_MIN));
}

static void test_time_utc(void **state)
{
    (void)state;
    ASSERT_FMT("1970-01-01 00:00", fmt_time_utc(b_, sizeof b_, 0));
    /* 2026-11-24 15:04:59.999999 UTC */
    ASSERT_FMT("2026-11-24 15:04",
               fmt_time_utc(b_, sizeof b_, 1795532699LL * 1000000 + 999999));
    /* One microsecond before the epoch is still 1969. */
    ASSERT_FMT("1969-12-31 23:59", fmt_time_utc(b_, sizeof b_, -1));
    ASSERT_FMT("2000-02-29 12:00", fmt_time_utc(b_, sizeof b_, 951825600LL * 1000000));
    ASSERT_FMT("-inf", fmt_time_utc(b_, sizeof b_, INT64_MIN));
    ASSERT_FMT("+inf", fmt_time_utc(b_, sizeof b_, INT64_MAX));
    /* Large but finite values do not crash. */
    char b[64];
    fmt_time_utc(b, sizeof b, INT64_MAX - 1);
    assert_true(strlen(b) > 0);
    fmt_time_utc(b, sizeof b, INT64_MIN + 1);
    assert_true(strlen(b) > 0);
    /* from epoch seconds: out of int64 microseconds is "-", never UB */
    ASSERT_FMT("2026-11-24 15:04", fmt_time_epoch(b_, sizeof b_, 1795532699.5));
    ASSERT_FMT("1969-12-31 23:59", fmt_time_epoch(b_, sizeof b_, -0.5));
    ASSERT_FMT("-", fmt_time_epoch(b_, sizeof b_, NAN));
    ASSERT_FMT("-", fmt_time_epoch(b_, sizeof b_, INFINITY));
    ASSERT_FMT("-", fmt_time_epoch(b_, sizeof b_, -INFINITY));
    ASSERT_FMT("-", fmt_time_epoch(b_, sizeof b_, 9.3e12));
    ASSERT_FMT("-", fmt_time_epoch(b_, sizeof b_, -1e300));
}

static void test_units(void **state)
{
    (void)state;
    ASSERT_FMT("400u", fmt_units(b_, sizeof b_, 400));
    ASSERT_FMT("99999u", fmt_units(b_, sizeof b_, 99999));
    ASSERT_FMT("100ku", fmt_units(b_, sizeof b_, 100000));
    ASSERT_FMT("1.8Gu", fmt_units(b_, sizeof b_, 1.8e9));
    ASSERT_FMT("9223Eu", fmt_units(b_, sizeof b_, 9.223e21));
    ASSERT_FMT("-", fmt_units(b_, sizeof b_, NAN));
}

static void test_truncation(void **state)
{
    (void)state;
    ASSERT_TRUNC(4, "1,2", fmt_count, 1234567LL);
    ASSERT_TRUNC(1, "", fmt_count, 5LL);
    ASSERT_TRUNC(3, "12", fmt_bytes, 12.0 * 1024 * 1024);
    ASSERT_TRUNC(3, "3m", fmt_duration, 192.0);
    ASSERT_TRUNC(5, "2026", fmt_time_utc, (int64_t)1795532699LL * 1000000);
    ASSERT_TRUNC(2, "8", fmt_pct, 0.853);
    ASSERT_TRUNC(2, "-", fmt_pct, NAN);
    /* n == 0 writes nothing at all. */
    char z[4] = "abc";
    assert_ptr_equal(fmt_count(z, 0, 1), z);
    fmt_bytes(z, 0, 1);
    fmt_duration(z, 0, 1);
    fmt_pct(z, 0, 1);
    fmt_time_utc(z, 0, 1);
    assert_string_equal(z, "abc");
}

static void assert_interval(const char *s, double expected)
{
    double v = -12345;
    if (fmt_parse_interval(s, &v) != 0)
        fail_msg("'%s' should parse", s);
    if (fabs(v - expected) > 1e-6 * (fabs(expected) + 1))
        fail_msg("'%s' -> %f, expected %f", s, v, expected);
}

static void assert_interval_bad(const char *s)
{
    double v = -12345;
    if (fmt_parse_interval(s, &v) != -1)
        fail_msg("'%s' should be rejected, got %f", s ? s : "(null)", v);
    assert_true(v == -12345); /* untouched */
}

#define DAY 86400.0
#define YEAR (365.25 * DAY)
#define MONTH (30 * DAY)

static void test_parse_interval_ok(void **state)
{
    (void)state;
    assert_interval("7d", 7 * DAY);
    assert_interval("90 days", 90 * DAY);
    assert_interval("1h30m", 5400);
    assert_interval("2 years", 2 * YEAR);
    assert_interval("1 year 2 mons 3 days 04:05:06",
                    YEAR + 2 * MONTH + 3 * DAY + 4 * 3600 + 5 * 60 + 6);
    assert_interval("00:05:00", 300);
    assert_interval("120d", 120 * DAY);
    assert_interval("5 min", 300);
    assert_interval("1 week", 7 * DAY);
    assert_interval("1 mon", MONTH);
    assert_interval("6 months", 6 * MONTH);
    assert_interval("1 day", DAY);
    assert_interval("30s", 30);
    assert_interval("120", 120);
    assert_interval("1.5h", 5400);
    assert_interval("  2 HOURS  ", 7200);
    assert_interval("1d 12h", 1.5 * DAY);
    assert_interval("2w", 14 * DAY);
    assert_interval("250ms", 0.25);
    assert_interval("00:00:01.5", 1.5);
    assert_interval("1:30", 5400);
    assert_interval("-00:05:00", -300);
    assert_interval("-1 days +02:03:00", -DAY + 2 * 3600 + 3 * 60);
    assert_interval("@ 3 days ago", -3 * DAY);
    assert_interval("1 hour ago", -3600);
    assert_interval("0", 0);
    assert_interval("100:00:00", 100 * 3600);
    assert_interval("177000000 years", 177000000 * YEAR);
}

static void test_parse_interval_bad(void **state)
{
    (void)state;
    assert_interval_bad("");
    assert_interval_bad("   ");
    assert_interval_bad(NULL);
    assert_interval_bad("abc");
    assert_interval_bad("days");
    assert_interval_bad("7 fortnights");
    assert_interval_bad("7d junk");
    assert_interval_bad("7dx");
    assert_interval_bad("1h30");         /* bare number after a unit */
    assert_interval_bad("5 5");
    assert_interval_bad("1e5");
    assert_interval_bad("nan");
    assert_interval_bad("inf");
    assert_interval_bad("0x10");
    assert_interval_bad("--5s");
    assert_interval_bad("5 s s");
    assert_interval_bad("00:60:00");
    assert_interval_bad("00:05:60");
    assert_interval_bad("00:5");
    assert_interval_bad("1.5:00");
    assert_interval_bad("00:05:");
    assert_interval_bad("00:05:00.");
    assert_interval_bad("ago");
    assert_interval_bad("3 days ago ago");
    assert_interval_bad("1.d");
    assert_interval_bad("9999999999999999999 seconds"); /* 19 digits */
    assert_interval_bad("999999999999999999 years");    /* overflow */
    assert_interval_bad("179000000 years");             /* past PG's range */
    assert_interval_bad("7d\n");
    assert_interval_bad("7d;drop");
    assert_int_equal(fmt_parse_interval("7d", NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_duration),
        cmocka_unit_test(test_pct),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_time_utc),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_parse_interval_ok),
        cmocka_unit_test(test_parse_interval_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
