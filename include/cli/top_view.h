/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `fabricctl top` draws, with ncurses: a header (fabric totals, cells,
 * time, interval), then rows of nodes or of cells under a table of columns.
 * A new column is one entry in the column table of top_view.c; sorting and
 * drawing follow from it.
 */
#ifndef FABRICCTL_CLI_TOP_VIEW_H
#define FABRICCTL_CLI_TOP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/state.h"
#include "stats/snapshot.h"

/* What the screen shows; the rows are owned by the caller. */
struct top_view {
	const struct fabric_state *st;
	const struct stats_snapshot *snap; /* the last reading (its time) */
	double interval;		   /* seconds between readings */
	bool have_rates;		   /* a second reading was taken */
	bool have_drops;		   /* the drop counters are readable */
	bool have_peers;		   /* the node pairs are readable */
	bool cells;			   /* rows are cells (else nodes) */
	bool in_cell;			   /* node rows of one cell only (drilled in) */
	uint32_t cell;			   /* that cell */
	enum stats_sort sort;
	const struct stats_row *rows; /* in the order to show */
	size_t n_rows;
	const struct stats_row *total; /* over every node of the fabric */
	uint32_t n_cells;	       /* cells holding nodes */
	size_t first;		       /* the first row on screen (scrolling) */
	size_t selected;	       /* the highlighted row (cells view) */
	bool help;		       /* the key help instead of the rows */
	const char *message;	       /* a line under the header, or NULL */
};

/* Rows that fit under the header on a screen of @lines lines. */
int top_view_page(int lines);
/* Draw @v on stdscr (erase + draw; refresh() sends only what changed). */
void top_view_draw(const struct top_view *v);
/* The sort a key selects ('n', 'a', '1'...), or STATS_SORT_MAX for none. */
enum stats_sort top_view_sort_key(int key);
/* The sortable column after (@step 1) or before (-1) @sort, cycling. */
enum stats_sort top_view_sort_next(enum stats_sort sort, int step);

#endif
