/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * add-node's first round: each node's namespace (unshare + bind mount +
 * a netlink socket opened inside it), made either in the calling thread
 * or ahead, on a helper thread, while the calling thread builds the links
 * of the batch before. Internal to fabric/add.c.
 */
#ifndef FABRICCTL_FABRIC_ADD_NETNS_H
#define FABRICCTL_FABRIC_ADD_NETNS_H

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/errors.h"
#include "kernel/link.h"
#include "kernel/nl.h"

/* One node in flight through a batch. */
struct pending_node {
	const char *name;
	uint32_t slot;
	uint32_t addr;
	char host_if[IFNAMSIZ];
	int netns_fd;
	int existing_fd;       /* >= 0: an existing namespace to put the veth into */
	const char *peer_name; /* the node's end, when not NODE_IFNAME (a runtime's sandbox) */
	uint64_t netns_ino;    /* its identity, for the record */
	struct nl_sock ns_nl;  /* socket inside the node's namespace */
	bool netns_made;
	bool veth_made;
	bool counted;	       /* has its counter entry and tc programs */
	struct link_info host; /* read back after creation */
	uint32_t create_seq, get_seq, tag_seq;
	int br_ifindex; /* its cell's bridge */
};

/*
 * Namespaces of nodes @p[0 .. n) (or a socket in the existing one), in
 * order, until one fails. *made: how many have a namespace (a failed one
 * whose namespace exists counts, for the rollback). Returns 0 or the
 * first error (recorded in the calling thread).
 */
int add_make_namespaces(const char *fabric, struct pending_node *p, size_t n, size_t *made);

/* A batch's namespaces, made ahead on a thread or when finished. */
struct netns_ahead {
	const char *fabric;
	struct pending_node *p;
	size_t n, made;
	int err;
	struct fail_stash why; /* the error's text, for the thread that reports it */
	pthread_t thread;
	bool running;
};

/*
 * Start making the namespaces of @p[0 .. n): on a new thread when
 * @threaded (and one can be started), otherwise nothing is done until
 * netns_ahead_finish(). Every p[i].netns_fd must be -1.
 */
void netns_ahead_start(struct netns_ahead *a, const char *fabric, struct pending_node *p, size_t n,
		       bool threaded);

/*
 * Wait for (or do) the work: a->made and a->err as add_make_namespaces
 * gives them, the error's text in a->why; the calling thread's recorded
 * error is left as it was. Returns a->err.
 */
int netns_ahead_finish(struct netns_ahead *a);

/* Close the namespace fds and sockets of @p[0 .. n). */
void add_close_namespaces(struct pending_node *p, size_t n);

/*
 * Nodes per batch (at most @max) within RLIMIT_NOFILE, for two batches in
 * flight: the soft limit is raised (up to the hard one) to what full
 * batches need; past the hard limit, batches get smaller. 0 (recorded)
 * when not even one node fits.
 */
size_t add_batch_size_for_files(size_t max);

#endif
