/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rtnetlink IPv6 address and route requests and replies. Addresses are
 * added with IFA_F_NODAD: fabricctl hands out every address of a fabric
 * itself, so duplicate address detection has nothing to find and would
 * only keep the address tentative (unusable) for a second or more.
 */
#ifndef FABRICCTL_KERNEL_ADDR6_H
#define FABRICCTL_KERNEL_ADDR6_H

#include <netinet/in.h>
#include <stdint.h>

#include "kernel/nl.h"

/* RTM_NEWADDR: @addr/@prefix_len on @ifindex, IFA_F_NODAD. Returns its seq. */
uint32_t addr6_add(struct nl_sock *s, int ifindex, const struct in6_addr *addr,
		   unsigned int prefix_len);
/* RTM_GETADDR dump of IPv6 addresses (for nl_dump()). */
uint32_t addr6_dump(struct nl_sock *s);
/* Address, prefix length, ifindex and IFA_F_* flags of an IPv6 RTM_NEWADDR: 0 or -EINVAL. */
int addr6_parse(const struct nlmsghdr *nlh, struct in6_addr *addr, unsigned int *len, int *ifindex,
		uint32_t *flags);

/* RTM_NEWROUTE: @dst/@dst_len (0: default) via @gateway, main table. */
uint32_t route6_add(struct nl_sock *s, const struct in6_addr *dst, unsigned int dst_len,
		    const struct in6_addr *gateway);
/* RTM_GETROUTE dump of IPv6 routes (for nl_dump()). */
uint32_t route6_dump(struct nl_sock *s);
/* Destination, length, table and gateway (:: when none) of an IPv6 RTM_NEWROUTE: 0 or -EINVAL. */
int route6_parse(const struct nlmsghdr *nlh, struct in6_addr *dst, unsigned int *len,
		 uint32_t *table, struct in6_addr *gateway);

#endif
