/* format.h — numbers, sizes, durations and times as short display strings.
 *
 * Every fmt_*() writes into the caller's buffer, always NUL-terminates it
 * (when n > 0), truncates safely when the buffer is short, and returns buf.
 * "Unknown" values (NaN, negative sizes/ratios) are shown as "-".
 * Pure C: no curses, no libpq, no global state. */
#ifndef TSDBTOP_FORMAT_H
#define TSDBTOP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Sizes in a 1024 base with pg_size_pretty()'s unit names (kB, MB, GB, TB,
 * PB), "B" for plain bytes. Below 1024 bytes: whole bytes ("512 B").
 * Above, the largest unit whose value is >= 1 (rounded half away from zero,
 * like pg_size_pretty), with 1 decimal for kB and MB and 2 decimals for GB
 * and up: "1.5 kB", "12.0 MB", "1.20 GB". Unlike pg_size_pretty (which
 * switches units at 10240), units switch at 1024 so columns stay narrow.
 * Negative, NaN or infinite = unknown: "-". */
char *fmt_bytes(char *buf, size_t n, double bytes);

/* Compact duration with at most two units, the second zero-padded to two
 * digits (except days after years): "0s", "45s", "3m05s", "2h05m",
 * "3d04h", "1y12d", "1y0d". Rounded to whole
 * seconds first; the second unit is truncated. A year is 365.25 days
 * (as fmt_parse_interval). Negative: "-" prefix ("-3m12s"). NaN: "-".
 * Infinite or beyond 1e15 s: "inf" / "-inf". */
char *fmt_duration(char *buf, size_t n, double seconds);

/* Ratio as a percentage: 0.853 -> "85.3%", 1 -> "100%", 1.5 -> "150%".
 * One decimal below 100 %, never rounded up to "100.0%" (0.99999 shows
 * "99.9%", so a cache hit ratio of 100 % means exactly 100 %).
 * NaN, infinite or negative = unknown: "-". */
char *fmt_pct(char *buf, size_t n, double ratio);

/* Integer with thousands separators: 1234567 -> "1,234,567",
 * -1234 -> "-1,234". Handles LLONG_MIN. */
char *fmt_count(char *buf, size_t n, long long v);

/* UTC timestamp from microseconds since the Unix epoch: "2026-11-24 15:04".
 * INT64_MIN -> "-inf", INT64_MAX -> "+inf" (open range ends). */
char *fmt_time_utc(char *buf, size_t n, int64_t epoch_usec);
/* The same from epoch seconds (a double, as libpq results are parsed):
 * "-" for NaN, infinities and values whose microseconds overflow int64. */
char *fmt_time_epoch(char *buf, size_t n, double epoch);

/* An integer time figure in its own units: "400u", "1.8Gu"; "-" for NaN. */
char *fmt_units(char *buf, size_t n, double v);

/* Parses an interval as operators type it and as PostgreSQL prints it:
 * "7d", "90 days", "1h30m", "2 years", "5 min", "1 week", "00:05:00",
 * "1 year 2 mons 3 days 04:05:06", "-1 days +02:03:00", "@ 3 days ago".
 * Units (case-insensitive): us/usec, ms/msec, s/sec/second, m/min/minute,
 * h/hr/hour, d/day, w/week, mon/month, y/yr/year (plurals accepted);
 * month = 30 days, year = 365.25 days (PostgreSQL's epoch extraction).
 * A bare number alone means seconds. Time fields: H:MM or H:MM:SS[.frac].
 * Returns 0 and sets *seconds on success; -1 (and *seconds untouched) when
 * empty, malformed, with trailing junk, or beyond PostgreSQL's interval
 * range (about 178 million years). */
int fmt_parse_interval(const char *s, double *seconds);

#endif
