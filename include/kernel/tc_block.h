/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Counting through shared tc blocks: a batch of host veths gets clsact
 * qdiscs bound to one ingress and one egress block, and the fabric's two
 * cls_bpf filters go on those blocks once. A private block per veth costs
 * a walk of a kernel list that holds every bound block of the host
 * (flow_indr_dev_setup_offload, O(blocks) since ~5.14) on every qdisc
 * made or destroyed, and each filter insert on a fresh qdisc an RCU grace
 * period. With the qdiscs made first, on empty blocks, and the filters
 * after, neither is paid per node. Needs TCA_INGRESS_BLOCK (4.16+).
 *
 * `tc filter show dev VETH ingress` shows the block's filters; a filter
 * added with `tc filter add dev VETH ...` lands in the shared block.
 */
#ifndef FABRICCTL_KERNEL_TC_BLOCK_H
#define FABRICCTL_KERNEL_TC_BLOCK_H

#include <stdint.h>

#include "kernel/nl.h"

#define TC_FILTER_HANDLE 1
#define TC_FILTER_PRIORITY 1

/* Queue a clsact qdisc on @ifindex bound to blocks @ingress and @egress. */
uint32_t tc_clsact_add_blocks(struct nl_sock *s, int ifindex, uint32_t ingress, uint32_t egress);

/* Queue the cls_bpf filter (our handle and priority, direct action) of @prog_fd on block @block. */
uint32_t tc_block_add_bpf(struct nl_sock *s, uint32_t block, int prog_fd, const char *name);

/*
 * The id and name of the program in the filter with our handle and
 * priority on block @block: 0 and @name "" when there is none, or -errno.
 */
int tc_block_bpf_prog(struct nl_sock *s, uint32_t block, uint32_t *prog_id, char *name,
		      size_t size);

/* Every clsact qdisc of the namespace that is bound to shared blocks, from one dump. */
struct tc_clsact {
	int ifindex;
	uint32_t ingress, egress; /* 0: a private block */
};

struct tc_clsact_list {
	struct tc_clsact *q; /* sorted by ifindex */
	size_t n, cap;
};

int tc_clsact_dump(struct nl_sock *s, struct tc_clsact_list *out);
/* The clsact of @ifindex in @l, or NULL. */
const struct tc_clsact *tc_clsact_find(const struct tc_clsact_list *l, int ifindex);
void tc_clsact_list_free(struct tc_clsact_list *l);

#endif
