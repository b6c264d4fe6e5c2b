// SPDX-License-Identifier: GPL-2.0-only
/* A --watch frame: rates per node and in total, as text lines or one JSON object. */
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/units.h"
#include "stats/print.h"

static int name_width(const struct stats_row *rows, size_t n)
{
	int w = 5; /* "TOTAL" */

	for (size_t i = 0; i < n; i++) {
		int len = (int)strlen(rows[i].node->name);

		if (len > w)
			w = len;
	}
	return w;
}

/* JSON only: one direction's rates and totals. */
static void print_dir(struct printer *p, const char *key, double pps, double bps,
		      const struct fabric_dir_counters *d)
{
	print_open_object(p, key);
	print_double(p, "packets_per_second", NULL, pps);
	print_double(p, "bits_per_second", NULL, bps);
	print_uint(p, "packets", NULL, d->packets);
	print_uint(p, "bytes", NULL, d->bytes);
	print_close_object(p);
}

/* Text only: the four rate columns and the end of the line. */
static void print_columns(struct printer *p, const struct stats_row *r, const char *eol)
{
	char a[32], b[32], c[32], d[32];

	print_text(p, "%12s  %12s  %14s  %14s%s", format_rate(r->rx_pps, "", a, sizeof(a)),
		   format_rate(r->tx_pps, "", b, sizeof(b)),
		   format_rate(r->rx_bps, "bit/s", c, sizeof(c)),
		   format_rate(r->tx_bps, "bit/s", d, sizeof(d)), eol);
}

void stats_print_rates(struct printer *p, const struct fabric_state *st,
		       const struct stats_row *rows, size_t n, size_t shown,
		       const struct stats_snapshot *snap, double interval, const char *eol)
{
	struct stats_row total = stats_rows_total(rows, n);
	int w = name_width(rows, shown);
	char name_fmt[16], when[40], addr[INET_ADDRSTRLEN];

	snprintf(name_fmt, sizeof(name_fmt), "%%-%ds  ", w);
	format_rfc3339(&snap->real, when, sizeof(when));
	print_open_object(p, NULL);
	print_string(p, "fabric", "fabric %s  ", st->name);
	print_string(p, "time", "%s  ", when);
	print_uint(p, "timestamp_ms", NULL, timespec_epoch_ms(&snap->real));
	print_double(p, "interval", "every %gs  ", interval);
	print_text(p, "%zu node%s%s", n, n == 1 ? "" : "s", eol);
	print_text(p, "%-*s  %-15s  %4s  %12s  %12s  %14s  %14s%s", w, "NODE", "ADDRESS", "CELL",
		   "RX PKT/S", "TX PKT/S", "RX BIT/S", "TX BIT/S", eol);
	print_open_array(p, "nodes");
	for (size_t i = 0; i < shown; i++) {
		const struct stats_row *r = &rows[i];

		print_open_object(p, NULL);
		print_string(p, "name", name_fmt, r->node->name);
		print_string(p, "address", "%-15s  ", ipv4_addr_format(r->addr, addr));
		print_uint(p, "cell", "%4s  ", r->cell);
		print_int(p, "ifindex", NULL, r->node->ifindex);
		print_bool(p, "counting", NULL, r->counting);
		print_dir(p, "rx", r->rx_pps, r->rx_bps, &r->c.rx);
		print_dir(p, "tx", r->tx_pps, r->tx_bps, &r->c.tx);
		print_columns(p, r, eol);
		print_close_object(p);
	}
	print_close_array(p);
	print_open_object(p, "total");
	print_string(p, NULL, name_fmt, "TOTAL");
	print_text(p, "%-15s  %4s  ", "", "");
	print_uint(p, "nodes", NULL, n);
	print_dir(p, "rx", total.rx_pps, total.rx_bps, &total.c.rx);
	print_dir(p, "tx", total.tx_pps, total.tx_bps, &total.c.tx);
	print_columns(p, &total, eol);
	print_close_object(p);
	print_close_object(p);
}
