/* exp_http — the HTTP side: libmicrohttpd's own polling thread, a
 * connection limit, a timeout and a small per-connection memory pool (a
 * header past it gets MHD's 431/400 and nothing else happens). A request
 * only copies the last rendered texts (exp_store): it never waits for a
 * database. GET and HEAD only; a table of paths. */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exp_int.h"

#define HTTP_CONN_LIMIT 64
#define HTTP_CONN_TIMEOUT 10              /* seconds */
#define HTTP_CONN_MEMORY (16 * 1024)      /* request line + headers, per connection */
#define CT_TEXT "text/plain; charset=utf-8"
#define CT_PROM "text/plain; version=0.0.4; charset=utf-8"

struct exp_http {
	struct MHD_Daemon *d;
	struct exp_store *st;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result say(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return reply(c, status, CT_TEXT, (char *)msg, strlen(msg), MHD_RESPMEM_PERSISTENT);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static enum MHD_Result exposition(struct exp_http *h, struct MHD_Connection *c, int server)
{
	struct prom_buf out = { 0 };
	if (exp_store_render(h->st, server, &out, now_s()) != 0) {
		prom_buf_free(&out);
		return say(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	}
	return reply(c, MHD_HTTP_OK, CT_PROM, out.p, out.len, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result h_metrics(struct exp_http *h, struct MHD_Connection *c)
{
	return exposition(h, c, -1);
}

/* A target is a name the fleet defines, never a connection string. */
static bool looks_like_conninfo(const char *s)
{
	return strpbrk(s, "= '/\\@") != NULL || strstr(s, "://") != NULL;
}

static enum MHD_Result h_probe(struct exp_http *h, struct MHD_Connection *c)
{
	const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "target");
	if (!t || !*t)
		return say(c, MHD_HTTP_BAD_REQUEST, "/probe needs ?target=NAME (a configured server)\n");
	if (looks_like_conninfo(t))
		return say(c, MHD_HTTP_BAD_REQUEST,
			   "target must name a configured server, not a connection string\n");
	int i = exp_store_find(h->st, t);
	if (i < 0)
		return say(c, MHD_HTTP_NOT_FOUND, "no such server (see the configuration's [server NAME])\n");
	return exposition(h, c, i);
}

static enum MHD_Result h_healthz(struct exp_http *h, struct MHD_Connection *c)
{
	(void)h;
	return say(c, MHD_HTTP_OK, "ok\n");
}

static const struct route {
	const char *path;
	enum MHD_Result (*fn)(struct exp_http *h, struct MHD_Connection *c);
} routes[] = {
	{ "/metrics", h_metrics },
	{ "/probe", h_probe },
	{ "/healthz", h_healthz },
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	(void)upload;
	(void)con_cls;
	struct exp_http *h = cls;
	if (*upload_size)
		*upload_size = 0;           /* a body is not read */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return say(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(url, routes[i].path) == 0)
			return routes[i].fn(h, c);
	return say(c, MHD_HTTP_NOT_FOUND, "not found: /metrics, /probe?target=NAME, /healthz\n");
}

/* MHD's thread takes no signals: SIGINT/SIGTERM go to the loop. */
static struct MHD_Daemon *start_daemon(struct exp_http *h, int fd, int family)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
			 (family == AF_INET6 ? MHD_USE_IPv6 : 0);
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONN_LIMIT,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_CONN_TIMEOUT,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
		MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return d;
}

struct exp_http *exp_http_start(struct exp_store *st, int fd, int family, char *err, size_t n)
{
	struct exp_http *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	h->st = st;
	h->d = start_daemon(h, fd, family);
	if (!h->d) {
		snprintf(err, n, "the HTTP server did not start (libmicrohttpd)");
		free(h);
		return NULL;
	}
	return h;
}

void exp_http_stop(struct exp_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
