// SPDX-License-Identifier: GPL-2.0-only
/*
 * A namespace fabricctl does not own made a node (see fabric/attach.h):
 * the lease and the record as for add-node, the pieces through the same
 * batch code as add-node (fabric_node_make_into), the namespace left as
 * it came.
 */
#include <errno.h>
#include <stdlib.h>

#include "base/errors.h"
#include "fabric/admission.h"
#include "fabric/attach.h"
#include "fabric/cell.h"
#include "fabric/fabric.h"
#include "fabric/lease.h"
#include "fabric/link_delete.h"
#include "kernel/fabric_bpf.h"
#include "kernel/nl.h"

int fabric_attach(struct fabric_state *st, const struct node_cni *who, int netns_fd,
		  struct fabric_node **out)
{
	char name[NODE_NAME_MAX + 1], *names[1] = {name};
	struct fabric_bpf *fb = NULL;
	struct cell_set cells = {0};
	struct fabric_node *node;
	struct nl_sock s = {0};
	int err;

	*out = NULL;
	err = attach_validate(who);
	if (err)
		return err;
	attach_node_name(st, who, name);
	err = fabric_lease_check(st, names, 1, 0);
	if (!err)
		err = fabric_admit(st->name, 1, st->cell_size);
	if (err)
		return err;
	err = fabric_bpf_open(st->name, &fb);
	if (err)
		return fail_wrap(err, "cannot open the BPF program of fabric \"%s\"", st->name);
	err = nl_open(&s);
	if (!err)
		err = cells_init(&cells, st, &s);
	if (!err)
		err = fabric_lease_nodes(&s, st, names, 1, 0);
	if (err)
		goto out;
	/* A crash from here leaves an "adding" node: repair frees its lease, never the namespace.
	 */
	node = &st->nodes[st->n_nodes - 1];
	node->cni = malloc(sizeof(*node->cni));
	if (!node->cni) {
		err = fail(-ENOMEM, "cannot attach \"%s\"", name);
	} else {
		*node->cni = *who;
		err = fabric_node_make_into(st, &s, &cells, fb, node, netns_fd, who->ifname);
	}
	if (!err)
		err = state_save(st);
	if (err) {
		struct fail_stash why;

		fail_stash(&why);
		node = state_find_node(st, name);
		if (node && node->ifindex > 0 && node_ready(node)) {
			/* Made but not on record: taken apart again (its veth is ours). */
			int ifindex = node->ifindex;

			fabric_bpf_node_detach(fb, ifindex);
			fabric_links_delete(&s, &ifindex, 1);
		}
		if (node)
			state_del_node(st, node);
		state_save(st);
		cells_drop_unused(&cells);
		fail_clear();
		fail_unstash(&why);
		goto out;
	}
	*out = state_find_node(st, name);
out:
	cells_close(&cells);
	if (s.mnl)
		nl_close(&s);
	fabric_bpf_close(fb);
	return err;
}
