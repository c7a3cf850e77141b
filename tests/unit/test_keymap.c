/* Unit tests for tsdbtop/keymap.h: the one key table and its help. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tsdbtop/keymap.h"

static const unsigned all_ctx[] = { KCTX_MAIN, KCTX_HELP, KCTX_PROMPT, KCTX_LIST, KCTX_DIALOG, KCTX_TYPED,
                                    KCTX_DBLIST, KCTX_OVERVIEW };
#define NCTX (sizeof all_ctx / sizeof all_ctx[0])

static void every_command_reachable(void **state)
{
	(void)state;
	size_t n;
	const struct key_binding *t = keymap_table(&n);
	for (int c = CMD_NONE + 1; c < CMD_COUNT; c++) {
		bool found = false;
		for (size_t i = 0; i < n && !found; i++) {
			if (t[i].cmd != (enum command)c)
				continue;
			/* and the lookup really returns it for one of its keys */
			for (int k = 0; k < KEYMAP_MAX_KEYS && t[i].keys[k]; k++)
				for (size_t x = 0; x < NCTX; x++)
					if ((t[i].contexts & all_ctx[x]) &&
					    keymap_lookup(t[i].keys[k], (enum key_context)all_ctx[x]) == (enum command)c)
						found = true;
		}
		if (!found)
			fail_msg("command %s has no key", keymap_command_name((enum command)c));
	}
}

static void no_duplicate_key_in_a_context(void **state)
{
	(void)state;
	size_t n;
	const struct key_binding *t = keymap_table(&n);
	for (size_t x = 0; x < NCTX; x++) {
		for (size_t i = 0; i < n; i++) {
			if (!(t[i].contexts & all_ctx[x]))
				continue;
			for (int k = 0; k < KEYMAP_MAX_KEYS && t[i].keys[k]; k++) {
				int key = t[i].keys[k];
				/* the same key later in the same entry */
				for (int k2 = k + 1; k2 < KEYMAP_MAX_KEYS && t[i].keys[k2]; k2++)
					if (t[i].keys[k2] == key)
						fail_msg("key %d twice in entry %s", key, t[i].name);
				for (size_t j = i + 1; j < n; j++) {
					if (!(t[j].contexts & all_ctx[x]))
						continue;
					for (int k2 = 0; k2 < KEYMAP_MAX_KEYS && t[j].keys[k2]; k2++)
						if (t[j].keys[k2] == key)
							fail_msg("key %d bound twice in context %u (%s, %s)", key,
							         all_ctx[x], t[i].name, t[j].name);
				}
			}
		}
	}
}

static void help_lists_every_key(void **state)
{
	(void)state;
	size_t n;
	const struct key_binding *t = keymap_table(&n);
	unsigned mask = KCTX_MAIN | KCTX_HELP | KCTX_PROMPT | KCTX_LIST | KCTX_DIALOG | KCTX_TYPED | KCTX_DBLIST |
	                KCTX_OVERVIEW;
	int lines = keymap_help_line(mask, 0, NULL, 0);
	assert_true(lines > 0);
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (int l = 0; l < lines && !found; l++) {
			char buf[256];
			keymap_help_line(mask, l, buf, sizeof buf);
			if (strstr(buf, t[i].name) && strstr(buf, t[i].help))
				found = true;
		}
		if (!found)
			fail_msg("help does not list %s (%s)", t[i].name, t[i].help);
	}
	/* the names the issue asks for */
	const char *must[] = { "?", "F1", "Tab", "Shift-Tab", "Enter", "PgUp", "PgDn", "Home", "End",
	                       "s", "S", "/", "+", "-", "Space", "r", "q", "Esc", "Ctrl-C", "1", "5",
	                       "c", "d", "f", "j", "x", "m", "l", "k", "y", "n", "z" };
	for (size_t m = 0; m < sizeof must / sizeof must[0]; m++) {
		bool found = false;
		for (size_t i = 0; i < n && !found; i++)
			found = strstr(t[i].name, must[m]) != NULL;
		if (!found)
			fail_msg("no key named %s", must[m]);
	}
	/* help lines name their command */
	bool saw_compress = false;
	for (int l = 0; l < lines; l++)
		saw_compress |= keymap_help_cmd(mask, l) == CMD_ACT_COMPRESS;
	assert_true(saw_compress);
	assert_int_equal(keymap_help_cmd(mask, lines), CMD_NONE);
	/* a line beyond the end leaves buf alone */
	char buf[8] = "x";
	assert_int_equal(keymap_help_line(mask, lines + 3, buf, sizeof buf), lines);
	assert_string_equal(buf, "x");
}

static void unknown_keys_do_nothing(void **state)
{
	(void)state;
	const int unknown[] = { 'X', 'Y', 'Q' + 100, '!', '@', 0, -1, KEY_F(12), KEY_IC, 0x263a };
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		assert_int_equal(keymap_lookup(unknown[i], KCTX_MAIN), CMD_NONE);
		assert_int_equal(keymap_lookup(unknown[i], KCTX_HELP), CMD_NONE);
	}
	/* in the prompt, ordinary characters are text, not commands */
	assert_int_equal(keymap_lookup('q', KCTX_PROMPT), CMD_NONE);
	assert_int_equal(keymap_lookup('1', KCTX_PROMPT), CMD_NONE);
	assert_int_equal(keymap_lookup('/', KCTX_PROMPT), CMD_NONE);
	assert_int_equal(keymap_lookup(' ', KCTX_PROMPT), CMD_NONE);
}

static void keys_map_to_commands(void **state)
{
	(void)state;
	assert_int_equal(keymap_lookup('1', KCTX_MAIN), CMD_FOCUS_1);
	assert_int_equal(keymap_lookup('2', KCTX_MAIN), CMD_FOCUS_2);
	assert_int_equal(keymap_lookup('3', KCTX_MAIN), CMD_FOCUS_3);
	assert_int_equal(keymap_lookup('4', KCTX_MAIN), CMD_FOCUS_4);
	assert_int_equal(keymap_lookup('5', KCTX_MAIN), CMD_FOCUS_5);
	assert_int_equal(keymap_lookup('6', KCTX_MAIN), CMD_NONE);
	assert_int_equal(keymap_lookup('0', KCTX_MAIN), CMD_NONE);
	assert_int_equal(keymap_lookup('\t', KCTX_MAIN), CMD_FOCUS_NEXT);
	assert_int_equal(keymap_lookup(KEY_BTAB, KCTX_MAIN), CMD_FOCUS_PREV);
	assert_int_equal(keymap_lookup('q', KCTX_MAIN), CMD_QUIT);
	assert_int_equal(keymap_lookup(3, KCTX_MAIN), CMD_QUIT);
	assert_int_equal(keymap_lookup(3, KCTX_PROMPT), CMD_QUIT);
	assert_int_equal(keymap_lookup('?', KCTX_MAIN), CMD_HELP);
	assert_int_equal(keymap_lookup(KEY_F(1), KCTX_MAIN), CMD_HELP);
	assert_int_equal(keymap_lookup('?', KCTX_HELP), CMD_HELP);
	assert_int_equal(keymap_lookup(27, KCTX_HELP), CMD_CLOSE);
	assert_int_equal(keymap_lookup(27, KCTX_MAIN), CMD_CLOSE);
	assert_int_equal(keymap_lookup(27, KCTX_PROMPT), CMD_PROMPT_CANCEL);
	assert_int_equal(keymap_lookup('\r', KCTX_MAIN), CMD_OPEN);
	assert_int_equal(keymap_lookup('z', KCTX_MAIN), CMD_ZOOM);
	assert_int_equal(keymap_lookup('\r', KCTX_PROMPT), CMD_PROMPT_ACCEPT);
	assert_int_equal(keymap_lookup(KEY_BACKSPACE, KCTX_PROMPT), CMD_PROMPT_BACKSPACE);
	assert_int_equal(keymap_lookup(' ', KCTX_MAIN), CMD_PAUSE);
	assert_int_equal(keymap_lookup('r', KCTX_MAIN), CMD_REFRESH);
	assert_int_equal(keymap_lookup('s', KCTX_MAIN), CMD_SORT_NEXT);
	assert_int_equal(keymap_lookup('S', KCTX_MAIN), CMD_SORT_REVERSE);
	assert_int_equal(keymap_lookup('/', KCTX_MAIN), CMD_FILTER);
	assert_int_equal(keymap_lookup('+', KCTX_MAIN), CMD_INTERVAL_UP);
	assert_int_equal(keymap_lookup('-', KCTX_MAIN), CMD_INTERVAL_DOWN);
	assert_int_equal(keymap_lookup(KEY_NPAGE, KCTX_MAIN), CMD_PAGE_DOWN);
	assert_int_equal(keymap_lookup(KEY_HOME, KCTX_MAIN), CMD_HOME);
	/* actions, their lists and dialogs */
	assert_int_equal(keymap_lookup('c', KCTX_MAIN), CMD_ACT_COMPRESS);
	assert_int_equal(keymap_lookup('c', KCTX_LIST), CMD_ACT_COMPRESS);
	assert_int_equal(keymap_lookup('d', KCTX_LIST), CMD_ACT_DECOMPRESS);
	assert_int_equal(keymap_lookup('f', KCTX_MAIN), CMD_ACT_REFRESH);
	assert_int_equal(keymap_lookup('j', KCTX_MAIN), CMD_ACT_JOBS);
	assert_int_equal(keymap_lookup('x', KCTX_MAIN), CMD_ACT_RETENTION);
	assert_int_equal(keymap_lookup('m', KCTX_MAIN), CMD_ACT_MAINTENANCE);
	assert_int_equal(keymap_lookup('l', KCTX_MAIN), CMD_ACT_LOG);
	assert_int_equal(keymap_lookup('k', KCTX_MAIN), CMD_ACT_STOP);
	assert_int_equal(keymap_lookup(27, KCTX_MAIN), CMD_CLOSE);   /* also stops a running action */
	assert_int_equal(keymap_lookup('r', KCTX_LIST), CMD_JOB_RUN);
	assert_int_equal(keymap_lookup('p', KCTX_LIST), CMD_JOB_PAUSE);
	assert_int_equal(keymap_lookup('u', KCTX_LIST), CMD_JOB_RESUME);
	assert_int_equal(keymap_lookup('\r', KCTX_DIALOG), CMD_DIALOG_YES);
	assert_int_equal(keymap_lookup('y', KCTX_DIALOG), CMD_DIALOG_YES);
	assert_int_equal(keymap_lookup(27, KCTX_DIALOG), CMD_DIALOG_NO);
	assert_int_equal(keymap_lookup('n', KCTX_DIALOG), CMD_DIALOG_NO);
	assert_int_equal(keymap_lookup(' ', KCTX_DIALOG), CMD_DIALOG_SKIP);
	/* a typed name is text: y and n are letters there */
	assert_int_equal(keymap_lookup('y', KCTX_TYPED), CMD_NONE);
	assert_int_equal(keymap_lookup('n', KCTX_TYPED), CMD_NONE);
	assert_int_equal(keymap_lookup('\r', KCTX_TYPED), CMD_PROMPT_ACCEPT);
	assert_int_equal(keymap_lookup(27, KCTX_TYPED), CMD_PROMPT_CANCEL);
	/* the old vi keys are actions now, not movement */
	assert_int_equal(keymap_lookup('j', KCTX_LIST), CMD_NONE);
	/* which commands change the database */
	assert_true(keymap_command_is_action(CMD_ACT_COMPRESS));
	assert_true(keymap_command_is_action(CMD_JOB_PAUSE));
	assert_false(keymap_command_is_action(CMD_ACT_LOG));
	assert_false(keymap_command_is_action(CMD_QUIT));
	/* panes keys do not leak into help */
	assert_int_equal(keymap_lookup('1', KCTX_HELP), CMD_NONE);
	assert_int_equal(keymap_lookup('s', KCTX_HELP), CMD_NONE);
}

/* The databases list has its own context: its keys are in the table (and
 * so in help), not raw key codes in the screen. */
static void databases_context(void **state)
{
	(void)state;
	static const struct { int key; enum command cmd; } want[] = {
		{ KEY_UP, CMD_UP }, { KEY_DOWN, CMD_DOWN }, { '\r', CMD_DB_SWITCH }, { '\n', CMD_DB_SWITCH },
		{ KEY_ENTER, CMD_DB_SWITCH }, { 27, CMD_CLOSE }, { 'q', CMD_CLOSE }, { 'D', CMD_CLOSE },
		{ 3, CMD_QUIT },
		/* the panes' keys do not reach it */
		{ 'c', CMD_NONE }, { '1', CMD_NONE }, { '?', CMD_NONE },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (keymap_lookup(want[i].key, KCTX_DBLIST) != want[i].cmd)
			fail_msg("key %d in the databases list: %s, not %s", want[i].key,
			         keymap_command_name(keymap_lookup(want[i].key, KCTX_DBLIST)),
			         keymap_command_name(want[i].cmd));
	/* and the switch is nowhere else */
	assert_int_equal(keymap_lookup('\r', KCTX_MAIN), CMD_OPEN);
	/* its help lines */
	int n = keymap_help_line(KCTX_DBLIST, 0, NULL, 0);
	bool saw_switch = false, saw_close = false;
	for (int l = 0; l < n; l++) {
		char buf[256];
		keymap_help_line(KCTX_DBLIST, l, buf, sizeof buf);
		saw_switch |= keymap_help_cmd(KCTX_DBLIST, l) == CMD_DB_SWITCH && strstr(buf, "Enter") != NULL;
		saw_close |= keymap_help_cmd(KCTX_DBLIST, l) == CMD_CLOSE && strstr(buf, "Esc q D") != NULL;
	}
	assert_true(saw_switch);
	assert_true(saw_close);
}

/* The fleet overview has its own context: Enter opens a server there
 * (and still the chunks in the panes), ] and [ cycle servers in the panes,
 * and no action key reaches the overview. */
static void overview_context(void **state)
{
	(void)state;
	static const struct { int key; enum command cmd; } want[] = {
		{ KEY_UP, CMD_UP }, { KEY_DOWN, CMD_DOWN }, { '\r', CMD_SERVER_OPEN }, { KEY_ENTER, CMD_SERVER_OPEN },
		{ 's', CMD_SORT_NEXT }, { 'r', CMD_REFRESH }, { 'q', CMD_QUIT }, { '?', CMD_HELP }, { 3, CMD_QUIT },
		{ 'c', CMD_NONE }, { 'x', CMD_NONE }, { 'm', CMD_NONE }, { 'D', CMD_NONE }, { ']', CMD_NONE },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (keymap_lookup(want[i].key, KCTX_OVERVIEW) != want[i].cmd)
			fail_msg("key %d in the overview: %s, not %s", want[i].key,
			         keymap_command_name(keymap_lookup(want[i].key, KCTX_OVERVIEW)),
			         keymap_command_name(want[i].cmd));
	assert_int_equal(keymap_lookup('\r', KCTX_MAIN), CMD_OPEN);
	assert_int_equal(keymap_lookup(']', KCTX_MAIN), CMD_SERVER_NEXT);
	assert_int_equal(keymap_lookup('[', KCTX_MAIN), CMD_SERVER_PREV);
	assert_false(keymap_command_is_action(CMD_SERVER_OPEN));
}

static void interval_steps(void **state)
{
	(void)state;
	const double steps[] = { 0.5, 1, 2, 5, 10, 30, 60 };
	for (int i = 0; i < 6; i++) {
		assert_true(keymap_interval_step(steps[i], 1) == steps[i + 1]);
		assert_true(keymap_interval_step(steps[i + 1], -1) == steps[i]);
	}
	assert_true(keymap_interval_step(60, 1) == 60);
	assert_true(keymap_interval_step(0.5, -1) == 0.5);
	assert_true(keymap_interval_step(3, 1) == 5);
	assert_true(keymap_interval_step(3, -1) == 2);
	assert_true(keymap_interval_step(0.1, -1) == 0.5);
	assert_true(keymap_interval_step(120, -1) == 60);
	assert_true(keymap_interval_step(2, 0) == 2);
}

static void command_names(void **state)
{
	(void)state;
	for (int c = 0; c < CMD_COUNT; c++)
		assert_string_not_equal(keymap_command_name((enum command)c), "?");
	assert_string_equal(keymap_command_name(CMD_COUNT), "?");
	assert_string_equal(keymap_command_name(CMD_QUIT), "quit");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_command_reachable),
		cmocka_unit_test(no_duplicate_key_in_a_context),
		cmocka_unit_test(help_lists_every_key),
		cmocka_unit_test(unknown_keys_do_nothing),
		cmocka_unit_test(overview_context),
		cmocka_unit_test(keys_map_to_commands),
		cmocka_unit_test(databases_context),
		cmocka_unit_test(interval_steps),
		cmocka_unit_test(command_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
