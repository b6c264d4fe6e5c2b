// SPDX-License-Identifier: GPL-2.0-only
/* stats rows: the per-cell sums top shows (stats_rows_by_cell), totals, and ordering of cell rows.
 */
#include <stdlib.h>

#include "stats/snapshot.h"
#include "unit.h"

static struct fabric_node nodes[5] = {
	{.name = "e"}, {.name = "d"}, {.name = "c"}, {.name = "b"}, {.name = "a"}};

static struct stats_row node_row(int i, uint32_t cell, uint64_t rx, uint64_t tx, double rx_bps)
{
	struct stats_row r = {.node = &nodes[i], .nodes = 1, .cell = cell, .addr = (uint32_t)i};

	r.counting = true;
	r.c.rx.packets = rx;
	r.c.rx.bytes = rx * 100;
	r.c.tx.packets = tx;
	r.rx_pps = (double)rx;
	r.rx_bps = rx_bps;
	return r;
}

int main(void)
{
	/* Cells out of order, one cell (2) with three nodes. */
	struct stats_row rows[5] = {node_row(0, 2, 10, 1, 800), node_row(1, 0, 20, 2, 10),
				    node_row(2, 2, 30, 3, 100), node_row(3, 5, 40, 4, 5),
				    node_row(4, 2, 50, 5, 1)};
	struct stats_row *cells, total;
	size_t n;

	CHECK_EQ_INT(stats_rows_by_cell(rows, 5, &cells, &n), 0);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_INT(cells[0].cell, 0);
	CHECK_EQ_INT(cells[1].cell, 2);
	CHECK_EQ_INT(cells[2].cell, 5);
	CHECK(cells[1].node == NULL);
	CHECK_EQ_INT(cells[1].nodes, 3);
	CHECK_EQ_INT(cells[1].c.rx.packets, 90);
	CHECK_EQ_INT(cells[1].c.rx.bytes, 9000);
	CHECK_EQ_INT(cells[1].c.tx.packets, 9);
	CHECK_EQ_INT((long long)cells[1].rx_bps, 901);
	CHECK_EQ_INT(cells[0].nodes, 1);
	CHECK_EQ_INT(cells[2].c.rx.packets, 40);
	/* The cells sum to the total of the nodes. */
	total = stats_rows_total(rows, 5);
	struct stats_row sum = stats_rows_total(cells, n);
	CHECK_EQ_INT(sum.c.rx.packets, total.c.rx.packets);
	CHECK_EQ_INT(sum.c.tx.packets, total.c.tx.packets);
	CHECK_EQ_INT(sum.nodes, 5);
	CHECK_EQ_INT(total.nodes, 5);
	/* Rates order the cells; "name" falls back to cell order (no node). */
	CHECK_EQ_INT(stats_rows_order(cells, n, STATS_SORT_RX_BYTES, true, 0), 3);
	CHECK_EQ_INT(cells[0].cell, 2);
	CHECK_EQ_INT(cells[1].cell, 0);
	CHECK_EQ_INT(cells[2].cell, 5);
	stats_rows_order(cells, n, STATS_SORT_NAME, true, 0);
	CHECK_EQ_INT(cells[0].cell, 0);
	CHECK_EQ_INT(cells[2].cell, 5);
	/* The input rows are untouched. */
	CHECK_EQ_INT(rows[0].cell, 2);
	CHECK(rows[0].node == &nodes[0]);
	free(cells);
	/* No rows: no cells, no allocation. */
	CHECK_EQ_INT(stats_rows_by_cell(rows, 0, &cells, &n), 0);
	CHECK_EQ_INT(n, 0);
	CHECK(cells == NULL);
	return unit_summary("test_stats_rows");
}
