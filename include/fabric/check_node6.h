/* SPDX-License-Identifier: GPL-2.0-only */
/* check inside a node of an IPv6 fabric: its IPv6 address and default route. */
#ifndef FABRICCTL_FABRIC_CHECK_NODE6_H
#define FABRICCTL_FABRIC_CHECK_NODE6_H

#include "fabric/check_ctx.h"

/* Report (and with c->repair, mend) @node's IPv6 pieces, through @ns inside it. */
void check_node6(struct check_ctx *c, struct nl_sock *ns, const struct fabric_node *node, int eth0);

#endif
