// SPDX-License-Identifier: GPL-2.0-only
/*
 * check, inside a node of an IPv6 fabric: its IPv6 address is on eth0 and
 * usable (not tentative, DAD not failed), and its default IPv6 route goes
 * via its cell's gateway. --repair puts back what is missing.
 */
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/check_ctx.h"
#include "fabric/check_node6.h"
#include "fabric/fabric6.h"
#include "kernel/addr6.h"

struct want6 {
	int ifindex;
	struct in6_addr addr, gw;
	bool found, usable, route, other_route;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct want6 *w = data;
	struct in6_addr a;
	unsigned int len;
	uint32_t flags;
	int ifindex;

	if (addr6_parse(nlh, &a, &len, &ifindex, &flags) == 0 && ifindex == w->ifindex &&
	    !memcmp(&a, &w->addr, sizeof(a)) && len == FABRIC6_CELL_PREFIX_LEN) {
		w->found = true;
		w->usable = !(flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED));
	}
	return 0;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct want6 *w = data;
	struct in6_addr dst, gw;
	unsigned int len;
	uint32_t table;

	if (route6_parse(nlh, &dst, &len, &table, &gw) || table != RT_TABLE_MAIN || len)
		return 0;
	if (!memcmp(&gw, &w->gw, sizeof(gw)))
		w->route = true;
	else
		w->other_route = true;
	return 0;
}

void check_node6(struct check_ctx *c, struct nl_sock *ns, const struct fabric_node *node, int eth0)
{
	const struct fabric_state *st = c->st;
	struct want6 w = {.ifindex = eth0,
			  .addr = fabric6_addr_of(st, node->slot),
			  .gw = fabric6_gateway_of(st, node->slot)};
	char a[INET6_ADDRSTRLEN];
	struct check_problem *p;

	addr6_dump(ns);
	if (nl_dump(ns, addr_cb, &w))
		goto out;
	route6_dump(ns);
	if (nl_dump(ns, route_cb, &w))
		goto out;
	if (!w.found) {
		p = check_add(c, "missing_address6", node->name, "eth0",
			      "its IPv6 address %s/%u is gone", ipv6_addr_format(&w.addr, a),
			      FABRIC6_CELL_PREFIX_LEN);
		if (c->repair && p) {
			addr6_add(ns, eth0, &w.addr, FABRIC6_CELL_PREFIX_LEN);
			nl_run(ns, NULL, NULL);
		}
	} else if (!w.usable) {
		check_add_foreign(c, "tentative_address6", node->name, "eth0",
				  "its IPv6 address %s is tentative or failed DAD: not as "
				  "fabricctl made it (without DAD); left alone",
				  ipv6_addr_format(&w.addr, a));
	}
	if (!w.route && w.other_route) {
		check_add_foreign(c, "foreign_route6", node->name, "default",
				  "the node's default IPv6 route is not the one via %s that "
				  "fabricctl made: left alone",
				  ipv6_addr_format(&w.gw, a));
	} else if (!w.route) {
		p = check_add(c, "missing_route6", node->name, "eth0",
			      "its default IPv6 route via %s is gone", ipv6_addr_format(&w.gw, a));
		if (c->repair && p) {
			route6_add(ns, NULL, 0, &w.gw);
			nl_run(ns, NULL, NULL);
		}
	}
out:
	fail_clear();
}
