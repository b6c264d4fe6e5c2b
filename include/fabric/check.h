/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Consistency between a fabric's record and the kernel, and its repair.
 * The kernel is the source of truth for what exists; the record for what
 * was meant (leases, names). A crash at any point of add-node, del-node or
 * destroy leaves a difference listed here and mended by --repair.
 */
#ifndef FABRICCTL_FABRIC_CHECK_H
#define FABRICCTL_FABRIC_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "fabric/state.h"

struct check_problem {
	char kind[24];		      /* stable snake_case: half_made_node, missing_veth, ... */
	char node[NODE_NAME_MAX + 1]; /* "" when not about a node */
	char object[64];	      /* the link, namespace, map entry... concerned */
	char detail[160];
	bool repaired;
};

struct check_report {
	struct check_problem *items;
	size_t n, cap;
};

/**
 * fabric_check() - compare the locked fabric @st with the kernel; with
 * @repair, make them agree (removing half-made nodes, stray links and
 * counters; re-attaching programs; bringing links up; fixing the record).
 * Idempotent. Returns 0 (the report says what was found) or -errno when
 * the kernel could not be read.
 */
int fabric_check(struct fabric_state *st, bool repair, struct check_report *r);
void check_report_free(struct check_report *r);
/* Problems found and not repaired. */
size_t check_unrepaired(const struct check_report *r);

#endif
