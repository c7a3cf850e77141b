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

static const struct key_binding table[] = {
	{ { '?', KEY_F(1) }, "? F1", CMD_HELP, "show / hide this help", M | H },
	{ { ESC }, "Esc", CMD_CLOSE, "close help, zoom or prompt", M | H },
	{ { 'q', 'Q' }, "q", CMD_QUIT, "quit (exit code 0)", M | H },
	{ { CTRL('c') }, "Ctrl-C", CMD_QUIT, "quit", M | H | P },
	{ { '\t', KEY_RIGHT }, "Tab Right", CMD_FOCUS_NEXT, "focus the next pane", M },
	{ { KEY_BTAB, KEY_LEFT }, "Shift-Tab Left", CMD_FOCUS_PREV, "focus the previous pane", M },
	{ { '1' }, "1", CMD_FOCUS_1, "focus pane 1: Chunks", M },
	{ { '2' }, "2", CMD_FOCUS_2, "focus pane 2: Compression", M },
	{ { '3' }, "3", CMD_FOCUS_3, "focus pane 3: Retention", M },
	{ { '4' }, "4", CMD_FOCUS_4, "focus pane 4: Continuous aggregates", M },
	{ { '5' }, "5", CMD_FOCUS_5, "focus pane 5: Cache", M },
	{ { '\n', '\r', KEY_ENTER }, "Enter", CMD_ZOOM, "zoom / unzoom the focused pane", M },
	{ { KEY_UP, 'k' }, "Up k", CMD_UP, "select the row above", M | H },
	{ { KEY_DOWN, 'j' }, "Down j", CMD_DOWN, "select the row below", M | H },
	{ { KEY_PPAGE }, "PgUp", CMD_PAGE_UP, "one page up", M | H },
	{ { KEY_NPAGE }, "PgDn", CMD_PAGE_DOWN, "one page down", M | H },
	{ { KEY_HOME, 'g' }, "Home g", CMD_HOME, "first row", M | H },
	{ { KEY_END, 'G' }, "End G", CMD_END, "last row", M | H },
	{ { 's' }, "s", CMD_SORT_NEXT, "sort by the next column", M },
	{ { 'S' }, "S", CMD_SORT_REVERSE, "reverse the sort order", M },
	{ { '/' }, "/", CMD_FILTER, "filter the focused pane by name", M },
	{ { '+', '=' }, "+", CMD_INTERVAL_UP, "poll less often (0.5 1 2 5 10 30 60 s)", M },
	{ { '-', '_' }, "-", CMD_INTERVAL_DOWN, "poll more often", M },
	{ { ' ' }, "Space", CMD_PAUSE, "pause / resume polling", M },
	{ { 'r', 'R' }, "r", CMD_REFRESH, "refresh now", M },
	{ { CTRL('l') }, "Ctrl-L", CMD_REDRAW, "redraw the screen", M | H | P },
	{ { '\n', '\r', KEY_ENTER }, "Enter", CMD_PROMPT_ACCEPT, "apply the filter", P },
	{ { ESC }, "Esc", CMD_PROMPT_CANCEL, "clear the filter and close the prompt", P },
	{ { KEY_BACKSPACE, 127, CTRL('h') }, "Backspace", CMD_PROMPT_BACKSPACE, "delete the last character", P },
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
};

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
