/* deploy_steps — the step files of `tsdbtop deploy`: where sql/ is, the
 * steps in run order and their names, and the console-query markers of a
 * step rendered with the console's own queries (one definition per fact).
 * Splitting a step into statements: deploy_split.c; the command: deploy.c. */
#include "tsdbtop/deploy.h"

#include <ctype.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsdbtop/queries.h"

/* ---- finding the steps ----------------------------------------------- */

static bool has_steps(const char *dir)
{
	char pat[4200];
	glob_t g;
	bool ok = false;
	snprintf(pat, sizeof pat, "%s/deploy/[0-9]*.sql", dir);
	if (glob(pat, 0, NULL, &g) == 0) {
		ok = g.gl_pathc > 0;
		globfree(&g);
	}
	snprintf(pat, sizeof pat, "%s/schema/*.sql", dir);
	if (ok && glob(pat, 0, NULL, &g) == 0)
		globfree(&g);
	else
		ok = false;
	return ok;
}

#ifdef TSDBTOP_THEME_DIR
#define SHARE_THEMES TSDBTOP_THEME_DIR
#else
#define SHARE_THEMES "/usr/local/share/tsdbtop/themes"
#endif

int deploy_find_sql_dir(char *dir, size_t n)
{
	const char *env = getenv("TSDBTOP_SQL_DIR");
	if (env && *env) {
		snprintf(dir, n, "%s", env);
		return has_steps(dir) ? 0 : -1;
	}
	char exe[4096];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l > 0) {
		exe[l] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		/* build/tsdbtop -> ../sql; build/asan/tsdbtop -> ../../sql */
		static const char *const up[] = { "/../sql", "/../../sql", "/sql" };
		for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
			char cand[4200], real[4096];
			snprintf(cand, sizeof cand, "%s%s", exe, up[i]);
			if (has_steps(cand)) {
				snprintf(dir, n, "%s", realpath(cand, real) ? real : cand);
				return 0;
			}
		}
	}
	/* The installed copy: $(PREFIX)/share/tsdbtop/sql, next to the themes. */
	snprintf(dir, n, "%s", SHARE_THEMES);
	char *s = strrchr(dir, '/');
	if (s && strcmp(s, "/themes") == 0)
		snprintf(s, n - (size_t)(s - dir), "/sql");
	else
		snprintf(dir, n, "/usr/local/share/tsdbtop/sql");
	return has_steps(dir) ? 0 : -1;
}

int deploy_list_steps(const char *dir, char ***paths)
{
	char pat[4200];
	glob_t a, b;
	*paths = NULL;
	snprintf(pat, sizeof pat, "%s/schema/*.sql", dir);
	if (glob(pat, 0, NULL, &a) != 0)
		return -1;
	snprintf(pat, sizeof pat, "%s/deploy/[0-9]*.sql", dir);
	if (glob(pat, 0, NULL, &b) != 0) {
		globfree(&a);
		return -1;
	}
	size_t total = a.gl_pathc + b.gl_pathc;
	char **v = calloc(total + 1, sizeof *v);
	int n = 0;
	for (size_t i = 0; v && i < a.gl_pathc; i++)
		v[n++] = strdup(a.gl_pathv[i]);
	for (size_t i = 0; v && i < b.gl_pathc; i++)
		v[n++] = strdup(b.gl_pathv[i]);
	globfree(&a);
	globfree(&b);
	if (!v)
		return -1;
	*paths = v;
	return n;
}

void deploy_step_name(const char *path, char *buf, size_t n)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	while (isdigit((unsigned char)*b))
		b++;
	if (*b == '_')
		b++;
	snprintf(buf, n, "%s", b);
	char *dot = strrchr(buf, '.');
	if (dot && strcmp(dot, ".sql") == 0)
		*dot = '\0';
}

/* ---- console queries in step files ----------------------------------- */

/* Name of the marker line [p, end), or 0 when the line is not one: blanks,
 * slash-star "@query NAME@" star-slash, blanks (sql/deploy.sh's MARKER). */
static size_t marker_name(const char *p, const char *end, const char **name)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	static const char open[] = "/*@query ";
	if ((size_t)(end - p) < sizeof open - 1 || memcmp(p, open, sizeof open - 1) != 0)
		return 0;
	p += sizeof open - 1;
	const char *n = p;
	while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
		p++;
	size_t len = (size_t)(p - n);
	if (len == 0 || end - p < 3 || memcmp(p, "@*/", 3) != 0)
		return 0;
	p += 3;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p != end)
		return 0;
	*name = n;
	return len;
}

bool deploy_has_marker(const char *text)
{
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n'), *name;
		if (!e)
			e = p + strlen(p);
		if (marker_name(p, e, &name))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 4096;
		while (nc < b->len + n + 1)
			nc *= 2;
		char *ns = realloc(b->s, nc);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

char *deploy_render(const char *text, int pg_version_num, int ts_version_num, const char *ts_version,
		    char *err, size_t errn)
{
	struct buf b = { 0 };
	if (buf_add(&b, "", 0) != 0)
		goto oom;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n'), *name;
		if (!e)
			e = p + strlen(p);
		size_t nl = marker_name(p, e, &name);
		if (nl) {
			char q[64];
			snprintf(q, sizeof q, "%.*s", (int)(nl < sizeof q ? nl : sizeof q - 1), name);
			const char *sql = query_pick(q, pg_version_num, ts_version_num);
			if (!sql) {
				snprintf(err, errn, "it uses the console query '%s', and the console has none for"
					 " TimescaleDB %s", q, ts_version && *ts_version ? ts_version : "(not installed)");
				free(b.s);
				return NULL;
			}
			if (buf_add(&b, sql, strlen(sql)) != 0)
				goto oom;
		} else if (buf_add(&b, p, (size_t)(e - p)) != 0 || buf_add(&b, "\n", 1) != 0) {
			goto oom;
		}
		p = *e ? e + 1 : e;
	}
	return b.s;
oom:
	free(b.s);
	snprintf(err, errn, "out of memory");
	return NULL;
}
