// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keyed lines of the fabric record (see fabric/state_keys.h): one row
 * per feature that stores something of its own in a fabric or a node.
 */
#include "fabric/fabric6.h"
#include "fabric/state_keys.h"

const struct state_fabric_key state_fabric_keys[] = {
	{"subnet6", fabric6_parse_subnet6, fabric6_format_subnet6},
	{"family", fabric6_parse_family, fabric6_format_family},
	{NULL, NULL, NULL},
};

const struct state_node_key state_node_keys[] = {
	{NULL, NULL, NULL},
};
