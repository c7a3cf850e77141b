/* pgerror — what a failed statement means, in the console's words. Pure
 * (no libpq, no curses): a SQLSTATE and the server's message in, a class,
 * its words and an exit class out. Every caller that words an error reads
 * it here: the action layer (a step's result, a refusal), the engine (a
 * pane's message) and the headless commands (the stderr line, the exit
 * code). */
#ifndef TSDBTOP_PGERROR_H
#define TSDBTOP_PGERROR_H

#include <stdbool.h>

enum pgerr_class {
	PGERR_OTHER,        /* nothing to add to the server's message */
	PGERR_CANCELED,     /* 57014 query_canceled: statement timeout or a cancel request */
	PGERR_LOCK_TIMEOUT, /* 55P03 lock_not_available (lock_timeout) */
	PGERR_DEADLOCK,     /* 40P01 deadlock_detected */
	PGERR_PERMISSION,   /* 42501 insufficient_privilege */
	PGERR_LICENSE,      /* the message names the license (TimescaleDB's license check) */
	PGERR_NO_OBJECT,    /* 42P01 undefined_table, 42704 undefined_object */
};

enum pgerr_exit {
	PGERR_EXIT_FAILED,  /* the statement failed */
	PGERR_EXIT_USAGE,   /* a data exception (class 22: a malformed timestamp,
	                       interval, ...): the input was bad */
};

struct pgerr_words {
	enum pgerr_class cls;
	const char *words;  /* "permission denied", "lock timeout: ..."; NULL for PGERR_OTHER */
	enum pgerr_exit exit;
};

/* sqlstate and message may be NULL or empty. */
struct pgerr_words pgerror_words(const char *sqlstate, const char *message);

/* The words for a cancel the console asked for itself (a stop). */
#define PGERR_WORDS_STOPPED "stopped by the operator (statement cancelled)"

#endif
