// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keyed lines of the fabric record (see fabric/state_keys.h): one row
 * per feature that stores something of its own in a fabric or a node.
 */
#include "fabric/state_keys.h"

const struct state_fabric_key state_fabric_keys[] = {
	{NULL, NULL, NULL},
};

const struct state_node_key state_node_keys[] = {
	{NULL, NULL, NULL},
};
