// SPDX-License-Identifier: GPL-2.0-only
/* Counters as a table or as JSON: one function per row, one call per field. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fabric/fabric6.h"
#include "base/timeutil.h"
#include "base/units.h"
#include "stats/print.h"

#define ADDR_COL "%-15s  "

/* The width of the NODE column: the longest name shown, at least "TOTAL". */
static int name_width(const struct stats_row *rows, size_t n)
{
	int w = 5;

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(rows[i].node->name);

		if (len > w)
			w = len;
	}
	return w;
}

/* JSON only: one direction's counters with the protocol breakdown. */
static void print_dir(struct printer *p, const char *key, const struct fabric_dir_counters *d)
{
	print_open_object(p, key);
	print_uint(p, "packets", NULL, d->packets);
	print_uint(p, "bytes", NULL, d->bytes);
	print_uint(p, "broadcast", NULL, d->broadcast);
	print_uint(p, "multicast", NULL, d->multicast);
	print_open_object(p, "protocols");
	for (int i = 0; i < FABRIC_PROTO_MAX; i++)
		print_uint(p, stats_proto_names[i], NULL, d->proto[i]);
	print_close_object(p);
	print_close_object(p);
}

/* Text only: the packet and byte columns ("-" for a node that is not counted). */
static void print_columns(struct printer *p, const struct fabric_counters *c, bool counting,
			  uint64_t drops)
{
	char rb[32], tb[32];

	if (!counting) {
		print_text(p, "%12s  %12s  %10s  %10s  %8s\n", "-", "-", "-", "-", "-");
		return;
	}
	print_text(p, "%12" PRIu64 "  %12" PRIu64 "  %10s  %10s  %8" PRIu64 "\n",
		   (uint64_t)c->rx.packets, (uint64_t)c->tx.packets,
		   format_bytes(c->rx.bytes, rb, sizeof(rb)),
		   format_bytes(c->tx.bytes, tb, sizeof(tb)), drops);
}

static void print_row(struct printer *p, const struct fabric_state *st, const char *name_fmt,
		      const struct stats_row *r)
{
	char addr[INET_ADDRSTRLEN];

	print_open_object(p, NULL);
	print_string(p, "name", name_fmt, r->node->name);
	print_string(p, "address", ADDR_COL, ipv4_addr_format(r->addr, addr));
	if (st->ipv6) { /* JSON only: the text table keeps its columns */
		struct in6_addr a6 = fabric6_addr_of(st, r->node->slot);
		char t6[INET6_ADDRSTRLEN];

		print_string(p, "address6", NULL, ipv6_addr_format(&a6, t6));
	}
	print_uint(p, "cell", "%4s  ", r->cell);
	print_int(p, "ifindex", NULL, r->node->ifindex);
	print_bool(p, "counting", NULL, r->counting);
	print_dir(p, "rx", &r->c.rx);
	print_dir(p, "tx", &r->c.tx);
	print_uint(p, "drops", NULL, r->drops);
	if (r->impair && *r->impair)
		print_string(p, "impair", NULL, r->impair);
	else if (r->impair)
		print_null(p, "impair", NULL);
	print_columns(p, &r->c, r->counting, r->drops);
	print_close_object(p);
}

void stats_print_counters(struct printer *p, const struct fabric_state *st,
			  const struct stats_row *rows, size_t n, size_t shown,
			  const struct stats_snapshot *snap)
{
	struct stats_row total = stats_rows_total(rows, n);
	int w = name_width(rows, shown);
	char name_fmt[16], when[40], nodes[32];

	snprintf(name_fmt, sizeof(name_fmt), "%%-%ds  ", w);
	print_open_object(p, NULL);
	print_string(p, "fabric", NULL, st->name);
	print_string(p, "time", NULL, format_rfc3339(&snap->real, when, sizeof(when)));
	print_uint(p, "timestamp_ms", NULL, timespec_epoch_ms(&snap->real));
	print_text(p, "%-*s  " ADDR_COL "%4s  %12s  %12s  %10s  %10s  %8s\n", w, "NODE", "ADDRESS",
		   "CELL", "RX PACKETS", "TX PACKETS", "RX BYTES", "TX BYTES", "DROPS");
	print_open_array(p, "nodes");
	for (size_t i = 0; i < shown; i++)
		print_row(p, st, name_fmt, &rows[i]);
	print_close_array(p);

	snprintf(nodes, sizeof(nodes), "%zu node%s", n, n == 1 ? "" : "s");
	print_open_object(p, "total");
	print_string(p, NULL, name_fmt, "TOTAL");
	print_string(p, NULL, ADDR_COL "%4s  ", nodes);
	print_uint(p, "nodes", NULL, n);
	print_dir(p, "rx", &total.c.rx);
	print_dir(p, "tx", &total.c.tx);
	print_uint(p, "drops", NULL, total.drops);
	print_columns(p, &total.c, true, total.drops);
	print_close_object(p);
	print_close_object(p);
}
