/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The running kernel's drop reasons, read from its BTF
 * (/sys/kernel/btf/vmlinux): the names of enum skb_drop_reason, whose
 * numbers change between kernels, and whether the kfree_skb tracepoint
 * gives a reason at all (5.17+).
 */
#ifndef FABRICCTL_KERNEL_DROP_REASONS_H
#define FABRICCTL_KERNEL_DROP_REASONS_H

#include <stdbool.h>
#include <stddef.h>

struct drop_reasons {
	bool tracepoint_has_reason; /* kfree_skb's 3rd argument exists */
	char **names;		    /* by value, "NO_SOCKET" (prefix cut); NULL: no such value */
	size_t n;
};

/* Read them: 0 or -errno (recorded; -ENOENT: the kernel has no BTF). */
int drop_reasons_load(struct drop_reasons *r);
void drop_reasons_free(struct drop_reasons *r);
/* The name of @reason, or NULL (unknown value, or no reasons on this kernel). */
const char *drop_reason_name(const struct drop_reasons *r, unsigned int reason);
/* Does the kfree_skb tracepoint give a reason? (Reads the BTF once; false without BTF.) */
bool kfree_skb_has_reason(void);

#endif
