/* resolve — a connection's host names looked up off the loop.
 *
 * libpq calls getaddrinfo() synchronously inside PQconnectStartParams and
 * PQconnectPoll: a name server that does not answer froze the loop (and the
 * screen) for as long as the resolver waits. tui/db/conn_resolve.c
 * therefore asks libpq which hosts it would try (every rule applied:
 * conninfo, flags, service file, PG* variables), looks the names up in a
 * thread (this module), and connects with hostaddr= the addresses found,
 * host= the names as given (libpq uses host for TLS server name checks and
 * for .pgpass).
 *
 * The plan functions are pure; resolve_start/resolve_take/resolve_abandon
 * hand a plan to a detached thread and back.
 */
#ifndef TSDBTOP_RESOLVE_H
#define TSDBTOP_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

struct ev_loop;
struct ev_async;

#define RESOLVE_MAX_HOSTS 16      /* elements of libpq's host list */
#define RESOLVE_MAX_ADDRS 8       /* addresses kept per name */

struct resolve_host {
	char *host, *hostaddr, *port;  /* this element of each list (owned, may be NULL) */
	bool lookup;                   /* a host name: looked up off the loop */
	int naddrs;
	char *addrs[RESOLVE_MAX_ADDRS]; /* numeric, after the lookup */
	int gai_err;                   /* getaddrinfo's error (0 = none) */
	int sys_errno;                 /* errno for EAI_SYSTEM */
};

struct resolve_plan {
	int n;
	bool port_each;                /* one port per host, not one for all */
	double libpq_timeout;          /* connect_timeout as libpq has it (0 = none) */
	struct resolve_host h[RESOLVE_MAX_HOSTS];
};

/* Splits libpq's host, hostaddr and port lists into one element per host.
 * Returns how many elements need a lookup (0: connect as given; a socket
 * directory, an IP literal or a hostaddr needs none), or -1 when the lists
 * do not fit together or in RESOLVE_MAX_HOSTS (libpq will say why). */
int resolve_plan_split(struct resolve_plan *p, const char *host, const char *hostaddr,
		       const char *port);

/* The same from connection parameters as given to PQconnectStartParams
 * (expand_dbname on): libpq works out the effective lists without touching
 * the network. Returns as resolve_plan_split. */
int resolve_plan_from_params(struct resolve_plan *p, const char *const *kw, const char *const *val);

/* Blocking: getaddrinfo for every element that needs it (the thread's work). */
void resolve_lookup(struct resolve_plan *p);

/* After the lookup, the lists to connect with: names repeated once per
 * address, hostaddr the addresses ("" for elements libpq reaches as given),
 * port only when given per host (*port = "" otherwise). Returns the number
 * of hosts, 0 when no element is left (err says why). err also names the
 * names that did not resolve when others did ("" when all did). */
int resolve_plan_lists(const struct resolve_plan *p, char *host, size_t hn, char *addr, size_t an,
		       char *port, size_t pn, char *err, size_t en);

/* libpq names a host it reached by hostaddr by its address only
 * ('connection to server at "10.0.0.1", port 5432 failed'): every quoted
 * address of the lists becomes '"NAME" (ADDR)', as libpq says it for a
 * host it looked up itself. */
void resolve_name_addrs(const char *msg, const char *host, const char *addr, char *out, size_t n);

/* The names to look up, ", "-separated, for messages. */
void resolve_plan_names(const struct resolve_plan *p, char *buf, size_t n);

void resolve_plan_free(struct resolve_plan *p);

struct resolve_job;

/* Starts the lookup in a detached thread; takes over p's contents (p is
 * left empty). When it is done the thread calls ev_async_send(loop, wake)
 * unless the job was abandoned first. NULL when no thread could be had
 * (too many earlier lookups still hang, or pthread_create failed). */
struct resolve_job *resolve_start(struct resolve_plan *p, struct ev_loop *loop, struct ev_async *wake);

/* True when the lookup is done: its result is moved to *out and the job
 * is gone (do not use it again). False while it runs. */
bool resolve_take(struct resolve_job *j, struct resolve_plan *out);

/* The loop lets go: the thread frees the job when its lookup ends, and
 * never touches loop or wake again. */
void resolve_abandon(struct resolve_job *j);

/* Lookup threads still running (abandoned ones included). */
int resolve_running(void);

#endif
