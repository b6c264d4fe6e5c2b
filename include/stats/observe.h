/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The traffic matrix and the drops of a fabric, joined with its record's
 * nodes and cells, printed as tables, JSON or Prometheus text.
 */
#ifndef FABRICCTL_STATS_OBSERVE_H
#define FABRICCTL_STATS_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/print.h"
#include "fabric/state.h"
#include "kernel/bpf_observe.h"
#include "kernel/drop_reasons.h"
#include "stats/snapshot.h"

/*
 * The cell matrix (text: a packets table and a bytes table, rows from,
 * columns to; JSON: every non-zero cell) and the @top_pairs busiest node
 * pairs (0: all the LRU holds).
 */
void stats_print_matrix(struct printer *p, const struct fabric_state *st,
			const struct fabric_matrix_reading *m, const struct timespec *when,
			size_t top_pairs);

/*
 * Drops by node, where (host veth or inside the node) and reason, of the
 * nodes @names (all when @n_names is 0), largest first, and a TOTAL.
 */
void stats_print_drops(struct printer *p, const struct fabric_state *st,
		       const struct fabric_drops_reading *d, const struct drop_reasons *r,
		       char *const *names, size_t n_names, const struct timespec *when);

/* The name of @reason for output: the kernel's, "UNKNOWN" (no reason), or its number. */
const char *stats_drop_reason(const struct drop_reasons *r, unsigned int reason, char *buf,
			      size_t size);

/* Per-node drop totals into @rows (matched by host ifindex). */
void stats_rows_fill_drops(struct stats_row *rows, size_t n, const struct fabric_drops_reading *d);
/* Read @fb's drop counters into @rows; rows stay at 0 drops when there are none to read. */
void stats_rows_read_drops(struct fabric_bpf *fb, struct stats_row *rows, size_t n);

/*
 * Each row's busiest peer from the node pairs the kernel keeps: the
 * address it sent to and received from the most bytes, both directions
 * summed, since the pair entered the LRU. Rows of nodes of @st only.
 */
void stats_rows_fill_peers(struct stats_row *rows, size_t n, const struct fabric_state *st,
			   const struct fabric_matrix_reading *m);

/* The drop reasons of the running kernel, read once per process (NULL: none readable). */
const struct drop_reasons *stats_drop_reasons(void);

/* Prometheus: fabricctl_matrix_* by cell, fabricctl_pair_* when @pairs, fabricctl_node_drops_total.
 */
struct stats_prom_observe {
	const struct fabric_state *st;
	const struct fabric_matrix_reading *m; /* NULL: not readable */
	const struct fabric_drops_reading *d;  /* NULL: not readable */
};
void stats_print_prometheus_observe(FILE *out, const struct stats_prom_observe *f, size_t nf,
				    bool pairs);

/* One fabric's drops of one reason, over all its nodes (for doctor). */
struct stats_drop_sum {
	char fabric[FABRIC_NAME_MAX + 1];
	char reason[64];
	uint64_t packets;
	size_t nodes;
};

/*
 * Every fabric's drops (fabrics that cannot be read are skipped), summed by
 * reason name: *out malloc'd, *n entries. 0 or -errno (recorded).
 */
int stats_drop_summary(struct stats_drop_sum **out, size_t *n);

#endif
