// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deleting nodes, each piece proven the node's at that moment: never veth
 * by veth (each costs 20-35 ms of RCU grace periods): the host ends proven
 * ours move to a scratch group, deleted in one RTM_DELLINK (one unregister
 * for all; the peers go with them); the namespaces proven ours are
 * unmounted in parallel and freed by the kernel; anything else that took a
 * node's name is left alone.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/cell.h"
#include "fabric/fabric.h"
#include "fabric/link_delete.h"
#include "fabric/namespaces.h"
#include "fabric/ownership.h"
#include "fabric/subnet.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/netns.h"

uint32_t scratch_group(void)
{
	uint32_t g = 0;

	while (g == 0 || g == UINT32_MAX) {
		if (getrandom(&g, sizeof(g), 0) != sizeof(g))
			g = (uint32_t)random() ^ (uint32_t)getpid() << 16;
		g |= SCRATCH_GROUP_BIT; /* fabrics' own groups are GROUP_BASE | even */
	}
	return g;
}

int fabric_link_find_made(struct nl_sock *s, const struct fabric_state *st, const char *name,
			  const uint8_t mac[6])
{
	struct link_info li;

	if (link_get_one(s, name, &li) < 0) {
		fail_clear();
		return 0;
	}
	return link_is_fabrics(&li, st->name) || link_born_ours(&li, st, name, mac) ? li.ifindex
										    : 0;
}

struct prove_ctx {
	const struct fabric_state *st;
	struct fabric_node *const *nodes;
	bool *alive;
	uint32_t first_seq;
};

static int prove_cb(const struct nlmsghdr *nlh, void *data)
{
	struct prove_ctx *c = data;
	uint32_t i = nlh->nlmsg_seq - c->first_seq;
	struct link_info li;

	if (link_info_parse(nlh, &li) == 0 && li.ifindex == c->nodes[i]->ifindex)
		c->alive[i] = link_is_node_veth(&li, c->st, c->nodes[i]);
	return 0;
}

int fabric_links_prove(struct nl_sock *s, const struct fabric_state *st,
		       struct fabric_node *const *nodes, size_t n, bool *alive)
{
	struct prove_ctx c = {st, nodes, alive, nl_next_seq(s)};
	size_t queued = 0;

	memset(alive, 0, n * sizeof(*alive));
	if (!n)
		return 0;
	/* One GETLINK per node, in order, so seq - first_seq is the node's index. */
	for (size_t i = 0; i < n; i++, queued++)
		link_get_index(s, nodes[i]->ifindex > 0 ? nodes[i]->ifindex : INT32_MAX);
	return nl_flush(s, prove_cb, &c); /* gone (ENODEV) is an answer: not alive */
}

int fabric_links_delete(struct nl_sock *s, const int *ifindexes, size_t n)
{
	uint32_t group = scratch_group(), first;
	size_t moved = 0;
	int err;

	if (n == 0)
		return 0;
	first = nl_next_seq(s);
	for (size_t i = 0; i < n; i++)
		link_set_group(s, ifindexes[i], group);
	err = nl_flush(s, NULL, NULL);
	for (size_t i = 0; !err && i < n; i++) {
		int e = nl_result(s, first + (uint32_t)i)->err;

		if (e == 0)
			moved++;
		else if (e != -ENODEV)
			err = nl_check(s, first + (uint32_t)i);
	}
	if (moved) {
		int del_err;

		link_del_group(s, group);
		del_err = nl_run(s, NULL, NULL);
		if (del_err && !err)
			err = del_err;
	}
	return err;
}

/*
 * The namespaces of @n nodes that are proven theirs; others that took a
 * name stay, and so does one that holds a link fabricctl did not make.
 */
static int delete_namespaces(const struct fabric_state *st, struct fabric_node *const *nodes,
			     size_t n, const bool *veth_alive, struct notes *left,
			     fabric_progress_cb progress, void *data)
{
	const char **names = calloc(n + 1, sizeof(*names));
	struct fail_stash unknown = {0};
	int err, unknown_err = 0;
	size_t m = 0;

	if (!names)
		return fail(-ENOMEM, "cannot delete %zu namespaces", n);
	for (size_t i = 0; i < n; i++) {
		enum netns_owner o = node_netns_owner(st, nodes[i], veth_alive[i]);

		if (o == NETNS_OURS || o == NETNS_PLACEHOLDER)
			names[m++] = nodes[i]->name;
		if (o == NETNS_UNKNOWN && !unknown_err) {
			fail_stash(&unknown); /* reported once the others are done */
			unknown_err = -EIO;
		}
	}
	err = fabric_netns_delete(st->name, names, m, left, progress, data);
	free(names);
	if (!err && unknown_err) {
		fail_unstash(&unknown);
		err = unknown_err;
	}
	return err;
}

int fabric_del_nodes(struct fabric_state *st, struct fabric_node **nodes, size_t n,
		     struct notes *left, fabric_progress_cb progress, void *data)
{
	struct fail_stash counters_err = {0};
	struct fabric_bpf *fb = NULL;
	int *ifindexes = NULL, counters_failed = 0;
	uint32_t *cells = NULL;
	bool *alive = NULL;
	size_t n_links = 0;
	struct nl_sock s;
	int err;

	if (n == 0)
		return 0;
	ifindexes = calloc(n, sizeof(*ifindexes));
	alive = calloc(n, sizeof(*alive));
	cells = calloc(n, sizeof(*cells));
	if (!ifindexes || !alive || !cells) {
		err = fail(-ENOMEM, "cannot delete %zu nodes", n);
		goto out;
	}
	err = nl_open(&s);
	if (err)
		goto out;
	/* Which veths are still the nodes' own: read now, not taken from the record. */
	err = fabric_links_prove(&s, st, nodes, n, alive);
	if (err)
		goto out_nl;
	for (size_t i = 0; i < n; i++)
		if (alive[i])
			ifindexes[n_links++] = nodes[i]->ifindex;
	/*
	 * First on record as "deleting": readers stop showing them, and a crash
	 * from here on leaves nodes that `check --repair` finishes removing,
	 * never a namespace the record has forgotten.
	 */
	for (size_t i = 0; i < n; i++)
		nodes[i]->phase = NODE_DELETING;
	err = state_save(st);
	if (err)
		goto out_nl;
	/*
	 * Counters next: a map entry never outlives its node. An entry that
	 * cannot be deleted does not stop the rest; it is reported at the end
	 * (check --repair removes it).
	 */
	if (fabric_bpf_open(st->name, &fb) == 0) {
		for (size_t i = 0; i < n; i++)
			if (nodes[i]->ifindex > 0 &&
			    fabric_bpf_node_detach(fb, nodes[i]->ifindex)) {
				fail_stash(&counters_err);
				counters_failed = -EIO;
			}
		fabric_bpf_close(fb);
	}
	fail_clear(); /* no pins: check reports them */
	err = fabric_links_delete(&s, ifindexes, n_links);
	if (!err)
		err = delete_namespaces(st, nodes, n, alive, left, progress, data);
	if (err)
		goto out_nl;
	for (size_t i = 0; i < n; i++)
		cells[i] = ipam_cell_of(&st->ipam, nodes[i]->slot);
	/* Out of the table in one pass (nothing moved it since the call). */
	err = state_del_nodes(st, nodes, n);
	if (err) {
		err = fail(err, "cannot delete %zu nodes", n);
		goto out_nl;
	}
	err = state_save(st);
	/* A cell without nodes keeps no bridge or leg (check calls them strays). */
	if (!err)
		err = cells_drop_emptied(&s, st, cells, n);
	if (!err && counters_failed) {
		fail_unstash(&counters_err);
		err = counters_failed;
	}
out_nl:
	nl_close(&s);
out:
	free(ifindexes);
	free(alive);
	free(cells);
	return err;
}
