/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tcx (Linux 6.6+): BPF programs on a device's ingress or egress through
 * BPF links (BPF_LINK_CREATE with BPF_TCX_INGRESS/EGRESS), no qdisc and
 * no filter. A link lives as long as an fd or a bpffs pin holds it; when
 * its device goes, the link stays (pinned) but is detached (ifindex 0).
 * libbpf 1.1 and Debian 12's uapi headers predate tcx: the attach and
 * link types are defined here, and the link's info is read raw.
 *
 * Debian's bpftool 7.1 lists tcx links (`bpftool link show`: type 11,
 * prog id) but cannot name their device; `bpftool link show pinned PATH`
 * and the pin names (the veth's ifindex) say which is which.
 */
#ifndef FABRICCTL_KERNEL_TCX_H
#define FABRICCTL_KERNEL_TCX_H

#include <stdbool.h>
#include <stdint.h>

/* From the kernel's uapi (include/uapi/linux/bpf.h, 6.6). */
#define FABRIC_BPF_TCX_INGRESS 46
#define FABRIC_BPF_TCX_EGRESS 47
#define FABRIC_BPF_LINK_TYPE_TCX 11

/*
 * Does the kernel have tcx? Asked with @prog_fd (a SCHED_CLS program) on
 * no device: -ENODEV means the attach type is known. 1, 0, or -errno.
 */
int tcx_supported(int prog_fd);

/*
 * Attach @prog_fd on @ifindex's tcx ingress (or @egress) as a new link
 * (after any programs there) and pin it at @path. 0 or -errno (recorded).
 */
int tcx_link_pin(int prog_fd, int ifindex, bool egress, const char *path);

struct tcx_link {
	uint32_t id, prog_id;
	uint32_t ifindex; /* 0: detached (its device is gone) */
	bool egress;
};

/* The tcx link pinned at @path: 0, -ENOENT (no pin), -EMEDIUMTYPE (not a tcx link), -errno. */
int tcx_link_read(const char *path, struct tcx_link *out);

#endif
