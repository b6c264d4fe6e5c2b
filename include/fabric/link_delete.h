/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deleting a fabric's host links in bulk, the way every delete path does
 * it: never one by one (each costs 20-35 ms of RCU grace periods), never
 * by a group anyone could have put a foreign link into.
 */
#ifndef FABRICCTL_FABRIC_LINK_DELETE_H
#define FABRICCTL_FABRIC_LINK_DELETE_H

#include <stdbool.h>
#include <stddef.h>

#include "fabric/state.h"
#include "kernel/nl.h"

/*
 * Which of @n nodes still have their host veth: each recorded ifindex read
 * now (one batch), with the node's name and exact tag. @alive[i] for
 * nodes[i]. Returns 0 or -errno (recorded).
 */
int fabric_links_prove(struct nl_sock *s, const struct fabric_state *st,
		       struct fabric_node *const *nodes, size_t n, bool *alive);

/*
 * Delete the links @ifindexes (@n of them), which the caller has just made
 * or just proven ours, in one unregister: moved into a scratch group drawn
 * at random (no one can have a link there), which is then deleted with one
 * RTM_DELLINK. Links gone meanwhile are fine. Returns 0 or -errno.
 */
int fabric_links_delete(struct nl_sock *s, const int *ifindexes, size_t n);

/*
 * The ifindex of the link @name when it is @st's by its tag or its birth
 * mark (@mac): for rollbacks that made a link but never learnt its index.
 * 0 when there is no such link of ours.
 */
int fabric_link_find_made(struct nl_sock *s, const struct fabric_state *st, const char *name,
			  const uint8_t mac[6]);

/* A random interface group no fabric uses (top bit set), for one bulk delete. */
uint32_t scratch_group(void);

#endif
