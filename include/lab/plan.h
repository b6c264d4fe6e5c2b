/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The plan of an apply: the difference between the lab a file wants and
 * the fabric that runs, as steps the batched core paths carry out. Pure:
 * it reads two descriptions and writes a third; the kernel is read before
 * (lab_actual_read) and changed after (lab_execute).
 */
#ifndef FABRICCTL_LAB_PLAN_H
#define FABRICCTL_LAB_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ipv4.h"
#include "base/notes.h"
#include "fabric/state.h"
#include "kernel/netem.h"
#include "lab/spec.h"

/* One node of the running fabric as the planner sees it. */
struct lab_have_node {
	const char *name;
	uint32_t addr;
	bool ready;	       /* not half-made or half-deleted */
	bool impaired;	       /* our qdisc on either side */
	bool sides_differ;     /* the two sides are not the same (a half-done change) */
	struct netem_params p; /* the host side's (or eth0's when only it has one) */
};

/* The running fabric (exists false: none). */
struct lab_have {
	bool exists;
	struct ipv4_prefix subnet;
	unsigned int mtu;
	uint32_t cell_size;
	bool tune;
	struct lab_have_node *nodes;
	size_t n_nodes;
};

enum lab_impair_action { LAB_IMPAIR_SET, LAB_IMPAIR_CHANGE, LAB_IMPAIR_CLEAR };

/* One batched impair call: nodes that get the same impairment. */
struct lab_impair_step {
	enum lab_impair_action action;
	size_t impair;	    /* index into the spec's impairs (0 for a clear) */
	const char **names; /* the nodes, in file order (a clear: the fabric's order) */
	size_t n;
};

struct lab_plan {
	bool create;
	struct notes refused; /* "FILE:LINE:COL: why" for each change that cannot be made */
	size_t *add;	      /* indexes into the spec's nodes */
	size_t n_add;
	const char **del; /* names of the running fabric's nodes */
	size_t n_del;
	struct lab_impair_step *steps;
	size_t n_steps;
};

/*
 * lab_plan_make() - what to do so that @have becomes @want: nodes to add
 * (in file order) and to delete, impairments to set, change and clear
 * (one step per distinct impairment), and the changes that cannot be made
 * in place (subnet, mtu, cell-size, tune, a kept node's address, a node
 * half-made by a crash) in @out->refused. Names in @out point into @want
 * and @have. 0 or -ENOMEM.
 */
int lab_plan_make(const struct lab_spec *want, const struct lab_have *have, struct lab_plan *out);
/* Nothing to do (and nothing refused). */
bool lab_plan_empty(const struct lab_plan *p);
void lab_plan_free(struct lab_plan *p);

/* Do two impairments say the same? */
bool lab_impair_equal(const struct netem_params *a, const struct netem_params *b);

/*
 * "delay 20ms jitter 2ms loss 0.5% rate 100mbit" ("none" when empty), or
 * with @yaml "{delay: 20ms, jitter: 2ms, ...}", in units that read back
 * exactly, into @buf; returns @buf.
 */
char *lab_impair_text(const struct netem_params *p, char *buf, size_t size, bool yaml);

#endif
