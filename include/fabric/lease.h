/* SPDX-License-Identifier: GPL-2.0-only */
/* Addresses for nodes about to be made: checked, leased, on record first. */
#ifndef FABRICCTL_FABRIC_LEASE_H
#define FABRICCTL_FABRIC_LEASE_H

#include <stddef.h>
#include <stdint.h>

#include "fabric/state.h"
#include "kernel/nl.h"

/* Refuse before anything is made: names taken, subnet full, a bad @addr (0: any). */
int fabric_lease_check(struct fabric_state *st, char **names, size_t n, uint32_t addr);

/*
 * Lease @n addresses (@addr for the one node, or the next free ones) and
 * save the record: the new nodes are the last @n of st->nodes, phase
 * "adding". A crash from here on leaves leases `check --repair` explains,
 * never an address handed out twice. Returns 0 or -errno (recorded).
 */
int fabric_lease_nodes(struct nl_sock *s, struct fabric_state *st, char **names, size_t n,
		       uint32_t addr);

#endif
