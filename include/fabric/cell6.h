/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The IPv6 pieces of a cell (see fabric/fabric6.h for the addresses):
 * the gateway (one cell) or the host's address on cell 0's bridge, each
 * router leg's gateway, the host's route to the fabric's prefix through
 * the router, and IPv6 forwarding inside the router namespace only.
 * Requests are queued on the caller's socket; the caller sends them.
 */
#ifndef FABRICCTL_FABRIC_CELL6_H
#define FABRICCTL_FABRIC_CELL6_H

#include "fabric/state.h"
#include "kernel/nl.h"

/* Cell 0's bridge: the gateway (one cell) or the host's address (several). */
void cell6_bridge_addr(struct nl_sock *host, const struct fabric_state *st, int br_ifindex);
/* Inside the router: cell @cell's gateway on its leg @ifindex. */
void cell6_leg_addr(struct nl_sock *router, const struct fabric_state *st, uint32_t cell,
		    int ifindex);
/* On the host: the fabric's prefix via cell 0's gateway. */
void cell6_host_route(struct nl_sock *host, const struct fabric_state *st);
/*
 * Inside a node: on @eth0 its IPv4 address (unless IPv6-only) and its IPv6
 * one (no DAD; dual-stack), each with a default route via its cell's gateway.
 */
void cell_node_addresses(struct nl_sock *node, const struct fabric_state *st, uint32_t slot,
			 int eth0);
/* Called inside the new router namespace: net.ipv6.conf.all.forwarding=1 there. */
int cell6_router_forwarding(void);

#endif
