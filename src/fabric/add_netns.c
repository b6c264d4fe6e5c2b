// SPDX-License-Identifier: GPL-2.0-only
/*
 * add-node's namespaces, made in order, in this thread or ahead of time
 * on one helper thread.
 *
 * Why a thread: making a namespace is mostly kernel work that does not
 * take rtnl_mutex (copy_net_ns's pernet init of ~100 subsystems, the bind
 * mount under namespace_sem, the RCU waits of both), while the links of
 * a batch are all rtnl work; on two CPUs the two overlap. Only
 * namespaces are made there: the helper touches nothing but its batch's
 * pending nodes (their namespace, fd and socket) and records errors in
 * its own thread-local slot, which the adding thread takes over.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/add_netns.h"
#include "fabric/names.h"
#include "fabric/ownership.h"
#include "kernel/netns.h"

#define FDS_PER_NODE 4 /* two batches in flight, each with a namespace fd and a socket per node */
#define FDS_SPARE 32   /* the host socket, the BPF objects, stdio, the router */

/* An existing namespace (repair, a runtime's sandbox): a socket inside it, never made or removed.
 */
static int use_namespace(struct pending_node *q)
{
	int err;

	q->netns_fd = fcntl(q->existing_fd, F_DUPFD_CLOEXEC, 0);
	if (q->netns_fd < 0)
		return fail(-errno, "cannot use the namespace of node \"%s\"", q->name);
	err = netns_fd_inode(q->netns_fd, &q->netns_ino);
	if (!err)
		err = netns_socket(q->netns_fd, &q->ns_nl);
	return err ? fail(err, "cannot open a socket in the namespace of \"%s\"", q->name) : 0;
}

int add_make_namespaces(const char *fabric, struct pending_node *p, size_t n, size_t *made)
{
	char tag[ALIAS_TAG_MAX];
	int err = 0;

	for (*made = 0; *made < n; (*made)++) {
		struct pending_node *q = &p[*made];

		if (q->existing_fd >= 0) {
			err = use_namespace(q);
			if (err)
				break;
			continue;
		}
		node_alias(tag, sizeof(tag), fabric, q->name);
		err = netns_create(q->name, tag, &q->netns_fd, &q->ns_nl, NULL, NULL);
		if (err == -EEXIST)
			err = fail_msg(-EEXIST,
				       "namespace \"%s\" already exists and is not a node of "
				       "fabric \"%s\"",
				       q->name, fabric);
		if (err)
			break;
		q->netns_made = true;
		err = netns_fd_inode(q->netns_fd, &q->netns_ino);
		if (err) {
			err = fail(err, "cannot read namespace \"%s\"", q->name);
			(*made)++; /* made: it goes with the rollback */
			break;
		}
	}
	return err;
}

/* In the helper thread: its own recorded error, handed over in a->why. */
static void *ahead_thread(void *arg)
{
	struct netns_ahead *a = arg;

	fail_clear();
	a->err = add_make_namespaces(a->fabric, a->p, a->n, &a->made);
	fail_stash(&a->why);
	return NULL;
}

void netns_ahead_start(struct netns_ahead *a, const char *fabric, struct pending_node *p, size_t n,
		       bool threaded)
{
	a->fabric = fabric;
	a->p = p;
	a->n = n;
	a->made = 0;
	a->err = 0;
	a->why.have = 0;
	a->running = threaded && n && pthread_create(&a->thread, NULL, ahead_thread, a) == 0;
}

int netns_ahead_finish(struct netns_ahead *a)
{
	if (a->running) {
		pthread_join(a->thread, NULL);
		a->running = false;
		return a->err;
	}
	/* Here: the caller's recorded error is set aside meanwhile. */
	{
		struct fail_stash mine;

		fail_stash(&mine);
		a->err = add_make_namespaces(a->fabric, a->p, a->n, &a->made);
		fail_stash(&a->why);
		fail_unstash(&mine);
	}
	return a->err;
}

void add_close_namespaces(struct pending_node *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i].netns_fd >= 0)
			close(p[i].netns_fd);
		p[i].netns_fd = -1;
		if (p[i].ns_nl.mnl)
			nl_close(&p[i].ns_nl);
	}
}

size_t add_batch_size_for_files(size_t max)
{
	rlim_t need = max * FDS_PER_NODE + FDS_SPARE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return max;
	if (rl.rlim_cur < need && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur >= need)
		return max;
	if (rl.rlim_cur < FDS_SPARE + FDS_PER_NODE) {
		fail_msg(-EMFILE,
			 "the open-file limit (RLIMIT_NOFILE %llu) is too low: fabricctl needs %d "
			 "to "
			 "add a node (`ulimit -n 1024`)",
			 (unsigned long long)rl.rlim_cur, FDS_SPARE + FDS_PER_NODE);
		return 0;
	}
	return (size_t)(rl.rlim_cur - FDS_SPARE) / FDS_PER_NODE;
}
