/* libFuzzer: durations as operators type them and as PostgreSQL prints
 * them, and the formatters fed with what was parsed. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	double v = 12345;
	if (fmt_parse_interval(s, &v) == 0) {
		if (!isfinite(v))
			__builtin_trap();
	} else if (v != 12345) {
		__builtin_trap();       /* failure leaves the output alone */
	}
	char buf[8];
	fmt_duration(buf, sizeof buf, v);
	fmt_bytes(buf, sizeof buf, v);
	fmt_pct(buf, sizeof buf, v / 1e6);
	fmt_count(buf, sizeof buf, (long long)fmod(v, 9e18));
	fmt_time_utc(buf, sizeof buf, (int64_t)fmod(v, 9e18));
	if (strlen(buf) >= sizeof buf)
		__builtin_trap();
	free(s);
	return 0;
}
