/* exporter — `tsdbtop exporter`: the Prometheus exporter (issue #14). */
#include <stdio.h>

#include "tsdbtop/commands.h"

int cmd_exporter(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "tsdbtop exporter: not available yet\n");
	return 2;
}
