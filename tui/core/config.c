/* config — declarative key table, libinih parsing, effective values. */
#include "tsdbtop/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tsdbtop/format.h"

enum key_type { K_SECONDS, K_INT, K_DOUBLE, K_RATIO, K_BYTES, K_BOOL, K_STRING, K_PANES };

struct key_def {
	const char *section, *name;
	enum key_type type;
	size_t off, size;           /* offset into struct config; size for strings */
	double min, max;
	const char *help;
};

#define OFF(f) offsetof(struct config, f)
#define TH(f) (offsetof(struct config, th) + offsetof(struct thresholds, f))

static const struct key_def keys[] = {
	{ "console", "interval", K_SECONDS, OFF(interval), 0, 0.2, 3600, "seconds between polls" },
	{ "console", "theme", K_STRING, OFF(theme), sizeof(((struct config *)0)->theme), 0, 0, "theme name or file" },
	{ "console", "read_only", K_BOOL, OFF(read_only), 0, 0, 1, "never change the database" },
	{ "console", "log_file", K_STRING, OFF(log_file), sizeof(((struct config *)0)->log_file), 0, 0, "action log (JSON lines)" },
	{ "connection", "statement_timeout", K_SECONDS, OFF(statement_timeout), 0, 0.1, 86400, "server statement_timeout, seconds" },
	{ "connection", "lock_timeout", K_SECONDS, OFF(lock_timeout), 0, 0.1, 86400, "server lock_timeout, seconds" },
	{ "connection", "compat", K_BOOL, OFF(compat), 0, 0, 1, "compatibility mode: public views, not the catalog (slower)" },
	{ "panes", "order", K_PANES, 0, 0, 0, 0, "panes in display order; leave one out to hide it" },
	{ "kiosk", "enabled", K_BOOL, OFF(kiosk), 0, 0, 1, "control-room mode (read-only, no dialogs)" },
	{ "kiosk", "cycle", K_SECONDS, OFF(kiosk_cycle), 0, 0, 3600, "seconds per zoomed pane; 0 shows all" },
	{ "thresholds", "chunks_warn", K_INT, TH(chunks_warn), 0, 1, 1e9, "chunks per hypertable: warning" },
	{ "thresholds", "chunks_crit", K_INT, TH(chunks_crit), 0, 1, 1e9, "chunks per hypertable: critical" },
	{ "thresholds", "chunk_bytes_warn", K_BYTES, TH(chunk_bytes_warn), 0, 1, 1e18, "average chunk size above: warning" },
	{ "thresholds", "chunk_bytes_small", K_BYTES, TH(chunk_bytes_small), 0, 0, 1e18, "average chunk size below (with many chunks): warning" },
	{ "thresholds", "backlog_warn", K_INT, TH(backlog_warn), 0, 1, 1e9, "compression backlog chunks: warning" },
	{ "thresholds", "backlog_crit", K_INT, TH(backlog_crit), 0, 1, 1e9, "compression backlog chunks: critical" },
	{ "thresholds", "retention_warn", K_INT, TH(retention_warn), 0, 1, 1e9, "chunks past drop_after: warning" },
	{ "thresholds", "retention_crit", K_INT, TH(retention_crit), 0, 1, 1e9, "chunks past drop_after: critical" },
	{ "thresholds", "lag_factor_warn", K_DOUBLE, TH(lag_factor_warn), 0, 0.01, 1000, "aggregate lag / promised lag: warning" },
	{ "thresholds", "lag_factor_crit", K_DOUBLE, TH(lag_factor_crit), 0, 0.01, 1000, "aggregate lag / promised lag: critical" },
	{ "thresholds", "cache_warn", K_RATIO, TH(cache_warn), 0, 0, 1, "cache hit ratio below: warning (0.95 or 95%)" },
	{ "thresholds", "cache_crit", K_RATIO, TH(cache_crit), 0, 0, 1, "cache hit ratio below: critical" },
	{ "thresholds", "job_failures_warn", K_INT, TH(job_failures_warn), 0, 1, 1e6, "consecutive job failures: warning" },
	{ "thresholds", "job_failures_crit", K_INT, TH(job_failures_crit), 0, 1, 1e6, "consecutive job failures: critical" },
	{ "thresholds", "overdue_grace", K_SECONDS, TH(overdue_grace_s), 0, 0, 86400 * 30, "a job is overdue this long after next_start" },
	{ "thresholds", "job_long_factor", K_DOUBLE, TH(job_long_factor), 0, 1, 1000, "a running job is flagged past this many times its mean run (and a minute)" },
	{ "thresholds", "job_success_intervals", K_DOUBLE, TH(job_success_intervals), 0, 1, 1e6, "warn when a job has not succeeded within this many schedule intervals" },
};
#define N_KEYS ((int)(sizeof keys / sizeof keys[0]))

static const char *const pane_names[PANE_COUNT] = {
	"chunks", "compression", "retention", "caggs", "cache",
};

int config_key_count(void)
{
	return N_KEYS;
}

const char *config_key_name(int i)
{
	static char buf[64];
	if (i < 0 || i >= N_KEYS)
		return NULL;
	snprintf(buf, sizeof buf, "%s.%s", keys[i].section, keys[i].name);
	return buf;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->interval = 2;
	snprintf(c->theme, sizeof c->theme, "default");
	c->statement_timeout = 10;
	c->lock_timeout = 2;
	c->kiosk_cycle = 0;
	for (int i = 0; i < PANE_COUNT; i++) {
		c->pane_order[i] = i;
		c->pane_visible[i] = true;
	}
	thresholds_default(&c->th);
	for (int i = 0; i < N_KEYS; i++)
		snprintf(c->origin[i], sizeof c->origin[i], "default");
}

void config_default_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg == '/')
		snprintf(buf, n, "%s/tsdbtop/config", xdg);
	else if (home && *home)
		snprintf(buf, n, "%s/.config/tsdbtop/config", home);
	else if (n)
		buf[0] = '\0';
}

/* ---- values ------------------------------------------------------------- */

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i])) { *out = true; return 0; }
		if (!strcasecmp(v, no[i])) { *out = false; return 0; }
	}
	return -1;
}

static int parse_number(const char *v, double *out)
{
	char *end;
	errno = 0;
	double d = strtod(v, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == v || *end || errno || !isfinite(d))
		return -1;
	*out = d;
	return 0;
}

static int parse_bytes(const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || !isfinite(d))
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	static const char *const units[] = { "", "B", "kB", "MB", "GB", "TB" };
	for (int i = 0; i < 6; i++)
		if (!strcasecmp(end, units[i])) {
			*out = d * pow(1024, i > 0 ? i - 1 : 0);
			return 0;
		}
	return -1;
}

static int parse_panes(struct config *c, const char *v, char *err, size_t n)
{
	int order[PANE_COUNT], count = 0;
	bool seen[PANE_COUNT] = { false };
	char buf[256];
	snprintf(buf, sizeof buf, "%s", v);
	for (char *save = NULL, *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		int id = -1;
		for (int i = 0; i < PANE_COUNT; i++)
			if (!strcasecmp(tok, pane_names[i]))
				id = i;
		if (id < 0) {
			snprintf(err, n, "unknown pane '%s' (panes: chunks, compression, retention, caggs, cache)", tok);
			return -1;
		}
		if (seen[id]) {
			snprintf(err, n, "pane '%s' listed twice", tok);
			return -1;
		}
		seen[id] = true;
		order[count++] = id;
	}
	if (count == 0) {
		snprintf(err, n, "at least one pane must be shown");
		return -1;
	}
	for (int i = 0; i < PANE_COUNT; i++)
		if (!seen[i])
			order[count++] = i;   /* hidden ones keep a place at the end */
	memcpy(c->pane_order, order, sizeof order);
	memcpy(c->pane_visible, seen, sizeof seen);
	return 0;
}

static int number_in_range(const struct key_def *k, const char *v, double *d, char *err, size_t n)
{
	int rc;
	if (k->type == K_SECONDS)
		rc = fmt_parse_interval(v, d);
	else if (k->type == K_BYTES)
		rc = parse_bytes(v, d);
	else
		rc = parse_number(v, d);
	if (rc == 0 && k->type == K_RATIO && strchr(v, '%'))
		rc = -1;
	if (rc != 0 && k->type == K_RATIO) {
		char tmp[64];
		snprintf(tmp, sizeof tmp, "%s", v);
		char *pct = strchr(tmp, '%');
		if (pct && pct[1] == '\0') {
			*pct = '\0';
			rc = parse_number(tmp, d);
			*d /= 100.0;
		}
	}
	if (rc != 0) {
		snprintf(err, n, "'%s' is not a valid %s", v,
			 k->type == K_SECONDS ? "duration (e.g. 2, 1m, 30s)" :
			 k->type == K_BYTES ? "size (e.g. 4GB, 512MB)" :
			 k->type == K_RATIO ? "ratio (e.g. 0.95 or 95%)" : "number");
		return -1;
	}
	if (*d < k->min || *d > k->max || (k->type == K_INT && *d != floor(*d))) {
		snprintf(err, n, "%s must be %s between %g and %g", v,
			 k->type == K_INT ? "a whole number" : "a value", k->min, k->max);
		return -1;
	}
	return 0;
}

static int apply_value(struct config *c, const struct key_def *k, const char *v, char *err, size_t n)
{
	char *base = (char *)c;
	double d;
	switch (k->type) {
	case K_BOOL: {
		bool b;
		if (parse_bool(v, &b) != 0) {
			snprintf(err, n, "'%s' is not yes or no", v);
			return -1;
		}
		*(bool *)(base + k->off) = b;
		return 0;
	}
	case K_STRING:
		if (strlen(v) >= k->size) {
			snprintf(err, n, "value too long (at most %zu bytes)", k->size - 1);
			return -1;
		}
		snprintf(base + k->off, k->size, "%s", v);
		return 0;
	case K_PANES:
		return parse_panes(c, v, err, n);
	case K_INT:
		if (number_in_range(k, v, &d, err, n) != 0)
			return -1;
		*(int *)(base + k->off) = (int)d;
		return 0;
	default:
		if (number_in_range(k, v, &d, err, n) != 0)
			return -1;
		memcpy(base + k->off, &d, sizeof d);
		return 0;
	}
}

static int find_key(const char *section, const char *name)
{
	for (int i = 0; i < N_KEYS; i++)
		if (!strcasecmp(keys[i].name, name) && (!section || !strcasecmp(keys[i].section, section)))
			return i;
	return -1;
}

int config_set(struct config *c, const char *key, const char *value, const char *origin,
	       char *err, size_t errsz)
{
	char sec[64] = "";
	const char *dot = strchr(key, '.');
	if (dot && (size_t)(dot - key) < sizeof sec)
		snprintf(sec, sizeof sec, "%.*s", (int)(dot - key), key);
	int i = find_key(dot ? sec : NULL, dot ? dot + 1 : key);
	if (i < 0) {
		snprintf(err, errsz, "unknown setting '%s'", key);
		return -1;
	}
	char why[256];
	if (apply_value(c, &keys[i], value, why, sizeof why) != 0) {
		snprintf(err, errsz, "%s.%s: %s", keys[i].section, keys[i].name, why);
		return -1;
	}
	snprintf(c->origin[i], sizeof c->origin[i], "%s", origin);
	return 0;
}

/* ---- loading ------------------------------------------------------------ */

struct loader {
	struct config *c;
	const char *path;
	FILE *f;
	int line;
	char *errs;
	size_t errsz;
	int nerr;
	bool too_long;
	bool skip_server;          /* the [server] section being read was refused */
};

static void add_error(struct loader *L, int line, const char *msg)
{
	size_t used = strlen(L->errs);
	if (used + 1 < L->errsz)
		snprintf(L->errs + used, L->errsz - used, "%s:%d: %s\n", L->path, line, msg);
	L->nerr++;
}

static void section_line(struct loader *L, const char *line);

/* Reads one line for libinih and counts lines; flags over-long lines and
 * NUL bytes (binary files) instead of letting them be split silently. */
static char *reader(char *str, int num, void *stream)
{
	struct loader *L = stream;
	int n = 0, ch;
	while ((ch = fgetc(L->f)) != EOF) {
		if (ch == '\0') {
			add_error(L, L->line + 1, "binary data (NUL byte): not a configuration file");
			return NULL;
		}
		if (n < num - 1 && n < CONFIG_LINE_MAX)
			str[n++] = (char)ch;
		else if (ch != '\n')
			L->too_long = true;
		if (ch == '\n')
			break;
	}
	if (n == 0 && ch == EOF)
		return NULL;
	str[n] = '\0';
	L->line++;
	if (L->too_long) {
		add_error(L, L->line, "line too long (ignored)");
		L->too_long = false;
		str[0] = '\0';
	}
	section_line(L, str);
	return str;
}

/* ---- [server NAME] sections --------------------------------------------- */

int config_server_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= CONFIG_SERVER_NAME)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-:", s[i]))
			return -1;
	return 0;
}

const struct config_server *config_server_find(const struct config *c, const char *name)
{
	for (int i = 0; i < c->nservers; i++)
		if (!strcmp(c->servers[i].name, name))
			return &c->servers[i];
	return NULL;
}

/* "server NAME" (any case, blanks between): NAME, or NULL for another section. */
static const char *server_section(const char *section)
{
	if (strncasecmp(section, "server", 6) != 0 || (section[6] && !isspace((unsigned char)section[6])))
		return NULL;
	section += 6;
	while (isspace((unsigned char)*section))
		section++;
	return section;
}

/* A new section starts: a [server NAME] gets its slot here (so one without
 * keys is still seen), a bad or repeated name is reported once. */
static void section_line(struct loader *L, const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	const char *end = *line == '[' ? strchr(line, ']') : NULL;
	if (!end)
		return;
	char sec[CONFIG_LINE_MAX + 1], why[320];
	snprintf(sec, sizeof sec, "%.*s", (int)(end - line - 1), line + 1);
	const char *name = server_section(sec);
	struct config *c = L->c;
	L->skip_server = true;
	if (!name)
		return;
	if (config_server_name_ok(name) != 0)
		snprintf(why, sizeof why, "[server %.70s]: a server name is 1-63 letters, digits, '.', '_', '-' or ':'", name);
	else if (config_server_find(c, name))
		snprintf(why, sizeof why, "[server %s] is defined twice", name);
	else if (c->nservers >= CONFIG_MAX_SERVERS)
		snprintf(why, sizeof why, "more than %d [server] sections: [server %s] ignored", CONFIG_MAX_SERVERS, name);
	else {
		struct config_server *sv = &c->servers[c->nservers++];
		memset(sv, 0, sizeof *sv);
		snprintf(sv->name, sizeof sv->name, "%s", name);
		snprintf(sv->origin, sizeof sv->origin, "%.40s:%d", L->path, L->line);
		L->skip_server = false;
		return;
	}
	add_error(L, L->line, why);
}

static void server_key(struct loader *L, const char *sname, const char *key, const char *value)
{
	char why[320];
	if (L->skip_server || L->c->nservers == 0)
		return;                 /* reported at its [server] line */
	struct config_server *sv = &L->c->servers[L->c->nservers - 1];
	if (strcasecmp(key, "conninfo") != 0) {
		snprintf(why, sizeof why, "unknown key '%.60s' in [server %s] (only conninfo)", key, sname);
		add_error(L, L->line, why);
		return;
	}
	if (!*value) {
		add_error(L, L->line, "conninfo is empty");
		return;
	}
	snprintf(sv->conninfo, sizeof sv->conninfo, "%s", value);
}

/* Sections without a conninfo are reported and dropped. */
static void servers_check(struct loader *L)
{
	struct config *c = L->c;
	int kept = 0;
	for (int i = 0; i < c->nservers; i++) {
		if (!c->servers[i].conninfo[0]) {
			char msg[160];
			int line = (int)strtol(strrchr(c->servers[i].origin, ':') + 1, NULL, 10);
			snprintf(msg, sizeof msg, "[server %s] has no conninfo: ignored", c->servers[i].name);
			add_error(L, line, msg);
			continue;
		}
		c->servers[kept++] = c->servers[i];
	}
	c->nservers = kept;
}

void config_mask_conninfo(char *buf, size_t n, const char *ci)
{
	size_t o = 0;
	const char *scheme = strstr(ci, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
	for (const char *p = ci; *p && o + 1 < n;) {
		if (colon && p == colon + 1) {          /* URI user:password@ */
			o += (size_t)snprintf(buf + o, n - o, "****");
			p = at;
			continue;
		}
		if (!strncasecmp(p, "password", 8) && (p == ci || isspace((unsigned char)p[-1]) || p[-1] == '?' || p[-1] == '&')) {
			const char *v = p + 8;
			while (isspace((unsigned char)*v))
				v++;
			if (*v == '=') {
				o += (size_t)snprintf(buf + o, n - o, "password=****");
				v++;
				while (isspace((unsigned char)*v))
					v++;
				if (*v == '\'') {
					for (v++; *v && *v != '\''; v++)
						if (*v == '\\' && v[1])
							v++;
					if (*v)
						v++;
				} else {
					while (*v && !isspace((unsigned char)*v) && *v != '&')
						v++;
				}
				p = v;
				continue;
			}
		}
		buf[o++] = *p++;
	}
	if (o >= n)
		o = n - 1;
	buf[o] = '\0';
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *L = user;
	const char *sname = server_section(section);
	if (sname) {
		server_key(L, sname, name, value);
		return 1;
	}
	int i = find_key(section, name);
	char msg[320];
	if (i < 0) {
		if (find_key(NULL, name) >= 0)
			snprintf(msg, sizeof msg, "'%s' belongs in another section than [%s]", name, section);
		else
			snprintf(msg, sizeof msg, "unknown key '%s' in [%s]", name, section);
		add_error(L, L->line, msg);
		return 1;   /* keep going: the rest still loads */
	}
	char why[256];
	if (apply_value(L->c, &keys[i], value, why, sizeof why) != 0) {
		snprintf(msg, sizeof msg, "%s: %s", name, why);
		add_error(L, L->line, msg);
		return 1;
	}
	snprintf(L->c->origin[i], sizeof L->c->origin[i], "%.40s:%d", L->path, L->line);
	return 1;
}

int config_load(struct config *c, const char *path, bool required, char *errs, size_t errsz)
{
	struct loader L = { .c = c, .path = path, .errs = errs, .errsz = errsz };
	if (errsz)
		errs[0] = '\0';
	L.f = fopen(path, "rb");
	if (!L.f) {
		if (!required && errno == ENOENT)
			return 0;
		snprintf(errs, errsz, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (fseek(L.f, 0, SEEK_END) == 0 && ftell(L.f) > CONFIG_FILE_MAX) {
		snprintf(errs, errsz, "%s: larger than %d bytes: not loaded, defaults used\n", path, CONFIG_FILE_MAX);
		fclose(L.f);
		return 1;
	}
	rewind(L.f);
	struct config work = *c;   /* a binary file must change nothing */
	L.c = &work;
	work.nservers = 0;         /* the file's sections replace any earlier ones */
	int rc = ini_parse_stream(reader, &L, handler, &L);
	fclose(L.f);
	servers_check(&L);
	if (rc > 0 && L.nerr == 0) {
		char msg[64];
		snprintf(msg, sizeof msg, "syntax error (expected [section] or key = value)");
		add_error(&L, rc, msg);
	}
	bool binary = errs && strstr(errs, "binary data") != NULL;
	if (!binary)
		*c = work;
	return L.nerr;
}

/* ---- printing ------------------------------------------------------------- */

static double double_at(const struct config *c, size_t off)
{
	double d;
	memcpy(&d, (const char *)c + off, sizeof d);
	return d;
}

static void value_text(const struct config *c, const struct key_def *k, char *buf, size_t n)
{
	const char *base = (const char *)c;
	switch (k->type) {
	case K_BOOL:
		snprintf(buf, n, "%s", *(const bool *)(base + k->off) ? "yes" : "no");
		break;
	case K_STRING:
		snprintf(buf, n, "%s", base + k->off);
		break;
	case K_INT:
		snprintf(buf, n, "%d", *(const int *)(base + k->off));
		break;
	case K_PANES: {
		size_t used = 0;
		buf[0] = '\0';
		for (int i = 0; i < PANE_COUNT && used < n; i++)
			if (c->pane_visible[c->pane_order[i]])
				used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "",
							 pane_names[c->pane_order[i]]);
		break;
	}
	case K_BYTES:
		fmt_bytes(buf, n, double_at(c, k->off));
		break;
	default:
		snprintf(buf, n, "%g", double_at(c, k->off));
	}
}

void config_print(const struct config *c, FILE *out)
{
	const char *section = "";
	for (int i = 0; i < N_KEYS; i++) {
		char v[300];
		if (strcmp(section, keys[i].section) != 0) {
			section = keys[i].section;
			fprintf(out, "%s[%s]\n", i ? "\n" : "", section);
		}
		value_text(c, &keys[i], v, sizeof v);
		fprintf(out, "%-18s = %-24s # %s (%s)\n", keys[i].name, v, c->origin[i], keys[i].help);
	}
	for (int i = 0; i < c->nservers; i++) {
		char ci[CONFIG_LINE_MAX + 16];
		config_mask_conninfo(ci, sizeof ci, c->servers[i].conninfo);
		fprintf(out, "\n[server %s]\nconninfo           = %-24s # %s\n", c->servers[i].name, ci,
			c->servers[i].origin);
	}
}
