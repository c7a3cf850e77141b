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
#define CONFIG_MAX_SERVERS 64
#define CONFIG_SERVER_NAME 64

/* A [server NAME] section: one server of the fleet (console overview,
 * exporter). NAME: letters, digits and . _ - : (it becomes a label). */
struct config_server {
	char name[CONFIG_SERVER_NAME];
	char conninfo[CONFIG_LINE_MAX];   /* conninfo string or URI, as psql takes */
	char origin[64];                  /* "FILE:LINE" of the section */
};

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
	struct config_server servers[CONFIG_MAX_SERVERS];
	int nservers;
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
/* Prints every key, then the [server NAME] sections (passwords masked). */
void config_print(const struct config *c, FILE *out);
/* The [server NAME] section called name, or NULL. */
const struct config_server *config_server_find(const struct config *c, const char *name);
/* 0 when s may name a server (1-63 of letters, digits, . _ - :), else -1. */
int config_server_name_ok(const char *s);
/* conninfo with any password replaced by "****" (key=value or URI). */
void config_mask_conninfo(char *buf, size_t n, const char *conninfo);
/* Number of keys, and key i's "section.key" name (for docs and tests). */
int config_key_count(void);
const char *config_key_name(int i);

#endif
