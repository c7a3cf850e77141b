/* app_int — internal to tui/app/: the controller's state, shared by
 *
 *   app.c         the view, the one dispatch, the timers, start and end
 *   app_server.c  one watched server: its engine and its callbacks, its
 *                 action runner, its databases, the first connection
 *
 * One struct app holds N per-server states (struct app_server); with one
 * server the console is the single-server console it always was
 * (server[0]). The screen reads the selected server's view; the overview
 * reads every server's (app_server_view). */
#ifndef TSDBTOP_APP_INT_H
#define TSDBTOP_APP_INT_H

#include <ev.h>
#include <stdbool.h>

#include "tsdbtop/app.h"
#include "tsdbtop/config.h"
#include "tsdbtop/fleet.h"
#include "tsdbtop/thresholds.h"

struct app;

struct app_server {
	struct app *a;
	int index;
	char name[CONFIG_SERVER_NAME];
	struct options opt;
	struct snapshot snap;          /* the model: last data of every pane */
	struct engine *engine;         /* db side (polling) */
	struct action_runner *actions; /* operator actions (db side, see action.h) */
	struct trends *trends;         /* history of key figures (calloc'd; may be NULL) */
	struct dblist dbl;             /* the server's databases (D) */
	struct app_view view;          /* what the screen may read of this server */
	long polls_done;               /* polls completed (--polls N quits at N) */
	char conn_msg[256];            /* view.conn_msg */
	char db_override[128];         /* database chosen with D ("" = as started) */
	bool first_done;               /* initial connection attempt finished */
	bool first_failed;
	enum action_state act_state;   /* last seen, to poll once an action ends */
	bool chunks_open;              /* the screen shows the chunk list (CMD_OPEN .. CMD_CLOSE) */
	char password[256];
};

struct app {
	struct ev_loop *loop;
	struct thresholds th;
	struct fleet fleet;            /* the servers (fleet_build) */
	struct app_server *srv;        /* nsrv of them */
	int nsrv;
	int sel;                       /* the server the screen shows */
	double interval;               /* seconds between polls (every server) */
	bool paused;
	bool quit;
	struct app_view_ops ops;       /* the screen's callbacks */
	bool have_ops;
	int exit_code;
	ev_timer poll_timer, state_timer;
};

/* app.c: tell the screen (what: APP_CH_* bits; a server other than the
 * selected one only says APP_CH_FLEET) */
void app_changed(struct app_server *s, unsigned what);
void app_notice(struct app_server *s, const char *msg);
void app_quit(struct app *a, int code);

/* app_server.c */
int app_server_init(struct app_server *s, struct app *a, int index, const struct fleet_target *t);
void app_server_free(struct app_server *s);
/* Start its engine without waiting (several servers: the overview comes
 * up at once and says how each is doing). */
void app_server_start(struct app_server *s);
/* One server: the first connection before the screen opens, with a
 * password prompt when the server asks for one. 0, or 1 (said on stderr). */
int app_server_first_connect(struct app_server *s);
void app_server_actions_start(struct app_server *s);
int app_server_switch_db(struct app_server *s, const char *dbname);
int app_server_list_databases(struct app_server *s);
int app_server_refresh(struct app_server *s, bool quiet);
void app_server_poll(struct app_server *s);
void app_server_state_tick(struct app_server *s);
void app_server_view_actions(struct app_server *s);

#endif
