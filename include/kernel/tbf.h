/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A root tbf qdisc: the rate limit of impair on a kernel without netem
 * (sch_tbf is in nearly every kernel). It carries NETEM_HANDLE like our
 * netem, so "ours" means the same for both kinds.
 *
 * Sizes: the bucket (burst) holds 10 ms at the rate, and at least 128 KiB
 * and 2 full frames of the link's MTU: tbf splits a packet larger than its
 * bucket (a 64 KiB GSO packet of TCP), and a split packet is counted as one
 * by the node's tc program but as many by the veth, so the bucket is made
 * large enough for tbf never to split one (at a low rate this allows a
 * first burst of 128 KiB; the long-run rate is exact). The
 * queue (limit) holds the bucket plus 100 ms at the rate, so TCP keeps
 * the link full without the queue adding more than ~100 ms of delay.
 */
#ifndef FABRICCTL_KERNEL_TBF_H
#define FABRICCTL_KERNEL_TBF_H

#include <stdint.h>

#include "kernel/nl.h"

struct tbf_sizes {
	uint32_t burst; /* bytes */
	uint32_t limit; /* bytes */
};

/* The bucket and queue for @rate_Bps on a link of @mtu (see above). */
struct tbf_sizes tbf_sizes_for(uint64_t rate_Bps, unsigned int mtu);

/* Queue "replace the root qdisc of @ifindex with our tbf at @rate_Bps". */
uint32_t tbf_replace(struct nl_sock *s, int ifindex, uint64_t rate_Bps, unsigned int mtu);

/* The rate of a tbf's TCA_OPTIONS: 0 or -EINVAL. */
int tbf_parse_rate(const struct nlattr *opts, uint64_t *rate_Bps);

#endif
