/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sysctls of the calling thread's network namespace, by dotted name
 * ("net.core.netdev_max_backlog") or by /proc/sys path.
 */
#ifndef FABRICCTL_KERNEL_SYSCTL_H
#define FABRICCTL_KERNEL_SYSCTL_H

#include <stdint.h>

/* A numeric sysctl: 0 and *v, or -errno (not recorded). */
int sysctl_read(const char *name, int64_t *v);
/* A numeric sysctl, or -1 when it cannot be read. */
int64_t sysctl_value(const char *name);
/* Set a numeric sysctl: 0 or -errno (recorded, naming it). */
int sysctl_write(const char *name, uint64_t v);
/* Write @value to /proc/sys/...@path: 0 or -errno (not recorded). */
int sysctl_write_path(const char *path, const char *value);

#endif
