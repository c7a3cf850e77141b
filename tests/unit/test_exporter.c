/* Unit: the exporter's pure parts (tui/exporter/): the read-only
 * connection string (parsed back with libpq's own PQconninfoParse), the
 * --listen address, the store the HTTP side reads (swap, one server or
 * all, names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tui/exporter/exp_int.h"

static char *kw(const char *conninfo, const char *key)
{
	static char v[1024];
	char *err = NULL;
	PQconninfoOption *o = PQconninfoParse(conninfo, &err);
	assert_non_null(o);
	v[0] = '\0';
	for (PQconninfoOption *p = o; p->keyword; p++)
		if (!strcmp(p->keyword, key) && p->val)
			snprintf(v, sizeof v, "%s", p->val);
	PQconninfoFree(o);
	return v;
}

static void test_ro_conninfo(void **state)
{
	(void)state;
	char err[256];
	unsetenv("PGOPTIONS");
	char *c = exp_ro_conninfo("host=db1 port=5433 dbname='my db' password='it\\'s\\\\x'", err, sizeof err);
	assert_non_null(c);
	assert_string_equal(kw(c, "host"), "db1");
	assert_string_equal(kw(c, "dbname"), "my db");
	assert_string_equal(kw(c, "password"), "it's\\x");
	assert_string_equal(kw(c, "options"), "-c default_transaction_read_only=on");
	assert_string_equal(kw(c, "application_name"), "tsdbtop-exporter");
	free(c);
	c = exp_ro_conninfo("postgresql://u:pw@h1,h2:6000/x?options=-c%20work_mem%3D8MB&application_name=me",
			    err, sizeof err);
	assert_non_null(c);
	assert_string_equal(kw(c, "host"), "h1,h2");
	assert_string_equal(kw(c, "user"), "u");
	assert_string_equal(kw(c, "options"), "-c work_mem=8MB -c default_transaction_read_only=on");
	assert_string_equal(kw(c, "application_name"), "me");
	free(c);
	setenv("PGOPTIONS", "-c search_path=x", 1);      /* PGOPTIONS is kept, read-only added */
	c = exp_ro_conninfo(NULL, err, sizeof err);
	assert_non_null(c);
	assert_string_equal(kw(c, "options"), "-c search_path=x -c default_transaction_read_only=on");
	assert_string_equal(kw(c, "host"), "");
	free(c);
	unsetenv("PGOPTIONS");
	c = exp_ro_conninfo("host=db1 options='-c default_transaction_read_only=off'", err, sizeof err);
	assert_non_null(c);                               /* the last -c wins: on */
	assert_string_equal(kw(c, "options"),
			    "-c default_transaction_read_only=off -c default_transaction_read_only=on");
	free(c);
	assert_null(exp_ro_conninfo("host='unterminated", err, sizeof err));
	assert_non_null(strstr(err, "bad connection string"));
	assert_null(strchr(err, '\n'));
	assert_null(exp_ro_conninfo("nokey", err, sizeof err));
}

static void test_listen(void **state)
{
	(void)state;
	struct exp_addr a;
	char err[256];
	assert_int_equal(exp_listen_parse(&a, "127.0.0.1:9188", err, sizeof err), 0);
	assert_int_equal(a.sa.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&a.sa)->sin_port), 9188);
	assert_int_equal(exp_listen_parse(&a, "[::1]:80", err, sizeof err), 0);
	assert_int_equal(a.sa.ss_family, AF_INET6);
	assert_int_equal(exp_listen_parse(&a, ":9188", err, sizeof err), 0);
	assert_int_equal(((struct sockaddr_in *)&a.sa)->sin_addr.s_addr, htonl(INADDR_ANY));
	const char *bad[] = { "9188", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
			      "127.0.0.1:9x", "localhost:9188", "::1:80", "[::1]80", "[nope]:80", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(exp_listen_parse(&a, bad[i], err, sizeof err), -1);
		assert_true(strlen(err) > 0 && !strchr(err, '\n'));
	}
}

static void test_store(void **state)
{
	(void)state;
	struct fleet *f = calloc(1, sizeof *f);
	struct exp_store st;
	assert_non_null(f);
	f->n = 2;
	snprintf(f->t[0].name, sizeof f->t[0].name, "plant1");
	snprintf(f->t[1].name, sizeof f->t[1].name, "plant2");
	assert_int_equal(exp_store_init(&st, f), 0);
	assert_int_equal(exp_store_find(&st, "plant2"), 1);
	assert_int_equal(exp_store_find(&st, "plant3"), -1);
	for (int i = 0; i < 2; i++) {
		struct prom_text *t = calloc(1, sizeof *t);
		struct prom_server ps = { .name = f->t[i].name, .up = i == 0, .polled_at = 100, .polls = 3 };
		assert_int_equal(prom_render(t, NULL, &ps), 0);
		exp_store_swap(&st, i, &t);
		assert_non_null(t);                           /* the empty first text comes back */
		prom_text_free(t);
		free(t);
	}
	struct prom_buf all = { 0 }, one = { 0 };
	assert_int_equal(exp_store_render(&st, -1, &all, 110), 0);
	assert_int_equal(exp_store_render(&st, 1, &one, 110), 0);
	assert_non_null(strstr(all.p, "tsdbtop_up{server=\"plant1\"} 1\n"));
	assert_non_null(strstr(all.p, "tsdbtop_up{server=\"plant2\"} 0\n"));
	assert_non_null(strstr(all.p, "tsdbtop_scrape_age_seconds{server=\"plant2\"} 10\n"));
	assert_null(strstr(one.p, "plant1"));
	assert_non_null(strstr(one.p, "tsdbtop_up{server=\"plant2\"} 0\n"));
	prom_buf_free(&all);
	prom_buf_free(&one);
	exp_store_free(&st);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ro_conninfo),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_store),
	};
	return cmocka_run_group_tests_name("exporter", tests, NULL, NULL);
}
