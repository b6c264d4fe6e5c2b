// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every cell in use: its bridge (ours, up, with the host's address in cell
 * 0), its router leg (both ends up, the gateway inside the router) and the
 * host's route to the fabric. A foreign object in a piece's place is named
 * and left alone; a route to the subnet that is not ours, too.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/check_cells6.h"
#include "fabric/check_ctx.h"
#include "fabric/link_delete.h"
#include "fabric/names.h"
#include "fabric/ownership.h"
#include "kernel/addr.h"
#include "kernel/link.h"
#include "kernel/route.h"
/* Addresses of one namespace: (address, length, ifindex). */
struct addr_seen {
	uint32_t addr;
	unsigned int len;
	int ifindex;
};

struct addr_list {
	struct addr_seen *a;
	size_t n, cap;
};

static int addr_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_list *l = data;
	struct addr_seen seen;

	if (addr_parse(nlh, &seen.addr, &seen.len, &seen.ifindex))
		return 0;
	if (ARRAY_RESERVE(l->a, l->cap, l->n))
		return -ENOMEM;
	l->a[l->n++] = seen;
	return 0;
}

static int read_addrs(struct nl_sock *s, struct addr_list *l)
{
	memset(l, 0, sizeof(*l));
	addr_dump(s);
	return nl_dump(s, addr_list_cb, l);
}

static bool has_addr(const struct addr_list *l, int ifindex, uint32_t addr, unsigned int len)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->a[i].ifindex == ifindex && l->a[i].addr == addr && l->a[i].len == len)
			return true;
	return false;
}

struct route_want {
	uint32_t dst, gw;
	unsigned int len;
	bool found, other;
};

static int route_want_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_want *w = data;
	uint32_t dst, table, gw, priority;
	unsigned int len;

	if (route_parse_full(nlh, &dst, &len, &table, &gw, &priority) || table != RT_TABLE_MAIN ||
	    dst != w->dst || len != w->len)
		return 0;
	if (gw == w->gw)
		w->found = true;
	else if (priority == 0) /* ours are added at priority 0: this one holds the place */
		w->other = true;
	return 0;
}

int check_has_route(struct nl_sock *s, uint32_t dst, unsigned int len, uint32_t gw)
{
	struct route_want w = {dst, gw, len, false, false};
	int err;

	route_dump(s);
	err = nl_dump(s, route_want_cb, &w);
	if (err)
		return err;
	return w.found ? ROUTE_OURS : w.other ? ROUTE_OTHER : ROUTE_NONE;
}

/*
 * Is cell @cell in use: cell 0, or a cell holding a complete node? A cell
 * whose only nodes are half made goes with them (its links are strays).
 */
static bool cell_in_use(const struct fabric_state *st, uint32_t cell)
{
	if (cell == 0)
		return true;
	for (size_t i = 0; i < st->n_nodes; i++)
		if (node_ready(&st->nodes[i]) && ipam_cell_of(&st->ipam, st->nodes[i].slot) == cell)
			return true;
	return false;
}

/* A link of ours cut short before its tag: tagged now (@tag NULL: the fabric's own). */
static void tag_it(struct check_ctx *c, const struct link_info *li, const char *tag)
{
	char fabric_tag[ALIAS_TAG_MAX];
	struct check_problem *p;

	p = check_add(c, "untagged_link", NULL, li->name,
		      "made by fabricctl but not tagged yet (a command was cut short)");
	if (!c->repair || !p)
		return;
	if (!tag) {
		alias_tag(fabric_tag, sizeof(fabric_tag), c->st->name, NULL);
		tag = fabric_tag;
	}
	link_set_tag(&c->s, li->ifindex, tag, false);
	nl_run(&c->s, NULL, NULL);
	fail_clear();
}

static void fix_up(struct check_ctx *c, struct check_problem *p, int ifindex)
{
	if (!c->repair || !p)
		return;
	link_set_up(&c->s, ifindex);
	nl_run(&c->s, NULL, NULL);
	fail_clear();
}

static void delete_leg(struct check_ctx *c, int ifindex)
{
	fabric_links_delete(&c->s, &ifindex, 1);
}

/*
 * The leg's host end lost its name (renamed by hand) but its router end
 * is still there and holds the name a new leg needs: the pair goes first,
 * through its host end when that is tagged ours, else through the router
 * end when it has the MAC fabricctl gives it (the router namespace is ours).
 */
static void unname_leg(struct check_ctx *c, struct nl_sock *router, const struct link_info *in,
		       uint32_t gw)
{
	const struct link_info *host = check_link_by_index(c, in->peer_ifindex);
	uint8_t mac[6];

	if (host && link_is_fabric_link(host, c->st)) {
		check_account(c, host);
		delete_leg(c, host->ifindex);
		return;
	}
	fabric_mac(mac, MAC_HOLDER, gw);
	if (!memcmp(in->mac, mac, sizeof(mac))) {
		link_del(router, in->ifindex);
		nl_label(router, "delete \"%s\" in the router", in->name);
		nl_run(router, NULL, NULL);
	}
	fail_clear();
}

/* A leg that cannot be checked (the router is not ours) is not a stray either. */
static void check_account_leg(struct check_ctx *c, uint32_t cell)
{
	char leg[IFNAMSIZ];
	const struct link_info *li;

	router_leg_name(leg, c->st->name, cell);
	li = check_link_by_name(c, leg);
	if (li && link_is_fabrics(li, c->st->name))
		check_account(c, li);
}

/* Cell @cell's router leg: the host end on the bridge, the gateway inside. */
static void check_leg(struct check_ctx *c, uint32_t cell, const struct link_info *br,
		      const struct addr_list *router_addrs, struct nl_sock *router)
{
	const struct fabric_state *st = c->st;
	char leg[IFNAMSIZ], inside[IFNAMSIZ], tag[ALIAS_TAG_MAX];
	uint32_t gw = ipam_addr_of(&st->ipam, ipam_cell_gateway_slot(&st->ipam, cell));
	unsigned int plen = ipam_cell_prefix_len(&st->ipam);
	const struct link_info *li;
	struct link_info in;
	struct check_problem *p;
	bool have_in;
	uint8_t mac[6];

	router_leg_name(leg, st->name, cell);
	router_if_name(inside, cell);
	router_alias(tag, sizeof(tag), st->name);
	li = check_link_by_name(c, leg);
	cell_leg_mac(st, cell, mac);
	if (li && link_born_ours(li, st, leg, mac))
		tag_it(c, li, tag);
	else if (li && !link_is_fabrics(li, st->name)) {
		check_add_foreign(c, "foreign_link", NULL, leg,
				  "a link named like cell %u's router leg is not the fabric's",
				  cell);
		return;
	}
	check_account(c, li);
	have_in = router && link_get_one(router, inside, &in) == 0;
	fail_clear();
	if (!li || !have_in) {
		p = check_add(c, "missing_leg", NULL, leg, "cell %u's router leg is gone", cell);
		if (c->repair && p && router) {
			if (li)
				delete_leg(c, li->ifindex); /* tagged ours */
			else if (have_in)
				unname_leg(c, router, &in, gw);
			cells_make_leg(&c->cells, cell, br->ifindex);
			fail_clear();
		}
		return;
	}
	if (li->master != br->ifindex) {
		p = check_add(c, "not_enslaved", NULL, leg, "not a port of cell %u's bridge", cell);
		if (c->repair && p) {
			link_set_master(&c->s, li->ifindex, br->ifindex);
			nl_run(&c->s, NULL, NULL);
			fail_clear();
		}
	}
	if (!(li->flags & IFF_UP))
		fix_up(c, check_add(c, "link_down", NULL, leg, "the router leg is down"),
		       li->ifindex);
	if (!(in.flags & IFF_UP)) {
		p = check_add(c, "link_down", NULL, inside, "the router's end of the leg is down");
		if (c->repair && p) {
			link_set_up(router, in.ifindex);
			nl_run(router, NULL, NULL);
			fail_clear();
		}
	}
	if (!c->st->ipv6_only && !has_addr(router_addrs, in.ifindex, gw, plen)) {
		char a[INET_ADDRSTRLEN];

		p = check_add(c, "missing_gateway", NULL, inside,
			      "cell %u's gateway %s/%u is gone from the router", cell,
			      ipv4_addr_format(gw, a), plen);
		if (c->repair && p) {
			addr_add(router, in.ifindex, gw, plen);
			nl_run(router, NULL, NULL);
			fail_clear();
		}
	}
	if (c->st->ipv6)
		check_leg6(c, router, cell, in.ifindex, inside);
}

/* Every cell in use: its bridge, cell 0's host address, the legs, the host's route. */
void check_cells(struct check_ctx *c)
{
	const struct fabric_state *st = c->st;
	bool multi = ipam_multi_cell(&st->ipam);
	struct addr_list host_addrs, router_addrs = {0};
	struct nl_sock *router = NULL;
	bool router_ok = true;
	char br[IFNAMSIZ], a[INET_ADDRSTRLEN], cidr[IPV4_PREFIX_STRLEN];
	struct check_problem *p;
	uint8_t mac[6];

	if (read_addrs(&c->s, &host_addrs)) {
		fail_clear();
		memset(&host_addrs, 0, sizeof(host_addrs));
	}
	if (multi) {
		/* A router that is not ours was reported: its legs cannot be checked. */
		router_ok = router_netns_owner(st->name) != NETNS_FOREIGN &&
			    router_netns_owner(st->name) != NETNS_UNKNOWN;
		if (router_netns_owner(st->name) == NETNS_OURS &&
		    cells_router_socket(&c->cells, &router) == 0 &&
		    read_addrs(router, &router_addrs))
			memset(&router_addrs, 0, sizeof(router_addrs));
	}
	fail_clear();
	for (uint32_t cell = 0; cell < ipam_n_cells(&st->ipam); cell++) {
		const struct link_info *li;

		if (!cell_in_use(st, cell))
			continue;
		bridge_name(br, st->name, cell);
		li = check_link_by_name(c, br);
		cell_bridge_mac(st, cell, mac);
		if (li && !strcmp(li->kind, "bridge") && link_born_ours(li, st, br, mac))
			tag_it(c, li, NULL);
		else if (li && (strcmp(li->kind, "bridge") || !link_is_fabrics(li, st->name))) {
			check_add_foreign(c, "foreign_bridge", NULL, br,
					  "a link named like cell %u's bridge is not the fabric's",
					  cell);
			continue;
		}
		if (!li) {
			p = check_add(c, "missing_bridge", NULL, br, "cell %u has no bridge", cell);
			if (c->repair && p) {
				char leg[IFNAMSIZ];
				const struct link_info *l;

				/* A leg left from the old bridge is in the way of the new one's. */
				router_leg_name(leg, st->name, cell);
				l = check_link_by_name(c, leg);
				if (l && link_is_fabrics(l, st->name)) {
					int ifindex = l->ifindex;

					check_account(c, l);
					fabric_links_delete(&c->s, &ifindex, 1);
				}
				cells_bridge(&c->cells, cell); /* bridge, addresses, leg, route */
				fail_clear();
			}
			continue;
		}
		check_account(c, li);
		if (!(li->flags & IFF_UP))
			fix_up(c, check_add(c, "link_down", NULL, br, "the bridge is down"),
			       li->ifindex);
		if (cell == 0 && st->ipv6)
			check_bridge6(c, li->ifindex, br);
		if (cell == 0 && !st->ipv6_only) {
			unsigned int plen;
			uint32_t host = cell_host_addr(st, &plen);

			if (!has_addr(&host_addrs, li->ifindex, host, plen)) {
				p = check_add(c, multi ? "missing_host_address" : "missing_gateway",
					      NULL, br, "%s/%u is gone from the bridge",
					      ipv4_addr_format(host, a), plen);
				if (c->repair && p) {
					addr_add(&c->s, li->ifindex, host, plen);
					nl_run(&c->s, NULL, NULL);
					fail_clear();
				}
			}
		}
		if (multi && router_ok)
			check_leg(c, cell, li, &router_addrs, router);
		else if (multi)
			check_account_leg(c, cell);
	}
	if (multi && router_ok && st->ipv6)
		check_host_route6(c);
	if (multi && router_ok && !st->ipv6_only) {
		uint32_t gw0 = ipam_addr_of(&st->ipam, ipam_cell_gateway_slot(&st->ipam, 0));

		switch (check_has_route(&c->s, st->subnet.addr, st->subnet.len, gw0)) {
		case ROUTE_NONE:
			p = check_add(c, "missing_host_route", NULL,
				      ipv4_prefix_format(&st->subnet, cidr),
				      "the host's route to the fabric via %s is gone",
				      ipv4_addr_format(gw0, a));
			if (c->repair && p) {
				route_add(&c->s, st->subnet.addr, st->subnet.len, gw0);
				nl_run(&c->s, NULL, NULL);
			}
			break;
		case ROUTE_OTHER:
			check_add_foreign(
				c, "foreign_route", NULL, ipv4_prefix_format(&st->subnet, cidr),
				"the host's route to the fabric is not the one via %s that "
				"fabricctl made: left alone (the host reaches the nodes "
				"again once it is removed and check --repair runs)",
				ipv4_addr_format(gw0, a));
			break;
		}
		fail_clear();
	}
	free(host_addrs.a);
	free(router_addrs.a);
}
