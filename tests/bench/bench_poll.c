/* bench_poll — what one full poll of the console costs, against reading
 * the same facts through TimescaleDB's information views and size
 * functions, and against the floor (the bare aggregated catalog read: one
 * count(*) per hypertable over the chunk catalog); and the console engine's
 * resident memory after many polls. Prints figures; never fails on a time.
 * The poll is measured twice: in the steady state (the chunks and
 * retention queries make their pass over the chunk relations only when the
 * chunk catalog changed or every tsdbtop.reread_every seconds, default 30:
 * sql/queries/chunks.sql) and with that pass on every poll (a second
 * engine whose session has tsdbtop.reread_every = 0, through PGOPTIONS).
 * Usage: bench_poll CONNINFO [POLLS [FIGURES]]: FIGURES, a file the figures
 * are appended to as "name value" lines (poll_ms, pass_poll_ms, views_ms,
 * floor_ms, rss_mb, chunks) for the caller to compare runs. */
#include <ev.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/engine.h"
#include "tsdbtop/health.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One "Key: N kB" line of /proc/self/status (VmRSS, RssAnon, RssFile). */
static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	size_t n = strlen(key);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			kb = strtol(line + n + 1, NULL, 10);
			break;
		}
	if (f)
		fclose(f);
	return kb;
}

static long rss_kb(void)
{
	return status_kb("VmRSS");
}

/* The same facts, the way a script would read them from the documented API. */
static const char *const views_sql[] = {
	"SELECT * FROM timescaledb_information.hypertables",
	"SELECT hypertable_schema, hypertable_name, count(*), count(*) FILTER (WHERE is_compressed),"
	" min(range_start), max(range_end) FROM timescaledb_information.chunks GROUP BY 1, 2",
	"SELECT h.hypertable_name, s.* FROM timescaledb_information.hypertables h,"
	" LATERAL hypertable_compression_stats(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s",
	"SELECT h.hypertable_name, sum(d.total_bytes) FROM timescaledb_information.hypertables h,"
	" LATERAL chunks_detailed_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) d GROUP BY 1",
	"SELECT * FROM timescaledb_information.compression_settings",
	"SELECT * FROM timescaledb_information.jobs j LEFT JOIN timescaledb_information.job_stats s USING (job_id)",
	"SELECT j.job_id, count(c) FROM timescaledb_information.jobs j,"
	" LATERAL show_chunks(format('%I.%I', j.hypertable_schema, j.hypertable_name)::regclass,"
	"   older_than => now() - (j.config->>'drop_after')::interval) c"
	" WHERE j.proc_name = 'policy_retention' GROUP BY 1",
	"SELECT c.view_name, _timescaledb_functions.cagg_watermark(ca.mat_hypertable_id)"
	" FROM timescaledb_information.continuous_aggregates c"
	" JOIN _timescaledb_catalog.continuous_agg ca ON ca.user_view_schema = c.view_schema AND ca.user_view_name = c.view_name",
	"SELECT ch.hypertable_name, sum(s.heap_blks_hit), sum(s.heap_blks_read) FROM timescaledb_information.chunks ch"
	" JOIN pg_statio_all_tables s ON s.schemaname = ch.chunk_schema AND s.relname = ch.chunk_name GROUP BY 1",
};

static double time_views(PGconn *c)
{
	double t0 = now_s();
	for (size_t i = 0; i < sizeof views_sql / sizeof views_sql[0]; i++) {
		PGresult *r = PQexec(c, views_sql[i]);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			fprintf(stderr, "bench: view query %zu failed: %s", i, PQresultErrorMessage(r));
		PQclear(r);
	}
	return now_s() - t0;
}

/* The floor, by catalog layout: the chunk catalog of TimescaleDB before
 * 2.29 also holds the compressed chunks (rows of the internal compressed
 * hypertables, compression_state 2) and, before 2.26, dropped chunks kept as
 * rows; 2.29 has neither (chunk.relid, compressed relations in
 * compression_settings: sql/queries/chunks.ts22900.sql). Each counts the
 * chunks of every user hypertable, as the Chunks pane does. */
static const char *floor_sql(int ver)
{
	if (ver >= 22900)
		return "SELECT c.hypertable_id, count(*) FROM _timescaledb_catalog.chunk c GROUP BY 1";
	if (ver >= 22600)
		return "SELECT c.hypertable_id, count(*) FROM _timescaledb_catalog.chunk c"
		       " JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id"
		       " WHERE h.compression_state <> 2 GROUP BY 1";
	return "SELECT c.hypertable_id, count(*) FROM _timescaledb_catalog.chunk c"
	       " JOIN _timescaledb_catalog.hypertable h ON h.id = c.hypertable_id"
	       " WHERE h.compression_state <> 2 AND NOT c.dropped GROUP BY 1";
}

/* extversion as 22803 (2.28.3); 0 when it cannot be read */
static int ts_version(PGconn *c, char *text, size_t len)
{
	PGresult *r = PQexec(c, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'");
	int a = 0, b = 0, p = 0;
	snprintf(text, len, "?");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		snprintf(text, len, "%s", PQgetvalue(r, 0, 0));
		sscanf(text, "%d.%d.%d", &a, &b, &p);
	}
	PQclear(r);
	return a * 10000 + b * 100 + p;
}

/* best of 5 after a warm-up; the rows it returned summed from column 2 */
static double time_floor(PGconn *c, int ver, long *counted)
{
	double best = 1e9;
	*counted = 0;
	for (int i = 0; i < 6; i++) {
		double t0 = now_s();
		PGresult *r = PQexec(c, floor_sql(ver));
		double t = now_s() - t0;
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "bench: floor query failed: %s", PQresultErrorMessage(r));
			PQclear(r);
			return -1;
		}
		if (i == 0)
			for (int j = 0; j < PQntuples(r); j++)
				*counted += atol(PQgetvalue(r, j, 1));
		PQclear(r);
		if (i > 0 && t < best)
			best = t;
	}
	return best;
}

struct run { bool probed, updated; };
static void on_update(void *ud) { ((struct run *)ud)->updated = true; }
static void on_probed(void *ud) { ((struct run *)ud)->probed = true; }

/* Run the loop until *flag, at most 120 s (a dead server: the engine stops
 * its watchers and ev_run would return at once, for ever). */
static void loop_until(struct ev_loop *loop, const bool *flag)
{
	double until = now_s() + 120;
	while (!*flag) {
		if (now_s() > until) {
			fprintf(stderr, "bench_poll: no answer from the server within 120 s\n");
			exit(1);
		}
		ev_run(loop, EVRUN_ONCE);
	}
}

static double one_poll(struct ev_loop *loop, struct engine *e, struct run *r)
{
	r->updated = false;
	double t0 = now_s();
	if (!engine_poll(e))
		return -1;
	loop_until(loop, &r->updated);
	return now_s() - t0;
}

/* Where a poll goes: the queries run one after the other in collector
 * order, and each pane's poll_ms counts from the start of the poll. */
#define NSPLIT 7
struct split { double ms[NSPLIT]; };
static const char *const split_names[NSPLIT] = {
	"jobs", "scheduler+job history", "chunks (with the cache counters)", "compression",
	"retention", "caggs", "cache (database)",
};

/* A collector that did not run this poll (job history before 2.15) has no
 * time of its own: 0, and the next one counts from the one before. */
static struct split poll_split(const struct snapshot *s)
{
	const struct pane_meta *m[NSPLIT] = { &s->jobs_meta, &s->history_meta, &s->chunks_meta,
					      &s->comp_meta, &s->ret_meta, &s->cagg_meta, &s->cache_meta };
	struct split sp;
	double prev = 0;
	for (int i = 0; i < NSPLIT; i++) {
		bool ran = m[i]->status == PANE_OK && m[i]->poll_ms >= prev;
		sp.ms[i] = ran ? m[i]->poll_ms - prev : 0;
		if (ran)
			prev = m[i]->poll_ms;
	}
	return sp;
}

static void print_split(const struct split *sp)
{
	printf("  by query (best poll):     ");
	for (int i = 0; i < NSPLIT; i++)
		printf(" %s %.0f%s", split_names[i], sp->ms[i], i < NSPLIT - 1 ? "," : " ms\n");
}

/* best of 5 polls after a warm-up; the split of the best in *sp */
static double best_poll(struct ev_loop *loop, struct engine *e, struct run *r,
			const struct snapshot *snap, struct split *sp, double *mean)
{
	double best = 1e9, sum = 0;
	one_poll(loop, e, r);                       /* warm-up */
	*sp = poll_split(snap);
	for (int i = 0; i < 5; i++) {
		double t = one_poll(loop, e, r);
		sum += t;
		if (t < best) {
			best = t;
			*sp = poll_split(snap);
		}
	}
	*mean = sum / 5;
	return best;
}

/* The same poll with the pass over the chunk relations every time: this
 * program again (one engine per process), its session told
 * tsdbtop.reread_every = 0 through PGOPTIONS; it prints one line,
 * "BEST MEAN SPLIT...", in ms. -1 when it failed. */
static double time_pass_poll(const char *self, const char *conninfo, struct split *sp, double *mean)
{
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		const char *was = getenv("PGOPTIONS");
		char opts[512];
		snprintf(opts, sizeof opts, "%s%s-c tsdbtop.reread_every=0", was ? was : "", was ? " " : "");
		setenv("PGOPTIONS", opts, 1);
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl(self, self, conninfo, "--pass", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	FILE *f = pid > 0 ? fdopen(fd[0], "r") : NULL;
	double best = -1;
	if (f) {
		int n = fscanf(f, "%lf %lf", &best, mean);
		for (int i = 0; n == 2 && i < NSPLIT; i++)
			if (fscanf(f, "%lf", &sp->ms[i]) != 1)
				n = 0;
		if (n != 2)
			best = -1;
		fclose(f);
	} else {
		close(fd[0]);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return best;
}

/* --pass: the child of time_pass_poll */
static int pass_main(struct ev_loop *loop, struct engine *e, struct run *r, const struct snapshot *snap)
{
	struct split sp;
	double mean;
	double best = best_poll(loop, e, r, snap, &sp, &mean);
	printf("%.3f %.3f", best * 1e3, mean * 1e3);
	for (int i = 0; i < NSPLIT; i++)
		printf(" %.3f", sp.ms[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_poll CONNINFO [POLLS]\n");
		return 2;
	}
	int polls = argc > 2 ? atoi(argv[2]) : 100;
	const char *figures = argc > 3 ? argv[3] : NULL;
	struct ev_loop *loop = EV_DEFAULT;
	struct snapshot snap;
	struct thresholds th;
	memset(&snap, 0, sizeof snap);
	thresholds_default(&th);
	struct options o = { .conninfo = argv[1], .statement_timeout = 60, .query_deadline = 120 };
	struct run r = { false, false };
	struct engine_callbacks cb = { .on_update = on_update, .on_probed = on_probed };
	struct engine *e = engine_new(loop, &o, &snap, &th, &cb, &r, false, NULL);
	if (!e)
		return 1;
	loop_until(loop, &r.probed);
	if (argc > 2 && strcmp(argv[2], "--pass") == 0) {
		int rc = pass_main(loop, e, &r, &snap);
		engine_free(e);
		snapshot_free(&snap);
		return rc;
	}
	struct split best_split;
	double mean;
	double best = best_poll(loop, e, &r, &snap, &best_split, &mean);
	int chunks = 0;
	for (int i = 0; i < snap.hts.n; i++)
		chunks += snap.hts.v[i].chunks;
	long rss0 = rss_kb();
	for (int i = 0; i < polls; i++)
		one_poll(loop, e, &r);
	long rss1 = rss_kb(), anon = status_kb("RssAnon"), file = status_kb("RssFile");
	/* the comparison's own client (a plain PQconnectdb) after the engine's
	 * memory is measured: its pages are not the engine's */
	PGconn *c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bench: %s", PQerrorMessage(c));
		return 1;
	}
	char vtext[32];
	int ver = ts_version(c, vtext, sizeof vtext);
	long counted;
	double floor_t = time_floor(c, ver, &counted);
	double views = time_views(c);
	PQfinish(c);
	struct split pass_split;
	double pass_mean = 0;
	engine_free(e);
	double pass = time_pass_poll(argv[0], argv[1], &pass_split, &pass_mean);
	printf("TimescaleDB %s, hypertables: %d (%d chunks; the floor counted %ld)\n", vtext, snap.hts.n,
	       chunks, counted);
	printf("tsdbtop full poll, steady state (sizes and cache counters carried, re-read on a change or every 30 s):"
	       " %.1f ms (best of 5), %.1f ms mean\n", best * 1e3, mean * 1e3);
	print_split(&best_split);
	if (pass > 0) {
		printf("tsdbtop full poll with the pass over every chunk relation (each change, every 30 s):"
		       " %.1f ms (best of 5), %.1f ms mean\n", pass, pass_mean);
		print_split(&pass_split);
	}
	printf("information views + size functions, same facts: %.1f ms\n", views * 1e3);
	printf("floor (one count(*) per hypertable over the chunk catalog): %.1f ms (best of 5)\n",
	       floor_t * 1e3);
	printf("ratio poll / views:          1/%.0f steady, 1/%.0f with the pass (target <= 1/50)\n",
	       views / best, pass > 0 ? views * 1e3 / pass : 0);
	if (floor_t > 0)
		printf("ratio poll / floor:          %.1fx steady, %.1fx with the pass (target <= 3x)\n",
		       best / floor_t, pass > 0 ? pass / 1e3 / floor_t : 0);
	printf("engine RSS after %d polls:   %.1f MB (was %.1f MB before them; %.1f MB anonymous,"
	       " %.1f MB mapped from files: libpq and the libraries it loads, libc)\n", polls,
	       rss1 / 1024.0, rss0 / 1024.0, anon / 1024.0, file / 1024.0);
	FILE *f = figures ? fopen(figures, "a") : NULL;
	if (f) {
		fprintf(f, "chunks %d\npoll_ms %.3f\npass_poll_ms %.3f\nviews_ms %.3f\nfloor_ms %.3f\nrss_mb %.2f\n",
			chunks, best * 1e3, pass, views * 1e3, floor_t * 1e3, rss1 / 1024.0);
		fclose(f);
	} else if (figures) {
		fprintf(stderr, "bench: cannot append to %s\n", figures);
	}
	snapshot_free(&snap);
	return 0;
}
