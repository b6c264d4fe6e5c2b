// SPDX-License-Identifier: GPL-2.0-only
/* A fabric's own fields, printed the same way by create, list and show. */
#include <stdio.h>

#include "cli/fabric_print.h"
#include "fabric/fabric6.h"

uint32_t fabric_cells_in_use(const struct fabric_state *st)
{
	uint32_t cells = 1;

	for (size_t i = 0; i < st->n_nodes; i++)
		if (ipam_cell_of(&st->ipam, st->nodes[i].slot) + 1 > cells)
			cells = ipam_cell_of(&st->ipam, st->nodes[i].slot) + 1;
	return cells;
}

size_t fabric_complete_nodes(const struct fabric_state *st)
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_nodes; i++)
		n += node_ready(&st->nodes[i]);
	return n;
}

void print_fabric_fields(struct printer *p, const struct fabric_state *st, bool list_row)
{
	char cidr[IPV4_PREFIX_STRLEN], gw[INET_ADDRSTRLEN], br[IFNAMSIZ];

	bridge_name(br, st->name, 0);
	print_string(p, "name", list_row ? "%-9s " : NULL, st->name);
	print_string(p, "subnet", list_row ? "%-18s " : NULL,
		     ipv4_prefix_format(&st->subnet, cidr));
	print_string(p, "gateway", list_row ? "%-15s " : NULL,
		     ipv4_addr_format(ipam_addr_of(&st->ipam, IPAM_GATEWAY_SLOT), gw));
	print_string(p, "bridge", list_row ? "%-12s " : NULL, br);
	print_uint(p, "mtu", list_row ? "%5s " : NULL, st->mtu);
	print_uint(p, "cell_size", NULL, st->cell_size);
	print_uint(p, "cells", NULL, fabric_cells_in_use(st));
	print_string(p, "attach", NULL, fabric_attach_names[st->attach]);
	if (st->ipv6) {
		char cidr6[IPV6_PREFIX_STRLEN], gw6[INET6_ADDRSTRLEN];
		struct in6_addr g = fabric6_cell_gateway(st, 0);

		print_string(p, "subnet6", NULL, ipv6_prefix_format(&st->subnet6, cidr6));
		print_string(p, "gateway6", NULL, ipv6_addr_format(&g, gw6));
		print_string(p, "family", NULL, st->ipv6_only ? "ipv6" : "dual");
	}
}

void print_created(const struct fabric_state *st)
{
	char cidr[IPV4_PREFIX_STRLEN], gw[INET_ADDRSTRLEN], br[IFNAMSIZ], router[64];

	bridge_name(br, st->name, 0);
	router_netns_name(router, sizeof(router), st->name);
	ipv4_prefix_format(&st->subnet, cidr);
	ipv4_addr_format(ipam_addr_of(&st->ipam, IPAM_GATEWAY_SLOT), gw);
	if (ipam_multi_cell(&st->ipam))
		printf("created fabric %s: subnet %s in %u cells of %u addresses, gateways on "
		       "router %s (%s for cell 0), room for %u nodes\n",
		       st->name, cidr, ipam_n_cells(&st->ipam), st->cell_size, router, gw,
		       ipam_capacity(&st->ipam));
	else
		printf("created fabric %s: subnet %s, gateway %s on bridge %s, room for %u nodes\n",
		       st->name, cidr, gw, br, ipam_capacity(&st->ipam));
	if (st->ipv6) {
		char cidr6[IPV6_PREFIX_STRLEN], gw6[INET6_ADDRSTRLEN];
		struct in6_addr g = fabric6_cell_gateway(st, 0);

		printf("  IPv6%s: prefix %s, one /64 per cell, gateway %s for cell 0\n",
		       st->ipv6_only ? " only (no IPv4 address is configured)" : "",
		       ipv6_prefix_format(&st->subnet6, cidr6), ipv6_addr_format(&g, gw6));
	}
}
