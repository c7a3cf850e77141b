/* engine — polls every collector over the monitor session and keeps the
 * snapshot current. Shared by the console and the headless modes; never
 * draws. A poll is one query per collector, queued on the one monitor
 * connection; when the last answer is in, health is classified and
 * on_update fires. */
#ifndef TSDBTOP_ENGINE_H
#define TSDBTOP_ENGINE_H

#include <stdbool.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/conn.h"
#include "tsdbtop/snapshot.h"
#include "tsdbtop/thresholds.h"

struct ev_loop;
struct engine;

struct engine_callbacks {
	void (*on_update)(void *ud);                       /* a poll completed */
	void (*on_probed)(void *ud);                       /* (re)connected and probed */
	void (*on_conn)(enum conn_state st, const char *msg, void *ud);
};

struct engine *engine_new(struct ev_loop *loop, const struct options *o,
			  struct snapshot *snap, const struct thresholds *th,
			  const struct engine_callbacks *cb, void *ud, bool reconnect,
			  const char *password);
int engine_start(struct engine *e);
/* Start a poll now unless one is running or the session is not ready.
 * Returns true when a poll was started. */
bool engine_poll(struct engine *e);
bool engine_polling(const struct engine *e);
bool engine_probed(const struct engine *e);
struct conn *engine_conn(struct engine *e);
const char *engine_error(const struct engine *e);
void engine_free(struct engine *e);

#endif
