// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attaching the fabric's pinned programs to host veths: on shared tc blocks
 * (one filter per block number, see names.c tc_blocks_of) or, for records
 * made before blocks, on each veth's own clsact. Also the per-check verdict
 * of whether a veth's blocks still count into this fabric's map.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/array.h"
#include "base/errors.h"
#include "base/failpoint.h"
#include "kernel/bpf_counters.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/tc_attach.h"
#include "kernel/tc_block.h"

/* Does the program @prog_id count into the map @map_fd? */
static bool prog_counts_into(uint32_t prog_id, int map_fd)
{
	struct bpf_map_info a = {0}, b = {0};
	__u32 la = sizeof(a), lb = sizeof(b);
	int prog = prog_id ? bpf_prog_get_fd_by_id(prog_id) : -1;
	int map = fabric_bpf_prog_map(prog);
	bool same;

	same = map >= 0 && !bpf_obj_get_info_by_fd(map, &a, &la) &&
	       !bpf_obj_get_info_by_fd(map_fd, &b, &lb) && a.id == b.id;
	if (map >= 0)
		close(map);
	if (prog >= 0)
		close(prog);
	return same;
}

/* 1: block @block holds no filter of ours' handle and priority, or ours; 0: someone else's. */
static int block_ours_or_free(struct fabric_bpf *fb, struct nl_sock *s, uint32_t block)
{
	char seen[64];
	uint32_t id;
	int err = tc_block_bpf_prog(s, block, &id, seen, sizeof(seen));

	if (err)
		return err;
	return !id || prog_counts_into(id, fb->map_fd);
}

int fabric_bpf_blocks_usable(struct fabric_bpf *fb, struct nl_sock *s, uint32_t ingress,
			     uint32_t egress)
{
	int r = block_ours_or_free(fb, s, ingress);

	return r == 1 ? block_ours_or_free(fb, s, egress) : r;
}

/* Our program on block @block: attached now, or there already (an earlier batch's). */
static int block_filter(struct fabric_bpf *fb, struct nl_sock *s, uint32_t block, int prog_fd,
			const char *name)
{
	uint32_t seq = tc_block_add_bpf(s, block, prog_fd, name);
	int err = nl_flush(s, NULL, NULL);

	if (err)
		return err;
	err = nl_result(s, seq)->err;
	if (err != -EEXIST)
		return nl_check(s, seq);
	err = block_ours_or_free(fb, s, block);
	if (err < 0)
		return err;
	return err ? 0
		   : fail_msg(-EEXIST,
			      "tc block %u holds a filter that does not count into fabric "
			      "\"%s\": left alone",
			      block, fb->fabric);
}

int fabric_bpf_blocks_attach(struct fabric_bpf *fb, struct nl_sock *s, const int *ifindexes,
			     size_t n, uint32_t ingress, uint32_t egress, size_t *ok)
{
	size_t qdiscs = 0;
	uint32_t first;
	int err;

	*ok = 0;
	err = failpoint("attach the counting program");
	if (err || !n)
		return err;
	first = nl_next_seq(s);
	for (size_t i = 0; i < n; i++)
		tc_clsact_add_blocks(s, ifindexes[i], ingress, egress);
	err = nl_flush(s, NULL, NULL);
	for (; !err && qdiscs < n; qdiscs++) {
		char ifname[IFNAMSIZ];
		int e = nl_check(s, first + (uint32_t)qdiscs);

		if (e) {
			err = fail_wrap(e, "link \"%s\"", link_name_of(ifindexes[qdiscs], ifname));
			break;
		}
	}
	/* The programs go on the blocks of the nodes that got a qdisc. */
	if (qdiscs) {
		struct fail_stash later;
		int ferr;

		fail_stash(&later); /* a later node's qdisc error, if any */
		ferr = block_filter(fb, s, ingress, fb->prog_ingress_fd, "fabric_ingress");
		if (!ferr)
			ferr = block_filter(fb, s, egress, fb->prog_egress_fd, "fabric_egress");
		if (ferr) {
			/* It fails every node of the batch: the earliest error. */
			err = fail_wrap(ferr, "cannot count on tc blocks %u/%u", ingress, egress);
			qdiscs = 0;
		} else {
			fail_unstash(&later);
		}
	}
	*ok = qdiscs;
	return err;
}

int fabric_bpf_nodes_attach(struct fabric_bpf *fb, struct nl_sock *s, const int *ifindexes,
			    const struct fabric_bpf_node *ids, size_t n, uint32_t ingress,
			    uint32_t egress, size_t *ok)
{
	size_t entries = 0;
	int err = 0;

	*ok = 0;
	for (; entries < n; entries++)
		if ((err = bpf_counters_add(fb, ifindexes[entries], &ids[entries])))
			break;
	if (entries) {
		struct fail_stash later;
		int attach_err;

		fail_stash(&later);
		attach_err =
			fabric_bpf_blocks_attach(fb, s, ifindexes, entries, ingress, egress, ok);
		if (attach_err)
			err = attach_err; /* on a node before the counter that failed */
		else
			fail_unstash(&later);
	}
	for (size_t i = *ok; i < entries; i++)
		bpf_counters_del(fb, ifindexes[i]);
	return err;
}

#define BLOCK_MENDED 2 /* a verdict: not counted when looked at, mended since */

/* Block @block's verdict (its filter counts into our map), cached for one check. */
static int block_counts(struct fabric_bpf *fb, struct nl_sock *s, uint32_t block)
{
	char seen[64];
	uint32_t id;
	int err;

	for (size_t i = 0; i < fb->n_verdicts; i++)
		if (fb->verdicts[i].block == block)
			return fb->verdicts[i].counts;
	err = tc_block_bpf_prog(s, block, &id, seen, sizeof(seen));
	if (err)
		return err;
	if (ARRAY_RESERVE(fb->verdicts, fb->cap_verdicts, fb->n_verdicts))
		return fail(-ENOMEM, "cannot check tc block %u", block);
	fb->verdicts[fb->n_verdicts].block = block;
	fb->verdicts[fb->n_verdicts].counts = id && prog_counts_into(id, fb->map_fd);
	return fb->verdicts[fb->n_verdicts++].counts;
}

int fabric_bpf_attached(struct fabric_bpf *fb, struct nl_sock *s,
			const struct tc_clsact_list *qdiscs, int ifindex)
{
	const struct tc_clsact *q = tc_clsact_find(qdiscs, ifindex);
	int r;

	if (!q)
		return 0;
	if (!q->ingress || !q->egress)
		return fabric_bpf_node_attached(fb, ifindex); /* private blocks (older fabricctl) */
	r = block_counts(fb, s, q->ingress);
	if (r == 1)
		r = block_counts(fb, s, q->egress);
	return r == BLOCK_MENDED ? 0 : r;
}

/*
 * Our filter back on shared block @block unless it counts already. A block
 * mended once in a check is not mended again for the next node on it: its
 * verdict stays "not counted" so that every node it serves is reported.
 */
static int mend_block(struct fabric_bpf *fb, struct nl_sock *s, uint32_t block, int prog_fd,
		      const char *name)
{
	int r = block_counts(fb, s, block), err;

	if (r < 0 || r == 1)
		return r < 0 ? r : 0;
	for (size_t i = 0; i < fb->n_verdicts; i++)
		if (fb->verdicts[i].block == block && fb->verdicts[i].counts == BLOCK_MENDED)
			return 0;
	err = block_filter(fb, s, block, prog_fd, name);
	for (size_t i = 0; !err && i < fb->n_verdicts; i++)
		if (fb->verdicts[i].block == block)
			fb->verdicts[i].counts = BLOCK_MENDED;
	return err;
}

int fabric_bpf_reattach(struct fabric_bpf *fb, struct nl_sock *s,
			const struct tc_clsact_list *qdiscs, int ifindex, uint32_t ingress,
			uint32_t egress)
{
	const struct tc_clsact *q = tc_clsact_find(qdiscs, ifindex);
	size_t ok;
	int err = 0;

	if (!q)
		return fabric_bpf_blocks_attach(fb, s, &ifindex, 1, ingress, egress, &ok);
	if (!q->ingress || !q->egress)
		return tc_attach(ifindex, fb->prog_ingress_fd, fb->prog_egress_fd);
	err = mend_block(fb, s, q->ingress, fb->prog_ingress_fd, "fabric_ingress");
	return err ? err : mend_block(fb, s, q->egress, fb->prog_egress_fd, "fabric_egress");
}

int fabric_bpf_node_attached(struct fabric_bpf *fb, int ifindex)
{
	__u32 in, out;
	int err = tc_attached_ids(ifindex, &in, &out);

	if (err)
		return err;
	return in && in == bpf_prog_id_of(fb->prog_ingress_fd) && out &&
	       out == bpf_prog_id_of(fb->prog_egress_fd);
}

int fabric_bpf_node_detach(struct fabric_bpf *fb, int ifindex)
{
	int err = fabric_bpf_tcx_unpin(fb->fabric, ifindex); /* none in a tc fabric */
	int cerr = bpf_counters_del(fb, ifindex);

	return err ? err : cerr;
}
