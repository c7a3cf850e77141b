/* libFuzzer: database names on their way into the Prometheus exposition
 * (tui/core/prom.c). The input's pieces (split at '\0') name the server,
 * hypertables, an aggregate and a job; its bytes give the figures. The
 * output must stay the text format: every line HELP, TYPE or one sample
 * whose label values hold no raw quote, backslash or control byte except
 * the three escapes, all of it valid UTF-8; the escaper alone never writes
 * past its buffer nor a control byte. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/prom.h"
#include "tsdbtop/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int utf8_ok(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!k || i + k > n)
			return 0;
		unsigned cp = k == 1 ? c : k == 2 ? c & 0x1F : k == 3 ? c & 0x0F : c & 0x07;
		for (size_t j = 1; j < k; j++) {
			if ((p[i + j] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + j] & 0x3F);
		}
		static const unsigned min[] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k;
	}
	return 1;
}

/* One sample line: inside quotes only \\ \" \n escapes; no control byte. */
static void check_line(const char *l, size_t n)
{
	if (n >= 2 && l[0] == '#')
		return;
	int inq = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];
		if (c < 0x20 || c == 0x7f)
			__builtin_trap();
		if (!inq) {
			inq = c == '"';
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= n || !strchr("\\\"n", l[i + 1]))
				__builtin_trap();
			i++;
		} else if (c == '"') {
			inq = 0;
		}
	}
	if (inq || !strchr(l, ' ') || strncmp(l, "tsdbtop_", 8) != 0)
		__builtin_trap();
}

static void check_text(const char *t, size_t len)
{
	if (!utf8_ok((const unsigned char *)t, len) || (len && t[len - 1] != '\n'))
		__builtin_trap();
	for (const char *p = t; p < t + len;) {
		const char *e = memchr(p, '\n', (size_t)(t + len - p));
		check_line(p, (size_t)(e - p));
		p = e + 1;
	}
}

/* The next '\0'-ended piece of the input into dst (cut to n). */
static const char *piece(const char **p, const char *end, char *dst, size_t n)
{
	size_t k = 0;
	while (*p < end && **p && k + 1 < n)
		dst[k++] = *(*p)++;
	dst[k] = '\0';
	while (*p < end && **p)
		(*p)++;
	if (*p < end)
		(*p)++;
	return dst;
}

static void fill(struct snapshot *s, const char **p, const char *end, const uint8_t *data, size_t size)
{
	for (int i = 0; i < 3; i++) {
		struct ht_row *h = SNAP_ADD(s->hts);
		struct cagg_row *g = SNAP_ADD(s->caggs);
		struct job_row *j = SNAP_ADD(s->jobs);
		if (!h || !g || !j)
			return;
		piece(p, end, h->schema, sizeof h->schema);
		piece(p, end, h->name, sizeof h->name);
		piece(p, end, g->name, sizeof g->name);
		piece(p, end, j->proc, sizeof j->proc);
		piece(p, end, j->ht_name, sizeof j->ht_name);
		h->chunks = size ? data[i % size] : 0;
		h->est_bytes = size > 1 && data[1] & 1 ? NAN : (double)size * 1e12;
		g->lag_s = size > 2 && data[2] & 1 ? NAN : (double)i / 3.0;
		g->promised_lag_s = INFINITY;
		j->id = (int)size - i;
		j->last_finish = size > 3 && data[3] & 1 ? NAN : 1.7e9 + i;
		snprintf(j->last_status, sizeof j->last_status, "%s", i ? "Success" : "");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char server[80], esc[PROM_LABEL_MAX];
	piece(&p, end, server, sizeof server);
	size_t w = prom_escape(esc, 1 + size % sizeof esc, server);
	if (w != strlen(esc) || w > size % sizeof esc)
		__builtin_trap();
	struct snapshot s;
	memset(&s, 0, sizeof s);
	fill(&s, &p, end, data, size);
	struct prom_server srv = { .name = server, .up = size % 5 != 0, .polled_at = 100,
				   .poll_s = 0.5, .polls = size, .max_series = (int)(size % 9) };
	struct prom_text t;
	memset(&t, 0, sizeof t);
	struct prom_buf out = { 0 };
	if (prom_render(&t, &s, &srv) == 0) {
		const struct prom_text *list[] = { &t, &t };
		if (prom_merge(&out, list, 2, 101) == 0)
			check_text(out.p, out.len);
	}
	prom_buf_free(&out);
	prom_text_free(&t);
	snapshot_free(&s);
	return 0;
}
