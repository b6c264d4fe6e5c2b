// SPDX-License-Identifier: GPL-2.0-only
/*
 * ADD, DEL and GC: the fabric is locked for the whole read-modify-write,
 * as the CLI does (state_lock), so parallel ADDs never lease one address
 * twice. The first ADD makes the fabric from the configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "cni/cni.h"
#include "fabric/attach.h"
#include "fabric/fabric.h"
#include "kernel/netns.h"

#define OPEN_TRIES 500 /* 10 ms apart: a fabric another ADD is making right now */

/* One try: 0 (locked, loaded, complete), 1 (no fabric), 2 (try again), or -1 (recorded). */
static int open_once(const struct cni_conf *c, bool create, struct state_lock *lock,
		     struct fabric_state *st)
{
	int err = state_lock(c->fabric, false, lock);

	if (err == -ENOENT && !create) {
		fail_clear();
		return 1;
	}
	if (err == -ENOENT) {
		struct fabric_state made;

		fail_clear();
		err = fabric_create(c->fabric, c->have_subnet ? &c->subnet : NULL, c->mtu,
				    c->cell_size, c->tune, FABRIC_ATTACH_AUTO, &made);
		if (err == -EEXIST) /* another ADD made it first */
			fail_clear();
		else if (err)
			return cni_fail_core(CNI_ERR_IO, err, "cannot create the fabric");
		else
			state_free(&made);
		return 2;
	}
	if (err)
		return cni_fail_core(CNI_ERR_IO, err, "cannot lock the fabric");
	err = state_load(c->fabric, st);
	if (err == -ENOENT || (!err && !st->complete)) {
		/* Its maker has not written (or finished) it yet. */
		fail_clear();
		if (!err)
			state_free(st);
		state_unlock(lock);
		return 2;
	}
	if (err) {
		state_unlock(lock);
		return cni_fail_core(CNI_ERR_IO, err, "cannot read the fabric's record");
	}
	return 0;
}

int cni_open_fabric(const struct cni_conf *c, bool create, struct state_lock *lock,
		    struct fabric_state *st)
{
	char want[IPV4_PREFIX_STRLEN], have[IPV4_PREFIX_STRLEN];
	int err = 2;

	for (int i = 0; i < OPEN_TRIES && err == 2; i++) {
		if (i)
			usleep(10000);
		err = open_once(c, create, lock, st);
	}
	if (err == 2)
		return cni_fail(CNI_ERR_TRY_AGAIN, "fabric \"%s\" is still being made", c->fabric);
	if (err)
		return err;
	if (create && c->have_subnet &&
	    (st->subnet.addr != c->subnet.addr || st->subnet.len != c->subnet.len)) {
		cni_fail(CNI_ERR_CONFIG, "fabric \"%s\" exists with subnet %s, not %s", c->fabric,
			 ipv4_prefix_format(&st->subnet, have),
			 ipv4_prefix_format(&c->subnet, want));
		state_free(st);
		state_unlock(lock);
		return -1;
	}
	return 0;
}

static void who_of(const struct cni_env *env, const struct cni_conf *c, struct node_cni *who)
{
	memset(who, 0, sizeof(*who));
	snprintf(who->container_id, sizeof(who->container_id), "%s", env->container_id);
	snprintf(who->ifname, sizeof(who->ifname), "%s", env->ifname);
	snprintf(who->netns, sizeof(who->netns), "%s", env->netns ? env->netns : "");
	snprintf(who->network, sizeof(who->network), "%s", c->name);
}

int cni_cmd_add(const struct cni_env *env, const struct cni_conf *c, FILE *out)
{
	struct fabric_node *node;
	struct fabric_state st;
	struct state_lock lock;
	struct node_cni who;
	uint64_t ino = 0;
	int fd, err;

	who_of(env, c, &who);
	if (attach_validate(&who))
		return cni_fail_core(CNI_ERR_ENV, -EINVAL, "invalid request");
	fd = open(env->netns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cni_fail(CNI_ERR_ENV, "cannot open CNI_NETNS \"%s\": %s", env->netns,
				strerror(errno));
	if (netns_fd_inode(fd, &ino)) {
		fail_clear();
		close(fd);
		return cni_fail(CNI_ERR_ENV, "CNI_NETNS \"%s\" is not a network namespace",
				env->netns);
	}
	err = cni_open_fabric(c, true, &lock, &st);
	if (err) {
		close(fd);
		return -1;
	}
	node = attach_find(&st, who.container_id, who.ifname);
	if (node && (!node_ready(node) || node->netns_ino != ino)) {
		/* Left from an earlier sandbox of that id (no DEL came, or a crash): it goes first.
		 */
		err = fabric_del_nodes(&st, &node, 1, NULL, NULL, NULL);
		node = NULL;
		if (err) {
			err = cni_fail_core(CNI_ERR_IO, err, "cannot remove a stale attachment");
			goto out;
		}
	}
	if (node) {
		/* Asked again: the same answer (a runtime retrying after a lost reply). */
		cni_write_result(out, c->version, &st, node);
		err = 0;
	} else {
		err = fabric_attach(&st, &who, fd, &node);
		if (err)
			err = cni_fail_core(err == -ENOSPC || err == -ERANGE ? CNI_ERR_UNAVAILABLE
									     : CNI_ERR_IO,
					    err, "cannot attach the container");
		else
			cni_write_result(out, c->version, &st, node);
	}
out:
	close(fd);
	state_free(&st);
	state_unlock(&lock);
	return err;
}

int cni_cmd_del(const struct cni_env *env, const struct cni_conf *c)
{
	struct fabric_node *node;
	struct fabric_state st;
	struct state_lock lock;
	int err = cni_open_fabric(c, false, &lock, &st);

	if (err)
		return err > 0 ? 0 : -1; /* no fabric: nothing to delete */
	node = attach_find(&st, env->container_id, env->ifname);
	if (node) {
		err = fabric_del_nodes(&st, &node, 1, NULL, NULL, NULL);
		if (err)
			err = cni_fail_core(CNI_ERR_IO, err, "cannot delete the attachment");
	}
	state_free(&st);
	state_unlock(&lock);
	return err;
}

static bool is_valid(const struct cni_conf *c, const struct node_cni *a)
{
	for (size_t i = 0; i < c->n_valid; i++)
		if (!strcmp(c->valid[i].container_id, a->container_id) &&
		    !strcmp(c->valid[i].ifname, a->ifname))
			return true;
	return false;
}

int cni_cmd_gc(const struct cni_conf *c)
{
	struct fabric_node **gone;
	struct fabric_state st;
	struct state_lock lock;
	size_t n = 0;
	int err;

	if (cni_version_cmp(c->version, "1.1.0") < 0)
		return cni_fail(CNI_ERR_VERSION, "GC needs CNI version 1.1.0 (the request is %s)",
				c->version);
	if (!c->have_valid)
		return cni_fail(CNI_ERR_CONFIG, "GC needs cni.dev/valid-attachments");
	err = cni_open_fabric(c, false, &lock, &st);
	if (err)
		return err > 0 ? 0 : -1;
	gone = calloc(st.n_nodes + 1, sizeof(*gone));
	if (!gone) {
		err = cni_fail(CNI_ERR_IO, "out of memory");
		goto out;
	}
	/* Only this network's attachments: the fabric's other nodes are not the runtime's. */
	for (size_t i = 0; i < st.n_nodes; i++) {
		const struct node_cni *a = st.nodes[i].cni;

		if (a && !strcmp(a->network, c->name) && !is_valid(c, a))
			gone[n++] = &st.nodes[i];
	}
	if (n && (err = fabric_del_nodes(&st, gone, n, NULL, NULL, NULL)))
		err = cni_fail_core(CNI_ERR_IO, err, "cannot remove stale attachments");
	free(gone);
out:
	state_free(&st);
	state_unlock(&lock);
	return err;
}
