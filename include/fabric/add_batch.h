/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One batch of nodes made in netlink batches (add_batch.c): veths with
 * their peer in the node's namespace, the host ends on their bridges and
 * counted, the inside configured. add.c runs batches one after another,
 * with the next batch's namespaces made ahead on a second thread.
 */
#ifndef FABRICCTL_FABRIC_ADD_BATCH_H
#define FABRICCTL_FABRIC_ADD_BATCH_H

#include <stddef.h>

#include "base/errors.h"
#include "fabric/add_netns.h"
#include "fabric/state.h"
#include "kernel/fabric_bpf.h"
#include "kernel/nl.h"

#define ADD_BATCH 64 /* nodes per netlink batch */

/* Undo nodes [from, n) of a batch: counters, links, namespaces (leases: the caller). */
void rollback_batch(struct nl_sock *s, const struct fabric_state *st, struct fabric_bpf *fb,
		    struct pending_node *p, size_t from, size_t n);

/*
 * The links and the rest of a batch whose first @made namespaces exist
 * (@ns_err and @ns_why: why the others do not). *done counts the nodes
 * completed, a prefix of @p; the others are rolled back. 0 or -errno.
 */
int finish_batch(struct nl_sock *s, struct fabric_state *st, struct fabric_bpf *fb,
		 struct pending_node *p, size_t n, size_t made, int ns_err,
		 const struct fail_stash *ns_why, size_t *done);

/* One batch of nodes, all in this thread: its namespaces, then the rest. */
int add_batch(struct nl_sock *s, struct fabric_state *st, struct fabric_bpf *fb,
	      struct pending_node *p, size_t n, size_t *done);

#endif
