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
	"List fabrics: name, subnet, gateway, bridge (of cell 0), MTU, node count. A\n"
	"fabric whose create did not finish, or whose record cannot be read, is listed\n"
	"too, with the command that finishes or removes it.\n"
	"With -j: an array of {name, subnet, gateway, bridge, mtu, cell_size, cells, attach,\n"
	"nodes, status (\"ready\", \"creating\")}, or {name, status: \"broken\", error}.\n";

#define LIST_ROW "%-9s %-18s %-15s %-12s %5s %7s\n"

/* A fabric whose record cannot be read: named, with why and the way out. */
static void print_broken(struct printer *p, const char *name)
{
	char why[300];

	snprintf(why, sizeof(why), "%s", fail_message() ? fail_message() : "unreadable");
	fail_clear();
	print_open_object(p, NULL);
	print_string(p, "name", "%-9s ", name);
	print_string(p, "status", "(%s: ", "broken");
	print_string(p, "error", "%s; ", why);
	print_text(p, "`fabricctl destroy %s` removes it)\n", name);
	print_close_object(p);
}

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
			print_broken(&p, names[i]);
			continue;
		}
		print_open_object(&p, NULL);
		print_fabric_fields(&p, &st, true);
		print_uint(&p, "nodes", "%7s", st.n_nodes);
		print_string(&p, "status", st.complete ? NULL : "  (create did not finish: %s",
			     st.complete ? "ready" : "creating");
		if (!st.complete)
			print_text(&p, "; `fabricctl check %s --repair` or `fabricctl destroy %s`)",
				   st.name, st.name);
		print_text(&p, "\n");
		print_close_object(&p);
		state_free(&st);
	}
	print_close_array(&p);
	print_end(&p);
	free(names);
	return 0;
}
