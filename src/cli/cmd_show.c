// SPDX-License-Identifier: GPL-2.0-only
/* fabricctl show FABRIC */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fabric/fabric6.h"
#include "base/errors.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "cli/fabric_print.h"
#include "cli/site_print.h"
#include "fabric/cell.h"
#include "fabric/impair.h"
#include "fabric/status.h"
#include "lab/plan.h"

static const char show_help[] =
	"Usage: fabricctl show FABRIC [--all-sites]\n"
	"\n"
	"Show FABRIC and its nodes: name, address/prefix, MAC, cell (the node's bridge\n"
	"is FABRIC-c<CELL>), host veth, its ifindex and its state as the kernel reports\n"
	"it now (up, down, or missing). Nodes still being added or deleted are left\n"
	"out.\n"
	"A fabric over hosts (see create) also shows its site: block, VXLAN, BGP.\n"
	"  --all-sites  also list the other sites' cells that the control plane (FRR's\n"
	"               BGP EVPN) installed in the router, with their VTEPs\n"
	"With -j: {name, subnet, gateway, bridge, mtu, cell_size, cells, attach, nodes: [{name,\n"
	"address, prefix_len, cell, gateway, mac, host_veth, ifindex, state, impair}]}; a\n"
	"fabric with IPv6 adds subnet6, gateway6 and family, and address6 and gateway6 per\n"
	"node. impair is the impairment in force on the host veth (\"rate 20mbit\") or null.\n"
	"A fabric over hosts adds site: {site, block, underlay, vni, vxlan_port, asn,\n"
	"bgp_peers, bgp_hold, encap_overhead} and with --all-sites other_sites: [{site,\n"
	"prefix, vtep}].\n";

#define SHOW_ROW "%-20s %-18s %-17s %4s %-14s %7s %s\n"
#define SHOW_ROW6 "%-20s %-18s %-17s %4s %-14s %7s %-8s %s\n"

static void print_node(struct printer *p, const struct fabric_state *st,
		       const struct fabric_node *node, enum node_link_state state,
		       const struct impair_view *imp)
{
	char itext[256];

	uint32_t addr = ipam_addr_of(&st->ipam, node->slot);
	unsigned int plen = ipam_cell_prefix_len(&st->ipam);
	char a[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], mac[18], veth[IFNAMSIZ];
	char cidr[IPV4_PREFIX_STRLEN];

	ipv4_addr_format(addr, a);
	snprintf(cidr, sizeof(cidr), "%s/%u", a, plen);
	host_veth_name(veth, st->name, node->slot);
	print_open_object(p, NULL);
	print_string(p, "name", "%-20s ", node->name);
	print_string(p, "address", NULL, a);
	print_uint(p, "prefix_len", NULL, plen);
	print_string(p, NULL, "%-18s ", cidr);
	print_string(p, "mac", "%-17s ", node_mac_text(addr, mac));
	print_uint(p, "cell", "%4s ", ipam_cell_of(&st->ipam, node->slot));
	print_string(p, "gateway", NULL, ipv4_addr_format(cell_gateway_of(st, node->slot), gw));
	print_string(p, "host_veth", "%-14s ", veth);
	print_int(p, "ifindex", "%7s ", node->ifindex);
	print_string(p, "state", st->ipv6 ? "%-8s " : "%s\n", node_link_state_name(state));
	if (st->ipv6) {
		struct in6_addr a6 = fabric6_addr_of(st, node->slot);
		struct in6_addr g6 = fabric6_gateway_of(st, node->slot);
		char t6[INET6_ADDRSTRLEN];

		print_string(p, "address6", "%s\n", ipv6_addr_format(&a6, t6));
		print_string(p, "gateway6", NULL, ipv6_addr_format(&g6, t6));
	}
	/* JSON only: the impairment in force on the host veth (what the node receives). */
	if (imp && imp->host_set)
		print_string(p, "impair", NULL,
			     lab_impair_text(&imp->host, itext, sizeof(itext), false));
	else
		print_null(p, "impair", NULL);
	print_close_object(p);
}

static int show_option(int c, const char *arg, void *ctx)
{
	(void)arg;
	if (c != 'a')
		return -EUSAGE;
	*(bool *)ctx = true;
	return 0;
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{"all-sites", no_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool all_sites = false;
	enum node_link_state *states = NULL;
	struct impair_view *imps = NULL;
	struct fabric_state st, again;
	bool have_again;
	struct printer p;
	size_t complete;
	int first, err;

	err = cmd_parse(argc, argv, show_help, "", opts, show_option, &all_sites, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc - 1)
		return fail_usage("show takes one FABRIC name; see `fabricctl show --help`");
	cmd_context("show", argv[first]);
	err = cmd_read_fabric(argv[first], &st);
	if (err)
		return err;
	states = calloc(st.n_nodes + 1, sizeof(*states));
	if (!states) {
		state_free(&st);
		return fail(-ENOMEM, "cannot show fabric \"%s\"", st.name);
	}
	err = fabric_node_states(&st, states);
	if (err)
		goto out;
	/* The impairments in force, for -j; a failed read shows none. */
	imps = cli_out.json ? calloc(st.n_nodes + 1, sizeof(*imps)) : NULL;
	if (imps && fabric_impair_read_hosts(&st, imps)) {
		fail_clear();
		free(imps);
		imps = NULL;
	}
	/*
	 * Readers take no lock, so read the record again after the dump: a node
	 * shown must be complete in both reads. One deleted meanwhile (marked
	 * incomplete first) or added meanwhile (complete only at the end) is
	 * left out instead of being shown as "missing".
	 */
	have_again = state_load(argv[first], &again) == 0;
	fail_clear();
	complete = fabric_complete_nodes(&st);

	cli_printer(&p);
	print_open_object(&p, NULL);
	print_fabric_fields(&p, &st, false);
	{
		char cidr[IPV4_PREFIX_STRLEN], gw[INET_ADDRSTRLEN];
		uint32_t cells = fabric_cells_in_use(&st);

		print_text(&p,
			   "fabric %s: subnet %s, gateway %s, mtu %u, %zu node%s in %u cell%s of "
			   "%u addresses, counted by %s\n",
			   st.name, ipv4_prefix_format(&st.subnet, cidr),
			   ipv4_addr_format(ipam_addr_of(&st.ipam, IPAM_GATEWAY_SLOT), gw), st.mtu,
			   complete, complete == 1 ? "" : "s", cells, cells == 1 ? "" : "s",
			   st.cell_size,
			   st.attach == FABRIC_ATTACH_TCX ? "tcx links" : "tc (clsact)");
	}
	print_site_fields(&p, &st);
	if (all_sites && print_other_sites(&p, &st) < 0)
		print_null(&p, "other_sites", NULL);
	if (complete)
		print_text(&p, st.ipv6 ? SHOW_ROW6 : SHOW_ROW, "NODE", "ADDRESS", "MAC", "CELL",
			   "HOST-VETH", "IFINDEX", "STATE", "ADDRESS6");
	print_open_array(&p, "nodes");
	for (size_t i = 0; i < st.n_nodes; i++) {
		const struct fabric_node *node = &st.nodes[i];

		/* Leased but still being made, or being deleted: not a node to show. */
		if (!node_ready(node))
			continue;
		if (have_again) {
			const struct fabric_node *now = state_find_node(&again, node->name);

			if (!now || !node_ready(now) || now->ifindex != node->ifindex)
				continue;
		}
		print_node(&p, &st, node, states[i], imps ? &imps[i] : NULL);
	}
	print_close_array(&p);
	print_close_object(&p);
	print_end(&p);
	if (have_again)
		state_free(&again);
out:
	free(imps);
	free(states);
	state_free(&st);
	return err;
}
