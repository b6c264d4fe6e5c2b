/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Choosing what a new fabric may use: a subnet that overlaps nothing the
 * host has (other fabrics, addresses, routes) and a pair of interface
 * groups no other fabric or link uses. Pure: the caller collects what is
 * in use, so every rule is unit-tested.
 */
#ifndef FABRICCTL_FABRIC_SUBNET_H
#define FABRICCTL_FABRIC_SUBNET_H

#include <stddef.h>
#include <stdint.h>

#include "base/ipv4.h"

/* Automatic subnets: 10.<SUBNET_AUTO_FIRST + k>.0.0/16, k < SUBNET_AUTO_COUNT. */
#define SUBNET_AUTO_FIRST 64
#define SUBNET_AUTO_COUNT 190 /* 10.64.0.0/16 .. 10.253.0.0/16 */
#define SUBNET_AUTO_LEN 16

/*
 * Interface groups: a fabric's links are in GROUP_BASE | an even number
 * (the odd one beside it was the "doomed" group of older versions, still
 * kept free); scratch groups for one bulk delete have the top bit set.
 */
#define GROUP_BASE 0x4fab0000u
#define GROUP_MASK 0xfffeu
#define SCRATCH_GROUP_BIT 0x80000000u

struct used_prefix {
	struct ipv4_prefix p;
	char what[48]; /* "fabric lab", "route 10.42.0.0/16", "address 10.1.2.3/24" */
};

/* Everything a new subnet must not overlap, of any size. */
struct prefix_list {
	struct used_prefix *items;
	size_t n, cap;
};

/* Add @addr/@len (host bits cleared) described as @what: 0 or -ENOMEM. */
int prefix_list_add(struct prefix_list *l, uint32_t addr, unsigned int len, const char *what);
void prefix_list_free(struct prefix_list *l);
/* What @p overlaps, or NULL. */
const char *prefix_conflict(const struct prefix_list *l, const struct ipv4_prefix *p);

/*
 * A 10.x.0.0/16 picked from the hash of @name, skipping every conflict.
 * 0 and *out, or -EADDRINUSE (recorded) when all SUBNET_AUTO_COUNT are taken.
 */
int subnet_choose(const char *name, const struct prefix_list *used, struct ipv4_prefix *out);

/*
 * A live group (even) from the hash of @name whose pair (g, g + 1) is not
 * in @used (groups of other fabrics and of every link on the host).
 */
uint32_t group_choose(const char *name, const uint32_t *used, size_t n_used);

#endif
