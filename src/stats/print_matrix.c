// SPDX-License-Identifier: GPL-2.0-only
/*
 * The traffic matrix: cell by cell (exact), and the busiest node pairs the
 * kernel's LRU holds, named after the record's nodes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ipv4.h"
#include "base/timeutil.h"
#include "base/units.h"
#include "stats/observe.h"

/* The node at @slot, or NULL (a gateway, the broadcast, a free slot). */
static const struct fabric_node *node_at(const struct fabric_state *st, uint32_t slot)
{
	size_t lo = 0, hi = st->n_nodes;

	while (lo < hi) { /* nodes are in slot order */
		size_t mid = (lo + hi) / 2;

		if (st->nodes[mid].slot == slot)
			return &st->nodes[mid];
		if (st->nodes[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The column's name: "c<N>", "outside" or "non_ipv4". */
static const char *column_name(unsigned int n_cells, unsigned int col, char *buf, size_t size)
{
	if (col == FABRIC_MATRIX_OUTSIDE(n_cells))
		return "outside";
	if (col == FABRIC_MATRIX_NON_IP(n_cells))
		return "non_ipv4";
	snprintf(buf, size, "c%u", col);
	return buf;
}

/* A cell that sent or received anything: the text tables leave the others out. */
static bool cell_active(const struct fabric_matrix_reading *m, unsigned int cell)
{
	unsigned int cols = FABRIC_MATRIX_COLS(m->n_cells);

	for (unsigned int k = 0; k < cols; k++)
		if (m->cells[cell * cols + k].packets)
			return true;
	for (unsigned int k = 0; k < m->n_cells; k++)
		if (m->cells[k * cols + cell].packets)
			return true;
	return false;
}

/* Text only: one table of packets or bytes, rows from, columns to (active cells). */
static void print_table(struct printer *p, const struct fabric_matrix_reading *m, bool bytes)
{
	unsigned int cols = FABRIC_MATRIX_COLS(m->n_cells);
	bool active[FABRIC_MATRIX_MAX_CELLS];
	char name[16];

	for (unsigned int c = 0; c < m->n_cells && c < FABRIC_MATRIX_MAX_CELLS; c++)
		active[c] = cell_active(m, c);
	print_text(p, "%-8s", bytes ? "BYTES" : "PACKETS");
	for (unsigned int c = 0; c < cols; c++)
		if (c >= m->n_cells || active[c])
			print_text(p, " %10s", column_name(m->n_cells, c, name, sizeof(name)));
	print_text(p, "\n");
	for (unsigned int r = 0; r < m->n_cells; r++) {
		if (!active[r])
			continue;
		print_text(p, "c%-7u", r);
		for (unsigned int c = 0; c < cols; c++) {
			if (c < m->n_cells && !active[c])
				continue;
			const struct fabric_flow_counters *f = &m->cells[r * cols + c];
			char b[32];

			if (bytes)
				print_text(p, " %10s", format_bytes(f->bytes, b, sizeof(b)));
			else
				print_text(p, " %10" PRIu64, (uint64_t)f->packets);
		}
		print_text(p, "\n");
	}
}

static int pair_cmp(const void *a, const void *b)
{
	const struct fabric_flow_counters *x = *(const struct fabric_flow_counters *const *)a;
	const struct fabric_flow_counters *y = *(const struct fabric_flow_counters *const *)b;

	if (x->packets != y->packets)
		return x->packets < y->packets ? 1 : -1;
	return x < y ? -1 : x > y;
}

static void print_end_point(struct printer *p, const struct fabric_state *st, const char *key,
			    uint32_t slot, const char *fmt)
{
	const struct fabric_node *n = node_at(st, slot);
	char addr[INET_ADDRSTRLEN], key_addr[32];

	ipv4_addr_format(ipam_addr_of(&st->ipam, slot), addr);
	if (n)
		print_string(p, key, fmt, n->name);
	else
		print_null(p, key, NULL);
	snprintf(key_addr, sizeof(key_addr), "%s_address", key);
	if (n)
		print_string(p, key_addr, NULL, addr);
	else
		print_string(p, key_addr, fmt, addr);
}

static void print_pairs(struct printer *p, const struct fabric_state *st,
			const struct fabric_matrix_reading *m, size_t top)
{
	const struct fabric_flow_counters **order = calloc(m->n_pairs + 1, sizeof(*order));
	size_t shown = top && top < m->n_pairs ? top : m->n_pairs;

	if (!order)
		shown = 0;
	for (size_t i = 0; order && i < m->n_pairs; i++)
		order[i] = &m->pairs[i];
	if (order)
		qsort(order, m->n_pairs, sizeof(*order), pair_cmp);
	print_uint(p, "pairs_kept", NULL, m->n_pairs);
	print_uint(p, "pairs_max", NULL, FABRIC_PAIRS_MAX);
	print_text(p,
		   "\nbusiest node pairs (%zu of %zu kept; the kernel keeps at most %u, the "
		   "least recently used leave first and still count in the matrix):\n",
		   shown, m->n_pairs, FABRIC_PAIRS_MAX);
	print_text(p, "%-20s %-20s %12s %10s\n", "FROM", "TO", "PACKETS", "BYTES");
	print_open_array(p, "pairs");
	for (size_t i = 0; i < shown; i++) {
		size_t k = (size_t)(order[i] - m->pairs);
		char b[32];

		print_open_object(p, NULL);
		print_end_point(p, st, "from", m->pair_keys[k].src_slot, "%-20s ");
		print_end_point(p, st, "to", m->pair_keys[k].dst_slot, "%-20s ");
		print_uint(p, "packets", "%12s ", m->pairs[k].packets);
		print_uint_as(p, "bytes", m->pairs[k].bytes, "%10s\n",
			      format_bytes(m->pairs[k].bytes, b, sizeof(b)));
		print_close_object(p);
	}
	print_close_array(p);
	free(order);
}

void stats_print_matrix(struct printer *p, const struct fabric_state *st,
			const struct fabric_matrix_reading *m, const struct timespec *when,
			size_t top_pairs)
{
	unsigned int cols = FABRIC_MATRIX_COLS(m->n_cells);
	char time[40], name[16];

	print_open_object(p, NULL);
	print_string(p, "fabric", NULL, st->name);
	print_string(p, "time", NULL, format_rfc3339(when, time, sizeof(time)));
	print_uint(p, "timestamp_ms", NULL, timespec_epoch_ms(when));
	print_uint(p, "cells", NULL, m->n_cells);
	print_text(p,
		   "fabric %s: what each cell's nodes sent (rows) to each cell (columns), outside "
		   "the fabric's subnet, or not as IPv4 (cells without traffic left out)\n",
		   st->name);
	print_table(p, m, false);
	print_text(p, "\n");
	print_table(p, m, true);
	print_open_array(p, "matrix");
	for (unsigned int r = 0; p->json && r < m->n_cells; r++) {
		for (unsigned int c = 0; c < cols; c++) {
			const struct fabric_flow_counters *f = &m->cells[r * cols + c];

			if (!f->packets)
				continue;
			print_open_object(p, NULL);
			print_uint(p, "from_cell", NULL, r);
			print_string(p, "to", NULL, column_name(m->n_cells, c, name, sizeof(name)));
			if (c < m->n_cells)
				print_uint(p, "to_cell", NULL, c);
			print_uint(p, "packets", NULL, f->packets);
			print_uint(p, "bytes", NULL, f->bytes);
			print_close_object(p);
		}
	}
	print_close_array(p);
	print_pairs(p, st, m, top_pairs);
	print_close_object(p);
}
