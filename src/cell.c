// SPDX-License-Identifier: GPL-2.0-only
/* Cells: one bridge each; several cells are joined by the fabric's router namespace. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell.h"
#include "errors.h"
#include "fabric.h"
#include "link.h"
#include "netns.h"

uint32_t cell_gateway_of(const struct fabric_state *st, uint32_t slot)
{
	return ipam_addr_of(&st->ipam,
			    ipam_cell_gateway_slot(&st->ipam, ipam_cell_of(&st->ipam, slot)));
}

int cells_init(struct cell_set *c, const struct fabric_state *st, struct nl_sock *host)
{
	memset(c, 0, sizeof(*c));
	c->st = st;
	c->host = host;
	c->bridge_ifindex = calloc(ipam_n_cells(&st->ipam), sizeof(*c->bridge_ifindex));
	return c->bridge_ifindex ? 0 : -ENOMEM;
}

void cells_close(struct cell_set *c)
{
	if (c->router.mnl)
		nl_close(&c->router);
	free(c->bridge_ifindex);
	c->bridge_ifindex = NULL;
}

/* Write @value to a sysctl of the current network namespace. */
static int write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(value);
	int ok;

	if (fd < 0)
		return -errno;
	ok = write(fd, value, (size_t)len) == len;
	close(fd);
	return ok ? 0 : -EIO;
}

/* Inside the new router namespace: forwarding here, and only here. */
static int router_sysctls_inside(void *unused)
{
	int err;

	(void)unused;
	err = write_sysctl("/proc/sys/net/ipv4/ip_forward", "1");
	if (err)
		return err;
	err = write_sysctl("/proc/sys/net/ipv6/conf/default/addr_gen_mode", "1");
	return err == -ENOENT ? 0 : err;
}

int cells_create_router(const struct fabric_state *st)
{
	char name[64];
	struct nl_sock nl;
	int fd, err;

	router_netns_name(name, sizeof(name), st->name);
	err = netns_prepare_dir();
	if (err)
		return err;
	err = netns_create(name, &fd, &nl, router_sysctls_inside, NULL);
	if (err == -EEXIST)
		return fail_msg(-EEXIST, "namespace \"%s\" already exists", name);
	if (err)
		return err;
	close(fd);
	uint32_t seq = nl_link_set_up(&nl, 1);
	err = nl_flush(&nl, seq, NULL, NULL, NULL);
	nl_close(&nl);
	if (err) {
		netns_delete(name);
		return fail(err, "cannot bring up lo in \"%s\"", name);
	}
	return 0;
}

int cells_delete_router(const char *fabric)
{
	char name[64];

	router_netns_name(name, sizeof(name), fabric);
	return netns_exists(name) ? netns_delete(name) : 0;
}

static int open_router(struct cell_set *c)
{
	char name[64];
	int fd, err;

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

static void make_mac(uint8_t mac[6], uint8_t kind, uint32_t addr)
{
	node_mac(mac, addr);
	mac[1] = kind;
}

/*
 * The router's leg into cell @cell: a veth whose host end is a port of the
 * cell's bridge and whose other end, inside the router, holds the cell's
 * gateway address.
 */
static int create_router_leg(struct cell_set *c, uint32_t cell, int br_ifindex)
{
	const struct fabric_state *st = c->st;
	uint32_t gw = ipam_addr_of(&st->ipam, ipam_cell_gateway_slot(&st->ipam, cell));
	char leg[IFNAMSIZ], inside[IFNAMSIZ], tag[64], name[64];
	uint8_t hmac[6], rmac[6];
	struct link_spec host = { .name = leg, .mac = hmac, .mtu = st->mtu, .group = st->group,
				  .master = br_ifindex };
	struct link_spec peer = { .name = inside, .mac = rmac, .mtu = st->mtu };
	struct link_info info;
	uint32_t seq;
	int fd, err;

	err = open_router(c);
	if (err)
		return err;
	router_leg_name(leg, st->name, cell);
	router_if_name(inside, cell);
	router_netns_name(name, sizeof(name), st->name);
	make_mac(hmac, 0xfa, gw);
	make_mac(rmac, 0xfb, gw); /* the interface holding address X has MAC 0e:fb:X */
	fd = netns_open(name);
	if (fd < 0)
		return fail(fd, "cannot open the router namespace \"%s\"", name);
	seq = nl_veth_create(c->host, &host, &peer, fd);
	err = nl_flush(c->host, seq, NULL, NULL, NULL);
	close(fd);
	if (err)
		return fail(err, "cannot create the router leg \"%s\"", leg);
	err = link_get_one(c->host, leg, &info);
	if (err)
		return fail(err, "cannot read back \"%s\"", leg);
	alias_tag(tag, sizeof(tag), st->name, "router");
	seq = nl_link_tag(c->host, info.ifindex, tag, true);
	nl_link_set_up(c->host, info.ifindex);
	err = nl_flush(c->host, seq, NULL, NULL, NULL);
	if (err)
		return fail(err, "cannot bring up \"%s\"", leg);
	seq = nl_link_set_up(&c->router, info.peer_ifindex);
	nl_addr_add(&c->router, info.peer_ifindex, gw, ipam_cell_prefix_len(&st->ipam));
	err = nl_flush(&c->router, seq, NULL, NULL, NULL);
	if (err)
		return fail(err, "cannot give the router its gateway address in cell %u", cell);
	return 0;
}

/* Bridge of cell @cell: STP off, tagged, with the address the host has there. */
static int create_cell(struct cell_set *c, uint32_t cell, int *ifindex)
{
	const struct fabric_state *st = c->st;
	const struct ipam *ipam = &st->ipam;
	bool multi = ipam_multi_cell(ipam);
	uint32_t gw = ipam_addr_of(ipam, ipam_cell_gateway_slot(ipam, cell));
	/* One cell: the host is the gateway. Several: the host has slot 2 of cell 0. */
	uint32_t host_addr = multi ? ipam_addr_of(ipam, IPAM_HOST_SLOT) : gw;
	bool has_addr = cell == 0;
	char br[IFNAMSIZ], tag[64], cidr[32];
	uint8_t mac[6];
	struct link_spec spec = { .name = br, .mac = mac, .mtu = st->mtu, .group = st->group,
				  .up = true };
	struct link_info info;
	uint32_t seq;
	int err;

	bridge_name(br, st->name, cell);
	alias_tag(tag, sizeof(tag), st->name, NULL);
	make_mac(mac, has_addr ? 0xfb : 0xfc, has_addr ? host_addr : gw);
	seq = nl_bridge_create(c->host, &spec);
	err = nl_flush(c->host, seq, NULL, NULL, NULL);
	if (err)
		return fail(err, "cannot create bridge \"%s\"", br);
	err = link_get_one(c->host, br, &info);
	if (err)
		return fail(err, "cannot read back bridge \"%s\"", br);
	*ifindex = info.ifindex;
	err = link_disable_ipv6(br);
	if (err)
		return fail(err, "cannot disable IPv6 on bridge \"%s\"", br);
	seq = nl_link_tag(c->host, info.ifindex, tag, false);
	if (has_addr)
		nl_addr_add(c->host, info.ifindex, host_addr,
			    multi ? ipam_cell_prefix_len(ipam) : st->subnet.len);
	err = nl_flush(c->host, seq, NULL, NULL, NULL);
	if (err)
		return fail(err, "cannot set up bridge \"%s\" (subnet %s)", br,
			    ipv4_prefix_format(&st->subnet, cidr));
	if (!multi)
		return 0;
	err = create_router_leg(c, cell, info.ifindex);
	if (err)
		return err;
	if (cell == 0) {
		/* The host reaches every cell through the router's leg in cell 0. */
		seq = nl_route_add(c->host, st->subnet.addr, st->subnet.len, gw);
		err = nl_flush(c->host, seq, NULL, NULL, NULL);
		if (err)
			return fail(err, "cannot add the host's route to %s via %s",
				    ipv4_prefix_format(&st->subnet, cidr), "the fabric's router");
	}
	return 0;
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
		/* A half-made cell goes: its links are in the fabric's group. */
		uint32_t seq;
		struct nl_ack ack;
		char leg[IFNAMSIZ];
		struct link_info li;

		router_leg_name(leg, c->st->name, cell);
		if (link_get_one(c->host, leg, &li) == 0 && alias_is_ours(li.alias, c->st->name)) {
			seq = nl_link_del(c->host, li.ifindex);
			nl_flush(c->host, seq, &ack, NULL, NULL);
		}
		if (c->bridge_ifindex[cell] > 0) {
			seq = nl_link_del(c->host, c->bridge_ifindex[cell]);
			nl_flush(c->host, seq, &ack, NULL, NULL);
		}
		c->bridge_ifindex[cell] = 0;
		return err;
	}
	return c->bridge_ifindex[cell];
}
