/* exp_ro — every exporter session is read-only by construction: its
 * connection string carries options=-c default_transaction_read_only=on,
 * whatever the configuration says (the exporter has no action runner and
 * sends only the collectors' SELECTs; this makes a mistake impossible). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp_int.h"

#define RO_OPTION "-c default_transaction_read_only=on"

/* key='value' with \ and ' escaped, appended to b (size n, used *w). */
static void put_kv(char *b, size_t n, size_t *w, const char *key, const char *val)
{
	if (*w < n)
		*w += (size_t)snprintf(b + *w, n - *w, "%s%s='", *w ? " " : "", key);
	for (const char *p = val; *p && *w + 3 < n; p++) {
		if (*p == '\\' || *p == '\'')
			b[(*w)++] = '\\';
		b[(*w)++] = *p;
	}
	if (*w + 2 < n) {
		b[(*w)++] = '\'';
		b[*w] = '\0';
	}
}

static const char *value_of(const PQconninfoOption *o, const char *key)
{
	for (; o && o->keyword; o++)
		if (!strcmp(o->keyword, key))
			return o->val && *o->val ? o->val : NULL;
	return NULL;
}

char *exp_ro_conninfo(const char *conninfo, char *err, size_t n)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo ? conninfo : "", &perr);
	if (!opts) {
		snprintf(err, n, "bad connection string: %s", perr ? perr : "out of memory");
		err[strcspn(err, "\n")] = '\0';
		PQfreemem(perr);
		return NULL;
	}
	size_t cap = 8192, w = 0;
	char *b = calloc(1, cap);
	for (const PQconninfoOption *o = opts; b && o->keyword; o++)
		if (o->val && *o->val && strcmp(o->keyword, "options") != 0)
			put_kv(b, cap, &w, o->keyword, o->val);
	const char *own = value_of(opts, "options");
	if (!own)
		own = getenv("PGOPTIONS");
	char ro[1024];
	snprintf(ro, sizeof ro, "%s%s%s", own ? own : "", own ? " " : "", RO_OPTION);
	if (b) {
		put_kv(b, cap, &w, "options", ro);
		if (!value_of(opts, "application_name"))
			put_kv(b, cap, &w, "application_name", "tsdbtop-exporter");
	}
	PQconninfoFree(opts);
	if (!b || w + 4 >= cap) {
		snprintf(err, n, "connection string too long or out of memory");
		free(b);
		return NULL;
	}
	return b;
}
