/* harness — helpers shared by the C test tiers. */
#ifndef TSDBTOP_TEST_HARNESS_H
#define TSDBTOP_TEST_HARNESS_H

#include <stdbool.h>

struct ev_loop;

/* Environment variable or skip-worthy NULL. */
const char *harness_env(const char *name);
/* Run the loop until *flag is true or timeout seconds pass; returns *flag. */
bool harness_run_until(struct ev_loop *loop, const bool *flag, double timeout);
/* Run the loop for a while regardless. */
void harness_run_for(struct ev_loop *loop, double seconds);
/* Run a shell command (printf-style); returns its exit status. */
int harness_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Monotonic seconds. */
double harness_now(void);

#endif
