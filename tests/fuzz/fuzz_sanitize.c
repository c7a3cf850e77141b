/* libFuzzer: names from the database on their way to the screen. Output
 * never holds a control or escape character and never exceeds its width. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tsdbtop/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char out[64];
	sanitize_text(out, sizeof out, s);
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			__builtin_trap();
	for (int w = 0; w < 20; w += 7) {
		text_fit(out, sizeof out, s, w, true);
		if (text_width(out) > w)
			__builtin_trap();
		text_fit(out, sizeof out, s, w, false);
		if (text_width(out) > w)
			__builtin_trap();
	}
	free(s);
	return 0;
}
