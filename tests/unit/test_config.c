/* Unit: the configuration file (libinih), flag overrides, --print-config. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsdbtop/config.h"

static char path[64];

static const char *write_file(const char *text, size_t len)
{
	snprintf(path, sizeof path, "/tmp/tsdbtop-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static int load_text(struct config *c, const char *text, char *errs, size_t n)
{
	config_defaults(c);
	int rc = config_load(c, write_file(text, strlen(text)), true, errs, n);
	unlink(path);
	return rc;
}

static void test_defaults(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	assert_float_equal(c.interval, 2, 1e-9);
	assert_string_equal(c.theme, "default");
	assert_false(c.read_only);
	assert_int_equal(c.th.chunks_warn, 1000);
	for (int i = 0; i < PANE_COUNT; i++)
		assert_true(c.pane_visible[i]);
	assert_true(config_key_count() > 20);
}

static void test_good_file(void **state)
{
	(void)state;
	struct config c;
	char errs[1024];
	int rc = load_text(&c,
		"# comment\n"
		"[console]\ninterval = 5s\ntheme = high-contrast\nread_only = yes\n"
		"[connection]\nstatement_timeout = 1m\n"
		"[panes]\norder = caggs, chunks\n"
		"[thresholds]\nchunks_warn = 50\ncache_warn = 97%\nchunk_bytes_warn = 2GB\n"
		"[kiosk]\nenabled = on\ncycle = 15\n", errs, sizeof errs);
	assert_int_equal(rc, 0);
	assert_string_equal(errs, "");
	assert_float_equal(c.interval, 5, 1e-9);
	assert_string_equal(c.theme, "high-contrast");
	assert_true(c.read_only);
	assert_float_equal(c.statement_timeout, 60, 1e-9);
	assert_int_equal(c.pane_order[0], PANE_CAGGS);
	assert_int_equal(c.pane_order[1], PANE_CHUNKS);
	assert_true(c.pane_visible[PANE_CAGGS]);
	assert_false(c.pane_visible[PANE_CACHE]);
	assert_int_equal(c.th.chunks_warn, 50);
	assert_float_equal(c.th.cache_warn, 0.97, 1e-9);
	assert_float_equal(c.th.chunk_bytes_warn, 2.0 * 1024 * 1024 * 1024, 1);
	assert_true(c.kiosk);
	assert_float_equal(c.kiosk_cycle, 15, 1e-9);
	/* untouched keys keep their defaults */
	assert_int_equal(c.th.chunks_crit, 10000);
}

/* Bad lines are reported with file and line; the rest still loads. */
static void test_bad_values_reported_rest_loads(void **state)
{
	(void)state;
	struct config c;
	char errs[2048];
	int rc = load_text(&c,
		"[console]\n"
		"interval = soon\n"          /* 2 */
		"theme = light\n"            /* 3: still loads */
		"colour = red\n"             /* 4 */
		"[thresholds]\n"
		"chunks_warn = -3\n"         /* 6 */
		"chunks_crit = 2.5\n"        /* 7 */
		"interval = 3\n"             /* 8: wrong section */
		"[panes]\norder = chunks, nope\n"  /* 10 */
		"[console]\nread_only = maybe\n",  /* 12 */
		errs, sizeof errs);
	assert_int_equal(rc, 7);
	assert_string_equal(c.theme, "light");
	assert_float_equal(c.interval, 2, 1e-9);
	assert_int_equal(c.th.chunks_warn, 1000);
	assert_non_null(strstr(errs, ":2: interval: 'soon' is not a valid duration"));
	assert_non_null(strstr(errs, ":4: unknown key 'colour' in [console]"));
	assert_non_null(strstr(errs, ":6: chunks_warn: -3 must be a whole number between 1 and"));
	assert_non_null(strstr(errs, ":7: chunks_crit:"));
	assert_non_null(strstr(errs, ":8: 'interval' belongs in another section"));
	assert_non_null(strstr(errs, ":10: order: unknown pane 'nope'"));
	assert_non_null(strstr(errs, ":12: read_only: 'maybe' is not yes or no"));
	for (int i = 0; i < PANE_COUNT; i++)
		assert_true(c.pane_visible[i]);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct config c;
	char errs[512];
	config_defaults(&c);
	assert_int_equal(config_load(&c, "/nonexistent/tsdbtop.conf", false, errs, sizeof errs), 0);
	assert_int_equal(config_load(&c, "/nonexistent/tsdbtop.conf", true, errs, sizeof errs), 1);
	assert_string_equal(errs, "/nonexistent/tsdbtop.conf: No such file or directory\n");
}

static void test_binary_and_huge_and_long(void **state)
{
	(void)state;
	struct config c;
	char errs[1024];
	static const char bin[] = "[console]\ninterval = 7\n\0\x01\x02garbage";
	config_defaults(&c);
	const char *p = write_file(bin, sizeof bin);
	assert_true(config_load(&c, p, true, errs, sizeof errs) >= 1);
	unlink(path);
	assert_non_null(strstr(errs, "binary data"));
	assert_float_equal(c.interval, 2, 1e-9);       /* nothing taken from it */

	size_t big = CONFIG_FILE_MAX + 10;
	char *huge = malloc(big);
	assert_non_null(huge);
	memset(huge, '#', big);
	config_defaults(&c);
	p = write_file(huge, big);
	assert_int_equal(config_load(&c, p, true, errs, sizeof errs), 1);
	unlink(path);
	free(huge);
	assert_non_null(strstr(errs, "larger than"));

	char line[600];
	memset(line, 'x', sizeof line);
	memcpy(line, "[console]\ntheme = ", 18);
	line[sizeof line - 2] = '\n';
	line[sizeof line - 1] = '\0';
	char text[700];
	snprintf(text, sizeof text, "%sinterval = 9\n", line);
	assert_int_equal(load_text(&c, text, errs, sizeof errs), 1);
	assert_non_null(strstr(errs, ":2: line too long"));
	assert_string_equal(c.theme, "default");
	assert_float_equal(c.interval, 9, 1e-9);
}

static void test_flags_override_and_print(void **state)
{
	(void)state;
	struct config c;
	char errs[512], err[256];
	assert_int_equal(load_text(&c, "[console]\ninterval = 5\ntheme = light\n", errs, sizeof errs), 0);
	assert_int_equal(config_set(&c, "interval", "0.5", "--interval", err, sizeof err), 0);
	assert_int_equal(config_set(&c, "thresholds.backlog_crit", "7", "--crit", err, sizeof err), 0);
	assert_int_equal(config_set(&c, "bogus", "1", "--x", err, sizeof err), -1);
	assert_string_equal(err, "unknown setting 'bogus'");
	assert_int_equal(config_set(&c, "interval", "0", "--interval", err, sizeof err), -1);
	assert_float_equal(c.interval, 0.5, 1e-9);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	config_print(&c, f);
	fclose(f);
	assert_non_null(strstr(buf, "[console]\n"));
	assert_non_null(strstr(buf, "interval           = 0.5"));
	assert_non_null(strstr(buf, "# --interval"));
	assert_non_null(strstr(buf, "theme              = light"));
	assert_non_null(strstr(buf, "backlog_crit       = 7"));
	assert_non_null(strstr(buf, "# default"));
	assert_non_null(strstr(buf, ":3 (theme name or file)"));   /* FILE:LINE */
	/* every key appears once */
	for (int i = 0; i < config_key_count(); i++) {
		const char *name = strchr(config_key_name(i), '.') + 1;
		char pat[80];
		snprintf(pat, sizeof pat, "\n%s ", name);
		assert_non_null(strstr(buf, pat));
	}
	free(buf);
}

static void test_server_sections(void **state)
{
	(void)state;
	struct config c;
	char errs[2048];
	int rc = load_text(&c,
		"[server plant-1]\nconninfo = host=db1 port=5433 dbname=metrics password=s3cret\n"
		"[server  staging.eu:2]\nconninfo = postgresql://me:pw@db2/x?sslmode=require\n"
		"[server bad name]\nconninfo = host=x\n"
		"[server plant-1]\nconninfo = host=dup\n"
		"[server empty]\n"
		"[server]\nconninfo = host=y\n"
		"[server other]\nhost = z\nconninfo = host=z\n"
		"[console]\ninterval = 3\n",
		errs, sizeof errs);
	assert_int_equal(c.nservers, 3);
	assert_string_equal(c.servers[0].name, "plant-1");
	assert_string_equal(c.servers[0].conninfo, "host=db1 port=5433 dbname=metrics password=s3cret");
	assert_string_equal(c.servers[1].name, "staging.eu:2");
	assert_string_equal(c.servers[2].name, "other");
	assert_non_null(config_server_find(&c, "other"));
	assert_null(config_server_find(&c, "empty"));
	assert_float_equal(c.interval, 3, 1e-9);     /* the rest still loads */
	assert_int_equal(rc, 5);
	assert_non_null(strstr(errs, "[server bad name]: a server name is"));
	assert_non_null(strstr(errs, "[server plant-1] is defined twice"));
	assert_non_null(strstr(errs, "[server empty] has no conninfo"));
	assert_non_null(strstr(errs, "[server ]: a server name is"));
	assert_non_null(strstr(errs, "unknown key 'host' in [server other]"));
	/* --print-config masks passwords */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	config_print(&c, f);
	fclose(f);
	assert_null(strstr(buf, "s3cret"));
	assert_null(strstr(buf, ":pw@"));
	assert_non_null(strstr(buf, "[server plant-1]"));
	assert_non_null(strstr(buf, "password=****"));
	assert_non_null(strstr(buf, "postgresql://me:****@db2/x?sslmode=require"));
	free(buf);
}

static void test_mask_conninfo(void **state)
{
	(void)state;
	char b[200];
	config_mask_conninfo(b, sizeof b, "host=a password = 'it\\'s \\\\ x' user=u");
	assert_string_equal(b, "host=a password=**** user=u");
	config_mask_conninfo(b, sizeof b, "postgres://u@h/db?password=abc&sslmode=disable");
	assert_string_equal(b, "postgres://u@h/db?password=****&sslmode=disable");
	config_mask_conninfo(b, sizeof b, "host=a");
	assert_string_equal(b, "host=a");
	assert_int_equal(config_server_name_ok("a.b_c-d:1"), 0);
	assert_int_equal(config_server_name_ok("a\x1b[31m"), -1);
	assert_int_equal(config_server_name_ok(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_values_reported_rest_loads),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_binary_and_huge_and_long),
		cmocka_unit_test(test_flags_override_and_print),
		cmocka_unit_test(test_server_sections),
		cmocka_unit_test(test_mask_conninfo),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
