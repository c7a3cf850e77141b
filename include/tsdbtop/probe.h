/* probe — fill struct server_info from the probe query (db side). */
#ifndef TSDBTOP_PROBE_H
#define TSDBTOP_PROBE_H

#include <stddef.h>

#include "tsdbtop/server.h"

struct pg_result;
struct pg_conn;

/* The probe SQL (embedded from sql/queries/probe.sql). */
const char *probe_sql(void);
/* Parse the probe's single row; host/port come from the connection.
 * Returns 0, or -1 with a message. */
int probe_parse(const struct pg_result *res, struct pg_conn *pg,
		struct server_info *si, char *err, size_t errsz);

#endif
