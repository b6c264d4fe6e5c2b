/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one packet of IPv6 bring-up that fabricctl cannot switch off at its
 * source: the MLD report in which a node's kernel announces that it listens
 * to the solicited-node group (ff02::1:ffXX:XXXX) of its address. The
 * fabric's bridges run no MLD querier, so multicast snooping never uses it:
 * the bridge floods it to every port of the cell -- 2 frames (the report and
 * its repeat) to every idle node for every node added. Nothing on the fabric
 * needs it (neighbour solicitations are flooded without it, as ARP is), so
 * tc ingress on the node's host veth drops it after counting it. Reports of
 * any other group (a program joining one) pass untouched.
 */
#ifndef FABRICCTL_BPF_ND_QUIET_H
#define FABRICCTL_BPF_ND_QUIET_H

#define ND_QUIET_ETH_LEN 14
#define ND_QUIET_IP6_LEN 40
#define ND_QUIET_HBH_LEN 8 /* the router-alert option MLD always carries */
#define ND_QUIET_ICMP (ND_QUIET_ETH_LEN + ND_QUIET_IP6_LEN + ND_QUIET_HBH_LEN)
#define ND_QUIET_MLD1_REPORT 131
#define ND_QUIET_MLD2_REPORT 143

/* ff02::1:ff00:0/104 */
static __always_inline bool nd_quiet_solicited_group(const __u8 *g)
{
	if (g[0] != 0xff || g[1] != 0x02 || g[11] != 0x01 || g[12] != 0xff)
		return false;
#pragma unroll
	for (int i = 2; i < 11; i++)
		if (g[i])
			return false;
	return true;
}

/* Is this frame a node's MLD report of its solicited-node group (and nothing else)? */
static __always_inline bool nd_quiet_drop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	__u8 hbh[2], icmp[8], group[16];
	__u32 at;

	/* Everything but IPv6 with a hop-by-hop header leaves here. */
	if ((void *)(ip6 + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6) ||
	    ip6->nexthdr != IPPROTO_HOPOPTS)
		return false;
	if (bpf_skb_load_bytes(skb, ND_QUIET_ETH_LEN + ND_QUIET_IP6_LEN, hbh, sizeof(hbh)) ||
	    hbh[0] != IPPROTO_ICMPV6 || hbh[1] != 0)
		return false;
	if (bpf_skb_load_bytes(skb, ND_QUIET_ICMP, icmp, sizeof(icmp)))
		return false;
	if (icmp[0] == ND_QUIET_MLD1_REPORT)
		at = ND_QUIET_ICMP + 8; /* the group, after max delay and reserved */
	else if (icmp[0] == ND_QUIET_MLD2_REPORT && icmp[6] == 0 && icmp[7] == 1)
		at = ND_QUIET_ICMP + 8 + 4; /* one record: type, aux len, sources, group */
	else
		return false;
	if (bpf_skb_load_bytes(skb, at, group, sizeof(group)))
		return false;
	return nd_quiet_solicited_group(group);
}

#endif
