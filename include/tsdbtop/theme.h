/* theme.h — colours by semantic role.
 *
 * A theme says how each role (header, warning, selected row...) looks:
 * foreground, background (-1 = terminal default, 0..255) and attribute
 * flags. No curses here: the UI maps roles to colour pairs and attributes.
 * Themes are built in, or plain-text files (see the themes/ folder):
 *
 *     # comment
 *     [theme]
 *     name = my-theme
 *     monochrome = no
 *     warning = yellow default bold      # role = FG BG [attr...]
 *
 * Colours: default, black red green yellow blue magenta cyan white (0..7),
 * bright-black .. bright-white (8..15), color0 .. color255.
 * Attributes: bold reverse underline dim blink. Roles not mentioned keep
 * the built-in "default" theme's style. */
#ifndef TSDBTOP_THEME_H
#define TSDBTOP_THEME_H

#include <stdbool.h>
#include <stddef.h>

enum theme_role {
    ROLE_NORMAL,
    ROLE_HEADER,
    ROLE_STATUS,
    ROLE_TITLE,
    ROLE_TITLE_FOCUS,
    ROLE_BORDER,
    ROLE_SELECTED,
    ROLE_COLUMN_HEADER,
    ROLE_OK,
    ROLE_WARNING,
    ROLE_CRITICAL,
    ROLE_DIM,
    ROLE_ACCENT,
    ROLE_BANNER,
    ROLE_COUNT
};

enum {
    THEME_BOLD = 1,
    THEME_REVERSE = 2,
    THEME_UNDERLINE = 4,
    THEME_DIM = 8,
    THEME_BLINK = 16
};

#define THEME_COLOR_DEFAULT (-1)
#define THEME_NAME_MAX 32          /* including the NUL */
#define THEME_FILE_MAX 65536 /* 64 KiB; larger files are refused */
#define THEME_LINE_MAX 256         /* longer lines are refused */

struct theme_style {
    short fg, bg;    /* -1 = terminal default, else 0..255 */
    unsigned attrs;  /* THEME_BOLD | THEME_REVERSE | ... */
};

struct theme {
    char name[THEME_NAME_MAX];
    bool monochrome; /* use no colour pairs at all, only attributes */
    struct theme_style role[ROLE_COUNT];
};

/* "normal", "header", ..., "banner"; NULL for an out-of-range role. */
const char *theme_role_name(enum theme_role r);

/* Fills *t with a built-in theme: "default" (dark), "light",
 * "high-contrast", "monochrome". Returns 0, or -1 (t untouched) when the
 * name is unknown. */
int theme_builtin(struct theme *t, const char *name);

/* NULL-terminated list of the built-in theme names. */
const char *const *theme_builtin_names(void);

/* Loads a theme file over a copy of the built-in default. On success
 * returns 0 and stores it in *t (name defaults to the file's base name
 * without ".theme"). On failure returns -1, leaves *t untouched and writes
 * "PATH:LINE: message" (or "PATH: message", e.g. "No such file or
 * directory") into err. Refused: unknown role, key or section, unknown
 * colour or attribute, missing '=' or colours, a line over 256 bytes, NUL
 * bytes or other binary data, a file over 64 KiB. */
int theme_load_file(struct theme *t, const char *path, char *err, size_t errsz);

/* A name containing '/' or ending in ".theme" is a path (theme_load_file);
 * otherwise a built-in name, else "<dir>/<name>.theme" in each of the
 * NULL-terminated search_dirs (which may be NULL). Returns 0 or -1 with
 * err set and *t untouched. */
int theme_resolve(struct theme *t, const char *name_or_path,
                  const char *search_dirs[], char *err, size_t errsz);

#endif
