/* Unit: the Prometheus exposition of a snapshot (tui/core/prom.c), parsed
 * back line by line as the text format defines it: HELP and TYPE once per
 * family and before its samples, a family's samples together, label values
 * with only the escapes \\ \" \n and valid UTF-8, values that parse whole.
 * Hostile names, unknown values left out, the series budget, two servers
 * merged, a server that is down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/prom.h"
#include "tsdbtop/snapshot.h"

/* ---- a small parser of the text format ---------------------------------- */

#define MAXS 256
#define MAXL 8

struct sample {
	char name[96];
	int nl;
	char key[MAXL][32];
	char val[MAXL][600];
	double value;
};

struct parsed {
	struct sample s[MAXS];
	int n;
	char help[32][96], type[32][96];
	int nhelp, ntype;
};

static int seen(char list[][96], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

/* Independent of prom.c's own check: a strict UTF-8 validator. */
static int utf8_ok(const unsigned char *p)
{
	while (*p) {
		int n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
		if (!n)
			return 0;
		unsigned cp = n == 1 ? *p : n == 2 ? *p & 0x1F : n == 3 ? *p & 0x0F : *p & 0x07;
		for (int i = 1; i < n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		static const unsigned min[] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += n;
	}
	return 1;
}

/* One label value after the opening quote; returns the end (after the
 * closing quote) or NULL. */
static const char *label_value(const char *p, char *out, size_t n)
{
	size_t w = 0;
	for (; *p && *p != '"'; p++) {
		char c = *p;
		if (c == '\\') {
			p++;
			c = *p == 'n' ? '\n' : *p == '\\' ? '\\' : *p == '"' ? '"' : 0;
			if (!c)
				return NULL;
		}
		if (w + 1 >= n)
			return NULL;
		out[w++] = c;
	}
	out[w] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

static void parse_sample(struct parsed *ps, const char *line)
{
	assert_true(ps->n < MAXS);
	struct sample *s = &ps->s[ps->n++];
	memset(s, 0, sizeof *s);
	size_t k = strcspn(line, "{ ");
	assert_true(k > 0 && k < sizeof s->name);
	memcpy(s->name, line, k);
	const char *p = line + k;
	if (*p == '{') {
		for (p++; *p != '}'; ) {
			assert_true(s->nl < MAXL);
			size_t kl = strcspn(p, "=");
			assert_true(kl > 0 && kl < 32 && p[kl] == '=' && p[kl + 1] == '"');
			memcpy(s->key[s->nl], p, kl);
			p = label_value(p + kl + 2, s->val[s->nl], sizeof s->val[0]);
			assert_non_null(p);
			assert_true(utf8_ok((const unsigned char *)s->val[s->nl]));
			s->nl++;
			if (*p == ',')
				p++;
			else
				assert_int_equal(*p, '}');
		}
		p++;
	}
	assert_int_equal(*p, ' ');
	char *end;
	s->value = strtod(p + 1, &end);
	assert_true(end > p + 1 && *end == '\0');
	/* a family's samples follow its TYPE, and no other family's came between */
	assert_true(ps->ntype > 0 && !strcmp(ps->type[ps->ntype - 1], s->name));
}

static void parse(struct parsed *ps, const char *text)
{
	memset(ps, 0, sizeof *ps);
	char *copy = strdup(text), *save = NULL;
	assert_non_null(copy);
	assert_true(text[0] == '\0' || text[strlen(text) - 1] == '\n');
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[96], rest[96];
		if (!strncmp(line, "# HELP ", 7)) {
			assert_int_equal(sscanf(line + 7, "%95s", name), 1);
			assert_false(seen(ps->help, ps->nhelp, name));
			snprintf(ps->help[ps->nhelp++], 96, "%s", name);
		} else if (!strncmp(line, "# TYPE ", 7)) {
			assert_int_equal(sscanf(line + 7, "%95s %95s", name, rest), 2);
			assert_false(seen(ps->type, ps->ntype, name));
			assert_true(!strcmp(rest, "gauge") || !strcmp(rest, "counter"));
			snprintf(ps->type[ps->ntype++], 96, "%s", name);
		} else {
			parse_sample(ps, line);
		}
	}
	free(copy);
}

static const char *label(const struct sample *s, const char *key)
{
	for (int i = 0; i < s->nl; i++)
		if (!strcmp(s->key[i], key))
			return s->val[i];
	return NULL;
}

/* The samples of family name with label key = val (NULL: any). */
static int count(const struct parsed *ps, const char *name, const char *key, const char *val,
		 double *value)
{
	int n = 0;
	for (int i = 0; i < ps->n; i++) {
		const struct sample *s = &ps->s[i];
		if (strcmp(s->name, name) || (key && (!label(s, key) || strcmp(label(s, key), val))))
			continue;
		if (value)
			*value = s->value;
		n++;
	}
	return n;
}

/* ---- a snapshot --------------------------------------------------------- */

#define HOSTILE "we\"ird\\na\nme\033[31m\x01x\xff\xc0\x80\xc3\xa9"
/* what Prometheus gets: control bytes '?', bad bytes U+FFFD, é kept */
#define HOSTILE_LABEL "we\"ird\\na\nme?[31m?x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xc3\xa9"

static void fill(struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	struct ht_row *h = SNAP_ADD(s->hts);
	snprintf(h->schema, sizeof h->schema, "factory_telemetry");
	snprintf(h->name, sizeof h->name, "metric_hist");
	h->chunks = 42;
	h->compressed = 40;
	h->est_bytes = 8192.0 * 100;
	h = SNAP_ADD(s->hts);
	snprintf(h->schema, sizeof h->schema, "public");
	snprintf(h->name, sizeof h->name, "%s", HOSTILE);
	h->chunks = 3;
	h->est_bytes = NAN;
	struct comp_row *c = SNAP_ADD(s->comps);
	snprintf(c->schema, sizeof c->schema, "public");
	snprintf(c->name, sizeof c->name, "ints");
	c->backlog = -1;                           /* integer time: unknown */
	c = SNAP_ADD(s->comps);
	snprintf(c->schema, sizeof c->schema, "factory_telemetry");
	snprintf(c->name, sizeof c->name, "metric_hist");
	c->backlog = 2;
	struct ret_row *r = SNAP_ADD(s->rets);
	snprintf(r->name, sizeof r->name, "metric_hist");
	r->drop_count = 7;
	struct cagg_row *g = SNAP_ADD(s->caggs);
	snprintf(g->schema, sizeof g->schema, "factory_telemetry");
	snprintf(g->name, sizeof g->name, "oee_hourly");
	g->lag_s = 5400.5;
	g->promised_lag_s = 3600;
	g = SNAP_ADD(s->caggs);
	snprintf(g->name, sizeof g->name, "never");
	g->lag_s = g->promised_lag_s = NAN;
	struct job_row *j = SNAP_ADD(s->jobs);
	j->id = 1001;
	snprintf(j->proc, sizeof j->proc, "policy_compression");
	snprintf(j->ht_name, sizeof j->ht_name, "metric_hist");
	j->consecutive_failures = 3;
	snprintf(j->last_status, sizeof j->last_status, "Failed");
	j->last_finish = 1700000100;
	struct job_run *run = SNAP_ADD(s->job_runs);
	run->job_id = 1001;
	run->succeeded = 1;
	run->finish = 1700000000.25;
	j = SNAP_ADD(s->jobs);
	j->id = 1002;
	snprintf(j->proc, sizeof j->proc, "policy_retention");
	snprintf(j->last_status, sizeof j->last_status, "Success");
	j->last_finish = 1700000200;
	j = SNAP_ADD(s->jobs);
	j->id = 1003;                              /* never ran: no last success */
	j->last_finish = NAN;
	s->worst[HEALTH_OK] = 5;
	s->worst[HEALTH_CRITICAL] = 2;
	s->server.ts_installed = true;
	s->sched.known = true;
	s->sched.running = false;
	s->cache.ratio_total = 0.987;
	s->cache.db_bytes = NAN;
}

static char *render(const struct snapshot *s, const struct prom_server *srv, struct prom_text *t,
		    double now)
{
	struct prom_buf out = { 0 };
	memset(t, 0, sizeof *t);
	assert_int_equal(prom_render(t, s, srv), 0);
	const struct prom_text *list[] = { t };
	assert_int_equal(prom_merge(&out, list, 1, now), 0);
	return out.p;
}

static void test_series(void **state)
{
	(void)state;
	struct snapshot s;
	struct prom_text t;
	struct parsed ps;
	fill(&s);
	struct prom_server srv = { .name = "plant\"1", .up = true, .polled_at = 1000, .poll_s = 0.25,
				   .polls = 9 };
	char *text = render(&s, &srv, &t, 1003.5);
	parse(&ps, text);
	for (int f = 0; f < PROM_FAMILIES; f++) {      /* HELP and TYPE for every family */
		assert_true(seen(ps.help, ps.nhelp, prom_family((enum prom_family)f)->name));
		assert_true(seen(ps.type, ps.ntype, prom_family((enum prom_family)f)->name));
	}
	for (int i = 0; i < ps.n; i++)                 /* every sample has the server */
		assert_string_equal(label(&ps.s[i], "server"), "plant\"1");
	double v = 0;
	assert_int_equal(count(&ps, "tsdbtop_up", NULL, NULL, &v), 1);
	assert_true(v == 1);
	assert_int_equal(count(&ps, "tsdbtop_scrape_age_seconds", NULL, NULL, &v), 1);
	assert_true(fabs(v - 3.5) < 1e-9);
	assert_int_equal(count(&ps, "tsdbtop_poll_duration_seconds", NULL, NULL, &v), 1);
	assert_true(fabs(v - 0.25) < 1e-9);
	assert_int_equal(count(&ps, "tsdbtop_polls_total", NULL, NULL, &v), 1);
	assert_true(v == 9);
	assert_int_equal(count(&ps, "tsdbtop_hypertable_chunks", "hypertable", "metric_hist", &v), 1);
	assert_true(v == 42);
	assert_int_equal(count(&ps, "tsdbtop_hypertable_chunks", "hypertable", HOSTILE_LABEL, &v), 1);
	assert_true(v == 3);
	assert_int_equal(count(&ps, "tsdbtop_hypertable_compressed_chunks", "hypertable", "metric_hist", &v), 1);
	assert_true(v == 40);
	assert_int_equal(count(&ps, "tsdbtop_hypertable_size_bytes", NULL, NULL, &v), 1);  /* NAN left out */
	assert_int_equal(count(&ps, "tsdbtop_compression_backlog_chunks", NULL, NULL, &v), 1); /* -1 out */
	assert_true(v == 2);
	assert_int_equal(count(&ps, "tsdbtop_retention_drop_chunks", "hypertable", "metric_hist", &v), 1);
	assert_true(v == 7);
	assert_int_equal(count(&ps, "tsdbtop_cagg_lag_seconds", "cagg", "oee_hourly", &v), 1);
	assert_true(fabs(v - 5400.5) < 1e-9);
	assert_int_equal(count(&ps, "tsdbtop_cagg_lag_seconds", "cagg", "never", NULL), 0);
	assert_int_equal(count(&ps, "tsdbtop_cagg_promised_lag_seconds", NULL, NULL, &v), 1);
	assert_true(v == 3600);
	assert_int_equal(count(&ps, "tsdbtop_job_consecutive_failures", "job_id", "1001", &v), 1);
	assert_true(v == 3);
	assert_int_equal(count(&ps, "tsdbtop_job_consecutive_failures", "proc", "policy_compression", NULL), 1);
	assert_int_equal(count(&ps, "tsdbtop_job_last_success_timestamp_seconds", "job_id", "1001", &v), 1);
	assert_true(fabs(v - 1700000000.25) < 1e-3);   /* from the history: the last run failed */
	assert_int_equal(count(&ps, "tsdbtop_job_last_success_timestamp_seconds", "job_id", "1002", &v), 1);
	assert_true(v == 1700000200);
	assert_int_equal(count(&ps, "tsdbtop_job_last_success_timestamp_seconds", "job_id", "1003", NULL), 0);
	assert_int_equal(count(&ps, "tsdbtop_health", "level", "critical", &v), 1);
	assert_true(v == 2);
	assert_int_equal(count(&ps, "tsdbtop_health", NULL, NULL, NULL), 4);
	assert_int_equal(count(&ps, "tsdbtop_scheduler_running", NULL, NULL, &v), 1);
	assert_true(v == 0);
	assert_int_equal(count(&ps, "tsdbtop_cache_hit_ratio", NULL, NULL, &v), 1);
	assert_true(fabs(v - 0.987) < 1e-9);
	assert_int_equal(count(&ps, "tsdbtop_database_size_bytes", NULL, NULL, NULL), 0);
	assert_int_equal(count(&ps, "tsdbtop_series_dropped", NULL, NULL, &v), 1);
	assert_true(v == 0);
	assert_int_equal(t.dropped, 0);
	free(text);
	prom_text_free(&t);
	snapshot_free(&s);
}

static void test_budget(void **state)
{
	(void)state;
	struct snapshot s;
	struct prom_text t;
	struct parsed ps;
	fill(&s);
	struct prom_server srv = { .name = "a", .up = true, .polled_at = NAN, .poll_s = NAN, .max_series = 4 };
	char *text = render(&s, &srv, &t, 0);
	parse(&ps, text);
	int objects = 0;
	for (int i = 0; i < ps.n; i++)
		for (int f = 0; f < PROM_FAMILIES; f++)
			if (prom_family((enum prom_family)f)->per_object &&
			    !strcmp(ps.s[i].name, prom_family((enum prom_family)f)->name))
				objects++;
	assert_int_equal(objects, 4);
	assert_int_equal(t.series, 4);
	assert_true(t.dropped > 0);
	double v = 0;
	assert_int_equal(count(&ps, "tsdbtop_series_dropped", NULL, NULL, &v), 1);
	assert_true(v == t.dropped);
	assert_int_equal(count(&ps, "tsdbtop_up", NULL, NULL, NULL), 1);      /* never cut */
	assert_int_equal(count(&ps, "tsdbtop_scrape_age_seconds", NULL, NULL, NULL), 0);  /* never polled */
	free(text);
	prom_text_free(&t);
	snapshot_free(&s);
}

static void test_merge_and_down(void **state)
{
	(void)state;
	struct snapshot s;
	struct prom_text a, b;
	struct parsed ps;
	struct prom_buf out = { 0 };
	fill(&s);
	struct prom_server sa = { .name = "a", .up = true, .polled_at = 10, .poll_s = 0.1, .polls = 1 };
	struct prom_server sb = { .name = "b", .up = false, .polled_at = 5, .poll_s = 0.1, .polls = 4 };
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	assert_int_equal(prom_render(&a, &s, &sa), 0);
	assert_int_equal(prom_render(&b, &s, &sb), 0);   /* down: its old snapshot is not shown */
	const struct prom_text *list[] = { &a, &b };
	assert_int_equal(prom_merge(&out, list, 2, 20), 0);
	parse(&ps, out.p);                                /* HELP/TYPE once, families together */
	double v = 0;
	assert_int_equal(count(&ps, "tsdbtop_up", "server", "b", &v), 1);
	assert_true(v == 0);
	assert_int_equal(count(&ps, "tsdbtop_up", "server", "a", &v), 1);
	assert_true(v == 1);
	assert_int_equal(count(&ps, "tsdbtop_scrape_age_seconds", "server", "b", &v), 1);
	assert_true(v == 15);
	assert_int_equal(count(&ps, "tsdbtop_polls_total", "server", "b", &v), 1);
	assert_true(v == 4);
	assert_int_equal(count(&ps, "tsdbtop_hypertable_chunks", "server", "a", NULL), 2);
	assert_int_equal(count(&ps, "tsdbtop_hypertable_chunks", "server", "b", NULL), 0);
	assert_int_equal(count(&ps, "tsdbtop_health", "server", "b", NULL), 0);
	assert_int_equal(count(&ps, "tsdbtop_poll_duration_seconds", "server", "b", NULL), 0);
	prom_buf_free(&out);
	/* a server never polled, without a snapshot */
	sb.polled_at = NAN;
	assert_int_equal(prom_render(&b, NULL, &sb), 0);
	const struct prom_text *one[] = { &b };
	assert_int_equal(prom_merge(&out, one, 1, 20), 0);
	parse(&ps, out.p);
	assert_int_equal(count(&ps, "tsdbtop_up", NULL, NULL, &v), 1);
	assert_int_equal(count(&ps, "tsdbtop_scrape_age_seconds", NULL, NULL, NULL), 0);
	prom_buf_free(&out);
	prom_text_free(&a);
	prom_text_free(&b);
	snapshot_free(&s);
}

static void test_escape(void **state)
{
	(void)state;
	char b[64];
	assert_int_equal(prom_escape(b, sizeof b, "a\\b\"c\nd"), 10);
	assert_string_equal(b, "a\\\\b\\\"c\\nd");
	prom_escape(b, sizeof b, "\t\r\x7f\033");
	assert_string_equal(b, "????");
	prom_escape(b, sizeof b, "\xed\xa0\x80");          /* a surrogate: 3 bad bytes */
	assert_string_equal(b, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	prom_escape(b, sizeof b, "\xf4\x90\x80\x80z");     /* past U+10FFFF */
	assert_true(utf8_ok((const unsigned char *)b));
	prom_escape(b, sizeof b, "\xe2\x82\xac\xf0\x9f\x98\x80");   /* € and an emoji kept */
	assert_string_equal(b, "\xe2\x82\xac\xf0\x9f\x98\x80");
	prom_escape(b, sizeof b, "\xe2\x82");              /* cut sequence */
	assert_string_equal(b, "\xEF\xBF\xBD\xEF\xBF\xBD");
	/* never cut inside an escape or a character */
	assert_int_equal(prom_escape(b, 3, "a\""), 1);
	assert_string_equal(b, "a");
	assert_int_equal(prom_escape(b, 4, "\xc3\xa9\xc3\xa9"), 2);
	assert_int_equal(prom_escape(b, 0, "x"), 0);
	/* the longest name escapes whole */
	char name[NAME_LEN], big[PROM_LABEL_MAX];
	memset(name, 0xff, sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(prom_escape(big, sizeof big, name), 3 * (NAME_LEN - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_merge_and_down),
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests_name("prom", tests, NULL, NULL);
}
