/* conn_params — what a connection hands to PQconnectStartParams, and the
 * command line's flags as keywords. See conn_params.h and conn_int.h. */
#include "conn_int.h"
#include "conn_params.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

int conn_params_from_cli(const struct options *o, const char *dbname,
			 const char *kw[CONN_CLI_PARAMS], const char *val[CONN_CLI_PARAMS])
{
	const char *const keys[] = { "host", "port", "user", "dbname" };
	const char *const given[] = { o->host, o->port, o->user, dbname ? dbname : o->dbname };
	int n = 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (!given[i])
			continue;
		kw[n] = keys[i];
		val[n++] = given[i];
	}
	kw[n] = val[n] = NULL;
	return n;
}

/* libpq's default gssencmode=prefer asks Kerberos for credentials on every
 * TCP connect, which maps the krb5 libraries' pages (~0.6 MB resident, make
 * bench). Where Kerberos cannot have any (no krb5.conf, no KRB5_CONFIG, no
 * KRB5CCNAME, no default file cache), prefer finds none and goes on without
 * GSS encryption: say disable up front, the same outcome. Never where the
 * user may have chosen (PGGSSENCMODE, a service file); a gssencmode in the
 * conninfo comes later in the parameters and wins. */
static bool gss_pointless(const char *conninfo)
{
	char cc[64];
	if (getenv("PGGSSENCMODE") || getenv("PGSERVICE") || getenv("KRB5_CONFIG") || getenv("KRB5CCNAME"))
		return false;
	for (const char *p = conninfo; p && *p; p++)
		if (strncasecmp(p, "service", 7) == 0)
			return false;
	snprintf(cc, sizeof cc, "/tmp/krb5cc_%lu", (unsigned long)getuid());
	return access("/etc/krb5.conf", F_OK) != 0 && access(cc, F_OK) != 0;
}

size_t cn_build_params(const struct conn *c, const char **kw, const char **val, size_t max)
{
	size_t n = 0;
	if (gss_pointless(c->conninfo)) {
		kw[n] = "gssencmode";
		val[n++] = "disable";
	}
	if (c->conninfo) {
		kw[n] = "dbname";
		val[n++] = c->conninfo;
	}
	for (size_t i = 0; c->kw && c->kw[i] && n + 7 < max; i++) {
		kw[n] = c->kw[i];
		val[n++] = c->vals[i];
	}
	if (c->password) {
		kw[n] = "password";
		val[n++] = c->password;
	}
	kw[n] = "fallback_application_name";
	val[n++] = "tsdbtop";
	kw[n] = NULL;
	val[n] = NULL;
	return n;
}
