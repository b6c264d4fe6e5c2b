/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fabric's record under /run/fabricctl/<fabric>/: what the kernel
 * cannot tell us (subnet, slot leases, link group). Written atomically
 * (temp file + rename); one flock per fabric serialises writers.
 */
#ifndef FABRICCTL_FABRIC_STATE_H
#define FABRICCTL_FABRIC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/ipv6.h"
#include "fabric/ipam.h"
#include "fabric/names.h"

#define STATE_ROOT "/run/fabricctl"

struct site_conf;

/*
 * A node's life: leased before anything is made ("adding"), complete with
 * every piece ("ready"), or being taken apart ("deleting"). A crash leaves
 * a node in the phase it was in, so check knows what was going on.
 */
enum node_phase { NODE_ADDING, NODE_READY, NODE_DELETING };

struct node_cni;

struct fabric_node {
	char name[NODE_NAME_MAX + 1];
	uint32_t slot;	    /* address = subnet + slot */
	int ifindex;	    /* host veth ifindex (0 until created) */
	uint64_t netns_ino; /* the namespace's inode when it was made (0: unknown) */
	enum node_phase phase;
	struct node_cni *cni; /* a container runtime's attachment (fabric/attach.h), else NULL */
};

static inline bool node_ready(const struct fabric_node *n)
{
	return n->phase == NODE_READY;
}

/*
 * Below 1280 bytes the kernel runs no IPv6 on a link (IPV6_MIN_MTU): there
 * is no IPv6 address generation to turn off, and asking for it fails.
 */
#define FABRIC_IPV6_MIN_MTU 1280

/* "adding", "ready", "deleting". */
const char *node_phase_name(enum node_phase p);

/*
 * How the counting program sits on each host veth: clsact qdiscs on shared
 * tc blocks with cls_bpf filters (any kernel since 4.16), or tcx BPF links
 * (6.6+), pinned one per veth and direction under the fabric's bpffs dir.
 */
enum fabric_attach { FABRIC_ATTACH_TC, FABRIC_ATTACH_TCX, FABRIC_ATTACH_MAX };

/* "tc", "tcx". */
extern const char *const fabric_attach_names[FABRIC_ATTACH_MAX];
/* "tc" or "tcx" into *out: 0 or -EINVAL. */
int fabric_attach_parse(const char *text, enum fabric_attach *out);

struct fabric_state {
	char name[FABRIC_NAME_MAX + 1];
	struct ipv4_prefix subnet;
	unsigned int mtu;
	uint32_t group;	     /* IFLA_GROUP of the fabric's host-side links */
	uint32_t cell_size;  /* slots per cell (one bridge each); see ipam.h */
	bool complete;	     /* false while create has not finished ("status creating") */
	uint64_t router_ino; /* the router namespace's inode (0: none, or one cell) */
	enum fabric_attach attach;
	bool ipv6;	/* dual-stack or IPv6-only: subnet6 holds the prefix (fabric6.h) */
	bool ipv6_only; /* no IPv4 address anywhere; subnet still numbers the slots */
	struct ipv6_prefix subnet6;
	struct ipam ipam;
	struct site_conf *site;	   /* NULL, or this host's share of a fabric over hosts (site.h) */
	struct fabric_node *nodes; /* in slot order after state_load() */
	size_t n_nodes, cap_nodes;
	/* name -> index+1 in nodes[] (open addressing), rebuilt on demand */
	uint32_t *name_index;
	size_t name_index_cap;
};

static inline bool fabric_has_ipv6_mtu(const struct fabric_state *st)
{
	return st->mtu >= FABRIC_IPV6_MIN_MTU;
}

/* Held for the whole of a command that reads-modifies-writes a record. */
struct state_lock {
	int fd;
};

/* Create STATE_ROOT (0700) if missing, refusing a symlink or foreign owner. */
int state_root_prepare(void);
/* Make @path a private directory (0700, root, not a symlink) or check that it is one. */
int state_private_dir(const char *path);
/* Does /run/fabricctl/<fabric>/state exist (readable or not)? */
bool state_exists(const char *fabric);
/* List the fabric names with a record; *names is malloc'd, free with free(). */
int state_list(char (**names)[FABRIC_NAME_MAX + 1], size_t *count);

/* Lock the fabric (creating its directory when @create). -ENOENT if gone. */
int state_lock(const char *fabric, bool create, struct state_lock *lock);
void state_unlock(struct state_lock *lock);
/* Global lock for create/destroy and subnet choice. */
int state_lock_global(struct state_lock *lock);
/* A host-wide lock STATE_ROOT/@name (e.g. the tuning records' ".tune.lock"). */
int state_lock_root(const char *name, struct state_lock *lock);

/*
 * The path of @file in @fabric's directory, after checking the directory is
 * ours (a real, root-owned, 0700 directory): 0, -ENOENT (not recorded), or
 * -errno (recorded).
 */
int state_path(const char *fabric, const char *file, char *buf, size_t size);

/* The directory of @fabric is ours: 0, -ENOENT, or -errno (recorded). */
int state_dir_check(const char *fabric);
/* STATE_ROOT/<fabric>/<file>, unchecked. */
void state_file_path(char *buf, size_t size, const char *fabric, const char *file);

/* Fabrics with a record, and the nodes they record, on this host. */
int state_count_all(uint64_t *fabrics, uint64_t *nodes);

int state_init(struct fabric_state *st, const char *fabric, const struct ipv4_prefix *subnet,
	       unsigned int mtu, uint32_t group, uint32_t cell_size);
int state_load(const char *fabric, struct fabric_state *st);
/* Parse a record from a stream (used by state_load and the fuzzer). */
int state_parse(FILE *in, const char *fabric, struct fabric_state *st);
int state_save(const struct fabric_state *st);
/* Remove the record and the fabric's directory. */
int state_remove(const char *fabric);
void state_free(struct fabric_state *st);

struct fabric_node *state_find_node(struct fabric_state *st, const char *name);
/*
 * The one owner of leases: state_lease() claims an address for a new node
 * (phase "adding", the last of st->nodes) -- @slot, or the next free one
 * when @slot is 0 -- and state_del_node() releases it. 0, -EEXIST (taken),
 * -EINVAL (not a node slot), -ENOSPC or -ENOMEM.
 */
int state_lease(struct fabric_state *st, const char *name, uint32_t slot);
/* Remove a node, releasing its address. */
void state_del_node(struct fabric_state *st, struct fabric_node *node);
/*
 * Delete @n nodes at once (pointers into st->nodes, invalid afterwards;
 * a pointer given twice counts once): one pass over the table, so taking
 * out all of 20,000 nodes costs what taking out one does per node.
 */
int state_del_nodes(struct fabric_state *st, struct fabric_node *const *nodes, size_t n);
/* Keep @slot from being leased for now (a foreign link has its veth's name): 0 or -errno. */
int state_hold_slot(struct fabric_state *st, uint32_t slot);
void state_unhold_slot(struct fabric_state *st, uint32_t slot);

#endif
