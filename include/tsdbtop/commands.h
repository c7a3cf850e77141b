/* commands — the headless subcommands, each `int cmd_x(argc, argv)` with
 * argv[0] the command name. Dispatched from tui/main.c's command table.
 * Exit codes: see headless.h (check uses Nagios' 0..3). */
#ifndef TSDBTOP_COMMANDS_H
#define TSDBTOP_COMMANDS_H

int cmd_check(int argc, char **argv);
int cmd_health(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_jobs(int argc, char **argv);
int cmd_retention(int argc, char **argv);
int cmd_refresh(int argc, char **argv);
int cmd_compress(int argc, char **argv);
int cmd_decompress(int argc, char **argv);
int cmd_job(int argc, char **argv);
int cmd_maintenance(int argc, char **argv);
int cmd_archive(int argc, char **argv);
int cmd_exporter(int argc, char **argv);   /* tui/exporter/ */

#endif
