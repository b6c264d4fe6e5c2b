// SPDX-License-Identifier: GPL-2.0-only
/* tcx links: create and pin, read back (kernel/tcx.h says why raw). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "base/errors.h"
#include "base/failpoint.h"
#include "kernel/link.h"
#include "kernel/tcx.h"

int tcx_supported(int prog_fd)
{
	int fd = bpf_link_create(prog_fd, 0, (enum bpf_attach_type)FABRIC_BPF_TCX_INGRESS, NULL);

	if (fd >= 0) { /* no device 0: cannot happen, but never leak a link */
		close(fd);
		return 1;
	}
	if (fd == -ENODEV)
		return 1;
	if (fd == -EINVAL || fd == -EOPNOTSUPP)
		return 0;
	return fail(fd, "cannot probe for tcx");
}

int tcx_link_pin(int prog_fd, int ifindex, bool egress, const char *path)
{
	enum bpf_attach_type type =
		(enum bpf_attach_type)(egress ? FABRIC_BPF_TCX_EGRESS : FABRIC_BPF_TCX_INGRESS);
	char ifname[IFNAMSIZ];
	int fd, err;

	err = failpoint("attach a tcx link");
	if (err)
		return err;
	fd = bpf_link_create(prog_fd, ifindex, type, NULL);
	if (fd < 0)
		return fail(fd, "cannot attach on tcx %s of link \"%s\"",
			    egress ? "egress" : "ingress", link_name_of(ifindex, ifname));
	err = bpf_obj_pin(fd, path);
	if (err)
		err = fail(-errno, "cannot pin the tcx link of \"%s\" at \"%s\"",
			   link_name_of(ifindex, ifname), path);
	close(fd); /* the pin holds it; without one the link goes with the fd */
	return err;
}

/* Info of a map, a program and a link differ: ask the fd's kind first. */
static bool fd_is_link(int fd)
{
	char proc[64], target[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:bpf-link");
}

int tcx_link_read(const char *path, struct tcx_link *out)
{
	/* struct bpf_link_info of 6.6: type, id, prog_id, then a union whose tcx member is
	 * {ifindex, attach_type} (aligned as the union's __u64 members). */
	struct {
		__u32 type, id, prog_id, pad;
		__u32 ifindex, attach_type;
		__u64 rest[6];
	} info;
	__u32 len = sizeof(info);
	int fd, err;

	memset(out, 0, sizeof(*out));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return fd == -ENOENT ? -ENOENT : fail(fd, "cannot open \"%s\"", path);
	if (!fd_is_link(fd)) { /* a map or a program pinned under the name */
		close(fd);
		return -EMEDIUMTYPE;
	}
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return fail(err, "cannot read \"%s\"", path);
	if (info.type != FABRIC_BPF_LINK_TYPE_TCX)
		return -EMEDIUMTYPE;
	out->id = info.id;
	out->prog_id = info.prog_id;
	out->ifindex = info.ifindex;
	out->egress = info.attach_type == FABRIC_BPF_TCX_EGRESS;
	return 0;
}
