/* SPDX-License-Identifier: GPL-2.0-only */
/* Waiting for links to pass traffic: the kernel's link watcher runs up to ~1 s after "up". */
#ifndef FABRICCTL_KERNEL_LINK_WAIT_H
#define FABRICCTL_KERNEL_LINK_WAIT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/nl.h"

/*
 * Wait until every link of @names (@n of them, in the socket's namespace,
 * with their @ifindexes, or NULL) is operationally up: one round per
 * 10 ms over the links still down, read from sysfs where it shows them
 * (no netlink message built), else with one batched GETLINK. True when all
 * are up within @timeout_ms; false on timeout or error (nothing recorded:
 * the links exist, they are only not up yet).
 */
bool link_wait_oper_up(struct nl_sock *s, const char (*names)[IFNAMSIZ], const int *ifindexes,
		       size_t n, int timeout_ms);

#endif
