// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-node traffic counters, run by tc on the host end of every node's veth.
 * Ingress there is what the node transmitted, egress what it received.
 * The program counts and never touches a packet; it passes every one but a
 * node's report of its solicited-node multicast group (nd_quiet.h).
 * Entries are created by user space (add-node); a packet on a veth without
 * an entry is not counted, so traffic can never grow the map.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <stdbool.h>

#include "bpf_shared/fabric_counters.h"
#include "bpf_shared/fabric_observe.h"
#include "nd_quiet.h"

#ifndef ETH_P_8021Q
#define ETH_P_8021Q 0x8100
#endif
#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

/* IPv6 extension headers followed to find the upper-layer protocol. */
#define IPV6_MAX_EXT_HDRS 6

/* Sized by user space (max_entries) before load. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fabric_counters);
} counters SEC(".maps");

/* Set by user space before load. */
const volatile struct fabric_bpf_config cfg = {};

/* Sized by user space: n_cells rows of FABRIC_MATRIX_COLS(n_cells). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fabric_flow_counters);
} matrix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, FABRIC_PAIRS_MAX);
	__type(key, struct fabric_pair_key);
	__type(value, struct fabric_flow_counters);
} pairs SEC(".maps");

/* Node namespace inode -> the node's host veth ifindex; made by fabricctl only. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} netns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__type(key, struct fabric_drop_key);
	__type(value, __u64);
} drops SEC(".maps");

struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

struct ipv6_ext {
	__u8 nexthdr;
	__u8 hdrlen;
};

static __always_inline void count_l4(struct fabric_dir_counters *c, __u8 proto)
{
	switch (proto) {
	case IPPROTO_ICMP:
		c->proto[FABRIC_PROTO_ICMP]++;
		break;
	case IPPROTO_ICMPV6:
		c->proto[FABRIC_PROTO_ICMPV6]++;
		break;
	case IPPROTO_TCP:
		c->proto[FABRIC_PROTO_TCP]++;
		break;
	case IPPROTO_UDP:
		c->proto[FABRIC_PROTO_UDP]++;
		break;
	}
}

/* The upper-layer protocol after IPv6 extension headers, or 0xff if unknown. */
static __always_inline __u8 ipv6_upper_proto(struct __sk_buff *skb, __u32 off, __u8 nexthdr)
{
	struct ipv6_ext ext;

#pragma unroll
	for (int i = 0; i < IPV6_MAX_EXT_HDRS; i++) {
		switch (nexthdr) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (bpf_skb_load_bytes(skb, off, &ext, sizeof(ext)))
				return 0xff;
			nexthdr = ext.nexthdr;
			off += ((__u32)ext.hdrlen + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if (bpf_skb_load_bytes(skb, off, &ext, sizeof(ext)))
				return 0xff;
			nexthdr = ext.nexthdr;
			off += 8;
			break;
		case IPPROTO_AH:
			if (bpf_skb_load_bytes(skb, off, &ext, sizeof(ext)))
				return 0xff;
			nexthdr = ext.nexthdr;
			off += ((__u32)ext.hdrlen + 2) * 4;
			break;
		default:
			return nexthdr;
		}
	}
	return 0xff;
}

/*
 * Headers are read in place when they are in the linear part of the skb
 * (nearly always, at tc on a veth), else with bpf_skb_load_bytes(), which
 * does not need bpf_skb_pull_data() (that may reallocate the packet).
 */
static __always_inline int load(struct __sk_buff *skb, __u32 off, void *to, __u32 len)
{
	return bpf_skb_load_bytes(skb, off, to, len);
}

static __always_inline void count_l3(struct __sk_buff *skb, struct fabric_dir_counters *c,
				     __be16 proto, __u32 off, __u8 l4_linear, bool have_l4)
{
	switch (proto) {
	case bpf_htons(ETH_P_ARP):
		c->proto[FABRIC_PROTO_ARP]++;
		break;
	case bpf_htons(ETH_P_IP): {
		__u8 l4 = l4_linear;

		c->proto[FABRIC_PROTO_IPV4]++;
		if (have_l4 ||
		    !load(skb, off + __builtin_offsetof(struct iphdr, protocol), &l4, sizeof(l4)))
			if (l4 != IPPROTO_ICMPV6)
				count_l4(c, l4);
		break;
	}
	case bpf_htons(ETH_P_IPV6): {
		__u8 nexthdr = l4_linear, l4;

		c->proto[FABRIC_PROTO_IPV6]++;
		if (!have_l4 && load(skb, off + __builtin_offsetof(struct ipv6hdr, nexthdr),
				     &nexthdr, sizeof(nexthdr)))
			break;
		l4 = ipv6_upper_proto(skb, off + sizeof(struct ipv6hdr), nexthdr);
		if (l4 != IPPROTO_ICMP)
			count_l4(c, l4);
		break;
	}
	default:
		c->proto[FABRIC_PROTO_OTHER]++;
		break;
	}
}

static __always_inline void count_dest(struct fabric_dir_counters *c, const __u8 *dest)
{
	if (dest[0] & 1) {
		if ((dest[0] & dest[1] & dest[2] & dest[3] & dest[4] & dest[5]) == 0xff)
			c->broadcast++;
		else
			c->multicast++;
	}
}

static __always_inline void count(struct __sk_buff *skb, struct fabric_dir_counters *c)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ethhdr copy;
	__u32 off = sizeof(*eth);
	__be16 proto;

	c->packets++;
	c->bytes += skb->len;

	/* Fast path: untagged IPv4/IPv6 with the L4 protocol byte in place. */
	if ((void *)(eth + 1) <= data_end) {
		count_dest(c, eth->h_dest);
		proto = eth->h_proto;
		if (proto == bpf_htons(ETH_P_IP)) {
			struct iphdr *ip = (void *)(eth + 1);

			if ((void *)(ip + 1) <= data_end) {
				count_l3(skb, c, proto, off, ip->protocol, true);
				return;
			}
		} else if (proto == bpf_htons(ETH_P_IPV6)) {
			struct ipv6hdr *ip6 = (void *)(eth + 1);

			if ((void *)(ip6 + 1) <= data_end) {
				count_l3(skb, c, proto, off, ip6->nexthdr, true);
				return;
			}
		}
	} else {
		if (load(skb, 0, &copy, sizeof(copy))) {
			c->proto[FABRIC_PROTO_OTHER]++;
			return;
		}
		count_dest(c, copy.h_dest);
		proto = copy.h_proto;
	}

	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_tag tag;

		if (load(skb, off, &tag, sizeof(tag))) {
			c->proto[FABRIC_PROTO_OTHER]++;
			return;
		}
		proto = tag.proto;
		off += sizeof(tag);
	}
	count_l3(skb, c, proto, off, 0, false);
}

static __always_inline __u32 cell_of(__u32 slot)
{
	__u32 cell = slot / cfg.cell_size;

	return cell < cfg.n_cells ? cell : cfg.n_cells - 1;
}

/*
 * The matrix column of a packet the node transmitted, by arithmetic on its
 * destination address; *dst_slot is set for a destination in the subnet.
 */
static __always_inline __u32 matrix_column(struct __sk_buff *skb, __u32 *dst_slot)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__be16 proto;
	__be32 daddr;

	if ((void *)(eth + 1) > data_end) {
		if (load(skb, __builtin_offsetof(struct ethhdr, h_proto), &proto, sizeof(proto)))
			return FABRIC_MATRIX_NON_IP(cfg.n_cells);
	} else {
		proto = eth->h_proto;
	}
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_tag tag;

		if (load(skb, off, &tag, sizeof(tag)))
			return FABRIC_MATRIX_NON_IP(cfg.n_cells);
		proto = tag.proto;
		off += sizeof(tag);
	}
	/*
	 * IPv6 goes here once fabrics have IPv6 addresses derived from the
	 * slot: daddr's low bits under the fabric's prefix are the slot, and
	 * the same cell arithmetic follows. Until then it is "not IPv4".
	 */
	if (proto != bpf_htons(ETH_P_IP))
		return FABRIC_MATRIX_NON_IP(cfg.n_cells);
	if (off == sizeof(*eth) && data + off + sizeof(struct iphdr) <= data_end) {
		daddr = ((struct iphdr *)(data + off))->daddr;
	} else if (load(skb, off + __builtin_offsetof(struct iphdr, daddr), &daddr,
			sizeof(daddr))) {
		return FABRIC_MATRIX_NON_IP(cfg.n_cells);
	}
	*dst_slot = bpf_ntohl(daddr) - cfg.net4;
	if (*dst_slot >= cfg.n_slots)
		return FABRIC_MATRIX_OUTSIDE(cfg.n_cells);
	return cell_of(*dst_slot);
}

static __always_inline void flow_add(struct fabric_flow_counters *f, __u64 len)
{
	f->packets++;
	f->bytes += len;
}

static __always_inline void count_matrix(struct __sk_buff *skb, __u32 src_slot)
{
	__u32 dst_slot = ~0u, col, key;
	struct fabric_flow_counters *f;

	if (!cfg.n_cells)
		return;
	col = matrix_column(skb, &dst_slot);
	key = cell_of(src_slot) * FABRIC_MATRIX_COLS(cfg.n_cells) + col;
	f = bpf_map_lookup_elem(&matrix, &key);
	if (f)
		flow_add(f, skb->len);
	if (dst_slot < cfg.n_slots) {
		struct fabric_pair_key pk = {.src_slot = src_slot, .dst_slot = dst_slot};

		f = bpf_map_lookup_elem(&pairs, &pk);
		if (f) {
			flow_add(f, skb->len);
		} else {
			struct fabric_flow_counters first = {.packets = 1, .bytes = skb->len};

			/* LRU: a new pair may evict the least recently used one. */
			bpf_map_update_elem(&pairs, &pk, &first, BPF_NOEXIST);
		}
	}
}

/* tc ingress on the host veth: the node transmitted this packet. */
SEC("tc")
int fabric_ingress(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	struct fabric_counters *c = bpf_map_lookup_elem(&counters, &key);

	if (c) {
		count(skb, &c->tx);
		count_matrix(skb, c->slot);
	}
	return nd_quiet_drop(skb) ? TC_ACT_SHOT : TC_ACT_OK;
}

/* tc egress on the host veth: the node is about to receive this packet. */
SEC("tc")
int fabric_egress(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	struct fabric_counters *c = bpf_map_lookup_elem(&counters, &key);

	if (c)
		count(skb, &c->rx);
	return TC_ACT_OK;
}

/*
 * The kernel's types the drop program reads, relocated against the running
 * kernel's BTF (CO-RE): only the fields used, by name.
 */
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

typedef struct {
	struct net *net;
} possible_net_t;

struct net_device {
	int ifindex;
	possible_net_t nd_net;
} __attribute__((preserve_access_index));

struct sock_common {
	possible_net_t skc_net;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
} __attribute__((preserve_access_index));

struct sk_buff {
	struct net_device *dev;
	struct sock *sk;
} __attribute__((preserve_access_index));

/*
 * A freed packet of the fabric's: on a node's host veth (its device is in
 * the host veths' namespace and has a counter entry) or inside a node's
 * namespace (by the device's namespace, else the socket's).
 */
static __always_inline void count_drop(struct sk_buff *skb, __u16 reason)
{
	/* tp_btf: the arguments are typed, so reads are direct (no probe_read call). */
	struct net_device *dev = skb->dev;
	struct fabric_drop_key key = {.reason = reason};
	__u32 inum, *ifindex;
	__u64 *n;

	if (dev) {
		inum = dev->nd_net.net->ns.inum;
		key.ifindex = dev->ifindex;
	} else {
		struct sock *sk = skb->sk;

		if (!sk)
			return;
		inum = sk->__sk_common.skc_net.net->ns.inum;
	}
	if (dev && inum == cfg.host_netns) {
		if (!bpf_map_lookup_elem(&counters, &key.ifindex))
			return;
		key.where = FABRIC_DROP_HOST_VETH;
	} else {
		ifindex = bpf_map_lookup_elem(&netns, &inum);
		if (!ifindex)
			return;
		key.ifindex = *ifindex;
		key.where = FABRIC_DROP_IN_NODE;
	}
	n = bpf_map_lookup_elem(&drops, &key);
	if (n) {
		(*n)++;
	} else {
		__u64 one = 1;

		bpf_map_update_elem(&drops, &key, &one, BPF_NOEXIST);
	}
}

/* kfree_skb(skb, location, reason, ...): the reason came with 5.17. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(fabric_drops, struct sk_buff *skb, void *location, int reason)
{
	count_drop(skb, (__u16)reason);
	return 0;
}

/* The same where the kernel gives no reason (loaded instead of fabric_drops). */
SEC("tp_btf/kfree_skb")
int BPF_PROG(fabric_drops_noreason, struct sk_buff *skb, void *location)
{
	count_drop(skb, FABRIC_DROP_REASON_UNKNOWN);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
