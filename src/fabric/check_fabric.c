// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fabric's own pieces: an unfinished create, the three pins, the router
 * namespace, every cell's bridge (its address in cell 0) and router leg
 * (the gateway inside the router), the host's route; and what is stray:
 * tagged links nothing accounts for, foreign links in the fabric's group
 * or on its bridges (named, left alone), orphaned counter entries.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/errors.h"
#include "bpf_shared/fabric_counters.h"
#include "fabric/check_ctx.h"
#include "fabric/link_delete.h"
#include "fabric/ownership.h"
#include "kernel/addr.h"
#include "kernel/bpf_counters.h"
#include "kernel/netns.h"
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
	bool found;
};

static int route_want_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_want *w = data;
	uint32_t dst, table, gw;
	unsigned int len;

	if (route_parse_full(nlh, &dst, &len, &table, &gw) == 0 && table == RT_TABLE_MAIN &&
	    dst == w->dst && len == w->len && gw == w->gw)
		w->found = true;
	return 0;
}

int check_has_route(struct nl_sock *s, uint32_t dst, unsigned int len, uint32_t gw)
{
	struct route_want w = {dst, gw, len, false};
	int err;

	route_dump(s);
	err = nl_dump(s, route_want_cb, &w);
	return err ? err : w.found;
}

static void check_status(struct check_ctx *c)
{
	struct check_problem *p;

	if (c->st->complete)
		return;
	p = check_add(c, "incomplete_create", NULL, c->st->name,
		      "create did not finish (--repair finishes it; destroy removes it)");
	(void)p;
}

static void check_pins(struct check_ctx *c)
{
	static const char *const names[] = {FABRIC_PIN_COUNTERS, FABRIC_PIN_PROG_INGRESS,
					    FABRIC_PIN_PROG_EGRESS};
	unsigned int have = fabric_bpf_pins_present(c->st->name);
	int *ifindexes;
	size_t n = 0;
	bool kept;

	if (have == FABRIC_PINS_ALL && c->fb)
		return;
	for (unsigned int i = 0; i < 3; i++)
		if (!(have & (1u << i)))
			check_add(c, "missing_pin", NULL, names[i],
				  "the pinned %s of fabric \"%s\" is gone", names[i], c->st->name);
	if (have == FABRIC_PINS_ALL)
		check_add(c, "unusable_pins", NULL, BPF_PIN_ROOT,
			  "the pins of fabric \"%s\" cannot be opened (another fabricctl's?)",
			  c->st->name);
	if (!c->repair)
		return;
	ifindexes = calloc(c->st->n_nodes + 1, sizeof(*ifindexes));
	for (size_t i = 0; ifindexes && i < c->st->n_nodes; i++)
		if (c->st->nodes[i].ifindex > 0)
			ifindexes[n++] = c->st->nodes[i].ifindex;
	if (have == FABRIC_PINS_ALL) {
		/* Pins of the wrong shape: made again, counters restart. */
		fabric_bpf_remove(c->st->name);
		fabric_bpf_create(c->st->name, ipam_capacity(&c->st->ipam));
		kept = false;
	} else {
		fabric_bpf_restore(c->st->name, ipam_capacity(&c->st->ipam), ifindexes, n, &kept);
	}
	free(ifindexes);
	fail_clear();
	fabric_bpf_close(c->fb);
	c->fb = NULL;
	if (fabric_bpf_open(c->st->name, &c->fb) < 0)
		c->fb = NULL;
	fail_clear();
	if (!kept) {
		/* A new map: no node has its entry yet (the node checks add them). */
		c->n_counted = 0;
	}
}

/* The router namespace, for fabrics of several cells. */
static void check_router(struct check_ctx *c)
{
	char name[64];
	uint64_t ino;

	if (!ipam_multi_cell(&c->st->ipam))
		return;
	router_netns_name(name, sizeof(name), c->st->name);
	switch (router_netns_owner(c->st->name)) {
	case NETNS_OURS:
		if (netns_inode(name, &ino) == 0 && ino != c->st->router_ino) {
			c->st->router_ino = ino; /* a record of an older version */
			c->record_changed = true;
		}
		return;
	case NETNS_FOREIGN:
		check_add_foreign(c, "foreign_router", NULL, name,
				  "a namespace of that name is not the fabric's: cells cannot be "
				  "joined; remove or rename it, then check --repair");
		return;
	case NETNS_UNKNOWN:
		check_add(c, "unreadable_namespace", NULL, name, "%s", fail_message());
		fail_clear();
		return;
	default:
		check_add(c, "missing_router", NULL, name,
			  "the router namespace joining the cells is gone");
		if (c->repair && cells_delete_router(c->st->name) == 0 &&
		    cells_create_router(c->st) == 0)
			c->record_changed = true;
		fail_clear();
	}
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
	if (!li || !router || link_get_one(router, inside, &in) < 0) {
		fail_clear();
		p = check_add(c, "missing_leg", NULL, leg, "cell %u's router leg is gone", cell);
		if (c->repair && p && router) {
			if (li) {
				int ifindex = li->ifindex;

				fabric_links_delete(&c->s, &ifindex, 1); /* tagged ours */
			}
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
	if (!has_addr(router_addrs, in.ifindex, gw, plen)) {
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
}

/* Every cell in use: its bridge, cell 0's host address, the legs, the host's route. */
static void check_cells(struct check_ctx *c)
{
	const struct fabric_state *st = c->st;
	bool multi = ipam_multi_cell(&st->ipam);
	struct addr_list host_addrs, router_addrs = {0};
	struct nl_sock *router = NULL;
	char br[IFNAMSIZ], a[INET_ADDRSTRLEN], cidr[IPV4_PREFIX_STRLEN];
	struct check_problem *p;
	uint8_t mac[6];

	if (read_addrs(&c->s, &host_addrs)) {
		fail_clear();
		memset(&host_addrs, 0, sizeof(host_addrs));
	}
	if (multi && router_netns_owner(st->name) == NETNS_OURS &&
	    cells_router_socket(&c->cells, &router) == 0 && read_addrs(router, &router_addrs)) {
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
		if (cell == 0) {
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
		if (multi)
			check_leg(c, cell, li, &router_addrs, router);
	}
	if (multi) {
		uint32_t gw0 = ipam_addr_of(&st->ipam, ipam_cell_gateway_slot(&st->ipam, 0));

		if (check_has_route(&c->s, st->subnet.addr, st->subnet.len, gw0) == 0) {
			p = check_add(c, "missing_host_route", NULL,
				      ipv4_prefix_format(&st->subnet, cidr),
				      "the host's route to the fabric via %s is gone",
				      ipv4_addr_format(gw0, a));
			if (c->repair && p) {
				route_add(&c->s, st->subnet.addr, st->subnet.len, gw0);
				nl_run(&c->s, NULL, NULL);
			}
		}
		fail_clear();
	}
	free(host_addrs.a);
	free(router_addrs.a);
}

void check_fabric_pieces(struct check_ctx *c)
{
	bool was_complete = c->st->complete;

	check_status(c);
	check_pins(c);
	check_router(c);
	check_cells(c);
	if (c->repair && !was_complete) {
		/* Every piece create makes has just been checked and mended. */
		c->st->complete = true;
		c->record_changed = true;
	}
}

/* Is @ifindex one of the fabric's bridges (found, ours, accounted)? */
static bool is_our_bridge(const struct check_ctx *c, int ifindex)
{
	const struct link_info *li = check_link_by_index(c, ifindex);
	uint32_t cell;

	return li && c->accounted[li - c->links.links] && bridge_cell(li->name, c->st->name, &cell);
}

static int uint_cmp(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

void check_strays(struct check_ctx *c)
{
	const struct fabric_state *st = c->st;

	for (size_t i = 0; i < c->links.n; i++) {
		const struct link_info *li = &c->links.links[i];
		struct check_problem *p;

		if (c->accounted[i])
			continue;
		if (link_is_fabric_link(li, st)) {
			p = check_add(c, "stray_link", NULL, li->name,
				      "the fabric's, but no node, bridge or leg of it");
			if (p)
				check_doom(c, li);
		} else if (li->group == st->group) {
			check_add_foreign(c, "foreign_link", NULL, li->name,
					  "in the fabric's interface group, not made by fabricctl: "
					  "left alone");
		} else if (li->master > 0 && is_our_bridge(c, li->master)) {
			check_add_foreign(c, "foreign_port", NULL, li->name,
					  "a port of one of the fabric's bridges, not made by "
					  "fabricctl: left alone");
		}
	}

	/* Counter entries of no node: the map cannot grow from traffic, only from us. */
	unsigned int *owners = calloc(st->n_nodes + 1, sizeof(*owners));

	for (size_t i = 0; owners && i < st->n_nodes; i++)
		owners[i] = (unsigned int)st->nodes[i].ifindex;
	if (owners && st->n_nodes)
		qsort(owners, st->n_nodes, sizeof(*owners), uint_cmp);
	for (size_t k = 0; owners && c->fb && k < c->n_counted; k++) {
		char key[24];

		if (st->n_nodes &&
		    bsearch(&c->counted[k], owners, st->n_nodes, sizeof(*owners), uint_cmp))
			continue;
		snprintf(key, sizeof(key), "ifindex %u", c->counted[k]);
		struct check_problem *p =
			check_add(c, "orphaned_counter", NULL, key, "a counter entry of no node");
		if (c->repair && p) {
			bpf_counters_del(c->fb, (int)c->counted[k]);
			fail_clear();
		}
	}
	free(owners);
}
