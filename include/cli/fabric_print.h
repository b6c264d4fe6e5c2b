/* SPDX-License-Identifier: GPL-2.0-only */
/* A fabric's own fields, as create, list and show print them. */
#ifndef FABRICCTL_CLI_FABRIC_PRINT_H
#define FABRICCTL_CLI_FABRIC_PRINT_H

#include <stdbool.h>

#include "base/print.h"
#include "fabric/state.h"

/*
 * name, subnet, gateway, bridge, mtu, cell_size, cells: JSON only, or with
 * @list_row also the text columns of `fabricctl list` (NAME .. MTU).
 */
void print_fabric_fields(struct printer *p, const struct fabric_state *st, bool list_row);
/* Cells holding nodes (cell 0 always exists). */
uint32_t fabric_cells_in_use(const struct fabric_state *st);
/* Nodes that are complete (not being added or deleted). */
size_t fabric_complete_nodes(const struct fabric_state *st);
/* create's one-line summary. */
void print_created(const struct fabric_state *st);

#endif
