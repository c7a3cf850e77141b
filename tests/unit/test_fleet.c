/* Unit: the servers to watch (positional CONNINFOs, configured names,
 * [server NAME] sections) and their names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tsdbtop/cli.h"
#include "tsdbtop/config.h"
#include "tsdbtop/fleet.h"

static struct fleet f;

static void parse(struct options *o, int argc, char **argv)
{
	assert_int_equal(cli_parse(o, argc, argv, stderr), 0);
}

static void test_label(void **state)
{
	(void)state;
	char b[64];
	fleet_label(b, sizeof b, "host=db1 port=5433 dbname=m");
	assert_string_equal(b, "db1:5433/m");
	fleet_label(b, sizeof b, "postgresql://u:pw@db2/x");
	assert_string_equal(b, "db2/x");
	fleet_label(b, sizeof b, "host=/var/run/postgresql dbname=d");
	assert_string_equal(b, "local/d");
	fleet_label(b, sizeof b, "service=prod");
	assert_string_equal(b, "service=prod");
	fleet_label(b, sizeof b, "not a conninfo '");
	assert_string_equal(b, "local");
}

static void test_positional_and_names(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	c.nservers = 1;
	snprintf(c.servers[0].name, sizeof c.servers[0].name, "plant");
	snprintf(c.servers[0].conninfo, sizeof c.servers[0].conninfo, "host=p dbname=mes");
	struct options o;
	char *argv[] = { "tsdbtop", "-U", "me", "host=a dbname=x", "plant", "host=a dbname=x", NULL };
	parse(&o, 6, argv);
	o.config = &c;
	char err[80];
	assert_int_equal(fleet_build(&f, &o, err, sizeof err), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.t[0].name, "a/x");
	assert_string_equal(f.t[1].name, "plant");
	assert_string_equal(f.t[1].conninfo, "host=p dbname=mes");
	assert_true(f.t[1].named);
	assert_string_equal(f.t[2].name, "a/x#2");
	assert_string_equal(f.t[1].opt.conninfo, "host=p dbname=mes");
	assert_string_equal(f.t[1].opt.user, "me");        /* flags apply to every server */
}

static void test_sections_and_single(void **state)
{
	(void)state;
	struct config c;
	config_defaults(&c);
	c.nservers = 2;
	snprintf(c.servers[0].name, sizeof c.servers[0].name, "a");
	snprintf(c.servers[0].conninfo, sizeof c.servers[0].conninfo, "host=a");
	snprintf(c.servers[1].name, sizeof c.servers[1].name, "b");
	snprintf(c.servers[1].conninfo, sizeof c.servers[1].conninfo, "host=b");
	struct options o;
	char err[80];
	char *none[] = { "tsdbtop", NULL };
	parse(&o, 1, none);
	o.config = &c;
	assert_int_equal(fleet_build(&f, &o, err, sizeof err), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(fleet_find(&f, "b"), 1);
	assert_int_equal(fleet_find(&f, "c"), -1);
	char *host[] = { "tsdbtop", "-h", "db9", "-p", "6000", NULL };  /* -h: that server alone */
	parse(&o, 5, host);
	o.config = &c;
	assert_int_equal(fleet_build(&f, &o, err, sizeof err), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.t[0].name, "db9:6000");
	assert_null(f.t[0].conninfo);
	o.config = NULL;                                  /* no configuration at all */
	parse(&o, 1, none);
	assert_int_equal(fleet_build(&f, &o, err, sizeof err), 0);
	assert_int_equal(f.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_positional_and_names),
		cmocka_unit_test(test_sections_and_single),
	};
	return cmocka_run_group_tests_name("fleet", tests, NULL, NULL);
}
