/* actlog — see tsdbtop/actlog.h. */
#include "tsdbtop/actlog.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *actlog_default_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		snprintf(buf, n, "%s/tsdbtop/actions.log", xdg);
	else if (home && *home)
		snprintf(buf, n, "%s/.local/state/tsdbtop/actions.log", home);
	else if (n)
		buf[0] = '\0';
	return buf;
}

/* mkdir -p of the file's directory, mode 0700 for what we create. */
static void make_parent(const char *path)
{
	char dir[512];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	mkdir(dir, 0700);
}

void actlog_init(struct actlog *l, const char *path)
{
	memset(l, 0, sizeof *l);
	if (!path)
		actlog_default_path(l->path, sizeof l->path);
	else
		snprintf(l->path, sizeof l->path, "%s", path);
	if (l->path[0])
		make_parent(l->path);
}

static char *find_ci(char *hay, const char *needle)
{
	size_t nl = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, nl) == 0)
			return hay;
	return NULL;
}

static void mask_after(char *s, const char *key)
{
	size_t kl = strlen(key);
	for (char *p = s; (p = find_ci(p, key)) != NULL; p += kl) {
		char *v = p + kl;
		while (*v == ' ')
			v++;
		if (*v == '=')
			v++;
		while (*v == ' ')
			v++;
		char quote = (*v == '\'' || *v == '"') ? *v++ : 0;
		while (*v && (quote ? *v != quote : !isspace((unsigned char)*v)))
			*v++ = '*';
	}
}

void actlog_scrub(char *s)
{
	if (!s)
		return;
	mask_after(s, "password");
	/* postgresql://user:secret@host */
	for (char *p = s; (p = strstr(p, "://")) != NULL; p += 3) {
		char *at = strchr(p + 3, '@');
		char *colon = strchr(p + 3, ':');
		char *end = p + 3 + strcspn(p + 3, " /'\"");
		if (at && colon && colon < at && at < end)
			for (char *q = colon + 1; q < at; q++)
				*q = '*';
	}
}

char *actlog_json(const struct actlog_entry *e, char *buf, size_t n)
{
	char ts[40];
	time_t t = (time_t)e->time;
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t l = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + l, sizeof ts - l, ".%03dZ", (int)((e->time - floor(e->time)) * 1000) % 1000);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "time", json_object_new_string(ts));
	json_object_object_add(o, "event", json_object_new_string(e->event));
	json_object_object_add(o, "action", json_object_new_string(e->action));
	json_object_object_add(o, "target", json_object_new_string(e->target));
	json_object_object_add(o, "sql", json_object_new_string(e->sql));
	char dur[32];
	snprintf(dur, sizeof dur, "%.3f", e->duration);
	json_object_object_add(o, "duration_s", isnan(e->duration) ? NULL : json_object_new_double_s(e->duration, dur));
	json_object_object_add(o, "result", json_object_new_string(e->result));
	if (e->server[0])
		json_object_object_add(o, "server", json_object_new_string(e->server));
	snprintf(buf, n, "%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return buf;
}

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
	actlog_scrub(dst);
}

void actlog_add(struct actlog *l, const char *event, const char *action, const char *target,
		const char *sql, double duration, const char *result)
{
	struct actlog_entry *e = &l->ring[l->count % ACTLOG_RING];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	memset(e, 0, sizeof *e);
	e->time = (double)now.tv_sec + now.tv_nsec / 1e9;
	copy(e->event, sizeof e->event, event);
	copy(e->action, sizeof e->action, action);
	copy(e->target, sizeof e->target, target);
	copy(e->sql, sizeof e->sql, sql);
	copy(e->result, sizeof e->result, result);
	e->duration = duration;
	snprintf(e->server, sizeof e->server, "%s", l->server);
	l->count++;
	if (!l->path[0])
		return;
	char line[4096];
	actlog_json(e, line, sizeof line - 1);
	size_t len = strlen(line);
	line[len++] = '\n';
	int fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, len) != (ssize_t)len)
		snprintf(l->file_error, sizeof l->file_error, "action log %s: %s", l->path, strerror(errno));
	else
		l->file_error[0] = '\0';
	if (fd >= 0)
		close(fd);
}

void actlog_set_server(struct actlog *l, const char *name)
{
	snprintf(l->server, sizeof l->server, "%s", name ? name : "");
}

const struct actlog_entry *actlog_get(const struct actlog *l, int i)
{
	if (i < 0 || i >= l->count || i >= ACTLOG_RING)
		return NULL;
	return &l->ring[(l->count - 1 - i) % ACTLOG_RING];
}

int actlog_size(const struct actlog *l)
{
	return l->count < ACTLOG_RING ? l->count : ACTLOG_RING;
}
