// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl check FABRIC [--repair]: the record against the kernel. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "fabric/check.h"

static const char check_help[] =
	"Usage: fabricctl check FABRIC [--repair]\n"
	"\n"
	"Compare FABRIC's record with the kernel, piece by piece, and list every\n"
	"difference. Per node: its namespace (ours by the mark fabricctl put on it),\n"
	"its host veth (name and tag), bridge port, up, counter entry, tc programs,\n"
	"and inside the namespace eth0 (ours, up), the address and the default\n"
	"route. Per fabric: an unfinished create, the three pins, the cells' bridges,\n"
	"the host's address and route, the router namespace, its legs and the\n"
	"gateways inside it; links tagged as the fabric's that nothing accounts for;\n"
	"counter entries of no node; foreign objects where the fabric's should be.\n"
	"\n"
	"  half_made_node, half_deleted_node\n"
	"                      add-node or del-node did not finish\n"
	"  incomplete_create   create did not finish\n"
	"  missing_veth, missing_namespace, missing_eth0, renamed_veth, stale_ifindex\n"
	"  link_down, eth0_down, not_enslaved, missing_address, missing_route\n"
	"  missing_address6, missing_route6, tentative_address6 (IPv6 fabrics)\n"
	"  missing_counter, missing_attachment, orphaned_counter, missing_netns_entry\n"
	"  stale_tcx_link      a pinned tcx link of no node (tcx fabrics)\n"
	"  missing_pin, unusable_pins\n"
	"  missing_bridge, missing_leg, missing_router, missing_gateway,\n"
	"  missing_host_address, missing_host_route\n"
	"  untagged_link       made by fabricctl, cut short before its tag\n"
	"  unreadable_namespace\n"
	"                      a namespace that cannot be looked into: not touched\n"
	"  gone_sandbox        a container runtime's namespace (fabricctl-cni) is gone\n"
	"                      without DEL: --repair frees the lease, never a namespace\n"
	"  stray_link          a link tagged as the fabric's that nothing accounts for\n"
	"  stray_namespace     a namespace carrying the fabric's mark that is no node\n"
	"                      of the record (renamed by hand, or forgotten by it)\n"
	"  site_vxlan, site_frr, site_frr_netns\n"
	"                      a fabric over hosts lost its VXLAN (or its bridge) in\n"
	"                      the router, FRR lacks its fragment, or FRR's view of the\n"
	"                      router (/run/fabricctl/.frr-netns): remade by repair\n"
	"  site_frr_cell       zebra lists a cell's router leg without its gateway:\n"
	"                      the cell is not announced; repair tells zebra again\n"
	"  site_missing        a BGP peer (another site) announces nothing: that host\n"
	"                      is down or its FRR stopped; not repairable from here\n"
	"  foreign_veth, foreign_namespace, foreign_bridge, foreign_router,\n"
	"  foreign_link, foreign_port, foreign_pin, foreign_eth0, foreign_route,\n"
	"  foreign_route6\n"
	"                      an object fabricctl did not make where the fabric's\n"
	"                      should be, in its interface group, on its bridge, in a\n"
	"                      node's namespace or its bpffs directory: never touched\n"
	"\n"
	"  --repair   make the record and the kernel agree: mend each piece in place\n"
	"             (up, enslaved, renamed back, address, route, counters,\n"
	"             programs, pins, bridges, router, gateways), make a node again\n"
	"             when its veth or namespace is gone, take apart nodes whose add\n"
	"             or delete did not finish, finish an unfinished create; then\n"
	"             look again: a difference counts as repaired only when the\n"
	"             second look does not find it. A node whose name a foreign\n"
	"             namespace or link holds is removed, the foreign object left.\n"
	"\n"
	"With -j: {fabric, consistent, repaired, problems: [{kind, node, object,\n"
	"detail, foreign, repaired}]}.\n"
	"\n"
	"Exit status: 0 consistent (or, with --repair, every difference repaired),\n"
	"1 otherwise, 2 usage error.\n";

static int check_option(int c, const char *arg, void *ctx)
{
	(void)arg;
	if (c != 'r')
		return -EUSAGE;
	*(bool *)ctx = true;
	return 0;
}

static void print_report(const struct fabric_state *st, const struct check_report *report,
			 bool repair)
{
	size_t left = check_unrepaired(report), foreign = 0;
	struct printer p;

	for (size_t i = 0; i < report->n; i++)
		foreign += report->items[i].foreign;

	cli_printer(&p);
	print_open_object(&p, NULL);
	print_string(&p, "fabric", NULL, st->name);
	print_bool(&p, "consistent", NULL, report->n == 0);
	print_bool(&p, "repaired", NULL, repair && report->n > 0 && left == 0);
	print_open_array(&p, "problems");
	for (size_t i = 0; i < report->n; i++) {
		const struct check_problem *c = &report->items[i];

		print_open_object(&p, NULL);
		print_string(&p, "kind", "%-19s ", c->kind);
		print_string(&p, "node", NULL, c->node);
		print_string(&p, NULL, "%-20s ", c->node[0] ? c->node : "-");
		print_string(&p, "object", NULL, c->object);
		print_string(&p, NULL, "%-16s ", c->object[0] ? c->object : "-");
		print_string(&p, "detail", "%s", c->detail);
		print_bool(&p, "foreign", NULL, c->foreign);
		print_bool(&p, "repaired", NULL, c->repaired);
		print_text(&p, "%s\n",
			   c->repaired	? " [repaired]"
			   : c->foreign ? " [not ours: left alone]"
					: "");
		print_close_object(&p);
	}
	print_close_array(&p);
	if (report->n == 0)
		print_text(&p, "fabric %s is consistent (%zu nodes)\n", st->name, st->n_nodes);
	else if (repair)
		print_text(&p, "fabric %s: %zu difference%s, %zu repaired\n", st->name, report->n,
			   report->n == 1 ? "" : "s", report->n - left);
	else
		print_text(
			&p,
			"fabric %s: %zu difference%s; `fabricctl check %s --repair` mends them\n",
			st->name, report->n, report->n == 1 ? "" : "s", st->name);
	print_close_object(&p);
	print_end(&p);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{"repair", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct check_report report;
	struct state_lock lock;
	struct fabric_state st;
	bool repair = false;
	int first, err;

	err = cmd_parse(argc, argv, check_help, "", opts, check_option, &repair, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc - 1)
		return fail_usage("check takes one FABRIC name; see `fabricctl check --help`");
	cmd_context("check", argv[first]);
	/* Under the fabric's lock: a running add-node is not a half-made node. */
	err = cmd_open_fabric(argv[first], &lock, &st);
	if (err)
		return err;
	err = fabric_check(&st, repair, &report);
	if (err)
		goto out;
	if (!cli_out.quiet || cli_out.json || report.n)
		print_report(&st, &report, repair);
	if (repair ? check_unrepaired(&report) : report.n)
		err = -EREPORTED;
	check_report_free(&report);
out:
	state_free(&st);
	state_unlock(&lock);
	return err;
}
