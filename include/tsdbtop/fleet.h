/* fleet — the servers one process watches: the console's overview and the
 * exporter. Built from the positional CONNINFOs (a name of a configured
 * [server NAME] section stands for its conninfo) or, without any, from
 * the configuration's [server] sections; otherwise the one server the
 * options describe. Each target gets its own struct options (the flags
 * -h -p -U -d still override every conninfo, as for one server). */
#ifndef TSDBTOP_FLEET_H
#define TSDBTOP_FLEET_H

#include <stddef.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/config.h"

#define FLEET_MAX 64

struct fleet_target {
	char name[CONFIG_SERVER_NAME];   /* the section's name, or host:port/db */
	const char *conninfo;            /* NULL: the options' own connection */
	bool named;                      /* from a [server NAME] section */
	struct options opt;              /* the options for this server */
};

struct fleet {
	struct fleet_target t[FLEET_MAX];
	int n;
};

/* Fill f from o (and o->config, may be NULL). Returns 0, or -1 with a
 * one-line reason in err (too many servers). */
int fleet_build(struct fleet *f, const struct options *o, char *err, size_t errsz);
/* The target called name, or -1. */
int fleet_find(const struct fleet *f, const char *name);
/* A short name for a conninfo or URI: host[:port][/db] ("local" for a
 * socket), cut to fit. */
void fleet_label(char *buf, size_t n, const char *conninfo);

#endif
