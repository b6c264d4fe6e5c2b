/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fabric's tc program: loaded and verified ONCE at create, pinned under
 * /sys/fs/bpf/fabricctl/<fabric>/, then attached to each node's host veth
 * (clsact ingress = node transmitted, egress = node received).
 * Counter entries are keyed by the host veth's ifindex and are created only
 * here (by add-node), never by traffic.
 */
#ifndef FABRICCTL_KERNEL_FABRIC_BPF_H
#define FABRICCTL_KERNEL_FABRIC_BPF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "kernel/fabric_bpf_pins.h"

struct fabric_counters;

/* What the programs are told at load: the fabric's size and address plan. */
struct fabric_bpf_params {
	unsigned int max_nodes; /* counter entries (the subnet's node capacity) */
	uint32_t net4;		/* IPv4 network address, host order */
	uint32_t n_slots;	/* addresses in the subnet */
	uint32_t cell_size;	/* slots per cell */
};

/* Who a node is, for its counter entry: slot (matrix source) and namespace (drops). */
struct fabric_bpf_node {
	uint32_t slot;
	uint64_t netns_ino;
};

/* The pinned program and map fds of one fabric, and buffers to read the map. */
struct fabric_bpf {
	char fabric[NAME_MAX + 1];
	int map_fd;
	int prog_ingress_fd;
	int prog_egress_fd;
	int matrix_fd; /* -1 for each of these four when not pinned (check --repair) */
	int pairs_fd;
	int drops_fd;
	int netns_fd;
	unsigned int n_cells; /* matrix rows: FABRIC_MATRIX_COLS(n_cells) columns each */
	unsigned int max_entries;
	int ncpus;
	struct fabric_counters *percpu; /* one value per possible CPU */
	bool no_batch;			/* the kernel has no batch lookup for this map */
	__u32 *keys;			/* batch buffers, chunk entries */
	struct fabric_counters *vals;	/* chunk * ncpus */
	__u32 chunk;
	struct block_verdict {
		__u32 block;
		int counts; /* its filter's program counts into this fabric's map */
	} * verdicts;	    /* blocks looked at by fabric_bpf_attached() */
	size_t n_verdicts, cap_verdicts;
};

/**
 * fabric_bpf_create() - load the object, size the maps for @p, attach the
 * drop program to the kfree_skb tracepoint (a BPF link) and pin everything
 * under BPF_PIN_ROOT/<fabric>/ (mounting bpffs on /sys/fs/bpf when it is
 * not). Fails with a message naming what is missing (no BPF, no BTF, no
 * bpffs). Returns 0 or -errno.
 */
int fabric_bpf_create(const char *fabric, const struct fabric_bpf_params *p);

/* The params of a fabric of @max_nodes nodes in @net4 / @n_slots, cells of @cell_size. */
void fabric_bpf_params_init(struct fabric_bpf_params *p, unsigned int max_nodes, uint32_t net4,
			    uint32_t n_slots, uint32_t cell_size);

/**
 * fabric_bpf_restore() - pin again what is missing of @fabric's objects.
 * The counters map, when its pin is gone, is found through a program that
 * uses it (a pinned one, or one attached on @ifindexes); missing programs
 * are loaded anew on that same map, so no counter is lost (*kept). Only
 * when nothing holds the map any more is a new one made. 0 or -errno.
 */
int fabric_bpf_restore(const char *fabric, const struct fabric_bpf_params *p, const int *ifindexes,
		       size_t n, bool *kept);

/*
 * Unpin what is proven @fabric's and remove its directory; 0 when nothing
 * was pinned (idempotent). -ENOTEMPTY (with a message naming the
 * directory) when objects fabricctl did not pin are left there.
 */
int fabric_bpf_remove(const char *fabric);

/* libbpf's messages on stderr only with FABRICCTL_DEBUG=1 (once per process). */
void fabric_bpf_libbpf_setup(void);

/* Open the pinned program and maps: 0 or -errno (-ENOENT if not pinned). */
int fabric_bpf_open(const char *fabric, struct fabric_bpf **out);
void fabric_bpf_close(struct fabric_bpf *fb);

struct nl_sock;

/*
 * fabric_bpf_nodes_attach() - start counting for @n nodes whose host veths
 * (just made, still down) are @ifindexes: zeroed counter entries, a clsact
 * qdisc on each bound to the shared blocks @ingress and @egress, then the
 * programs on those blocks once (a block that exists already must hold
 * ours: a foreign filter there fails the batch). *@ok: how many nodes in a
 * row are counted; the others are left with no counter entry (their
 * qdiscs go with their veths). Returns 0 or the first error (recorded).
 */
/*
 * Can a batch use the blocks @ingress and @egress: they hold no filter at
 * our handle and priority, or one whose program counts into this fabric's
 * map? 1 yes, 0 no (someone else's), or -errno.
 */
int fabric_bpf_blocks_usable(struct fabric_bpf *fb, struct nl_sock *s, uint32_t ingress,
			     uint32_t egress);
int fabric_bpf_nodes_attach(struct fabric_bpf *fb, struct nl_sock *s, const int *ifindexes,
			    const struct fabric_bpf_node *ids, size_t n, uint32_t ingress,
			    uint32_t egress, size_t *ok);
/* The same without the counter entries: the qdiscs and the programs on the blocks. */
int fabric_bpf_blocks_attach(struct fabric_bpf *fb, struct nl_sock *s, const int *ifindexes,
			     size_t n, uint32_t ingress, uint32_t egress, size_t *ok);

struct tc_clsact_list;
/*
 * Is @ifindex counted, by its clsact in @qdiscs (one dump for a whole
 * check): its shared blocks hold filters whose programs count into this
 * fabric's map (each block is asked once), or, on private blocks, our
 * programs are attached? 1, 0 or -errno.
 */
int fabric_bpf_attached(struct fabric_bpf *fb, struct nl_sock *s,
			const struct tc_clsact_list *qdiscs, int ifindex);
/*
 * Count on @ifindex again: our filters back on its shared blocks, our
 * programs on its private ones, or, with no clsact, a qdisc on the blocks
 * @ingress and @egress (which the caller chose) and the programs there.
 */
int fabric_bpf_reattach(struct fabric_bpf *fb, struct nl_sock *s,
			const struct tc_clsact_list *qdiscs, int ifindex, uint32_t ingress,
			uint32_t egress);

/*
 * Is the fabric's program attached to tc ingress and egress of @ifindex,
 * on private blocks (as fabricctl attached it before shared blocks; asked
 * by device)?
 * 1 yes (both), 0 no (either missing), or -errno.
 */
int fabric_bpf_node_attached(struct fabric_bpf *fb, int ifindex);

/* Forget the node's counters and unpin its tcx links (tc filters go away with its veth). */
int fabric_bpf_node_detach(struct fabric_bpf *fb, int ifindex);

/* The map a program uses, as a new fd, or -1. */
int fabric_bpf_prog_map(int prog_fd);
/* Is @fd a map of the counters' shape? */
bool fabric_bpf_map_is_counters(int fd);

/*
 * tcx (kernel/tcx.h): the fabric's programs on each host veth as two BPF
 * links pinned at BPF_PIN_ROOT/<fabric>/tcx/<ifindex>_ingress and
 * _egress. A link is proven ours before it is unpinned: its program is
 * the fabric's (loaded as fabric_ingress/fabric_egress for that direction,
 * counting into the fabric's counters map) and it is attached to the veth
 * its pin names, or to nothing (the veth is gone).
 */
#define FABRIC_PIN_TCX_DIR "tcx"

/* Does this kernel have tcx (6.6+)? 1, 0 or -errno. */
int fabric_bpf_tcx_supported(struct fabric_bpf *fb);
/*
 * fabric_bpf_nodes_attach() for tcx: zeroed counter entries, then both
 * links of each of @n host veths. *ok: nodes counted in a row; the
 * others have neither counter entry nor link. 0 or the first error.
 */
int fabric_bpf_tcx_nodes_attach(struct fabric_bpf *fb, const int *ifindexes,
				const struct fabric_bpf_node *ids, size_t n, size_t *ok);
/* Both links of @ifindex pinned, ours and attached to it: 1, 0, or -errno. */
int fabric_bpf_tcx_attached(struct fabric_bpf *fb, int ifindex);
/* Make what is missing or detached of @ifindex's links again: 0 or -errno. */
int fabric_bpf_tcx_reattach(struct fabric_bpf *fb, int ifindex);
/* Unpin @ifindex's links that are ours (none: 0). 0 or -errno. */
int fabric_bpf_tcx_unpin(const char *fabric, int ifindex);
/*
 * Pinned links of @fabric that are detached or whose ifindex is not one of
 * @ifindexes (sorted): their pin names into *stale (malloc'd), for check.
 */
int fabric_bpf_tcx_stale(const char *fabric, const int *ifindexes, size_t n, char ***stale,
			 size_t *n_stale);
/* The counters map the programs of @fabric's pinned tcx links use (a new fd), or -1. */
int fabric_bpf_tcx_map(const char *fabric);
/* Unpin every link of @fabric proven ours and remove the tcx dir: 0 or -ENOTEMPTY. */
int fabric_bpf_tcx_remove_all(const char *fabric);

#endif
