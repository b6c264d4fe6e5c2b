/* SPDX-License-Identifier: GPL-2.0-only */
/* Will this host take that many more nodes? Judged before anything is made. */
#ifndef FABRICCTL_FABRIC_ADMISSION_H
#define FABRICCTL_FABRIC_ADMISSION_H

#include <stdint.h>

#include "host/limits.h"

/* The host's facts with every fabric's node count filled in. */
int fabric_host_facts(struct host_facts *f);

/**
 * fabric_admit() - judge the host for every fabric's nodes plus @n_new more
 * in cells of @cell_size: when @fabric is tuned, raise the tunable limits
 * it outgrows; otherwise refuse (-ERANGE, recorded with every fix) a size
 * the host cannot serve. Returns 0 when the nodes may be made.
 */
int fabric_admit(const char *fabric, uint64_t n_new, uint32_t cell_size);

#endif
