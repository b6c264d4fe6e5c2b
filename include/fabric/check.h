/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Consistency between a fabric's record and the kernel, and its repair.
 * The kernel is the source of truth for what exists; the record for what
 * was meant (leases, names). Every piece that makes a node work is
 * checked (namespace, veth, bridge port, up, counters, tc programs, eth0
 * up, its address and default route) and every piece of the fabric
 * (bridges, router and legs, gateway and host addresses, host route, pins);
 * a crash at any step of any command leaves a difference listed here and
 * mended by one --repair. Foreign objects are named as such and left alone.
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
	char detail[200];
	bool foreign;  /* about an object that is not ours: never touched */
	bool repaired; /* --repair mended it (verified by a second look) */
};

struct check_report {
	struct check_problem *items;
	size_t n, cap;
};

/**
 * fabric_check() - compare the locked fabric @st with the kernel; with
 * @repair, make them agree, then look again: a problem counts as repaired
 * only when the second look does not find it. Returns 0 (the report says
 * what was found) or -errno when the kernel could not be read.
 */
int fabric_check(struct fabric_state *st, bool repair, struct check_report *r);
void check_report_free(struct check_report *r);
/* Problems found and not repaired. */
size_t check_unrepaired(const struct check_report *r);

#endif
