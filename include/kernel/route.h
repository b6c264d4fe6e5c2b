/* SPDX-License-Identifier: GPL-2.0-only */
/* rtnetlink route requests and replies (IPv4, main table). */
#ifndef FABRICCTL_KERNEL_ROUTE_H
#define FABRICCTL_KERNEL_ROUTE_H

#include <stdint.h>

#include "kernel/nl.h"

/* RTM_NEWROUTE: @dst/@dst_len (0/0: default) via @gateway in the main table. */
uint32_t route_add(struct nl_sock *s, uint32_t dst, unsigned int dst_len, uint32_t gateway);
/* RTM_GETROUTE dump of IPv4 routes (for nl_dump()). */
uint32_t route_dump(struct nl_sock *s);
/* Destination, its length and the table of an RTM_NEWROUTE reply: 0 or -EINVAL. */
int route_parse(const struct nlmsghdr *nlh, uint32_t *dst, unsigned int *len, uint32_t *table);
/* route_parse() and the gateway (0 when none; @gateway may be NULL). */
int route_parse_full(const struct nlmsghdr *nlh, uint32_t *dst, unsigned int *len, uint32_t *table,
		     uint32_t *gateway, uint32_t *priority);

#endif
