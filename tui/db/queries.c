/* queries — lookup of the SQL embedded from sql/queries/. */
#include "tsdbtop/queries.h"

#include <stdlib.h>
#include <string.h>

const char *query_get(const char *name)
{
	for (const struct query_text *q = query_texts; q->name; q++)
		if (strcmp(q->name, name) == 0)
			return q->sql;
	return NULL;
}

/* "base" -> 0; "base.ts21400" -> ts minimum; "base.pg150000" -> pg minimum.
 * Returns 1 when name is a variant of base and fills kind/min. */
static int variant_of(const char *name, const char *base, char *kind, long *min)
{
	size_t bl = strlen(base);
	if (strncmp(name, base, bl) != 0)
		return 0;
	if (name[bl] == '\0') {
		*kind = 0;
		*min = 0;
		return 1;
	}
	if (name[bl] != '.' || !(name[bl + 1] == 't' || name[bl + 1] == 'p'))
		return 0;
	if (strncmp(name + bl + 1, "ts", 2) != 0 && strncmp(name + bl + 1, "pg", 2) != 0)
		return 0;
	char *end;
	*kind = name[bl + 1];
	*min = strtol(name + bl + 3, &end, 10);
	return *end == '\0';
}

const char *query_pick(const char *base, int pg_version_num, int ts_version_num)
{
	const char *best = NULL;
	long best_min = -1;
	for (const struct query_text *q = query_texts; q->name; q++) {
		char kind;
		long min;
		if (!variant_of(q->name, base, &kind, &min))
			continue;
		long have = kind == 't' ? ts_version_num : pg_version_num;
		if (kind && have < min)
			continue;
		if (min > best_min) {
			best = q->sql;
			best_min = min;
		}
	}
	return best;
}
