// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-node traffic counters, run by tc on the host end of every node's veth.
 * Ingress there is what the node transmitted, egress what it received.
 * The program only counts: it returns TC_ACT_OK and never touches the packet.
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

#include "fabric_counters.h"

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
 * Headers are read with bpf_skb_load_bytes() rather than direct packet
 * access: it also works when they are not in the linear part of the skb,
 * and does not need bpf_skb_pull_data(), which may reallocate the packet.
 */
static __always_inline void count(struct __sk_buff *skb, struct fabric_dir_counters *c)
{
	struct ethhdr eth;
	__u32 off = sizeof(eth);
	__be16 proto;

	c->packets++;
	c->bytes += skb->len;

	if (bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth))) {
		c->proto[FABRIC_PROTO_OTHER]++;
		return;
	}
	if (eth.h_dest[0] & 1) {
		if ((eth.h_dest[0] & eth.h_dest[1] & eth.h_dest[2] & eth.h_dest[3] &
		     eth.h_dest[4] & eth.h_dest[5]) == 0xff)
			c->broadcast++;
		else
			c->multicast++;
	}

	proto = eth.h_proto;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_tag tag;

		if (bpf_skb_load_bytes(skb, off, &tag, sizeof(tag))) {
			c->proto[FABRIC_PROTO_OTHER]++;
			return;
		}
		proto = tag.proto;
		off += sizeof(tag);
	}

	switch (proto) {
	case bpf_htons(ETH_P_ARP):
		c->proto[FABRIC_PROTO_ARP]++;
		break;
	case bpf_htons(ETH_P_IP): {
		__u8 l4;

		c->proto[FABRIC_PROTO_IPV4]++;
		if (!bpf_skb_load_bytes(skb, off + __builtin_offsetof(struct iphdr, protocol),
					&l4, sizeof(l4)) &&
		    l4 != IPPROTO_ICMPV6)
			count_l4(c, l4);
		break;
	}
	case bpf_htons(ETH_P_IPV6): {
		__u8 nexthdr, l4;

		c->proto[FABRIC_PROTO_IPV6]++;
		if (bpf_skb_load_bytes(skb, off + __builtin_offsetof(struct ipv6hdr, nexthdr),
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

/* tc ingress on the host veth: the node transmitted this packet. */
SEC("tc")
int fabric_ingress(struct __sk_buff *skb)
{
	__u32 key = skb->ifindex;
	struct fabric_counters *c = bpf_map_lookup_elem(&counters, &key);

	if (c)
		count(skb, &c->tx);
	return TC_ACT_OK;
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
