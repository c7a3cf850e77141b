/* action_plan — the pure half of the action layer: plans as data, the SQL
 * shown in dialogs, and what this server/license/mode allows. No libpq
 * calls here, so it can be unit-tested. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/action.h"

void action_plan_init(struct action_plan *p, enum action_kind k, const char *title)
{
	memset(p, 0, sizeof *p);
	p->kind = k;
	p->total_bytes = 0;
	snprintf(p->title, sizeof p->title, "%s", title ? title : action_kind_name(k));
}

struct action_step *action_plan_add(struct action_plan *p)
{
	if (p->nsteps == p->cap) {
		int cap = p->cap ? p->cap * 2 : 8;
		struct action_step *v = realloc(p->steps, (size_t)cap * sizeof *v);
		if (!v)
			return NULL;
		p->steps = v;
		p->cap = cap;
	}
	struct action_step *s = &p->steps[p->nsteps++];
	memset(s, 0, sizeof *s);
	s->bytes_before = s->bytes_after = NAN;
	return s;
}

void action_plan_free(struct action_plan *p)
{
	free(p->steps);
	p->steps = NULL;
	p->nsteps = p->cap = 0;
}

static bool needs_quotes(const char *s)
{
	if (!*s || !(islower((unsigned char)*s) || *s == '_'))
		return true;
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return true;
	return false;
}

char *action_quote_ident(char *buf, size_t n, const char *ident)
{
	size_t o = 0;
	if (!n)
		return buf;
	if (!needs_quotes(ident)) {
		snprintf(buf, n, "%s", ident);
		return buf;
	}
	if (o + 1 < n)
		buf[o++] = '"';
	for (const char *p = ident; *p && o + 3 < n; p++) {
		if (*p == '"')
			buf[o++] = '"';
		buf[o++] = *p;
	}
	if (o + 1 < n)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

char *action_qualify(char *buf, size_t n, const char *schema, const char *name)
{
	char s[NAME_LEN * 2 + 4], t[NAME_LEN * 2 + 4];
	if (schema && *schema)
		snprintf(buf, n, "%s.%s", action_quote_ident(s, sizeof s, schema),
			 action_quote_ident(t, sizeof t, name));
	else
		snprintf(buf, n, "%s", action_quote_ident(t, sizeof t, name));
	return buf;
}

/* 'text' with quotes doubled */
static size_t put_literal(char *buf, size_t n, size_t o, const char *v)
{
	if (o + 1 < n)
		buf[o++] = '\'';
	for (const char *p = v; *p && o + 3 < n; p++) {
		if (*p == '\'')
			buf[o++] = '\'';
		buf[o++] = *p;
	}
	if (o + 1 < n)
		buf[o++] = '\'';
	return o;
}

char *action_show_sql(char *buf, size_t n, const struct action_step *st)
{
	size_t o = 0;
	if (!n)
		return buf;
	if (st->ident) {
		char q[NAME_LEN * 2 + 8];
		action_qualify(q, sizeof q, st->ident_schema, st->ident_name);
		/* the one %s of an identifier statement */
		const char *pct = strstr(st->sql, "%s");
		if (pct)
			snprintf(buf, n, "%.*s%s%s", (int)(pct - st->sql), st->sql, q, pct + 2);
		else
			snprintf(buf, n, "%s", st->sql);
		return buf;
	}
	for (const char *p = st->sql; *p && o + 1 < n;) {
		if (*p == '$' && isdigit((unsigned char)p[1])) {
			int k = 0;
			const char *q = p + 1;
			while (isdigit((unsigned char)*q))
				k = k * 10 + (*q++ - '0');
			if (k >= 1 && k <= st->nparams) {
				if (st->param_null[k - 1]) {
					const char *nul = "NULL";
					for (; *nul && o + 1 < n; nul++)
						buf[o++] = *nul;
				} else {
					o = put_literal(buf, n, o, st->params[k - 1]);
				}
				p = q;
				continue;
			}
		}
		buf[o++] = *p++;
	}
	buf[o < n ? o : n - 1] = '\0';
	return buf;
}

const char *action_kind_name(enum action_kind k)
{
	static const char *const names[ACT_KIND_COUNT] = {
		[ACT_NONE] = "none", [ACT_COMPRESS] = "compress",
		[ACT_COMPRESS_CHUNK] = "compress-chunk", [ACT_DECOMPRESS_CHUNK] = "decompress-chunk",
		[ACT_REFRESH] = "refresh", [ACT_JOB_RUN] = "job-run", [ACT_JOB_PAUSE] = "job-pause",
		[ACT_JOB_RESUME] = "job-resume", [ACT_RETENTION] = "retention",
		[ACT_ANALYZE] = "analyze", [ACT_MAINTENANCE] = "maintenance",
		[ACT_RETENTION_POLICY] = "retention-policy", [ACT_CUSTOM] = "custom",
	};
	return (unsigned)k < ACT_KIND_COUNT && names[k] ? names[k] : "?";
}

const char *action_unavailable(enum action_kind k, const struct server_info *si,
			       bool read_only, char *buf, size_t n)
{
	if (read_only) {
		snprintf(buf, n, "read-only mode: %s is disabled", action_kind_name(k));
		return buf;
	}
	if (k == ACT_CUSTOM)
		return NULL;
	if (!si || !si->valid) {
		snprintf(buf, n, "not connected yet");
		return buf;
	}
	if (si->in_recovery) {
		snprintf(buf, n, "the server is a replica (in recovery): it cannot be changed");
		return buf;
	}
	if (k == ACT_ANALYZE)
		return NULL;
	if (!si->ts_installed) {
		snprintf(buf, n, "TimescaleDB is not installed in database %s", si->database);
		return buf;
	}
	bool tsl = k == ACT_COMPRESS || k == ACT_COMPRESS_CHUNK || k == ACT_DECOMPRESS_CHUNK ||
		   k == ACT_REFRESH || k == ACT_JOB_RUN || k == ACT_JOB_PAUSE || k == ACT_JOB_RESUME;
	if (tsl && si->license == LICENSE_APACHE) {
		snprintf(buf, n, "%s needs the Timescale license; this server runs the Apache "
			 "license (no compression, continuous aggregates or jobs)", action_kind_name(k));
		return buf;
	}
	if (si->ts_version_num && si->ts_version_num < 21100) {
		snprintf(buf, n, "%s needs TimescaleDB 2.11 or later (this is %s)", action_kind_name(k),
			 si->ts_version);
		return buf;
	}
	/* the plan queries (action_sql.c) read every catalog layout 2.11-2.29 */
	return NULL;
}

/* Run now. A running scheduler is asked to start the job (its worker runs
 * it, job_stats and job_history record the run, its locks and timeouts are
 * the job's own). A paused job it skips whatever its next_start, so then, as
 * where no scheduler runs (embedded), CALL run_job runs it in the action
 * session and waits for it; next_start is left as it is (set to now() it
 * would make a later resume start the job at once). */
void action_plan_job_run(struct action_plan *p, struct action_step *s, int id, const char *what,
			 bool scheduled, bool scheduler_running, bool held)
{
	if (scheduled && scheduler_running && !held) {
		snprintf(s->sql, sizeof s->sql, "SELECT @ts.alter_job($1::int, next_start => now())");
		snprintf(s->desc, sizeof s->desc, "schedule job %d now via alter_job (next_start => now())", id);
		snprintf(p->note, sizeof p->note, "the scheduler is running: it starts the job within seconds "
			 "(next_start => now()); the run is recorded in job_stats");
		snprintf(p->effect, sizeof p->effect, "the scheduler runs %s once, now", what);
		return;
	}
	snprintf(s->sql, sizeof s->sql, "CALL @ts.run_job($1::int)");
	snprintf(s->desc, sizeof s->desc, "run job %d in this session with CALL run_job", id);
	if (!scheduled)
		snprintf(p->note, sizeof p->note, "job %d is paused: the scheduler skips it, so it runs here with "
			 "CALL run_job and waits (it stays paused, next_start untouched)", id);
	else if (held && scheduler_running)
		snprintf(p->note, sizeof p->note, "job %d's last run never ended (a server restart or a crash): the "
			 "scheduler holds it back at least 5 minutes whatever next_start says, so it runs here with "
			 "CALL run_job and waits", id);
	else
		snprintf(p->note, sizeof p->note, "no scheduler is running: CALL run_job runs the job here, "
			 "in the action session, and waits for it (job statistics are not updated)");
	snprintf(p->effect, sizeof p->effect, "runs %s once, in this session", what);
}
