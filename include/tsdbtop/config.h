/* config — the one configuration file, INI style, parsed with libinih:
 * $XDG_CONFIG_HOME/tsdbtop/config (or ~/.config/tsdbtop/config), or
 * --config FILE. Every key is declared once in a table (name, type, range,
 * default, help); --print-config prints the effective values with where
 * each came from. An unknown key or a bad value is reported with file and
 * line and skipped; the rest still loads. Pure: no curses, no libpq. */
#ifndef TSDBTOP_CONFIG_H
#define TSDBTOP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tsdbtop/layout.h"
#include "tsdbtop/thresholds.h"

#define CONFIG_MAX_KEYS 48
#define CONFIG_FILE_MAX 65536 /* 64 KiB */
#define CONFIG_LINE_MAX 190   /* libinih reads 200-byte lines */

struct config {
	double interval;
	char theme[256];
	bool read_only;
	char log_file[512];
	double statement_timeout, lock_timeout;
	bool compat;                  /* compatibility mode (public views) */
	int pane_order[PANE_COUNT];   /* pane ids in display order */
	bool pane_visible[PANE_COUNT];
	bool kiosk;
	double kiosk_cycle;           /* seconds; 0 = all panes, no cycling */
	struct thresholds th;
	char origin[CONFIG_MAX_KEYS][64]; /* "default", "FILE:LINE", "--flag" */
};

void config_defaults(struct config *c);
/* Default path into buf ("" when neither XDG_CONFIG_HOME nor HOME is set). */
void config_default_path(char *buf, size_t n);
/* Load a file. required: a missing file is an error (--config); otherwise
 * a missing default file is fine. Errors, one per line "FILE:LINE: what",
 * go into errs. Returns the number of errors. */
int config_load(struct config *c, const char *path, bool required, char *errs, size_t errsz);
/* Set one key ("section.key" or "key") from a command-line flag; origin is
 * the flag's name. Returns 0, or -1 with a message in err. */
int config_set(struct config *c, const char *key, const char *value, const char *origin,
	       char *err, size_t errsz);
void config_print(const struct config *c, FILE *out);
/* Number of keys, and key i's "section.key" name (for docs and tests). */
int config_key_count(void);
const char *config_key_name(int i);

#endif
