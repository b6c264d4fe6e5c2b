// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel/sysfs_link.h"

ssize_t sysfs_link_read(const char *name, const char *file, char *buf, size_t size)
{
	char path[64 + IFNAMSIZ];
	ssize_t len;
	int fd;

	if (size == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, size - 1);
	if (len < 0)
		len = -errno;
	close(fd);
	if (len < 0)
		return len;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return len;
}

int sysfs_link_ifindex(const char *name)
{
	char buf[24];
	ssize_t len = sysfs_link_read(name, "ifindex", buf, sizeof(buf));
	long v;

	if (len < 0)
		return (int)len;
	v = strtol(buf, NULL, 10);
	return v > 0 && v <= 0x7fffffff ? (int)v : -EINVAL;
}
