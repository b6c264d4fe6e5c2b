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
	"Compare FABRIC's record with the kernel: every node's namespace, host veth\n"
	"(up, a port of its cell's bridge), counter entry and tc attachment; the\n"
	"cells' bridges and the router namespace; links tagged as the fabric's that no\n"
	"node accounts for; counter entries of no node. List every difference:\n"
	"\n"
	"  half_made_node      add-node was interrupted after making part of the node\n"
	"  lease_without_node  an address is leased to a node that was never made\n"
	"  missing_veth, missing_namespace\n"
	"                      a node lost its veth or its namespace\n"
	"  stale_ifindex       the record has an old ifindex for a node's veth\n"
	"  link_down, not_enslaved, missing_bridge\n"
	"  missing_counter, missing_attachment, orphaned_counter, missing_pins\n"
	"  stray_link          a link of the fabric's that no node accounts for\n"
	"  missing_router      the router namespace of a fabric of several cells\n"
	"\n"
	"  --repair   make the record and the kernel agree: half-made and broken\n"
	"             nodes are removed (their addresses freed), stray links and\n"
	"             counters deleted, links brought up and re-enslaved, programs\n"
	"             re-attached. Running it again finds nothing.\n"
	"\n"
	"A namespace that holds interfaces fabricctl did not make is never deleted.\n"
	"With -j: {fabric, consistent, repaired, problems: [{kind, node, object,\n"
	"detail, repaired}]}.\n"
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
	size_t left = check_unrepaired(report);
	struct printer p;

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
		print_bool(&p, "repaired", NULL, c->repaired);
		print_text(&p, "%s\n", c->repaired ? " [repaired]" : "");
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
