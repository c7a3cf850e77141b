/* metrics_prom — `tsdbtop metrics --format prometheus [--out FILE]`: one
 * snapshot in the exporter's exposition (include/tsdbtop/prom.h), for
 * node_exporter's textfile collector. With --out the file is replaced
 * atomically: a temp file in the same directory (.NAME.XXXXXX, which the
 * collector ignores), fsync, rename, fsync of the directory; the temp file
 * never stays behind. Internal to tui/headless (manage.c). */
#ifndef TSDBTOP_METRICS_PROM_H
#define TSDBTOP_METRICS_PROM_H

#include "tsdbtop/cli.h"

/* o: the command's options (o->conninfo may name a [server NAME]); out:
 * NULL = stdout. Exit 0 written, 1 the file could not be written, 2 bad
 * configuration file, 3 cannot connect (the exposition, with tsdbtop_up 0,
 * is written all the same). */
int metrics_prom(struct options *o, const char *out);

#endif
