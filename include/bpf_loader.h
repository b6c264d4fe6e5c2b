/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fabric's tc program: loaded and verified ONCE at create, pinned under
 * /sys/fs/bpf/fabricctl/<fabric>/, then attached to each node's host veth
 * (clsact ingress = node transmitted, egress = node received).
 * Counter entries are keyed by the host veth's ifindex and are created only
 * here (by add-node), never by traffic.
 */
#ifndef FABRICCTL_BPF_LOADER_H
#define FABRICCTL_BPF_LOADER_H

#include <stddef.h>

#define BPF_PIN_ROOT "/sys/fs/bpf/fabricctl"

struct fabric_bpf; /* the pinned program and map fds of one fabric */

/**
 * fabric_bpf_create() - load the object, size the maps for @max_nodes and
 * pin everything under BPF_PIN_ROOT/<fabric>/ (mounting bpffs on
 * /sys/fs/bpf when it is not). Fails with a message naming what is missing
 * (no BPF, no BTF, no bpffs). Returns 0 or -errno.
 */
int fabric_bpf_create(const char *fabric, unsigned int max_nodes);

/* Unpin everything of @fabric; 0 when nothing was pinned (idempotent). */
int fabric_bpf_remove(const char *fabric);

/* Open the pinned program and maps: 0 or -errno (-ENOENT if not pinned). */
int fabric_bpf_open(const char *fabric, struct fabric_bpf **out);
void fabric_bpf_close(struct fabric_bpf *fb);

/**
 * fabric_bpf_node_attach() - start counting for the node whose host veth is
 * @ifindex: a zeroed counter entry, then clsact + ingress + egress filters
 * running the pinned program. Returns 0 or -errno.
 */
int fabric_bpf_node_attach(struct fabric_bpf *fb, int ifindex);

/*
 * Is the fabric's program attached to tc ingress and egress of @ifindex?
 * 1 yes (both), 0 no (either missing), or -errno.
 */
int fabric_bpf_node_attached(struct fabric_bpf *fb, int ifindex);

/* Forget the node's counters (the filters go away with its veth). */
int fabric_bpf_node_detach(struct fabric_bpf *fb, int ifindex);

/* Reading the counters (fabricctl stats). */

struct fabric_counters;

/* One whole read of the counters map: per-CPU values already summed. */
struct fabric_bpf_reading {
	size_t n; /* entries read */
	unsigned int *ifindex; /* key of entry i: host veth ifindex */
	struct fabric_counters *counters; /* value of entry i */
	size_t cap;
};

/* The counters map's fd (owned by @fb), for tools that read it themselves. */
int fabric_bpf_counters_fd(const struct fabric_bpf *fb);

/**
 * fabric_bpf_read() - read every entry of the counters map in one pass
 * (batch lookups, per-key lookups where the kernel has no batch ops),
 * summing the per-CPU values. @r is reused between reads (zero it first,
 * free it with fabric_bpf_reading_free()). Returns 0 or -errno.
 */
int fabric_bpf_read(struct fabric_bpf *fb, struct fabric_bpf_reading *r);
void fabric_bpf_reading_free(struct fabric_bpf_reading *r);

#endif
