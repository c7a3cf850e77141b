/* libFuzzer: theme files. Any bytes: no crash, no leak, no out-of-bounds;
 * on failure the theme is untouched and the error names file and line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsdbtop/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-theme-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	struct theme t, before;
	theme_builtin(&t, "default");
	before = t;
	char err[256] = "";
	if (theme_load_file(&t, path, err, sizeof err) != 0) {
		if (memcmp(&t, &before, sizeof t) != 0 || strncmp(err, path, strlen(path)) != 0)
			__builtin_trap();
	}
	unlink(path);
	return 0;
}
