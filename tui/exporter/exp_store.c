/* exp_store — the rendered expositions between the loop and the HTTP
 * thread: the loop renders outside the lock and swaps one pointer under
 * it; a scrape merges the published texts under it (a copy, no query). */
#include <stdlib.h>
#include <string.h>

#include "exp_int.h"

int exp_store_init(struct exp_store *st, const struct fleet *f)
{
	memset(st, 0, sizeof *st);
	if (pthread_mutex_init(&st->mu, NULL) != 0)
		return -1;
	st->n = f->n;
	for (int i = 0; i < f->n; i++) {
		memcpy(st->names[i], f->t[i].name, sizeof st->names[i]);
		st->cur[i] = calloc(1, sizeof *st->cur[i]);
		if (!st->cur[i])
			return -1;
	}
	return 0;
}

void exp_store_swap(struct exp_store *st, int i, struct prom_text **t)
{
	pthread_mutex_lock(&st->mu);
	struct prom_text *old = st->cur[i];
	st->cur[i] = *t;
	pthread_mutex_unlock(&st->mu);
	*t = old;
}

int exp_store_render(struct exp_store *st, int i, struct prom_buf *out, double now)
{
	pthread_mutex_lock(&st->mu);
	int rc = i >= 0 ? prom_merge(out, (const struct prom_text *const *)&st->cur[i], 1, now) :
			  prom_merge(out, (const struct prom_text *const *)st->cur, st->n, now);
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int exp_store_find(const struct exp_store *st, const char *name)
{
	for (int i = 0; i < st->n; i++)
		if (strcmp(st->names[i], name) == 0)
			return i;
	return -1;
}

void exp_store_free(struct exp_store *st)
{
	for (int i = 0; i < st->n; i++) {
		if (st->cur[i])
			prom_text_free(st->cur[i]);
		free(st->cur[i]);
		st->cur[i] = NULL;
	}
	pthread_mutex_destroy(&st->mu);
}
