/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the running fabric for the planner, writing a fabric as a lab
 * file (export, and the saved lab of fabricctl@.service), and carrying
 * out a plan with the batched core paths.
 */
#ifndef FABRICCTL_LAB_LAB_H
#define FABRICCTL_LAB_LAB_H

#include <stdio.h>

#include "fabric/fabric.h"
#include "lab/plan.h"

/*
 * lab_have_read() - the fabric @st as the planner sees it: its record, and
 * the impairments in force read from the kernel (the truth for them). A
 * node's eth0 is read when @want (may be NULL: every node) impairs it or
 * its host side is impaired. Names point into @st.
 */
int lab_have_read(struct fabric_state *st, const struct lab_spec *want, struct lab_have *out);
/* The fabric @st with the impairments @want gives its nodes (after an apply). */
int lab_have_from_spec(struct fabric_state *st, const struct lab_spec *want, struct lab_have *out);
void lab_have_free(struct lab_have *h);

/* Can this kernel make every impairment of @want? 0, or the first one it cannot, located. */
int lab_spec_supported(const struct lab_spec *want);

/*
 * lab_export_write() - @h (of fabric @st) as a lab file that apply accepts
 * and finds nothing to change in: every setting and every node's address
 * pinned, nodes grouped by impairment. 0 or -errno (recorded).
 */
int lab_export_write(FILE *out, const struct fabric_state *st, const struct lab_have *h);

/* Save @h as @st's lab under SAVED_ROOT (for fabricctl@.service). */
int lab_save(const struct fabric_state *st, const struct lab_have *h);

/* What an apply did. */
struct lab_result {
	size_t step;	     /* the step that failed (1-based), 0 when none did */
	char step_text[128]; /* what it was */
	size_t added, deleted, impaired, cleared;
};

/* Called before each step with its number and what it does. */
typedef void (*lab_step_cb)(size_t step, size_t total, const char *what, void *data);

/**
 * lab_execute() - carry out @plan for @want: create the fabric (when the
 * plan says so; @st is then filled and @lock taken), delete nodes, add
 * nodes (one batch for those without an address, then those with one),
 * then one impair call per step. The fabric is locked (@lock) on entry
 * unless the plan creates it. On failure @res->step says which step
 * failed; the steps before it are done, the failing one rolled back by
 * the core path it used. 0 or -errno (recorded, with the step).
 */
int lab_execute(const struct lab_spec *want, const struct lab_plan *plan, struct fabric_state *st,
		struct state_lock *lock, struct lab_result *res, lab_step_cb on_step,
		fabric_progress_cb progress, void *data);

#endif
