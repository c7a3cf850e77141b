/* archive — `tsdbtop archive CHUNK --out FILE [--format csv]`: one chunk's
 * rows through a client-side COPY (SELECT * FROM chunk) TO STDOUT, written
 * to FILE.tmp, fsync'ed and renamed over FILE (atomic: FILE is either the
 * whole archive or untouched). The chunk arrives as a parameter resolved
 * with $1::regclass; COPY takes no parameters, so the resolved schema and
 * name are quoted with PQescapeIdentifier for its text.
 *
 * A one-shot command with no screen: the COPY is read with PQgetCopyData
 * and poll() on the session's socket (no loop runs meanwhile), bounded by
 * the statement timeout; SIGINT/SIGTERM cancel it and remove the temp file.
 * Exit: 0 written, 1 refused or failed (FILE untouched, no temp file left),
 * 2 bad usage (also a format other than csv), 3 cannot connect. */
#include "tsdbtop/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <libgen.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tsdbtop/format.h"
#include "tsdbtop/headless.h"
#include "tsdbtop/once.h"
#include "tsdbtop/pgres.h"
#include "tsdbtop/sanitize.h"
#include "tsdbtop/version.h"

static const struct cli_opt archive_opts[] = {
	{ "out", 1, "FILE", "where to write (FILE.tmp first, then renamed over FILE)" },
	{ "format", 1, "FORMAT", "csv (the only format; with a header line)" },
	{ "dry-run", 0, NULL, "resolve the chunk and print the COPY statement; write nothing" },
	{ "json", 0, NULL, "one JSON document on stdout" },
};

struct archive_args {
	struct options o;
	const char *pos[2];
	int npos;
	const char *out, *format;
	bool dry_run, json;
};

static int archive_opt(void *ud, int idx, const char *arg, FILE *err)
{
	struct archive_args *a = ud;
	switch (idx) {
	case 0: a->out = arg; return 0;
	case 1:
		if (strcasecmp(arg, "csv") != 0) {
			char f[80];
			sanitize_text(f, sizeof f, arg);
			fprintf(err, "tsdbtop archive: --format %s is not supported: the only format is csv\n", f);
			return -1;
		}
		a->format = "csv";
		return 0;
	case 2: a->dry_run = true; return 0;
	default: a->json = true; return 0;
	}
}

/* timescaledb_information.chunks: the same on every catalog layout. */
static const char chunk_sql[] =
	"SELECT n.nspname AS chunk_schema, c.relname AS chunk_name, ch.chunk_name AS is_chunk,"
	" ch.hypertable_schema, ch.hypertable_name"
	" FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	" LEFT JOIN timescaledb_information.chunks ch ON ch.chunk_schema = n.nspname AND ch.chunk_name = c.relname"
	" WHERE c.oid = $1::regclass";

static volatile sig_atomic_t interrupted;

static void on_sig(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* libpq's messages end with a newline and may span lines: one line. */
static void one_line(char *dst, size_t n, const char *src)
{
	char tmp[1024];
	size_t o = 0;
	for (const char *p = src ? src : ""; *p && o + 1 < sizeof tmp; p++) {
		char ch = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p;
		if (ch == ' ' && (o == 0 || tmp[o - 1] == ' '))
			continue;
		tmp[o++] = ch;
	}
	while (o > 0 && tmp[o - 1] == ' ')
		o--;
	tmp[o] = '\0';
	sanitize_text(dst, n, tmp);
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0) {
			if (errno == EINTR && !interrupted)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Wait for the socket (events) until deadline; 0 ready, -1 timeout/signal/error. */
static int wait_sock(PGconn *pg, short events, double deadline, char *err, size_t n)
{
	for (;;) {
		if (interrupted) {
			snprintf(err, n, "interrupted: the COPY was cancelled");
			return -1;
		}
		double left = deadline - now_s();
		if (left <= 0) {
			snprintf(err, n, "no answer from the server in time (the COPY was cancelled)");
			return -1;
		}
		struct pollfd p = { .fd = PQsocket(pg), .events = events };
		int rc = poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR) {
			snprintf(err, n, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

static void cancel(PGconn *pg)
{
	PGcancel *c = PQgetCancel(pg);
	char buf[256];
	if (c) {
		PQcancel(c, buf, sizeof buf);
		PQfreeCancel(c);
	}
}

/* The steps of the COPY: 0 to go on, COPY_FAILED (err said), or
 * COPY_CANCEL (err said; the server is asked to stop the COPY). */
enum { COPY_FAILED = -1, COPY_CANCEL = -2 };

/* err from libpq's last message; COPY_CANCEL. */
static int copy_lost(PGconn *pg, char *err, size_t n)
{
	one_line(err, n, PQerrorMessage(pg));
	return COPY_CANCEL;
}

/* Send the COPY and flush it out. */
static int copy_send(PGconn *pg, const char *sql, double deadline, char *err, size_t n)
{
	if (!PQsendQuery(pg, sql)) {
		one_line(err, n, PQerrorMessage(pg));
		return COPY_FAILED;
	}
	int f;
	while ((f = PQflush(pg)) == 1) {
		if (wait_sock(pg, POLLIN | POLLOUT, deadline, err, n) != 0)
			return COPY_CANCEL;
		if (!PQconsumeInput(pg))
			return copy_lost(pg, err, n);
	}
	return f < 0 ? copy_lost(pg, err, n) : 0;
}

/* Wait for the CopyOutResponse (or an error). */
static int copy_start(PGconn *pg, double deadline, char *err, size_t n)
{
	while (PQisBusy(pg)) {
		if (wait_sock(pg, POLLIN, deadline, err, n) != 0)
			return COPY_CANCEL;
		if (!PQconsumeInput(pg))
			return copy_lost(pg, err, n);
	}
	PGresult *res = PQgetResult(pg);
	if (!res) {
		snprintf(err, n, "the server sent no COPY data");
		return COPY_FAILED;
	}
	if (PQresultStatus(res) == PGRES_COPY_OUT) {
		PQclear(res);
		return 0;
	}
	one_line(err, n, PQresultErrorMessage(res));
	PQclear(res);
	while ((res = PQgetResult(pg)) != NULL)
		PQclear(res);
	return COPY_FAILED;
}

/* The rows into fd until the server's end of data (bytes counted), each
 * silence bounded by timeout. */
static int copy_stream(PGconn *pg, int fd, double timeout, long long *bytes, char *err, size_t n)
{
	double deadline = now_s() + timeout;
	for (;;) {
		char *buf = NULL;
		int got = PQgetCopyData(pg, &buf, 1);
		if (got < 0)
			return 0;   /* -1 done, -2 error: the result says which */
		if (got == 0) {
			if (wait_sock(pg, POLLIN, deadline, err, n) != 0)
				return COPY_CANCEL;
			if (!PQconsumeInput(pg))
				return copy_lost(pg, err, n);
			continue;
		}
		int w = write_all(fd, buf, (size_t)got);
		PQfreemem(buf);
		if (w != 0) {
			snprintf(err, n, "cannot write: %s", strerror(errno));
			return COPY_CANCEL;
		}
		*bytes += got;
		deadline = now_s() + timeout;   /* a deadline per silence, not for the whole COPY */
		if (interrupted) {
			snprintf(err, n, "interrupted: the COPY was cancelled");
			return COPY_CANCEL;
		}
	}
}

/* The COPY's own result: rows from its command tag, or its error. */
static int copy_finish(PGconn *pg, long long *rows, char *err, size_t n)
{
	int rc = 0;
	err[0] = '\0';
	PGresult *res;
	while ((res = PQgetResult(pg)) != NULL) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK) {
			const char *t = PQcmdTuples(res);
			if (t && *t)
				*rows = strtoll(t, NULL, 10);
		} else if (!err[0]) {
			one_line(err, n, PQresultErrorMessage(res)[0] ? PQresultErrorMessage(res) : PQerrorMessage(pg));
			rc = -1;
		}
		PQclear(res);
	}
	if (rc == 0 && PQstatus(pg) != CONNECTION_OK) {
		one_line(err, n, PQerrorMessage(pg));
		rc = -1;
	}
	return rc;
}

/* Run the COPY into fd. Returns 0 with rows and bytes set, or -1 with err. */
static int copy_out(PGconn *pg, const char *sql, int fd, double timeout, long long *rows, long long *bytes,
		    char *err, size_t n)
{
	*rows = -1;
	*bytes = 0;
	double deadline = now_s() + timeout;
	int rc = copy_send(pg, sql, deadline, err, n);
	if (rc == 0)
		rc = copy_start(pg, deadline, err, n);
	if (rc == 0)
		rc = copy_stream(pg, fd, timeout, bytes, err, n);
	if (rc == 0)
		return copy_finish(pg, rows, err, n);
	/* The caller drops the connection; ask the server to stop first. */
	if (rc == COPY_CANCEL)
		cancel(pg);
	return -1;
}

static int fsync_dir(const char *path)
{
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", path);
	int d = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return -1;
	int rc = fsync(d);
	close(d);
	return rc;
}

/* ---------------------------------------------------------------- the command */

/* One archive: the arguments, the session, the chunk as resolved and what
 * the COPY wrote. */
struct archive_job {
	struct archive_args a;
	struct hl_session *h;
	PGconn *pg;
	char sch[NAME_LEN], nm[NAME_LEN], hs[NAME_LEN], hn[NAME_LEN];  /* as the server spells them */
	char sql[2 * 4 * 64 + 128], qual[300], ht[300];               /* the COPY; names as shown */
	char fname[600], cname[300];                                   /* FILE and CHUNK, sanitised */
	char tmp[4200];                                                /* FILE.tmp */
	long long rows, bytes;
	double secs;
};

/* Arguments: -1 to go on, else the exit code (help printed: 0). */
static int archive_parse(struct archive_args *a, int argc, char **argv)
{
	if (cli_parse_cmd(&a->o, argc, argv, stderr, "archive", archive_opts, 4, archive_opt, a, a->pos, &a->npos, 2) != 0)
		return HL_EXIT_USAGE;
	if (a->o.mode == MODE_HELP) {
		cli_usage_cmd(stdout, "archive CHUNK --out FILE [--format csv] [--dry-run] [--json] [CONNINFO]",
			      "Write one chunk's rows to FILE as CSV with a header line: a client-side\n"
			      "COPY (SELECT * FROM CHUNK) TO STDOUT, written to FILE.tmp, fsync'ed, then renamed over\n"
			      "FILE. On any error FILE is untouched and FILE.tmp removed. Read-only on the server;\n"
			      "--statement-timeout bounds the COPY (raise it for large chunks).\n"
			      "Exit 0 written, 1 refused or failed (no such chunk, no privilege, cannot write),\n"
			      "2 bad usage (also a format other than csv), 3 cannot connect.",
			      archive_opts, 4);
		return 0;
	}
	if (a->npos < 1) {
		fprintf(stderr, "tsdbtop archive: which chunk? (tsdbtop archive CHUNK --out FILE)\n");
		return HL_EXIT_USAGE;
	}
	if (!a->out || !a->out[0]) {
		fprintf(stderr, "tsdbtop archive: --out FILE is required\n");
		return HL_EXIT_USAGE;
	}
	if (a->npos > 1)
		a->o.conninfo = a->pos[1];
	return -1;
}

/* The COPY's text: the chunk's names quoted by PQescapeIdentifier. */
static int archive_sql(struct archive_job *j)
{
	char *es = j->pg ? PQescapeIdentifier(j->pg, j->sch, strlen(j->sch)) : NULL;
	char *en = j->pg ? PQescapeIdentifier(j->pg, j->nm, strlen(j->nm)) : NULL;
	int rc = -1;
	if (es && en) {
		snprintf(j->sql, sizeof j->sql, "COPY (SELECT * FROM %s.%s) TO STDOUT WITH (FORMAT csv, HEADER)", es, en);
		rc = 0;
	} else {
		fprintf(stderr, "tsdbtop archive: cannot quote the chunk's name: the connection is gone\n");
	}
	PQfreemem(es);
	PQfreemem(en);
	return rc;
}

/* Resolve CHUNK ($1::regclass) and build the COPY: 0, or -1 (said). */
static int archive_resolve(struct archive_job *j)
{
	if (!hl_info(j->h)->ts_installed) {
		char db[80];
		sanitize_text(db, sizeof db, hl_info(j->h)->database);
		fprintf(stderr, "tsdbtop archive: TimescaleDB is not installed in database %s\n", db);
		return -1;
	}
	PGresult *look = NULL;
	struct conn_error e;
	const char *p1[] = { j->a.pos[0] };
	if (hl_exec(j->h, chunk_sql, 1, p1, 60, &look, &e) != 0) {
		fprintf(stderr, "tsdbtop archive: %s\n", e.message);   /* hl_exec made it one sanitised line */
		return -1;
	}
	bool chunk = !pgres_isnull(look, 0, "is_chunk");
	pgres_copy(j->sch, sizeof j->sch, look, 0, "chunk_schema");
	pgres_copy(j->nm, sizeof j->nm, look, 0, "chunk_name");
	pgres_copy(j->hs, sizeof j->hs, look, 0, "hypertable_schema");
	pgres_copy(j->hn, sizeof j->hn, look, 0, "hypertable_name");
	PQclear(look);
	if (!chunk) {
		fprintf(stderr, "tsdbtop archive: %s is not a chunk of a hypertable\n", j->cname);
		return -1;
	}
	j->pg = conn_pg(hl_conn(j->h));
	if (archive_sql(j) != 0)
		return -1;
	once_qualname(j->qual, sizeof j->qual, j->sch, j->nm);
	once_qualname(j->ht, sizeof j->ht, j->hs, j->hn);
	return 0;
}

/* The head of both JSON documents. */
static struct json_object *archive_doc(const struct archive_job *j)
{
	struct json_object *d = json_object_new_object();
	json_object_object_add(d, "version", json_object_new_int(ONCE_JSON_VERSION));
	json_object_object_add(d, "tsdbtop", json_object_new_string(TSDBTOP_VERSION));
	json_object_object_add(d, "command", json_object_new_string("archive"));
	json_object_object_add(d, "chunk_schema", json_object_new_string(j->sch));
	json_object_object_add(d, "chunk_name", json_object_new_string(j->nm));
	return d;
}

static void archive_dry_run(const struct archive_job *j)
{
	if (j->a.json) {
		struct json_object *d = archive_doc(j);
		json_object_object_add(d, "file", json_object_new_string(j->a.out));
		json_object_object_add(d, "format", json_object_new_string(j->a.format));
		json_object_object_add(d, "dry_run", json_object_new_boolean(true));
		json_object_object_add(d, "sql", json_object_new_string(j->sql));
		hl_print_json(d);
	} else {
		char s[sizeof j->sql];
		sanitize_text(s, sizeof s, j->sql);
		printf("-- dry run: would write chunk %s of %s to %s; nothing written\n%s;\n", j->qual, j->ht, j->fname, s);
	}
}

/* Create FILE.tmp (never one that exists): the descriptor, or -1 (said). */
static int archive_open_tmp(struct archive_job *j)
{
	snprintf(j->tmp, sizeof j->tmp, "%s.tmp", j->a.out);
	int fd = open(j->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0)
		return fd;
	int en = errno;
	j->tmp[0] = '\0';   /* not ours: never removed */
	if (en == EEXIST)
		fprintf(stderr, "tsdbtop archive: %s.tmp exists (another archive to %s running, or left by a crash:"
				" remove it)\n", j->fname, j->fname);
	else
		fprintf(stderr, "tsdbtop archive: cannot create %s.tmp: %s\n", j->fname, strerror(en));
	return -1;
}

/* After the COPY (crc): FILE.tmp to disk and renamed over FILE. */
static int archive_settle(struct archive_job *j, int fd, int crc, char *msg, size_t n)
{
	if (crc == 0 && fsync(fd) != 0) {
		snprintf(msg, n, "cannot write %s.tmp: %s", j->fname, strerror(errno));
		crc = -1;
	}
	if (close(fd) != 0 && crc == 0) {
		snprintf(msg, n, "cannot write %s.tmp: %s", j->fname, strerror(errno));
		crc = -1;
	}
	if (crc == 0 && interrupted) {
		snprintf(msg, n, "interrupted");
		crc = -1;
	}
	if (crc == 0 && rename(j->tmp, j->a.out) != 0) {
		snprintf(msg, n, "cannot rename %s.tmp to %s: %s", j->fname, j->fname, strerror(errno));
		crc = -1;
	}
	return crc;
}

/* The COPY into FILE.tmp, renamed over FILE, SIGINT/SIGTERM cancelling it:
 * 0, or -1 (said; FILE untouched, FILE.tmp removed). */
static int archive_write(struct archive_job *j)
{
	int fd = archive_open_tmp(j);
	if (fd < 0)
		return -1;
	struct sigaction sa, old_int, old_term;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	char msg[512] = "";
	double t0 = now_s();
	double timeout = j->a.o.statement_timeout + 15;
	int crc = copy_out(j->pg, j->sql, fd, timeout, &j->rows, &j->bytes, msg, sizeof msg);
	crc = archive_settle(j, fd, crc, msg, sizeof msg);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (crc != 0) {
		unlink(j->tmp);
		fprintf(stderr, "tsdbtop archive: %s: %s (nothing written to %s)\n", j->qual, msg, j->fname);
	}
	j->tmp[0] = '\0';
	if (crc != 0)
		return -1;
	fsync_dir(j->a.out);
	j->secs = now_s() - t0;
	return 0;
}

static void archive_report(const struct archive_job *j)
{
	if (j->a.json) {
		struct json_object *d = archive_doc(j);
		json_object_object_add(d, "hypertable_schema", json_object_new_string(j->hs));
		json_object_object_add(d, "hypertable_name", json_object_new_string(j->hn));
		json_object_object_add(d, "file", json_object_new_string(j->a.out));
		json_object_object_add(d, "format", json_object_new_string(j->a.format));
		json_object_object_add(d, "dry_run", json_object_new_boolean(false));
		json_object_object_add(d, "rows", j->rows >= 0 ? json_object_new_int64(j->rows) : NULL);
		json_object_object_add(d, "bytes", json_object_new_int64(j->bytes));
		json_object_object_add(d, "seconds", json_object_new_double(j->secs));
		hl_print_json(d);
	} else {
		char b[32], r[32];
		if (j->rows >= 0)
			snprintf(r, sizeof r, "%lld", j->rows);
		else
			snprintf(r, sizeof r, "?");
		printf("archived %s (%s): %s rows, %s, to %s in %.1f s\n", j->qual, j->ht, r,
		       fmt_bytes(b, sizeof b, (double)j->bytes), j->fname, j->secs);
	}
}

int cmd_archive(int argc, char **argv)
{
	struct archive_job j = { .a.format = "csv" };
	int rc = archive_parse(&j.a, argc, argv);
	if (rc >= 0)
		return rc;
	sanitize_text(j.fname, sizeof j.fname, j.a.out);
	sanitize_text(j.cname, sizeof j.cname, j.a.pos[0]);
	char msg[512];
	j.h = hl_open(&j.a.o, msg, sizeof msg);
	if (!j.h) {
		fprintf(stderr, "tsdbtop archive: %s\n", msg);
		return HL_EXIT_NOCONN;
	}
	rc = HL_EXIT_FAILED;
	if (archive_resolve(&j) != 0) {
		/* said */
	} else if (j.a.dry_run) {
		archive_dry_run(&j);
		rc = HL_EXIT_OK;
	} else if (archive_write(&j) == 0) {
		archive_report(&j);
		rc = HL_EXIT_OK;
	}
	hl_close(j.h);
	return rc;
}
