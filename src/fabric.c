// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fabric lifecycle: create, add/delete nodes in netlink batches, destroy.
 *
 * A node add costs one namespace (unshare + bind mount), one RTM_NEWLINK
 * making the veth with its peer already inside the namespace, and four
 * small requests on a socket opened inside the namespace. Requests of a
 * batch of nodes share one sendmsg(); nothing scans the other nodes.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf_loader.h"
#include "cell.h"
#include "errors.h"
#include "fabric.h"
#include "host_limits.h"
#include "link.h"
#include "netns.h"
#include "output.h"
#include "nl.h"

#define ADD_BATCH 64             /* nodes per netlink batch */
#define LINK_UP_TIMEOUT_MS 5000  /* linkwatch runs within ~1 s; be generous */
#define GROUP_BASE 0x4fab0000u   /* IFLA_GROUP range of fabrics (even = live) */

void node_mac(uint8_t mac[6], uint32_t addr)
{
	mac[0] = 0x0e;
	mac[1] = 0xfb;
	mac[2] = addr >> 24;
	mac[3] = addr >> 16;
	mac[4] = addr >> 8;
	mac[5] = addr;
}

char *node_mac_text(uint32_t addr, char buf[18])
{
	uint8_t mac[6];

	node_mac(mac, addr);
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

void host_mac(uint8_t mac[6], uint32_t addr)
{
	node_mac(mac, addr);
	mac[1] = 0xfa;
}

/* The group a node's links move to just before one group delete. */
static uint32_t doomed_group(const struct fabric_state *st)
{
	return st->group + 1;
}

/* ---- create ------------------------------------------------------------ */

struct prefix_list {
	struct ipv4_prefix p[512];
	char what[512][40];
	size_t n;
};

static void prefix_list_add(struct prefix_list *l, uint32_t addr, unsigned int len,
			    const char *what)
{
	if (l->n < 512) {
		l->p[l->n].addr = len ? addr & (~0u << (32 - len)) : 0;
		l->p[l->n].len = len;
		snprintf(l->what[l->n], sizeof(l->what[0]), "%s", what);
		l->n++;
	}
}

static int host_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	uint32_t addr;
	unsigned int len;
	int ifindex;
	char a[INET_ADDRSTRLEN], what[40];

	if (addr_reply_prefix(nlh, &addr, &len, &ifindex) == 0 && (addr >> 24) != 127) {
		snprintf(what, sizeof(what), "address %s/%u", ipv4_addr_format(addr, a), len);
		prefix_list_add(data, addr, len, what);
	}
	return 0;
}

static int host_route_cb(const struct nlmsghdr *nlh, void *data)
{
	uint32_t addr, table;
	unsigned int len;
	char a[INET_ADDRSTRLEN], what[40];

	/* The default route overlaps everything and is not a conflict. */
	if (route_reply_prefix(nlh, &addr, &len, &table) == 0 && len > 0 &&
	    table == RT_TABLE_MAIN) {
		snprintf(what, sizeof(what), "route %s/%u", ipv4_addr_format(addr, a), len);
		prefix_list_add(data, addr, len, what);
	}
	return 0;
}

/* Everything a new subnet must not overlap: other fabrics, host addresses and routes. */
static int collect_used_prefixes(struct nl_sock *s, struct prefix_list *used,
				 uint32_t *groups, size_t *n_groups, size_t max_groups)
{
	char (*names)[FABRIC_NAME_MAX + 1];
	size_t count;
	int err;

	used->n = 0;
	*n_groups = 0;
	err = state_list(&names, &count);
	if (err)
		return err;
	for (size_t i = 0; i < count; i++) {
		struct fabric_state other;
		char what[40];

		if (state_load(names[i], &other) < 0) {
			fail_clear(); /* a corrupt record of another fabric is not ours to judge */
			continue;
		}
		snprintf(what, sizeof(what), "fabric %s", names[i]);
		prefix_list_add(used, other.subnet.addr, other.subnet.len, what);
		if (*n_groups < max_groups)
			groups[(*n_groups)++] = other.group;
		state_free(&other);
	}
	free(names);
	nl_addr_dump(s);
	err = nl_dump(s, host_addr_cb, used);
	if (err)
		return fail(err, "cannot read the host's addresses");
	nl_route_dump(s);
	err = nl_dump(s, host_route_cb, used);
	if (err)
		return fail(err, "cannot read the host's routes");
	return 0;
}

static const char *prefix_conflict(const struct prefix_list *used, const struct ipv4_prefix *p)
{
	for (size_t i = 0; i < used->n; i++)
		if (ipv4_prefix_overlaps(&used->p[i], p))
			return used->what[i];
	return NULL;
}

static uint32_t name_hash32(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* A 10.x.0.0/16 picked from the name's hash, skipping every conflict. */
static int choose_subnet(const char *name, const struct prefix_list *used, struct ipv4_prefix *out)
{
	uint32_t start = name_hash32(name) % 190;

	for (uint32_t k = 0; k < 190; k++) {
		struct ipv4_prefix p = { .addr = (10u << 24) | ((64 + (start + k) % 190) << 16),
					 .len = 16 };

		if (!prefix_conflict(used, &p)) {
			*out = p;
			return 0;
		}
	}
	return fail_msg(-EADDRINUSE, "no free 10.x.0.0/16 subnet for fabric \"%s\"; give one with --subnet",
		    name);
}

static bool group_taken(uint32_t g, const uint32_t *groups, size_t n_groups,
			const struct link_list *links)
{
	for (size_t i = 0; i < n_groups; i++)
		if (groups[i] == g || groups[i] + 1 == g || groups[i] == g + 1)
			return true;
	for (size_t i = 0; i < links->n; i++)
		if (links->links[i].group == g || links->links[i].group == g + 1)
			return true;
	return false;
}

/* A link group pair (live, doomed) no other fabric or link uses. */
static uint32_t choose_group(const char *name, const uint32_t *groups, size_t n_groups,
			     const struct link_list *links)
{
	uint32_t g = GROUP_BASE | (name_hash32(name) & 0xfffe);

	while (group_taken(g, groups, n_groups, links))
		g = GROUP_BASE | ((g + 2) & 0xfffe);
	return g;
}

int fabric_create(const char *name, const struct ipv4_prefix *subnet, unsigned int mtu,
		  uint32_t cell_size, struct fabric_state *st)
{
	struct cell_set cells = { 0 };
	bool router_made = false;
	struct state_lock global, lock = { -1 };
	struct prefix_list *used = NULL;
	struct link_list links = { 0 };
	uint32_t groups[256];
	size_t n_groups;
	struct ipv4_prefix chosen;
	struct nl_sock s;
	bool pinned = false;
	int err;

	err = state_lock_global(&global);
	if (err)
		return err;
	if (state_exists(name)) {
		err = fail_msg(-EEXIST, "fabric \"%s\" already exists", name);
		goto out_global;
	}
	err = nl_open(&s);
	if (err)
		goto out_global;
	used = malloc(sizeof(*used));
	if (!used) {
		err = -ENOMEM;
		goto out_nl;
	}
	err = collect_used_prefixes(&s, used, groups, &n_groups, 256);
	if (err)
		goto out_nl;
	if (subnet) {
		const char *conflict = prefix_conflict(used, subnet);
		char cidr[32];

		if (conflict) {
			err = fail_msg(-EADDRINUSE, "subnet %s overlaps %s",
				   ipv4_prefix_format(subnet, cidr), conflict);
			goto out_nl;
		}
		chosen = *subnet;
	} else {
		err = choose_subnet(name, used, &chosen);
		if (err)
			goto out_nl;
	}
	err = link_dump_all(&s, &links);
	if (err) {
		err = fail(err, "cannot list the host's links");
		goto out_nl;
	}
	err = state_lock(name, true, &lock);
	if (err)
		goto out_nl;
	err = state_init(st, name, &chosen, mtu, choose_group(name, groups, n_groups, &links),
			 cell_size);
	if (err)
		goto out_lock;
	if (ipam_multi_cell(&st->ipam)) {
		err = cells_create_router(st);
		if (err)
			goto undo;
		router_made = true;
	}
	err = cells_init(&cells, st, &s);
	if (err)
		goto undo;
	err = cells_bridge(&cells, 0);
	if (err < 0)
		goto undo;
	/* Our pins without a record are what a crashed create left: cleared.
	 * Anything else in that directory is not ours, and stops the create. */
	err = fabric_bpf_remove(name);
	if (err)
		goto undo;
	err = fabric_bpf_create(name, ipam_capacity(&st->ipam));
	if (err)
		goto undo;
	pinned = true;
	err = state_save(st);
	if (err)
		goto undo;
	goto out_lock;
undo:
	if (pinned)
		fabric_bpf_remove(name);
	if (cells.bridge_ifindex && cells.bridge_ifindex[0] > 0) {
		/* The bridge and the router's leg: everything is in the group. */
		uint32_t seq = nl_link_del_group(&s, st->group);
		struct nl_ack ack;

		nl_flush(&s, seq, &ack, NULL, NULL);
	}
	if (router_made)
		cells_delete_router(name);
	state_remove(name);
	state_free(st);
out_lock:
	cells_close(&cells);
	state_unlock(&lock);
out_nl:
	free(links.links);
	free(used);
	nl_close(&s);
out_global:
	state_unlock(&global);
	return err;
}

/* ---- add nodes ------------------------------------------------------- */

/* One node in flight through a batch. */
struct pending_node {
	const char *name;
	uint32_t slot;
	uint32_t addr;
	char host_if[IFNAMSIZ];
	int netns_fd;
	struct nl_sock ns_nl;   /* socket inside the node's namespace */
	bool netns_made;
	bool veth_made;
	struct link_info host;  /* read back after creation */
	uint32_t get_seq;
	int br_ifindex;         /* its cell's bridge */
};

struct batch_replies {
	struct pending_node *nodes;
	size_t n;
};

/* GETLINK replies of a batch: match by name (the kernel echoes it). */
static int batch_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct batch_replies *r = data;
	struct link_info info;

	if (link_info_parse(nlh, &info))
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->nodes[i].get_seq == nlh->nlmsg_seq) {
			r->nodes[i].host = info;
			break;
		}
	return 0;
}

/* Delete the host ends of @n nodes in one go: move to the doomed group, delete the group. */
static int delete_host_links(struct nl_sock *s, const struct fabric_state *st, const int *ifindexes,
			     size_t n)
{
	struct nl_ack *acks;
	uint32_t first;
	size_t moved = 0;
	int err;

	if (n == 0)
		return 0;
	acks = calloc(n, sizeof(*acks));
	if (!acks)
		return -ENOMEM;
	first = nl_next_seq(s);
	for (size_t i = 0; i < n; i++)
		nl_link_set_group(s, ifindexes[i], doomed_group(st));
	err = nl_flush(s, first, acks, NULL, NULL);
	for (size_t i = 0; !err && i < n; i++) {
		if (acks[i].err == 0)
			moved++;
		else if (acks[i].err != -ENODEV)
			err = fail(acks[i].err, "cannot move link %d to group %u", ifindexes[i],
				   doomed_group(st));
	}
	free(acks);
	if (moved) {
		uint32_t seq = nl_link_del_group(s, doomed_group(st));
		int del_err = nl_flush(s, seq, NULL, NULL, NULL);

		if (del_err && !err)
			err = fail(del_err, "cannot delete the links of fabric \"%s\"", st->name);
	}
	return err;
}

/* Undo nodes [from, n) of a batch: links, namespaces, leases. */
static void rollback_batch(struct nl_sock *s, struct fabric_state *st, struct pending_node *p,
			   size_t from, size_t n)
{
	int ifindexes[ADD_BATCH];
	size_t n_links = 0;

	for (size_t i = from; i < n; i++)
		if (p[i].veth_made && p[i].host.ifindex > 0)
			ifindexes[n_links++] = p[i].host.ifindex;
	delete_host_links(s, st, ifindexes, n_links);
	for (size_t i = from; i < n; i++)
		if (p[i].netns_made)
			netns_delete(p[i].name);
}

static void close_batch(struct pending_node *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i].netns_fd >= 0)
			close(p[i].netns_fd);
		p[i].netns_fd = -1;
		if (p[i].ns_nl.mnl)
			nl_close(&p[i].ns_nl);
	}
}

/*
 * Inside the node: lo up; eth0 tagged as ours with IPv6 address generation
 * off (no link-local address: nothing for the bridge to flood), then up,
 * its address, the default route via its cell's gateway. One sendmsg.
 */
static int configure_inside(struct pending_node *p, const struct fabric_state *st)
{
	uint32_t gw = cell_gateway_of(st, p->slot);
	uint32_t first = nl_next_seq(&p->ns_nl);
	char a[INET_ADDRSTRLEN], tag[128];
	struct nl_ack acks[5];

	alias_tag(tag, sizeof(tag), st->name, p->name);
	nl_link_set_up(&p->ns_nl, 1); /* lo is always ifindex 1 */
	nl_link_tag(&p->ns_nl, p->host.peer_ifindex, tag, true);
	nl_link_set_up(&p->ns_nl, p->host.peer_ifindex);
	nl_addr_add(&p->ns_nl, p->host.peer_ifindex, p->addr, ipam_cell_prefix_len(&st->ipam));
	nl_route_add(&p->ns_nl, 0, 0, gw);
	memset(acks, 0, sizeof(acks));
	int err = nl_flush(&p->ns_nl, first, acks, NULL, NULL);
	if (err)
		return err;
	for (int i = 0; i < 5; i++) {
		if (!acks[i].err)
			continue;
		if (acks[i].msg[0])
			fail_reason(acks[i].msg);
		switch (i) {
		case 0: return fail(acks[i].err, "cannot bring up lo");
		case 1: return fail(acks[i].err, "cannot tag " NODE_IFNAME);
		case 2: return fail(acks[i].err, "cannot bring up " NODE_IFNAME);
		case 3: return fail(acks[i].err, "cannot add address %s to " NODE_IFNAME,
				    ipv4_addr_format(p->addr, a));
		default: return fail(acks[i].err, "cannot add default route via %s",
				     ipv4_addr_format(gw, a));
		}
	}
	return 0;
}

static int ack_error(const struct nl_ack *a)
{
	if (a->err && a->msg[0])
		fail_reason(a->msg);
	return a->err;
}

/*
 * One batch of nodes, in four rounds:
 *  1. namespaces (each with a netlink socket opened inside it);
 *  2. one sendmsg: every veth created DOWN with its peer inside its
 *     namespace, tagged, read back (host ifindex, peer ifindex);
 *  3. tc attach while the host ends are down: attaching clsact to an up
 *     device costs an RCU grace period (dev_deactivate);
 *  4. one sendmsg: host ends up; then inside each node lo/eth0 up, address,
 *     default route.
 * On the first failure, that node and the later ones of the batch are
 * rolled back; *done counts the nodes completed before it.
 */
static int add_batch(struct nl_sock *s, struct fabric_state *st, struct fabric_bpf *fb,
		     struct pending_node *p, size_t n, size_t *done)
{
	char tag[128];
	uint8_t hmac[6], nmac[6];
	struct nl_ack acks[ADD_BATCH * 2];
	struct batch_replies replies = { p, n };
	size_t made = 0, ok;
	uint32_t first;
	int err = 0;

	*done = 0;
	for (size_t i = 0; i < n; i++)
		p[i].netns_fd = -1;
	for (size_t i = 0; i < n; i++) {
		err = netns_create(p[i].name, &p[i].netns_fd, &p[i].ns_nl, NULL, NULL);
		if (err == -EEXIST)
			err = fail_msg(-EEXIST, "namespace \"%s\" already exists and is not a node of fabric \"%s\"",
				   p[i].name, st->name);
		if (err)
			break;
		p[i].netns_made = true;
		made++;
	}

	first = nl_next_seq(s);
	for (size_t i = 0; i < made; i++) {
		struct link_spec host = { .name = p[i].host_if, .mac = hmac, .mtu = st->mtu,
					  .group = st->group, .master = p[i].br_ifindex };
		struct link_spec peer = { .name = NODE_IFNAME, .mac = nmac, .mtu = st->mtu };

		host_mac(hmac, p[i].addr);
		node_mac(nmac, p[i].addr);
		nl_veth_create(s, &host, &peer, p[i].netns_fd);
		p[i].get_seq = nl_link_get(s, p[i].host_if);
	}
	memset(acks, 0, sizeof(acks));
	if (made) {
		int ferr = nl_flush(s, first, acks, batch_link_cb, &replies);
		if (ferr && !err)
			err = ferr;
	}
	/* ok = how many nodes in a row have their veth and tc program. */
	for (ok = 0; ok < made; ok++)
		p[ok].veth_made = acks[ok * 2].err == 0;
	for (ok = 0; ok < made; ok++) {
		struct nl_ack *a = &acks[ok * 2];
		int e;

		if ((e = ack_error(&a[0]))) {
			p[ok].host.ifindex = 0; /* the GET found someone else's link */
			err = fail(e, "cannot create veth \"%s\" for node \"%s\"", p[ok].host_if,
				   p[ok].name);
			break;
		}
		if ((e = ack_error(&a[1])) || p[ok].host.ifindex <= 0) {
			err = fail(e ? e : -ENODEV, "cannot read back veth \"%s\"", p[ok].host_if);
			break;
		}
		if ((e = link_disable_ipv6(p[ok].host_if))) {
			err = fail(e, "cannot disable IPv6 on \"%s\"", p[ok].host_if);
			break;
		}
		if (fb && (e = fabric_bpf_node_attach(fb, p[ok].host.ifindex))) {
			err = fail(e, "cannot attach the counting program to \"%s\"", p[ok].host_if);
			break;
		}
	}

	/* Host ends tagged as ours (by index), then up: one sendmsg. */
	first = nl_next_seq(s);
	for (size_t i = 0; i < ok; i++) {
		alias_tag(tag, sizeof(tag), st->name, p[i].name);
		nl_link_tag(s, p[i].host.ifindex, tag, false);
		nl_link_set_up(s, p[i].host.ifindex);
	}
	if (ok) {
		memset(acks, 0, ok * 2 * sizeof(acks[0]));
		nl_flush(s, first, acks, NULL, NULL);
	}
	for (size_t i = 0; i < ok; i++) {
		int e = ack_error(&acks[i * 2]);

		if (!e)
			e = ack_error(&acks[i * 2 + 1]);

		if (!e)
			e = configure_inside(&p[i], st);
		else
			fail(e, "cannot tag and bring up veth \"%s\"", p[i].host_if);
		if (e) {
			/* This node comes before any later failure: it is the one to report. */
			if (err)
				fail_clear();
			err = fail(e, "cannot set up node \"%s\"", p[i].name);
			break;
		}
		(*done)++;
	}
	if (err)
		rollback_batch(s, st, p, *done, made);
	close_batch(p, n);
	return err;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct up_poll {
	const struct added_node *nodes;
	bool *up;
	uint32_t first_seq;
};

static int up_poll_cb(const struct nlmsghdr *nlh, void *data)
{
	struct up_poll *u = data;
	struct link_info info;

	if (link_info_parse(nlh, &info) == 0 && info.operstate == LINK_OPER_UP)
		u->up[nlh->nlmsg_seq - u->first_seq] = true;
	return 0;
}

/*
 * Wait until the kernel's link watcher has brought every new host end to
 * oper-state up, as the CNI bridge plugin does; only then do ARP and the
 * bridge port pass traffic. One batched GETLINK round per 10 ms.
 */
static bool wait_links_up(struct nl_sock *s, const struct fabric_state *st,
			  const struct added_node *nodes, size_t n)
{
	bool *up = calloc(n, sizeof(*up));
	size_t *idx = malloc(n * sizeof(*idx) + 1);
	long deadline = now_ms() + LINK_UP_TIMEOUT_MS;
	size_t pending = n;
	bool ok = false;

	if (!up || !idx)
		goto out;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (;;) {
		struct up_poll u = { nodes, up, nl_next_seq(s) };
		struct nl_ack *acks = calloc(pending, sizeof(*acks));
		size_t still = 0;
		char name[IFNAMSIZ];

		if (!acks)
			goto out;
		memset(up, 0, n * sizeof(*up));
		for (size_t k = 0; k < pending; k++) {
			host_veth_name(name, st->name, nodes[idx[k]].node.slot);
			nl_link_get(s, name);
		}
		int err = nl_flush(s, u.first_seq, acks, up_poll_cb, &u);

		free(acks);
		if (err) {
			fail_clear(); /* not fatal: the nodes exist; say they are not up yet */
			break;
		}
		for (size_t k = 0; k < pending; k++)
			if (!up[k])
				idx[still++] = idx[k];
		pending = still;
		if (pending == 0) {
			ok = true;
			break;
		}
		if (now_ms() > deadline)
			break;
		usleep(10000);
	}
out:
	free(up);
	free(idx);
	return ok;
}

int fabric_add_nodes(struct fabric_state *st, char **names, size_t n, uint32_t addr, bool wait,
		     struct add_result *res, fabric_progress_cb progress, void *progress_data)
{
	struct pending_node *p = NULL;
	struct fabric_bpf *fb = NULL;
	struct nl_sock s = { 0 };
	char cidr[32], a[INET_ADDRSTRLEN];
	size_t first_new = st->n_nodes;
	struct cell_set cells = { 0 };
	int err;

	memset(res, 0, sizeof(*res));
	for (size_t i = 0; i < n; i++)
		if (state_find_node(st, names[i]))
			return fail_msg(-EEXIST, "node \"%s\" already exists in fabric \"%s\"", names[i],
					st->name);
	if (ipam_free_count(&st->ipam) < n)
		return fail_msg(-ENOSPC, "subnet %s is full: room for %u nodes, %u free, %zu asked",
			    ipv4_prefix_format(&st->subnet, cidr), ipam_capacity(&st->ipam),
			    ipam_free_count(&st->ipam), n);
	if (addr) {
		uint32_t slot;

		if (ipam_slot_of(&st->ipam, addr, &slot) < 0 || !ipam_slot_is_node(&st->ipam, slot))
			return fail_usage("address %s is not a node address of subnet %s "
					  "(not a network, gateway, broadcast or host address)",
					  ipv4_addr_format(addr, a), ipv4_prefix_format(&st->subnet, cidr));
		if (ipam_slot_used(&st->ipam, slot))
			return fail_msg(-EADDRINUSE, "address %s is already in use",
				    ipv4_addr_format(addr, a));
	}
	err = fabric_bpf_open(st->name, &fb);
	if (err)
		return fail(err, "cannot open the BPF program of fabric \"%s\"", st->name);
	err = netns_prepare_dir();
	if (err)
		goto out;
	err = nl_open(&s);
	if (err)
		goto out;
	err = cells_init(&cells, st, &s);
	if (err)
		goto out;
	p = calloc(ADD_BATCH, sizeof(*p));
	res->nodes = calloc(n ? n : 1, sizeof(*res->nodes));
	if (!p || !res->nodes) {
		err = -ENOMEM;
		goto out;
	}

	/* A link of someone else's named like a host veth of ours would fail
	 * its node: those slots are skipped (held for this command only). */
	uint32_t *held = NULL;
	size_t n_held = 0;
	if (!addr) {
		struct link_list links;

		err = link_dump_all(&s, &links);
		if (err) {
			err = fail(err, "cannot list the host's links");
			goto out;
		}
		held = calloc(links.n + 1, sizeof(*held));
		for (size_t i = 0; held && i < links.n; i++) {
			uint32_t slot;

			if (host_veth_slot(links.links[i].name, st->name, &slot) &&
			    links.links[i].group != st->group && links.links[i].group != doomed_group(st) &&
			    ipam_claim_slot(&st->ipam, slot) == 0)
				held[n_held++] = slot;
		}
		link_list_free(&links);
		if (ipam_free_count(&st->ipam) < n) {
			for (size_t i = 0; i < n_held; i++)
				ipam_release_slot(&st->ipam, held[i]);
			free(held);
			err = fail_msg(-ENOSPC, "subnet %s is full: room for %u nodes, %u free (%zu held by "
				       "links that are not the fabric's), %zu asked",
				       ipv4_prefix_format(&st->subnet, cidr), ipam_capacity(&st->ipam),
				       ipam_free_count(&st->ipam), n_held, n);
			goto out;
		}
	}

	/* Leases first, on disk: a crash from here on leaves leases that
	 * `check --repair` can explain, never an address handed out twice. */
	for (size_t i = 0; i < n; i++) {
		uint32_t slot;

		if (addr)
			ipam_slot_of(&st->ipam, addr, &slot), ipam_claim_slot(&st->ipam, slot);
		else
			ipam_alloc_slot(&st->ipam, &slot);
		state_add_node(st, names[i], slot, 0);
	}
	for (size_t i = 0; i < n_held; i++)
		ipam_release_slot(&st->ipam, held[i]);
	free(held);
	err = state_save(st);
	if (err)
		goto drop_leases;

	size_t done_total = 0;
	for (size_t off = 0; off < n && !err; off += ADD_BATCH) {
		size_t m = n - off < ADD_BATCH ? n - off : ADD_BATCH, done;

		memset(p, 0, m * sizeof(*p));
		for (size_t i = 0; i < m; i++) {
			struct fabric_node *node = &st->nodes[first_new + off + i];

			p[i].name = node->name;
			p[i].slot = node->slot;
			p[i].addr = ipam_addr_of(&st->ipam, node->slot);
			host_veth_name(p[i].host_if, st->name, node->slot);
			/* The first node of a cell makes the cell. */
			p[i].br_ifindex = cells_bridge(&cells, ipam_cell_of(&st->ipam, node->slot));
			if (p[i].br_ifindex < 0) {
				err = p[i].br_ifindex;
				m = i; /* the nodes before it still go in */
				break;
			}
		}
		int batch_err = m ? add_batch(&s, st, fb, p, m, &done) : (done = 0, 0);
		if (!err)
			err = batch_err;
		for (size_t i = 0; i < done; i++) {
			struct fabric_node *node = &st->nodes[first_new + off + i];

			node->ifindex = p[i].host.ifindex;
			res->nodes[res->n_nodes].node = *node;
			res->nodes[res->n_nodes].addr = p[i].addr;
			res->n_nodes++;
		}
		done_total += done;
		/* Completed nodes are on record at once (with their ifindex), so a
		 * killed bulk add leaves a record that says how far it got. */
		if (!err && off + m < n)
			err = state_save(st);
		if (progress)
			progress(done_total, n, progress_data);
	}

drop_leases:
	/* Forget the leases of every node that was not completed. */
	while (st->n_nodes > first_new + res->n_nodes)
		state_del_node(st, &st->nodes[st->n_nodes - 1]);
	{
		int save_err = state_save(st);
		if (save_err && !err)
			err = save_err;
	}
	if (!err && wait && res->n_nodes)
		res->links_up = wait_links_up(&s, st, res->nodes, res->n_nodes);
out:
	free(p);
	cells_close(&cells);
	nl_close(&s);
	fabric_bpf_close(fb);
	return err;
}

void add_result_free(struct add_result *res)
{
	free(res->nodes);
	memset(res, 0, sizeof(*res));
}

/* ---- delete ---------------------------------------------------------- */

int fabric_del_nodes(struct fabric_state *st, struct fabric_node **nodes, size_t n)
{
	struct fabric_bpf *fb = NULL;
	struct nl_sock s;
	int *ifindexes;
	char **names;
	size_t n_links = 0;
	int err;

	if (n == 0)
		return 0;
	ifindexes = calloc(n, sizeof(*ifindexes));
	names = calloc(n, sizeof(*names));
	if (!ifindexes || !names) {
		free(ifindexes);
		free(names);
		return -ENOMEM;
	}
	err = nl_open(&s);
	if (err)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (nodes[i]->ifindex > 0)
			ifindexes[n_links++] = nodes[i]->ifindex;
	/*
	 * First on record as "not complete" (ifindex 0): readers stop showing
	 * them, and a crash from here on leaves nodes that `check --repair`
	 * finishes removing, never a namespace the record has forgotten.
	 */
	for (size_t i = 0; i < n; i++)
		nodes[i]->ifindex = 0;
	err = state_save(st);
	if (err)
		goto out_nl;
	/* Counters next: a map entry never outlives its node. */
	if (fabric_bpf_open(st->name, &fb) == 0) {
		for (size_t i = 0; i < n_links; i++)
			fabric_bpf_node_detach(fb, ifindexes[i]);
		fabric_bpf_close(fb);
	} else {
		fail_clear();
	}
	err = delete_host_links(&s, st, ifindexes, n_links);
	if (err)
		goto out_nl;
	{
		const char **ns_names = malloc(n * sizeof(*ns_names));

		if (!ns_names) {
			err = -ENOMEM;
			goto out_nl;
		}
		for (size_t i = 0; i < n; i++)
			ns_names[i] = nodes[i]->name;
		err = netns_delete_many(ns_names, n);
		free(ns_names);
	}
	/* Names are copied: deleting shifts the array the pointers point into. */
	for (size_t i = 0; i < n; i++)
		names[i] = strdup(nodes[i]->name);
	for (size_t i = 0; i < n; i++) {
		struct fabric_node *node = names[i] ? state_find_node(st, names[i]) : NULL;

		if (node)
			state_del_node(st, node);
		free(names[i]);
	}
	{
		int save_err = state_save(st);
		if (save_err && !err)
			err = save_err;
	}
out_nl:
	nl_close(&s);
out:
	free(ifindexes);
	free(names);
	return err;
}

/* ---- destroy --------------------------------------------------------- */

int fabric_destroy(const char *name, bool *existed, size_t *n_nodes)
{
	struct state_lock global, lock = { -1 };
	struct fabric_state st;
	struct link_list links = { 0 };
	struct nl_sock s;
	bool have_state = false, foreign_in_group = false;
	size_t ours = 0;
	int err;

	*existed = false;
	*n_nodes = 0;
	err = state_lock_global(&global);
	if (err)
		return err;
	err = state_lock(name, false, &lock);
	if (err == 0) {
		err = state_load(name, &st);
		if (err)
			goto out_lock;
		have_state = true;
		*existed = true;
		*n_nodes = st.n_nodes;
	} else if (err != -ENOENT) {
		goto out_global;
	}
	err = nl_open(&s);
	if (err)
		goto out_state;
	/* One dump: find every link tagged as ours (even from a crashed
	 * create with no record) and make sure the group holds nothing else. */
	err = link_dump_all(&s, &links);
	if (err) {
		err = fail(err, "cannot list the host's links");
		goto out_nl;
	}
	for (size_t i = 0; i < links.n; i++) {
		bool mine = alias_is_ours(links.links[i].alias, name);

		ours += mine;
		if (have_state && !mine &&
		    (links.links[i].group == st.group || links.links[i].group == doomed_group(&st)))
			foreign_in_group = true;
	}
	if (ours)
		*existed = true;
	/* Before the links go: nothing counts a dying node. Pins that are not
	 * ours stay (and are said to stay), the rest of the fabric goes. */
	if (fabric_bpf_remove(name) < 0)
		fail_clear();
	if (have_state && !foreign_in_group) {
		/* One unregister for the whole fabric, bridge included. */
		uint32_t first = nl_link_del_group(&s, st.group);
		struct nl_ack acks[2];

		nl_link_del_group(&s, doomed_group(&st));
		nl_flush(&s, first, acks, NULL, NULL);
		if (acks[0].err && acks[0].err != -ENODEV) {
			if (acks[0].msg[0])
				fail_reason(acks[0].msg);
			err = fail(acks[0].err, "cannot delete the links of fabric \"%s\"", name);
			goto out_nl;
		}
	}
	/* Anything tagged ours that the group delete did not take. */
	{
		uint32_t first = nl_next_seq(&s);
		size_t queued = 0;
		struct nl_ack *acks = calloc(links.n + 1, sizeof(*acks));

		if (!acks) {
			err = -ENOMEM;
			goto out_nl;
		}
		for (size_t i = 0; i < links.n; i++) {
			if (!alias_is_ours(links.links[i].alias, name))
				continue;
			if (have_state && !foreign_in_group &&
			    (links.links[i].group == st.group || links.links[i].group == doomed_group(&st)))
				continue;
			nl_link_del(&s, links.links[i].ifindex);
			queued++;
		}
		if (queued)
			nl_flush(&s, first, acks, NULL, NULL);
		free(acks);
	}
	cells_delete_router(name);
	if (have_state && st.n_nodes) {
		const char **ns_names = malloc(st.n_nodes * sizeof(*ns_names));

		if (!ns_names) {
			err = -ENOMEM;
			goto out_nl;
		}
		for (size_t i = 0; i < st.n_nodes; i++)
			ns_names[i] = st.nodes[i].name;
		progress_begin("removing", st.n_nodes);
		err = netns_delete_many(ns_names, st.n_nodes);
		free(ns_names);
	}
	if (!err && (have_state || access(STATE_ROOT, F_OK) == 0)) {
		/* Host limits back as they were, before the record (and its
		 * directory, which holds the tuning record) goes. */
		int tune_err = tune_restore(name);

		if (tune_err) {
			err = tune_err;
			goto out_nl;
		}
		err = state_remove(name);
		if (err == -ENOENT)
			err = 0;
	}
out_nl:
	free(links.links);
	nl_close(&s);
out_state:
	if (have_state)
		state_free(&st);
out_lock:
	state_unlock(&lock);
out_global:
	state_unlock(&global);
	return err;
}
