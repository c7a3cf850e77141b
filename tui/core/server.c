/* server — helpers over struct server_info (pure). */
#include "tsdbtop/server.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* "MAJ.MIN[.PAT][-suffix]" -> MAJ*10000 + MIN*100 + PAT; 0 when not a version.
 * strtol, not sscanf("%d"): the text comes from the server, and an
 * out-of-range %d conversion (or MAJ*10000 overflowing) is undefined. */
static int version_part(const char **p, long max, long *out)
{
	char *end;
	if (!isdigit((unsigned char)**p))
		return -1;
	errno = 0;
	*out = strtol(*p, &end, 10);
	if (errno || *out > max)
		return -1;
	*p = end;
	return 0;
}

int server_parse_ts_version(const char *s)
{
	long maj = 0, min = 0, pat = 0;
	if (!s || version_part(&s, 9999, &maj) || *s++ != '.' || version_part(&s, 99, &min))
		return 0;
	if (*s == '.' && isdigit((unsigned char)s[1])) {
		s++;
		if (version_part(&s, 99, &pat))
			return 0;
	}
	return (int)(maj * 10000 + min * 100 + pat);
}

bool server_update_pending(const struct server_info *si)
{
	if (!si->ts_installed || !si->ts_default_version[0])
		return false;
	return server_parse_ts_version(si->ts_default_version) > si->ts_version_num;
}

const char *server_license_name(enum ts_license l)
{
	switch (l) {
	case LICENSE_APACHE: return "apache";
	case LICENSE_TIMESCALE: return "timescale";
	case LICENSE_NONE: return "-";
	default: return "unknown";
	}
}
