/* server — helpers over struct server_info (pure). */
#include "tsdbtop/server.h"

#include <stdio.h>

int server_parse_ts_version(const char *s)
{
	int maj = 0, min = 0, pat = 0;
	if (!s || sscanf(s, "%d.%d.%d", &maj, &min, &pat) < 2)
		return 0;
	if (maj < 0 || min < 0 || min > 99 || pat < 0 || pat > 99)
		return 0;
	return maj * 10000 + min * 100 + pat;
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
