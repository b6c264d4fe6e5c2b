/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A new fabric's IPv6 prefix: the one asked for, or the unique-local /48
 * derived from its name, in either case overlapping no other fabric's
 * prefix and no IPv6 address or route of the host (link-local, loopback
 * and multicast excepted, and the default route, which overlaps all).
 */
#ifndef FABRICCTL_FABRIC_SUBNET6_H
#define FABRICCTL_FABRIC_SUBNET6_H

#include "fabric/fabric6.h"
#include "kernel/nl.h"

/* 0 and *out, or -EADDRINUSE / -EUSAGE with the reason recorded. */
int subnet6_choose(struct nl_sock *s, const char *name, const struct fabric6_opts *o,
		   uint32_t n_cells, struct ipv6_prefix *out);

#endif
