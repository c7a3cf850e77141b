/* libFuzzer: sql_split, the statement splitter of `tsdbtop deploy`
 * (tui/app/deploy_split.c), on any text. Seeds: the real sql/schema and
 * sql/deploy step files (tests/fuzz/run.sh adds them) and
 * tests/fuzz/corpus/sql_split (dollar quotes with tags, nested comments, E''
 * strings, backslashes in standard strings, names with '$', unterminated
 * input). Besides no crash, leak or undefined behaviour,
 * the oracle checks:
 *  - a reference lexer written here as a plain state machine (PostgreSQL's
 *    rules for what hides a ';') finds the same statements: same count,
 *    offsets, texts and lines, and fails on the same inputs at the same line;
 *  - every statement is the input's text at its offset, not empty, with no
 *    blank at either end, on the line its offset is on;
 *  - between statements (and before the first, after the last) there are
 *    only blanks, comments and ';': split alone, that text gives nothing;
 *  - after each statement come blanks and then a top-level ';' (the
 *    reference says it is outside quotes and comments), or the end;
 *  - splitting is idempotent: a statement split alone gives itself back, and
 *    the statements joined by "\n;\n" split into the same statements. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/deploy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

/* ---- the reference lexer ------------------------------------------------ */

enum { BLANK, SEMI, COMMENT, TOKEN };

static bool word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* $$ or $tag$ at s[i] (tag: a letter, '_' or high byte, then those or
 * digits): its length, or 0. */
static size_t tag_len(const char *s, size_t i, size_t n)
{
	if (i + 1 < n && s[i + 1] == '$')
		return 2;
	size_t j = i + 1;
	if (j >= n || isdigit((unsigned char)s[j]) || !word_char((unsigned char)s[j]))
		return 0;
	while (j < n && word_char((unsigned char)s[j]))
		j++;
	return j < n && s[j] == '$' ? j - i + 1 : 0;
}

/* Each byte of s classified (cls); 0, or -1 with *open the offset where the
 * quote or comment that never ends starts. */
static int ref_lex(const char *s, size_t n, unsigned char *cls, size_t *open)
{
	enum { CODE, LINE, BLOCK, SQ, DQ, DOLQ } st = CODE;
	size_t word = 0, tag = 0, tl = 0;   /* word: length of the word being read */
	bool name = false, esc = false;    /* name: the word is not a number */
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i], k = st == LINE || st == BLOCK ? COMMENT : TOKEN;
		bool two = i + 1 < n;
		switch (st) {
		case CODE:
			if (word && (word_char(c) || (name && c == '$'))) {
				word++;
				break;
			}
			esc = word == 1 && (s[i - 1] == 'E' || s[i - 1] == 'e');
			word = 0;
			*open = i;
			if (isspace(c)) {
				k = BLANK;
			} else if (c == ';') {
				k = SEMI;
			} else if (c == '-' && two && s[i + 1] == '-') {
				st = LINE;
				k = COMMENT;
			} else if (c == '/' && two && s[i + 1] == '*') {
				st = BLOCK;
				depth = 1;
				cls[i++] = COMMENT;
				k = COMMENT;
			} else if (c == '\'') {
				st = SQ;
			} else if (c == '"') {
				st = DQ;
				esc = false;
			} else if (c == '$' && (tl = tag_len(s, i, n)) > 0) {
				st = DOLQ;
				tag = i;
				for (size_t j = 1; j < tl; j++)
					cls[i++] = TOKEN;
			} else if (word_char(c)) {
				word = 1;
				name = !isdigit(c);
			}
			break;
		case LINE:
			if (c == '\n') {
				st = CODE;
				k = BLANK;
			}
			break;
		case BLOCK:
			if ((c == '/' && two && s[i + 1] == '*') || (c == '*' && two && s[i + 1] == '/')) {
				depth += c == '/' ? 1 : -1;
				cls[i++] = COMMENT;
				if (depth == 0)
					st = CODE;
			}
			break;
		case SQ:
		case DQ:
			if (esc && c == '\\' && two) {
				cls[i++] = TOKEN;
			} else if (c == (st == SQ ? '\'' : '"')) {
				if (two && s[i + 1] == (char)c)
					cls[i++] = TOKEN;
				else
					st = CODE;
			}
			break;
		case DOLQ:
			if (c == '$' && i + tl <= n && memcmp(s + i, s + tag, tl) == 0) {
				for (size_t j = 1; j < tl; j++)
					cls[i++] = TOKEN;
				st = CODE;
			}
			break;
		}
		cls[i] = k;
	}
	return st == CODE || st == LINE ? 0 : -1;
}

/* ---- the oracle ---------------------------------------------------------- */

/* The line of s[off], counted on from s[from] on line (off >= from). */
static int line_at(const char *s, size_t from, int line, size_t off)
{
	for (size_t i = from; i < off; i++)
		line += s[i] == '\n';
	return line;
}

/* s[a, b) split alone: nothing, and no error. */
static void check_gap(const char *s, size_t a, size_t b)
{
	char *g = strndup(s + a, b - a);
	CHECK(g);
	struct sql_stmt *v;
	int bad = 0;
	CHECK(sql_split(g, &v, &bad) == 0);
	sql_stmts_free(v, 0);
	free(g);
}

/* The statements the reference finds, against what sql_split gave. */
static void check_reference(const char *s, size_t n, const unsigned char *cls, const struct sql_stmt *v, int k)
{
	int at = 0;
	for (size_t seg = 0; seg <= n;) {
		size_t end = seg;
		while (end < n && cls[end] != SEMI)
			end++;
		size_t first = seg;
		while (first < end && cls[first] != TOKEN)
			first++;
		if (first < end) {
			size_t last = end;
			while (isspace((unsigned char)s[last - 1]))
				last--;
			CHECK(at < k);
			CHECK(v[at].offset == first);
			CHECK(strlen(v[at].text) == last - first);
			at++;
		}
		seg = end + 1;
	}
	CHECK(at == k);
}

static void check_pieces(const char *s, size_t n, const unsigned char *cls, const struct sql_stmt *v, int k)
{
	size_t cur = 0, seen = 0;
	int line = 1;
	for (int i = 0; i < k; i++) {
		size_t off = v[i].offset, len = strlen(v[i].text);
		CHECK(len > 0 && off >= cur && off + len <= n);
		CHECK(memcmp(s + off, v[i].text, len) == 0);
		CHECK(!isspace((unsigned char)v[i].text[0]) && !isspace((unsigned char)v[i].text[len - 1]));
		line = line_at(s, seen, line, off);
		seen = off;
		CHECK(v[i].line == line);
		check_gap(s, cur, off);
		size_t j = off + len;
		while (j < n && isspace((unsigned char)s[j]))
			j++;
		CHECK(j == n ? i == k - 1 : s[j] == ';' && cls[j] == SEMI);
		cur = j < n ? j + 1 : n;
	}
	check_gap(s, cur, n);
}

static void check_idempotent(const struct sql_stmt *v, int k)
{
	size_t total = 1;
	for (int i = 0; i < k; i++)
		total += strlen(v[i].text) + 3;
	char *joined = malloc(total);
	CHECK(joined);
	char *w = joined;
	for (int i = 0; i < k; i++) {
		struct sql_stmt *one;
		int bad = 0;
		CHECK(sql_split(v[i].text, &one, &bad) == 1);
		CHECK(strcmp(one[0].text, v[i].text) == 0 && one[0].offset == 0 && one[0].line == 1);
		sql_stmts_free(one, 1);
		size_t len = strlen(v[i].text);
		memcpy(w, v[i].text, len);
		memcpy(w + len, "\n;\n", 3);
		w += len + 3;
	}
	*w = '\0';
	struct sql_stmt *again;
	int bad = 0;
	CHECK(sql_split(joined, &again, &bad) == k);
	for (int i = 0; i < k; i++)
		CHECK(strcmp(again[i].text, v[i].text) == 0);
	sql_stmts_free(again, k);
	free(joined);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);       /* the text up to a NUL byte */
	unsigned char *cls = malloc(size + 1);
	CHECK(s && cls);
	size_t n = strlen(s), open = 0;
	int ref = ref_lex(s, n, cls, &open);
	static struct sql_stmt unset;
	struct sql_stmt *v = &unset;       /* NULL after a failure */
	int bad = 0;
	int k = sql_split(s, &v, &bad);
	if (k < 0) {
		CHECK(ref < 0 && v == NULL && bad == line_at(s, 0, 1, open));
	} else {
		CHECK(ref == 0);
		check_reference(s, n, cls, v, k);
		check_pieces(s, n, cls, v, k);
		check_idempotent(v, k);
		sql_stmts_free(v, k);
	}
	free(cls);
	free(s);
	return 0;
}
