/* app — the console controller (tui/app/app.c): the engine (polls), the
 * action runner, the connection, the databases of the server. The screen
 * (tui/ui/) reads a const view of its state (struct app_view) and sends
 * commands through one dispatch (app_command, with the keymap's enum
 * command); the controller tells the screen what changed through the
 * callbacks the screen registered (app_set_view_ops), never by calling
 * screen code. Nothing here draws; main.c wires the two together. */
#ifndef TSDBTOP_APP_H
#define TSDBTOP_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "tsdbtop/action.h"
#include "tsdbtop/cli.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/dblist.h"
#include "tsdbtop/keymap.h"
#include "tsdbtop/snapshot.h"

struct ev_loop;
struct trends;
struct app;     /* opaque: the screen sees only struct app_view */

/* What the screen may read. Pointers stay valid until app_free, except
 * chunks/plan/act_log, which change with a database switch (re-read the
 * view after a command or a callback). */
struct app_view {
	const struct options *opt;
	const struct snapshot *snap;      /* the model: last data of every pane */
	const struct trends *trends;      /* history of key figures (may be NULL) */
	double interval;                  /* seconds between polls */
	bool paused;
	bool polling;                     /* a poll is in flight */
	bool quit;                        /* the console is ending */
	/* connection as the header shows it */
	enum conn_state conn_state;
	const char *conn_msg;             /* why it is down ("" when nothing to say) */
	double stalled_for;               /* seconds the query in flight has waited */
	double backoff_left;              /* seconds until the next reconnect */
	/* outages (the kiosk banner) */
	double down_since;                /* epoch s the connection was lost; 0 = up */
	double last_outage_s;             /* length of the last outage, s */
	double recovered_at;              /* epoch s of the last recovery; 0 = none */
	int reconnect_attempts;           /* during the current outage */
	const struct dblist *dbl;         /* the server's databases (CMD_DATABASES) */
	/* operator actions (actions false: no runner, the fields below zero) */
	bool actions;
	enum action_state act_state;
	const struct action_plan *plan;   /* the plan planned, running or last run */
	const char *act_message;          /* why refused, how it ended */
	const char *act_where;            /* "on a second connection" or ... */
	int act_done, act_total;          /* progress of the running/finished plan */
	double act_bytes_before, act_bytes_after;   /* NAN unknown */
	const struct actlog *act_log;     /* the action log (l) */
	const struct chunk_list *chunks;  /* the chunk list asked for with CMD_OPEN */
	/* the fleet (several servers): which one this view is */
	const char *server_name;          /* its name (a [server NAME] or host:port/db) */
	int server_index, nservers;       /* nservers 1: the single-server console */
};

/* What changed (bits of the changed callback). */
enum app_change {
	APP_CH_DATA = 1,      /* a poll ended, the interval or pause changed */
	APP_CH_CONN = 2,      /* connection state, stall or backoff times */
	APP_CH_ACTION = 4,    /* the action runner or the chunk list */
	APP_CH_DBLIST = 8,    /* the databases' list */
	APP_CH_FLEET = 16,    /* several servers: any server's state (the overview) */
	APP_CH_SERVER = 32,   /* the selected server changed (CMD_SERVER_*) */
};

/* The screen's callbacks: changed (redraw; what: APP_CH_* bits) and notice
 * (a one-line message for the status line). They must not call back into
 * app_command synchronously for a query-sending command. */
struct app_view_ops {
	void (*changed)(void *ud, unsigned what);
	void (*notice)(void *ud, const char *msg);
	void *ud;
};

/* The argument of a command (NULL where it needs none). */
struct app_arg {
	struct action_request rq;   /* CMD_ACT_*, CMD_JOB_RUN/PAUSE/RESUME, CMD_DIALOG_WINDOW;
	                               CMD_OPEN: the hypertable (rq.schema, rq.name) */
	const char *text;           /* CMD_DIALOG_YES: the typed name; CMD_DB_SWITCH: the database */
	int index;                  /* CMD_DIALOG_SKIP: the step to skip / keep */
};

/* The servers (fleet_build: the positional CONNINFOs or server names, or
 * the configuration's [server NAME] sections, else the one of -h -p -d).
 * One server: the first connection (a password prompt when the server asks
 * for one, before any screen exists) and the action runner, as always.
 * Several: each server's engine and runner started without waiting (a
 * server that is down shows so on the overview; no password prompt).
 * NULL, with a message on stderr, when the console cannot start. */
struct app *app_new(const struct options *o);
/* Everything closed; NULL is fine. Free the screen first. */
void app_free(struct app *a);
struct ev_loop *app_loop(const struct app *a);
/* The screen's callbacks (copied; NULL unregisters). */
void app_set_view_ops(struct app *a, const struct app_view_ops *ops);
/* The state as the screen may read it, current as of this call: the
 * selected server's (the only one unless several were given). */
const struct app_view *app_view(struct app *a);
/* How many servers the console watches (1: no overview), and server i's
 * view (NULL out of range); the same pointer rules as app_view. */
int app_servers(const struct app *a);
const struct app_view *app_server_view(struct app *a, int i);

/* The one dispatch (screen -> controller). Commands:
 *   CMD_QUIT, CMD_REFRESH, CMD_PAUSE, CMD_INTERVAL_UP, CMD_INTERVAL_DOWN;
 *   CMD_OPEN (ask for the chunks of arg->rq's hypertable; they are asked
 *   again whenever an action ends while the list is open), CMD_CLOSE (the
 *   chunk list is closed);
 *   CMD_ACT_COMPRESS, CMD_ACT_DECOMPRESS, CMD_ACT_REFRESH, CMD_ACT_RETENTION,
 *   CMD_ACT_MAINTENANCE, CMD_JOB_RUN, CMD_JOB_PAUSE, CMD_JOB_RESUME (plan
 *   arg->rq), CMD_DIALOG_YES, CMD_DIALOG_NO, CMD_DIALOG_SKIP,
 *   CMD_DIALOG_WINDOW (plan arg->rq again, with its window), CMD_ACT_STOP;
 *   CMD_DATABASES (ask for the server's databases), CMD_DB_SWITCH;
 *   CMD_SERVER_OPEN (arg->index: the server the screen shows),
 *   CMD_SERVER_NEXT, CMD_SERVER_PREV (the next / previous one, round).
 * CMD_REFRESH with arg->index < 0 polls every server. Every other command
 * acts on the selected server only (its own action runner, connections).
 * Returns 0, or -1 when refused or failed (the view or a notice says why).
 * Any other command: -1. */
int app_command(struct app *a, enum command c, const struct app_arg *arg);
/* Why action command c cannot work here (read-only mode, license, server,
 * as far as known without asking the server): why, or NULL. */
const char *app_command_unavailable(struct app *a, enum command c, char *why, size_t n);

/* Run the console until quit; returns the exit code. */
int app_run(struct app *a);

#endif
