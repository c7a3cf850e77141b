/* health — ok / warning / critical for every row, from thresholds. Pure:
 * the same rules serve the console, --once and check. */
#ifndef TSDBTOP_HEALTH_H
#define TSDBTOP_HEALTH_H

#include "tsdbtop/snapshot.h"
#include "tsdbtop/thresholds.h"

/* Classify every row of s at time now (epoch s); fills health/why/state,
 * overdue flags, why_not texts and the s->worst counts. */
void health_classify(struct snapshot *s, const struct thresholds *t, double now);

/* Individual rules, exposed for tests. */
enum health health_ht(struct ht_row *r, const struct thresholds *t);
enum health health_comp(struct comp_row *r, const struct thresholds *t);
/* s (may be NULL) gives the scheduler, the backlogs a paused job leaves
 * and the role for "not visible" wording. */
enum health health_job(struct job_row *r, const struct thresholds *t, const struct snapshot *s,
		       double now);
enum health health_ret(struct ret_row *r, const struct thresholds *t,
		       const struct snapshot *s, double now);
enum health health_cagg(struct cagg_row *r, const struct thresholds *t,
			const struct snapshot *s, double now);
enum health health_ratio(double ratio, const struct thresholds *t);
/* Aggregate lag as a multiple of what its policy allows (0 when caught up
 * with the raw data or unknown); lag_s must be set. */
double health_cagg_lag_factor(const struct cagg_row *r);
/* now - watermark, never negative: *ahead = how far a watermark is past now
 * (else 0); NAN when either is unknown. _int: an integer time column's units
 * (integer_now() - watermark), no overflow. */
double health_lag(double now, double watermark, double *ahead);
double health_lag_int(int64_t now, int64_t watermark, double *ahead);

#endif
