// SPDX-License-Identifier: GPL-2.0-only
/* A fabric's IPv6 addresses: the cell /64s and the slot mapping (see fabric/fabric6.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/fabric6.h"

static unsigned int cell_bits(uint32_t n_cells)
{
	unsigned int bits = 0;

	while (bits < 32 && (1u << bits) < n_cells)
		bits++;
	return bits;
}

int fabric6_prefix_fits(const struct ipv6_prefix *p, uint32_t n_cells)
{
	unsigned int bits = cell_bits(n_cells);
	char text[IPV6_PREFIX_STRLEN];

	if (p->len + bits <= FABRIC6_CELL_PREFIX_LEN)
		return 0;
	ipv6_prefix_format(p, text);
	if (n_cells <= 1)
		return fail_msg(-EUSAGE,
				"IPv6 prefix %s is too long: a cell takes a /64, so the prefix "
				"must be /64 or shorter",
				text);
	return fail_msg(-EUSAGE,
			"IPv6 prefix %s cannot hold the fabric's %u cells: each cell takes a "
			"/64, so the prefix must be /%u or shorter",
			text, n_cells, FABRIC6_CELL_PREFIX_LEN - bits);
}

uint32_t fabric6_n_cells(const struct ipv4_prefix *subnet, uint32_t cell_size)
{
	uint64_t slots = 1ull << (32 - subnet->len);

	if (!cell_size || cell_size >= slots)
		return 1;
	return (uint32_t)(slots / cell_size);
}

int fabric6_create_check(const struct fabric6_opts *o, const struct ipv4_prefix *subnet,
			 unsigned int mtu, uint32_t cell_size)
{
	if (mtu < FABRIC_IPV6_MIN_MTU)
		return fail_msg(-EUSAGE, "IPv6 needs an MTU of %u or more (--mtu %u)",
				FABRIC_IPV6_MIN_MTU, mtu);
	if (o->have_prefix)
		return fabric6_prefix_fits(&o->prefix, fabric6_n_cells(subnet, cell_size));
	return 0;
}

static uint64_t high64(const struct in6_addr *a)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | a->s6_addr[i];
	return v;
}

static uint64_t low64(const struct in6_addr *a)
{
	uint64_t v = 0;

	for (int i = 8; i < 16; i++)
		v = (v << 8) | a->s6_addr[i];
	return v;
}

static struct in6_addr make_addr(uint64_t hi, uint64_t lo)
{
	struct in6_addr a;

	for (int i = 7; i >= 0; i--, hi >>= 8)
		a.s6_addr[i] = (uint8_t)hi;
	for (int i = 15; i >= 8; i--, lo >>= 8)
		a.s6_addr[i] = (uint8_t)lo;
	return a;
}

struct ipv6_prefix fabric6_cell_prefix(const struct fabric_state *st, uint32_t cell)
{
	struct ipv6_prefix p = {.len = FABRIC6_CELL_PREFIX_LEN};

	p.addr = make_addr(high64(&st->subnet6.addr) | cell, 0);
	return p;
}

struct in6_addr fabric6_addr_of(const struct fabric_state *st, uint32_t slot)
{
	struct ipv6_prefix cell = fabric6_cell_prefix(st, ipam_cell_of(&st->ipam, slot));

	return make_addr(high64(&cell.addr), slot);
}

struct in6_addr fabric6_cell_gateway(const struct fabric_state *st, uint32_t cell)
{
	return fabric6_addr_of(st, ipam_cell_gateway_slot(&st->ipam, cell));
}

struct in6_addr fabric6_gateway_of(const struct fabric_state *st, uint32_t slot)
{
	return fabric6_cell_gateway(st, ipam_cell_of(&st->ipam, slot));
}

struct in6_addr fabric6_host_addr(const struct fabric_state *st)
{
	return fabric6_addr_of(st, ipam_multi_cell(&st->ipam) ? IPAM_HOST_SLOT : IPAM_GATEWAY_SLOT);
}

int fabric6_slot_of(const struct fabric_state *st, const struct in6_addr *a, uint32_t *slot)
{
	char text[INET6_ADDRSTRLEN], cidr[IPV6_PREFIX_STRLEN];
	uint64_t lo = low64(a);
	struct in6_addr want;

	if (!st->ipv6)
		return fail_msg(-EUSAGE, "fabric \"%s\" has no IPv6 (create it with --ipv6)",
				st->name);
	if (lo < st->ipam.n_slots) {
		want = fabric6_addr_of(st, (uint32_t)lo);
		if (!memcmp(&want, a, sizeof(want))) {
			*slot = (uint32_t)lo;
			return 0;
		}
	}
	return fail_msg(-EUSAGE,
			"%s is not a node address of fabric \"%s\" (%s: the cell's /64 with "
			"the node's slot as interface identifier)",
			ipv6_addr_format(a, text), st->name,
			ipv6_prefix_format(&st->subnet6, cidr));
}

int fabric6_parse_subnet6(struct fabric_state *st, const char *value)
{
	struct ipv6_prefix p;
	int err = ipv6_prefix_parse(value, &p);

	fail_clear();
	if (err || p.len > FABRIC6_CELL_PREFIX_LEN)
		return -EINVAL;
	st->subnet6 = p;
	st->ipv6 = true;
	return 0;
}

bool fabric6_format_subnet6(const struct fabric_state *st, char *buf, size_t size)
{
	char text[IPV6_PREFIX_STRLEN];

	if (!st->ipv6)
		return false;
	snprintf(buf, size, "%s", ipv6_prefix_format(&st->subnet6, text));
	return true;
}

int fabric6_parse_family(struct fabric_state *st, const char *value)
{
	if (strcmp(value, "ipv6-only"))
		return -EINVAL;
	st->ipv6_only = true;
	return 0;
}

bool fabric6_format_family(const struct fabric_state *st, char *buf, size_t size)
{
	if (!st->ipv6_only)
		return false;
	snprintf(buf, size, "ipv6-only");
	return true;
}

int fabric6_count_nodes(const char *fabric, uint64_t *nodes6, bool *is_v6)
{
	char(*names)[FABRIC_NAME_MAX + 1];
	size_t count;
	int err = state_list(&names, &count);

	*nodes6 = 0;
	if (is_v6)
		*is_v6 = false;
	if (err)
		return err;
	for (size_t i = 0; i < count; i++) {
		struct fabric_state st;

		if (state_load(names[i], &st) < 0) {
			fail_clear(); /* a broken record of another fabric counts for nothing */
			continue;
		}
		if (st.ipv6)
			*nodes6 += st.n_nodes;
		if (fabric && is_v6 && !strcmp(names[i], fabric))
			*is_v6 = st.ipv6;
		state_free(&st);
	}
	free(names);
	return 0;
}
