/* deploy — the MS5.0 layer over sql/: pre-flight, one transaction per step,
 * progress, validation. Statements go one by one over the async connection
 * (extended protocol: one statement per query) between BEGIN and COMMIT. */
#include "tsdbtop/deploy.h"

#include <ctype.h>
#include <limits.h>
#include <glob.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/config.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/queries.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/server.h"

/* ---- splitting ------------------------------------------------------- */

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Length of a dollar-quote tag at p ("$$", "$body$"), or 0. */
static size_t dollar_tag(const char *p)
{
	if (p[0] != '$')
		return 0;
	size_t i = 1;
	if (p[i] == '$')
		return 2;
	if (!(isalpha((unsigned char)p[i]) || p[i] == '_' || (unsigned char)p[i] >= 0x80))
		return 0;
	while (ident_char(p[i]) && p[i] != '$')
		i++;
	return p[i] == '$' ? i + 1 : 0;
}

static int push(struct sql_stmt **v, int *n, int *cap, const char *s, size_t len, int line)
{
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 16;
		struct sql_stmt *nv = realloc(*v, (size_t)nc * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	char *t = malloc(len + 1);
	if (!t)
		return -1;
	memcpy(t, s, len);
	t[len] = '\0';
	(*v)[(*n)++] = (struct sql_stmt){ t, line };
	return 0;
}

int sql_split(const char *sql, struct sql_stmt **out, int *err_line)
{
	struct sql_stmt *v = NULL;
	int n = 0, cap = 0, line = 1, start_line = 0;
	const char *start = NULL;      /* first content character of the statement */
	const char *p = sql;
	*out = NULL;
#define FAIL_AT(l) do { *err_line = (l); sql_stmts_free(v, n); return -1; } while (0)
	while (*p) {
		char c = *p;
		if (c == '\n') {
			line++;
			p++;
			continue;
		}
		if (isspace((unsigned char)c)) {
			p++;
			continue;
		}
		if (c == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (c == '/' && p[1] == '*') {
			int depth = 1, at = line;
			p += 2;
			while (*p && depth) {
				if (*p == '\n')
					line++;
				if (p[0] == '/' && p[1] == '*')
					depth++, p++;
				else if (p[0] == '*' && p[1] == '/')
					depth--, p++;
				p++;
			}
			if (depth)
				FAIL_AT(at);
			continue;
		}
		if (c == ';') {
			if (start && push(&v, &n, &cap, start, (size_t)(p - start), start_line) != 0)
				FAIL_AT(line);
			start = NULL;
			p++;
			continue;
		}
		if (!start) {
			start = p;
			start_line = line;
		}
		if (c == '\'' || c == '"') {
			bool esc = c == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				   (p - 1 == sql || !ident_char(p[-2]));
			int at = line;
			p++;
			for (;;) {
				if (!*p)
					FAIL_AT(at);
				if (*p == '\n')
					line++;
				if (esc && *p == '\\' && p[1]) {
					if (p[1] == '\n')
						line++;
					p += 2;
					continue;
				}
				if (*p == c) {
					if (p[1] == c) {
						p += 2;
						continue;
					}
					p++;
					break;
				}
				p++;
			}
			continue;
		}
		size_t tl;
		if (c == '$' && (p == sql || !ident_char(p[-1])) && (tl = dollar_tag(p)) > 0) {
			int at = line;
			const char *body = p + tl, *end = NULL;
			for (const char *q = body; *q; q++)
				if (*q == '$' && strncmp(q, p, tl) == 0) {
					end = q;
					break;
				}
			if (!end)
				FAIL_AT(at);
			for (const char *q = p; q < end; q++)
				if (*q == '\n')
					line++;
			p = end + tl;
			continue;
		}
		if (ident_char(c)) {
			while (ident_char(*p))
				p++;
			continue;
		}
		p++;
	}
	if (start && push(&v, &n, &cap, start, (size_t)(p - start), start_line) != 0)
		FAIL_AT(line);
#undef FAIL_AT
	*out = v;
	return n;
}

void sql_stmts_free(struct sql_stmt *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

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

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		size_t r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
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

/* ---- the command ----------------------------------------------------- */

static const struct cli_opt deploy_opts[] = {
	{ "env", 1, "ENV", "development (default), staging or production (asks to confirm)" },
	{ "from-step", 1, "N", "resume at step N (earlier steps are skipped)" },
	{ "yes", 0, NULL, "do not ask for confirmation (production)" },
	{ "dry-run", 0, NULL, "pre-flight and the step list only; change nothing" },
	{ "read-only", 0, NULL, "refuse to change anything (as read_only = true in the config file)" },
};
#define DEPLOY_NOPTS ((int)(sizeof deploy_opts / sizeof deploy_opts[0]))

struct deploy_args {
	const char *env;
	int from;
	bool yes, dry_run, read_only;
};

static int deploy_opt(void *ud, int idx, const char *arg, FILE *err)
{
	struct deploy_args *d = ud;
	char *end;
	switch (idx) {
	case 0:
		if (strcmp(arg, "development") != 0 && strcmp(arg, "staging") != 0 && strcmp(arg, "production") != 0) {
			fprintf(err, "tsdbtop deploy: --env: '%s' is not development, staging or production\n", arg);
			return -1;
		}
		d->env = arg;
		return 0;
	case 1: {
		long v = strtol(arg, &end, 10);
		if (end == arg || *end || v < 1 || v > 1000) {
			fprintf(err, "tsdbtop deploy: --from-step: '%s' is not a step number (1, 2, ...)\n", arg);
			return -1;
		}
		d->from = (int)v;
		return 0;
	}
	case 2: d->yes = true; return 0;
	case 3: d->dry_run = true; return 0;
	default: d->read_only = true; return 0;
	}
}

static const char preflight_sql[] =
	"SELECT pg_catalog.current_setting('server_version') AS pg_version,"
	" (SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = 'timescaledb') AS ts_available,"
	" (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') AS ts_installed,"
	" (SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
	"   WHERE e.extname = 'timescaledb') AS ts_schema,"
	" pg_catalog.current_setting('timescaledb.license', true) AS license,"
	" (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS superuser,"
	" pg_catalog.current_setting('shared_preload_libraries') ~ '(^|[ ,])\"?timescaledb\"?($|[ ,])' AS preloaded,"
	" pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE') AS can_create_schema,"
	" CASE WHEN pg_catalog.to_regnamespace('factory_telemetry') IS NOT NULL"
	"  THEN pg_catalog.has_schema_privilege('factory_telemetry', 'CREATE') END AS can_create_in_schema,"
	" pg_catalog.pg_is_in_recovery() AS in_recovery";

static const char validate_sql[] =
	"SELECT"
	" (SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_schema = 'factory_telemetry') AS hypertables,"
	" (SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'factory_telemetry'"
	"   AND proc_name = 'policy_compression') AS compression_policies,"
	" (SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'factory_telemetry'"
	"   AND proc_name = 'policy_retention') AS retention_policies,"
	" (SELECT count(*) FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class t ON t.oid = x.indrelid"
	"   JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
	"   JOIN timescaledb_information.hypertables h ON h.hypertable_schema = n.nspname AND h.hypertable_name = t.relname"
	"   WHERE n.nspname = 'factory_telemetry') AS indexes,"
	" (SELECT count(*) FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'factory_telemetry') AS caggs,"
	" (SELECT count(*) FROM timescaledb_information.jobs WHERE hypertable_schema = 'factory_telemetry'"
	"   AND proc_name = 'policy_refresh_continuous_aggregate') AS refresh_policies";

static const char *cell(PGresult *r, const char *col)
{
	int c = PQfnumber(r, col);
	return c < 0 || PQgetisnull(r, 0, c) ? NULL : PQgetvalue(r, 0, c);
}

static bool truthy(PGresult *r, const char *col)
{
	const char *v = cell(r, col);
	return v && strcmp(v, "t") == 0;
}

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The server's versions as the console's query_pick() takes them, read when a
 * step needs them (step 1 may have just created the extension). */
static int server_versions(struct hl_session *h, double timeout, int *pg, int *ts, char *tsv, size_t tsvn,
			   struct conn_error *e)
{
	PGresult *r = NULL;
	if (hl_exec(h, "SELECT pg_catalog.current_setting('server_version_num')::int AS pg,"
		    " (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb') AS ts",
		    0, NULL, timeout, &r, e) != 0)
		return -1;
	const char *p = cell(r, "pg"), *t = cell(r, "ts");
	*pg = p ? (int)strtol(p, NULL, 10) : 0;
	snprintf(tsv, tsvn, "%s", t ? t : "");
	*ts = server_parse_ts_version(tsv);
	PQclear(r);
	return 0;
}

/* Pre-flight: 0 ok, 1 refused (message printed). */
static int preflight(struct hl_session *h, double timeout)
{
	PGresult *r = NULL;
	struct conn_error e;
	if (hl_exec(h, preflight_sql, 0, NULL, timeout, &r, &e) != 0) {
		char m[600];
		sanitize_text(m, sizeof m, e.message);
		fprintf(stderr, "tsdbtop deploy: pre-flight query failed: %s\n", m);
		return 1;
	}
	const char *pgv = cell(r, "pg_version"), *avail = cell(r, "ts_available"),
		   *inst = cell(r, "ts_installed"), *schema = cell(r, "ts_schema"), *lic = cell(r, "license");
	int rc = 0;
	printf("pre-flight: connection ok, PostgreSQL %s\n", pgv ? pgv : "?");
	const char *ver = inst ? inst : avail;
	if (truthy(r, "in_recovery")) {
		fprintf(stderr, "tsdbtop deploy: the server is a read-only standby (in recovery)\n");
		rc = 1;
	} else if (!ver) {
		fprintf(stderr, "tsdbtop deploy: TimescaleDB is not available on this server"
				" (no timescaledb in pg_available_extensions)\n");
		rc = 1;
	} else if (!inst && !truthy(r, "preloaded")) {
		fprintf(stderr, "tsdbtop deploy: TimescaleDB is not available on this server: installed but not"
				" preloaded (add timescaledb to shared_preload_libraries and restart)\n");
		rc = 1;
	} else if (inst && schema && strcmp(schema, "public") != 0) {
		fprintf(stderr, "tsdbtop deploy: extension timescaledb is installed in schema \"%s\"; the steps call"
				" public.* (install it in public)\n", schema);
		rc = 1;
	} else if (lic && strcmp(lic, "apache") == 0) {
		fprintf(stderr, "tsdbtop deploy: the server runs TimescaleDB under the apache license: the layer"
				" needs compression and continuous aggregates (license timescale)\n");
		rc = 1;
	} else if (server_parse_ts_version(ver) > 0 && server_parse_ts_version(ver) < 20900) {
		fprintf(stderr, "tsdbtop deploy: TimescaleDB %s is too old: the layer needs 2.9 or newer\n", ver);
		rc = 1;
	} else if (!inst && !truthy(r, "superuser")) {
		fprintf(stderr, "tsdbtop deploy: TimescaleDB %s is available but not installed, and creating the"
				" extension needs a superuser (CREATE EXTENSION timescaledb)\n", ver);
		rc = 1;
	} else if (!truthy(r, "can_create_schema") && !truthy(r, "can_create_in_schema")) {
		fprintf(stderr, "tsdbtop deploy: permission denied: needs CREATE on the database or on schema"
				" factory_telemetry\n");
		rc = 1;
	}
	if (rc == 0) {
		printf("pre-flight: TimescaleDB %s%s%s, license %s\n", ver ? ver : "?",
		       inst ? " in schema " : " (step 1 creates the extension)", inst && schema ? schema : "",
		       lic ? lic : "unknown");
		printf("pre-flight: privileges ok (%s)\n", truthy(r, "superuser") ? "superuser" :
		       "CREATE on the database or schema");
	}
	PQclear(r);
	return rc;
}

/* Server WARNINGs of a step, shown under its line as sql/deploy.sh does. */
struct notices {
	char buf[8192];
	size_t len;
};

static void collect_notice(const char *msg, void *ud)
{
	struct notices *n = ud;
	char clean[1024];
	sanitize_text(clean, sizeof clean, msg);
	if (n->len < sizeof n->buf) {
		int w = snprintf(n->buf + n->len, sizeof n->buf - n->len, "    %s\n", clean);
		if (w > 0)
			n->len += (size_t)w < sizeof n->buf - n->len ? (size_t)w : sizeof n->buf - n->len - 1;
	}
}

static int run_step(struct hl_session *h, const char *path, int i, int total, double timeout, bool tty)
{
	char name[128];
	deploy_step_name(path, name, sizeof name);
	char *text = slurp(path);
	if (!text) {
		printf("step %d/%d %s ... FAILED\n", i, total, name);
		fprintf(stderr, "tsdbtop deploy: step %d/%d: cannot read %s\n", i, total, path);
		return 1;
	}
	struct sql_stmt *st = NULL;
	int bad_line = 0;
	int n = sql_split(text, &st, &bad_line);
	free(text);
	if (n < 0) {
		printf("step %d/%d %s ... FAILED\n", i, total, name);
		fprintf(stderr, "tsdbtop deploy: step %d/%d: %s: unterminated quote or comment from line %d\n",
			i, total, path, bad_line);
		return 1;
	}
	printf("step %d/%d %s ... ", i, total, name);
	fflush(stdout);
	double t0 = now_mono();
	PGresult *r = NULL;
	struct conn_error e;
	int rc = 0, failed_at = -1;
	/* Console queries named in the step: rendered per statement, so that
	 * errors keep the step file's line numbers. */
	bool templ = false;
	for (int k = 0; k < n && !templ; k++)
		templ = deploy_has_marker(st[k].text);
	if (templ) {
		int pg = 0, ts = 0;
		char tsv[64], why[300] = "";
		if (server_versions(h, timeout, &pg, &ts, tsv, sizeof tsv, &e) != 0)
			sanitize_text(why, sizeof why, e.message);
		for (int k = 0; !why[0] && k < n; k++) {
			if (!deploy_has_marker(st[k].text))
				continue;
			char *out = deploy_render(st[k].text, pg, ts, tsv, why, sizeof why);
			if (out) {
				free(st[k].text);
				st[k].text = out;
			}
		}
		if (why[0]) {
			printf("FAILED\n");
			fprintf(stderr, "tsdbtop deploy: step %d/%d (%s) failed before it ran: %s; the database is as"
					" before this step\n", i, total, path, why);
			fprintf(stderr, "tsdbtop deploy: fix it and resume with: tsdbtop deploy --from-step %d\n", i);
			sql_stmts_free(st, n);
			return 1;
		}
	}
	struct notices *nb = calloc(1, sizeof *nb);
	if (nb)
		hl_on_notice(h, collect_notice, nb);
	if (hl_exec(h, "BEGIN", 0, NULL, timeout, &r, &e) != 0)
		failed_at = 0;
	PQclear(r);
	if (failed_at < 0 && hl_exec(h, "SET LOCAL client_min_messages = warning", 0, NULL, timeout, &r, &e) != 0)
		failed_at = 0;
	PQclear(r);
	for (int k = 0; failed_at < 0 && k < n; k++) {
		if (tty) {
			printf("\rstep %d/%d %s ... %d/%d ", i, total, name, k + 1, n);
			fflush(stdout);
		}
		if (hl_exec(h, st[k].text, 0, NULL, timeout, &r, &e) != 0)
			failed_at = k;
		PQclear(r);
	}
	if (failed_at < 0 && hl_exec(h, "COMMIT", 0, NULL, timeout, &r, &e) != 0)
		failed_at = n;
	PQclear(r);
	if (tty)
		printf("\rstep %d/%d %s ... ", i, total, name);
	hl_on_notice(h, NULL, NULL);
	if (failed_at < 0) {
		printf("ok (%.1f s, %d statements)%s\n", now_mono() - t0, n, tty ? "      " : "");
		if (nb && nb->len)
			fputs(nb->buf, stdout);
	} else {
		struct conn_error e2;
		if (hl_exec(h, "ROLLBACK", 0, NULL, timeout, &r, &e2) == 0)
			PQclear(r);
		printf("FAILED%s\n", tty ? "           " : "");
		char m[600];
		sanitize_text(m, sizeof m, e.message);
		if (failed_at < n && failed_at > 0 && n > 0)
			fprintf(stderr, "tsdbtop deploy: step %d/%d (%s, statement at line %d) failed: %s%s%s;"
					" it was rolled back, the database is as before this step\n", i, total, path,
				st[failed_at].line, e.sqlstate[0] ? e.sqlstate : "", e.sqlstate[0] ? " " : "", m);
		else
			fprintf(stderr, "tsdbtop deploy: step %d/%d (%s) failed: %s; it was rolled back\n", i, total,
				path, m);
		fprintf(stderr, "tsdbtop deploy: fix it and resume with: tsdbtop deploy --from-step %d\n", i);
		rc = 1;
	}
	free(nb);
	sql_stmts_free(st, n);
	return rc;
}

static int validate(struct hl_session *h, double timeout)
{
	PGresult *r = NULL;
	struct conn_error e;
	if (hl_exec(h, validate_sql, 0, NULL, timeout, &r, &e) != 0) {
		char m[600];
		sanitize_text(m, sizeof m, e.message);
		fprintf(stderr, "tsdbtop deploy: validation query failed: %s\n", m);
		return 1;
	}
	static const struct { const char *col, *label; int want; bool at_least; } v[] = {
		{ "hypertables", "hypertables", 7, false },
		{ "compression_policies", "compression policies", 7, false },
		{ "retention_policies", "retention policies", 7, false },
		{ "indexes", "indexes", 36, true },
		{ "caggs", "continuous aggregates", 8, false },
		{ "refresh_policies", "refresh policies", 8, false },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		const char *s = cell(r, v[i].col);
		int got = s ? (int)strtol(s, NULL, 10) : -1;
		bool ok = v[i].at_least ? got >= v[i].want : got == v[i].want;
		printf("validate: %-22s %3d (%s%d) %s\n", v[i].label, got, v[i].at_least ? ">= " : "", v[i].want,
		       ok ? "ok" : "WRONG");
		bad += !ok;
	}
	PQclear(r);
	if (bad)
		fprintf(stderr, "tsdbtop deploy: validation failed: %d figure%s not as declared\n", bad,
			bad == 1 ? "" : "s");
	return bad ? 1 : 0;
}

static bool confirm(const char *db, const char *host)
{
	char line[64];
	fprintf(stderr, "Deploy the MS5.0 layer to PRODUCTION database %s on %s? Type yes to continue: ", db, host);
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0;
}

int cmd_deploy(int argc, char **argv)
{
	struct deploy_args d = { .env = "development", .from = 1 };
	struct options o;
	const char *pos[1];
	int npos;
	if (cli_parse_cmd(&o, argc, argv, stderr, "deploy", deploy_opts, DEPLOY_NOPTS, deploy_opt, &d, pos, &npos, 1) != 0)
		return HL_EXIT_USAGE;
	if (o.mode == MODE_HELP) {
		cli_usage_cmd(stdout, "deploy [--env ENV] [--from-step N] [--yes] [--dry-run] [--read-only] [CONNINFO]",
			      "Deploy the MS5.0 factory_telemetry layer (sql/schema, sql/deploy): pre-flight, every step\n"
			      "in one transaction, validation (7 hypertables, 7+7 policies, >= 36 indexes, 8 aggregates).\n"
			      "Step files: $TSDBTOP_SQL_DIR, sql/ of the source tree, or the installed share/tsdbtop/sql.\n"
			      "No statement_timeout unless --statement-timeout is given.\n"
			      "Exit 0 deployed, 1 refused / a step failed / validation failed, 2 bad usage, 3 cannot connect.",
			      deploy_opts, DEPLOY_NOPTS);
		return 0;
	}
	struct config cfg;
	int crc = hl_config_load("deploy", &o, &cfg);
	if (crc >= 0)
		return crc;
	if ((d.read_only || cfg.read_only) && !d.dry_run) {
		fprintf(stderr, "tsdbtop deploy: read-only mode: deploy is disabled (%s); nothing changed\n",
			d.read_only ? "--read-only" : "read_only = yes in the configuration file");
		return HL_EXIT_FAILED;
	}
	bool user_timeout = false;
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--statement-timeout", 19) == 0)
			user_timeout = true;
	if (!user_timeout)
		o.statement_timeout = 0;
	if (npos)
		o.conninfo = pos[0];
	char dir[4096];
	if (deploy_find_sql_dir(dir, sizeof dir) != 0) {
		fprintf(stderr, "tsdbtop deploy: no step files (schema/*.sql, deploy/NN_*.sql) under %s;"
				" set TSDBTOP_SQL_DIR\n", dir);
		return HL_EXIT_USAGE;
	}
	char **steps = NULL;
	int total = deploy_list_steps(dir, &steps);
	if (total <= 0) {
		fprintf(stderr, "tsdbtop deploy: no step files under %s\n", dir);
		free(steps);
		return HL_EXIT_USAGE;
	}
	int rc = 0;
	struct hl_session *h = NULL;
	bool production = strcmp(d.env, "production") == 0;
	if (d.from > total) {
		fprintf(stderr, "tsdbtop deploy: --from-step %d but there are only %d steps\n", d.from, total);
		rc = HL_EXIT_USAGE;
		goto out;
	}
	if (production && !d.yes && !d.dry_run && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "tsdbtop deploy: production needs --yes when there is no terminal to confirm on;"
				" nothing changed\n");
		rc = HL_EXIT_USAGE;
		goto out;
	}
	double timeout = o.statement_timeout > 0 ? o.statement_timeout + 10 : 0;
	char msg[512];
	h = hl_open(&o, msg, sizeof msg);
	if (!h) {
		fprintf(stderr, "tsdbtop deploy: %s\n", msg);
		rc = HL_EXIT_NOCONN;
		goto out;
	}
	const struct server_info *si = hl_info(h);
	char db[80], host[200], rawhost[200], user[80];
	sanitize_text(db, sizeof db, si->database);
	sanitize_text(user, sizeof user, si->user);
	snprintf(rawhost, sizeof rawhost, "%s:%s", si->host, si->port);
	sanitize_text(host, sizeof host, rawhost);
	printf("deploy: %d steps from %s to %s/%s as %s (environment %s)\n", total, dir, host, db, user, d.env);
	if ((rc = preflight(h, o.statement_timeout > 0 ? timeout : 30)) != 0)
		goto out;
	if (d.dry_run) {
		for (int i = 0; i < total; i++) {
			char name[128];
			deploy_step_name(steps[i], name, sizeof name);
			printf("step %d/%d %s (%s)%s\n", i + 1, total, name, steps[i],
			       i + 1 < d.from ? " skipped" : "");
		}
		printf("deploy: dry run; nothing changed\n");
		goto out;
	}
	if (production && !d.yes && !confirm(db, host)) {
		fprintf(stderr, "tsdbtop deploy: not confirmed; nothing changed\n");
		rc = HL_EXIT_FAILED;
		goto out;
	}
	bool tty = isatty(STDOUT_FILENO);
	for (int i = 0; i < total; i++) {
		char name[128];
		deploy_step_name(steps[i], name, sizeof name);
		if (i + 1 < d.from) {
			printf("step %d/%d %s ... skipped\n", i + 1, total, name);
			continue;
		}
		if (run_step(h, steps[i], i + 1, total, timeout, tty) != 0) {
			rc = HL_EXIT_FAILED;
			goto out;
		}
	}
	if ((rc = validate(h, o.statement_timeout > 0 ? timeout : 60)) == 0)
		printf("deploy: %d steps ok, validated\n", total);
out:
	hl_close(h);
	for (int i = 0; steps && i < total; i++)
		free(steps[i]);
	free(steps);
	return rc;
}
