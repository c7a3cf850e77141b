/* Unit: the --once printers (pure) — text and JSON from a hand-built
 * snapshot: keys, nulls for unknown values, sanitised text, exact JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/once.h"

#define NOW 1764000000.0    /* 2025-11-24 16:00:00 UTC */

static void build(struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->server.ts_installed = true;
	snprintf(s->server.database, sizeof s->server.database, "db");
	snprintf(s->server.ts_version, sizeof s->server.ts_version, "2.23.0");
	snprintf(s->server.ts_schema, sizeof s->server.ts_schema, "public");
	s->server.license = LICENSE_TIMESCALE;
	struct pane_meta *m[] = { &s->chunks_meta, &s->comp_meta, &s->ret_meta, &s->cagg_meta,
				  &s->cache_meta, &s->jobs_meta };
	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
		m[i]->status = PANE_OK;
		m[i]->updated_at = NOW;
	}
	s->cache_meta.status = PANE_ERROR;
	snprintf(s->cache_meta.message, sizeof s->cache_meta.message, "query failed: boom");
	struct ht_row *h = SNAP_ADD(s->hts);
	snprintf(h->schema, sizeof h->schema, "Odd Schema");
	snprintf(h->name, sizeof h->name, "evil\033[31m\n\"x\"");
	h->chunks = 3;
	h->interval = 86400;
	h->oldest_start = NOW - 3 * 86400;
	h->newest_end = NOW;
	h->est_bytes = NAN;
	h->before_bytes = NAN;
	h->after_bytes = NAN;
	h->health = HEALTH_WARNING;
	snprintf(h->why, sizeof h->why, "why\tnot");
	struct comp_row *c = SNAP_ADD(s->comps);
	snprintf(c->name, sizeof c->name, "ints");
	c->backlog = -1;              /* unknown (integer time) */
	s->cache.ratio_now = NAN;
	s->cache.ratio_total = NAN;
	s->worst[HEALTH_WARNING] = 1;
}

static void test_pane_names(void **state)
{
	(void)state;
	assert_int_equal(once_pane_parse("chunks"), OP_CHUNKS);
	assert_int_equal(once_pane_parse("caggs"), OP_CAGGS);
	assert_int_equal(once_pane_parse("jobs"), OP_JOBS);
	assert_int_equal(once_pane_parse("cagg"), -1);
	assert_int_equal(once_pane_parse(NULL), -1);
	for (int i = 0; i < OP_COUNT; i++)
		assert_int_equal(once_pane_parse(once_pane_name(i)), i);
}

static void test_json(void **state)
{
	(void)state;
	struct snapshot s;
	build(&s);
	struct json_object *j = once_json(&s, -1, NOW);
	/* through text and back with json-c's own parser */
	struct json_object *d = json_tokener_parse(json_object_to_json_string(j));
	assert_non_null(d);
	struct json_object *v, *panes, *p, *rows, *row;
	assert_true(json_object_object_get_ex(d, "version", &v));
	assert_int_equal(json_object_get_int(v), ONCE_JSON_VERSION);
	assert_true(json_object_object_get_ex(d, "generated_at", &v));
	assert_string_equal(json_object_get_string(v), "2025-11-24T16:00:00Z");
	assert_true(json_object_object_get_ex(d, "panes", &panes));
	assert_int_equal(json_object_object_length(panes), OP_COUNT);
	assert_true(json_object_object_get_ex(panes, "chunks", &p));
	assert_true(json_object_object_get_ex(p, "rows", &rows));
	row = json_object_array_get_idx(rows, 0);
	assert_true(json_object_object_get_ex(row, "name", &v));
	assert_string_equal(json_object_get_string(v), "evil\033[31m\n\"x\"");   /* exact */
	assert_true(json_object_object_get_ex(row, "est_bytes", &v));
	assert_null(v);                                                          /* NaN -> null */
	assert_true(json_object_object_get_ex(row, "oldest_start", &v));
	assert_string_equal(json_object_get_string(v), "2025-11-21T16:00:00Z");
	assert_true(json_object_object_get_ex(row, "health", &v));
	assert_string_equal(json_object_get_string(v), "warning");
	assert_true(json_object_object_get_ex(panes, "compression", &p));
	assert_true(json_object_object_get_ex(p, "rows", &rows));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(rows, 0), "backlog", &v));
	assert_null(v);                                                          /* unknown backlog */
	assert_true(json_object_object_get_ex(panes, "cache", &p));
	assert_true(json_object_object_get_ex(p, "status", &v));
	assert_string_equal(json_object_get_string(v), "error");
	assert_true(json_object_object_get_ex(p, "message", &v));
	assert_string_equal(json_object_get_string(v), "query failed: boom");
	json_object_put(d);
	json_object_put(j);
	/* one pane only */
	j = once_json(&s, OP_RETENTION, NOW);
	assert_true(json_object_object_get_ex(j, "panes", &panes));
	assert_int_equal(json_object_object_length(panes), 1);
	assert_true(json_object_object_get_ex(panes, "retention", &p));
	json_object_put(j);
	snapshot_free(&s);
}

/* An integer-time aggregate: units, never a 1970 timestamp or seconds */
static void test_cagg_integer_rows(void **state)
{
	(void)state;
	struct snapshot s;
	build(&s);
	struct cagg_row *g = SNAP_ADD(s.caggs);
	snprintf(g->name, sizeof g->name, "ti_agg");
	snprintf(g->bucket, sizeof g->bucket, "100");
	g->time_is_int = true;
	g->watermark = g->raw_newest = g->bucket_s = g->promised_lag_s = g->lag_s = NAN;
	g->wm_int_known = g->now_int_known = g->raw_int_known = g->has_integer_now = true;
	g->watermark_int = 4600;
	g->now_int = 5000;
	g->raw_newest_int = 4000;
	g->bucket_int = 100;
	g->end_offset_int = 100;
	g->lag_int = 400;
	g->job_id = 1000;
	struct cagg_row *f = SNAP_ADD(s.caggs);  /* watermark past now */
	snprintf(f->name, sizeof f->name, "tf_agg");
	f->watermark = NOW + 964;
	f->lag_s = 0;
	f->ahead = 964;
	f->bucket_s = f->promised_lag_s = f->raw_newest = f->bucket_int = f->end_offset_int = f->lag_int = NAN;
	struct json_object *j = once_json(&s, OP_CAGGS, NOW), *panes, *p, *rows, *row, *v;
	assert_true(json_object_object_get_ex(j, "panes", &panes));
	assert_true(json_object_object_get_ex(panes, "caggs", &p));
	assert_true(json_object_object_get_ex(p, "rows", &rows));
	row = json_object_array_get_idx(rows, 0);
	assert_true(json_object_object_get_ex(row, "watermark", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(row, "lag_s", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(row, "integer_time", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(row, "watermark_units", &v));
	assert_int_equal(json_object_get_int64(v), 4600);
	assert_true(json_object_object_get_ex(row, "now_units", &v));
	assert_int_equal(json_object_get_int64(v), 5000);
	assert_true(json_object_object_get_ex(row, "lag_units", &v));
	assert_true(json_object_is_type(v, json_type_int));
	assert_int_equal(json_object_get_int64(v), 400);
	assert_true(json_object_object_get_ex(row, "ahead_of_now", &v));
	assert_false(json_object_get_boolean(v));
	row = json_object_array_get_idx(rows, 1);
	assert_true(json_object_object_get_ex(row, "lag_s", &v));
	assert_true(json_object_get_double(v) == 0);
	assert_true(json_object_object_get_ex(row, "ahead_of_now", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(row, "ahead_by", &v));
	assert_true(json_object_get_double(v) == 964);
	assert_true(json_object_object_get_ex(row, "watermark_units", &v));
	assert_null(v);
	json_object_put(j);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	once_print_text(fp, &s, OP_CAGGS, NOW);
	fclose(fp);
	assert_non_null(strstr(buf, " 4,600 "));
	assert_non_null(strstr(buf, " 400u "));
	assert_null(strstr(buf, "1970"));
	assert_null(strstr(buf, "-16m"));
	free(buf);
	snapshot_free(&s);
}

static void test_text(void **state)
{
	(void)state;
	struct snapshot s;
	build(&s);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	once_print_text(f, &s, -1, NOW);
	fclose(f);
	assert_null(strchr(buf, '\033'));
	assert_null(strchr(buf, '\t'));
	assert_non_null(strstr(buf, "WARN Odd Schema.evil?[31m?\"x\" "));
	assert_non_null(strstr(buf, "why?not"));
	assert_non_null(strstr(buf, "\n== Chunks (ok, updated 2025-11-24 16:00 UTC)\n"));
	assert_non_null(strstr(buf, "\n== Cache (error, updated 2025-11-24 16:00 UTC)\nquery failed: boom\n"));
	assert_non_null(strstr(buf, "health: 0 ok, 1 warning, 0 critical\n"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	once_print_text(f, &s, OP_COMPRESSION, NOW);
	fclose(f);
	assert_memory_equal(buf, "== Compression (ok", 18);
	assert_null(strstr(buf, "== Chunks"));
	assert_non_null(strstr(buf, "ints"));
	free(buf);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pane_names),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_cagg_integer_rows),
	};
	return cmocka_run_group_tests_name("once", tests, NULL, NULL);
}
