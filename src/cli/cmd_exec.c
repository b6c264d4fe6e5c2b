// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl exec FABRIC NODE [--] COMMAND [ARG...] */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "kernel/netns.h"

static const char exec_help[] =
	"Usage: fabricctl exec FABRIC NODE [--] COMMAND [ARG...]\n"
	"\n"
	"Run COMMAND inside NODE's network namespace with /sys remounted for it, like\n"
	"`ip netns exec NODE COMMAND`. The exit status is COMMAND's. Global options\n"
	"(-j, -q) go before COMMAND; everything from COMMAND on is COMMAND's own.\n"
	"\n"
	"Example: fabricctl exec lab web1 -- ping -c1 10.42.0.3\n";

int cmd_exec(int argc, char **argv)
{
	const struct fabric_node *n;
	struct fabric_state st;
	const char *fabric, *node;
	int err, first = 3;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(exec_help, stdout);
		return 0;
	}
	if (argc < 4 || (argc == 4 && !strcmp(argv[3], "--")))
		return fail_usage("exec needs FABRIC NODE COMMAND; see `fabricctl exec --help`");
	fabric = argv[1];
	node = argv[2];
	if (!strcmp(argv[3], "--"))
		first = 4;
	else if (argv[3][0] == '-')
		return fail_usage(
			"unknown option \"%s\"; a COMMAND starting with '-' goes after \"--\"",
			argv[3]);
	err = fabric_name_validate(fabric);
	if (!err)
		err = node_name_validate(node);
	if (err)
		return err;
	cmd_context("exec", fabric);
	err = cmd_read_fabric(fabric, &st);
	if (err)
		return err;
	n = state_find_node(&st, node);
	if (!n || !node_ready(n)) {
		err = n ? fail_msg(-EBUSY, "node \"%s\" of fabric \"%s\" is being added or deleted",
				   node, fabric)
			: fail_msg(-ENOENT, "node \"%s\" is not in fabric \"%s\"", node, fabric);
		state_free(&st);
		return err;
	}
	state_free(&st);
	fflush(stdout);
	return netns_exec(node, argv + first);
}
