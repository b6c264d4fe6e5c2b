/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv6 in a fabric (dual-stack, or IPv6-only).
 *
 * Address mapping: the fabric has a prefix P/L (L <= 64; by default the
 * unique-local /48 derived from its name). Cell c gets the /64 whose
 * routing prefix is P with c in its last bits (so L + log2(cells) <= 64),
 * and slot s -- the same slot that numbers the node's IPv4 address --
 * is the interface identifier: the node of slot s has <cell /64>::s.
 * With P = fd12:3456:789a::/48 and cells of 512, lab-7 (10.42.0.7) is
 * fd12:3456:789a::7 and the node of slot 600 (10.42.2.88, cell 1) is
 * fd12:3456:789a:1::258. A cell's gateway is its gateway slot in the
 * same /64; the host's address (several cells) is slot 2 in cell 0.
 */
#ifndef FABRICCTL_FABRIC_FABRIC6_H
#define FABRICCTL_FABRIC_FABRIC6_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ipv6.h"
#include "fabric/state.h"

#define FABRIC6_CELL_PREFIX_LEN 64

/* What create is asked for: nothing, dual-stack, or IPv6 only; a prefix or none (derived). */
struct fabric6_opts {
	bool enable;
	bool only;
	bool have_prefix;
	struct ipv6_prefix prefix;
};

/*
 * Can @p hold the @n_cells /64s of a fabric? 0, or -EUSAGE with the
 * reason recorded ("... is /64: 4 cells need /62 or shorter").
 */
int fabric6_prefix_fits(const struct ipv6_prefix *p, uint32_t n_cells);

/* How many cells a fabric of @subnet and @cell_size has. */
uint32_t fabric6_n_cells(const struct ipv4_prefix *subnet, uint32_t cell_size);
/* What create checks before looking at the host: the MTU IPv6 needs, the prefix's room. */
int fabric6_create_check(const struct fabric6_opts *o, const struct ipv4_prefix *subnet,
			 unsigned int mtu, uint32_t cell_size);

/* The /64 of cell @cell. */
struct ipv6_prefix fabric6_cell_prefix(const struct fabric_state *st, uint32_t cell);
/* The node address of @slot. */
struct in6_addr fabric6_addr_of(const struct fabric_state *st, uint32_t slot);
/* The IPv6 gateway of @slot's cell. */
struct in6_addr fabric6_gateway_of(const struct fabric_state *st, uint32_t slot);
/* The gateway of cell @cell. */
struct in6_addr fabric6_cell_gateway(const struct fabric_state *st, uint32_t cell);
/* The host's address on cell 0's bridge (the gateway with one cell). */
struct in6_addr fabric6_host_addr(const struct fabric_state *st);
/*
 * The slot whose address is @a: 0 and *slot, or -EUSAGE (recorded) when
 * @a is not a node address of this fabric.
 */
int fabric6_slot_of(const struct fabric_state *st, const struct in6_addr *a, uint32_t *slot);

/*
 * Nodes of every fabric with IPv6 on this host into *@nodes6; with @fabric,
 * whether that one has IPv6 into *@is_v6 (may be NULL). 0 or -errno.
 */
int fabric6_count_nodes(const char *fabric, uint64_t *nodes6, bool *is_v6);

/* The record's "set subnet6 P/L" and "set family ipv6-only" lines (state_keys.c rows). */
int fabric6_parse_subnet6(struct fabric_state *st, const char *value);
bool fabric6_format_subnet6(const struct fabric_state *st, char *buf, size_t size);
int fabric6_parse_family(struct fabric_state *st, const char *value);
bool fabric6_format_family(const struct fabric_state *st, char *buf, size_t size);

#endif
