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

/* Run the COPY into fd. Returns 0 with rows and bytes set, or -1 with err. */
static int copy_out(PGconn *pg, const char *sql, int fd, double timeout, long long *rows, long long *bytes,
		    char *err, size_t n)
{
	*rows = -1;
	*bytes = 0;
	if (!PQsendQuery(pg, sql)) {
		one_line(err, n, PQerrorMessage(pg));
		return -1;
	}
	double deadline = now_s() + timeout;
	int f;
	while ((f = PQflush(pg)) == 1)
		if (wait_sock(pg, POLLIN | POLLOUT, deadline, err, n) != 0 || !PQconsumeInput(pg))
			goto fail;
	if (f < 0) {
		one_line(err, n, PQerrorMessage(pg));
		goto fail;
	}
	/* Wait for the CopyOutResponse (or an error). */
	PGresult *res;
	for (;;) {
		while (PQisBusy(pg)) {
			if (wait_sock(pg, POLLIN, deadline, err, n) != 0)
				goto fail;
			if (!PQconsumeInput(pg)) {
				one_line(err, n, PQerrorMessage(pg));
				goto fail;
			}
		}
		res = PQgetResult(pg);
		if (!res) {
			snprintf(err, n, "the server sent no COPY data");
			return -1;
		}
		if (PQresultStatus(res) == PGRES_COPY_OUT) {
			PQclear(res);
			break;
		}
		one_line(err, n, PQresultErrorMessage(res));
		PQclear(res);
		while ((res = PQgetResult(pg)) != NULL)
			PQclear(res);
		return -1;
	}
	for (;;) {
		char *buf = NULL;
		int got = PQgetCopyData(pg, &buf, 1);
		if (got > 0) {
			int w = write_all(fd, buf, (size_t)got);
			PQfreemem(buf);
			if (w != 0) {
				snprintf(err, n, "cannot write: %s", strerror(errno));
				goto fail;
			}
			*bytes += got;
			deadline = now_s() + timeout;   /* a deadline per silence, not for the whole COPY */
			if (interrupted) {
				snprintf(err, n, "interrupted: the COPY was cancelled");
				goto fail;
			}
			continue;
		}
		if (got == 0) {
			if (wait_sock(pg, POLLIN, deadline, err, n) != 0)
				goto fail;
			if (!PQconsumeInput(pg)) {
				one_line(err, n, PQerrorMessage(pg));
				goto fail;
			}
			continue;
		}
		break;   /* -1 done, -2 error: the result says which */
	}
	int rc = 0;
	err[0] = '\0';
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
fail:
	/* The caller drops the connection; ask the server to stop first. */
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

int cmd_archive(int argc, char **argv)
{
	struct archive_args a = { .format = "csv" };
	if (cli_parse_cmd(&a.o, argc, argv, stderr, "archive", archive_opts, 4, archive_opt, &a, a.pos, &a.npos, 2) != 0)
		return HL_EXIT_USAGE;
	if (a.o.mode == MODE_HELP) {
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
	if (a.npos < 1) {
		fprintf(stderr, "tsdbtop archive: which chunk? (tsdbtop archive CHUNK --out FILE)\n");
		return HL_EXIT_USAGE;
	}
	if (!a.out || !a.out[0]) {
		fprintf(stderr, "tsdbtop archive: --out FILE is required\n");
		return HL_EXIT_USAGE;
	}
	if (a.npos > 1)
		a.o.conninfo = a.pos[1];
	char fname[600], cname[300];
	sanitize_text(fname, sizeof fname, a.out);
	sanitize_text(cname, sizeof cname, a.pos[0]);

	char msg[512];
	struct hl_session *h = hl_open(&a.o, msg, sizeof msg);
	if (!h) {
		fprintf(stderr, "tsdbtop archive: %s\n", msg);
		return HL_EXIT_NOCONN;
	}
	int rc = HL_EXIT_FAILED;
	PGresult *look = NULL;
	char tmp[4200] = "";
	int fd = -1;
	char *es = NULL, *en = NULL;
	if (!hl_info(h)->ts_installed) {
		char db[80];
		sanitize_text(db, sizeof db, hl_info(h)->database);
		fprintf(stderr, "tsdbtop archive: TimescaleDB is not installed in database %s\n", db);
		goto out;
	}
	struct conn_error e;
	const char *p1[] = { a.pos[0] };
	if (hl_exec(h, chunk_sql, 1, p1, 60, &look, &e) != 0) {
		fprintf(stderr, "tsdbtop archive: %s\n", e.message);   /* hl_exec made it one sanitised line */
		goto out;
	}
	if (PQntuples(look) < 1 || PQgetisnull(look, 0, 2)) {
		fprintf(stderr, "tsdbtop archive: %s is not a chunk of a hypertable\n", cname);
		goto out;
	}
	PGconn *pg = conn_pg(hl_conn(h));
	const char *sch = PQgetvalue(look, 0, 0), *nm = PQgetvalue(look, 0, 1);
	es = pg ? PQescapeIdentifier(pg, sch, strlen(sch)) : NULL;
	en = pg ? PQescapeIdentifier(pg, nm, strlen(nm)) : NULL;
	if (!es || !en) {
		fprintf(stderr, "tsdbtop archive: cannot quote the chunk's name: the connection is gone\n");
		goto out;
	}
	char sql[2 * 4 * 64 + 128], qual[300], ht[300];
	snprintf(sql, sizeof sql, "COPY (SELECT * FROM %s.%s) TO STDOUT WITH (FORMAT csv, HEADER)", es, en);
	once_qualname(qual, sizeof qual, sch, nm);
	once_qualname(ht, sizeof ht, PQgetvalue(look, 0, 3), PQgetvalue(look, 0, 4));
	if (a.dry_run) {
		if (a.json) {
			struct json_object *d = json_object_new_object();
			json_object_object_add(d, "version", json_object_new_int(ONCE_JSON_VERSION));
			json_object_object_add(d, "tsdbtop", json_object_new_string(TSDBTOP_VERSION));
			json_object_object_add(d, "command", json_object_new_string("archive"));
			json_object_object_add(d, "chunk_schema", json_object_new_string(sch));
			json_object_object_add(d, "chunk_name", json_object_new_string(nm));
			json_object_object_add(d, "file", json_object_new_string(a.out));
			json_object_object_add(d, "format", json_object_new_string(a.format));
			json_object_object_add(d, "dry_run", json_object_new_boolean(true));
			json_object_object_add(d, "sql", json_object_new_string(sql));
			puts(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(d);
		} else {
			char s[sizeof sql];
			sanitize_text(s, sizeof s, sql);
			printf("-- dry run: would write chunk %s of %s to %s; nothing written\n%s;\n", qual, ht, fname, s);
		}
		rc = HL_EXIT_OK;
		goto out;
	}

	snprintf(tmp, sizeof tmp, "%s.tmp", a.out);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		int en2 = errno;
		tmp[0] = '\0';   /* not ours: never removed */
		if (en2 == EEXIST)
			fprintf(stderr, "tsdbtop archive: %s.tmp exists (another archive to %s running, or left by a crash:"
					" remove it)\n", fname, fname);
		else
			fprintf(stderr, "tsdbtop archive: cannot create %s.tmp: %s\n", fname, strerror(en2));
		goto out;
	}
	struct sigaction sa, old_int, old_term;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	long long rows, bytes;
	double t0 = now_s();
	double timeout = a.o.statement_timeout + 15;
	int crc = copy_out(pg, sql, fd, timeout, &rows, &bytes, msg, sizeof msg);
	if (crc == 0 && fsync(fd) != 0) {
		snprintf(msg, sizeof msg, "cannot write %s.tmp: %s", fname, strerror(errno));
		crc = -1;
	}
	if (close(fd) != 0 && crc == 0) {
		snprintf(msg, sizeof msg, "cannot write %s.tmp: %s", fname, strerror(errno));
		crc = -1;
	}
	fd = -1;
	if (crc == 0 && interrupted) {
		snprintf(msg, sizeof msg, "interrupted");
		crc = -1;
	}
	if (crc == 0 && rename(tmp, a.out) != 0) {
		snprintf(msg, sizeof msg, "cannot rename %s.tmp to %s: %s", fname, fname, strerror(errno));
		crc = -1;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (crc != 0) {
		unlink(tmp);
		tmp[0] = '\0';
		fprintf(stderr, "tsdbtop archive: %s: %s (nothing written to %s)\n", qual, msg, fname);
		goto out;
	}
	tmp[0] = '\0';
	fsync_dir(a.out);
	double secs = now_s() - t0;
	if (a.json) {
		struct json_object *d = json_object_new_object();
		json_object_object_add(d, "version", json_object_new_int(ONCE_JSON_VERSION));
		json_object_object_add(d, "tsdbtop", json_object_new_string(TSDBTOP_VERSION));
		json_object_object_add(d, "command", json_object_new_string("archive"));
		json_object_object_add(d, "chunk_schema", json_object_new_string(sch));
		json_object_object_add(d, "chunk_name", json_object_new_string(nm));
		json_object_object_add(d, "hypertable_schema", json_object_new_string(PQgetvalue(look, 0, 3)));
		json_object_object_add(d, "hypertable_name", json_object_new_string(PQgetvalue(look, 0, 4)));
		json_object_object_add(d, "file", json_object_new_string(a.out));
		json_object_object_add(d, "format", json_object_new_string(a.format));
		json_object_object_add(d, "dry_run", json_object_new_boolean(false));
		json_object_object_add(d, "rows", rows >= 0 ? json_object_new_int64(rows) : NULL);
		json_object_object_add(d, "bytes", json_object_new_int64(bytes));
		json_object_object_add(d, "seconds", json_object_new_double(secs));
		puts(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(d);
	} else {
		char b[32], r[32];
		if (rows >= 0)
			snprintf(r, sizeof r, "%lld", rows);
		else
			snprintf(r, sizeof r, "?");
		printf("archived %s (%s): %s rows, %s, to %s in %.1f s\n", qual, ht, r,
		       fmt_bytes(b, sizeof b, (double)bytes), fname, secs);
	}
	rc = HL_EXIT_OK;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0])
		unlink(tmp);
	PQfreemem(es);
	PQfreemem(en);
	PQclear(look);
	hl_close(h);
	return rc;
}
