/* server — what the probe at connect learned about the server. Plain data:
 * screen code reads it; only db code fills it. */
#ifndef TSDBTOP_SERVER_H
#define TSDBTOP_SERVER_H

#include <stdbool.h>

enum ts_license { LICENSE_NONE, LICENSE_APACHE, LICENSE_TIMESCALE, LICENSE_UNKNOWN };

struct server_info {
	bool valid;                 /* a probe has completed */
	int pg_version_num;         /* 170005 */
	char pg_version[64];        /* "17.5" */
	char database[64];
	char user[64];
	char host[128];             /* as connected (libpq PQhost) */
	char port[16];
	/* TimescaleDB */
	bool ts_installed;
	int ts_version_num;         /* 22300 for 2.23.0 */
	char ts_version[32];        /* "2.23.0-dev" */
	char ts_default_version[32];/* packaged version: newer means ALTER EXTENSION UPDATE pending */
	char ts_schema[64];         /* where the API lives, e.g. public */
	enum ts_license license;
	int ts_max_bgw;             /* timescaledb.max_background_workers, -1 unknown */
	/* catalog layout (probed, not inferred from the version) */
	bool has_functions_schema;  /* _timescaledb_functions (2.12+) */
	bool has_compression_settings; /* _timescaledb_catalog.compression_settings (2.14+) */
	bool has_watermark_table;   /* continuous_aggs_watermark (2.11+) */
	bool has_job_history;       /* bgw_job_stat_history (2.15+) */
	bool chunk_has_dropped;     /* chunk.dropped (< 2.26) */
	bool chunk_has_relid;       /* chunk.relid (2.29+) */
	char bgw_job_table[64];     /* _timescaledb_config.bgw_job or _timescaledb_catalog.bgw_job */
	char job_stat_table[64];    /* bgw_job_stat location */
	/* privileges */
	bool is_superuser;
	bool is_monitor;            /* member of pg_monitor */
	bool can_read_all_stats;    /* member of pg_read_all_stats */
	bool in_recovery;
};

/* Parse "2.23.0-dev" into 22300; 0 when unparsable. */
int server_parse_ts_version(const char *s);
/* True when the packaged default version is newer than the installed one. */
bool server_update_pending(const struct server_info *si);
const char *server_license_name(enum ts_license l);

#endif
