/* SPDX-License-Identifier: GPL-2.0-only */
/* The forms a fabric's traffic is printed in: table or JSON, --watch frames, Prometheus text. */
#ifndef FABRICCTL_STATS_PRINT_H
#define FABRICCTL_STATS_PRINT_H

#include <stdio.h>

#include "base/print.h"
#include "stats/snapshot.h"

/*
 * Counters of the first @shown of @n rows (the TOTAL covers all @n): in
 * text a table (node, address, cell, rx/tx packets and bytes, TOTAL), in
 * JSON every counter, the per-protocol breakdown and the time of @snap.
 */
void stats_print_counters(struct printer *p, const struct fabric_state *st,
			  const struct stats_row *rows, size_t n, size_t shown,
			  const struct stats_snapshot *snap);

/*
 * One --watch frame of rates over @interval seconds. @eol ends each text
 * line ("\033[K\n" on a terminal clears the rest of it); JSON is one line.
 */
void stats_print_rates(struct printer *p, const struct fabric_state *st,
		       const struct stats_row *rows, size_t n, size_t shown,
		       const struct stats_snapshot *snap, double interval, const char *eol);

/*
 * Prometheus text exposition of @n rows: fabricctl_node_info and the
 * fabricctl_node_*_total counters with labels fabric, node, direction
 * (and protocol).
 */
void stats_print_prometheus(FILE *out, const struct fabric_state *st, const struct stats_row *rows,
			    size_t n);

/* One fabric's rows, for an exposition that covers several fabrics. */
struct stats_prom_fabric {
	const struct fabric_state *st;
	const struct stats_row *rows;
	size_t n;
};

/* stats_print_prometheus() over @nf fabrics, each family's samples grouped under one HELP/TYPE. */
void stats_print_prometheus_fabrics(FILE *out, const struct stats_prom_fabric *f, size_t nf);

/* A Prometheus label value: backslash, double quote and newline escaped. */
void stats_prom_label(FILE *out, const char *s);

#endif
