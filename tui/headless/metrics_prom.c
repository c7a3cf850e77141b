/* metrics_prom — the exposition of one snapshot, to stdout or atomically
 * to a file. See metrics_prom.h. */
#include "metrics_prom.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/config.h"
#include "tsdbtop/fleet.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/prom.h"
#include "tsdbtop/sanitize.h"

#define METRICS_MAX_SERIES 10000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* dir/.base.XXXXXX, written, fsynced, renamed over path. */
static int write_atomic(const char *path, const struct prom_buf *b, char *err, size_t n)
{
	char d[4096], f[4096], tmp[8192];
	snprintf(d, sizeof d, "%s", path);
	snprintf(f, sizeof f, "%s", path);
	const char *dir = dirname(d), *base = basename(f);
	snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, base);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, n, "cannot create a temp file in %s: %s", dir, strerror(errno));
		return -1;
	}
	int rc = write_all(fd, b->p, b->len) == 0 && fchmod(fd, 0644) == 0 && fsync(fd) == 0 ? 0 : -1;
	int saved = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		unlink(tmp);
		snprintf(err, n, "cannot write %s: %s", path, strerror(saved));
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* The snapshot of the fleet's one server into t; returns the exit code. */
static int snap_render(struct options *o, const struct config *c, struct prom_text *t)
{
	struct fleet *f = calloc(1, sizeof *f);
	struct snapshot s;
	char err[512];
	memset(&s, 0, sizeof s);
	if (!f)
		return HL_EXIT_FAILED;
	o->config = c;
	o->targets[0] = o->conninfo;
	o->ntargets = o->conninfo ? 1 : 0;
	fleet_build(f, o, err, sizeof err);
	int rc = headless_snapshot(&f->t[0].opt, &s, &c->th, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "tsdbtop metrics: %s (written: tsdbtop_up 0)\n", err);
	struct prom_server ps = { .name = f->t[0].name, .up = rc == 0, .polled_at = rc ? NAN : s.polled_at,
				  .poll_s = s.poll_ms / 1000.0, .polls = rc ? 0 : 1,
				  .max_series = METRICS_MAX_SERIES };
	if (prom_render(t, rc == 0 ? &s : NULL, &ps) != 0)
		rc = HL_EXIT_FAILED;
	if (t->dropped > 0)
		fprintf(stderr, "tsdbtop metrics: %d series left out (more than %d per-object series)\n",
			t->dropped, METRICS_MAX_SERIES);
	snapshot_free(&s);
	free(f);
	return rc;
}

int metrics_prom(struct options *o, const char *out)
{
	struct config *c = calloc(1, sizeof *c);
	struct prom_text t;
	struct prom_buf b = { 0 };
	char err[600];
	memset(&t, 0, sizeof t);
	if (!c)
		return HL_EXIT_FAILED;
	int rc = hl_config_load("metrics", o, c);
	if (rc < 0) {
		rc = snap_render(o, c, &t);
		const struct prom_text *one[] = { &t };
		if (rc != HL_EXIT_FAILED && prom_merge(&b, one, 1, now_s()) != 0)
			rc = HL_EXIT_FAILED;
		if (rc != HL_EXIT_FAILED && out && write_atomic(out, &b, err, sizeof err) != 0) {
			fprintf(stderr, "tsdbtop metrics: %s\n", err);
			rc = HL_EXIT_FAILED;
		} else if (rc != HL_EXIT_FAILED && !out) {
			fwrite(b.p, 1, b.len, stdout);
		}
	}
	prom_buf_free(&b);
	prom_text_free(&t);
	free(c);
	return rc;
}
