// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deleting nodes: never veth by veth (each costs 20-35 ms of RCU grace
 * periods). The host ends move to the fabric's "doomed" group, deleted in
 * one RTM_DELLINK (one unregister for all; the peers go with them); the
 * namespaces are unmounted in parallel and freed by the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/fabric.h"
#include "fabric/link_delete.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/netns.h"

int fabric_links_delete(struct nl_sock *s, const struct fabric_state *st, const int *ifindexes,
			size_t n)
{
	uint32_t first;
	size_t moved = 0;
	int err;

	if (n == 0)
		return 0;
	first = nl_next_seq(s);
	for (size_t i = 0; i < n; i++)
		link_set_group(s, ifindexes[i], doomed_group(st));
	err = nl_flush(s, NULL, NULL);
	for (size_t i = 0; !err && i < n; i++) {
		int e = nl_result(s, first + (uint32_t)i)->err;

		if (e == 0)
			moved++;
		else if (e != -ENODEV)
			err = nl_check(s, first + (uint32_t)i);
	}
	if (moved) {
		link_del_group(s, doomed_group(st));
		nl_label(s, "delete the links of fabric \"%s\"", st->name);
		int del_err = nl_run(s, NULL, NULL);

		if (del_err && !err)
			err = del_err;
	}
	return err;
}

int fabric_del_nodes(struct fabric_state *st, struct fabric_node **nodes, size_t n,
		     fabric_progress_cb progress, void *data)
{
	struct fabric_bpf *fb = NULL;
	const char **ns_names = NULL;
	char **names = NULL;
	int *ifindexes = NULL;
	size_t n_links = 0;
	struct nl_sock s;
	int err;

	if (n == 0)
		return 0;
	ifindexes = calloc(n, sizeof(*ifindexes));
	names = calloc(n, sizeof(*names));
	ns_names = calloc(n, sizeof(*ns_names));
	if (!ifindexes || !names || !ns_names) {
		err = fail(-ENOMEM, "cannot delete %zu nodes", n);
		goto out;
	}
	err = nl_open(&s);
	if (err)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (nodes[i]->ifindex > 0)
			ifindexes[n_links++] = nodes[i]->ifindex;
	/*
	 * First on record as "not complete" (ifindex 0): readers stop showing
	 * them, and a crash from here on leaves nodes that `check --repair`
	 * finishes removing, never a namespace the record has forgotten.
	 */
	for (size_t i = 0; i < n; i++)
		nodes[i]->ifindex = 0;
	err = state_save(st);
	if (err)
		goto out_nl;
	/* Counters next: a map entry never outlives its node. */
	if (fabric_bpf_open(st->name, &fb) == 0) {
		for (size_t i = 0; i < n_links; i++)
			fabric_bpf_node_detach(fb, ifindexes[i]);
		fabric_bpf_close(fb);
	} else {
		fail_clear();
	}
	err = fabric_links_delete(&s, st, ifindexes, n_links);
	if (err)
		goto out_nl;
	for (size_t i = 0; i < n; i++)
		ns_names[i] = nodes[i]->name;
	err = netns_delete_many(ns_names, n, progress, data);
	/* Names are copied: deleting shifts the array the pointers point into. */
	for (size_t i = 0; i < n; i++)
		names[i] = strdup(nodes[i]->name);
	for (size_t i = 0; i < n; i++) {
		struct fabric_node *node = names[i] ? state_find_node(st, names[i]) : NULL;

		if (node)
			state_del_node(st, node);
		free(names[i]);
	}
	{
		int save_err = state_save(st);

		if (save_err && !err)
			err = save_err;
	}
out_nl:
	nl_close(&s);
out:
	free(ifindexes);
	free(names);
	free(ns_names);
	return err;
}
