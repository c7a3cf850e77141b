/* sanitize.c — see tsdbtop/sanitize.h */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth() */
#endif
#include "tsdbtop/sanitize.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

struct range {
    uint32_t lo, hi;
};

/* East Asian Wide and Fullwidth (plus the emoji presentation blocks). */
static const struct range wide_ranges[] = {
    { 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A },
    { 0x23E9, 0x23EC }, { 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 },
    { 0x25FD, 0x25FE }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
    { 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
    { 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 },
    { 0x26CE, 0x26CE }, { 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA },
    { 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 }, { 0x26FA, 0x26FA },
    { 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
    { 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E },
    { 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
    { 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF }, { 0x2B1B, 0x2B1C },
    { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
    { 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF },
    { 0xA000, 0xA4CF }, { 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 },
    { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F },
    { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE4 },
    { 0x17000, 0x18CFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 },
    { 0x1F0CF, 0x1F0CF }, { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A },
    { 0x1F200, 0x1F251 }, { 0x1F300, 0x1F64F }, { 0x1F680, 0x1F6FF },
    { 0x1F7E0, 0x1F7EB }, { 0x1F900, 0x1F9FF }, { 0x1FA70, 0x1FAFF },
    { 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

/* Combining marks and zero-width format characters. */
static const struct range zero_ranges[] = {
    { 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD },
    { 0x05BF, 0x05BF }, { 0x05C1, 0x05C2 }, { 0x05C4, 0x05C5 },
    { 0x05C7, 0x05C7 }, { 0x0610, 0x061A }, { 0x064B, 0x065F },
    { 0x0670, 0x0670 }, { 0x06D6, 0x06DC }, { 0x06DF, 0x06E4 },
    { 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E },
    { 0x1160, 0x11FF }, { 0x1AB0, 0x1AFF }, { 0x1DC0, 0x1DFF },
    { 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x2064 },
    { 0x20D0, 0x20FF }, { 0x302A, 0x302D }, { 0x3099, 0x309A },
    { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F }, { 0xFEFF, 0xFEFF },
    { 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F }, { 0xE0100, 0xE01EF },
};

static bool in_ranges(uint32_t cp, const struct range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

static bool cp_is_control(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

static int cp_width(uint32_t cp)
{
    if (cp < 0x7F)
        return 1;
    if (cp_is_control(cp))
        return 1; /* drawn as '?' */
    int w = wcwidth((wchar_t)cp);
    if (w >= 0)
        return w;
    if (in_ranges(cp, zero_ranges, sizeof zero_ranges / sizeof zero_ranges[0]))
        return 0;
    if (in_ranges(cp, wide_ranges, sizeof wide_ranges / sizeof wide_ranges[0]))
        return 2;
    return 1;
}

static bool is_cont(unsigned char c)
{
    return c >= 0x80 && c <= 0xBF;
}

/* Decodes one UTF-8 character at p (Unicode table 3-7, well-formed
 * sequences only). Returns the bytes consumed (>= 1 unless *p is NUL);
 * *valid false means those bytes are one invalid piece. */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp, bool *valid)
{
    unsigned char c = p[0];
    size_t len;
    unsigned char lo2 = 0x80, hi2 = 0xBF;

    *valid = false;
    if (c < 0x80) {
        *cp = c;
        *valid = true;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        *cp = c & 0x0F;
        if (c == 0xE0)
            lo2 = 0xA0; /* overlong */
        else if (c == 0xED)
            hi2 = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        *cp = c & 0x07;
        if (c == 0xF0)
            lo2 = 0x90; /* overlong */
        else if (c == 0xF4)
            hi2 = 0x8F; /* > U+10FFFF */
    } else {
        return 1; /* stray continuation, C0/C1 overlong lead, F5..FF */
    }
    if (p[1] < lo2 || p[1] > hi2)
        return 1;
    for (size_t i = 1; i < len; i++) {
        if (!is_cont(p[i]))
            return i; /* truncated: the maximal valid prefix */
        *cp = (*cp << 6) | (p[i] & 0x3F);
    }
    *valid = true;
    return len;
}

/* One output unit: either the source bytes of a safe character or "?". */
struct unit {
    const char *bytes;
    size_t len;
    int width;
};

/* Takes the unit at p; returns the source bytes consumed (0 at the end). */
static size_t unit_take(const unsigned char *p, bool utf8, struct unit *u)
{
    uint32_t cp = 0;
    bool valid;

    if (*p == '\0')
        return 0;
    size_t used = utf8_decode(p, &cp, &valid);
    if (!valid || cp_is_control(cp) || (!utf8 && cp >= 0x80)) {
        u->bytes = "?";
        u->len = 1;
        u->width = 1;
    } else {
        u->bytes = (const char *)p;
        u->len = used;
        u->width = cp_width(cp);
    }
    return used;
}

size_t sanitize_text(char *dst, size_t dstsz, const char *src)
{
    const unsigned char *p = (const unsigned char *)(src ? src : "");
    struct unit u;
    size_t out = 0, used;

    if (dstsz == 0)
        return 0;
    while ((used = unit_take(p, true, &u)) > 0) {
        if (out + u.len > dstsz - 1)
            break;
        memcpy(dst + out, u.bytes, u.len);
        out += u.len;
        p += used;
    }
    dst[out] = '\0';
    return out;
}

int text_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    struct unit u;
    size_t used;
    int w = 0;

    while ((used = unit_take(p, true, &u)) > 0) {
        if (w > INT_MAX - 2)
            break;
        w += u.width;
        p += used;
    }
    return w;
}

/* Does all of src fit in width columns and room bytes? */
static bool fit_whole(const unsigned char *p, bool utf8, int width, size_t room)
{
    struct unit u;
    size_t used, bytes = 0;
    int cols = 0;

    while ((used = unit_take(p, utf8, &u)) > 0) {
        cols += u.width;
        bytes += u.len;
        if (cols > width || bytes > room)
            return false;
        p += used;
    }
    return true;
}

/* Copies units while they fit in width columns and room bytes. */
static size_t copy_units(char *dst, const unsigned char *p, bool utf8,
                         int width, size_t room)
{
    struct unit u;
    size_t used, out = 0;
    int cols = 0;

    while ((used = unit_take(p, utf8, &u)) > 0) {
        if (cols + u.width > width || out + u.len > room)
            break;
        memcpy(dst + out, u.bytes, u.len);
        out += u.len;
        cols += u.width;
        p += used;
    }
    return out;
}

void text_fit(char *dst, size_t dstsz, const char *src, int width, bool utf8)
{
    const unsigned char *p = (const unsigned char *)(src ? src : "");
    const char *ell = utf8 ? "\xE2\x80\xA6" : "~";
    size_t elen = strlen(ell);

    if (dstsz == 0)
        return;
    dst[0] = '\0';
    if (width <= 0)
        return;
    size_t room = dstsz - 1;
    if (fit_whole(p, utf8, width, room)) {
        dst[copy_units(dst, p, utf8, width, room)] = '\0';
        return;
    }
    if (room < elen) {
        dst[copy_units(dst, p, utf8, width, room)] = '\0';
        return;
    }
    size_t out = copy_units(dst, p, utf8, width - 1, room - elen);
    memcpy(dst + out, ell, elen);
    dst[out + elen] = '\0';
}

void text_fit_tail(char *dst, size_t dstsz, const char *src, int width, bool utf8)
{
    char whole[1024];
    const char *ell = utf8 ? "\xE2\x80\xA6" : "~";

    if (dstsz == 0)
        return;
    dst[0] = '\0';
    if (width <= 0)
        return;
    text_fit(whole, sizeof whole, src, (int)sizeof whole, utf8);
    if (text_width(whole) <= width || width < 2) {
        text_fit(dst, dstsz, whole, width, utf8);
        return;
    }
    const unsigned char *p = (const unsigned char *)whole;
    while (*p && text_width((const char *)p) > width - 1) {
        p++;                                  /* one character: skip its continuation bytes */
        while ((*p & 0xC0) == 0x80)
            p++;
    }
    char joined[1024 + 4];
    size_t el = strlen(ell), rest = strlen((const char *)p);
    memcpy(joined, ell, el + 1);
    memcpy(joined + el, p, rest + 1);
    text_fit(dst, dstsz, joined, width, utf8);   /* the byte budget of dst */
}

size_t sanitize_pg_error(char *dst, size_t dstsz, const char *msg)
{
    const char *p = msg ? msg : "";
    char buf[1024] = "";
    size_t n = 0;

    for (;;) {          /* one lead per attempt: "a failed: b failed: REASON" */
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        const char *f = strstr(p, " failed: ");
        if (strncmp(p, "connection to server ", 21) == 0 && f != NULL)
            p = f + 9;
        else if (strncmp(p, "FATAL:", 6) == 0 || strncmp(p, "ERROR:", 6) == 0)
            p += 6;
        else
            break;
    }
    for (; *p && n < sizeof buf - 1; p++) {
        bool blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
        if (blank && (n == 0 || buf[n - 1] == ' '))
            continue;
        buf[n++] = blank ? ' ' : *p;
    }
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return sanitize_text(dst, dstsz, buf);
}
