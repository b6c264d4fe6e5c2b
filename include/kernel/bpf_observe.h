/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the traffic matrix, the node pairs and the drop counters of a
 * fabric (bpf_shared/fabric_observe.h), per-CPU values summed.
 */
#ifndef FABRICCTL_KERNEL_BPF_OBSERVE_H
#define FABRICCTL_KERNEL_BPF_OBSERVE_H

#include <stddef.h>

#include "bpf_shared/fabric_observe.h"
#include "kernel/fabric_bpf.h"

struct fabric_matrix_reading {
	unsigned int n_cells;		    /* rows; FABRIC_MATRIX_COLS(n_cells) columns */
	struct fabric_flow_counters *cells; /* [from * cols + to] */
	size_t n_pairs;			    /* pairs the LRU holds now */
	struct fabric_pair_key *pair_keys;  /* n_pairs */
	struct fabric_flow_counters *pairs; /* n_pairs */
};

/* Read the matrix and the pairs: 0 or -errno (recorded; -ENOENT: not pinned). */
int fabric_bpf_read_matrix(struct fabric_bpf *fb, struct fabric_matrix_reading *m);
void fabric_matrix_reading_free(struct fabric_matrix_reading *m);

struct fabric_drops_reading {
	size_t n;
	struct fabric_drop_key *keys;
	__u64 *packets;
};

/* Read the drop counters: 0 or -errno (recorded; -ENOENT: not pinned). */
int fabric_bpf_read_drops(struct fabric_bpf *fb, struct fabric_drops_reading *d);
void fabric_drops_reading_free(struct fabric_drops_reading *d);

#endif
