/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fabric's traffic at one moment: one whole read of the counters map,
 * joined with the record's nodes by host ifindex, rates against the
 * reading before, totals, and the order rows are shown in.
 */
#ifndef FABRICCTL_STATS_SNAPSHOT_H
#define FABRICCTL_STATS_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bpf_shared/fabric_counters.h"
#include "fabric/state.h"
#include "kernel/bpf_counters.h"

struct stats_entry_index {
	uint32_t ifindex;
	uint32_t i; /* entry of the reading */
};

struct stats_snapshot {
	struct fabric_bpf_reading r;
	struct stats_entry_index *idx; /* sorted by ifindex, for the join */
	size_t idx_cap;
	struct timespec mono; /* when read, for rates */
	struct timespec real; /* when read, for the output */
};

/* One node's line: its counters, and its rates over the last interval (--watch). */
struct stats_row {
	const struct fabric_node *node; /* NULL in a cell's row (stats_rows_by_cell) */
	uint32_t nodes;			/* nodes summed into the row: 1 for a node's */
	uint32_t addr;
	uint32_t cell; /* the cell (bridge <fabric>-c<N>) the node is in */
	bool counting; /* the node has a counters entry */
	struct fabric_counters c;
	double rx_pps, tx_pps, rx_bps, tx_bps;
	uint64_t drops; /* packets the kernel dropped on its veth or inside it (all reasons) */
	/* The address it exchanged the most bytes with (stats_rows_fill_peers; 0: none known) */
	uint32_t peer_addr;
	const struct fabric_node *peer; /* that address's node, or NULL (a gateway, outside) */
	/* JSON "impair": the impairment in force ("" none), NULL when not read */
	const char *impair;
};

enum stats_sort {
	STATS_SORT_ADDRESS, /* slot order: the default without --watch */
	STATS_SORT_NAME,
	STATS_SORT_RX_PACKETS,
	STATS_SORT_TX_PACKETS,
	STATS_SORT_RX_BYTES,
	STATS_SORT_TX_BYTES,
	STATS_SORT_PACKETS,
	STATS_SORT_BYTES, /* rx + tx: "busiest", the default with --watch or --top */
	STATS_SORT_DROPS, /* packets the kernel dropped (rows filled by stats_rows_fill_drops) */
	STATS_SORT_MAX
};

/* The names users give --sort ("address", ..., "bytes"). */
extern const char *const stats_sort_names[STATS_SORT_MAX];
/* The names of enum fabric_proto ("arp", "ipv4", ...). */
extern const char *const stats_proto_names[FABRIC_PROTO_MAX];

/* Read the whole map into @s (reused between reads; zero it first). 0 or -errno. */
int stats_snapshot_take(struct fabric_bpf *fb, struct stats_snapshot *s);
void stats_snapshot_free(struct stats_snapshot *s);

/*
 * The rows to show: every complete node of @st, or the @n_names nodes of
 * @names in their order (-ENOENT, recorded, for one that is not there).
 * *rows is malloc'd.
 */
int stats_rows_select(const struct fabric_state *st, char *const *names, size_t n_names,
		      struct stats_row **rows, size_t *n_rows);
/* Counters from @cur; rates against @prev (NULL: none). */
void stats_rows_fill(struct stats_row *rows, size_t n, const struct stats_snapshot *cur,
		     const struct stats_snapshot *prev);
/* The sum of @n rows (counters and rates). */
struct stats_row stats_rows_total(const struct stats_row *rows, size_t n);
/*
 * One row per cell that holds any of the @n rows: the sum of its nodes'
 * counters and rates, node NULL, addr = cell (so "address" order is cell
 * order), in cell order. *cells is malloc'd (NULL when @n is 0).
 */
int stats_rows_by_cell(const struct stats_row *rows, size_t n, struct stats_row **cells,
		       size_t *n_cells);
/*
 * Sort by @sort (counts, or @rates, from the largest; then by address) and
 * return how many rows to show: @top (0 = all).
 */
size_t stats_rows_order(struct stats_row *rows, size_t n, enum stats_sort sort, bool rates,
			size_t top);

#endif
