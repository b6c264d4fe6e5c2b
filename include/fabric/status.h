/* SPDX-License-Identifier: GPL-2.0-only */
/* What the kernel says of each node's host veth right now. */
#ifndef FABRICCTL_FABRIC_STATUS_H
#define FABRICCTL_FABRIC_STATUS_H

#include "fabric/state.h"

enum node_link_state { NODE_LINK_MISSING, NODE_LINK_DOWN, NODE_LINK_UP };

/*
 * The state of every node of @st (out[i] for st->nodes[i]) from one dump
 * of the host's links: up/down by oper-state, missing when no link has
 * the node's recorded ifindex and name. Returns 0 or -errno (recorded).
 */
int fabric_node_states(const struct fabric_state *st, enum node_link_state *out);

/* "up", "down", "missing". */
const char *node_link_state_name(enum node_link_state s);

#endif
