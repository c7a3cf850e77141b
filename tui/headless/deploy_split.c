/* deploy_split — a step file cut into its statements at top-level ';'.
 *
 * Why the client splits (and not the server, with the whole file as one
 * simple-query message, which would be one implicit transaction): deploy
 * reports per statement. On a terminal the step line counts statements
 * ("step 4/8 compression ... 3/9"), the ok line says how many ran
 * ("ok (0.4 s, 9 statements)"), and a failure names the statement's line in
 * the step file ("step 4/8 (.../03_compression.sql, statement at line 88)
 * failed: 42883 ...", asserted by tests/integration/test_deploy.sh). The
 * server gives no such line for an error raised while a statement runs (a
 * multi-statement message only carries a cursor position for parse errors),
 * the console-query markers are rendered per statement so that those lines
 * stay the file's, and hl_exec speaks the extended protocol, one statement
 * per message. So the splitter stays, and tests/fuzz/fuzz_sql_split.c fuzzes
 * it like the other parsers (seed corpus: the real step files, dollar quotes
 * with tags, nested comments, E'' strings, unterminated input), with an
 * oracle: no crash or undefined behaviour, every piece is the input's text at
 * its offset, only blanks, comments and ';' between pieces, every piece ends
 * where a top-level ';' (or the end) follows, splitting a piece gives it back.
 *
 * Lexing follows PostgreSQL's scanner for what can hide a ';': '...' with ''
 * (standard_conforming_strings = on, the default since 9.1 and what deploy
 * sets for each step), E'...' with backslash escapes (a lone word E right
 * before the quote), "..." with "", $tag$ ... $tag$ (a '$' inside a name such
 * as a$b$ is part of it, $1 is a parameter), -- to the end of the line,
 * nested block comments. */
#include "tsdbtop/deploy.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Length of a dollar-quote tag at p ("$$", "$body$"), or 0. */
static size_t dollar_tag(const char *p)
{
	if (p[0] != '$')
		return 0;
	size_t i = 1;
	if (p[i] == '$')
		return 2;
	if (!(isalpha((unsigned char)p[i]) || p[i] == '_' || (unsigned char)p[i] >= 0x80))
		return 0;
	while (ident_char(p[i]) && p[i] != '$')
		i++;
	return p[i] == '$' ? i + 1 : 0;
}

struct stmts {
	struct sql_stmt *v;
	int n, cap;
};

static int push(struct stmts *s, const char *sql, const char *start, size_t len, int line)
{
	while (len && isspace((unsigned char)start[len - 1]))
		len--;
	if (s->n == s->cap) {
		int nc = s->cap ? s->cap * 2 : 16;
		struct sql_stmt *nv = realloc(s->v, (size_t)nc * sizeof *nv);
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	char *t = malloc(len + 1);
	if (!t)
		return -1;
	memcpy(t, start, len);
	t[len] = '\0';
	s->v[s->n++] = (struct sql_stmt){ t, line, (size_t)(start - sql) };
	return 0;
}

/* The scanner's place: p, on line; e_end just past the last word
 * that was a lone E (E'...' is an escape string, xE'...' and E '...' not). */
struct scan {
	const char *p;
	int line;
	const char *e_end;
};

/* Past a block comment at p ("/" "*", nested); 0, or its first line when it
 * never ends. */
static int skip_comment(struct scan *s)
{
	int depth = 1, at = s->line;
	const char *p = s->p + 2;
	while (*p && depth) {
		if (*p == '\n')
			s->line++;
		if (p[0] == '/' && p[1] == '*')
			depth++, p++;
		else if (p[0] == '*' && p[1] == '/')
			depth--, p++;
		p++;
	}
	s->p = p;
	return depth ? at : 0;
}

/* Past a '...', E'...' or "..." at p; 0, or its first line when it never
 * ends. */
static int skip_quoted(struct scan *s)
{
	const char *p = s->p;
	char c = *p;
	bool esc = c == '\'' && p == s->e_end;
	int at = s->line;
	for (p++;; p++) {
		if (!*p)
			return at;
		if (*p == '\n')
			s->line++;
		if (esc && *p == '\\' && p[1]) {
			if (p[1] == '\n')
				s->line++;
			p++;
		} else if (*p == c) {
			if (p[1] != c)
				break;
			p++;
		}
	}
	s->p = p + 1;
	return 0;
}

/* Past a dollar-quoted string whose tag (tl bytes) is at p; 0, or its first
 * line when it never ends. */
static int skip_dollar(struct scan *s, size_t tl)
{
	const char *p = s->p, *end = NULL;
	for (const char *q = p + tl; *q; q++)
		if (*q == '$' && strncmp(q, p, tl) == 0) {
			end = q;
			break;
		}
	if (!end)
		return s->line;
	for (const char *q = p; q < end; q++)
		if (*q == '\n')
			s->line++;
	s->p = end + tl;
	return 0;
}

/* Past whatever starts at p that is not a blank, comment or ';'; 0, or the
 * first line of a quote that never ends. */
static int skip_token(struct scan *s)
{
	const char *p = s->p;
	size_t tl;
	if (*p == '\'' || *p == '"')
		return skip_quoted(s);
	if (*p == '$' && (tl = dollar_tag(p)) > 0)
		return skip_dollar(s, tl);
	if (ident_char(*p)) {
		bool name = !isdigit((unsigned char)*p);        /* names hold '$', numbers do not */
		while (ident_char(*p) || (name && *p == '$'))
			p++;
		if (p == s->p + 1 && (*s->p == 'E' || *s->p == 'e'))
			s->e_end = p;
	} else {
		p++;
	}
	s->p = p;
	return 0;
}

int sql_split(const char *sql, struct sql_stmt **out, int *err_line)
{
	struct stmts v = { 0 };
	struct scan s = { sql, 1, NULL };
	const char *start = NULL;      /* first content character of the statement */
	int start_line = 0, bad = 0;
	*out = NULL;
	while (*s.p && !bad) {
		char c = *s.p;
		if (c == '\n') {
			s.line++;
			s.p++;
		} else if (isspace((unsigned char)c)) {
			s.p++;
		} else if (c == '-' && s.p[1] == '-') {
			while (*s.p && *s.p != '\n')
				s.p++;
		} else if (c == '/' && s.p[1] == '*') {
			bad = skip_comment(&s);
		} else if (c == ';') {
			if (start && push(&v, sql, start, (size_t)(s.p - start), start_line) != 0)
				bad = s.line;
			start = NULL;
			s.p++;
		} else {
			if (!start) {
				start = s.p;
				start_line = s.line;
			}
			bad = skip_token(&s);
		}
	}
	if (!bad && start && push(&v, sql, start, (size_t)(s.p - start), start_line) != 0)
		bad = s.line;
	if (bad) {
		*err_line = bad;
		sql_stmts_free(v.v, v.n);
		return -1;
	}
	*out = v.v;
	return v.n;
}

void sql_stmts_free(struct sql_stmt *v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}
