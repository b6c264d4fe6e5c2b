/* SPDX-License-Identifier: GPL-2.0-only */
/* The host's forward-hook policy, as bridged traffic meets it. */
#ifndef FABRICCTL_KERNEL_NF_PROBE_H
#define FABRICCTL_KERNEL_NF_PROBE_H

#include <stddef.h>

enum forward_policy {
	FORWARD_NONE,	 /* no filter at the forward hook: nothing drops */
	FORWARD_ACCEPT,	 /* chains there, none with a DROP policy */
	FORWARD_DROP,	 /* a forward chain whose policy drops */
	FORWARD_UNKNOWN, /* could not read the rule set */
};

/*
 * nftables and legacy iptables together; with FORWARD_DROP, @chain names
 * the chain ("nft ip filter FORWARD", "iptables-legacy filter FORWARD").
 */
enum forward_policy nf_forward_policy(char *chain, size_t size);

#endif
