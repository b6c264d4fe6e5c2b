// SPDX-License-Identifier: GPL-2.0-only
/* A cell's and a node's addresses and routes of IPv6 (and a node's IPv4), forwarding in the router.
 */
#include "fabric/cell.h"
#include "fabric/cell6.h"
#include "fabric/fabric6.h"
#include "kernel/addr.h"
#include "kernel/addr6.h"
#include "kernel/route.h"
#include "kernel/sysctl.h"

void cell6_bridge_addr(struct nl_sock *host, const struct fabric_state *st, int br_ifindex)
{
	struct in6_addr a = fabric6_host_addr(st);
	char text[INET6_ADDRSTRLEN];

	addr6_add(host, br_ifindex, &a, FABRIC6_CELL_PREFIX_LEN);
	nl_label(host, "add %s/%u to the bridge of cell 0", ipv6_addr_format(&a, text),
		 FABRIC6_CELL_PREFIX_LEN);
}

void cell6_leg_addr(struct nl_sock *router, const struct fabric_state *st, uint32_t cell,
		    int ifindex)
{
	struct in6_addr gw = fabric6_cell_gateway(st, cell);
	char text[INET6_ADDRSTRLEN];

	/*
	 * A forwarded packet's source is not the leg's own, and the kernel
	 * then solicits its next hop from a link-local address only: without
	 * one, it sends nothing. fe80::1 is the router's own on each leg's link.
	 */
	struct in6_addr ll = {.s6_addr = {0xfe, 0x80, [15] = 1}};

	addr6_add(router, ifindex, &gw, FABRIC6_CELL_PREFIX_LEN);
	nl_label(router, "add cell %u's IPv6 gateway %s in the router", cell,
		 ipv6_addr_format(&gw, text));
	addr6_add(router, ifindex, &ll, 64);
	nl_label(router, "add fe80::1 to cell %u's leg in the router", cell);
}

void cell6_host_route(struct nl_sock *host, const struct fabric_state *st)
{
	struct in6_addr gw = fabric6_cell_gateway(st, 0);
	char cidr[IPV6_PREFIX_STRLEN];

	route6_add(host, &st->subnet6.addr, st->subnet6.len, &gw);
	nl_label(host, "add the host's route to %s via the fabric's router",
		 ipv6_prefix_format(&st->subnet6, cidr));
}

void cell_node_addresses(struct nl_sock *node, const struct fabric_state *st, uint32_t slot,
			 int eth0)
{
	char text[INET6_ADDRSTRLEN];
	struct in6_addr a, gw;

	if (!st->ipv6_only) {
		uint32_t a4 = ipam_addr_of(&st->ipam, slot);
		unsigned int plen = ipam_cell_prefix_len(&st->ipam);

		addr_add(node, eth0, a4, plen);
		nl_label(node, "add address %s/%u to eth0", ipv4_addr_format(a4, text), plen);
		route_add(node, 0, 0, cell_gateway_of(st, slot));
	}
	if (!st->ipv6)
		return;
	a = fabric6_addr_of(st, slot);
	gw = fabric6_gateway_of(st, slot);
	addr6_add(node, eth0, &a, FABRIC6_CELL_PREFIX_LEN);
	nl_label(node, "add address %s/%u to eth0", ipv6_addr_format(&a, text),
		 FABRIC6_CELL_PREFIX_LEN);
	route6_add(node, NULL, 0, &gw);
}

int cell6_router_forwarding(void)
{
	return sysctl_write_path("/proc/sys/net/ipv6/conf/all/forwarding", "1");
}
