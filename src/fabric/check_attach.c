// SPDX-License-Identifier: GPL-2.0-only
/*
 * check for a runtime's attachment (fabric/attach.h): the namespace is the
 * runtime's, so it is never made, marked or deleted here. When it is gone
 * (a runtime that never sent DEL: `ctr run -d --cni`), the attachment is a
 * lease to free; when only the veth is gone, --repair makes it again into
 * the runtime's namespace under its interface name; otherwise the host
 * end's pieces (bridge port, up, counter entry) are checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/attach.h"
#include "fabric/check_ctx.h"
#include "fabric/fabric.h"
#include "fabric/ownership.h"
#include "kernel/bpf_counters.h"
#include "kernel/netns.h"

/* The runtime's namespace when it is still the one the node was made in: an fd, or -1. */
static int sandbox_open(const struct fabric_node *node)
{
	uint64_t ino = 0;
	int fd;

	if (!node->cni->netns[0])
		return -1;
	fd = open(node->cni->netns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (netns_fd_inode(fd, &ino) || (node->netns_ino && ino != node->netns_ino)) {
		fail_clear();
		close(fd);
		return -1;
	}
	return fd;
}

void check_attachment(struct check_ctx *c, struct fabric_node *node)
{
	const struct link_info *li = check_link_by_index(c, node->ifindex);
	bool veth_ok = li && link_is_node_veth(li, c->st, node);
	struct check_problem *p;
	char veth[IFNAMSIZ];
	int fd;

	if (veth_ok)
		check_account(c, li);
	fd = sandbox_open(node);
	if (fd < 0) {
		check_add(c, "gone_sandbox", node->name, node->cni->netns,
			  "the runtime's namespace of container %.40s is gone (no DEL came): "
			  "--repair frees its lease (the namespace was never fabricctl's)",
			  node->cni->container_id);
		if (c->repair)
			c->to_remove[c->n_remove++] = node;
		return;
	}
	if (!veth_ok) {
		host_veth_name(veth, c->st->name, node->slot);
		p = check_add(c, "missing_veth", node->name, veth,
			      "its veth is gone; the runtime's namespace is still there");
		if (c->repair && p && c->fb &&
		    fabric_node_make_into(c->st, &c->s, &c->cells, c->fb, node, fd,
					  node->cni->ifname) == 0)
			c->record_changed = true;
		fail_clear();
		close(fd);
		return;
	}
	close(fd);
	check_host_end(c, node, li);
	fail_clear();
}
