/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command table. main() strips the global options (-j, -p, -q), then
 * calls the command with argv[0] = the command's name. A command returns
 * 0, a negative errno with the reason recorded by fail() (exit 1), or
 * -EUSAGE via fail_usage() (exit 2). "COMMAND --help" prints the
 * command's help to stdout and returns 0.
 */
#ifndef FABRICCTL_CLI_COMMANDS_H
#define FABRICCTL_CLI_COMMANDS_H

#include <stdbool.h>

struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
	const char *summary; /* one line for "fabricctl help" */
	bool needs_root;     /* checked before anything is touched */
};

int cmd_create(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_add_node(int argc, char **argv);
int cmd_del_node(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_exporter(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_impair(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
