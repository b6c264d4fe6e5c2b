// SPDX-License-Identifier: GPL-2.0-only
/*
 * The busiest peer of each node, from the pairs LRU of the traffic matrix.
 * A pair (a -> b) counts for a's peer b and for b's peer a; both directions
 * of one peer are summed before the largest is chosen.
 */
#include <stdlib.h>

#include "stats/observe.h"

struct side {
	uint32_t slot, peer; /* the node's slot and the other end's */
	uint64_t bytes;
};

static int side_cmp(const void *a, const void *b)
{
	const struct side *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	if (x->peer != y->peer)
		return x->peer < y->peer ? -1 : 1;
	return 0;
}

struct by_slot {
	uint32_t slot;
	size_t i; /* a row, or a node of the record */
};

static int by_slot_cmp(const void *a, const void *b)
{
	const struct by_slot *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static struct by_slot *slot_index(size_t n, uint32_t (*slot_of)(const void *, size_t),
				  const void *arg)
{
	struct by_slot *idx = calloc(n + 1, sizeof(*idx));

	if (!idx)
		return NULL;
	for (size_t i = 0; i < n; i++)
		idx[i] = (struct by_slot){slot_of(arg, i), i};
	qsort(idx, n, sizeof(*idx), by_slot_cmp);
	return idx;
}

static uint32_t row_slot(const void *rows, size_t i)
{
	return ((const struct stats_row *)rows)[i].node->slot;
}

static uint32_t node_slot(const void *nodes, size_t i)
{
	return ((const struct fabric_node *)nodes)[i].slot;
}

static const struct by_slot *find_slot(const struct by_slot *idx, size_t n, uint32_t slot)
{
	struct by_slot key = {slot, 0};

	return bsearch(&key, idx, n, sizeof(*idx), by_slot_cmp);
}

void stats_rows_fill_peers(struct stats_row *rows, size_t n, const struct fabric_state *st,
			   const struct fabric_matrix_reading *m)
{
	struct side *sides = calloc(2 * m->n_pairs + 1, sizeof(*sides));
	struct by_slot *row_idx = slot_index(n, row_slot, rows);
	struct by_slot *node_idx = slot_index(st->n_nodes, node_slot, st->nodes);
	size_t ns = 0;

	for (size_t i = 0; i < n; i++) {
		rows[i].peer_addr = 0;
		rows[i].peer = NULL;
	}
	if (!sides || !row_idx || !node_idx)
		goto out;
	for (size_t k = 0; k < m->n_pairs; k++) {
		const struct fabric_pair_key *p = &m->pair_keys[k];

		sides[ns++] = (struct side){p->src_slot, p->dst_slot, m->pairs[k].bytes};
		sides[ns++] = (struct side){p->dst_slot, p->src_slot, m->pairs[k].bytes};
	}
	qsort(sides, ns, sizeof(*sides), side_cmp);
	for (size_t i = 0; i < ns;) {
		uint32_t slot = sides[i].slot, best_peer = 0;
		const struct by_slot *row = find_slot(row_idx, n, slot);
		uint64_t best = 0;

		while (i < ns && sides[i].slot == slot) {
			uint32_t peer = sides[i].peer;
			uint64_t sum = 0;

			for (; i < ns && sides[i].slot == slot && sides[i].peer == peer; i++)
				sum += sides[i].bytes;
			if (sum > best) {
				best = sum;
				best_peer = peer;
			}
		}
		if (row && best) {
			const struct by_slot *node = find_slot(node_idx, st->n_nodes, best_peer);

			rows[row->i].peer_addr = st->subnet.addr + best_peer;
			rows[row->i].peer = node ? &st->nodes[node->i] : NULL;
		}
	}
out:
	free(node_idx);
	free(row_idx);
	free(sides);
}
