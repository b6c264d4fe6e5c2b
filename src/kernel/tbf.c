// SPDX-License-Identifier: GPL-2.0-only
/* Root tbf qdiscs in raw rtnetlink: the rate limit without netem. */
#include <errno.h>
#include <string.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "kernel/netem.h"
#include "kernel/tbf.h"

#define TBF_TICK_SHIFT 6   /* psched ticks of 64 ns */
#define TBF_FRAME_EXTRA 22 /* Ethernet header and VLAN tag over the MTU */
#define TBF_BURST_MS 10	   /* bucket: this long at the rate */
#define TBF_QUEUE_MS 100   /* queue beyond the bucket: this long at the rate */
#define TBF_BYTES_MAX (1u << 30)
#define TBF_BURST_MIN (128u << 10) /* > a 64 KiB GSO packet with its segments' headers */

static uint32_t clamp_u32(uint64_t v)
{
	return v > TBF_BYTES_MAX ? TBF_BYTES_MAX : (uint32_t)v;
}

struct tbf_sizes tbf_sizes_for(uint64_t rate_Bps, unsigned int mtu)
{
	uint64_t frames = 2 * ((uint64_t)mtu + TBF_FRAME_EXTRA);
	uint64_t burst = rate_Bps * TBF_BURST_MS / 1000;
	struct tbf_sizes z;

	if (burst < frames)
		burst = frames;
	if (burst < TBF_BURST_MIN)
		burst = TBF_BURST_MIN;
	z.burst = clamp_u32(burst);
	z.limit = clamp_u32(burst + rate_Bps * TBF_QUEUE_MS / 1000);
	return z;
}

uint32_t tbf_replace(struct nl_sock *s, int ifindex, uint64_t rate_Bps, unsigned int mtu)
{
	struct tbf_sizes z = tbf_sizes_for(rate_Bps, mtu);
	struct tc_tbf_qopt q = {0};
	struct nlmsghdr *nlh;
	struct nlattr *opts;
	struct tcmsg *tcm;

	nlh = nl_msg(s, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, sizeof(*tcm));
	tcm = mnl_nlmsg_get_payload(nlh);
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_ROOT;
	tcm->tcm_handle = NETEM_HANDLE;
	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	/* Ethernet link layer: the kernel computes the rate itself, no rate table. */
	q.rate.rate = rate_Bps >= UINT32_MAX ? UINT32_MAX : (uint32_t)rate_Bps;
	q.rate.linklayer = TC_LINKLAYER_ETHERNET;
	q.limit = z.limit;
	/* The bucket in time at the rate, as tc sends it; TCA_TBF_BURST says it in bytes. */
	q.buffer = (uint32_t)((uint64_t)z.burst * 1000000000ull / rate_Bps >> TBF_TICK_SHIFT);
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
	if (rate_Bps >= UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_TBF_RATE64, rate_Bps);
	mnl_attr_put_u32(nlh, TCA_TBF_BURST, z.burst);
	mnl_attr_nest_end(nlh, opts);
	return nl_msg_done(s, nlh, "set a tbf qdisc on link %d", ifindex);
}

static int tbf_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= TCA_TBF_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

int tbf_parse_rate(const struct nlattr *opts, uint64_t *rate_Bps)
{
	const struct nlattr *tb[TCA_TBF_MAX + 1] = {0};
	const struct tc_tbf_qopt *q;

	if (mnl_attr_parse_nested(opts, tbf_attr_cb, tb) < 0 || !tb[TCA_TBF_PARMS] ||
	    mnl_attr_get_payload_len(tb[TCA_TBF_PARMS]) < sizeof(*q))
		return -EINVAL;
	q = mnl_attr_get_payload(tb[TCA_TBF_PARMS]);
	*rate_Bps = q->rate.rate;
	if (tb[TCA_TBF_RATE64] && mnl_attr_get_payload_len(tb[TCA_TBF_RATE64]) >= sizeof(uint64_t))
		*rate_Bps = mnl_attr_get_u64(tb[TCA_TBF_RATE64]);
	return 0;
}
