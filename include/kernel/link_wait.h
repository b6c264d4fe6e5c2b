/* SPDX-License-Identifier: GPL-2.0-only */
/* Waiting for links to pass traffic: the kernel's link watcher runs up to ~1 s after "up". */
#ifndef FABRICCTL_KERNEL_LINK_WAIT_H
#define FABRICCTL_KERNEL_LINK_WAIT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "kernel/nl.h"

/*
 * Wait until every link of @names (@n of them, in the socket's namespace)
 * is operationally up, as the CNI bridge plugin does: one batched GETLINK
 * round per 10 ms, asking only for the links still down. True when all
 * are up within @timeout_ms; false on timeout or error (nothing recorded:
 * the links exist, they are only not up yet).
 */
bool link_wait_oper_up(struct nl_sock *s, const char (*names)[IFNAMSIZ], size_t n, int timeout_ms);

#endif
