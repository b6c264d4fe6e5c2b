/* SPDX-License-Identifier: GPL-2.0-only */
/* BPF programs on a link's tc ingress and egress (clsact + cls_bpf). */
#ifndef FABRICCTL_KERNEL_TC_ATTACH_H
#define FABRICCTL_KERNEL_TC_ATTACH_H

#include <linux/types.h>

/*
 * Attach @ingress_fd and @egress_fd on @ifindex (handle 1, priority 1,
 * replacing ours). A clsact qdisc this call made is removed again when
 * attaching fails. Returns 0 or -errno (recorded, naming the link).
 */
int tc_attach(int ifindex, int ingress_fd, int egress_fd);

/* Ids of the programs attached with our handle and priority: 0 when none. 0 or -errno. */
int tc_attached_ids(int ifindex, __u32 *ingress_id, __u32 *egress_id);

/* The id of the BPF program @fd (0 when it cannot be read). */
__u32 bpf_prog_id_of(int fd);

#endif
