/* app — the console's one state struct, and the commands the screen may
 * ask of it. Owned by tui/app/app.c; the UI (tui/ui/) reads it and calls
 * these commands; it never talks to the database itself. */
#ifndef TSDBTOP_APP_H
#define TSDBTOP_APP_H

#include <stdbool.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/dblist.h"
#include "tsdbtop/snapshot.h"
#include "tsdbtop/thresholds.h"

struct ev_loop;
struct engine;
struct ui;
struct action_runner;

struct app {
	struct ev_loop *loop;
	struct options opt;
	struct thresholds th;
	struct snapshot snap;         /* the model: last data of every pane */
	struct engine *engine;        /* db side (polling) */
	struct ui *ui;                /* screen side */
	struct action_runner *actions; /* operator actions (db side, see action.h) */
	double interval;              /* seconds between polls */
	bool paused;
	bool polling;                 /* a poll is in flight */
	long polls_done;              /* polls completed (--polls N quits at N) */
	/* connection as the header shows it */
	enum conn_state conn_state;
	char conn_msg[256];
	double stalled_for;           /* seconds the query in flight has waited */
	double backoff_left;          /* seconds until the next reconnect */
	bool quit;
	int exit_code;
	/* trends and outages (the kiosk banner, sparklines) */
	struct trends *trends;        /* history of key figures (calloc'd; may be NULL) */
	double down_since;            /* epoch s the connection was lost; 0 = up */
	double last_outage_s;         /* length of the last outage, s */
	double recovered_at;          /* epoch s of the last recovery; 0 = none */
	int reconnect_attempts;       /* during the current outage */
	char db_override[128];        /* database chosen with D ("" = as started) */
	struct dblist dbl;            /* the server's databases (D) */
};

/* Commands (UI -> app). */
void app_refresh_now(struct app *a);
void app_set_interval(struct app *a, double seconds);
void app_toggle_pause(struct app *a);
void app_quit(struct app *a, int code);
/* Close the engine and the action runner and connect again to database
 * dbname (D). Returns 0, or -1 with a message on the status line. */
int app_switch_database(struct app *a, const char *dbname);
/* Ask the server for its databases into a->dbl (the screen is marked
 * dirty when they are in). Returns 0, or -1 (a->dbl.error says why). */
int app_list_databases(struct app *a);

/* Run the console until quit; returns the exit code. */
int app_run_console(const struct options *o);

#endif
