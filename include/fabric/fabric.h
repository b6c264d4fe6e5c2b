/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fabric operations: each either completes or rolls back what it made.
 * The caller holds the fabric's lock (state_lock) around add and delete;
 * create and destroy take the locks they need themselves. Progress of
 * long operations is reported through a callback, never printed.
 */
#ifndef FABRICCTL_FABRIC_FABRIC_H
#define FABRICCTL_FABRIC_FABRIC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/notes.h"
#include "fabric/state.h"

#define FABRIC_DEFAULT_MTU 1500
#define FABRIC_MTU_MIN 68
#define FABRIC_MTU_MAX 65535

/* What add-node made, for printing. */
struct added_node {
	struct fabric_node node;
	uint32_t addr;
};

struct add_result {
	struct added_node *nodes; /* malloc'd, n_nodes entries */
	size_t n_nodes;
	bool links_up; /* every new link reached oper-state up in time */
};

/* Progress callback for long bulk operations (done of total). */
typedef void (*fabric_progress_cb)(size_t done, size_t total, void *data);

/**
 * fabric_create() - make fabric @name: its first cell (bridge up, STP off;
 * the gateway address, or with several cells the router namespace and its
 * leg), BPF program pinned, state record written. @cell_size 0 = one cell.
 * @subnet NULL picks a free 10.x.0.0/16. @tune: the fabric raises the host
 * limits it outgrows (recorded, put back by destroy). Takes the global
 * lock itself. On failure nothing is left.
 * @st: out, the new fabric's record (state_free() it).
 */
int fabric_create(const char *name, const struct ipv4_prefix *subnet, unsigned int mtu,
		  uint32_t cell_size, bool tune, int attach, struct fabric_state *st);

/*
 * @attach of fabric_create(): a enum fabric_attach, or FABRIC_ATTACH_AUTO:
 * $FABRICCTL_ATTACH ("tc" or "tcx") when set, else FABRIC_ATTACH_DEFAULT
 * where the kernel has it, else tc. Asking for tcx on a kernel without it
 * fails.
 */
#define FABRIC_ATTACH_AUTO (-1)
#define FABRIC_ATTACH_DEFAULT FABRIC_ATTACH_TC
struct fabric6_opts;
/* fabric_create() with IPv6 as @v6 asks (NULL: IPv4 only); see fabric/fabric6.h. */
int fabric_create6(const char *name, const struct ipv4_prefix *subnet,
		   const struct fabric6_opts *v6, unsigned int mtu, uint32_t cell_size, bool tune,
		   int attach, struct fabric_state *st);

/* What destroy did, and what it left because it is not (only) the fabric's. */
struct destroy_result {
	bool existed;	   /* there was anything to remove */
	size_t n_nodes;	   /* nodes removed: the record's and those found by mark */
	struct notes left; /* notes_free() it */
};

/**
 * fabric_destroy() - remove everything fabric @name made: links (by group,
 * in one unregister), namespaces (unmounted as a batch; the record's and
 * any that carry the fabric's mark), pins, record, and the host limits it
 * tuned put back. A namespace that holds a link fabricctl did not make,
 * and pins it did not make, stay: said in @r->left.
 */
int fabric_destroy(const char *name, struct destroy_result *r, fabric_progress_cb progress,
		   void *data);

/**
 * fabric_add_nodes() - add @n nodes named @names (validated by the caller)
 * to the locked fabric @st. @addr (host order, 0 = next free) only with
 * n == 1. The host's limits are judged first for every fabric's nodes plus
 * these (raised when the fabric is tuned, else a refusal naming the fix).
 * Nodes are made in batches; each node is atomic. On the first failure the
 * failed node (and any later one of its batch) is rolled back, nodes
 * completed before it are kept and reported in @res, and the error is
 * returned. @wait: return only once every new link is operationally up.
 */
int fabric_add_nodes(struct fabric_state *st, char **names, size_t n, uint32_t addr, bool wait,
		     struct add_result *res, fabric_progress_cb progress, void *progress_data);
void add_result_free(struct add_result *res);

struct cell_set;
struct fabric_bpf;
struct nl_sock;

/*
 * fabric_node_make_into() - make @node (again) with every piece, keeping its
 * name and address: a veth into its namespace @netns_fd (proven ours, left
 * open), or into a new namespace when @netns_fd < 0. On success the node
 * has its new ifindex and inode and is "ready" (the record is not saved).
 * @ifname: the node's end is named so (NULL: NODE_IFNAME) and its index is
 * the kernel's choice: a runtime's namespace (fabric/attach.h).
 */
int fabric_node_make_into(struct fabric_state *st, struct nl_sock *s, struct cell_set *cells,
			  struct fabric_bpf *fb, struct fabric_node *node, int netns_fd,
			  const char *ifname);
/* fabric_node_make_into() with the node's end named NODE_IFNAME. */
static inline int fabric_node_remake(struct fabric_state *st, struct nl_sock *s,
				     struct cell_set *cells, struct fabric_bpf *fb,
				     struct fabric_node *node, int netns_fd)
{
	return fabric_node_make_into(st, s, cells, fb, node, netns_fd, NULL);
}

/**
 * fabric_del_nodes() - delete the nodes of @st at @nodes (pointers into
 * st->nodes; invalid after the call): their veths in one group delete,
 * their namespaces unmounted, their counters and leases released, the
 * record saved. A namespace that holds a link fabricctl did not make
 * stays (the node still goes): said in @left (may be NULL).
 */
int fabric_del_nodes(struct fabric_state *st, struct fabric_node **nodes, size_t n,
		     struct notes *left, fabric_progress_cb progress, void *data);

#endif
