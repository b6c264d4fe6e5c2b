// SPDX-License-Identifier: GPL-2.0-only
/*
 * Adding nodes in netlink batches.
 *
 * A node add costs one namespace (unshare + bind mount), one RTM_NEWLINK
 * making the veth with its peer already inside the namespace, and four
 * small requests on a socket opened inside the namespace. Requests of a
 * batch of nodes share one sendmsg(); nothing scans the other nodes.
 * This file runs the batches (add_batch.c makes one).
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

#define LINK_UP_TIMEOUT_MS 5000 /* linkwatch runs within ~1 s; be generous */
#define RECORD_SAVE_INTERVAL_MS 1000

static size_t fill_batch(struct cell_set *cells, struct fabric_state *st, struct pending_node *p,
			 size_t first, size_t m, int *err)
{
	memset(p, 0, m * sizeof(*p));
	for (size_t i = 0; i < m; i++)
		p[i].netns_fd = -1;
	for (size_t i = 0; i < m; i++) {
		struct fabric_node *node = &st->nodes[first + i];

		p[i].existing_fd = -1;
		p[i].name = node->name;
		p[i].slot = node->slot;
		p[i].addr = ipam_addr_of(&st->ipam, node->slot);
		host_veth_name(p[i].host_if, st->name, node->slot);
		/* The first node of a cell makes the cell. */
		p[i].br_ifindex = cells_bridge(cells, ipam_cell_of(&st->ipam, node->slot));
		if (p[i].br_ifindex < 0) {
			*err = p[i].br_ifindex;
			return i; /* the nodes before it still go in */
		}
	}
	return m;
}

/*
 * A batch on its way: its nodes, the error (and text) of the cell that
 * stopped its filling, and its namespaces, made ahead or not.
 */
struct batch_buf {
	struct pending_node *p;
	size_t m;
	int fill_err;
	struct fail_stash fill_why;
	struct netns_ahead ns;
	bool started;
};

/* Fill @b with @want leased nodes from st->nodes[first ..] and start on their namespaces. */
static void batch_begin(struct cell_set *cells, struct fabric_state *st, struct batch_buf *b,
			size_t first, size_t want, bool threaded)
{
	struct fail_stash mine;

	fail_stash(&mine);
	b->fill_err = 0;
	b->m = fill_batch(cells, st, b->p, first, want, &b->fill_err);
	fail_stash(&b->fill_why);
	fail_unstash(&mine);
	netns_ahead_start(&b->ns, st->name, b->p, b->m, threaded);
	b->started = true;
}

/* A batch begun ahead that will not go on: its namespaces, once made, go. */
static void batch_abandon(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
			  struct batch_buf *b)
{
	if (!b->started)
		return;
	netns_ahead_finish(&b->ns);
	rollback_batch(s, st, fb, b->p, 0, b->ns.made);
	add_close_namespaces(b->p, b->m);
	b->started = false;
}

static bool wait_up(struct nl_sock *s, const struct fabric_state *st, const struct add_result *res)
{
	char(*names)[IFNAMSIZ] = calloc(res->n_nodes, sizeof(*names));
	int *ifindexes = calloc(res->n_nodes, sizeof(*ifindexes));
	bool up = false;

	if (names && ifindexes) {
		for (size_t i = 0; i < res->n_nodes; i++) {
			host_veth_name(names[i], st->name, res->nodes[i].node.slot);
			ifindexes[i] = res->nodes[i].node.ifindex;
		}
		up = link_wait_oper_up(s, (const char(*)[IFNAMSIZ])names, ifindexes, res->n_nodes,
				       LINK_UP_TIMEOUT_MS);
	}
	free(names);
	free(ifindexes);
	return up;
}

/*
 * The nodes made since the last record save (res->nodes[@saved ..]), when
 * the record cannot say they were made: their pieces (all made by this
 * process) go, and they leave the record in memory.
 */
static void unmake_unrecorded(struct nl_sock *s, struct fabric_state *st, struct fabric_bpf *fb,
			      struct add_result *res, size_t saved)
{
	size_t n = res->n_nodes - saved, m = 0;
	const char **names = calloc(n + 1, sizeof(*names));
	int *ifindexes = calloc(n + 1, sizeof(*ifindexes));
	struct fail_stash why;

	fail_stash(&why);
	for (size_t i = saved; names && ifindexes && i < res->n_nodes; i++) {
		fabric_bpf_node_detach(fb, res->nodes[i].node.ifindex);
		ifindexes[m] = res->nodes[i].node.ifindex;
		names[m++] = res->nodes[i].node.name;
	}
	fabric_links_delete(s, ifindexes, m);
	netns_delete_many(names, m, NULL, NULL);
	for (size_t i = saved; i < res->n_nodes; i++) {
		struct fabric_node *node = state_find_node(st, res->nodes[i].node.name);

		if (node)
			state_del_node(st, node);
	}
	res->n_nodes = saved;
	free(names);
	free(ifindexes);
	fail_clear();
	fail_unstash(&why);
}

int fabric_add_nodes(struct fabric_state *st, char **names, size_t n, uint32_t addr, bool wait,
		     struct add_result *res, fabric_progress_cb progress, void *progress_data)
{
	struct batch_buf bufs[2] = {0};
	struct fabric_bpf *fb = NULL;
	struct cell_set cells = {0};
	struct nl_sock s = {0};
	size_t first_new = st->n_nodes, batch, saved = 0, cur = 0;
	bool threaded = !failpoint_ordered(); /* a crash walk needs its steps in one order */
	int64_t last_save = mono_ms();
	int err;

	memset(res, 0, sizeof(*res));
	err = fabric_lease_check(st, names, n, addr);
	if (!err)
		err = fabric_admit(st->name, n, st->cell_size);
	if (err)
		return err;
	err = fabric_bpf_open(st->name, &fb);
	if (err)
		return fail_wrap(err, "cannot open the BPF program of fabric \"%s\"", st->name);
	err = netns_prepare_dir();
	if (!err)
		err = nl_open(&s);
	if (!err)
		err = cells_init(&cells, st, &s);
	if (err)
		goto out;
	batch = add_batch_size_for_files(ADD_BATCH);
	if (!batch) {
		err = -EMFILE;
		goto out;
	}
	bufs[0].p = calloc(batch, sizeof(*bufs[0].p));
	bufs[1].p = calloc(batch, sizeof(*bufs[1].p));
	res->nodes = calloc(n ? n : 1, sizeof(*res->nodes));
	if (!bufs[0].p || !bufs[1].p || !res->nodes) {
		err = fail(-ENOMEM, "cannot add %zu nodes", n);
		goto out;
	}
	err = fabric_lease_nodes(&s, st, names, n, addr);
	for (size_t off = 0; off < n && !err; off += batch) {
		struct batch_buf *b = &bufs[cur], *next = &bufs[cur ^ 1];
		size_t done = 0;
		int batch_err = 0;

		if (!b->started)
			batch_begin(&cells, st, b, first_new + off,
				    n - off < batch ? n - off : batch, false);
		netns_ahead_finish(&b->ns);
		b->started = false;
		/* The next batch's namespaces are made on a thread while this one's links are. */
		if (threaded && !b->fill_err && !b->ns.err && off + batch < n)
			batch_begin(&cells, st, next, first_new + off + batch,
				    n - off - batch < batch ? n - off - batch : batch, true);
		if (b->m)
			batch_err = finish_batch(&s, st, fb, b->p, b->m, b->ns.made, b->ns.err,
						 &b->ns.why, &done);
		if (batch_err) {
			err = batch_err; /* a node of this batch comes before the cell that failed
					  */
		} else {
			fail_unstash(&b->fill_why);
			err = b->fill_err;
		}
		for (size_t i = 0; i < done; i++) {
			struct fabric_node *node = &st->nodes[first_new + off + i];

			node->ifindex = b->p[i].host.ifindex;
			node->netns_ino = b->p[i].netns_ino;
			node->phase = NODE_READY;
			res->nodes[res->n_nodes].node = *node;
			res->nodes[res->n_nodes].addr = b->p[i].addr;
			res->n_nodes++;
		}
		/*
		 * Completed nodes go on record (with their ifindex) at most once a
		 * second, so a killed bulk add leaves a record that says nearly how
		 * far it got, and a big add does not rewrite a growing record after
		 * every batch (O(N^2) bytes). A node made but not yet on record is
		 * still "adding" there: repair takes it apart, never loses it.
		 */
		if (!err && off + b->m < n && mono_ms() - last_save >= RECORD_SAVE_INTERVAL_MS) {
			err = state_save(st);
			if (!err) {
				saved = res->n_nodes;
				last_save = mono_ms();
			}
		}
		if (err)
			batch_abandon(&s, st, fb, next);
		if (progress)
			progress(res->n_nodes, n, progress_data);
		if (threaded)
			cur ^= 1;
	}
	/* The completed nodes with their ifindex; the leases of the others forgotten. */
	if (st->n_nodes > first_new) {
		int save_err;

		while (st->n_nodes > first_new + res->n_nodes)
			state_del_node(st, &st->nodes[st->n_nodes - 1]);
		save_err = state_save(st);
		if (save_err) {
			/* Not on record as made, so not made: the nodes since the last save go. */
			unmake_unrecorded(&s, st, fb, res, saved);
			/* If this fails too, the record still says "adding": repair removes them.
			 */
			state_save(st);
			err = err ? err : save_err;
		}
	}
	if (err)
		cells_drop_unused(&cells); /* a cell this add made for nodes that failed */
	if (!err && wait && res->n_nodes)
		res->links_up = wait_up(&s, st, res);
out:
	free(bufs[0].p);
	free(bufs[1].p);
	cells_close(&cells);
	if (s.mnl)
		nl_close(&s);
	fabric_bpf_close(fb);
	return err;
}

void add_result_free(struct add_result *res)
{
	free(res->nodes);
	memset(res, 0, sizeof(*res));
}

int fabric_node_make_into(struct fabric_state *st, struct nl_sock *s, struct cell_set *cells,
			  struct fabric_bpf *fb, struct fabric_node *node, int netns_fd,
			  const char *ifname)
{
	struct pending_node p = {.existing_fd = netns_fd, .peer_name = ifname};
	size_t done = 0;
	int err;

	p.name = node->name;
	p.slot = node->slot;
	p.addr = ipam_addr_of(&st->ipam, node->slot);
	host_veth_name(p.host_if, st->name, node->slot);
	p.br_ifindex = cells_bridge(cells, ipam_cell_of(&st->ipam, node->slot));
	if (p.br_ifindex < 0)
		return p.br_ifindex;
	err = add_batch(s, st, fb, &p, 1, &done);
	if (err)
		return err;
	node->ifindex = p.host.ifindex;
	node->netns_ino = p.netns_ino;
	node->phase = NODE_READY;
	return 0;
}
