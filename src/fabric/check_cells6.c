// SPDX-License-Identifier: GPL-2.0-only
/*
 * check, for a fabric with IPv6, the IPv6 pieces of its cells: cell 0's
 * bridge address (the gateway, or the host's with several cells), each
 * router leg's gateway and fe80::1, the host's route to the prefix.
 * --repair puts back what is missing (the same kinds as IPv4's).
 */
#include <linux/rtnetlink.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/cell6.h"
#include "fabric/check_cells6.h"
#include "fabric/fabric6.h"
#include "kernel/addr6.h"

struct has6 {
	int ifindex;
	struct in6_addr want;
	unsigned int len;
	bool found;
};

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct has6 *h = data;
	struct in6_addr a;
	unsigned int len;
	uint32_t flags;
	int ifindex;

	if (addr6_parse(nlh, &a, &len, &ifindex, &flags) == 0 && ifindex == h->ifindex &&
	    len == h->len && !memcmp(&a, &h->want, sizeof(a)))
		h->found = true;
	return 0;
}

/* Is @a/@len on @ifindex in @s's namespace? -errno when it cannot be read. */
static int has_addr6(struct nl_sock *s, int ifindex, const struct in6_addr *a, unsigned int len)
{
	struct has6 h = {ifindex, *a, len, false};
	int err;

	addr6_dump(s);
	err = nl_dump(s, addr_cb, &h);
	return err ? err : h.found;
}

void check_bridge6(struct check_ctx *c, int br_ifindex, const char *br)
{
	struct in6_addr a = fabric6_host_addr(c->st);
	char text[INET6_ADDRSTRLEN];
	struct check_problem *p;

	if (has_addr6(&c->s, br_ifindex, &a, FABRIC6_CELL_PREFIX_LEN) != 0)
		goto out; /* there, or unreadable */
	p = check_add(c, ipam_multi_cell(&c->st->ipam) ? "missing_host_address" : "missing_gateway",
		      NULL, br, "%s/%u is gone from the bridge", ipv6_addr_format(&a, text),
		      FABRIC6_CELL_PREFIX_LEN);
	if (c->repair && p) {
		cell6_bridge_addr(&c->s, c->st, br_ifindex);
		nl_run(&c->s, NULL, NULL);
	}
out:
	fail_clear();
}

void check_leg6(struct check_ctx *c, struct nl_sock *router, uint32_t cell, int ifindex,
		const char *inside)
{
	struct in6_addr gw = fabric6_cell_gateway(c->st, cell);
	struct in6_addr ll = {.s6_addr = {0xfe, 0x80, [15] = 1}};
	char text[INET6_ADDRSTRLEN];
	struct check_problem *p;

	if (has_addr6(router, ifindex, &gw, FABRIC6_CELL_PREFIX_LEN) == 0 ||
	    has_addr6(router, ifindex, &ll, 64) == 0) {
		p = check_add(c, "missing_gateway", NULL, inside,
			      "cell %u's IPv6 gateway %s (or fe80::1) is gone from the router",
			      cell, ipv6_addr_format(&gw, text));
		if (c->repair && p) {
			/* What is still there answers EEXIST; the rest is made again. */
			cell6_leg_addr(router, c->st, cell, ifindex);
			nl_flush(router, NULL, NULL);
		}
	}
	fail_clear();
}

struct route6_want {
	struct in6_addr dst, gw;
	unsigned int len;
	bool found;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route6_want *w = data;
	struct in6_addr dst, gw;
	unsigned int len;
	uint32_t table;

	if (route6_parse(nlh, &dst, &len, &table, &gw) == 0 && table == RT_TABLE_MAIN &&
	    len == w->len && !memcmp(&dst, &w->dst, sizeof(dst)) &&
	    !memcmp(&gw, &w->gw, sizeof(gw)))
		w->found = true;
	return 0;
}

void check_host_route6(struct check_ctx *c)
{
	const struct fabric_state *st = c->st;
	struct route6_want w = {st->subnet6.addr, fabric6_cell_gateway(st, 0), st->subnet6.len,
				false};
	char cidr[IPV6_PREFIX_STRLEN], text[INET6_ADDRSTRLEN];
	struct check_problem *p;

	route6_dump(&c->s);
	if (nl_dump(&c->s, route_cb, &w) || w.found)
		goto out;
	p = check_add(c, "missing_host_route", NULL, ipv6_prefix_format(&st->subnet6, cidr),
		      "the host's route to the fabric via %s is gone",
		      ipv6_addr_format(&w.gw, text));
	if (c->repair && p) {
		cell6_host_route(&c->s, st);
		nl_run(&c->s, NULL, NULL);
	}
out:
	fail_clear();
}
