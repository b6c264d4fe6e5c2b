/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fabric's counters map (per-CPU hash, key: host veth ifindex): entries
 * made and removed by fabricctl only, and read whole in one pass.
 */
#ifndef FABRICCTL_KERNEL_BPF_COUNTERS_H
#define FABRICCTL_KERNEL_BPF_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/fabric_bpf.h"

/*
 * A zeroed entry for @ifindex (replacing a stale one) that knows the node
 * @id, and its namespace's entry in the netns map: 0 or -errno (recorded).
 */
int bpf_counters_add(struct fabric_bpf *fb, int ifindex, const struct fabric_bpf_node *id);
/* The node's namespace entry only (check --repair): 0 or -errno. */
int bpf_counters_add_netns(struct fabric_bpf *fb, int ifindex, uint64_t netns_ino);
/* Is @netns_ino's entry there and pointing at @ifindex? */
bool bpf_counters_has_netns(struct fabric_bpf *fb, int ifindex, uint64_t netns_ino);
/* Remove @ifindex's entry (and its namespace's); 0 when there was none. */
int bpf_counters_del(struct fabric_bpf *fb, int ifindex);

/* One whole read of the counters map: per-CPU values already summed. */
struct fabric_bpf_reading {
	size_t n;			  /* entries read */
	unsigned int *ifindex;		  /* key of entry i: host veth ifindex */
	struct fabric_counters *counters; /* value of entry i */
	size_t cap;
};

/**
 * fabric_bpf_read() - read every entry of the counters map in one pass
 * (batch lookups, per-key lookups where the kernel has no batch ops),
 * summing the per-CPU values. @r is reused between reads (zero it first,
 * free it with fabric_bpf_reading_free()). Returns 0 or -errno.
 */
int fabric_bpf_read(struct fabric_bpf *fb, struct fabric_bpf_reading *r);
void fabric_bpf_reading_free(struct fabric_bpf_reading *r);

#endif
