/* session — a monitor connection plus its probe: connect, set the session
 * up, read what the server is, and keep doing so across reconnects. Shared
 * by the console and the headless modes. */
#ifndef TSDBTOP_SESSION_H
#define TSDBTOP_SESSION_H

#include <stdbool.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/server.h"

struct ev_loop;

struct session {
	struct ev_loop *loop;
	struct conn *conn;
	struct server_info info;
	bool probed;
	char error[512];            /* last error ("" when none) */
	void (*on_probed)(struct session *s, void *ud);
	void (*on_state)(struct session *s, enum conn_state st, const char *msg, void *ud);
	void *ud;
};

/* Builds the connection from the options (psql-style flags override the
 * CONNINFO). reconnect: keep reconnecting with backoff after a loss. */
int session_open(struct session *s, struct ev_loop *loop, const struct options *o,
		 bool reconnect, const char *password);
void session_close(struct session *s);
/* Sends the probe again on the open connection (the extension was dropped,
 * created or updated under us); on_probed runs again when it answers.
 * -1 when not connected and probed. */
int session_reprobe(struct session *s);

#endif
