/* action_chunks — the chunks of one hypertable for the screen's chunk list
 * (Enter on a hypertable): one query on the action connection, the last
 * answer kept in the runner. See include/tsdbtop/action.h. */
#include "action_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "action_sql.h"
#include "tsdbtop/pgres.h"

const struct chunk_list *action_chunks(const struct action_runner *r) { return &r->chunks; }

/* Room for n items; false (and the error said) when there is none. */
static bool reserve(struct chunk_list *l, int n)
{
	if (n <= l->cap)
		return true;
	struct chunk_item *v = realloc(l->v, (size_t)n * sizeof *v);
	if (!v) {
		snprintf(l->error, sizeof l->error, "out of memory");
		return false;
	}
	l->v = v;
	l->cap = n;
	return true;
}

static void chunks_cb(struct conn *c, struct pg_result *res, const struct conn_error *err, void *ud)
{
	(void)c;
	struct qctx *q = ud;
	struct action_runner *r = q->r;
	bool stale = (unsigned)q->step != r->chunks_seq || r->closing;
	free(q);
	if (stale)
		return;
	struct chunk_list *l = &r->chunks;
	l->loading = false;
	l->n = 0;
	if (err->kind != CERR_NONE) {
		ar_describe_error(r, err, l->error, sizeof l->error);
		ar_changed(r);
		return;
	}
	int n = PQntuples(res);
	if (!reserve(l, n)) {
		ar_changed(r);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct chunk_item *it = &l->v[l->n++];
		pgres_copy(it->schema, sizeof it->schema, res, i, "chunk_schema");
		pgres_copy(it->name, sizeof it->name, res, i, "chunk_name");
		it->status = (int)pgres_ll(res, i, "status", 0);
		it->range_start = pgres_double(res, i, "range_from", NAN);
		it->range_end = pgres_double(res, i, "range_to", NAN);
		it->bytes = pgres_double(res, i, "bytes", NAN);
	}
	if (n == 0)
		snprintf(l->error, sizeof l->error, "%s.%s has no chunks (or is not a hypertable)", l->ht_schema, l->ht_name);
	ar_changed(r);
}

int action_list_chunks(struct action_runner *r, const char *schema, const char *name)
{
	struct chunk_list *l = &r->chunks;
	snprintf(l->ht_schema, sizeof l->ht_schema, "%s", schema);
	snprintf(l->ht_name, sizeof l->ht_name, "%s", name);
	l->n = 0;
	l->error[0] = '\0';
	l->loading = true;
	r->chunks_seq++;
	char target[NAME_LEN * 2 + 4];
	action_qualify(target, sizeof target, schema, name);
	const char *params[1] = { target };
	/* its own sequence in qctx.step: a new list drops the old answer,
	 * whatever the plans do meanwhile */
	struct conn *c = ar_use_conn(r);
	struct qctx *q = c ? malloc(sizeof *q) : NULL;
	if (q)
		*q = (struct qctx){ r, 0, (int)r->chunks_seq };
	char *full = q ? ar_expand_sql(r, c, action_sql_chunk_list) : NULL;
	int rc = full ? conn_query(c, full, 1, params, ACT_PLAN_DEADLINE, chunks_cb, q) : -1;
	free(full);
	if (rc != 0) {
		free(q);
		l->loading = false;
		snprintf(l->error, sizeof l->error, "not connected");
		ar_changed(r);
		return -1;
	}
	ar_changed(r);
	return 0;
}
