// SPDX-License-Identifier: GPL-2.0-only
/* Cells: one bridge each; several cells are joined by the fabric's router namespace. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/cell.h"
#include "fabric/cell6.h"
#include "fabric/link_delete.h"
#include "fabric/names.h"
#include "fabric/ownership.h"
#include "fabric/site_frr.h"
#include "kernel/addr.h"
#include "kernel/link.h"
#include "kernel/netns.h"
#include "kernel/route.h"
#include "kernel/sysctl.h"

uint32_t cell_gateway_of(const struct fabric_state *st, uint32_t slot)
{
	return ipam_addr_of(&st->ipam,
			    ipam_cell_gateway_slot(&st->ipam, ipam_cell_of(&st->ipam, slot)));
}

uint32_t cell_host_addr(const struct fabric_state *st, unsigned int *prefix_len)
{
	const struct ipam *ipam = &st->ipam;

	/* One cell: the host is the gateway. Several: the host has slot 2 of cell 0. */
	if (!ipam_multi_cell(ipam)) {
		*prefix_len = st->subnet.len;
		return ipam_addr_of(ipam, IPAM_GATEWAY_SLOT);
	}
	*prefix_len = ipam_cell_prefix_len(ipam);
	return ipam_addr_of(ipam, IPAM_HOST_SLOT);
}

void cell_bridge_mac(const struct fabric_state *st, uint32_t cell, uint8_t mac[6])
{
	unsigned int plen;

	/* The bridge holding an address has the holder's MAC; the others the bridge kind. */
	if (cell == 0)
		fabric_mac(mac, MAC_HOLDER, cell_host_addr(st, &plen));
	else
		fabric_mac(mac, MAC_BRIDGE,
			   ipam_addr_of(&st->ipam, ipam_cell_gateway_slot(&st->ipam, cell)));
}

void cell_leg_mac(const struct fabric_state *st, uint32_t cell, uint8_t mac[6])
{
	fabric_mac(mac, MAC_HOST_END,
		   ipam_addr_of(&st->ipam, ipam_cell_gateway_slot(&st->ipam, cell)));
}

int cells_init(struct cell_set *c, const struct fabric_state *st, struct nl_sock *host)
{
	memset(c, 0, sizeof(*c));
	c->st = st;
	c->host = host;
	c->bridge_ifindex = calloc(ipam_n_cells(&st->ipam), sizeof(*c->bridge_ifindex));
	c->made_here = calloc(ipam_n_cells(&st->ipam), sizeof(*c->made_here));
	return c->bridge_ifindex && c->made_here ? 0 : -ENOMEM;
}

void cells_close(struct cell_set *c)
{
	if (c->router.mnl)
		nl_close(&c->router);
	free(c->bridge_ifindex);
	free(c->made_here);
	c->bridge_ifindex = NULL;
	c->made_here = NULL;
}

/* Inside the new router namespace: forwarding here, and only here. */
static int router_sysctls_inside(void *data)
{
	const struct fabric_state *st = data;
	int err;

	err = sysctl_write_path("/proc/sys/net/ipv4/ip_forward", "1");
	if (err)
		return err;
	err = sysctl_write_path("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "1");
	if (!err && st->ipv6)
		return cell6_router_forwarding();
	return err == -ENOENT ? 0 : err;
}

int cells_create_router(struct fabric_state *st)
{
	char name[64], tag[ALIAS_TAG_MAX];
	struct nl_sock nl;
	int fd, err;

	router_netns_name(name, sizeof(name), st->name);
	router_alias(tag, sizeof(tag), st->name);
	err = netns_prepare_dir();
	if (err)
		return err;
	err = netns_create(name, tag, &fd, &nl, router_sysctls_inside, st);
	if (err == -EEXIST)
		return fail_msg(-EEXIST, "namespace \"%s\" already exists", name);
	if (err)
		return fail_wrap(err, "router namespace \"%s\"", name);
	err = netns_fd_inode(fd, &st->router_ino);
	close(fd);
	nl_close(&nl);
	if (err) {
		netns_delete(name);
		return fail(err, "cannot read the router namespace \"%s\"", name);
	}
	return 0;
}

int cells_delete_router(const char *fabric)
{
	char name[64];

	router_netns_name(name, sizeof(name), fabric);
	switch (router_netns_owner(fabric)) {
	case NETNS_ABSENT:
		return 0;
	case NETNS_FOREIGN:
		return fail_msg(-EEXIST,
				"namespace \"%s\" is not the router of fabric \"%s\": left alone",
				name, fabric);
	case NETNS_UNKNOWN:
		return -EIO; /* recorded */
	default:	     /* ours, or the placeholder a crash left */
		return netns_delete(name);
	}
}

int cells_router_socket(struct cell_set *c, struct nl_sock **out)
{
	char name[64];
	int fd, err;

	*out = &c->router;
	if (c->router.mnl)
		return 0;
	router_netns_name(name, sizeof(name), c->st->name);
	fd = netns_open(name);
	if (fd < 0)
		return fail(fd, "cannot open the router namespace \"%s\"", name);
	err = netns_socket(fd, &c->router);
	close(fd);
	return err ? fail(err, "cannot open a socket in \"%s\"", name) : 0;
}

/*
 * The router's leg into cell @cell: a veth whose host end is a port of the
 * cell's bridge and whose other end, inside the router, holds the cell's
 * gateway address.
 */
int cells_make_leg(struct cell_set *c, uint32_t cell, int br_ifindex)
{
	const struct fabric_state *st = c->st;
	uint32_t gw = ipam_addr_of(&st->ipam, ipam_cell_gateway_slot(&st->ipam, cell));
	char leg[IFNAMSIZ], inside[IFNAMSIZ], tag[ALIAS_TAG_MAX], name[64];
	uint8_t hmac[6], rmac[6];
	struct link_spec host = {
		.name = leg, .mac = hmac, .mtu = st->mtu, .group = st->group, .master = br_ifindex};
	struct link_spec peer = {.name = inside, .mac = rmac, .mtu = st->mtu};
	struct nl_sock *router;
	struct link_info info;
	int fd, err;

	err = cells_router_socket(c, &router);
	if (err)
		return err;
	router_leg_name(leg, st->name, cell);
	router_if_name(inside, cell);
	router_netns_name(name, sizeof(name), st->name);
	cell_leg_mac(st, cell, hmac);
	fabric_mac(rmac, MAC_HOLDER, gw); /* the interface holding address X has MAC 0e:fb:X */
	fd = netns_open(name);
	if (fd < 0)
		return fail(fd, "cannot open the router namespace \"%s\"", name);
	link_create_veth(c->host, &host, &peer, fd);
	nl_label(c->host, "create the router leg \"%s\"", leg);
	err = nl_run(c->host, NULL, NULL);
	close(fd);
	if (err)
		return err;
	err = link_get_one(c->host, leg, &info);
	if (err)
		return fail(err, "cannot read back \"%s\"", leg);
	router_alias(tag, sizeof(tag), st->name);
	link_set_tag(c->host, info.ifindex, tag, fabric_has_ipv6_mtu(st));
	nl_label(c->host, "tag the router leg \"%s\"", leg);
	link_set_up(c->host, info.ifindex);
	nl_label(c->host, "bring up the router leg \"%s\"", leg);
	err = nl_run(c->host, NULL, NULL);
	if (err)
		return err;
	link_set_tag(router, info.peer_ifindex, tag, false);
	nl_label(router, "tag \"%s\" in the router", inside);
	link_set_up(router, info.peer_ifindex);
	nl_label(router, "bring up \"%s\" in the router", inside);
	if (st->site) { /* FRR announces the cell: zebra must know the leg first */
		err = nl_run(router, NULL, NULL);
		if (err)
			return fail_wrap(err, "cell %u's gateway", cell);
		site_frr_wait_interface(st, inside);
	}
	if (!st->ipv6_only)
		addr_add(router, info.peer_ifindex, gw, ipam_cell_prefix_len(&st->ipam));
	if (st->ipv6)
		cell6_leg_addr(router, st, cell, info.peer_ifindex);
	err = nl_run(router, NULL, NULL);
	return err ? fail_wrap(err, "cell %u's gateway", cell) : 0;
}

/* Bridge of cell @cell: STP off, tagged, with the address the host has there. */
static int create_cell(struct cell_set *c, uint32_t cell, int *ifindex)
{
	const struct fabric_state *st = c->st;
	const struct ipam *ipam = &st->ipam;
	bool multi = ipam_multi_cell(ipam);
	uint32_t gw = ipam_addr_of(ipam, ipam_cell_gateway_slot(ipam, cell));
	unsigned int host_plen;
	uint32_t host_addr = cell_host_addr(st, &host_plen);
	bool has_addr = cell == 0 && !st->ipv6_only;
	char br[IFNAMSIZ], tag[ALIAS_TAG_MAX], cidr[IPV4_PREFIX_STRLEN];
	uint8_t mac[6];
	struct link_spec spec = {
		.name = br, .mac = mac, .mtu = st->mtu, .group = st->group, .up = true};
	struct link_info info;
	int err;

	bridge_name(br, st->name, cell);
	alias_tag(tag, sizeof(tag), st->name, NULL);
	cell_bridge_mac(st, cell, mac);
	link_create_bridge(c->host, &spec);
	err = nl_run(c->host, NULL, NULL);
	if (err)
		return err;
	err = link_get_one(c->host, br, &info);
	if (err)
		return fail(err, "cannot read back bridge \"%s\"", br);
	*ifindex = info.ifindex;
	err = st->ipv6 ? 0 : link_disable_ipv6(br);
	if (err)
		return fail(err, "cannot disable IPv6 on bridge \"%s\"", br);
	link_set_tag(c->host, info.ifindex, tag, st->ipv6); /* IPv6: no link-local address */
	nl_label(c->host, "tag bridge \"%s\"", br);
	if (has_addr) {
		addr_add(c->host, info.ifindex, host_addr, host_plen);
		nl_label(c->host, "add the host's address of subnet %s to bridge \"%s\"",
			 ipv4_prefix_format(&st->subnet, cidr), br);
	}
	if (st->ipv6 && cell == 0)
		cell6_bridge_addr(c->host, st, info.ifindex);
	err = nl_run(c->host, NULL, NULL);
	if (err)
		return err;
	if (!multi)
		return 0;
	err = cells_make_leg(c, cell, info.ifindex);
	if (err)
		return err;
	if (cell == 0) {
		/* The host reaches every cell through the router's leg in cell 0. */
		if (!st->ipv6_only) {
			route_add(c->host, st->subnet.addr, st->subnet.len, gw);
			nl_label(c->host, "add the host's route to %s via the fabric's router",
				 ipv4_prefix_format(&st->subnet, cidr));
		}
		if (st->ipv6)
			cell6_host_route(c->host, st);
		err = nl_run(c->host, NULL, NULL);
	}
	return err;
}

int cells_bridge_lookup(struct cell_set *c, uint32_t cell)
{
	char br[IFNAMSIZ];
	struct link_info info;
	int err;

	if (cell >= ipam_n_cells(&c->st->ipam))
		return -EINVAL;
	if (c->bridge_ifindex[cell] > 0)
		return c->bridge_ifindex[cell];
	bridge_name(br, c->st->name, cell);
	err = link_get_one(c->host, br, &info);
	if (err == -ENODEV)
		return 0;
	if (err)
		return fail(err, "cannot read bridge \"%s\"", br);
	if (strcmp(info.kind, "bridge") || !alias_is_ours(info.alias, c->st->name))
		return fail_msg(-EEXIST, "\"%s\" exists and is not a bridge of fabric \"%s\"", br,
				c->st->name);
	c->bridge_ifindex[cell] = info.ifindex;
	return info.ifindex;
}

int cells_bridge(struct cell_set *c, uint32_t cell)
{
	int err = cells_bridge_lookup(c, cell);

	if (err != 0)
		return err; /* found (> 0) or failed (< 0) */
	err = create_cell(c, cell, &c->bridge_ifindex[cell]);
	if (err) {
		/* A half-made cell goes: the leg and the bridge, if ours. */
		char leg[IFNAMSIZ];

		struct fail_stash why;
		uint8_t mac[6];
		int doomed[2], n = 0;
		char br[IFNAMSIZ];

		fail_stash(&why);
		router_leg_name(leg, c->st->name, cell);
		cell_leg_mac(c->st, cell, mac);
		if ((doomed[n] = fabric_link_find_made(c->host, c->st, leg, mac)) > 0)
			n++;
		/* The bridge's index may never have been read back: by name then. */
		bridge_name(br, c->st->name, cell);
		cell_bridge_mac(c->st, cell, mac);
		doomed[n] = c->bridge_ifindex[cell] > 0
				    ? c->bridge_ifindex[cell]
				    : fabric_link_find_made(c->host, c->st, br, mac);
		if (doomed[n] > 0)
			n++;
		fabric_links_delete(c->host, doomed, (size_t)n);
		fail_clear();
		fail_unstash(&why);
		c->bridge_ifindex[cell] = 0;
		return err;
	}
	c->made_here[cell] = true;
	return c->bridge_ifindex[cell];
}

/* Does @cell hold a complete node of @st? */
static bool cell_used(const struct fabric_state *st, uint32_t cell)
{
	for (size_t i = 0; i < st->n_nodes; i++)
		if (node_ready(&st->nodes[i]) && ipam_cell_of(&st->ipam, st->nodes[i].slot) == cell)
			return true;
	return false;
}

/* Is a link other than @leg a port of @bridge (a foreign port)? */
static bool foreign_port_on(const struct link_list *links, int bridge, int leg)
{
	for (size_t i = 0; i < links->n; i++)
		if (links->links[i].master == bridge && links->links[i].ifindex != leg)
			return true;
	return false;
}

int cells_drop_emptied(struct nl_sock *host, const struct fabric_state *st, const uint32_t *cells,
		       size_t n)
{
	bool *seen = calloc(ipam_n_cells(&st->ipam) + 1, sizeof(*seen));
	int *doomed = calloc(2 * n + 1, sizeof(*doomed));
	struct link_list links = {0};
	size_t m = 0;
	int err = 0;

	if (!seen || !doomed) {
		err = fail(-ENOMEM, "cannot remove the cells left empty");
		goto out;
	}
	for (size_t i = 0; i < n && !err; i++) {
		char name[IFNAMSIZ];
		uint8_t mac[6];
		int leg, bridge;

		if (cells[i] == 0 || cells[i] >= ipam_n_cells(&st->ipam) || seen[cells[i]])
			continue;
		seen[cells[i]] = true;
		if (cell_used(st, cells[i]))
			continue;
		router_leg_name(name, st->name, cells[i]);
		cell_leg_mac(st, cells[i], mac);
		leg = fabric_link_find_made(host, st, name, mac);
		bridge_name(name, st->name, cells[i]);
		cell_bridge_mac(st, cells[i], mac);
		bridge = fabric_link_find_made(host, st, name, mac);
		/* A bridge with someone else's port stays, leg and all: the port is not ours. */
		if (bridge > 0 && !links.links && (err = link_dump_all(host, &links)))
			break;
		if (bridge > 0 && foreign_port_on(&links, bridge, leg))
			continue;
		if (leg > 0)
			doomed[m++] = leg;
		if (bridge > 0)
			doomed[m++] = bridge;
	}
	if (!err && m)
		err = fabric_links_delete(host, doomed, m);
	if (err)
		err = fail(err, "cannot remove the bridge and router leg of a cell left empty");
out:
	link_list_free(&links);
	free(doomed);
	free(seen);
	return err;
}

void cells_drop_unused(struct cell_set *c)
{
	const struct fabric_state *st = c->st;
	struct fail_stash why;
	int doomed[2];

	fail_stash(&why);
	for (uint32_t cell = 0; c->made_here && cell < ipam_n_cells(&st->ipam); cell++) {
		char leg[IFNAMSIZ];
		uint8_t mac[6];
		size_t n = 0;

		if (!c->made_here[cell] || cell == 0 || cell_used(st, cell))
			continue;
		router_leg_name(leg, st->name, cell);
		cell_leg_mac(st, cell, mac);
		if ((doomed[n] = fabric_link_find_made(c->host, st, leg, mac)) > 0)
			n++;
		if (c->bridge_ifindex[cell] > 0)
			doomed[n++] = c->bridge_ifindex[cell];
		fabric_links_delete(c->host, doomed, n);
		c->bridge_ifindex[cell] = 0;
		c->made_here[cell] = false;
	}
	fail_clear();
	fail_unstash(&why);
}
