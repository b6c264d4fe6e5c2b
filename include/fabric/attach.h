/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Attachments: a namespace fabricctl does not own (a container runtime's
 * sandbox, at any path: /run/netns/..., /proc/PID/ns/net) made a node of a
 * fabric. The veth is created with its peer directly inside that namespace
 * under the runtime's interface name; address, default route, bridge port
 * and counters are a node's like any other. The namespace is never
 * fabricctl's: del-node, destroy and check --repair take away only the
 * link and the lease. The node is keyed by (container id, ifname) in the
 * record (keyed lines cni.*) and named from them.
 */
#ifndef FABRICCTL_FABRIC_ATTACH_H
#define FABRICCTL_FABRIC_ATTACH_H

#include <net/if.h>
#include <stdbool.h>

#include "fabric/state.h"

#define ATTACH_ID_MAX 128    /* a container id (CNI allows letters, digits, '_', '.', '-') */
#define ATTACH_NETNS_MAX 180 /* a namespace path: one record field, no blanks */
#define ATTACH_NET_MAX 64    /* the runtime's network name */

struct node_cni {
	char container_id[ATTACH_ID_MAX + 1];
	char ifname[IFNAMSIZ];
	char netns[ATTACH_NETNS_MAX + 1];
	char network[ATTACH_NET_MAX + 1];
};

/* Is @node a runtime's attachment? */
static inline bool node_is_attachment(const struct fabric_node *node)
{
	return node->cni != NULL;
}

/* 0, or -EINVAL with a message naming what is wrong with @who's fields. */
int attach_validate(const struct node_cni *who);

/* The node of (@container_id, @ifname) in @st, or NULL. */
struct fabric_node *attach_find(struct fabric_state *st, const char *container_id,
				const char *ifname);

#define ATTACH_ID_SHORT_MAX 40 /* an id up to this long names its node whole */

/*
 * A node name for @who: "<id>-<ifname>" for an id of up to 40 characters
 * (ctr's "<namespace>-<id>"), else "<first 12 of the id>-<ifname>" (what
 * `podman ps` shows), with a hash of the whole key added when that is
 * taken; every
 * character outside the node name charset becomes '_'.
 */
void attach_node_name(struct fabric_state *st, const struct node_cni *who,
		      char name[NODE_NAME_MAX + 1]);

/*
 * fabric_attach() - make the namespace @netns_fd (the caller's, left open)
 * a node of the locked fabric @st for @who: lease, veth with its peer named
 * who->ifname inside the namespace, counted, up, address and default route,
 * record saved. On failure nothing is left and the lease is free again.
 * *@out: the new node (a pointer into st->nodes).
 */
int fabric_attach(struct fabric_state *st, const struct node_cni *who, int netns_fd,
		  struct fabric_node **out);

/* Keyed-line handlers (the cni.* rows of state_keys.c). */
int attach_key_parse(struct fabric_node *node, const char *key, const char *value);
bool attach_key_format(const struct fabric_node *node, const char *key, char *buf, size_t size);

#endif
