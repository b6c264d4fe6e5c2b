/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which shared tc blocks a batch of nodes counts on (kernel/tc_block.h
 * says why blocks are shared): a pair from the fabric's range, named after
 * the batch's first slot, passing over pairs someone else's filter holds.
 */
#ifndef FABRICCTL_FABRIC_BLOCKS_H
#define FABRICCTL_FABRIC_BLOCKS_H

#include <stdint.h>

#include "fabric/state.h"
#include "kernel/fabric_bpf.h"
#include "kernel/nl.h"

int fabric_choose_blocks(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
			 uint32_t slot, uint32_t *ingress, uint32_t *egress);

/*
 * Count a batch of @n new host veths (the first at @slot) the fabric's
 * way: on a pair of shared blocks, or by tcx links. *ok as
 * fabric_bpf_nodes_attach().
 */
int fabric_count_nodes(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
		       uint32_t slot, const int *ifindexes, size_t n, size_t *ok);

#endif
