/* SPDX-License-Identifier: GPL-2.0-only */
/* Host limits raised for a fabric made with --tune, and put back by destroy. */
#ifndef FABRICCTL_FABRIC_TUNING_H
#define FABRICCTL_FABRIC_TUNING_H

#include <stdbool.h>

#include "host/limits.h"

/* Was @fabric created with --tune? */
bool tune_enabled(const char *fabric);
/* Mark @fabric as tuned (create --tune): an empty record to fill. */
int tune_enable(const char *fabric);

/**
 * tune_apply() - raise every tunable limit of @r that is too low (to what
 * it needs and an eighth more), after
 * recording its previous value in the fabric's record (kept from the first
 * call: the value before fabricctl touched it). Returns 0 or -errno.
 */
int tune_apply(const char *fabric, const struct limit_report *r);

/*
 * tune_restore() - put back what tune_apply() changed for @fabric, unless
 * another tuned fabric still exists (then it inherits the record).
 * 0 when nothing was tuned.
 */
int tune_restore(const char *fabric);

#endif
