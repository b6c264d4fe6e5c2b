/* SPDX-License-Identifier: GPL-2.0-only */
/* check of a fabric's cells, their IPv6 pieces (see fabric/cell6.h). */
#ifndef FABRICCTL_FABRIC_CHECK_CELLS6_H
#define FABRICCTL_FABRIC_CHECK_CELLS6_H

#include "fabric/check_ctx.h"

/* Cell 0's bridge @br (@br_ifindex): its IPv6 gateway or host address. */
void check_bridge6(struct check_ctx *c, int br_ifindex, const char *br);
/* The router's leg @inside (@ifindex, in @router) of cell @cell: its IPv6 addresses. */
void check_leg6(struct check_ctx *c, struct nl_sock *router, uint32_t cell, int ifindex,
		const char *inside);
/* The host's route to the fabric's IPv6 prefix through the router. */
void check_host_route6(struct check_ctx *c);

#endif
