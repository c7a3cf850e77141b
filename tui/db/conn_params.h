/* conn_params — the command line's connection flags as libpq keywords, for
 * every db-side module that opens a struct conn from struct options (the
 * monitor session, the action connection). */
#ifndef TSDBTOP_CONN_PARAMS_H
#define TSDBTOP_CONN_PARAMS_H

#include "tsdbtop/cli.h"

#define CONN_CLI_PARAMS 5          /* -h -p -U -d and the NULL after them */

/* -h/-p/-U/-d (those given) as host/port/user/dbname into kw/val, NULL-
 * terminated, for conn_options.keywords/values; dbname, when not NULL,
 * stands for -d. They override the CONNINFO. Returns how many. */
int conn_params_from_cli(const struct options *o, const char *dbname,
			 const char *kw[CONN_CLI_PARAMS], const char *val[CONN_CLI_PARAMS]);

#endif
