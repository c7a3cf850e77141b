/* queries — lookup of the SQL embedded from sql/queries/. */
#include "tsdbtop/queries.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *query_get(const char *name)
{
	for (const struct query_text *q = query_texts; q->name; q++)
		if (strcmp(q->name, name) == 0)
			return q->sql;
	return NULL;
}

/* Is name base, or base with version suffixes (".ts21400", ".pg150000",
 * chained as "compression.ts21400.ts22600" for the generated variant of a
 * versioned file), every one met by the server? *rank = the highest
 * minimum (0 for the bare base). Any other suffix (NAME.compat, the
 * compatibility-mode query) is not a variant: query_pick never picks it. */
static int variant_fits(const char *name, const char *base, int pg, int ts, long *rank)
{
	size_t bl = strlen(base);
	if (strncmp(name, base, bl) != 0)
		return 0;
	*rank = 0;
	for (const char *p = name + bl; *p; ) {
		if (p[0] != '.' || !(strncmp(p + 1, "ts", 2) == 0 || strncmp(p + 1, "pg", 2) == 0) ||
		    !isdigit((unsigned char)p[3]))
			return 0;
		char *end;
		long min = strtol(p + 3, &end, 10);
		if (*end != '\0' && *end != '.')
			return 0;
		if ((p[1] == 't' ? ts : pg) < min)
			return 0;
		if (min > *rank)
			*rank = min;
		p = end;
	}
	return 1;
}

const char *query_pick(const char *base, int pg_version_num, int ts_version_num)
{
	const char *best = NULL;
	long best_min = -1;
	for (const struct query_text *q = query_texts; q->name; q++) {
		long min;
		if (!variant_fits(q->name, base, pg_version_num, ts_version_num, &min))
			continue;
		if (min > best_min) {
			best = q->sql;
			best_min = min;
		}
	}
	return best;
}

bool query_ts_layout_known(int ts_version_num)
{
	return ts_version_num / 100 <= QUERY_TS_NEWEST_KNOWN / 100;
}

const char *query_pick_compat(const char *base)
{
	char name[96];
	if (snprintf(name, sizeof name, "%s.compat", base) >= (int)sizeof name)
		return NULL;
	return query_get(name);
}
