/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The naming scheme. Everything fabricctl makes is named from the fabric
 * name so that it is recognisably ours, and every name fits its kernel
 * limit (IFNAMSIZ for links, NAME_MAX for /run/netns entries).
 */
#ifndef FABRICCTL_FABRIC_NAMES_H
#define FABRICCTL_FABRIC_NAMES_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FABRIC_NAME_MAX 8 /* "<fabric>-<slot>" and "<fabric>-c<cell>" < IFNAMSIZ */
#define NODE_NAME_MAX 63
#define NODE_IFNAME "eth0"
/* eth0's ifindex in a namespace fabricctl made: the first after lo. */
#define NODE_IFINDEX 2
#define ALIAS_PREFIX "fabricctl:"
/* "fabricctl:" + fabric + ":" + node + NUL */
#define ALIAS_TAG_MAX (sizeof(ALIAS_PREFIX) + FABRIC_NAME_MAX + 1 + NODE_NAME_MAX + 1)

/* 0, or -EUSAGE with a message naming the problem. */
int fabric_name_validate(const char *name);
int node_name_validate(const char *name);

/* Bridge of cell @cell: "<fabric>-c<cell>". */
void bridge_name(char buf[IFNAMSIZ], const char *fabric, unsigned int cell);
/* Host end of the router's leg into cell @cell: "<fabric>-r<cell>". */
void router_leg_name(char buf[IFNAMSIZ], const char *fabric, unsigned int cell);
/* The router's end of that leg, inside the router namespace: "c<cell>". */
void router_if_name(char buf[IFNAMSIZ], unsigned int cell);
/*
 * The fabric's router namespace (fabrics of several cells): ".fabricctl-<fabric>".
 * Node names cannot start with '.', so it never collides with a node.
 */
void router_netns_name(char *buf, size_t size, const char *fabric);
/* Host end of a node's veth: "<fabric>-<slot>". */
void host_veth_name(char buf[IFNAMSIZ], const char *fabric, uint32_t slot);
/*
 * The ifindex add-node asks for a node's host veth: from a range of the
 * fabric's (by its link group) so that it is known without asking the
 * kernel afterwards; 0 (the kernel's choice) for slots past the range.
 */
int host_veth_ifindex(uint32_t group, uint32_t slot);
/*
 * The shared tc blocks of the batch of nodes whose first node has @slot:
 * a pair from a range of the fabric's (by its link group), far above the
 * small numbers people give blocks by hand.
 */
void tc_blocks_of(uint32_t group, uint32_t slot, uint32_t *ingress, uint32_t *egress);
/* Is @ifname "<fabric>-<slot>"? Then *slot is set. */
bool host_veth_slot(const char *ifname, const char *fabric, uint32_t *slot);
/* Is @ifname "<fabric>-c<cell>"? Then *cell is set. */
bool bridge_cell(const char *ifname, const char *fabric, uint32_t *cell);
/* Is @ifname "<fabric>-r<cell>"? Then *cell is set. */
bool router_leg_cell(const char *ifname, const char *fabric, uint32_t *cell);
/* ifalias tag: "fabricctl:<fabric>" or "fabricctl:<fabric>:<node>". */
void alias_tag(char *buf, size_t size, const char *fabric, const char *node);
/* Is @alias one of fabric @fabric's tags? */
bool alias_is_ours(const char *alias, const char *fabric);

/*
 * Deterministic MACs from the IPv4 address an interface holds or serves:
 * 0e:<kind>:<the address's four bytes>. A node's eth0 (and the router's
 * leg holding a gateway) is 0e:fb, the host end of a veth 0e:fa, a bridge
 * without an address of its own 0e:fc.
 */
enum mac_kind { MAC_HOST_END = 0xfa, MAC_HOLDER = 0xfb, MAC_BRIDGE = 0xfc };
void fabric_mac(uint8_t mac[6], enum mac_kind kind, uint32_t addr);
/* A node's eth0 MAC as text ("0e:fb:0a:2a:00:07") into buf[18]; returns buf. */
char *node_mac_text(uint32_t addr, char buf[18]);

#endif
