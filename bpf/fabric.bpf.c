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
#include <stdbool.h>

#include "bpf_shared/fabric_counters.h"
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

/* tc ingress on the host veth: the node transmitted this packet. */
SEC("tc")
int fabric_ingress(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	struct fabric_counters *c = bpf_map_lookup_elem(&counters, &key);

	if (c)
		count(skb, &c->tx);
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

char LICENSE[] SEC("license") = "GPL";
