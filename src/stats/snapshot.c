// SPDX-License-Identifier: GPL-2.0-only
/* Reading a fabric's counters once, and making rows of them: join, rates, totals, order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/timeutil.h"
#include "stats/snapshot.h"

const char *const stats_sort_names[STATS_SORT_MAX] = {
	[STATS_SORT_ADDRESS] = "address",	[STATS_SORT_NAME] = "name",
	[STATS_SORT_RX_PACKETS] = "rx_packets", [STATS_SORT_TX_PACKETS] = "tx_packets",
	[STATS_SORT_RX_BYTES] = "rx_bytes",	[STATS_SORT_TX_BYTES] = "tx_bytes",
	[STATS_SORT_PACKETS] = "packets",	[STATS_SORT_BYTES] = "bytes",
	[STATS_SORT_DROPS] = "drops",
};

const char *const stats_proto_names[FABRIC_PROTO_MAX] = {
	[FABRIC_PROTO_ARP] = "arp",	  [FABRIC_PROTO_IPV4] = "ipv4",
	[FABRIC_PROTO_IPV6] = "ipv6",	  [FABRIC_PROTO_ICMP] = "icmp",
	[FABRIC_PROTO_ICMPV6] = "icmpv6", [FABRIC_PROTO_TCP] = "tcp",
	[FABRIC_PROTO_UDP] = "udp",	  [FABRIC_PROTO_OTHER] = "other",
};

static int cmp_entry(const void *a, const void *b)
{
	const struct stats_entry_index *x = a, *y = b;

	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

int stats_snapshot_take(struct fabric_bpf *fb, struct stats_snapshot *s)
{
	int err = fabric_bpf_read(fb, &s->r);

	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	clock_gettime(CLOCK_REALTIME, &s->real);
	if (err)
		return err;
	if (s->r.n > s->idx_cap) {
		struct stats_entry_index *idx = realloc(s->idx, s->r.n * sizeof(*idx));

		if (!idx)
			return fail(-ENOMEM, "cannot read the counters");
		s->idx = idx;
		s->idx_cap = s->r.n;
	}
	for (size_t i = 0; i < s->r.n; i++)
		s->idx[i] = (struct stats_entry_index){s->r.ifindex[i], (uint32_t)i};
	if (s->r.n)
		qsort(s->idx, s->r.n, sizeof(*s->idx), cmp_entry);
	return 0;
}

static const struct fabric_counters *snapshot_find(const struct stats_snapshot *s, int ifindex)
{
	struct stats_entry_index key = {(uint32_t)ifindex, 0}, *e;

	if (ifindex <= 0 || !s->r.n)
		return NULL;
	e = bsearch(&key, s->idx, s->r.n, sizeof(*s->idx), cmp_entry);
	return e ? &s->r.counters[e->i] : NULL;
}

void stats_snapshot_free(struct stats_snapshot *s)
{
	fabric_bpf_reading_free(&s->r);
	free(s->idx);
	memset(s, 0, sizeof(*s));
}

int stats_rows_select(const struct fabric_state *st, char *const *names, size_t n_names,
		      struct stats_row **rows, size_t *n_rows)
{
	size_t n = n_names ? n_names : st->n_nodes, m = 0;
	struct stats_row *r = calloc(n ? n : 1, sizeof(*r));

	if (!r)
		return fail(-ENOMEM, "cannot list the nodes of fabric \"%s\"", st->name);
	for (size_t i = 0; i < n; i++) {
		const struct fabric_node *node;

		if (n_names) {
			node = state_find_node((struct fabric_state *)st, names[i]);
			if (!node || !node_ready(node)) {
				free(r);
				return fail_msg(-ENOENT, "no node \"%s\" in fabric \"%s\"",
						names[i], st->name);
			}
		} else {
			node = &st->nodes[i];
			/* Leased but being made, or being deleted: not a node to show. */
			if (!node_ready(node))
				continue;
		}
		r[m].node = node;
		r[m].nodes = 1;
		r[m].addr = ipam_addr_of(&st->ipam, node->slot);
		r[m].cell = ipam_cell_of(&st->ipam, node->slot);
		m++;
	}
	*rows = r;
	*n_rows = m;
	return 0;
}

void stats_rows_fill(struct stats_row *rows, size_t n, const struct stats_snapshot *cur,
		     const struct stats_snapshot *prev)
{
	double dt = prev ? timespec_diff(&prev->mono, &cur->mono) : 0;

	for (size_t i = 0; i < n; i++) {
		const struct fabric_counters *c = snapshot_find(cur, rows[i].node->ifindex);
		const struct fabric_counters *p;
		struct fabric_counters zero = {0};

		rows[i].counting = c != NULL;
		rows[i].c = c ? *c : zero;
		if (!prev || dt <= 0)
			continue;
		p = snapshot_find(prev, rows[i].node->ifindex);
		/* A node re-added under the same ifindex restarts from zero. */
		if (!p || p->rx.packets > rows[i].c.rx.packets ||
		    p->tx.packets > rows[i].c.tx.packets)
			p = &zero;
		rows[i].rx_pps = (double)(rows[i].c.rx.packets - p->rx.packets) / dt;
		rows[i].tx_pps = (double)(rows[i].c.tx.packets - p->tx.packets) / dt;
		rows[i].rx_bps = (double)(rows[i].c.rx.bytes - p->rx.bytes) * 8 / dt;
		rows[i].tx_bps = (double)(rows[i].c.tx.bytes - p->tx.bytes) * 8 / dt;
	}
}

static void dir_add(struct fabric_dir_counters *sum, const struct fabric_dir_counters *d)
{
	sum->packets += d->packets;
	sum->bytes += d->bytes;
	sum->broadcast += d->broadcast;
	sum->multicast += d->multicast;
	for (int p = 0; p < FABRIC_PROTO_MAX; p++)
		sum->proto[p] += d->proto[p];
}

static void row_add(struct stats_row *sum, const struct stats_row *r)
{
	dir_add(&sum->c.rx, &r->c.rx);
	dir_add(&sum->c.tx, &r->c.tx);
	sum->rx_pps += r->rx_pps;
	sum->tx_pps += r->tx_pps;
	sum->rx_bps += r->rx_bps;
	sum->tx_bps += r->tx_bps;
	sum->drops += r->drops;
	sum->nodes += r->nodes;
	sum->counting |= r->counting;
}

struct stats_row stats_rows_total(const struct stats_row *rows, size_t n)
{
	struct stats_row t = {0};

	for (size_t i = 0; i < n; i++)
		row_add(&t, &rows[i]);
	return t;
}

static int cmp_cell(const void *a, const void *b)
{
	const struct stats_row *x = a, *y = b;

	return x->cell < y->cell ? -1 : x->cell > y->cell;
}

int stats_rows_by_cell(const struct stats_row *rows, size_t n, struct stats_row **cells,
		       size_t *n_cells)
{
	struct stats_row *c = NULL;
	size_t m = 0;

	*cells = NULL;
	*n_cells = 0;
	if (!n)
		return 0;
	c = malloc(n * sizeof(*c));
	if (!c)
		return fail(-ENOMEM, "cannot sum the traffic of the cells");
	memcpy(c, rows, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_cell);
	/* Fold runs of one cell into its first row, in place. */
	for (size_t i = 0; i < n; i++) {
		if (m && c[m - 1].cell == c[i].cell) {
			row_add(&c[m - 1], &c[i]);
			continue;
		}
		struct stats_row r = {.cell = c[i].cell, .addr = c[i].cell};

		row_add(&r, &c[i]);
		c[m++] = r;
	}
	*cells = c;
	*n_cells = m;
	return 0;
}

struct sort_ctx {
	enum stats_sort field;
	bool rates;
};

static double row_value(const struct stats_row *r, enum stats_sort f, bool rates)
{
	switch (f) {
	case STATS_SORT_RX_PACKETS:
		return rates ? r->rx_pps : (double)r->c.rx.packets;
	case STATS_SORT_TX_PACKETS:
		return rates ? r->tx_pps : (double)r->c.tx.packets;
	case STATS_SORT_RX_BYTES:
		return rates ? r->rx_bps : (double)r->c.rx.bytes;
	case STATS_SORT_TX_BYTES:
		return rates ? r->tx_bps : (double)r->c.tx.bytes;
	case STATS_SORT_PACKETS:
		return rates ? r->rx_pps + r->tx_pps : (double)(r->c.rx.packets + r->c.tx.packets);
	case STATS_SORT_BYTES:
		return rates ? r->rx_bps + r->tx_bps : (double)(r->c.rx.bytes + r->c.tx.bytes);
	case STATS_SORT_DROPS:
		return (double)r->drops; /* a count, with or without rates */
	default:
		return 0;
	}
}

static int cmp_row(const void *a, const void *b, void *arg)
{
	const struct stats_row *x = a, *y = b;
	const struct sort_ctx *ctx = arg;
	double vx, vy;

	switch (ctx->field) {
	case STATS_SORT_NAME:
		if (x->node && y->node)
			return strcmp(x->node->name, y->node->name);
		break; /* cells: by cell */
	case STATS_SORT_ADDRESS:
		break;
	default:
		vx = row_value(x, ctx->field, ctx->rates);
		vy = row_value(y, ctx->field, ctx->rates);
		if (vx != vy)
			return vx > vy ? -1 : 1; /* largest first */
		break;
	}
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

size_t stats_rows_order(struct stats_row *rows, size_t n, enum stats_sort sort, bool rates,
			size_t top)
{
	struct sort_ctx ctx = {sort, rates};

	if (n)
		qsort_r(rows, n, sizeof(*rows), cmp_row, &ctx);
	return top && top < n ? top : n;
}
