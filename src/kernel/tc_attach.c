// SPDX-License-Identifier: GPL-2.0-only
/*
 * tc attachment through libbpf's bpf_tc_* (clsact qdisc + cls_bpf filters),
 * which Debian 12's libbpf 1.1 has. Attaching while the link is down avoids
 * the RCU grace period a qdisc change on an up device costs.
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "base/errors.h"
#include "base/failpoint.h"
#include "kernel/link.h"
#include "kernel/tc_attach.h"

#define TC_HANDLE 1
#define TC_PRIORITY 1

int tc_attach(int ifindex, int ingress_fd, int egress_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, ingress, .handle = TC_HANDLE, .priority = TC_PRIORITY,
		    .prog_fd = ingress_fd, .flags = BPF_TC_F_REPLACE);
	LIBBPF_OPTS(bpf_tc_opts, egress, .handle = TC_HANDLE, .priority = TC_PRIORITY,
		    .prog_fd = egress_fd, .flags = BPF_TC_F_REPLACE);
	char ifname[IFNAMSIZ];
	bool created;
	int err;

	err = failpoint("attach the counting program");
	if (err)
		return err;
	err = bpf_tc_hook_create(&hook);
	created = !err;
	if (err && err != -EEXIST)
		return fail(err, "cannot add a clsact qdisc to \"%s\"%s",
			    link_name_of(ifindex, ifname),
			    err == -EOPNOTSUPP || err == -ENOENT
				    ? " (the kernel lacks it: CONFIG_NET_SCH_INGRESS)"
				    : "");
	hook.attach_point = BPF_TC_INGRESS;
	err = bpf_tc_attach(&hook, &ingress);
	if (err) {
		fail(err, "cannot attach the BPF program to the tc ingress of \"%s\"%s",
		     link_name_of(ifindex, ifname),
		     err == -EOPNOTSUPP || err == -ENOENT ? " (CONFIG_NET_CLS_BPF?)" : "");
		goto err_hook;
	}
	hook.attach_point = BPF_TC_EGRESS;
	err = bpf_tc_attach(&hook, &egress);
	if (err) {
		fail(err, "cannot attach the BPF program to the tc egress of \"%s\"",
		     link_name_of(ifindex, ifname));
		goto err_ingress;
	}
	return 0;

err_ingress:
	hook.attach_point = BPF_TC_INGRESS;
	ingress.prog_fd = 0;
	ingress.flags = 0;
	bpf_tc_detach(&hook, &ingress);
err_hook:
	/* Remove the clsact qdisc only if this call made it. */
	if (created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	return err;
}

/* The program id attached at @point of @ifindex with our handle and priority: 0 when none. */
static int attached_prog_id(int ifindex, enum bpf_tc_attach_point point, __u32 *id)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIORITY);
	int err = bpf_tc_query(&hook, &opts);

	*id = 0;
	if (err == -ENOENT || err == -EINVAL)
		return 0; /* no qdisc, or no such filter */
	if (err)
		return err;
	*id = opts.prog_id;
	return 0;
}

int tc_attached_ids(int ifindex, __u32 *ingress_id, __u32 *egress_id)
{
	int err = attached_prog_id(ifindex, BPF_TC_INGRESS, ingress_id);

	return err ? err : attached_prog_id(ifindex, BPF_TC_EGRESS, egress_id);
}

__u32 bpf_prog_id_of(int fd)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}
