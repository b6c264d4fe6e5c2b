/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Proof of ownership, taken at the moment an object is deleted, never from
 * the record alone: a link is ours when it carries our tag on the ifindex
 * seen in the same read; a namespace is ours when its lo carries the mark
 * netns_create() put there before it was visible (or, cheaper, when it has
 * the inode recorded at its making and our veth into it is alive: a live
 * namespace's inode is not reused).
 */
#ifndef FABRICCTL_FABRIC_OWNERSHIP_H
#define FABRICCTL_FABRIC_OWNERSHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "fabric/state.h"
#include "kernel/link.h"

/* The router's tag suffix: not a valid node name, so never a node's. */
#define ROUTER_TAG ".router"

/* "fabricctl:<fabric>:<node>": a node's host veth, eth0 and lo. */
void node_alias(char *buf, size_t size, const char *fabric, const char *node);
/* "fabricctl:<fabric>:.router": the router's lo and its legs. */
void router_alias(char *buf, size_t size, const char *fabric);

/* Is @li the host veth of @node: its name and exactly its tag? */
bool link_is_node_veth(const struct link_info *li, const struct fabric_state *st,
		       const struct fabric_node *node);
/* Does @li carry one of fabric @fabric's tags? */
bool link_is_fabrics(const struct link_info *li, const char *fabric);

/*
 * The mark a link has from its creation, before it can be tagged (the kernel
 * takes no ifalias in RTM_NEWLINK): its name, the fabric's group and the MAC
 * fabricctl derives for it. What a crash between creation and tagging
 * leaves; check --repair tags it.
 */
bool link_born_ours(const struct link_info *li, const struct fabric_state *st, const char *name,
		    const uint8_t mac[6]);

/* What is at /run/netns/NAME. */
enum netns_owner {
	NETNS_ABSENT,	   /* nothing by that name */
	NETNS_PLACEHOLDER, /* a file, no namespace: what a crash in netns_create leaves */
	NETNS_OURS,	   /* the namespace fabricctl made for it */
	NETNS_FOREIGN,	   /* someone else's */
	NETNS_UNKNOWN,	   /* could not be read (recorded): touch nothing, say so */
};

/*
 * Whose is /run/netns/@node->name? @veth_alive: the node's host veth was
 * just proven ours, so a matching recorded inode is proof enough; otherwise
 * the mark on lo decides.
 */
enum netns_owner node_netns_owner(const struct fabric_state *st, const struct fabric_node *node,
				  bool veth_alive);
/* Whose is the router namespace .fabricctl-<fabric>? (by its lo's mark) */
enum netns_owner router_netns_owner(const char *fabric);
/* Whose is the namespace file at @path (anywhere), by its lo's mark @want? */
enum netns_owner netns_file_owner(const char *path, const char *want);

/* One of @st's links: by its tag, or by the mark it was born with (bridge, leg or veth). */
bool link_is_fabric_link(const struct link_info *li, const struct fabric_state *st);

#endif
