/* keymap — every key of the console in ONE declarative table: key codes,
 * the name shown in help, the command, the help text and the context in
 * which it applies. Help is generated from this table. Pure: no curses
 * calls (key codes are plain ints; the curses KEY_* values are copied in
 * keymap.c from <curses.h> at compile time, nothing is called). */
#ifndef TSDBTOP_KEYMAP_H
#define TSDBTOP_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

enum command {
	CMD_NONE,
	CMD_QUIT,
	CMD_HELP,
	CMD_CLOSE,            /* Esc: close help / zoom / prompt */
	CMD_FOCUS_NEXT,
	CMD_FOCUS_PREV,
	CMD_FOCUS_1,
	CMD_FOCUS_2,
	CMD_FOCUS_3,
	CMD_FOCUS_4,
	CMD_FOCUS_5,
	CMD_ZOOM,
	CMD_UP,
	CMD_DOWN,
	CMD_PAGE_UP,
	CMD_PAGE_DOWN,
	CMD_HOME,
	CMD_END,
	CMD_SORT_NEXT,
	CMD_SORT_REVERSE,
	CMD_FILTER,
	CMD_INTERVAL_UP,      /* '+': poll less often */
	CMD_INTERVAL_DOWN,    /* '-': poll more often */
	CMD_PAUSE,
	CMD_REFRESH,
	CMD_REDRAW,
	CMD_PROMPT_ACCEPT,
	CMD_PROMPT_CANCEL,
	CMD_PROMPT_BACKSPACE,
	/* actions (see action.h) and their overlays */
	CMD_OPEN,             /* Enter: chunks of the hypertable (Chunks pane), else zoom */
	CMD_ACT_COMPRESS,
	CMD_ACT_DECOMPRESS,
	CMD_ACT_REFRESH,
	CMD_ACT_JOBS,
	CMD_ACT_RETENTION,
	CMD_ACT_MAINTENANCE,
	CMD_ACT_LOG,
	CMD_ACT_STOP,
	CMD_JOB_RUN,
	CMD_JOB_PAUSE,
	CMD_JOB_RESUME,
	CMD_JOB_DETAIL,       /* jobs list: why the job failed and its recent runs */
	CMD_ACT_JOBS_ALL,     /* J: every job of the database */
	CMD_DIALOG_YES,
	CMD_DIALOG_NO,
	CMD_DIALOG_SKIP,
	CMD_DIALOG_WINDOW,
	CMD_COPY,             /* y: the selected object's name to the clipboard (OSC 52) */
	CMD_DATABASES,        /* D: the server's databases; Enter switches */
	CMD_DB_SWITCH,        /* databases list: switch to the chosen one */
	CMD_SERVER_OPEN,      /* overview: the chosen server's panes */
	CMD_SERVER_NEXT,      /* several servers: the next one's panes */
	CMD_SERVER_PREV,      /* several servers: the previous one's panes */
	CMD_COUNT
};

/* Contexts, as bits so that one entry can serve several. */
enum key_context {
	KCTX_MAIN = 1,        /* the panes */
	KCTX_HELP = 2,        /* the help overlay is open */
	KCTX_PROMPT = 4,      /* the filter prompt is open (other keys are text) */
	KCTX_LIST = 8,        /* the chunk list or the jobs list is open */
	KCTX_DIALOG = 16,     /* an action dialog waits for confirmation */
	KCTX_TYPED = 32,      /* a dialog field takes text (typed name, window) */
	KCTX_DBLIST = 64,     /* the databases list (D) is open */
	KCTX_OVERVIEW = 128,  /* the fleet overview (several servers) */
};

#define KEYMAP_MAX_KEYS 4

struct key_binding {
	int keys[KEYMAP_MAX_KEYS];  /* key codes as wgetch returns them; 0 ends */
	const char *name;           /* as shown in help: "Tab", "PgUp", "1" */
	enum command cmd;
	const char *help;
	unsigned contexts;          /* KCTX_* bits */
};

/* The table (and its length). */
const struct key_binding *keymap_table(size_t *n);

/* The command bound to key in context ctx, or CMD_NONE. Pure. */
enum command keymap_lookup(int key, enum key_context ctx);

/* True for the commands that change the database (disabled read-only). */
bool keymap_command_is_action(enum command c);

/* The command of help line i (as keymap_help_line counts), or CMD_NONE. */
enum command keymap_help_cmd(unsigned ctx_mask, int i);

/* A short name of a command ("quit", "focus-next"...). */
const char *keymap_command_name(enum command c);

/* Help text, one line per binding of the contexts in ctx_mask, as
 * "  NAME        help": writes line i (0-based) into buf and returns the
 * number of lines; buf may be NULL to count. */
int keymap_help_line(unsigned ctx_mask, int i, char *buf, size_t n);

/* The refresh interval steps: 0.5 1 2 5 10 30 60 s. Returns the next step
 * above (dir > 0) or below (dir < 0) cur, clamped to the ends. */
double keymap_interval_step(double cur, int dir);

#endif
