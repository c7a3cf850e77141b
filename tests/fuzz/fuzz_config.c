/* libFuzzer: the configuration file. Any bytes: no crash, no leak; every
 * error line names the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsdbtop/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-config-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	struct config c;
	char errs[4096];
	config_defaults(&c);
	int n = config_load(&c, path, true, errs, sizeof errs);
	if (n > 0 && strncmp(errs, path, strlen(path)) != 0)
		__builtin_trap();
	if (!(c.interval >= 0.2))
		__builtin_trap();       /* a bad value never gets through */
	FILE *devnull = fopen("/dev/null", "w");
	if (devnull) {
		config_print(&c, devnull);
		fclose(devnull);
	}
	unlink(path);
	return 0;
}
