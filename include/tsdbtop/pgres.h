/* pgres — reading PGresult columns by name (db side only). Missing columns
 * and NULLs read as the given default, so a collector can share one parser
 * across query versions that differ in their columns. */
#ifndef TSDBTOP_PGRES_H
#define TSDBTOP_PGRES_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int pgres_col(const PGresult *res, const char *name);
bool pgres_isnull(const PGresult *res, int row, const char *name);
const char *pgres_text(const PGresult *res, int row, const char *name, const char *def);
void pgres_copy(char *dst, size_t n, const PGresult *res, int row, const char *name);
long long pgres_ll(const PGresult *res, int row, const char *name, long long def);
double pgres_double(const PGresult *res, int row, const char *name, double def);
bool pgres_bool(const PGresult *res, int row, const char *name, bool def);

#endif
