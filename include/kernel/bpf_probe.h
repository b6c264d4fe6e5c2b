/* SPDX-License-Identifier: GPL-2.0-only */
/* Can this process load BPF at all? */
#ifndef FABRICCTL_KERNEL_BPF_PROBE_H
#define FABRICCTL_KERNEL_BPF_PROBE_H

/* Load "r0 = 0; exit" as a socket filter: 0, or the kernel's -errno. */
int bpf_probe_load(void);

#endif
