/* resolve — host names looked up off the loop. See include/tsdbtop/resolve.h. */
#include "tsdbtop/resolve.h"

#include <errno.h>
#include <ev.h>
#include <libpq-fe.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Lookups that hang are abandoned, not killed: their threads end when the
 * resolver gives up (resolv.conf timeout x attempts). Past this many, a
 * new connection attempt fails at once instead of piling up threads. */
#define MAX_LOOKUP_THREADS 8

/* The options-only pass: libpq reads every setting, then refuses this
 * sslmode before it starts to connect (no lookup, no socket). */
#define OPTIONS_ONLY "tsdbtop-options-only"

static atomic_int running;

/* ---- the plan ----------------------------------------------------------- */

static int count_elems(const char *s)
{
	int n = 1;
	for (; *s; s++)
		n += *s == ',';
	return n;
}

/* Element i of a comma-separated list, malloc'd (NULL when out of memory). */
static char *elem(const char *list, int i)
{
	const char *s = list;
	for (; i > 0 && s; i--) {
		s = strchr(s, ',');
		if (s)
			s++;
	}
	if (!s)
		return strdup("");
	size_t len = strcspn(s, ",");
	char *out = malloc(len + 1);
	if (out) {
		memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

static bool nonempty(const char *s)
{
	return s && *s;
}

/* libpq's is_unixsock_path: a directory, or an abstract socket (@name). */
static bool is_socket(const char *host)
{
	return host[0] == '/' || host[0] == '@';
}

/* An IP literal: AI_NUMERICHOST never asks a resolver. */
static bool is_literal(const char *host)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res = NULL;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return false;
	freeaddrinfo(res);
	return true;
}

void resolve_plan_free(struct resolve_plan *p)
{
	for (int i = 0; i < p->n && i < RESOLVE_MAX_HOSTS; i++) {
		struct resolve_host *h = &p->h[i];
		free(h->host);
		free(h->hostaddr);
		free(h->port);
		for (int a = 0; a < h->naddrs; a++)
			free(h->addrs[a]);
	}
	memset(p, 0, sizeof *p);
}

int resolve_plan_split(struct resolve_plan *p, const char *host, const char *hostaddr,
		       const char *port)
{
	memset(p, 0, sizeof *p);
	int n = nonempty(hostaddr) ? count_elems(hostaddr) : nonempty(host) ? count_elems(host) : 1;
	if (n > RESOLVE_MAX_HOSTS || (nonempty(host) && count_elems(host) != n))
		return -1;
	int nports = nonempty(port) ? count_elems(port) : 0;
	if (nports > 1 && nports != n)
		return -1;
	p->port_each = nports > 1;
	p->n = n;
	int lookups = 0;
	for (int i = 0; i < n; i++) {
		struct resolve_host *h = &p->h[i];
		h->host = elem(nonempty(host) ? host : "", i);
		h->hostaddr = elem(nonempty(hostaddr) ? hostaddr : "", i);
		h->port = elem(nonempty(port) ? port : "", p->port_each ? i : 0);
		if (!h->host || !h->hostaddr || !h->port) {
			resolve_plan_free(p);
			return -1;
		}
		h->lookup = !h->hostaddr[0] && h->host[0] && !is_socket(h->host) && !is_literal(h->host);
		lookups += h->lookup;
	}
	return lookups;
}

static const char *conninfo_value(const PQconninfoOption *o, const char *key)
{
	for (; o && o->keyword; o++)
		if (strcmp(o->keyword, key) == 0)
			return o->val;
	return NULL;
}

int resolve_plan_from_params(struct resolve_plan *p, const char *const *kw, const char *const *val)
{
	memset(p, 0, sizeof *p);
	size_t n = 0;
	while (kw[n])
		n++;
	const char **k2 = calloc(n + 2, sizeof *k2), **v2 = calloc(n + 2, sizeof *v2);
	int r = -1;
	if (!k2 || !v2)
		goto out;
	memcpy(k2, kw, n * sizeof *k2);
	memcpy(v2, val, n * sizeof *v2);
	k2[n] = "sslmode";              /* last: it wins over any given */
	v2[n] = OPTIONS_ONLY;
	PGconn *pg = PQconnectStartParams(k2, v2, 1);
	if (!pg)
		goto out;
	/* any other refusal: the real connect says it, as it always did */
	if (PQstatus(pg) == CONNECTION_BAD && strstr(PQerrorMessage(pg), OPTIONS_ONLY)) {
		PQconninfoOption *o = PQconninfo(pg);
		if (o) {
			r = resolve_plan_split(p, conninfo_value(o, "host"), conninfo_value(o, "hostaddr"),
					       conninfo_value(o, "port"));
			const char *t = conninfo_value(o, "connect_timeout");
			double secs = t ? strtod(t, NULL) : 0;
			if (r >= 0 && secs > 0)
				p->libpq_timeout = secs < 2 ? 2 : secs;   /* libpq's own minimum */
			PQconninfoFree(o);
		}
	}
	PQfinish(pg);
out:
	free(k2);
	free(v2);
	return r;
}

/* ---- the lookup ------------------------------------------------------- */

static void lookup_one(struct resolve_host *h)
{
	/* as libpq asks: any family, stream sockets */
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(h->host, NULL, &hints, &res);
	if (rc != 0) {
		h->gai_err = rc;
		h->sys_errno = rc == EAI_SYSTEM ? errno : 0;
		return;
	}
	for (struct addrinfo *ai = res; ai && h->naddrs < RESOLVE_MAX_ADDRS; ai = ai->ai_next) {
		char num[NI_MAXHOST];
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, num, sizeof num, NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		bool seen = false;
		for (int a = 0; a < h->naddrs && !seen; a++)
			seen = strcmp(h->addrs[a], num) == 0;
		if (!seen && (h->addrs[h->naddrs] = strdup(num)) != NULL)
			h->naddrs++;
	}
	freeaddrinfo(res);
	if (h->naddrs == 0)
		h->gai_err = EAI_NONAME;
}

void resolve_lookup(struct resolve_plan *p)
{
	for (int i = 0; i < p->n; i++)
		if (p->h[i].lookup)
			lookup_one(&p->h[i]);
}

/* ---- lists to connect with --------------------------------------------- */

struct sbuf {
	char *s;
	size_t n, len;
	bool full;
};

static void sb_add(struct sbuf *b, const char *sep, const char *text)
{
	int w = snprintf(b->s + b->len, b->n - b->len, "%s%s", sep, text);
	if (w < 0 || (size_t)w >= b->n - b->len) {
		b->full = true;
		return;
	}
	b->len += (size_t)w;
}

static const char *why_not(const struct resolve_host *h, char *buf, size_t n)
{
	switch (h->gai_err) {
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY:
#endif
		return "name not known";
	case EAI_SYSTEM:
		snprintf(buf, n, "%s", strerror(h->sys_errno));
		return buf;
	default:
		snprintf(buf, n, "%s", gai_strerror(h->gai_err));
		/* gai_strerror's capitals: the rest of the line is lower case */
		if (buf[0] >= 'A' && buf[0] <= 'Z')
			buf[0] = (char)(buf[0] - 'A' + 'a');
		return buf;
	}
}

int resolve_plan_lists(const struct resolve_plan *p, char *host, size_t hn, char *addr, size_t an,
		       char *port, size_t pn, char *err, size_t en)
{
	struct sbuf hb = { host, hn, 0, false }, ab = { addr, an, 0, false };
	struct sbuf pb = { port, pn, 0, false }, eb = { err, en, 0, false };
	host[0] = addr[0] = port[0] = err[0] = '\0';
	int out = 0;
	for (int i = 0; i < p->n; i++) {
		const struct resolve_host *h = &p->h[i];
		if (h->lookup && h->naddrs == 0) {
			char why[128];
			sb_add(&eb, eb.len ? "; " : "", "cannot resolve host ");
			sb_add(&eb, "", h->host);
			sb_add(&eb, ": ", why_not(h, why, sizeof why));
			continue;
		}
		int times = h->lookup ? h->naddrs : 1;
		for (int a = 0; a < times; a++, out++) {
			const char *sep = out ? "," : "";
			sb_add(&hb, sep, h->host);
			sb_add(&ab, sep, h->lookup ? h->addrs[a] : h->hostaddr);
			if (p->port_each)
				sb_add(&pb, sep, h->port);
		}
	}
	if (hb.full || ab.full || pb.full) {
		snprintf(err, en, "too many host addresses to try");
		return 0;
	}
	if (out == 0 && !err[0])
		snprintf(err, en, "no host to connect to");
	return out;
}

/* The address in msg at q ("ADDR" with the quotes) that list addr holds
 * as element i; its name in host. Returns the element or -1. */
static int quoted_addr_at(const char *q, const char *host, const char *addr, char *name, size_t nn,
			  size_t *qlen)
{
	int n = count_elems(addr);
	for (int i = 0; i < n; i++) {
		char *a = elem(addr, i), *h = elem(host, i);
		size_t al = a ? strlen(a) : 0;
		bool hit = a && h && al > 0 && strcmp(a, h) != 0 && strncmp(q + 1, a, al) == 0 &&
			   q[al + 1] == '"';
		if (hit) {
			snprintf(name, nn, "%s", h);
			*qlen = al + 2;
		}
		free(a);
		free(h);
		if (hit)
			return i;
	}
	return -1;
}

void resolve_name_addrs(const char *msg, const char *host, const char *addr, char *out, size_t n)
{
	struct sbuf b = { out, n, 0, false };
	out[0] = '\0';
	for (const char *p = msg; *p && !b.full;) {
		char name[256], piece[2];
		size_t qlen = 0;
		if (*p == '"' && quoted_addr_at(p, host, addr, name, sizeof name, &qlen) >= 0) {
			char with[600];
			snprintf(with, sizeof with, "\"%s\" (%.*s)", name, (int)(qlen - 2), p + 1);
			sb_add(&b, "", with);
			p += qlen;
			continue;
		}
		piece[0] = *p++;
		piece[1] = '\0';
		sb_add(&b, "", piece);
	}
	if (b.full)                          /* too long to say both: as libpq said it */
		snprintf(out, n, "%s", msg);
}

void resolve_plan_names(const struct resolve_plan *p, char *buf, size_t n)
{
	struct sbuf b = { buf, n, 0, false };
	buf[0] = '\0';
	for (int i = 0; i < p->n; i++)
		if (p->h[i].lookup)
			sb_add(&b, b.len ? ", " : "", p->h[i].host);
}

/* ---- the thread ------------------------------------------------------- */

struct resolve_job {
	pthread_mutex_t mu;
	int refs;                   /* the loop's and the thread's */
	bool done, abandoned;
	struct ev_loop *loop;
	struct ev_async *wake;
	struct resolve_plan plan;   /* the thread's until done */
};

/* Called with j->mu held; releases it. */
static void job_unref(struct resolve_job *j)
{
	bool last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	pthread_mutex_destroy(&j->mu);
	resolve_plan_free(&j->plan);
	free(j);
}

static void *lookup_main(void *arg)
{
	struct resolve_job *j = arg;
	resolve_lookup(&j->plan);       /* blocking: that is why we are here */
	pthread_mutex_lock(&j->mu);
	j->done = true;
	if (!j->abandoned)
		ev_async_send(j->loop, j->wake);   /* under the lock: the loop cannot let go meanwhile */
	job_unref(j);
	atomic_fetch_sub(&running, 1);
	return NULL;
}

struct resolve_job *resolve_start(struct resolve_plan *p, struct ev_loop *loop, struct ev_async *wake)
{
	if (atomic_load(&running) >= MAX_LOOKUP_THREADS)
		return NULL;
	struct resolve_job *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	if (pthread_mutex_init(&j->mu, NULL) != 0) {
		free(j);
		return NULL;
	}
	j->refs = 2;
	j->loop = loop;
	j->wake = wake;
	j->plan = *p;
	memset(p, 0, sizeof *p);
	/* signals stay with the loop's thread */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_t attr;
	pthread_t th;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	atomic_fetch_add(&running, 1);
	int rc = pthread_create(&th, &attr, lookup_main, j);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		atomic_fetch_sub(&running, 1);
		*p = j->plan;               /* given back */
		pthread_mutex_destroy(&j->mu);
		free(j);
		return NULL;
	}
	return j;
}

bool resolve_take(struct resolve_job *j, struct resolve_plan *out)
{
	pthread_mutex_lock(&j->mu);
	if (!j->done) {
		pthread_mutex_unlock(&j->mu);
		return false;
	}
	*out = j->plan;
	memset(&j->plan, 0, sizeof j->plan);
	j->abandoned = true;
	job_unref(j);
	return true;
}

void resolve_abandon(struct resolve_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	j->abandoned = true;
	job_unref(j);
}

int resolve_running(void)
{
	return atomic_load(&running);
}
