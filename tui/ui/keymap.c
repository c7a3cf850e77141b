/* keymap — the one table of keys (see keymap.h). Only the KEY_* constants
 * come from curses.h; nothing here calls curses. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/keymap.h"

#define CTRL(c) ((c) & 0x1f)
#define ESC 27
#define M (KCTX_MAIN)
#define H (KCTX_HELP)
#define P (KCTX_PROMPT)
#define L (KCTX_LIST)
#define D (KCTX_DIALOG)
#define T (KCTX_TYPED)
#define B (KCTX_DBLIST)
#define O (KCTX_OVERVIEW)

static const struct key_binding table[] = {
	{ { '?', KEY_F(1) }, "? F1", CMD_HELP, "show / hide this help", M | H | O },
	{ { ESC }, "Esc", CMD_CLOSE, "close help, zoom or list; stop a running action; several servers: back to the overview", M | H | L },
	{ { 'q', 'Q' }, "q", CMD_QUIT, "quit (exit code 0)", M | H | O },
	{ { CTRL('c') }, "Ctrl-C", CMD_QUIT, "quit", M | H | P | L | D | T | B | O },
	{ { '\t', KEY_RIGHT }, "Tab Right", CMD_FOCUS_NEXT, "focus the next pane", M },
	{ { KEY_BTAB, KEY_LEFT }, "Shift-Tab Left", CMD_FOCUS_PREV, "focus the previous pane", M },
	{ { '1' }, "1", CMD_FOCUS_1, "focus pane 1: Chunks", M },
	{ { '2' }, "2", CMD_FOCUS_2, "focus pane 2: Compression", M },
	{ { '3' }, "3", CMD_FOCUS_3, "focus pane 3: Retention", M },
	{ { '4' }, "4", CMD_FOCUS_4, "focus pane 4: Continuous aggregates", M },
	{ { '5' }, "5", CMD_FOCUS_5, "focus pane 5: Cache", M },
	{ { '\n', '\r', KEY_ENTER }, "Enter", CMD_OPEN, "Chunks pane: the hypertable's chunks; other panes: zoom", M },
	{ { 'z', 'Z' }, "z", CMD_ZOOM, "zoom / unzoom the focused pane", M },
	{ { KEY_UP }, "Up", CMD_UP, "select the row above", M | H | L | D | B | O },
	{ { KEY_DOWN }, "Down", CMD_DOWN, "select the row below", M | H | L | D | B | O },
	{ { KEY_PPAGE }, "PgUp", CMD_PAGE_UP, "one page up", M | H | L | D | O },
	{ { KEY_NPAGE }, "PgDn", CMD_PAGE_DOWN, "one page down", M | H | L | D | O },
	{ { KEY_HOME, 'g' }, "Home g", CMD_HOME, "first row", M | H | L | O },
	{ { KEY_END, 'G' }, "End G", CMD_END, "last row", M | H | L | O },
	{ { 's' }, "s", CMD_SORT_NEXT, "sort by the next column (overview: worst first / as given)", M | O },
	{ { 'S' }, "S", CMD_SORT_REVERSE, "reverse the sort order", M },
	{ { '/' }, "/", CMD_FILTER, "filter the focused pane by name", M },
	{ { '+', '=' }, "+", CMD_INTERVAL_UP, "poll less often (0.5 1 2 5 10 30 60 s)", M | O },
	{ { '-', '_' }, "-", CMD_INTERVAL_DOWN, "poll more often", M | O },
	{ { ' ' }, "Space", CMD_PAUSE, "pause / resume polling", M | O },
	{ { 'r', 'R' }, "r", CMD_REFRESH, "refresh now (overview: every server)", M | O },
	{ { CTRL('l') }, "Ctrl-L", CMD_REDRAW, "redraw the screen", M | H | P | L | D | T | O },
	{ { 'c' }, "c", CMD_ACT_COMPRESS, "compress the chunks past compress_after, or the chosen chunk", M | L },
	{ { 'd' }, "d", CMD_ACT_DECOMPRESS, "decompress the chosen chunk (chunk list)", M | L },
	{ { 'f' }, "f", CMD_ACT_REFRESH, "refresh the selected continuous aggregate (policy window)", M },
	{ { 'j' }, "j", CMD_ACT_JOBS, "jobs of the selected row: run now, pause, resume, why", M },
	{ { 'J' }, "J", CMD_ACT_JOBS_ALL, "every job of the database (user-defined jobs too)", M },
	{ { 'x' }, "x", CMD_ACT_RETENTION, "retention: drop what the policy would drop (typed name)", M },
	{ { 'm' }, "m", CMD_ACT_MAINTENANCE, "maintenance: analyze, refresh lagging, compress backlogs", M },
	{ { 'y' }, "y", CMD_COPY, "copy the selected object's name to the clipboard (OSC 52)", M },
	{ { 'Y' }, "Y", CMD_COPY, "dialog: copy the chosen step's SQL to the clipboard (OSC 52)", D },
	{ { 'D' }, "D", CMD_DATABASES, "databases on the server: Enter switches to the chosen one", M },
	{ { 'l' }, "l", CMD_ACT_LOG, "show / hide the action log", M | L },
	{ { 'k' }, "k", CMD_ACT_STOP, "stop the running action (Esc too)", M | L | D },
	{ { 'r' }, "r", CMD_JOB_RUN, "jobs list: run the job now", L },
	{ { 'p' }, "p", CMD_JOB_PAUSE, "jobs list: pause the job", L },
	{ { 'u' }, "u", CMD_JOB_RESUME, "jobs list: resume the job", L },
	{ { 'h', '\n', '\r', KEY_ENTER }, "Enter h", CMD_JOB_DETAIL, "jobs list: why the job failed (whole message) and its recent runs", L },
	{ { '\n', '\r', KEY_ENTER, 'y' }, "Enter y", CMD_DIALOG_YES, "dialog: run what it shows", D },
	{ { ESC, 'n', 'N' }, "Esc n", CMD_DIALOG_NO, "dialog: cancel, nothing runs", D },
	{ { ' ' }, "Space", CMD_DIALOG_SKIP, "dialog: skip / keep the chosen step", D },
	{ { 'w' }, "w", CMD_DIALOG_WINDOW, "refresh dialog: type a window (\"7 days\" or \"FROM..TO\")", D },
	{ { '\n', '\r', KEY_ENTER }, "Enter", CMD_PROMPT_ACCEPT, "apply the filter; confirm the typed name or window", P | T },
	{ { ESC }, "Esc", CMD_PROMPT_CANCEL, "clear the filter and close the prompt; cancel typing", P | T },
	{ { KEY_BACKSPACE, 127, CTRL('h') }, "Backspace", CMD_PROMPT_BACKSPACE, "delete the last character", P | T },
	/* the databases list (D); last, so that help keeps its older lines in place */
	{ { '\n', '\r', KEY_ENTER }, "Enter", CMD_DB_SWITCH, "databases: switch to the chosen one (new connections)", B },
	{ { ESC, 'q', 'D' }, "Esc q D", CMD_CLOSE, "databases: close the list", B },
	/* several servers: the overview and the cycle */
	{ { '\n', '\r', KEY_ENTER }, "Enter", CMD_SERVER_OPEN, "overview: the chosen server's panes (Esc comes back)", O },
	{ { ']' }, "]", CMD_SERVER_NEXT, "several servers: the next server's panes", M },
	{ { '[' }, "[", CMD_SERVER_PREV, "several servers: the previous server's panes", M },
};

static const char *const cmd_names[CMD_COUNT] = {
	[CMD_NONE] = "none", [CMD_QUIT] = "quit", [CMD_HELP] = "help", [CMD_CLOSE] = "close",
	[CMD_FOCUS_NEXT] = "focus-next", [CMD_FOCUS_PREV] = "focus-prev",
	[CMD_FOCUS_1] = "focus-1", [CMD_FOCUS_2] = "focus-2", [CMD_FOCUS_3] = "focus-3",
	[CMD_FOCUS_4] = "focus-4", [CMD_FOCUS_5] = "focus-5", [CMD_ZOOM] = "zoom",
	[CMD_UP] = "up", [CMD_DOWN] = "down", [CMD_PAGE_UP] = "page-up",
	[CMD_PAGE_DOWN] = "page-down", [CMD_HOME] = "home", [CMD_END] = "end",
	[CMD_SORT_NEXT] = "sort-next", [CMD_SORT_REVERSE] = "sort-reverse",
	[CMD_FILTER] = "filter", [CMD_INTERVAL_UP] = "interval-up",
	[CMD_INTERVAL_DOWN] = "interval-down", [CMD_PAUSE] = "pause", [CMD_REFRESH] = "refresh",
	[CMD_REDRAW] = "redraw", [CMD_PROMPT_ACCEPT] = "prompt-accept",
	[CMD_PROMPT_CANCEL] = "prompt-cancel", [CMD_PROMPT_BACKSPACE] = "prompt-backspace",
	[CMD_OPEN] = "open", [CMD_ACT_COMPRESS] = "compress", [CMD_ACT_DECOMPRESS] = "decompress",
	[CMD_ACT_REFRESH] = "refresh-cagg", [CMD_ACT_JOBS] = "jobs", [CMD_ACT_RETENTION] = "retention",
	[CMD_ACT_MAINTENANCE] = "maintenance", [CMD_ACT_LOG] = "action-log", [CMD_ACT_STOP] = "stop",
	[CMD_JOB_RUN] = "job-run", [CMD_JOB_PAUSE] = "job-pause", [CMD_JOB_RESUME] = "job-resume",
	[CMD_JOB_DETAIL] = "job-detail", [CMD_ACT_JOBS_ALL] = "jobs-all",
	[CMD_DIALOG_YES] = "dialog-yes", [CMD_DIALOG_NO] = "dialog-no", [CMD_DIALOG_SKIP] = "dialog-skip",
	[CMD_DIALOG_WINDOW] = "dialog-window", [CMD_COPY] = "copy", [CMD_DATABASES] = "databases",
	[CMD_DB_SWITCH] = "db-switch", [CMD_SERVER_OPEN] = "server-open", [CMD_SERVER_NEXT] = "server-next",
	[CMD_SERVER_PREV] = "server-prev",
};

bool keymap_command_is_action(enum command c)
{
	switch (c) {
	case CMD_ACT_COMPRESS: case CMD_ACT_DECOMPRESS: case CMD_ACT_REFRESH: case CMD_ACT_RETENTION:
	case CMD_ACT_MAINTENANCE: case CMD_JOB_RUN: case CMD_JOB_PAUSE: case CMD_JOB_RESUME:
		return true;
	default:
		return false;
	}
}

const struct key_binding *keymap_table(size_t *n)
{
	if (n)
		*n = sizeof table / sizeof table[0];
	return table;
}

enum command keymap_lookup(int key, enum key_context ctx)
{
	if (key == 0)
		return CMD_NONE;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (!(table[i].contexts & (unsigned)ctx))
			continue;
		for (int k = 0; k < KEYMAP_MAX_KEYS && table[i].keys[k]; k++)
			if (table[i].keys[k] == key)
				return table[i].cmd;
	}
	return CMD_NONE;
}

const char *keymap_command_name(enum command c)
{
	if ((int)c < 0 || c >= CMD_COUNT || !cmd_names[c])
		return "?";
	return cmd_names[c];
}

int keymap_help_line(unsigned ctx_mask, int i, char *buf, size_t n)
{
	int count = 0;
	for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
		const struct key_binding *b = &table[k];
		if (!(b->contexts & ctx_mask))
			continue;
		/* one line per distinct name+help (Ctrl-C and Esc serve several contexts) */
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			if ((table[j].contexts & ctx_mask) && strcmp(table[j].name, b->name) == 0 &&
			    strcmp(table[j].help, b->help) == 0)
				dup = true;
		if (dup)
			continue;
		if (count == i && buf && n)
			snprintf(buf, n, "  %-15s %s", b->name, b->help);
		count++;
	}
	return count;
}

enum command keymap_help_cmd(unsigned ctx_mask, int i)
{
	int count = 0;
	for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
		const struct key_binding *b = &table[k];
		if (!(b->contexts & ctx_mask))
			continue;
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			if ((table[j].contexts & ctx_mask) && strcmp(table[j].name, b->name) == 0 &&
			    strcmp(table[j].help, b->help) == 0)
				dup = true;
		if (dup)
			continue;
		if (count == i)
			return b->cmd;
		count++;
	}
	return CMD_NONE;
}

static const double steps[] = { 0.5, 1, 2, 5, 10, 30, 60 };
#define NSTEPS ((int)(sizeof steps / sizeof steps[0]))

double keymap_interval_step(double cur, int dir)
{
	if (!(cur == cur))
		return 2;
	if (dir > 0) {
		for (int i = 0; i < NSTEPS; i++)
			if (steps[i] > cur + 1e-9)
				return steps[i];
		return steps[NSTEPS - 1];
	}
	if (dir < 0) {
		for (int i = NSTEPS - 1; i >= 0; i--)
			if (steps[i] < cur - 1e-9)
				return steps[i];
		return steps[0];
	}
	return cur;
}
