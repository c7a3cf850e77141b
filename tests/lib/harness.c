/* harness — helpers shared by the C test tiers. */
#include "harness.h"

#include <ev.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

const char *harness_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

double harness_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)revents;
	const bool *flag = w->data;
	if (!flag || *flag)
		ev_break(loop, EVBREAK_ONE);
}

static void stop_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ONE);
}

bool harness_run_until(struct ev_loop *loop, const bool *flag, double timeout)
{
	ev_timer tick, stop;
	ev_timer_init(&tick, tick_cb, 0.005, 0.005);
	tick.data = (void *)flag;
	ev_timer_init(&stop, stop_cb, timeout, 0.);
	ev_timer_start(loop, &tick);
	ev_timer_start(loop, &stop);
	if (!*flag)
		ev_run(loop, 0);
	ev_timer_stop(loop, &tick);
	ev_timer_stop(loop, &stop);
	return *flag;
}

void harness_run_for(struct ev_loop *loop, double seconds)
{
	ev_timer stop;
	ev_timer_init(&stop, stop_cb, seconds, 0.);
	ev_timer_start(loop, &stop);
	ev_run(loop, 0);
	ev_timer_stop(loop, &stop);
}

int harness_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
