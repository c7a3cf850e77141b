/* exp_int.h — the exporter's state, shared by its modules (tui/exporter/):
 *   exporter.c   the command: flags, configuration, fleet, start and stop
 *   exp_poll.c   the libev side: one engine and one ev_timer per server,
 *                a poll per interval, the exposition rendered after each
 *   exp_store.c  the rendered texts, swapped under a mutex; the HTTP side
 *                only copies them
 *   exp_http.c   libmicrohttpd in its own thread: /metrics /probe /healthz
 *   exp_listen.c ADDR:PORT and the listening socket
 *   exp_ro.c     the read-only connection string of a server
 * libev callbacks only mark things (due, dirty, stop); one ev_prepare
 * does the work before the loop sleeps. */
#ifndef TSDBTOP_EXP_INT_H
#define TSDBTOP_EXP_INT_H

#include <ev.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/config.h"
#include "tsdbtop/fleet.h"
#include "tsdbtop/prom.h"
#include "tsdbtop/snapshot.h"
#include "tsdbtop/thresholds.h"

#define EXP_DEFAULT_LISTEN "127.0.0.1:9188"
#define EXP_DEFAULT_INTERVAL 15.0
#define EXP_DEFAULT_MAX_SERIES 10000

struct engine;

/* ---- exp_store: what the HTTP thread reads ---- */
struct exp_store {
	pthread_mutex_t mu;
	struct prom_text *cur[FLEET_MAX];   /* published, read under mu */
	char names[FLEET_MAX][CONFIG_SERVER_NAME];  /* fixed before HTTP starts */
	int n;
};

int exp_store_init(struct exp_store *st, const struct fleet *f);
/* Publish *t for server i; *t gets the previous text back (to reuse). */
void exp_store_swap(struct exp_store *st, int i, struct prom_text **t);
/* The exposition of server i (-1: every server) into out, ages at now. */
int exp_store_render(struct exp_store *st, int i, struct prom_buf *out, double now);
/* The server called name, or -1. */
int exp_store_find(const struct exp_store *st, const char *name);
void exp_store_free(struct exp_store *st);

/* ---- exp_listen ---- */
struct exp_addr {
	struct sockaddr_storage sa;
	socklen_t len;
	char text[128];                     /* as given */
};

/* "ADDR:PORT", "[V6]:PORT" or ":PORT" (every address) into a. 0, or -1
 * with a one-line reason in err. */
int exp_listen_parse(struct exp_addr *a, const char *s, char *err, size_t n);
/* A listening socket on a, or -1 with the reason (errno's words). */
int exp_listen_open(const struct exp_addr *a, char *err, size_t n);

/* ---- exp_ro ---- */
/* conninfo (NULL: libpq's defaults) as a keyword=value string whose
 * sessions are read-only (options -c default_transaction_read_only=on
 * added to the conninfo's own or PGOPTIONS'), application_name
 * tsdbtop-exporter unless it names one. Heap string, or NULL with err. */
char *exp_ro_conninfo(const char *conninfo, char *err, size_t n);

/* ---- exp_http ---- */
struct exp_http;
struct exp_http *exp_http_start(struct exp_store *st, int fd, int family, char *err, size_t n);
void exp_http_stop(struct exp_http *h);

/* ---- exp_poll: one watched server ---- */
struct exporter;

struct exp_server {
	struct exporter *x;
	int idx;
	char name[CONFIG_SERVER_NAME];
	char *conninfo;                     /* read-only (exp_poll_prepare), owned */
	struct options opt;
	struct snapshot snap;
	struct engine *engine;
	struct prom_text *spare;            /* rendered into, then swapped */
	ev_timer tick;
	bool due, dirty, up, lost_said;
	unsigned long polls, skipped;
	int dropped_said;                   /* dropped series last warned about */
	double polled_at;
	char conn_msg[256];                 /* a connection state to say once */
};

struct exporter {
	struct ev_loop *loop;
	ev_signal sigint, sigterm;
	ev_prepare step;
	bool stop;
	double interval;
	int max_series;
	struct exp_addr listen;
	struct config cfg;
	struct thresholds th;
	struct fleet fleet;
	struct exp_server srv[FLEET_MAX];
	int n;
	struct exp_store store;
	struct exp_http *http;
};

/* The read-only conninfo of every target of x->fleet (before listening:
 * a bad one is bad usage). 0, or -1 with the target and why in err. */
int exp_poll_prepare(struct exporter *x, char *err, size_t n);
void exp_poll_free_conninfo(struct exporter *x);
/* Engines, timers and the step watcher for every target of x->fleet. */
int exp_poll_start(struct exporter *x, char *err, size_t n);
/* Stops and frees all of it, the conninfos too. */
void exp_poll_stop(struct exporter *x);

#endif
