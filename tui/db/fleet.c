/* fleet — the servers to watch, from the command line or the configuration. */
#include "tsdbtop/fleet.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

static const char *opt_value(const PQconninfoOption *opts, const char *kw)
{
	for (const PQconninfoOption *p = opts; p && p->keyword; p++)
		if (!strcmp(p->keyword, kw))
			return p->val && *p->val ? p->val : NULL;
	return NULL;
}

void fleet_label(char *buf, size_t n, const char *conninfo)
{
	char *err = NULL;
	PQconninfoOption *opts = conninfo ? PQconninfoParse(conninfo, &err) : NULL;
	PQfreemem(err);
	const char *host = opt_value(opts, "host"), *port = opt_value(opts, "port");
	const char *db = opt_value(opts, "dbname"), *svc = opt_value(opts, "service");
	if (!host && opt_value(opts, "hostaddr"))
		host = opt_value(opts, "hostaddr");
	if (svc && !host)
		snprintf(buf, n, "service=%s", svc);
	else
		snprintf(buf, n, "%s%s%s%s%s", host && host[0] != '/' ? host : "local", port ? ":" : "",
			 port ? port : "", db ? "/" : "", db ? db : "");
	PQconninfoFree(opts);
}

int fleet_find(const struct fleet *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->t[i].name, name))
			return i;
	return -1;
}

/* Names stay unique: a second "db:5432/x" becomes "db:5432/x#2". */
static void unique_name(struct fleet *f, struct fleet_target *t)
{
	char base[CONFIG_SERVER_NAME];
	snprintf(base, sizeof base, "%s", t->name);
	for (int k = 2; fleet_find(f, t->name) >= 0; k++)
		snprintf(t->name, sizeof t->name, "%.55s#%d", base, k);
}

static struct fleet_target *add(struct fleet *f, const struct options *o, const char *name,
				const char *conninfo, bool named)
{
	struct fleet_target *t = &f->t[f->n];
	memset(t, 0, sizeof *t);
	if (name)
		snprintf(t->name, sizeof t->name, "%s", name);
	else if (conninfo)
		fleet_label(t->name, sizeof t->name, conninfo);
	else    /* -h -p -d, or libpq's defaults (PGHOST, ...) */
		snprintf(t->name, sizeof t->name, "%.30s%s%.8s%s%.20s",
			 o->host && o->host[0] != '/' ? o->host : "local", o->port ? ":" : "",
			 o->port ? o->port : "", o->dbname ? "/" : "", o->dbname ? o->dbname : "");
	unique_name(f, t);
	t->conninfo = conninfo;
	t->named = named;
	t->opt = *o;
	t->opt.conninfo = conninfo;
	t->opt.ntargets = conninfo ? 1 : 0;
	t->opt.targets[0] = conninfo;
	f->n++;
	return t;
}

int fleet_build(struct fleet *f, const struct options *o, char *err, size_t errsz)
{
	const struct config *c = o->config;
	f->n = 0;
	if (o->ntargets > FLEET_MAX) {
		snprintf(err, errsz, "at most %d servers", FLEET_MAX);
		return -1;
	}
	for (int i = 0; i < o->ntargets; i++) {
		const struct config_server *sv = c ? config_server_find(c, o->targets[i]) : NULL;
		if (sv)
			add(f, o, sv->name, sv->conninfo, true);
		else
			add(f, o, NULL, o->targets[i], false);
	}
	bool own = o->host || o->port || o->dbname;   /* -h/-p/-d: that one server */
	for (int i = 0; !o->ntargets && !own && c && i < c->nservers; i++)
		add(f, o, c->servers[i].name, c->servers[i].conninfo, true);
	if (f->n == 0)
		add(f, o, NULL, o->conninfo, false);
	return 0;
}
