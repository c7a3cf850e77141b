/* format.c — see tsdbtop/format.h */
#include "tsdbtop/format.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SEC_MINUTE 60.0
#define SEC_HOUR   3600.0
#define SEC_DAY    86400.0
#define SEC_MONTH  (30.0 * SEC_DAY)
#define SEC_YEAR   (365.25 * SEC_DAY)
/* PostgreSQL's interval range is about +/-178 million years. */
#define INTERVAL_MAX_SECONDS (178000000.0 * SEC_YEAR)
#define DURATION_MAX_SECONDS 1e15

static char *fmt_str(char *buf, size_t n, const char *s)
{
    if (n == 0)
        return buf;
    snprintf(buf, n, "%s", s);
    return buf;
}

/* ---- bytes ---------------------------------------------------------- */

char *fmt_bytes(char *buf, size_t n, double bytes)
{
    static const char *const units[] = { "kB", "MB", "GB", "TB", "PB" };
    static const int decimals[] = { 1, 1, 2, 2, 2 };
    const int nunits = (int)(sizeof units / sizeof units[0]);

    if (n == 0)
        return buf;
    if (!isfinite(bytes) || bytes < 0)
        return fmt_str(buf, n, "-");
    if (bytes < 1023.5) {
        snprintf(buf, n, "%.0f B", bytes);
        return buf;
    }
    double v = bytes / 1024.0;
    int u = 0;
    for (;;) {
        double scale = decimals[u] == 1 ? 10.0 : 100.0;
        double rounded = round(v * scale) / scale;
        if (rounded < 1024.0 || u == nunits - 1) {
            snprintf(buf, n, "%.*f %s", decimals[u], rounded, units[u]);
            return buf;
        }
        v /= 1024.0;
        u++;
    }
}

/* ---- durations ------------------------------------------------------ */

struct dur_unit {
    double secs;
    char suffix;
    int pad; /* zero-padded digits of the next (smaller) unit after this */
};

static const struct dur_unit dur_units[] = {
    { SEC_YEAR, 'y', 1 }, { SEC_DAY, 'd', 2 }, { SEC_HOUR, 'h', 2 },
    { SEC_MINUTE, 'm', 2 }, { 1.0, 's', 0 },
};

char *fmt_duration(char *buf, size_t n, double seconds)
{
    if (n == 0)
        return buf;
    if (isnan(seconds))
        return fmt_str(buf, n, "-");
    const char *sign = seconds < 0 ? "-" : "";
    double a = round(fabs(seconds));
    if (a > DURATION_MAX_SECONDS)
        return fmt_str(buf, n, seconds < 0 ? "-inf" : "inf");
    if (a < 1.0)
        return fmt_str(buf, n, "0s");
    const int nu = (int)(sizeof dur_units / sizeof dur_units[0]);
    int i = 0;
    while (i < nu - 1 && a < dur_units[i].secs)
        i++;
    long long major = (long long)floor(a / dur_units[i].secs);
    if (i == nu - 1) {
        snprintf(buf, n, "%s%llds", sign, major);
        return buf;
    }
    double rest = a - (double)major * dur_units[i].secs;
    long long minor = (long long)floor(rest / dur_units[i + 1].secs);
    snprintf(buf, n, "%s%lld%c%0*lld%c", sign, major, dur_units[i].suffix,
             dur_units[i].pad, minor, dur_units[i + 1].suffix);
    return buf;
}

/* ---- percentages ---------------------------------------------------- */

char *fmt_pct(char *buf, size_t n, double ratio)
{
    if (n == 0)
        return buf;
    if (!isfinite(ratio) || ratio < 0)
        return fmt_str(buf, n, "-");
    double pct = ratio * 100.0;
    if (pct >= 100.0) {
        snprintf(buf, n, "%.0f%%", floor(pct));
        return buf;
    }
    double tenths = round(pct * 10.0);
    if (tenths >= 1000.0)
        tenths = 999.0; /* not 100 % yet: do not show "100.0%" */
    snprintf(buf, n, "%.1f%%", tenths / 10.0);
    return buf;
}

/* ---- counts --------------------------------------------------------- */

char *fmt_count(char *buf, size_t n, long long v)
{
    char digits[32];
    char out[48];
    unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
                                   : (unsigned long long)v;
    int nd = snprintf(digits, sizeof digits, "%llu", mag);
    size_t o = 0;

    if (n == 0)
        return buf;
    if (v < 0)
        out[o++] = '-';
    for (int i = 0; i < nd; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return fmt_str(buf, n, out);
}

/* ---- timestamps ----------------------------------------------------- */

char *fmt_time_utc(char *buf, size_t n, int64_t epoch_usec)
{
    if (n == 0)
        return buf;
    if (epoch_usec == INT64_MIN)
        return fmt_str(buf, n, "-inf");
    if (epoch_usec == INT64_MAX)
        return fmt_str(buf, n, "+inf");
    int64_t secs = epoch_usec / 1000000;
    if (epoch_usec % 1000000 < 0)
        secs--; /* floor division for times before 1970 */
    time_t t = (time_t)secs;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        return fmt_str(buf, n, "-");
    snprintf(buf, n, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    return buf;
}

char *fmt_time_epoch(char *buf, size_t n, double epoch)
{
    /* beyond +-9.2e12 s (PostgreSQL's own limits, open chunk ends) the
     * microseconds do not fit int64: the conversion would be undefined */
    if (!isfinite(epoch) || fabs(epoch) >= 9.2e12)
        return fmt_str(buf, n, "-");
    return fmt_time_utc(buf, n, (int64_t)(epoch * 1e6));
}

/* ---- interval parsing ----------------------------------------------- */

struct unit_name {
    const char *name;
    double secs;
};

static const struct unit_name unit_names[] = {
    { "us", 1e-6 }, { "usec", 1e-6 }, { "usecs", 1e-6 },
    { "microsecond", 1e-6 }, { "microseconds", 1e-6 },
    { "ms", 1e-3 }, { "msec", 1e-3 }, { "msecs", 1e-3 },
    { "millisecond", 1e-3 }, { "milliseconds", 1e-3 },
    { "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 }, { "seconds", 1 },
    { "m", SEC_MINUTE }, { "min", SEC_MINUTE }, { "mins", SEC_MINUTE },
    { "minute", SEC_MINUTE }, { "minutes", SEC_MINUTE },
    { "h", SEC_HOUR }, { "hr", SEC_HOUR }, { "hrs", SEC_HOUR },
    { "hour", SEC_HOUR }, { "hours", SEC_HOUR },
    { "d", SEC_DAY }, { "day", SEC_DAY }, { "days", SEC_DAY },
    { "w", 7 * SEC_DAY }, { "week", 7 * SEC_DAY }, { "weeks", 7 * SEC_DAY },
    { "mon", SEC_MONTH }, { "mons", SEC_MONTH }, { "month", SEC_MONTH },
    { "months", SEC_MONTH },
    { "y", SEC_YEAR }, { "yr", SEC_YEAR }, { "yrs", SEC_YEAR },
    { "year", SEC_YEAR }, { "years", SEC_YEAR },
};

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Unsigned decimal "123" or "1.5" (at most 18 integer digits). Returns the
 * end, or NULL when there is no digit. */
static const char *parse_number(const char *p, double *out, int *intdigits)
{
    double v = 0;
    int nd = 0;
    while (isdigit((unsigned char)*p)) {
        if (++nd > 18)
            return NULL;
        v = v * 10 + (*p++ - '0');
    }
    *intdigits = nd;
    if (*p == '.' && isdigit((unsigned char)p[1])) {
        double scale = 0.1;
        p++;
        while (isdigit((unsigned char)*p)) {
            v += (*p++ - '0') * scale;
            scale /= 10;
        }
        nd++;
    }
    if (nd == 0)
        return NULL;
    *out = v;
    return p;
}

/* Reads a unit word; returns its end and *secs, or NULL if unknown. */
static const char *parse_unit(const char *p, double *secs)
{
    size_t len = 0;
    while (isalpha((unsigned char)p[len]))
        len++;
    if (len == 0)
        return NULL;
    for (size_t i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++) {
        if (strlen(unit_names[i].name) == len &&
            strncasecmp(p, unit_names[i].name, len) == 0) {
            *secs = unit_names[i].secs;
            return p + len;
        }
    }
    return NULL;
}

/* Two-digit field 00..59 after a ':'. */
static const char *parse_sexagesimal(const char *p, double *out)
{
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
        return NULL;
    int v = (p[0] - '0') * 10 + (p[1] - '0');
    if (v > 59)
        return NULL;
    *out = v;
    return p + 2;
}

/* Time field after its hours: ":MM" or ":MM:SS[.frac]". */
static const char *parse_time_rest(const char *p, double hours, double *out)
{
    double mm, ss = 0;
    p = parse_sexagesimal(p + 1, &mm);
    if (p == NULL)
        return NULL;
    if (*p == ':') {
        p = parse_sexagesimal(p + 1, &ss);
        if (p == NULL)
            return NULL;
        if (*p == '.') {
            double scale = 0.1;
            if (!isdigit((unsigned char)p[1]))
                return NULL;
            for (p++; isdigit((unsigned char)*p); p++) {
                ss += (*p - '0') * scale;
                scale /= 10;
            }
        }
    }
    *out = hours * SEC_HOUR + mm * SEC_MINUTE + ss;
    return p;
}

/* One term: [sign] number ( [space] unit | time-field | nothing ).
 * Sets *bare when the term had no unit. */
static const char *parse_term(const char *p, double *out, bool *bare)
{
    double sign = 1, v, unit;
    int intdigits;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    p = parse_number(p, &v, &intdigits);
    if (p == NULL)
        return NULL;
    *bare = false;
    if (*p == ':') {
        if (intdigits == 0 || v != floor(v))
            return NULL;
        p = parse_time_rest(p, v, &v);
        *out = sign * v;
        return p;
    }
    const char *q = parse_unit(skip_space(p), &unit);
    if (q == NULL) {
        *bare = true;
        *out = sign * v;
        return p;
    }
    *out = sign * v * unit;
    return q;
}

static bool is_word(const char *p, const char *w)
{
    size_t len = strlen(w);
    return strncasecmp(p, w, len) == 0 && !isalnum((unsigned char)p[len]);
}

int fmt_parse_interval(const char *s, double *seconds)
{
    if (s == NULL || seconds == NULL)
        return -1;
    const char *p = skip_space(s);
    if (*p == '@')
        p = skip_space(p + 1);
    double total = 0;
    int terms = 0;
    bool bare = false, ago = false;
    while (*p != '\0') {
        if (terms > 0 && is_word(p, "ago")) {
            ago = true;
            p = skip_space(p + 3);
            break;
        }
        double v;
        p = parse_term(p, &v, &bare);
        if (p == NULL || (bare && terms > 0))
            return -1;
        total += v;
        terms++;
        p = skip_space(p);
        if (bare && *p != '\0')
            return -1; /* a bare number is only valid alone */
    }
    if (terms == 0 || *p != '\0')
        return -1;
    if (!isfinite(total) || fabs(total) > INTERVAL_MAX_SECONDS)
        return -1;
    *seconds = ago ? -total : total;
    return 0;
}

/* An integer time column's figure in its own units: "400u"; above 100,000
 * k M G T P E ("1.8Gu"); "-" unknown (NaN). */
char *fmt_units(char *buf, size_t n, double v)
{
	static const char sfx[] = "kMGTPE";
	if (isnan(v)) {
		snprintf(buf, n, "-");
		return buf;
	}
	if (v < 100000) {
		snprintf(buf, n, "%.0fu", v);
		return buf;
	}
	int k = 0; /* v >= 100000: at least k */
	v /= 1000;
	while (v >= 1000 && k < 5) {
		v /= 1000;
		k++;
	}
	snprintf(buf, n, v < 10 ? "%.1f%cu" : "%.0f%cu", v, sfx[k]);
	return buf;
}
