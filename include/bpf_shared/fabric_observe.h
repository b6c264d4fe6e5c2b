/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The traffic matrix and the drop counters, shared by bpf/fabric.bpf.c and
 * user space.
 *
 * Matrix: on tc ingress of a node's host veth (the node transmitted), the
 * destination is classified by arithmetic on its address: slot = daddr -
 * network, cell = slot / cell_size; no lookup. The cell matrix is a per-CPU
 * array of FABRIC_MATRIX_COLS(ncells) columns per source cell:
 *   0 .. ncells-1   IPv4 destinations in the fabric's subnet, by cell
 *   ncells          IPv4 destinations outside the subnet ("outside")
 *   ncells + 1      not IPv4 (ARP, IPv6 until the fabric has IPv6 slots)
 * so a row sums exactly to what the cell's nodes transmitted. Node-to-node
 * pairs (IPv4 destinations in the subnet) go to a per-CPU LRU hash of
 * FABRIC_PAIRS_MAX entries: when it is full the least recently used pair is
 * evicted and its counts are lost from the pair list only; the cell matrix
 * still has them.
 *
 * Drops: the kfree_skb tracepoint, counted by node (its host veth ifindex,
 * the key of the counters map) and by the kernel's drop reason, for packets
 * freed on a node's host veth (in the host's namespace) or anywhere inside
 * a node's namespace (found by its inode in the netns map).
 */
#ifndef FABRICCTL_FABRIC_OBSERVE_H
#define FABRICCTL_FABRIC_OBSERVE_H

#include <linux/types.h>

/* Parameters the programs get before load (.rodata). */
struct fabric_bpf_config {
	__u32 net4;	  /* the IPv4 subnet's network address, host order */
	__u32 n_slots;	  /* addresses in the subnet, 2^(32 - prefix length) */
	__u32 cell_size;  /* slots per cell */
	__u32 n_cells;	  /* matrix cells (cells beyond the last fold into it) */
	__u32 host_netns; /* inode of the namespace the host veths live in */
	__u32 reserved;
	/* IPv6 (later): a /64 (or longer) prefix whose low bits are the slot. */
};

/* Matrix cells at most: 256 x 258 x 16 bytes = 1 MiB per CPU. */
#define FABRIC_MATRIX_MAX_CELLS 256
#define FABRIC_MATRIX_COLS(ncells) ((ncells) + 2)
#define FABRIC_MATRIX_OUTSIDE(ncells) (ncells)
#define FABRIC_MATRIX_NON_IP(ncells) ((ncells) + 1)

struct fabric_flow_counters {
	__u64 packets;
	__u64 bytes;
};

/* Node-to-node pairs kept (per-CPU LRU hash). */
#define FABRIC_PAIRS_MAX 4096

struct fabric_pair_key {
	__u32 src_slot;
	__u32 dst_slot; /* daddr - network: a node, a gateway or the broadcast */
};

enum fabric_drop_where {
	FABRIC_DROP_HOST_VETH, /* on the node's host veth, in the host's namespace */
	FABRIC_DROP_IN_NODE,   /* inside the node's namespace */
};

/* A drop reason the kernel did not give (kfree_skb without the field, < 5.17). */
#define FABRIC_DROP_REASON_UNKNOWN 0xffff

struct fabric_drop_key {
	__u32 ifindex; /* the node's host veth: the counters map's key */
	__u16 reason;  /* enum skb_drop_reason of the running kernel */
	__u8 where;    /* enum fabric_drop_where */
	__u8 pad;
};

/*
 * Entries of the drops map per node of the fabric's capacity: it is not
 * preallocated, so only (node, reason) keys that happened take memory.
 */
#define FABRIC_DROP_KEYS_PER_NODE 16

#endif
