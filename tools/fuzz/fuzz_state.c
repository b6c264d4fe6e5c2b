// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: state_parse() on any bytes, through fmemopen(). A
 * record that parses must be self-consistent: every node's slot is a node
 * slot marked used in the bitmap, names are valid and unique, and the used
 * count matches the nodes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fabric_state st;
	FILE *in;
	int err;

	if (size == 0)
		return 0;
	/* fmemopen on a private copy: the parser must not read past @size. */
	char *copy = malloc(size);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	in = fmemopen(copy, size, "r");
	if (!in) {
		free(copy);
		return 0;
	}
	err = state_parse(in, "fuzz", &st);
	fclose(in);
	fail_clear();
	if (err == 0) {
		if (st.ipam.used != st.n_nodes)
			abort();
		for (size_t i = 0; i < st.n_nodes; i++) {
			struct fabric_node *n = &st.nodes[i];

			if (!ipam_slot_is_node(&st.ipam, n->slot) ||
			    !ipam_slot_used(&st.ipam, n->slot))
				abort();
			if (node_name_validate(n->name) < 0)
				abort();
			if (state_find_node(&st, n->name) != n)
				abort();
			if (i && st.nodes[i - 1].slot >= n->slot)
				abort(); /* sorted by slot, no duplicate */
		}
		fail_clear();
		state_free(&st);
	}
	free(copy);
	return 0;
}
