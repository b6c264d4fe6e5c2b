/* SPDX-License-Identifier: GPL-2.0-only */
/* Deleting a fabric's host links in bulk, the way every delete path does it. */
#ifndef FABRICCTL_FABRIC_LINK_DELETE_H
#define FABRICCTL_FABRIC_LINK_DELETE_H

#include <stddef.h>

#include "fabric/state.h"
#include "kernel/nl.h"

/* The group a node's links move to just before one group delete. */
static inline uint32_t doomed_group(const struct fabric_state *st)
{
	return st->group + 1;
}

/*
 * Delete the host links @ifindexes (@n of them) of @st in one unregister:
 * each is moved to the fabric's "doomed" group, then that group is deleted
 * with one RTM_DELLINK (deleting veths one by one costs 20-35 ms each in
 * RCU grace periods). Links already gone are fine. Returns 0 or -errno.
 */
int fabric_links_delete(struct nl_sock *s, const struct fabric_state *st, const int *ifindexes,
			size_t n);

#endif
