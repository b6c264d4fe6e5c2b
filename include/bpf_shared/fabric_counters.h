/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The value of the fabric's counters map, shared by bpf/fabric.bpf.c and
 * user space. Key: the node's host veth ifindex (__u32). The map is per-CPU:
 * user space sums one struct fabric_counters per possible CPU.
 *
 * Directions are the node's: tx is what the node transmitted (tc ingress on
 * the host veth), rx what it received (tc egress on the host veth).
 */
#ifndef FABRICCTL_FABRIC_COUNTERS_H
#define FABRICCTL_FABRIC_COUNTERS_H

#include <linux/types.h>

/*
 * Packets by protocol. ARP, IPV4, IPV6 and OTHER split every packet by
 * ethertype (one 802.1Q/802.1ad tag is looked through), so they add up to
 * the packet count. ICMP, TCP, UDP (IPv4 or IPv6) and ICMPV6 count by the
 * IP protocol / last IPv6 next header; they are subsets of IPV4 + IPV6.
 */
enum fabric_proto {
	FABRIC_PROTO_ARP,
	FABRIC_PROTO_IPV4,
	FABRIC_PROTO_IPV6,
	FABRIC_PROTO_ICMP,
	FABRIC_PROTO_ICMPV6,
	FABRIC_PROTO_TCP,
	FABRIC_PROTO_UDP,
	FABRIC_PROTO_OTHER,
	FABRIC_PROTO_MAX
};

struct fabric_dir_counters {
	__u64 packets;
	__u64 bytes; /* skb->len: Ethernet header included, like the veth's own counters */
	__u64 broadcast;
	__u64 multicast; /* group-addressed, broadcast excluded */
	__u64 proto[FABRIC_PROTO_MAX];
};

struct fabric_counters {
	struct fabric_dir_counters rx; /* received by the node */
	struct fabric_dir_counters tx; /* transmitted by the node */
	/*
	 * Who the node is, written by fabricctl with the entry (the same on
	 * every CPU), read by the programs: its slot (the matrix's source) and
	 * its namespace's inode (to find its entry in the netns map again).
	 */
	__u32 slot;
	__u32 netns_ino;
};

/* Names of the pinned objects under BPF_PIN_ROOT/<fabric>/. */
#define FABRIC_PIN_COUNTERS "counters"
#define FABRIC_PIN_PROG_INGRESS "prog_ingress"
#define FABRIC_PIN_PROG_EGRESS "prog_egress"
#define FABRIC_PIN_MATRIX "matrix"
#define FABRIC_PIN_PAIRS "pairs"
#define FABRIC_PIN_DROPS "drops"
#define FABRIC_PIN_NETNS "netns"
#define FABRIC_PIN_LINK_DROPS "link_drops"

#endif
