/* theme.c — see tsdbtop/theme.h */
#include "tsdbtop/theme.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    C_DEF = -1, C_BLACK, C_RED, C_GREEN, C_YELLOW, C_BLUE, C_MAGENTA,
    C_CYAN, C_WHITE, C_BBLACK, C_BRED, C_BGREEN, C_BYELLOW, C_BBLUE,
    C_BMAGENTA, C_BCYAN, C_BWHITE
};

#define B THEME_BOLD
#define R THEME_REVERSE
#define U THEME_UNDERLINE
#define D THEME_DIM
#define S(f, b, a) { (short)(f), (short)(b), (unsigned)(a) }

static const struct theme theme_default = {
    "default", false, {
        [ROLE_NORMAL]        = S(C_DEF, C_DEF, 0),
        [ROLE_HEADER]        = S(C_BWHITE, C_BLUE, B),
        [ROLE_STATUS]        = S(C_BLACK, C_CYAN, 0),
        [ROLE_TITLE]         = S(C_CYAN, C_DEF, B),
        [ROLE_TITLE_FOCUS]   = S(C_BLACK, C_CYAN, B),
        [ROLE_BORDER]        = S(C_BLUE, C_DEF, 0),
        [ROLE_SELECTED]      = S(C_BLACK, C_CYAN, 0),
        [ROLE_COLUMN_HEADER] = S(C_BLACK, C_GREEN, 0),
        [ROLE_OK]            = S(C_GREEN, C_DEF, 0),
        [ROLE_WARNING]       = S(C_YELLOW, C_DEF, B),
        [ROLE_CRITICAL]      = S(C_BWHITE, C_RED, B),
        [ROLE_DIM]           = S(C_BBLACK, C_DEF, 0),
        [ROLE_ACCENT]        = S(C_CYAN, C_DEF, B),
        [ROLE_BANNER]        = S(C_BWHITE, C_RED, B),
    }
};

static const struct theme theme_light = {
    "light", false, {
        [ROLE_NORMAL]        = S(C_DEF, C_DEF, 0),
        [ROLE_HEADER]        = S(C_WHITE, C_BLUE, B),
        [ROLE_STATUS]        = S(C_WHITE, C_BLUE, 0),
        [ROLE_TITLE]         = S(C_BLUE, C_DEF, B),
        [ROLE_TITLE_FOCUS]   = S(C_WHITE, C_BLUE, B),
        [ROLE_BORDER]        = S(C_BLUE, C_DEF, 0),
        [ROLE_SELECTED]      = S(C_BLACK, C_CYAN, 0),
        [ROLE_COLUMN_HEADER] = S(C_BLACK, C_WHITE, B),
        [ROLE_OK]            = S(C_GREEN, C_DEF, 0),
        [ROLE_WARNING]       = S(C_BLACK, C_YELLOW, 0),
        [ROLE_CRITICAL]      = S(C_WHITE, C_RED, B),
        [ROLE_DIM]           = S(C_BBLACK, C_DEF, 0),
        [ROLE_ACCENT]        = S(C_MAGENTA, C_DEF, 0),
        [ROLE_BANNER]        = S(C_WHITE, C_RED, B),
    }
};

static const struct theme theme_high_contrast = {
    "high-contrast", false, {
        [ROLE_NORMAL]        = S(C_BWHITE, C_BLACK, B),
        [ROLE_HEADER]        = S(C_BLACK, C_BWHITE, B),
        [ROLE_STATUS]        = S(C_BLACK, C_BWHITE, B),
        [ROLE_TITLE]         = S(C_BWHITE, C_BLACK, B | U),
        [ROLE_TITLE_FOCUS]   = S(C_BLACK, C_BYELLOW, B),
        [ROLE_BORDER]        = S(C_BWHITE, C_BLACK, B),
        [ROLE_SELECTED]      = S(C_BLACK, C_BCYAN, B),
        [ROLE_COLUMN_HEADER] = S(C_BLACK, C_BWHITE, B),
        [ROLE_OK]            = S(C_BGREEN, C_BLACK, B),
        [ROLE_WARNING]       = S(C_BLACK, C_BYELLOW, B),
        [ROLE_CRITICAL]      = S(C_BWHITE, C_RED, B),
        [ROLE_DIM]           = S(C_WHITE, C_BLACK, 0),
        [ROLE_ACCENT]        = S(C_BCYAN, C_BLACK, B),
        [ROLE_BANNER]        = S(C_BLACK, C_BYELLOW, B),
    }
};

static const struct theme theme_monochrome = {
    "monochrome", true, {
        [ROLE_NORMAL]        = S(C_DEF, C_DEF, 0),
        [ROLE_HEADER]        = S(C_DEF, C_DEF, R),
        [ROLE_STATUS]        = S(C_DEF, C_DEF, R),
        [ROLE_TITLE]         = S(C_DEF, C_DEF, B),
        [ROLE_TITLE_FOCUS]   = S(C_DEF, C_DEF, R | B),
        [ROLE_BORDER]        = S(C_DEF, C_DEF, 0),
        [ROLE_SELECTED]      = S(C_DEF, C_DEF, R),
        [ROLE_COLUMN_HEADER] = S(C_DEF, C_DEF, U),
        [ROLE_OK]            = S(C_DEF, C_DEF, 0),
        [ROLE_WARNING]       = S(C_DEF, C_DEF, B),
        [ROLE_CRITICAL]      = S(C_DEF, C_DEF, R | B),
        [ROLE_DIM]           = S(C_DEF, C_DEF, D),
        [ROLE_ACCENT]        = S(C_DEF, C_DEF, B),
        [ROLE_BANNER]        = S(C_DEF, C_DEF, R | B),
    }
};

#undef B
#undef R
#undef U
#undef D
#undef S

static const struct theme *const builtins[] = {
    &theme_default, &theme_light, &theme_high_contrast, &theme_monochrome,
};

static const char *const builtin_names[] = {
    "default", "light", "high-contrast", "monochrome", NULL,
};

static const char *const role_names[ROLE_COUNT] = {
    "normal", "header", "status", "title", "title_focus", "border",
    "selected", "column_header", "ok", "warning", "critical", "dim",
    "accent", "banner",
};

static const char *const color_names[] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
    const char *name;
    unsigned flag;
} attr_names[] = {
    { "bold", THEME_BOLD }, { "reverse", THEME_REVERSE },
    { "underline", THEME_UNDERLINE }, { "dim", THEME_DIM },
    { "blink", THEME_BLINK },
};

const char *theme_role_name(enum theme_role r)
{
    if ((int)r < 0 || r >= ROLE_COUNT)
        return NULL;
    return role_names[r];
}

const char *const *theme_builtin_names(void)
{
    return builtin_names;
}

int theme_builtin(struct theme *t, const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        if (strcmp(builtins[i]->name, name) == 0) {
            *t = *builtins[i];
            return 0;
        }
    }
    return -1;
}

/* ---- parsing -------------------------------------------------------- */

struct parse_ctx {
    const char *path;
    int line;
    char *err;
    size_t errsz;
};

__attribute__((format(printf, 2, 3)))
static int parse_fail(const struct parse_ctx *c, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->err != NULL && c->errsz > 0) {
        if (c->line > 0)
            snprintf(c->err, c->errsz, "%s:%d: %s", c->path, c->line, msg);
        else
            snprintf(c->err, c->errsz, "%s: %s", c->path, msg);
    }
    return -1;
}

static int parse_color(const char *s, short *out)
{
    if (strcasecmp(s, "default") == 0) {
        *out = -1;
        return 0;
    }
    int base = 0;
    if (strncasecmp(s, "bright-", 7) == 0) {
        base = 8;
        s += 7;
    }
    for (int i = 0; i < 8; i++) {
        if (strcasecmp(s, color_names[i]) == 0) {
            *out = (short)(base + i);
            return 0;
        }
    }
    if (base != 0 || strncasecmp(s, "color", 5) != 0)
        return -1;
    s += 5;
    size_t len = strlen(s);
    if (len < 1 || len > 3 || strspn(s, "0123456789") != len)
        return -1;
    if (len > 1 && s[0] == '0')
        return -1;
    int v = atoi(s); /* NOLINT(cert-err34-c): 1-3 digits checked above, cannot fail */
    if (v > 255)
        return -1;
    *out = (short)v;
    return 0;
}

static int parse_attr(const char *s, unsigned *attrs)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++) {
        if (strcasecmp(s, attr_names[i].name) == 0) {
            *attrs |= attr_names[i].flag;
            return 0;
        }
    }
    return -1;
}

static int find_role(const char *key)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (strcasecmp(key, role_names[i]) == 0)
            return i;
    return -1;
}

/* "FG BG [attr...]" */
static int parse_style(const struct parse_ctx *c, const char *key,
                       char *value, struct theme_style *st)
{
    struct theme_style s = { -1, -1, 0 };
    char *save = NULL;
    char *fg = strtok_r(value, " \t", &save);
    char *bg = strtok_r(NULL, " \t", &save);

    if (fg == NULL || bg == NULL)
        return parse_fail(c, "role '%s' needs a foreground and a background "
                             "colour (e.g. 'yellow default bold')", key);
    if (parse_color(fg, &s.fg) != 0)
        return parse_fail(c, "unknown colour '%s'", fg);
    if (parse_color(bg, &s.bg) != 0)
        return parse_fail(c, "unknown colour '%s'", bg);
    for (char *a; (a = strtok_r(NULL, " \t", &save)) != NULL;)
        if (parse_attr(a, &s.attrs) != 0)
            return parse_fail(c, "unknown attribute '%s' (bold reverse "
                                 "underline dim blink)", a);
    *st = s;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static bool name_valid(const char *s)
{
    size_t len = strlen(s);
    return len > 0 && len < THEME_NAME_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789._-") == len;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                       s[len - 1] == '\r'))
        s[--len] = '\0';
    return s;
}

static int parse_keyvalue(const struct parse_ctx *c, char *line,
                          struct theme *t)
{
    char *eq = strchr(line, '=');
    if (eq == NULL)
        return parse_fail(c, "expected 'role = FG BG [attr...]' (missing '=')");
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    if (*key == '\0')
        return parse_fail(c, "missing key before '='");
    if (strcasecmp(key, "name") == 0) {
        if (!name_valid(value))
            return parse_fail(c, "bad theme name '%s' (1-31 of A-Z a-z 0-9 . _ -)",
                              value);
        snprintf(t->name, sizeof t->name, "%s", value);
        return 0;
    }
    if (strcasecmp(key, "monochrome") == 0) {
        if (parse_bool(value, &t->monochrome) != 0)
            return parse_fail(c, "monochrome must be yes or no, not '%s'", value);
        return 0;
    }
    int role = find_role(key);
    if (role < 0)
        return parse_fail(c, "unknown role '%s'", key);
    return parse_style(c, key, value, &t->role[role]);
}

static int parse_line(const struct parse_ctx *c, char *line, size_t len,
                      struct theme *t)
{
    if (len > THEME_LINE_MAX)
        return parse_fail(c, "line too long (over %d bytes)", THEME_LINE_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)line[i];
        if (ch == '\0')
            return parse_fail(c, "NUL byte (binary file?)");
        if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7F)
            return parse_fail(c, "control character 0x%02x (binary file?)", ch);
    }
    line[len] = '\0';
    char *hash = strchr(line, '#');
    if (hash != NULL)
        *hash = '\0';
    char *s = trim(line);
    if (*s == '\0' || *s == ';')
        return 0;
    if (*s == '[') {
        if (strcasecmp(s, "[theme]") != 0)
            return parse_fail(c, "unknown section '%s' (only [theme])", s);
        return 0;
    }
    return parse_keyvalue(c, s, t);
}

static int parse_buffer(struct parse_ctx *c, char *buf, size_t len,
                        struct theme *t)
{
    size_t pos = 0;
    c->line = 0;
    while (pos < len) {
        char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        c->line++;
        if (parse_line(c, buf + pos, end - pos, t) != 0)
            return -1;
        pos = end + 1;
    }
    return 0;
}

/* Reads at most THEME_FILE_MAX bytes; returns the buffer (NUL-terminated,
 * caller frees) or NULL with errno set (EFBIG when too large). */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(THEME_FILE_MAX + 2);
    if (buf == NULL) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    size_t n = fread(buf, 1, THEME_FILE_MAX + 1, f);
    int rerr = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (rerr != 0 || n > THEME_FILE_MAX) {
        free(buf);
        errno = rerr != 0 ? rerr : EFBIG;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void name_from_path(char *name, size_t sz, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 6 && strcmp(base + len - 6, ".theme") == 0)
        len -= 6;
    if (len >= sz)
        len = sz - 1;
    for (size_t i = 0; i < len; i++)
        name[i] = (isalnum((unsigned char)base[i]) || strchr("._-", base[i]))
                      ? base[i] : '_';
    name[len] = '\0';
    if (len == 0)
        snprintf(name, sz, "custom");
}

/* 0 ok, -1 error in err, -2 file does not exist (err set too). */
static int load_file(struct theme *t, const char *path, char *err, size_t errsz)
{
    struct parse_ctx c = { path, 0, err, errsz };
    size_t len = 0;
    errno = 0;
    char *buf = read_file(path, &len);
    if (buf == NULL) {
        int e = errno;
        if (e == EFBIG)
            parse_fail(&c, "file too large (over %d bytes)", THEME_FILE_MAX);
        else
            parse_fail(&c, "%s", strerror(e));
        return e == ENOENT ? -2 : -1;
    }
    struct theme copy = theme_default;
    name_from_path(copy.name, sizeof copy.name, path);
    int rc = parse_buffer(&c, buf, len, &copy);
    free(buf);
    if (rc != 0)
        return -1;
    *t = copy;
    return 0;
}

int theme_load_file(struct theme *t, const char *path, char *err, size_t errsz)
{
    if (path == NULL) {
        if (err != NULL && errsz > 0)
            snprintf(err, errsz, "(null): no theme path");
        return -1;
    }
    return load_file(t, path, err, errsz) == 0 ? 0 : -1;
}

static bool is_path(const char *s)
{
    size_t len = strlen(s);
    return strchr(s, '/') != NULL ||
           (len >= 6 && strcmp(s + len - 6, ".theme") == 0);
}

static void unknown_theme(const char *name, char *err, size_t errsz)
{
    char list[128] = "";
    for (const char *const *n = builtin_names; *n != NULL; n++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s",
                 n == builtin_names ? "" : ", ", *n);
    }
    if (err != NULL && errsz > 0)
        snprintf(err, errsz, "unknown theme '%s' (built-in: %s)", name, list);
}

int theme_resolve(struct theme *t, const char *name_or_path,
                  const char *search_dirs[], char *err, size_t errsz)
{
    if (name_or_path == NULL || *name_or_path == '\0') {
        unknown_theme("", err, errsz);
        return -1;
    }
    if (is_path(name_or_path))
        return theme_load_file(t, name_or_path, err, errsz);
    if (theme_builtin(t, name_or_path) == 0)
        return 0;
    for (size_t i = 0; search_dirs != NULL && search_dirs[i] != NULL; i++) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s.theme", search_dirs[i],
                         name_or_path);
        if (n < 0 || (size_t)n >= sizeof path)
            continue;
        int rc = load_file(t, path, err, errsz);
        if (rc != -2)
            return rc;
    }
    unknown_theme(name_or_path, err, errsz);
    return -1;
}
