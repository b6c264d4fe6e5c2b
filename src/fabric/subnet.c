// SPDX-License-Identifier: GPL-2.0-only
/* A new fabric's subnet and interface groups: free of every conflict. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/array.h"
#include "base/errors.h"
#include "base/hash.h"
#include "fabric/subnet.h"

int prefix_list_add(struct prefix_list *l, uint32_t addr, unsigned int len, const char *what)
{
	struct used_prefix *u;

	if (ARRAY_RESERVE(l->items, l->cap, l->n))
		return -ENOMEM;
	u = &l->items[l->n++];
	u->p.addr = addr & ipv4_mask(len);
	u->p.len = len;
	snprintf(u->what, sizeof(u->what), "%s", what);
	return 0;
}

void prefix_list_free(struct prefix_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

const char *prefix_conflict(const struct prefix_list *l, const struct ipv4_prefix *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (ipv4_prefix_overlaps(&l->items[i].p, p))
			return l->items[i].what;
	return NULL;
}

int subnet_choose(const char *name, const struct prefix_list *used, struct ipv4_prefix *out)
{
	uint32_t start = fnv1a32(name) % SUBNET_AUTO_COUNT;

	for (uint32_t k = 0; k < SUBNET_AUTO_COUNT; k++) {
		uint32_t second = SUBNET_AUTO_FIRST + (start + k) % SUBNET_AUTO_COUNT;
		struct ipv4_prefix p = {.addr = (10u << 24) | (second << 16),
					.len = SUBNET_AUTO_LEN};

		if (!prefix_conflict(used, &p)) {
			*out = p;
			return 0;
		}
	}
	return fail_msg(-EADDRINUSE,
			"no free 10.x.0.0/16 subnet for fabric \"%s\"; give one with --subnet",
			name);
}

static bool group_taken(uint32_t g, const uint32_t *used, size_t n_used)
{
	for (size_t i = 0; i < n_used; i++)
		if (used[i] == g || used[i] == g + 1)
			return true;
	return false;
}

uint32_t group_choose(const char *name, const uint32_t *used, size_t n_used)
{
	uint32_t g = GROUP_BASE | (fnv1a32(name) & GROUP_MASK);

	/* At most 2^15 candidates; the host cannot hold that many fabrics' links. */
	for (uint32_t k = 0; k <= GROUP_MASK / 2 && group_taken(g, used, n_used); k++)
		g = GROUP_BASE | ((g + 2) & GROUP_MASK);
	return g;
}
