/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host limits that decide how far fabrics can grow, read from the
 * kernel (sysctls, rlimits, meminfo, BPF), judged for a number of nodes,
 * and -- only when the user asked (create --tune) -- raised, recorded and
 * restored by destroy.
 */
#ifndef FABRICCTL_LIMITS_H
#define FABRICCTL_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIMITS_MAX 24

enum limit_severity {
	LIMIT_OK,   /* fine for the size asked */
	LIMIT_WARN, /* works, but worth knowing (e.g. near the limit) */
	LIMIT_FAIL, /* this size will fail or misbehave */
};

struct host_limit {
	char name[64];       /* stable key: "net.core.netdev_max_backlog", "rlimit_nofile", ... */
	uint64_t current;    /* value now (0 when not numeric) */
	uint64_t needed;     /* what the size asked needs (0 when not numeric) */
	enum limit_severity severity;
	bool tunable;        /* a sysctl that `create --tune` may raise */
	char what[160];      /* one line: what fails and when */
	char fix[200];       /* the exact command that fixes it, "" when none needed */
};

struct limit_report {
	struct host_limit items[LIMITS_MAX];
	size_t n;
};

/**
 * limits_check() - judge this host for @n_nodes nodes in total (all
 * fabrics) whose cells hold @cell_size slots. Fills @r; never fails on a
 * limit (that is what the report says), only on -ENOMEM/-EIO.
 */
int limits_check(uint64_t n_nodes, uint32_t cell_size, struct limit_report *r);

/* Does the report hold any LIMIT_FAIL? Of those, are all tunable? */
bool limits_failed(const struct limit_report *r);
bool limits_all_tunable(const struct limit_report *r);

/**
 * tune_apply() - raise every tunable limit of @r that is too low, after
 * recording its previous value in /run/fabricctl/<fabric>/tuned (kept
 * from the first call: the value before fabricctl touched it).
 * Returns 0 or -errno.
 */
int tune_apply(const char *fabric, const struct limit_report *r);

/*
 * tune_restore() - put back what tune_apply() changed for @fabric, unless
 * another tuned fabric still exists (then it is left to the last one).
 * 0 when nothing was tuned.
 */
int tune_restore(const char *fabric);

/* Was @fabric created with --tune? */
bool tune_enabled(const char *fabric);
/* Mark @fabric as tuned (create --tune): an empty record to fill. */
int tune_enable(const char *fabric);

#endif
