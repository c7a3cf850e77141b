/* Unit tests for tsdbtop/theme.h. Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsdbtop/theme.h"

#define FIX "tests/unit/fixtures/themes/"
#define ALL_ATTRS (THEME_BOLD | THEME_REVERSE | THEME_UNDERLINE | THEME_DIM | \
                   THEME_BLINK)

static void assert_style(const struct theme_style *s, short fg, short bg,
                         unsigned attrs)
{
    assert_int_equal(s->fg, fg);
    assert_int_equal(s->bg, bg);
    assert_int_equal(s->attrs, attrs);
}

static void assert_theme_equal(const struct theme *a, const struct theme *b)
{
    assert_string_equal(a->name, b->name);
    assert_int_equal(a->monochrome, b->monochrome);
    for (int r = 0; r < ROLE_COUNT; r++) {
        if (a->role[r].fg != b->role[r].fg || a->role[r].bg != b->role[r].bg ||
            a->role[r].attrs != b->role[r].attrs)
            fail_msg("theme %s: role %s differs", a->name, theme_role_name(r));
    }
}

/* A theme full of garbage, to prove a failed load leaves it alone. */
static void sentinel(struct theme *t)
{
    memset(t, 0x5A, sizeof *t);
}

static void assert_sentinel(const struct theme *t)
{
    struct theme s;
    sentinel(&s);
    assert_memory_equal(t, &s, sizeof s);
}

static void test_role_names(void **state)
{
    (void)state;
    static const char *const expected[ROLE_COUNT] = {
        "normal", "header", "status", "title", "title_focus", "border",
        "selected", "column_header", "ok", "warning", "critical", "dim",
        "accent", "banner",
    };
    assert_int_equal(ROLE_COUNT, 14);
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_string_equal(theme_role_name(r), expected[r]);
    assert_null(theme_role_name(ROLE_COUNT));
    assert_null(theme_role_name((enum theme_role)-1));
}

static void test_builtins(void **state)
{
    (void)state;
    const char *const *names = theme_builtin_names();
    static const char *const expected[] = { "default", "light",
                                            "high-contrast", "monochrome" };
    int n = 0;
    for (; names[n] != NULL; n++) {
        assert_true(n < 4);
        assert_string_equal(names[n], expected[n]);
        struct theme t;
        sentinel(&t);
        assert_int_equal(theme_builtin(&t, names[n]), 0);
        assert_string_equal(t.name, names[n]);
        for (int r = 0; r < ROLE_COUNT; r++) {
            assert_in_range(t.role[r].fg + 1, 0, 256);
            assert_in_range(t.role[r].bg + 1, 0, 256);
            assert_int_equal(t.role[r].attrs & ~(unsigned)ALL_ATTRS, 0);
        }
        /* Highlighted roles must look different from normal text. */
        const struct theme_style *nm = &t.role[ROLE_NORMAL];
        const int loud[] = { ROLE_SELECTED, ROLE_WARNING, ROLE_CRITICAL,
                             ROLE_HEADER, ROLE_TITLE_FOCUS };
        for (size_t i = 0; i < sizeof loud / sizeof loud[0]; i++) {
            const struct theme_style *s = &t.role[loud[i]];
            assert_true(s->fg != nm->fg || s->bg != nm->bg ||
                        s->attrs != nm->attrs);
        }
        assert_true(memcmp(&t.role[ROLE_WARNING], &t.role[ROLE_CRITICAL],
                           sizeof t.role[0]) != 0);
    }
    assert_int_equal(n, 4);

    struct theme t;
    sentinel(&t);
    assert_int_equal(theme_builtin(&t, "solarized"), -1);
    assert_int_equal(theme_builtin(&t, ""), -1);
    assert_int_equal(theme_builtin(&t, NULL), -1);
    assert_int_equal(theme_builtin(&t, "Default"), -1);
    assert_sentinel(&t);
}

static void test_monochrome(void **state)
{
    (void)state;
    struct theme t;
    assert_int_equal(theme_builtin(&t, "monochrome"), 0);
    assert_true(t.monochrome);
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_style(&t.role[r], -1, -1, t.role[r].attrs);
    assert_style(&t.role[ROLE_OK], -1, -1, 0);
    assert_style(&t.role[ROLE_WARNING], -1, -1, THEME_BOLD);
    assert_style(&t.role[ROLE_CRITICAL], -1, -1, THEME_REVERSE | THEME_BOLD);
    assert_style(&t.role[ROLE_SELECTED], -1, -1, THEME_REVERSE);

    assert_int_equal(theme_builtin(&t, "default"), 0);
    assert_false(t.monochrome);
    assert_int_equal(theme_builtin(&t, "high-contrast"), 0);
    assert_false(t.monochrome);
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_true(t.role[r].fg != t.role[r].bg); /* explicit contrast */
    assert_true(t.role[ROLE_CRITICAL].attrs & THEME_BOLD);
    assert_true(t.role[ROLE_WARNING].attrs & THEME_BOLD);
}

/* themes/<name>.theme equals the built-in of the same name. */
static void test_theme_files_match_builtins(void **state)
{
    (void)state;
    for (const char *const *n = theme_builtin_names(); *n != NULL; n++) {
        char path[256], err[512] = "";
        struct theme file, builtin;
        snprintf(path, sizeof path, "themes/%s.theme", *n);
        if (theme_load_file(&file, path, err, sizeof err) != 0)
            fail_msg("%s: %s", path, err);
        assert_int_equal(theme_builtin(&builtin, *n), 0);
        assert_theme_equal(&file, &builtin);
    }
}

static void test_load_good(void **state)
{
    (void)state;
    struct theme t, def;
    char err[512] = "";
    assert_int_equal(theme_builtin(&def, "default"), 0);
    if (theme_load_file(&t, FIX "good.theme", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(t.name, "control-room");
    assert_false(t.monochrome);
    assert_style(&t.role[ROLE_WARNING], 11, 17, THEME_BOLD | THEME_UNDERLINE);
    assert_style(&t.role[ROLE_CRITICAL], 255, 0, THEME_REVERSE | THEME_BLINK);
    assert_style(&t.role[ROLE_OK], 10, -1, 0);
    assert_style(&t.role[ROLE_DIM], 8, -1, THEME_DIM);
    /* Roles not mentioned keep the default theme's style. */
    const int kept[] = { ROLE_NORMAL, ROLE_HEADER, ROLE_STATUS, ROLE_TITLE,
                         ROLE_TITLE_FOCUS, ROLE_BORDER, ROLE_SELECTED,
                         ROLE_COLUMN_HEADER, ROLE_ACCENT, ROLE_BANNER };
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        assert_memory_equal(&t.role[kept[i]], &def.role[kept[i]],
                            sizeof t.role[0]);
}

static void test_load_name_from_file(void **state)
{
    (void)state;
    struct theme t;
    char err[512] = "";
    if (theme_load_file(&t, FIX "noname.theme", err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(t.name, "noname");
    assert_style(&t.role[ROLE_HEADER], 1, 4, 0);
}

static void check_bad(const char *path, const char *expected_err)
{
    struct theme t;
    char err[512];
    sentinel(&t);
    memset(err, 0, sizeof err);
    assert_int_equal(theme_load_file(&t, path, err, sizeof err), -1);
    assert_string_equal(err, expected_err);
    assert_sentinel(&t);
}

static void test_load_bad_fixtures(void **state)
{
    (void)state;
    check_bad(FIX "bad-role.theme", FIX "bad-role.theme:3: unknown role 'hot'");
    check_bad(FIX "bad-colour.theme",
              FIX "bad-colour.theme:2: unknown colour 'purple'");
    check_bad(FIX "bad-bg.theme", FIX "bad-bg.theme:1: unknown colour 'color256'");
    check_bad(FIX "bad-bright.theme",
              FIX "bad-bright.theme:2: unknown colour 'bright-purple'");
    check_bad(FIX "bad-attr.theme",
              FIX "bad-attr.theme:1: unknown attribute 'sparkly' "
                  "(bold reverse underline dim blink)");
    check_bad(FIX "no-equals.theme",
              FIX "no-equals.theme:3: expected 'role = FG BG [attr...]' "
                  "(missing '=')");
    check_bad(FIX "missing-bg.theme",
              FIX "missing-bg.theme:1: role 'warning' needs a foreground and "
                  "a background colour (e.g. 'yellow default bold')");
    check_bad(FIX "bad-section.theme",
              FIX "bad-section.theme:1: unknown section '[colors]' (only [theme])");
    check_bad(FIX "bad-monochrome.theme",
              FIX "bad-monochrome.theme:1: monochrome must be yes or no, not 'maybe'");
    check_bad(FIX "bad-name.theme",
              FIX "bad-name.theme:1: bad theme name 'has space' "
                  "(1-31 of A-Z a-z 0-9 . _ -)");
    check_bad(FIX "does-not-exist.theme",
              FIX "does-not-exist.theme: No such file or directory");
    check_bad("themes", "themes: Is a directory");
}

/* Writes len bytes into dir/name, returns the path (static storage of
 * the caller's buffer). */
static const char *write_tmp(char *path, size_t psz, const char *dir,
                             const char *name, const char *data, size_t len)
{
    snprintf(path, psz, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_load_generated(void **state)
{
    (void)state;
    char dir[] = "/tmp/tsdbtop-theme-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512], expected[700];
    char *big = malloc(THEME_FILE_MAX + 100);
    assert_non_null(big);

    /* NUL byte on line 2. */
    write_tmp(path, sizeof path, dir, "nul.theme", "ok = red default\nwa\0rning", 25);
    snprintf(expected, sizeof expected, "%s:2: NUL byte (binary file?)", path);
    check_bad(path, expected);

    /* Binary junk (control bytes). */
    write_tmp(path, sizeof path, dir, "bin.theme", "\x7f" "ELF\x02\x01\x01", 7);
    snprintf(expected, sizeof expected,
             "%s:1: control character 0x7f (binary file?)", path);
    check_bad(path, expected);

    /* A 257-byte line fails, a 256-byte line is fine. */
    memset(big, ' ', 300);
    memcpy(big, "ok = red default", 16);
    big[257] = '\n';
    write_tmp(path, sizeof path, dir, "long.theme", big, 258);
    snprintf(expected, sizeof expected, "%s:1: line too long (over 256 bytes)", path);
    check_bad(path, expected);
    big[256] = '\n';
    write_tmp(path, sizeof path, dir, "long-ok.theme", big, 257);
    struct theme t;
    char err[512] = "";
    if (theme_load_file(&t, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_style(&t.role[ROLE_OK], 1, -1, 0);
    assert_string_equal(t.name, "long-ok");

    /* Over 64 KiB of comments: refused; exactly 64 KiB: fine. */
    memset(big, '#', THEME_FILE_MAX + 1);
    for (size_t i = 100; i < THEME_FILE_MAX + 1; i += 101)
        big[i] = '\n';
    write_tmp(path, sizeof path, dir, "huge.theme", big, THEME_FILE_MAX + 1);
    snprintf(expected, sizeof expected, "%s: file too large (over 65536 bytes)",
             path);
    check_bad(path, expected);
    write_tmp(path, sizeof path, dir, "max.theme", big, THEME_FILE_MAX);
    assert_int_equal(theme_load_file(&t, path, err, sizeof err), 0);

    /* CRLF line endings and no final newline are fine. */
    const char *crlf = "[theme]\r\nname = dos\r\nwarning = red default bold\r\n"
                       "ok = green default";
    write_tmp(path, sizeof path, dir, "crlf.theme", crlf, strlen(crlf));
    if (theme_load_file(&t, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(t.name, "dos");
    assert_style(&t.role[ROLE_WARNING], 1, -1, THEME_BOLD);
    assert_style(&t.role[ROLE_OK], 2, -1, 0);

    /* An empty file is the default theme under the file's name. */
    write_tmp(path, sizeof path, dir, "empty.theme", "", 0);
    assert_int_equal(theme_load_file(&t, path, err, sizeof err), 0);
    struct theme def;
    theme_builtin(&def, "default");
    snprintf(def.name, sizeof def.name, "empty");
    assert_theme_equal(&t, &def);

    /* A tiny error buffer is truncated, NUL-terminated, not overrun. */
    char small[8];
    memset(small, 'Z', sizeof small);
    assert_int_equal(theme_load_file(&t, FIX "bad-role.theme", small, 5), -1);
    assert_string_equal(small, "test");
    assert_int_equal(small[5], 'Z');

    const char *names[] = { "nul", "bin", "long", "long-ok", "huge", "max",
                            "crlf", "empty" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s.theme", dir, names[i]);
        unlink(path);
    }
    assert_int_equal(rmdir(dir), 0);
    free(big);
}

static void test_resolve(void **state)
{
    (void)state;
    struct theme t, ref;
    char err[512];
    const char *dirs[] = { "/nonexistent-dir", FIX, NULL };

    assert_int_equal(theme_resolve(&t, "light", dirs, err, sizeof err), 0);
    theme_builtin(&ref, "light");
    assert_theme_equal(&t, &ref);

    /* Not built in: found in the second search dir. */
    assert_int_equal(theme_resolve(&t, "good", dirs, err, sizeof err), 0);
    assert_string_equal(t.name, "control-room");

    /* Paths: with a '/', or ending in .theme. */
    assert_int_equal(theme_resolve(&t, "themes/high-contrast.theme", NULL, err,
                                   sizeof err), 0);
    assert_string_equal(t.name, "high-contrast");
    sentinel(&t);
    assert_int_equal(theme_resolve(&t, "light.theme", dirs, err, sizeof err), -1);
    assert_string_equal(err, "light.theme: No such file or directory");
    assert_sentinel(&t);

    /* A parse error in a found file is reported, not skipped. */
    assert_int_equal(theme_resolve(&t, "bad-role", dirs, err, sizeof err), -1);
    assert_string_equal(err, FIX "/bad-role.theme:3: unknown role 'hot'");
    assert_sentinel(&t);

    /* Unknown everywhere. */
    assert_int_equal(theme_resolve(&t, "nope", dirs, err, sizeof err), -1);
    assert_string_equal(err, "unknown theme 'nope' (built-in: default, light, "
                             "high-contrast, monochrome)");
    assert_int_equal(theme_resolve(&t, "good", NULL, err, sizeof err), -1);
    assert_int_equal(theme_resolve(&t, "", dirs, err, sizeof err), -1);
    assert_int_equal(theme_resolve(&t, NULL, dirs, err, sizeof err), -1);
    assert_sentinel(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_builtins),
        cmocka_unit_test(test_monochrome),
        cmocka_unit_test(test_theme_files_match_builtins),
        cmocka_unit_test(test_load_good),
        cmocka_unit_test(test_load_name_from_file),
        cmocka_unit_test(test_load_bad_fixtures),
        cmocka_unit_test(test_load_generated),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
