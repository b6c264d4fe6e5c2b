/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keyed lines of the fabric record (format 5): how a feature stores what
 * it adds to a fabric or a node without a new record version.
 *
 *   set KEY VALUE            fabric-wide, after the header, each key once
 *   nset SLOT KEY VALUE      right after the node line of SLOT, each key once
 *
 * VALUE is one field (no spaces). A key this fabricctl does not know is
 * corruption, never skipped: a record written by a newer fabricctl is not
 * half-understood. A feature adds one row to a table in state_keys.c.
 */
#ifndef FABRICCTL_FABRIC_STATE_KEYS_H
#define FABRICCTL_FABRIC_STATE_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "fabric/state.h"

#define STATE_KEY_VALUE_MAX 200 /* fits a record line with its key and slot */

struct state_fabric_key {
	const char *key;
	/* Store @value in @st: 0, or -EINVAL when it is not a valid value. */
	int (*parse)(struct fabric_state *st, const char *value);
	/* The value to write into @buf; false when @st has none (no line). */
	bool (*format)(const struct fabric_state *st, char *buf, size_t size);
};

struct state_node_key {
	const char *key;
	int (*parse)(struct fabric_state *st, struct fabric_node *node, const char *value);
	bool (*format)(const struct fabric_state *st, const struct fabric_node *node, char *buf,
		       size_t size);
};

/* The tables, each ended by a row whose key is NULL. */
extern const struct state_fabric_key state_fabric_keys[];
extern const struct state_node_key state_node_keys[];

#endif
