/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading a link's attributes from /sys/class/net: no netlink message is
 * built (each message about a veth whose peer is in another namespace
 * scans every namespace id of the host, which grows with the fabric).
 * sysfs shows the links of the namespace it was mounted for: callers
 * check that with sysfs_link_ifindex() against an index they know.
 */
#ifndef FABRICCTL_KERNEL_SYSFS_LINK_H
#define FABRICCTL_KERNEL_SYSFS_LINK_H

#include <stddef.h>
#include <sys/types.h>

/* /sys/class/net/@name/@file into @buf (NUL-terminated, newline dropped): length or -errno. */
ssize_t sysfs_link_read(const char *name, const char *file, char *buf, size_t size);

/* The ifindex sysfs shows for @name: > 0, or -errno (-ENOENT: no such link there). */
int sysfs_link_ifindex(const char *name);

#endif
