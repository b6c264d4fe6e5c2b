// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl check FABRIC [--repair]: the record against the kernel. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "check.h"
#include "commands.h"
#include "errors.h"
#include "output.h"
#include "state.h"

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

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repair", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct check_report report;
	struct state_lock lock;
	struct fabric_state st;
	bool repair = false;
	int c, err;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			repair = true;
			break;
		case 'h':
			fputs(check_help, stdout);
			return 0;
		default:
			return fail_usage("unknown option \"%s\"; see `fabricctl check --help`",
					  argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return fail_usage("check takes one FABRIC name; see `fabricctl check --help`");
	cmd_context("check", argv[optind]);
	/* Under the fabric's lock: a running add-node is not a half-made node. */
	err = cmd_open_fabric(argv[optind], &lock, &st);
	if (err)
		return err;
	err = fabric_check(&st, repair, &report);
	if (err)
		goto out;
	size_t left = check_unrepaired(&report);
	if (json_output) {
		struct json_writer w;

		json_init(&w, stdout, pretty_output);
		json_object_start(&w);
		json_kv_string(&w, "fabric", st.name);
		json_kv_bool(&w, "consistent", report.n == 0);
		json_kv_bool(&w, "repaired", repair && report.n > 0 && left == 0);
		json_key(&w, "problems");
		json_array_start(&w);
		for (size_t i = 0; i < report.n; i++) {
			const struct check_problem *p = &report.items[i];

			json_object_start(&w);
			json_kv_string(&w, "kind", p->kind);
			json_kv_string(&w, "node", p->node);
			json_kv_string(&w, "object", p->object);
			json_kv_string(&w, "detail", p->detail);
			json_kv_bool(&w, "repaired", p->repaired);
			json_object_end(&w);
		}
		json_array_end(&w);
		json_object_end(&w);
		json_finish(&w);
	} else if (!quiet_output || report.n) {
		for (size_t i = 0; i < report.n; i++) {
			const struct check_problem *p = &report.items[i];

			printf("%-19s %-20s %-16s %s%s\n", p->kind, p->node[0] ? p->node : "-",
			       p->object[0] ? p->object : "-", p->detail,
			       p->repaired ? " [repaired]" : "");
		}
		if (report.n == 0)
			printf("fabric %s is consistent (%zu nodes)\n", st.name, st.n_nodes);
		else if (repair)
			printf("fabric %s: %zu difference%s, %zu repaired\n", st.name, report.n,
			       report.n == 1 ? "" : "s", report.n - left);
		else
			printf("fabric %s: %zu difference%s; `fabricctl check %s --repair` mends them\n",
			       st.name, report.n, report.n == 1 ? "" : "s", st.name);
	}
	if (repair ? left : report.n)
		err = -EREPORTED;
	check_report_free(&report);
out:
	state_free(&st);
	state_unlock(&lock);
	return err;
}
