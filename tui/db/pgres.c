/* pgres — PGresult column access by name. */
#include "tsdbtop/pgres.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int pgres_col(const PGresult *res, const char *name)
{
	return res ? PQfnumber(res, name) : -1;
}

bool pgres_isnull(const PGresult *res, int row, const char *name)
{
	int c = pgres_col(res, name);
	return c < 0 || row >= PQntuples(res) || PQgetisnull(res, row, c);
}

const char *pgres_text(const PGresult *res, int row, const char *name, const char *def)
{
	if (pgres_isnull(res, row, name))
		return def;
	return PQgetvalue(res, row, pgres_col(res, name));
}

void pgres_copy(char *dst, size_t n, const PGresult *res, int row, const char *name)
{
	snprintf(dst, n, "%s", pgres_text(res, row, name, ""));
}

long long pgres_ll(const PGresult *res, int row, const char *name, long long def)
{
	const char *s = pgres_text(res, row, name, NULL);
	if (!s)
		return def;
	char *end;
	long long v = strtoll(s, &end, 10);
	return end == s ? def : v;
}

double pgres_double(const PGresult *res, int row, const char *name, double def)
{
	const char *s = pgres_text(res, row, name, NULL);
	if (!s)
		return def;
	char *end;
	double v = strtod(s, &end);
	return end == s || !isfinite(v) ? def : v;
}

bool pgres_bool(const PGresult *res, int row, const char *name, bool def)
{
	const char *s = pgres_text(res, row, name, NULL);
	if (!s)
		return def;
	return s[0] == 't' || s[0] == 'T' || s[0] == '1';
}
