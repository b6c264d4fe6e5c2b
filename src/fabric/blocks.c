// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>

#include "base/errors.h"
#include "fabric/blocks.h"
#include "fabric/names.h"

#define BLOCK_CANDIDATES 8	  /* pairs of tc blocks tried per batch */
#define BLOCK_CANDIDATE_STEP 331u /* another of the 2048 ranges each time */

int fabric_choose_blocks(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
			 uint32_t slot, uint32_t *ingress, uint32_t *egress)
{
	for (uint32_t j = 0; j < BLOCK_CANDIDATES; j++) {
		int r;

		tc_blocks_of(st->group + j * BLOCK_CANDIDATE_STEP, slot, ingress, egress);
		r = fabric_bpf_blocks_usable(fb, s, *ingress, *egress);
		if (r != 0)
			return r < 0 ? r : 0;
	}
	return fail_msg(-EBUSY, "no free pair of tc blocks for fabric \"%s\" near block %u",
			st->name, *ingress);
}

void fabric_bpf_params_of(const struct fabric_state *st, struct fabric_bpf_params *p)
{
	fabric_bpf_params_init(p, ipam_capacity(&st->ipam), st->subnet.addr, st->ipam.n_slots,
			       st->ipam.cell_size);
}

int fabric_bpf_create_for(const struct fabric_state *st)
{
	struct fabric_bpf_params p;

	fabric_bpf_params_of(st, &p);
	return fabric_bpf_create(st->name, &p);
}

int fabric_count_nodes(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
		       uint32_t slot, const int *ifindexes, const struct fabric_bpf_node *ids,
		       size_t n, size_t *ok)
{
	uint32_t ingress, egress;
	int err;

	if (st->attach == FABRIC_ATTACH_TCX)
		return fabric_bpf_tcx_nodes_attach(fb, ifindexes, ids, n, ok);
	*ok = 0;
	err = fabric_choose_blocks(s, st, fb, slot, &ingress, &egress);
	return err ? err : fabric_bpf_nodes_attach(fb, s, ifindexes, ids, n, ingress, egress, ok);
}
