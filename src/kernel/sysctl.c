// SPDX-License-Identifier: GPL-2.0-only
/* Reading and writing /proc/sys, the one way fabricctl does it. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "base/failpoint.h"
#include "kernel/sysctl.h"

static void sysctl_path(char *buf, size_t size, const char *name)
{
	size_t i = (size_t)snprintf(buf, size, "/proc/sys/");

	for (const char *p = name; *p && i + 1 < size; p++)
		buf[i++] = *p == '.' ? '/' : *p;
	buf[i] = '\0';
}

int sysctl_read(const char *name, int64_t *v)
{
	char path[192], text[64], *end;
	ssize_t len;
	int fd;

	sysctl_path(path, sizeof(path), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 ? -errno : -EIO;
	text[len] = '\0';
	errno = 0;
	*v = strtoll(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

int64_t sysctl_value(const char *name)
{
	int64_t v;

	return sysctl_read(name, &v) ? -1 : v;
}

int sysctl_write_path(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, err = failpoint("write a sysctl");

	if (err)
		return -EIO;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

int sysctl_write(const char *name, uint64_t v)
{
	char path[192], text[32];
	int err;

	sysctl_path(path, sizeof(path), name);
	snprintf(text, sizeof(text), "%" PRIu64 "\n", v);
	err = sysctl_write_path(path, text);
	if (err)
		return fail(err, "cannot set %s to %" PRIu64, name, v);
	return 0;
}
