/* probe — what kind of server this is, read once per connection. */
#include "tsdbtop/probe.h"

#include <stdio.h>
#include <string.h>

#include "tsdbtop/pgres.h"
#include "tsdbtop/queries.h"

const char *probe_sql(void)
{
	return query_get("probe");
}

static enum ts_license parse_license(const char *s, bool installed)
{
	if (!s || !*s)
		return installed ? LICENSE_UNKNOWN : LICENSE_NONE;
	if (strcmp(s, "timescale") == 0)
		return LICENSE_TIMESCALE;
	if (strcmp(s, "apache") == 0)
		return LICENSE_APACHE;
	return LICENSE_UNKNOWN;
}

static void parse_catalog(const PGresult *res, struct server_info *si)
{
	si->has_functions_schema = pgres_bool(res, 0, "has_functions_schema", false);
	si->has_compression_settings = pgres_bool(res, 0, "has_compression_settings", false);
	si->has_watermark_table = pgres_bool(res, 0, "has_watermark_table", false);
	si->has_job_history = pgres_bool(res, 0, "has_job_history", false);
	si->chunk_has_dropped = pgres_bool(res, 0, "chunk_has_dropped", false);
	si->chunk_has_relid = pgres_bool(res, 0, "chunk_has_relid", false);
	pgres_copy(si->bgw_job_table, sizeof si->bgw_job_table, res, 0, "bgw_job_table");
	pgres_copy(si->job_stat_table, sizeof si->job_stat_table, res, 0, "job_stat_table");
}

int probe_parse(const struct pg_result *cres, struct pg_conn *pg,
		struct server_info *si, char *err, size_t errsz)
{
	const PGresult *res = cres;
	if (!res || PQntuples(res) != 1) {
		snprintf(err, errsz, "probe returned no row");
		return -1;
	}
	memset(si, 0, sizeof *si);
	si->pg_version_num = (int)pgres_ll(res, 0, "pg_version_num", 0);
	pgres_copy(si->pg_version, sizeof si->pg_version, res, 0, "pg_version");
	pgres_copy(si->database, sizeof si->database, res, 0, "database");
	pgres_copy(si->user, sizeof si->user, res, 0, "username");
	if (pg) {
		snprintf(si->host, sizeof si->host, "%s", PQhost(pg) ? PQhost(pg) : "");
		snprintf(si->port, sizeof si->port, "%s", PQport(pg) ? PQport(pg) : "");
	}
	si->ts_installed = !pgres_isnull(res, 0, "ts_version");
	pgres_copy(si->ts_version, sizeof si->ts_version, res, 0, "ts_version");
	pgres_copy(si->ts_default_version, sizeof si->ts_default_version, res, 0, "ts_default_version");
	pgres_copy(si->ts_schema, sizeof si->ts_schema, res, 0, "ts_schema");
	si->ts_version_num = server_parse_ts_version(si->ts_version);
	si->license = parse_license(pgres_text(res, 0, "ts_license", NULL), si->ts_installed);
	si->ts_max_bgw = (int)pgres_ll(res, 0, "ts_max_bgw", -1);
	parse_catalog(res, si);
	si->is_superuser = pgres_bool(res, 0, "is_superuser", false);
	si->is_monitor = pgres_bool(res, 0, "is_monitor", false);
	si->can_read_all_stats = pgres_bool(res, 0, "can_read_all_stats", false);
	si->in_recovery = pgres_bool(res, 0, "in_recovery", false);
	si->valid = true;
	return 0;
}
