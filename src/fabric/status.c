// SPDX-License-Identifier: GPL-2.0-only
/* Node status for readers (show): one link dump, joined by ifindex. */
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/status.h"
#include "kernel/link.h"

static int link_cmp(const void *a, const void *b)
{
	const struct link_info *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int fabric_node_states(const struct fabric_state *st, enum node_link_state *out)
{
	struct link_list links;
	struct nl_sock s;
	int err = nl_open(&s);

	if (err)
		return err;
	err = link_dump_all(&s, &links);
	nl_close(&s);
	if (err)
		return fail(err, "cannot list the host's links");
	if (links.n)
		qsort(links.links, links.n, sizeof(*links.links), link_cmp);
	for (size_t i = 0; i < st->n_nodes; i++) {
		const struct fabric_node *node = &st->nodes[i];
		struct link_info key = {.ifindex = node->ifindex};
		const struct link_info *li = NULL;
		char name[IFNAMSIZ];

		if (node->ifindex > 0 && links.n)
			li = bsearch(&key, links.links, links.n, sizeof(key), link_cmp);
		host_veth_name(name, st->name, node->slot);
		if (!li || strcmp(li->name, name))
			out[i] = NODE_LINK_MISSING;
		else
			out[i] = li->operstate == LINK_OPER_UP ? NODE_LINK_UP : NODE_LINK_DOWN;
	}
	link_list_free(&links);
	return 0;
}

const char *node_link_state_name(enum node_link_state s)
{
	return s == NODE_LINK_UP ? "up" : s == NODE_LINK_DOWN ? "down" : "missing";
}
