// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl list */
#include <stdio.h>
#include <stdlib.h>

#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "cli/fabric_print.h"

static const char list_help[] =
	"Usage: fabricctl list\n"
	"\n"
	"List fabrics: name, subnet, gateway, bridge (of cell 0), MTU, node count.\n"
	"With -j: an array of {name, subnet, gateway, bridge, mtu, cell_size, cells,\n"
	"nodes}.\n";

#define LIST_ROW "%-9s %-18s %-15s %-12s %5s %7s\n"

int cmd_list(int argc, char **argv)
{
	char(*names)[FABRIC_NAME_MAX + 1];
	struct printer p;
	size_t count;
	int first, err;

	err = cmd_parse_help_only(argc, argv, list_help, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc)
		return fail_usage("list takes no arguments");
	err = state_list(&names, &count);
	if (err)
		return err;
	cli_printer(&p);
	print_open_array(&p, NULL);
	if (count)
		print_text(&p, LIST_ROW, "NAME", "SUBNET", "GATEWAY", "BRIDGE", "MTU", "NODES");
	for (size_t i = 0; i < count; i++) {
		struct fabric_state st;

		/* A reader takes no lock: records are replaced atomically. */
		if (state_load(names[i], &st) < 0) {
			fail_clear();
			continue;
		}
		print_open_object(&p, NULL);
		print_fabric_fields(&p, &st, true);
		print_uint(&p, "nodes", "%7s\n", st.n_nodes);
		print_close_object(&p);
		state_free(&st);
	}
	print_close_array(&p);
	print_end(&p);
	free(names);
	return 0;
}
