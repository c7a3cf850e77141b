/* exporter — `tsdbtop exporter`: the Prometheus exporter (issue #14).
 * Flags and configuration, the fleet, the listening socket (first: a busy
 * port is exit 1 before any connection), then the loop until SIGINT or
 * SIGTERM. See exp_int.h for the modules. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsdbtop/commands.h"
#include "tsdbtop/format.h"
#include "tsdbtop/headless.h"

#include "exp_int.h"

static const struct cli_opt exp_opts[] = {
	{ "listen", 1, "ADDR:PORT", "where to serve HTTP (default " EXP_DEFAULT_LISTEN "; [::1]:PORT, :PORT)" },
	{ "interval", 1, "SECS", "seconds between polls of each server (default 15; 30s, 1m work too)" },
	{ "max-series", 1, "N", "per-object series per server at most (default 10000); the rest are "
				"left out, counted in tsdbtop_series_dropped, and said on stderr" },
};
#define N_EXP_OPTS (int)(sizeof exp_opts / sizeof exp_opts[0])

struct exp_args {
	const char *listen;
	double interval;
	long max_series;
};

static int exp_opt(void *ud, int idx, const char *arg, FILE *err)
{
	struct exp_args *a = ud;
	char *end;
	switch (idx) {
	case 0: a->listen = arg; return 0;
	case 1:
		if (fmt_parse_interval(arg, &a->interval) != 0 || a->interval < 0.1 || a->interval > 86400) {
			fprintf(err, "tsdbtop exporter: --interval '%s': seconds from 0.1 to 86400\n", arg);
			return -1;
		}
		return 0;
	default:
		a->max_series = strtol(arg, &end, 10);
		if (*arg == '\0' || *end || a->max_series < 1 || a->max_series > 10000000) {
			fprintf(err, "tsdbtop exporter: --max-series '%s': a number from 1 to 10000000\n", arg);
			return -1;
		}
		return 0;
	}
}

static const char exp_about[] =
	"Serves the Prometheus text format over HTTP: /metrics (every server), /probe?target=NAME\n"
	"(one server of the configuration), /healthz. One poll per server per interval whatever\n"
	"the scrapers; a scrape answers from the last completed poll. Servers: CONNINFOs or names\n"
	"of the configuration's [server NAME] sections, else every section. Read-only sessions.\n"
	"Exit 0 stopped by SIGINT/SIGTERM, 1 cannot listen, 2 bad usage (also a bad CONNINFO).";

/* Flags, configuration and fleet into x. -1 to go on, else an exit code. */
static int setup(struct exporter *x, int argc, char **argv)
{
	struct exp_args a = { .listen = EXP_DEFAULT_LISTEN, .interval = EXP_DEFAULT_INTERVAL,
			      .max_series = EXP_DEFAULT_MAX_SERIES };
	struct options o;
	const char *pos[CLI_MAX_TARGETS];
	int npos = 0;
	char err[512];
	if (cli_parse_cmd(&o, argc, argv, stderr, "exporter", exp_opts, N_EXP_OPTS, exp_opt, &a, pos, &npos,
			  CLI_MAX_TARGETS) != 0)
		return HL_EXIT_USAGE;
	if (o.mode == MODE_HELP) {
		cli_usage_cmd(stdout, "exporter [--listen ADDR:PORT] [--interval SECS] [--max-series N]"
				      " [CONNINFO|SERVER ...]", exp_about, exp_opts, N_EXP_OPTS);
		return 0;
	}
	if (exp_listen_parse(&x->listen, a.listen, err, sizeof err) != 0) {
		fprintf(stderr, "tsdbtop exporter: %s\n", err);
		return HL_EXIT_USAGE;
	}
	int rc = hl_config_load("exporter", &o, &x->cfg);
	if (rc >= 0 || cli_merge_config(&o, &x->cfg, stderr) != 0)
		return HL_EXIT_USAGE;
	for (int i = 0; i < npos; i++)
		o.targets[i] = pos[i];
	o.ntargets = npos;
	o.conninfo = npos ? pos[0] : NULL;
	if (fleet_build(&x->fleet, &o, err, sizeof err) != 0) {
		fprintf(stderr, "tsdbtop exporter: %s\n", err);
		return HL_EXIT_USAGE;
	}
	x->interval = a.interval;
	x->max_series = (int)a.max_series;
	x->th = x->cfg.th;
	if (exp_poll_prepare(x, err, sizeof err) != 0) {
		fprintf(stderr, "tsdbtop exporter: %s\n", err);
		exp_poll_free_conninfo(x);
		return HL_EXIT_USAGE;
	}
	return -1;
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	((struct exporter *)w->data)->stop = true;
}

static void signals_start(struct exporter *x)
{
	signal(SIGPIPE, SIG_IGN);
	ev_signal_init(&x->sigint, on_signal, SIGINT);
	ev_signal_init(&x->sigterm, on_signal, SIGTERM);
	x->sigint.data = x->sigterm.data = x;
	ev_signal_start(x->loop, &x->sigint);
	ev_signal_start(x->loop, &x->sigterm);
}

static int serve(struct exporter *x)
{
	char err[512];
	int fd = exp_listen_open(&x->listen, err, sizeof err);
	if (fd < 0) {
		fprintf(stderr, "tsdbtop exporter: %s\n", err);
		exp_poll_free_conninfo(x);
		return HL_EXIT_FAILED;
	}
	x->loop = EV_DEFAULT;
	signals_start(x);
	int rc = HL_EXIT_OK;
	if (exp_store_init(&x->store, &x->fleet) != 0 || exp_poll_start(x, err, sizeof err) != 0 ||
	    !(x->http = exp_http_start(&x->store, fd, x->listen.sa.ss_family, err, sizeof err))) {
		fprintf(stderr, "tsdbtop exporter: %s\n", err[0] ? err : "out of memory");
		rc = HL_EXIT_FAILED;
	} else {
		fprintf(stderr, "tsdbtop exporter: listening on %s, %d server%s, every %g s\n", x->listen.text,
			x->n, x->n == 1 ? "" : "s", x->interval);
		ev_run(x->loop, 0);
	}
	exp_http_stop(x->http);         /* first: no request reads the store after this */
	if (!x->http)
		close(fd);
	exp_poll_stop(x);
	exp_store_free(&x->store);
	ev_signal_stop(x->loop, &x->sigint);
	ev_signal_stop(x->loop, &x->sigterm);
	return rc;
}

int cmd_exporter(int argc, char **argv)
{
	static struct exporter x;      /* large (FLEET_MAX servers): not on the stack */
	memset(&x, 0, sizeof x);
	int rc = setup(&x, argc, argv);
	if (rc >= 0)
		return rc;
	return serve(&x);
}
