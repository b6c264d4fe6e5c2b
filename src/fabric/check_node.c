// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every node: its phase (an add or a delete that did not finish), its host
 * veth (there, ours, renamed, or a foreign link in its place), its
 * namespace (ours by its mark, or foreign), the bridge port, up, counter
 * entry and tc programs, and inside the namespace eth0 (ours, up), the
 * node's address and its default route. --repair mends each piece in
 * place, makes the node again when its veth or namespace is gone, or takes
 * it apart when something foreign holds its name.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/blocks.h"
#include "fabric/check_ctx.h"
#include "fabric/fabric.h"
#include "fabric/link_delete.h"
#include "fabric/ownership.h"
#include "fabric/check_node6.h"
#include "kernel/addr.h"
#include "kernel/bpf_counters.h"
#include "kernel/netns.h"
#include "kernel/route.h"

/* What a node's namespace holds, read through a socket inside it. */
struct inside {
	struct link_info eth0;
	bool have_eth0, have_addr;
	int route;		      /* ROUTE_OURS, ROUTE_NONE or ROUTE_OTHER */
	int n_foreign;		      /* links fabricctl did not make, eth0 aside */
	char foreign_first[IFNAMSIZ]; /* the first of them */
};

struct addr_want {
	int ifindex;
	uint32_t addr;
	unsigned int len;
	bool found;
};

static int addr_want_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_want *w = data;
	unsigned int len;
	uint32_t addr;
	int ifindex;

	if (addr_parse(nlh, &addr, &len, &ifindex) == 0 && ifindex == w->ifindex &&
	    addr == w->addr && len == w->len)
		w->found = true;
	return 0;
}

/* The namespace's links: eth0, and any other that is neither lo nor tagged ours. */
static int probe_links(struct nl_sock *ns, const struct fabric_state *st, struct inside *in)
{
	struct link_list links = {0};
	char tag[ALIAS_TAG_MAX];
	size_t len;
	int err = link_dump_all(ns, &links);

	if (err)
		return err;
	alias_tag(tag, sizeof(tag), st->name, NULL);
	len = strlen(tag);
	for (size_t i = 0; i < links.n; i++) {
		const struct link_info *li = &links.links[i];

		if (!strcmp(li->name, NODE_IFNAME)) {
			in->eth0 = *li;
			in->have_eth0 = true;
		} else if (strcmp(li->name, "lo") && (strncmp(li->alias, tag, len) ||
						      (li->alias[len] && li->alias[len] != ':'))) {
			if (!in->n_foreign++)
				snprintf(in->foreign_first, sizeof(in->foreign_first), "%s",
					 li->name);
		}
	}
	link_list_free(&links);
	return 0;
}

static int probe_inside(struct nl_sock *ns, const struct fabric_state *st,
			const struct fabric_node *node, struct inside *in)
{
	struct addr_want w = {0, ipam_addr_of(&st->ipam, node->slot),
			      ipam_cell_prefix_len(&st->ipam), false};
	int err;

	memset(in, 0, sizeof(*in));
	err = probe_links(ns, st, in);
	if (err || !in->have_eth0)
		return err;
	w.ifindex = in->eth0.ifindex;
	addr_dump(ns);
	err = nl_dump(ns, addr_want_cb, &w);
	if (err)
		return err;
	in->have_addr = w.found;
	err = check_has_route(ns, 0, 0, cell_gateway_of(st, node->slot));
	if (err < 0)
		return err;
	in->route = err;
	return 0;
}

/*
 * eth0 as add-node makes it, before its tag: no alias, the MAC fabricctl
 * derives from the node's address, and the peer of the node's host veth.
 */
static bool eth0_born_ours(const struct fabric_state *st, const struct fabric_node *node,
			   const struct link_info *eth0, const struct link_info *veth)
{
	uint8_t mac[6];

	fabric_mac(mac, MAC_HOLDER, ipam_addr_of(&st->ipam, node->slot));
	return !eth0->alias[0] && !memcmp(eth0->mac, mac, sizeof(mac)) &&
	       eth0->ifindex == veth->peer_ifindex;
}

/* Links in the node's namespace that fabricctl did not make: named, left alone. */
static void report_foreign_inside(struct check_ctx *c, const struct fabric_node *node,
				  const struct inside *in)
{
	if (in->n_foreign)
		check_add_foreign(c, "foreign_link", node->name, in->foreign_first,
				  "%d link%s in the node's namespace that fabricctl did not make: "
				  "left alone (del-node and destroy leave this namespace)",
				  in->n_foreign, in->n_foreign == 1 ? "" : "s");
}

/*
 * A node whose host veth is gone: is a link that is not ours named eth0 in
 * its namespace? Then a new veth cannot be made into it: said, left alone.
 */
static bool foreign_eth0(struct check_ctx *c, const struct fabric_node *node)
{
	char tag[ALIAS_TAG_MAX];
	struct inside in;
	struct nl_sock ns;
	int fd = netns_open(node->name), err;
	bool foreign = false;

	if (fd < 0) {
		fail_clear();
		return false;
	}
	err = netns_socket(fd, &ns);
	close(fd);
	if (err) {
		fail_clear();
		return false;
	}
	memset(&in, 0, sizeof(in));
	node_alias(tag, sizeof(tag), c->st->name, node->name);
	if (probe_links(&ns, c->st, &in) == 0) {
		foreign = in.have_eth0 && strcmp(in.eth0.alias, tag);
		if (foreign)
			check_add_foreign(
				c, "foreign_eth0", node->name, NODE_IFNAME,
				"a link named eth0 in the node's namespace that fabricctl "
				"did not make: left alone; remove it, then check --repair "
				"makes the node's veth again");
		report_foreign_inside(c, node, &in);
	}
	fail_clear();
	nl_close(&ns);
	return foreign;
}

static void to_remove(struct check_ctx *c, struct fabric_node *node)
{
	if (c->repair)
		c->to_remove[c->n_remove++] = node;
}

/* Make @node again; into its namespace when it is ours and still there. */
static void remake(struct check_ctx *c, struct fabric_node *node, bool keep_netns,
		   struct check_problem *p)
{
	int fd = -1, err;

	int old = node->ifindex;

	if (!c->repair || !p || !c->fb)
		return;
	if (keep_netns && (fd = netns_open(node->name)) < 0)
		return;
	err = fabric_node_remake(c->st, &c->s, &c->cells, c->fb, node, fd);
	if (!err && old > 0 && old != node->ifindex)
		bpf_counters_del(c->fb, old); /* the old veth's entry goes with it */
	if (fd >= 0)
		close(fd);
	if (!err)
		c->record_changed = true;
	fail_clear();
}

bool check_host_end(struct check_ctx *c, struct fabric_node *node, const struct link_info *li)
{
	int br = cells_bridge_lookup(&c->cells, ipam_cell_of(&c->st->ipam, node->slot));
	struct check_problem *p;

	fail_clear();
	if (br > 0 && li->master != br) {
		p = check_add(c, "not_enslaved", node->name, li->name,
			      "not a port of its cell's bridge");
		if (c->repair && p) {
			link_set_master(&c->s, li->ifindex, br);
			nl_run(&c->s, NULL, NULL);
		}
	}
	if (!(li->flags & IFF_UP)) {
		p = check_add(c, "link_down", node->name, li->name, "the host end is down");
		if (c->repair && p) {
			link_set_up(&c->s, li->ifindex);
			nl_run(&c->s, NULL, NULL);
		}
	}
	if (c->fb && !check_counted(c, li->ifindex)) {
		p = check_add(c, "missing_counter", node->name, li->name, "no counter entry");
		if (c->repair && p) {
			struct fabric_bpf_node id = {node->slot, node->netns_ino};

			bpf_counters_add(c->fb, li->ifindex, &id);
		}
		return false;
	}
	return true;
}

/* The pieces of a complete node's host end: bridge port, up, counter entry, tc programs. */
static void check_port(struct check_ctx *c, struct fabric_node *node, const struct link_info *li)
{
	struct check_problem *p;

	/* A counter entry made again by check_host_end() comes with its namespace's. */
	if (check_host_end(c, node, li) && c->fb &&
	    !bpf_counters_has_netns(c->fb, li->ifindex, node->netns_ino)) {
		p = check_add(c, "missing_netns_entry", node->name, li->name,
			      "its namespace is not in the drops' netns map");
		if (c->repair && p)
			bpf_counters_add_netns(c->fb, li->ifindex, node->netns_ino);
	}
	if (c->fb && c->st->attach == FABRIC_ATTACH_TCX) {
		if (fabric_bpf_tcx_attached(c->fb, li->ifindex) != 1) {
			p = check_add(c, "missing_attachment", node->name, li->name,
				      "the program is not attached by its pinned tcx links");
			if (c->repair && p)
				fabric_bpf_tcx_reattach(c->fb, li->ifindex);
		}
	} else if (c->fb && fabric_bpf_attached(c->fb, &c->s, &c->qdiscs, li->ifindex) != 1) {
		uint32_t ingress, egress;

		p = check_add(c, "missing_attachment", node->name, li->name,
			      "the program is not attached on tc ingress and egress");
		if (c->repair && p &&
		    fabric_choose_blocks(&c->s, c->st, c->fb, node->slot, &ingress, &egress) == 0)
			fabric_bpf_reattach(c->fb, &c->s, &c->qdiscs, li->ifindex, ingress, egress);
	}
	fail_clear();
}

/*
 * Inside the node: eth0 (the veth's peer, tagged, up), its address, the
 * default route. Returns true when the node was made again (eth0 was gone):
 * its old host end's pieces need no mending.
 */
static bool check_inside(struct check_ctx *c, struct fabric_node *node, const struct link_info *li)
{
	const struct fabric_state *st = c->st;
	char tag[ALIAS_TAG_MAX], a[INET_ADDRSTRLEN];
	unsigned int plen = ipam_cell_prefix_len(&st->ipam);
	uint32_t addr = ipam_addr_of(&st->ipam, node->slot);
	struct check_problem *p;
	struct inside in;
	bool remade = false;
	struct nl_sock ns;
	int fd = netns_open(node->name), err;

	if (fd < 0)
		return false;
	err = netns_socket(fd, &ns);
	close(fd);
	if (err) {
		fail_clear();
		return false;
	}
	node_alias(tag, sizeof(tag), st->name, node->name);
	if (probe_inside(&ns, st, node, &in) < 0) {
		fail_clear();
		goto out;
	}
	report_foreign_inside(c, node, &in);
	if (in.have_eth0 && eth0_born_ours(st, node, &in.eth0, li)) {
		/* Made by fabricctl, cut short before its tag. */
		p = check_add(c, "untagged_link", node->name, NODE_IFNAME,
			      "made by fabricctl but not tagged yet (a command was cut short)");
		if (c->repair && p) {
			link_set_tag(&ns, in.eth0.ifindex, tag, fabric_has_ipv6_mtu(st));
			nl_run(&ns, NULL, NULL);
			fail_clear();
		}
	} else if (in.have_eth0 && strcmp(in.eth0.alias, tag)) {
		check_add_foreign(
			c, "foreign_eth0", node->name, NODE_IFNAME,
			"a link named eth0 in the node's namespace that fabricctl did not "
			"make: left alone");
		goto out;
	}
	if (!in.have_eth0 || in.eth0.ifindex != li->peer_ifindex) {
		p = check_add(c, "missing_eth0", node->name, NODE_IFNAME,
			      "the node's end of its veth is gone or not ours");
		if (c->repair && p) {
			int ifindex = li->ifindex;

			fabric_links_delete(&c->s, &ifindex, 1); /* proven ours */
			remake(c, node, true, p);
		}
		remade = true;
		goto out;
	}
	if (!(in.eth0.flags & IFF_UP)) {
		p = check_add(c, "eth0_down", node->name, NODE_IFNAME, "eth0 is down");
		if (c->repair && p) {
			link_set_up(&ns, in.eth0.ifindex);
			nl_run(&ns, NULL, NULL);
		}
	}
	if (!in.have_addr && !st->ipv6_only) {
		p = check_add(c, "missing_address", node->name, NODE_IFNAME,
			      "its address %s/%u is gone", ipv4_addr_format(addr, a), plen);
		if (c->repair && p) {
			addr_add(&ns, in.eth0.ifindex, addr, plen);
			nl_run(&ns, NULL, NULL);
		}
	}
	if (st->ipv6)
		check_node6(c, &ns, node, in.eth0.ifindex);
	if (st->ipv6_only) {
		/* no IPv4 route to judge */
	} else if (in.route == ROUTE_OTHER) {
		check_add_foreign(c, "foreign_route", node->name, "default",
				  "the node's default route is not the one via %s that fabricctl "
				  "made: left alone",
				  ipv4_addr_format(cell_gateway_of(st, node->slot), a));
	} else if (in.route == ROUTE_NONE) {
		p = check_add(c, "missing_route", node->name, NODE_IFNAME,
			      "its default route via %s is gone",
			      ipv4_addr_format(cell_gateway_of(st, node->slot), a));
		if (c->repair && p) {
			route_add(&ns, 0, 0, cell_gateway_of(st, node->slot));
			nl_run(&ns, NULL, NULL);
		}
	}
	fail_clear();
out:
	nl_close(&ns);
	return remade;
}

/*
 * The veth of a node whose add was cut short: proven by its tag, or, cut
 * between creation and tagging, by the mark it has from birth.
 */
static const struct link_info *unfinished_veth(struct check_ctx *c, const struct fabric_node *node)
{
	char veth[IFNAMSIZ], tag[ALIAS_TAG_MAX];
	const struct link_info *li;
	uint8_t mac[6];

	host_veth_name(veth, c->st->name, node->slot);
	node_alias(tag, sizeof(tag), c->st->name, node->name);
	fabric_mac(mac, MAC_HOST_END, ipam_addr_of(&c->st->ipam, node->slot));
	li = check_link_by_name(c, veth);
	if (li && (!strcmp(li->alias, tag) || link_born_ours(li, c->st, veth, mac)))
		return li;
	return NULL;
}

/* An add or a delete that did not finish: taken apart (every piece proven first). */
static void check_unfinished(struct check_ctx *c, struct fabric_node *node)
{
	bool adding = node->phase == NODE_ADDING;
	const struct link_info *li = check_link_by_index(c, node->ifindex);

	/* A delete proves its veth by the recorded index; an add's has none yet. */
	if (li && link_is_node_veth(li, c->st, node))
		check_account(c, li);
	else if ((li = unfinished_veth(c, node)))
		check_doom(c, li);
	check_add(c, adding ? "half_made_node" : "half_deleted_node", node->name, node->name, "%s",
		  adding ? "add-node did not finish" : "del-node did not finish");
	to_remove(c, node);
}

/* Our veth at its index but under another name: renamed back (down, rename, up). */
static bool rename_back(struct check_ctx *c, struct fabric_node *node, const struct link_info *li,
			const char *veth)
{
	struct check_problem *p = check_add(c, "renamed_veth", node->name, li->name,
					    "its host veth was renamed (should be \"%s\")", veth);

	if (!c->repair || !p)
		return false;
	link_set_down(&c->s, li->ifindex);
	link_set_name(&c->s, li->ifindex, veth);
	link_set_up(&c->s, li->ifindex);
	if (nl_run(&c->s, NULL, NULL)) {
		fail_clear();
		return false;
	}
	return true;
}

static void check_node(struct check_ctx *c, struct fabric_node *node)
{
	const struct fabric_state *st = c->st;
	const struct link_info *li = check_link_by_index(c, node->ifindex), *named;
	char veth[IFNAMSIZ], tag[ALIAS_TAG_MAX];
	bool veth_ok = false, foreign_veth = false;
	struct check_problem *p;
	enum netns_owner ns;

	if (!node_ready(node)) {
		check_unfinished(c, node);
		return;
	}
	if (node->cni) {
		check_attachment(c, node);
		return;
	}
	host_veth_name(veth, st->name, node->slot);
	node_alias(tag, sizeof(tag), st->name, node->name);
	named = check_link_by_name(c, veth);
	if (li && link_is_node_veth(li, st, node)) {
		veth_ok = true;
	} else if (li && !strcmp(li->alias, tag) && !named) {
		check_account(c, li);
		veth_ok = rename_back(c, node, li, veth);
		if (!veth_ok)
			return; /* mended, or not: the second look tells */
	} else if (named && !strcmp(named->alias, tag)) {
		p = check_add(c, "stale_ifindex", node->name, veth,
			      "record says ifindex %d, kernel %d", node->ifindex, named->ifindex);
		if (c->repair && p) {
			node->ifindex = named->ifindex;
			c->record_changed = true;
		}
		li = named;
		veth_ok = true;
	} else if (named) {
		foreign_veth = true;
	}
	check_account(c, veth_ok ? li : NULL);
	ns = node_netns_owner(st, node, veth_ok);
	if (ns == NETNS_UNKNOWN) {
		check_add(c, "unreadable_namespace", node->name, node->name, "%s", fail_message());
		fail_clear();
		return; /* nothing is touched until it can be read */
	}
	if (ns == NETNS_FOREIGN) {
		check_add_foreign(c, "foreign_namespace", node->name, node->name,
				  "a namespace of the node's name that fabricctl did not make: "
				  "left alone; the node goes");
		to_remove(c, node);
		return;
	}
	if (foreign_veth) {
		check_add_foreign(c, "foreign_veth", node->name, veth,
				  "a link of the node's veth name that is not the fabric's: left "
				  "alone; the node goes");
		to_remove(c, node);
		return;
	}
	if (ns != NETNS_OURS) {
		p = check_add(c, "missing_namespace", node->name, node->name,
			      "its namespace is gone");
		if (c->repair && p) {
			if (veth_ok) {
				int ifindex = li->ifindex;

				fabric_links_delete(&c->s, &ifindex, 1);
			}
			if (ns == NETNS_PLACEHOLDER)
				netns_delete(node->name);
			remake(c, node, false, p);
		}
		return;
	}
	if (!veth_ok) {
		if (foreign_eth0(c, node))
			return;
		p = check_add(c, "missing_veth", node->name, veth, "its veth is gone");
		remake(c, node, true, p);
		return;
	}
	if (!check_inside(c, node, li))
		check_port(c, node, li);
}

void check_nodes(struct check_ctx *c)
{
	/* Remakes append nothing and remove nothing: the array stays put. */
	for (size_t i = 0; i < c->st->n_nodes; i++)
		check_node(c, &c->st->nodes[i]);
}
