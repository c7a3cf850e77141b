/* pgerror — the console's words for PostgreSQL errors. See
 * include/tsdbtop/pgerror.h. */
#include "tsdbtop/pgerror.h"

#include <string.h>

static const struct {
	const char *sqlstate;
	enum pgerr_class cls;
} by_state[] = {
	{ "57014", PGERR_CANCELED },
	{ "55P03", PGERR_LOCK_TIMEOUT },
	{ "40P01", PGERR_DEADLOCK },
	{ "42501", PGERR_PERMISSION },
	{ "42P01", PGERR_NO_OBJECT },
	{ "42704", PGERR_NO_OBJECT },
};

static const char *const words[] = {
	[PGERR_OTHER] = NULL,
	[PGERR_CANCELED] = "statement timeout",
	[PGERR_LOCK_TIMEOUT] = "lock timeout: another session holds a lock on the target",
	[PGERR_DEADLOCK] = "deadlock",
	[PGERR_PERMISSION] = "permission denied",
	[PGERR_LICENSE] = "not available under this license",
	[PGERR_NO_OBJECT] = "no such object",
};

static enum pgerr_class classify(const char *st, const char *m)
{
	enum pgerr_class c = PGERR_OTHER;
	for (size_t i = 0; i < sizeof by_state / sizeof by_state[0]; i++)
		if (strcmp(st, by_state[i].sqlstate) == 0) {
			c = by_state[i].cls;
			break;
		}
	/* TimescaleDB's license check raises a feature error of its own; a
	 * message naming the license also outranks a missing object (the
	 * function it names does not exist under the Apache license) */
	if ((c == PGERR_OTHER || c == PGERR_NO_OBJECT) && strstr(m, "license"))
		c = PGERR_LICENSE;
	return c;
}

struct pgerr_words pgerror_words(const char *sqlstate, const char *message)
{
	const char *st = sqlstate ? sqlstate : "";
	const char *m = message ? message : "";
	struct pgerr_words w = { .cls = classify(st, m) };
	w.words = words[w.cls];
	w.exit = strncmp(st, "22", 2) == 0 ? PGERR_EXIT_USAGE : PGERR_EXIT_FAILED;
	return w;
}
