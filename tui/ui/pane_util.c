/* pane_util — pure helpers shared by the pane classes (no curses). */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/format.h"
#include "tsdbtop/pane.h"
#include "tsdbtop/sanitize.h"

const struct pane_class *pane_class_of(enum pane_id id)
{
	switch (id) {
	case PANE_CHUNKS: return &pane_chunks_class;
	case PANE_COMPRESSION: return &pane_compression_class;
	case PANE_RETENTION: return &pane_retention_class;
	case PANE_CAGGS: return &pane_caggs_class;
	case PANE_CACHE: return &pane_cache_class;
	default: return NULL;
	}
}

const char *pane_health_symbol(enum health h, bool utf8)
{
	switch (h) {
	case HEALTH_OK: return utf8 ? "\u2713" : " ";
	case HEALTH_WARNING: return utf8 ? "\u25b2" : "!";
	case HEALTH_CRITICAL: return utf8 ? "\u2716" : "X";
	default: return "?";
	}
}

enum theme_role pane_health_role(enum health h)
{
	switch (h) {
	case HEALTH_OK: return ROLE_OK;
	case HEALTH_WARNING: return ROLE_WARNING;
	case HEALTH_CRITICAL: return ROLE_CRITICAL;
	default: return ROLE_DIM;
	}
}

enum theme_role pane_text(char *buf, size_t n, const char *src, int width, bool utf8,
                          enum theme_role role)
{
	text_fit(buf, n, src ? src : "", width, utf8);
	return role;
}

void pane_qualname(char *buf, size_t n, const char *schema, const char *name)
{
	if (!schema || !*schema || strcmp(schema, "public") == 0)
		snprintf(buf, n, "%s", name ? name : "");
	else
		snprintf(buf, n, "%s.%s", schema, name ? name : "");
}

void pane_name(const struct pane_ctx *c, char *buf, size_t n, const char *schema, const char *name)
{
	pane_qualname(buf, n, c->show_schema ? schema : "", name);
}

enum theme_role pane_name_cell(const struct pane_ctx *c, char *buf, size_t n, const char *schema,
                               const char *name, int width, enum theme_role role)
{
	char q[NAME_LEN * 2 + 2];
	pane_name(c, q, sizeof q, schema, name);
	if (strchr(q, '.') && c->show_schema && schema && *schema && strcmp(schema, "public") != 0)
		text_fit_tail(buf, n, q, width, c->utf8);
	else
		text_fit(buf, n, q, width, c->utf8);
	return role;
}

bool pane_multi_schema(const struct snapshot *s)
{
	const char *first = NULL;
	for (int i = 0; i < s->hts.n; i++) {
		if (s->hts.v[i].is_cagg)
			continue;
		if (!first)
			first = s->hts.v[i].schema;
		else if (strcmp(first, s->hts.v[i].schema) != 0)
			return true;
	}
	return false;
}

char *pane_ago(char *buf, size_t n, double when, double now)
{
	char d[32];
	if (isnan(when) || isinf(when)) {
		snprintf(buf, n, "-");
		return buf;
	}
	double dt = now - when;
	if (dt >= 0)
		snprintf(buf, n, "%s ago", fmt_duration(d, sizeof d, dt));
	else
		snprintf(buf, n, "in %s", fmt_duration(d, sizeof d, -dt));
	return buf;
}

char *pane_range(char *buf, size_t n, double from, double to, bool utf8)
{
	char a[32], b[32];
	if (isnan(from) && isnan(to)) {
		snprintf(buf, n, "-");
		return buf;
	}
	if (isnan(from))
		snprintf(a, sizeof a, "?");
	else
		fmt_time_epoch(a, sizeof a, from);
	if (isnan(to))
		snprintf(b, sizeof b, "?");
	else
		fmt_time_epoch(b, sizeof b, to);
	/* drop the year when both share it: "11-20 10:00" */
	const char *pa = a, *pb = b;
	if (strlen(a) == 16 && strlen(b) == 16 && strncmp(a, b, 5) == 0) {
		pa = a + 5;
		pb = b + 5;
	}
	snprintf(buf, n, "%s%s%s", pa, utf8 ? "\u2013" : "..", pb);
	return buf;
}

char *pane_age_suffix(char *buf, size_t n, const struct pane_meta *m, double now,
                      double interval, bool *stale)
{
	char d[32];
	if (stale)
		*stale = false;
	if (!m || isnan(m->updated_at) || m->updated_at <= 0) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	double age = now - m->updated_at;
	if (age < 0)
		age = 0;
	double limit = 2 * (interval > 0 ? interval : 2) + 5;
	if (age > limit || m->status == PANE_ERROR) {
		if (stale)
			*stale = true;
		snprintf(buf, n, "%s old", fmt_duration(d, sizeof d, age));
	} else {
		/* within its refresh cycle: a word, not seconds that tick on every
		 * draw (an idle console then writes next to nothing: make bench) */
		snprintf(buf, n, "live");
	}
	return buf;
}

char *pane_dur(char *buf, size_t n, double s)
{
	fmt_duration(buf, n, s);
	size_t l = strlen(buf);
	/* "1d00h" -> "1d", "2h00m" -> "2h" */
	if (l > 3 && buf[l - 3] == '0' && buf[l - 2] == '0' && isalpha((unsigned char)buf[l - 1]) &&
	    isalpha((unsigned char)buf[l - 4]))
		buf[l - 3] = '\0';
	return buf;
}

bool pane_match(const char *hay, const char *needle)
{
	if (!needle || !*needle)
		return true;
	if (!hay)
		return false;
	size_t nl = strlen(needle);
	for (const char *p = hay; *p; p++) {
		size_t i = 0;
		while (i < nl && p[i] &&
		       tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == nl)
			return true;
	}
	return false;
}

int pane_cmp_double(double a, double b)
{
	bool na = isnan(a), nb = isnan(b);
	if (na && nb)
		return 0;
	if (na)
		return -1;
	if (nb)
		return 1;
	return (a > b) - (a < b);
}

int pane_cmp_int(long long a, long long b)
{
	return (a > b) - (a < b);
}

static int health_rank(enum health h)
{
	switch (h) {
	case HEALTH_OK: return 1;
	case HEALTH_WARNING: return 2;
	case HEALTH_CRITICAL: return 3;
	default: return 0;
	}
}

int pane_cmp_health(enum health a, enum health b)
{
	return pane_cmp_int(health_rank(a), health_rank(b));
}

char *pane_ratio(char *buf, size_t n, double before, double after)
{
	if (isnan(before) || isnan(after) || after <= 0 || before <= 0)
		snprintf(buf, n, "-");
	else if (before / after >= 100)
		snprintf(buf, n, "%.0fx", before / after);
	else
		snprintf(buf, n, "%.1fx", before / after);
	return buf;
}
