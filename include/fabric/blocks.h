/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which shared tc blocks a batch of nodes counts on (kernel/tc_block.h
 * says why blocks are shared): a pair from the fabric's range, named after
 * the batch's first slot, passing over pairs someone else's filter holds;
 * and the fabric's plan as its programs are told it at load.
 */
#ifndef FABRICCTL_FABRIC_BLOCKS_H
#define FABRICCTL_FABRIC_BLOCKS_H

#include <stdint.h>

#include "fabric/state.h"
#include "kernel/fabric_bpf.h"
#include "kernel/nl.h"

int fabric_choose_blocks(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
			 uint32_t slot, uint32_t *ingress, uint32_t *egress);

/* What the fabric's programs are told at load: its capacity, subnet and cells. */
void fabric_bpf_params_of(const struct fabric_state *st, struct fabric_bpf_params *p);
/* fabric_bpf_create() for the fabric of @st. */
int fabric_bpf_create_for(const struct fabric_state *st);

/*
 * Count a batch of @n new host veths (the first at @slot; @ids, what their
 * counter entries say of them) the fabric's
 * way: on a pair of shared blocks, or by tcx links. *ok as
 * fabric_bpf_nodes_attach().
 */
int fabric_count_nodes(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
		       uint32_t slot, const int *ifindexes, const struct fabric_bpf_node *ids,
		       size_t n, size_t *ok);

#endif
