/* sanitize.h — make database-supplied text safe to draw, and measure it.
 *
 * Names from the database (hypertables, schemas, jobs, error messages) may
 * contain anything: escape sequences, newlines, invalid UTF-8. They go
 * through sanitize_text() / text_fit() before reaching the screen.
 * Pure C, locale-independent decoding; no curses. */
#ifndef TSDBTOP_SANITIZE_H
#define TSDBTOP_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* Copies src into dst keeping valid UTF-8 and replacing with one '?' each:
 * a C0 control (U+0000..U+001F: ESC, CR, LF, TAB...), DEL, a C1 control
 * (U+0080..U+009F), and each invalid piece of UTF-8 (stray continuation
 * byte, invalid lead byte, overlong form, surrogate, > U+10FFFF, or the
 * maximal valid prefix of a truncated sequence). Always NUL-terminates when
 * dstsz > 0 and never splits a multibyte character at the end of dst.
 * src NULL is treated as "". Returns the bytes written, excluding the NUL. */
size_t sanitize_text(char *dst, size_t dstsz, const char *src);

/* Display columns of a UTF-8 string (as sanitize_text would output it):
 * wcwidth() when the current locale knows the character, otherwise a
 * built-in table (East Asian wide/fullwidth = 2, combining marks = 0);
 * anything else, including replaced bytes, counts 1. NULL -> 0. */
int text_width(const char *s);

/* Sanitises src and fits it into `width` columns in dst (dstsz bytes).
 * If it fits, it is copied whole; else it is cut and ends with "…" (U+2026)
 * when utf8 is true, "~" when not. With utf8 false the output is pure ASCII:
 * every non-ASCII character becomes '?'. The result never exceeds width
 * columns (nor dstsz - 1 bytes) and never splits a double-width character;
 * it may be one column short when a wide character meets the cut.
 * width <= 0 -> "". */
void text_fit(char *dst, size_t dstsz, const char *src, int width, bool utf8);

/* As text_fit, but a string too wide keeps its end: "…telemetry.metric_hist"
 * (a schema-qualified name keeps its table name). */
void text_fit_tail(char *dst, size_t dstsz, const char *src, int width, bool utf8);

/* A libpq connection error made to fit a status line, reason first: drops
 * libpq's 'connection to server at "H", port P failed: ' / 'connection to
 * server on socket "S" failed: ' lead (the header shows the server) and a
 * 'FATAL:  ' / 'ERROR:  ' severity, folds newlines and runs of blanks into
 * one space, trims, then sanitises as sanitize_text. "connection to server
 * at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed
 * for user "x"" -> "password authentication failed for user "x"".
 * Returns the bytes written, excluding the NUL. */
size_t sanitize_pg_error(char *dst, size_t dstsz, const char *msg);

#endif
