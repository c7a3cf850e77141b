/* deploy — `tsdbtop deploy`: the MS5.0 orchestrator over sql/ (the same
 * step files as sql/deploy.sh): pre-flight, each step in one transaction,
 * progress, post-deployment validation (tui/app/deploy.c). The pure pieces
 * are exposed for tests and the fuzzer: splitting a step file into
 * statements (deploy_split.c, fuzzed by tests/fuzz/fuzz_sql_split.c),
 * finding the step files and rendering their markers (deploy_steps.c). */
#ifndef TSDBTOP_DEPLOY_H
#define TSDBTOP_DEPLOY_H

#include <stdbool.h>
#include <stddef.h>

struct sql_stmt {
	char *text;                /* one statement, without the trailing ';' */
	int line;                  /* 1-based line of its first character */
	size_t offset;             /* byte offset of its first character in the input */
};

/* Split SQL text into statements at top-level ';' (outside quotes, E''
 * strings, quoted identifiers, dollar quotes, -- and nested block comments;
 * '...' as under standard_conforming_strings = on). A statement starts at its
 * first character that is not a blank or part of a comment and ends before
 * the ';' (or the end of the text), trailing blanks cut; the input is the
 * statements with only blanks, comments and ';' between them. Statements
 * that hold only comments or blanks are dropped. Returns the count
 * (*out malloc'ed; free with sql_stmts_free) or -1 on an unterminated quote,
 * with *err_line set to where it started. */
int sql_split(const char *sql, struct sql_stmt **out, int *err_line);
void sql_stmts_free(struct sql_stmt *v, int n);

/* Where the step files live: $TSDBTOP_SQL_DIR, else sql/ next to the source
 * tree of the running binary (build/tsdbtop, build/asan/tsdbtop), else the
 * installed share directory. Returns 0 with dir filled, -1 when none has
 * schema/ and deploy/ step files. */
int deploy_find_sql_dir(char *dir, size_t n);
/* The step files in run order: schema/NN_*.sql, then deploy/NN_*.sql, each
 * sorted by name. Returns the count (paths malloc'ed), -1 on error. */
int deploy_list_steps(const char *dir, char ***paths);
/* "02_indexes.sql" -> "indexes" */
void deploy_step_name(const char *path, char *buf, size_t n);

/* The console's queries in step files (one definition per fact): every line
 * of text that holds only a marker, the block comment "@query NAME@" with no
 * blank inside its delimiters (see sql/deploy/06_monitoring_views.sql; blanks
 * around it allowed; NAME is [a-z0-9_]+), is replaced by the console query NAME as
 * query_pick(NAME, pg_version_num, ts_version_num) gives it; every other line
 * is kept. Every output line ends with a newline, as sql/deploy.sh's awk
 * renders it. Returns the malloc'ed text, or NULL with err filled when the
 * console has no such query for this server (ts_version names the version in
 * the message). */
bool deploy_has_marker(const char *text);
char *deploy_render(const char *text, int pg_version_num, int ts_version_num, const char *ts_version,
		    char *err, size_t errn);

int cmd_deploy(int argc, char **argv);

#endif
