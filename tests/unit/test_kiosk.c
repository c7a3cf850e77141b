/* Unit: kiosk mode (quit sequence, state in words, the pane cycle),
 * sparklines of trends as the screen draws them, and flags over the
 * configuration file (cli_merge_config). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/config.h"
#include "tsdbtop/trend.h"

#include "../../tui/ui/kiosk.h"

static void type(struct kiosk_keys *k, const char *s, bool *done)
{
	*done = false;
	for (; *s; s++)
		*done = kiosk_key(k, (unsigned char)*s) || *done;
}

static void test_quit_sequence(void **state)
{
	(void)state;
	struct kiosk_keys k = { { 0 } };
	bool done;
	type(&k, "q", &done);
	assert_false(done);
	assert_false(kiosk_key(&k, '\n'));          /* q + Enter: nothing */
	type(&k, "quit", &done);
	assert_false(done);
	assert_true(kiosk_key(&k, '\n'));           /* quit + Enter */
	type(&k, "xxxxxxxxquit", &done);            /* stray letters before: still the last four */
	assert_true(kiosk_key(&k, '\r'));
	type(&k, "qu", &done);
	assert_false(kiosk_key(&k, 3));             /* Ctrl-C resets */
	type(&k, "it", &done);
	assert_false(kiosk_key(&k, '\n'));
	type(&k, "quitx", &done);
	assert_false(kiosk_key(&k, '\n'));
}

static void test_state_words(void **state)
{
	(void)state;
	struct snapshot s;
	char buf[64];
	enum theme_role r;
	memset(&s, 0, sizeof s);
	s.worst[HEALTH_OK] = 5;
	kiosk_state(&s, buf, sizeof buf, &r, true);
	assert_string_equal(buf, "\u2713 ALL OK");
	assert_int_equal(r, ROLE_OK);
	kiosk_state(&s, buf, sizeof buf, &r, false);
	assert_string_equal(buf, "OK ALL OK");
	s.worst[HEALTH_WARNING] = 3;
	kiosk_state(&s, buf, sizeof buf, &r, true);
	assert_string_equal(buf, "\u25b2 3 WARNING");
	assert_int_equal(r, ROLE_WARNING);
	s.worst[HEALTH_CRITICAL] = 2;
	kiosk_state(&s, buf, sizeof buf, &r, false);
	assert_string_equal(buf, "X 2 CRITICAL");
	assert_int_equal(r, ROLE_CRITICAL);
}

static void test_cycle_order(void **state)
{
	(void)state;
	struct snapshot s;
	memset(&s, 0, sizeof s);
	struct cagg_row *ca = SNAP_ADD(s.caggs);
	ca->health = HEALTH_CRITICAL;
	struct comp_row *co = SNAP_ADD(s.comps);
	co->health = HEALTH_WARNING;
	struct cache_row *cr = SNAP_ADD(s.caches);
	cr->health = HEALTH_OK;
	int pos = 0;
	double dwell;
	/* critical first (twice as long), then warning, then the rest in order */
	assert_int_equal(kiosk_cycle_next(&s, NULL, NULL, &pos, 10, &dwell), PANE_CAGGS);
	assert_float_equal(dwell, 20, 1e-9);
	assert_int_equal(kiosk_cycle_next(&s, NULL, NULL, &pos, 10, &dwell), PANE_COMPRESSION);
	assert_float_equal(dwell, 10, 1e-9);
	assert_int_equal(kiosk_cycle_next(&s, NULL, NULL, &pos, 10, &dwell), PANE_CHUNKS);
	assert_int_equal(kiosk_cycle_next(&s, NULL, NULL, &pos, 10, &dwell), PANE_RETENTION);
	assert_int_equal(kiosk_cycle_next(&s, NULL, NULL, &pos, 10, &dwell), PANE_CACHE);
	assert_int_equal(kiosk_cycle_next(&s, NULL, NULL, &pos, 10, &dwell), PANE_CAGGS);
	/* hidden panes are skipped; the configured order within a group */
	int order[PANE_COUNT] = { PANE_CACHE, PANE_RETENTION, PANE_CHUNKS, PANE_CAGGS, PANE_COMPRESSION };
	bool vis[PANE_COUNT] = { true, false, true, false, true };
	pos = 0;
	assert_int_equal(kiosk_cycle_next(&s, order, vis, &pos, 5, &dwell), PANE_CACHE);
	assert_int_equal(kiosk_cycle_next(&s, order, vis, &pos, 5, &dwell), PANE_RETENTION);
	assert_int_equal(kiosk_cycle_next(&s, order, vis, &pos, 5, &dwell), PANE_CHUNKS);
	assert_int_equal(kiosk_cycle_next(&s, order, vis, &pos, 5, &dwell), PANE_CACHE);
	snapshot_free(&s);
}

static void test_ui_spark(void **state)
{
	(void)state;
	struct trends *t = calloc(1, sizeof *t);
	char buf[128];
	assert_non_null(t);
	trends_init(t);
	assert_string_equal(ui_spark(buf, sizeof buf, t, "poll.ms", 8, true), "");   /* no history */
	trends_tick(t);
	trends_push(t, "poll.ms", 10);
	assert_string_equal(ui_spark(buf, sizeof buf, t, "poll.ms", 8, true), "");   /* one point is no line */
	trends_tick(t);
	trends_push(t, "poll.ms", 20);
	trends_tick(t);
	trends_push(t, "poll.ms", 30);
	ui_spark(buf, sizeof buf, t, "poll.ms", 4, true);
	assert_string_equal(buf, " \u2581\u2585\u2588");
	ui_spark(buf, sizeof buf, t, "poll.ms", 4, false);
	assert_string_equal(buf, " .=#");
	free(t);
}

static void test_polls_flag(void **state)
{
	(void)state;
	struct options o;
	char *ok[] = { "tsdbtop", "--polls", "200", NULL };
	assert_int_equal(cli_parse(&o, 3, ok, stderr), 0);
	assert_int_equal(o.polls, 200);
	char *none[] = { "tsdbtop", NULL };
	assert_int_equal(cli_parse(&o, 1, none, stderr), 0);
	assert_int_equal(o.polls, 0);                   /* default: run until quit */
	static const char *bad[] = { "0", "-3", "2x", "", "1e3", "99999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[] = { "tsdbtop", "--polls", (char *)bad[i], NULL };
		char msg[256] = "";
		FILE *err = fmemopen(msg, sizeof msg - 1, "w");
		assert_non_null(err);
		assert_int_equal(cli_parse(&o, 3, argv, err), 2);
		fclose(err);
		assert_non_null(strstr(msg, "--polls"));
	}
}

static void test_flags_over_config(void **state)
{
	(void)state;
	struct options o;
	struct config c;
	char *argv[] = { "tsdbtop", "--interval", "5", "--kiosk", "--cycle", "15", NULL };
	assert_int_equal(cli_parse(&o, 6, argv, stderr), 0);
	config_defaults(&c);
	char err[256];
	assert_int_equal(config_set(&c, "console.theme", "light", "file:2", err, sizeof err), 0);
	assert_int_equal(config_set(&c, "console.interval", "10", "file:3", err, sizeof err), 0);
	assert_int_equal(config_set(&c, "thresholds.backlog_crit", "7", "file:4", err, sizeof err), 0);
	assert_int_equal(cli_merge_config(&o, &c, stderr), 0);
	assert_float_equal(o.interval, 5, 1e-9);       /* the flag wins */
	assert_string_equal(o.theme, "light");          /* the file where no flag */
	assert_true(o.kiosk);
	assert_true(o.read_only);                       /* kiosk is read-only */
	assert_float_equal(o.cycle, 15, 1e-9);
	assert_ptr_equal(o.config, &c);
	assert_int_equal(o.config->th.backlog_crit, 7);
	FILE *f = tmpfile();
	assert_non_null(f);
	config_print(&c, f);
	rewind(f);
	char text[8192];
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "# --interval"));
	assert_non_null(strstr(text, "# --kiosk"));
	assert_non_null(strstr(text, "# file:2"));
	assert_null(strstr(text, "# file:3"));        /* overridden by --interval */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quit_sequence),
		cmocka_unit_test(test_state_words),
		cmocka_unit_test(test_cycle_order),
		cmocka_unit_test(test_ui_spark),
		cmocka_unit_test(test_polls_flag),
		cmocka_unit_test(test_flags_over_config),
	};
	return cmocka_run_group_tests_name("kiosk", tests, NULL, NULL);
}
