/* SPDX-License-Identifier: GPL-2.0-only */
/* rtnetlink address requests and replies (IPv4). */
#ifndef FABRICCTL_KERNEL_ADDR_H
#define FABRICCTL_KERNEL_ADDR_H

#include <stdint.h>

#include "kernel/nl.h"

/* RTM_NEWADDR: @addr/@prefix_len on @ifindex (host byte order). Returns its seq. */
uint32_t addr_add(struct nl_sock *s, int ifindex, uint32_t addr, unsigned int prefix_len);
/* RTM_GETADDR dump of IPv4 addresses (for nl_dump()). */
/*
 * @addr/@prefix_len on @ifindex confirmed (NLM_F_REPLACE): an address that
 * is there stays as it is, and every listener is told of it again
 * (RTM_NEWADDR); one that is not there is added (IPv4 asks no NLM_F_CREATE).
 */
uint32_t addr_announce(struct nl_sock *s, int ifindex, uint32_t addr, unsigned int prefix_len);
uint32_t addr_dump(struct nl_sock *s);
/* The IPv4 address, prefix length and ifindex of an RTM_NEWADDR reply: 0 or -EINVAL. */
int addr_parse(const struct nlmsghdr *nlh, uint32_t *addr, unsigned int *len, int *ifindex);

#endif
