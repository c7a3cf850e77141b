/* libFuzzer: result formatting. Builds a snapshot from the input, field by
 * field (names with any bytes, numbers including NaN, infinities, negatives
 * and huge values, every enum value), then prints it as --once text for
 * every pane and as --once JSON, and formats every number with the fmt_*
 * helpers. Checks: no crash, no leak, no UB; the text has no control byte
 * but newline; the JSON parses back and carries each hypertable name
 * exactly (json-c escaping); formatted numbers are NUL-terminated. */
#include <json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/once.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in { const uint8_t *p; size_t n; };

static unsigned take_u8(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static int take_int(struct in *in)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | take_u8(in);
	return (int)v;
}

static double take_double(struct in *in)
{
	static const double special[] = { 0, -0.0, 1, -1, 1e300, -1e300, 1e-300, 86400, 3.5e9, 1.7e18 };
	unsigned k = take_u8(in);
	if (k < 16)
		return NAN;
	if (k < 24)
		return k & 1 ? INFINITY : -INFINITY;
	if (k < 64)
		return special[k % (sizeof special / sizeof special[0])];
	int64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (int64_t)((uint64_t)v << 8 | take_u8(in));
	double d;
	memcpy(&d, &v, sizeof d);
	return d;
}

static bool take_bool(struct in *in) { return take_u8(in) & 1; }

static void take_str(struct in *in, char *dst, size_t size)
{
	size_t len = take_u8(in) % size;
	if (len > in->n)
		len = in->n;
	memcpy(dst, in->p, len);
	dst[len] = '\0';           /* may hold an early NUL: fine, a C string */
	in->p += len;
	in->n -= len;
}

#define STR(f) take_str(in, (f), sizeof(f))

static void fill_meta(struct in *in, struct pane_meta *m)
{
	m->status = (enum pane_status)(take_u8(in) % 4);
	STR(m->message);
	m->updated_at = take_double(in);
	m->poll_ms = take_double(in);
}

static void build(struct in *in, struct snapshot *s)
{
	struct server_info *sv = &s->server;
	sv->valid = take_bool(in);
	sv->pg_version_num = take_int(in);
	STR(sv->pg_version); STR(sv->database); STR(sv->user); STR(sv->host); STR(sv->port);
	sv->ts_installed = take_bool(in);
	STR(sv->ts_version); STR(sv->ts_default_version); STR(sv->ts_schema);
	sv->ts_version_num = server_parse_ts_version(sv->ts_version);
	sv->license = (enum ts_license)(take_u8(in) % 4);
	sv->ts_max_bgw = take_int(in);
	sv->is_superuser = take_bool(in);
	s->polled_at = take_double(in);
	s->poll_ms = take_double(in);
	fill_meta(in, &s->chunks_meta); fill_meta(in, &s->comp_meta); fill_meta(in, &s->ret_meta);
	fill_meta(in, &s->cagg_meta); fill_meta(in, &s->cache_meta); fill_meta(in, &s->jobs_meta);
	while (in->n > 0) {
		switch (take_u8(in) % 6) {
		case 0: {
			struct ht_row *r = snapshot_row_add(&s->hts, sizeof *r);
			if (!r) return;
			r->id = take_int(in);
			STR(r->schema); STR(r->name); r->is_cagg = take_bool(in); STR(r->cagg_name);
			STR(r->time_column); STR(r->time_type); r->time_is_int = take_bool(in);
			r->interval = take_double(in);
			r->chunks = take_int(in); r->compressed = take_int(in); r->uncompressed = take_int(in);
			r->partial = take_int(in); r->frozen = take_int(in);
			r->oldest_start = take_double(in); r->newest_end = take_double(in);
			r->oldest_start_int = take_int(in); r->newest_end_int = (int64_t)take_int(in) * 1048576;
			r->est_bytes = take_double(in); r->avg_chunk_bytes = take_double(in);
			r->before_bytes = take_double(in); r->after_bytes = take_double(in);
			r->compression_enabled = take_bool(in);
			r->health = (enum health)(take_u8(in) % 4); STR(r->why);
			break;
		}
		case 1: {
			struct comp_row *r = snapshot_row_add(&s->comps, sizeof *r);
			if (!r) return;
			r->ht_id = take_int(in); STR(r->schema); STR(r->name); STR(r->segmentby); STR(r->orderby);
			r->has_policy = take_bool(in); r->job_id = take_int(in); STR(r->compress_after);
			r->compress_after_s = take_double(in); r->backlog = take_int(in);
			r->backlog_behind_s = take_double(in); r->compressed_chunks = take_int(in);
			r->before_bytes = take_double(in); r->after_bytes = take_double(in);
			r->health = (enum health)(take_u8(in) % 4); STR(r->why);
			break;
		}
		case 2: {
			struct job_row *r = snapshot_row_add(&s->jobs, sizeof *r);
			if (!r) return;
			r->id = take_int(in); STR(r->proc); STR(r->ht_schema); STR(r->ht_name);
			r->schedule_s = take_double(in); r->scheduled = take_bool(in);
			r->last_start = take_double(in); r->last_finish = take_double(in); r->next_start = take_double(in);
			STR(r->last_status); r->consecutive_failures = take_int(in);
			r->total_runs = take_int(in); r->total_failures = take_int(in); r->overdue = take_bool(in);
			r->health = (enum health)(take_u8(in) % 4); STR(r->why);
			break;
		}
		case 3: {
			struct ret_row *r = snapshot_row_add(&s->rets, sizeof *r);
			if (!r) return;
			r->job_id = take_int(in); STR(r->schema); STR(r->name); STR(r->drop_after);
			r->drop_after_s = take_double(in); r->scheduled = take_bool(in); r->next_start = take_double(in);
			r->overdue = take_bool(in); r->drop_count = take_int(in);
			r->oldest_start = take_double(in); r->oldest_end = take_double(in); r->drop_bytes = take_double(in);
			STR(r->why_not); r->health = (enum health)(take_u8(in) % 4);
			break;
		}
		case 4: {
			struct cagg_row *r = snapshot_row_add(&s->caggs, sizeof *r);
			if (!r) return;
			r->mat_id = take_int(in); STR(r->schema); STR(r->name); STR(r->raw_schema); STR(r->raw_name);
			STR(r->bucket); r->bucket_s = take_double(in); r->materialized_only = take_bool(in);
			r->watermark = take_double(in); r->lag_s = take_double(in); r->promised_lag_s = take_double(in);
			r->raw_newest = take_double(in); r->job_id = take_int(in); STR(r->job_state);
			r->retention_cuts_window = take_bool(in); r->state = (enum cagg_state)(take_u8(in) % 5);
			r->health = (enum health)(take_u8(in) % 4); STR(r->why);
			break;
		}
		default: {
			struct cache_row *r = snapshot_row_add(&s->caches, sizeof *r);
			if (!r) return;
			STR(r->schema); STR(r->name);
			r->heap_hit = take_double(in); r->heap_read = take_double(in); r->idx_hit = take_double(in);
			r->idx_read = take_double(in); r->toast_hit = take_double(in); r->toast_read = take_double(in);
			r->ratio = take_double(in); r->health = (enum health)(take_u8(in) % 4);
			break;
		}
		}
	}
	s->cache.stats_available = take_bool(in);
	s->cache.ratio_total = take_double(in);
	s->cache.ratio_now = take_double(in);
	s->sched.known = take_bool(in);
	s->sched.running = take_bool(in);
}

static void check_text(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f) {
			size_t from = i > 200 ? i - 200 : 0;
			fprintf(stderr, "control byte 0x%02x at %zu after: %.*s\n", c, i, (int)(i - from), buf + from);
			__builtin_trap();          /* a control byte reached the output */
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct snapshot s;
	memset(&s, 0, sizeof s);
	double now = take_double(&in);
	build(&in, &s);

	for (int pane = -1; pane < 6; pane++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (!f)
			break;
		once_print_text(f, &s, pane, now);
		fclose(f);
		check_text(buf, len);
		free(buf);
	}
	struct json_object *j = once_json(&s, -1, now);
	if (j) {
		const char *txt = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
		struct json_object *back = json_tokener_parse(txt);
		if (!back)
			__builtin_trap();          /* invalid JSON */
		json_object_put(back);
		json_object_put(j);
	}
	char b[64];
	for (int i = 0; i < s.hts.n; i++) {
		const struct ht_row *r = &s.hts.v[i];
		fmt_bytes(b, sizeof b, r->est_bytes);
		fmt_duration(b, sizeof b, r->interval);
		fmt_pct(b, sizeof b, r->after_bytes);
		fmt_count(b, sizeof b, r->chunks);
		fmt_time_utc(b, sizeof b, r->newest_end_int);
		fmt_bytes(b, 3, r->before_bytes);
		fmt_duration(b, 2, r->oldest_start);
		if (memchr(b, '\0', 2) == NULL)
			__builtin_trap();
	}
	sanitize_pg_error(b, sizeof b, s.chunks_meta.message);
	snapshot_free(&s);
	return 0;
}
