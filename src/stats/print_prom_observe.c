// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prometheus series of the matrix and the drops. Cardinality stays that of
 * the fabric: cells x (cells + 2) matrix series at most (only cells that
 * carried traffic), drops per node and reason seen; node pairs (up to
 * FABRIC_PAIRS_MAX per fabric) only when asked.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "stats/observe.h"
#include "stats/print.h"

static void fabric_label(FILE *out, const char *name, const struct fabric_state *st)
{
	fputs(name, out);
	fputs("{fabric=\"", out);
	stats_prom_label(out, st->name);
	fputc('"', out);
}

static void print_matrix_family(FILE *out, const struct stats_prom_observe *f, size_t nf,
				bool bytes)
{
	const char *name =
		bytes ? "fabricctl_matrix_bytes_total" : "fabricctl_matrix_packets_total";

	fprintf(out,
		"# HELP %s %s sent by the nodes of cell from_cell to cell \"to\" (c<N>), outside "
		"the fabric's subnet (\"outside\") or not as IPv4 (\"non_ipv4\").\n# TYPE %s "
		"counter\n",
		name, bytes ? "Bytes" : "Packets", name);
	for (size_t k = 0; k < nf; k++) {
		const struct fabric_matrix_reading *m = f[k].m;
		unsigned int cols;

		if (!m)
			continue;
		cols = FABRIC_MATRIX_COLS(m->n_cells);
		for (unsigned int r = 0; r < m->n_cells; r++) {
			for (unsigned int c = 0; c < cols; c++) {
				const struct fabric_flow_counters *v = &m->cells[r * cols + c];

				if (!v->packets)
					continue;
				fabric_label(out, name, f[k].st);
				fprintf(out, ",from_cell=\"%u\",to=\"", r);
				if (c == FABRIC_MATRIX_OUTSIDE(m->n_cells))
					fputs("outside", out);
				else if (c == FABRIC_MATRIX_NON_IP(m->n_cells))
					fputs("non_ipv4", out);
				else
					fprintf(out, "c%u", c);
				fprintf(out, "\"} %" PRIu64 "\n",
					(uint64_t)(bytes ? v->bytes : v->packets));
			}
		}
	}
}

/* A pair's end: the node's name, or its address (a gateway, the broadcast). */
static void pair_end(FILE *out, const struct fabric_state *st, uint32_t slot)
{
	char addr[INET_ADDRSTRLEN];
	size_t lo = 0, hi = st->n_nodes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (st->nodes[mid].slot == slot) {
			stats_prom_label(out, st->nodes[mid].name);
			return;
		}
		if (st->nodes[mid].slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	fputs(ipv4_addr_format(ipam_addr_of(&st->ipam, slot), addr), out);
}

static void print_pair_family(FILE *out, const struct stats_prom_observe *f, size_t nf)
{
	fputs("# HELP fabricctl_pair_packets_total Packets from node \"from\" to node (or "
	      "address) \"to\", for the pairs the kernel's LRU keeps.\n"
	      "# TYPE fabricctl_pair_packets_total counter\n",
	      out);
	for (size_t k = 0; k < nf; k++) {
		const struct fabric_matrix_reading *m = f[k].m;

		for (size_t i = 0; m && i < m->n_pairs; i++) {
			fabric_label(out, "fabricctl_pair_packets_total", f[k].st);
			fputs(",from=\"", out);
			pair_end(out, f[k].st, m->pair_keys[i].src_slot);
			fputs("\",to=\"", out);
			pair_end(out, f[k].st, m->pair_keys[i].dst_slot);
			fprintf(out, "\"} %" PRIu64 "\n", (uint64_t)m->pairs[i].packets);
		}
	}
}

static int node_ptr_cmp(const void *a, const void *b)
{
	const struct fabric_node *x = *(const struct fabric_node *const *)a;
	const struct fabric_node *y = *(const struct fabric_node *const *)b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

/* @st's nodes sorted by host ifindex (NULL when out of memory), for the drops' join. */
static const struct fabric_node **nodes_by_ifindex(const struct fabric_state *st)
{
	const struct fabric_node **idx = calloc(st->n_nodes + 1, sizeof(*idx));

	for (size_t i = 0; idx && i < st->n_nodes; i++)
		idx[i] = &st->nodes[i];
	if (idx)
		qsort(idx, st->n_nodes, sizeof(*idx), node_ptr_cmp);
	return idx;
}

static const struct fabric_node *node_by_ifindex(const struct fabric_node **idx, size_t n,
						 int ifindex)
{
	struct fabric_node key = {.ifindex = ifindex};
	const struct fabric_node *k = &key, **hit;

	hit = idx ? bsearch(&k, idx, n, sizeof(*idx), node_ptr_cmp) : NULL;
	return hit ? *hit : NULL;
}

static void print_drops_family(FILE *out, const struct stats_prom_observe *f, size_t nf)
{
	const struct drop_reasons *r = stats_drop_reasons();

	fputs("# HELP fabricctl_node_drops_total Packets the kernel dropped on the node's host "
	      "veth (where=host_veth) or inside the node (where=node), by the kernel's drop "
	      "reason.\n# TYPE fabricctl_node_drops_total counter\n",
	      out);
	for (size_t k = 0; k < nf; k++) {
		const struct fabric_drops_reading *d = f[k].d;
		const struct fabric_node **idx = d ? nodes_by_ifindex(f[k].st) : NULL;

		for (size_t i = 0; d && i < d->n; i++) {
			const struct fabric_node *node =
				node_by_ifindex(idx, f[k].st->n_nodes, (int)d->keys[i].ifindex);
			char num[16];

			if (!node)
				continue;
			fabric_label(out, "fabricctl_node_drops_total", f[k].st);
			fputs(",node=\"", out);
			stats_prom_label(out, node->name);
			fprintf(out, "\",where=\"%s\",reason=\"%s\"} %" PRIu64 "\n",
				d->keys[i].where == FABRIC_DROP_IN_NODE ? "node" : "host_veth",
				stats_drop_reason(r, d->keys[i].reason, num, sizeof(num)),
				(uint64_t)d->packets[i]);
		}
		free(idx);
	}
}

void stats_print_prometheus_observe(FILE *out, const struct stats_prom_observe *f, size_t nf,
				    bool pairs)
{
	print_matrix_family(out, f, nf, false);
	print_matrix_family(out, f, nf, true);
	if (pairs)
		print_pair_family(out, f, nf);
	print_drops_family(out, f, nf);
	fflush(out);
}
