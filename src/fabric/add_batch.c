// SPDX-License-Identifier: GPL-2.0-only
/*
 * One batch of nodes in netlink batches (see add_batch.h).
 *
 * A node add costs one namespace (unshare + bind mount), one RTM_NEWLINK
 * making the veth with its peer already inside the namespace, and four
 * small requests on a socket opened inside the namespace. Requests of a
 * batch of nodes share one sendmsg(); nothing scans the other nodes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/failpoint.h"
#include "base/timeutil.h"
#include "fabric/add_batch.h"
#include "fabric/add_netns.h"
#include "fabric/admission.h"
#include "fabric/blocks.h"
#include "fabric/cell.h"
#include "fabric/cell6.h"
#include "fabric/fabric.h"
#include "fabric/lease.h"
#include "fabric/link_delete.h"
#include "fabric/ownership.h"
#include "kernel/addr.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/link_wait.h"
#include "kernel/netns.h"
#include "kernel/route.h"

struct batch_replies {
	struct pending_node *nodes;
	size_t n;
};

/* GETLINK replies of a batch, matched to their node by sequence number. */
static int batch_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct batch_replies *r = data;
	struct link_info info;

	if (link_info_parse(nlh, &info))
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->nodes[i].get_seq && r->nodes[i].get_seq == nlh->nlmsg_seq) {
			r->nodes[i].host = info;
			break;
		}
	return 0;
}

void rollback_batch(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
		    struct pending_node *p, size_t from, size_t n)
{
	int ifindexes[ADD_BATCH] = {0};
	size_t n_links = 0;

	for (size_t i = from; i < n; i++) {
		if (p[i].counted)
			fabric_bpf_node_detach(fb, p[i].host.ifindex);
		if (p[i].veth_made && p[i].host.ifindex <= 0) {
			/* Made, never read back: found by name and birth mark. */
			uint8_t mac[6];

			fabric_mac(mac, MAC_HOST_END, p[i].addr);
			p[i].host.ifindex = fabric_link_find_made(s, st, p[i].host_if, mac);
		}
		if (p[i].veth_made && p[i].host.ifindex > 0)
			ifindexes[n_links++] = p[i].host.ifindex;
	}
	fabric_links_delete(s, ifindexes, n_links); /* just made: ours */
	for (size_t i = from; i < n; i++)
		if (p[i].netns_made)
			netns_delete(p[i].name);
}

/*
 * Inside the node (lo is up since its making): eth0 tagged as ours with
 * IPv6 address generation off (no link-local address: nothing for the
 * bridge to flood), then up, its addresses, the default routes via its
 * cell's gateways. One sendmsg.
 */
static int configure_inside(struct pending_node *p, const struct fabric_state *st)
{
	char tag[ALIAS_TAG_MAX];
	int eth0 = p->host.peer_ifindex;

	node_alias(tag, sizeof(tag), st->name, p->name);
	link_set_tag(&p->ns_nl, eth0, tag, fabric_has_ipv6_mtu(st));
	nl_label(&p->ns_nl, "tag " NODE_IFNAME);
	link_set_up(&p->ns_nl, eth0);
	nl_label(&p->ns_nl, "bring up " NODE_IFNAME);
	cell_node_addresses(&p->ns_nl, st, p->slot, eth0);
	return nl_run(&p->ns_nl, NULL, NULL);
}

/*
 * Round 2: every veth of the batch in one sendmsg, created down, each read
 * back; then, in one more, each host end tagged as ours (the tag cannot be
 * given at creation), so a crash leaves almost no untagged veth. *ok: how
 * many nodes in a row have a tagged veth. Returns the error of the first
 * node that does not (recorded), or 0.
 */
static int make_veths(struct nl_sock *s, struct fabric_state *st, struct pending_node *p, size_t n,
		      size_t *ok)
{
	struct batch_replies replies = {p, n};
	uint8_t hmac[6], nmac[6];
	char tag[ALIAS_TAG_MAX];
	int err;

	*ok = 0;
	for (size_t i = 0; i < n; i++) {
		/* Into a namespace of our own making, both indexes are ours to
		 * choose (eth0 comes after lo): nothing to read back. */
		int want = p[i].existing_fd < 0 ? host_veth_ifindex(st->group, p[i].slot) : 0;
		struct link_spec host = {.name = p[i].host_if,
					 .mac = hmac,
					 .mtu = st->mtu,
					 .group = st->group,
					 .master = p[i].br_ifindex};
		struct link_spec peer = {
			.name = NODE_IFNAME, .ifindex = NODE_IFINDEX, .mac = nmac, .mtu = st->mtu};
		if (p[i].peer_name) /* a runtime's namespace: its name, the kernel's index */
			peer.name = p[i].peer_name, peer.ifindex = 0;

		if (want && link_index_used(want))
			want = 0; /* someone's link has it: the kernel chooses */
		host.ifindex = want;
		fabric_mac(hmac, MAC_HOST_END, p[i].addr);
		fabric_mac(nmac, MAC_HOLDER, p[i].addr);
		p[i].create_seq = link_create_veth(s, &host, &peer, p[i].netns_fd);
		nl_label(s, "create veth \"%s\"", p[i].host_if);
		p[i].get_seq = 0;
		if (want) {
			p[i].host.ifindex = want;
			p[i].host.peer_ifindex = NODE_IFINDEX;
			continue;
		}
		p[i].get_seq = link_get(s, p[i].host_if);
		nl_label(s, "read back veth \"%s\"", p[i].host_if);
	}
	if (!n)
		return 0;
	err = nl_flush(s, batch_link_cb, &replies);
	for (size_t i = 0; i < n; i++)
		p[i].veth_made = nl_result(s, p[i].create_seq)->err == 0;
	if (err)
		return err;
	for (; *ok < n; (*ok)++) {
		struct pending_node *q = &p[*ok];

		if ((err = nl_check(s, q->create_seq))) {
			q->host.ifindex = 0; /* the GET found someone else's link */
			break;
		}
		if (q->get_seq && (err = nl_check(s, q->get_seq)))
			break;
		if (q->host.ifindex <= 0) {
			err = fail(-ENODEV, "cannot read back veth \"%s\"", q->host_if);
			break;
		}
	}
	if (err)
		err = fail_wrap(err, "node \"%s\"", p[*ok].name);
	/* Tag every veth made (the failed node's rollback proves them by index). */
	for (size_t i = 0; i < *ok; i++) {
		node_alias(tag, sizeof(tag), st->name, p[i].name);
		p[i].tag_seq = link_set_tag(s, p[i].host.ifindex, tag, false);
		nl_label(s, "tag veth \"%s\"", p[i].host_if);
	}
	if (!*ok)
		return err;
	{
		struct fail_stash earlier;
		int tag_err;

		fail_stash(&earlier);
		tag_err = nl_flush(s, NULL, NULL);
		if (tag_err) {
			*ok = 0; /* not one tag is known to be there */
			return fail_wrap(tag_err, "node \"%s\"", p[0].name);
		}
		for (size_t i = 0; i < *ok; i++) {
			tag_err = nl_check(s, p[i].tag_seq);
			if (tag_err) {
				*ok = i;
				return fail_wrap(tag_err, "node \"%s\"", p[i].name);
			}
		}
		fail_unstash(&earlier);
	}
	return err;
}

/*
 * Round 3: IPv6 off on each host end, then the batch is counted: counter
 * entries, clsact qdiscs on the batch's shared blocks and the programs on
 * those blocks (or, in a tcx fabric, two pinned tcx links per veth) -- all while the host ends are
 * still down, so no packet passes uncounted. *ok: how many nodes in a row got this far. Returns the
 * error of the first node that did not (recorded), or 0.
 */
static int prepare_host_ends(struct nl_sock *s, const struct fabric_state *st,
			     struct fabric_bpf *fb, struct pending_node *p, size_t tagged,
			     size_t *ok)
{
	int ifindexes[ADD_BATCH];
	struct fabric_bpf_node ids[ADD_BATCH];
	size_t ready = 0;
	int err = 0;

	*ok = 0;
	for (; ready < tagged; ready++) {
		if ((err = link_disable_ipv6(p[ready].host_if))) {
			err = fail(err, "cannot disable IPv6 on \"%s\"", p[ready].host_if);
			break;
		}
		ifindexes[ready] = p[ready].host.ifindex;
		ids[ready].slot = p[ready].slot;
		ids[ready].netns_ino = p[ready].netns_ino;
	}
	if (ready) {
		struct fail_stash later;
		int attach_err;

		fail_stash(&later);
		attach_err = fabric_count_nodes(s, st, fb, p[0].slot, ifindexes, ids, ready, ok);
		if (attach_err)
			err = attach_err; /* on a node before the IPv6 one */
		else
			fail_unstash(&later);
	}
	for (size_t i = 0; i < *ok; i++)
		p[i].counted = true;
	return err ? fail_wrap(err, "node \"%s\"", p[*ok].name) : 0;
}

/*
 * Round 4: host ends up, one sendmsg; then inside each node in order.
 * *done: nodes complete. Returns the first node's error (recorded), or 0.
 */
static int finish_nodes(struct nl_sock *s, struct fabric_state *st, struct pending_node *p,
			size_t ok, size_t *done)
{
	uint32_t first = nl_next_seq(s);
	int err;

	*done = 0;
	if (!ok)
		return 0;
	for (size_t i = 0; i < ok; i++) {
		link_set_up(s, p[i].host.ifindex);
		nl_label(s, "bring up veth \"%s\"", p[i].host_if);
	}
	err = nl_flush(s, NULL, NULL);
	for (size_t i = 0; !err && i < ok; i++) {
		err = nl_check(s, first + (uint32_t)i);
		if (!err)
			err = configure_inside(&p[i], st);
		if (err) {
			err = fail_wrap(err, "node \"%s\"", p[i].name);
			break;
		}
		(*done)++;
	}
	return err;
}

/*
 * A round only handles the nodes the round before got through, so when it
 * fails, it fails on an earlier node than any failure before it: its error
 * is the one to report (@err is the earlier one, set aside in @earlier).
 */
static int later_round(int err, int round_err, struct fail_stash *earlier)
{
	if (round_err)
		return round_err;
	fail_unstash(earlier);
	return err;
}

/*
 * The rest of a batch whose namespaces are made (@made of @n, @ns_err and
 * its text @ns_why from that round): veths; host ends ready and counted;
 * up and configured inside. On the first failure, that node and the later
 * ones of the batch are rolled back with every resource they have; *done
 * counts the nodes completed before it. Each round can only fail on an
 * earlier node than the round before, so a later round's error is the one
 * reported.
 */
int finish_batch(struct nl_sock *s, struct fabric_state *st, struct fabric_bpf *fb,
		 struct pending_node *p, size_t n, size_t made, int ns_err,
		 const struct fail_stash *ns_why, size_t *done)
{
	struct fail_stash earlier = *ns_why;
	size_t tagged = 0, ok = 0;
	int err = ns_err;

	*done = 0;
	err = later_round(err, make_veths(s, st, p, made, &tagged), &earlier);
	fail_stash(&earlier);
	err = later_round(err, prepare_host_ends(s, st, fb, p, tagged, &ok), &earlier);
	fail_stash(&earlier);
	err = later_round(err, finish_nodes(s, st, p, ok, done), &earlier);
	if (err)
		rollback_batch(s, st, fb, p, *done, made);
	add_close_namespaces(p, n);
	return err;
}

int add_batch(struct nl_sock *s, struct fabric_state *st, struct fabric_bpf *fb,
	      struct pending_node *p, size_t n, size_t *done)
{
	struct netns_ahead a;

	for (size_t i = 0; i < n; i++)
		p[i].netns_fd = -1;
	netns_ahead_start(&a, st->name, p, n, false);
	netns_ahead_finish(&a);
	return finish_batch(s, st, fb, p, n, a.made, a.err, &a.why, done);
}

/* Fill the batch from the leased nodes st->nodes[first + off ..], making cells as needed. */
