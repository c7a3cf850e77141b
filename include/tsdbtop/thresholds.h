/* thresholds — the numbers behind ok / warning / critical. Defaults are
 * sensible for most installations; a config file may change them. */
#ifndef TSDBTOP_THRESHOLDS_H
#define TSDBTOP_THRESHOLDS_H

struct thresholds {
	int chunks_warn, chunks_crit;            /* chunks per hypertable */
	double chunk_bytes_warn;                 /* average chunk size too large */
	double chunk_bytes_small;                /* average chunk size too small (with many chunks) */
	int backlog_warn, backlog_crit;          /* compression backlog, chunks */
	int retention_warn, retention_crit;      /* chunks past drop_after */
	double lag_factor_warn, lag_factor_crit; /* cagg lag / promised lag */
	double cache_warn, cache_crit;           /* hit ratio below */
	int job_failures_warn, job_failures_crit;/* consecutive failures */
	double overdue_grace_s;                  /* next_start in the past by more */
	double job_long_factor;                  /* running longer than this x its mean run */
	double job_success_intervals;            /* no success within this many schedule intervals */
};

void thresholds_default(struct thresholds *t);

#endif
