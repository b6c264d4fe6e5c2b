// SPDX-License-Identifier: GPL-2.0-only
/* IPv4 slot allocator: bitmap + rotating cursor, O(1) amortised; the subnet and cell rules. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/ipam.h"

int fabric_subnet_parse(const char *text, struct ipv4_prefix *out)
{
	struct ipv4_prefix p;
	int err = ipv4_prefix_parse(text, &p);

	if (err)
		return err;
	if (p.len < IPAM_MIN_PREFIX || p.len > IPAM_MAX_PREFIX)
		return fail_usage("invalid subnet \"%s\": prefix length must be /%d to /%d", text,
				  IPAM_MIN_PREFIX, IPAM_MAX_PREFIX);
	*out = p;
	return 0;
}

int cell_size_parse(const char *text, const char *what, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || text[0] < '1' || text[0] > '9' || v < CELL_SIZE_MIN ||
	    v > CELL_SIZE_MAX || (v & (v - 1)))
		return fail_usage("invalid %s \"%s\": expected a power of two from %d to %d", what,
				  text, CELL_SIZE_MIN, CELL_SIZE_MAX);
	*out = (uint32_t)v;
	return 0;
}

int ipam_init(struct ipam *ipam, const struct ipv4_prefix *subnet, uint32_t cell_size)
{
	memset(ipam, 0, sizeof(*ipam));
	if (subnet->len < IPAM_MIN_PREFIX || subnet->len > IPAM_MAX_PREFIX)
		return -EINVAL;
	ipam->subnet = *subnet;
	ipam->n_slots = 1u << (32 - subnet->len);
	if (cell_size == 0 || cell_size >= ipam->n_slots)
		cell_size = ipam->n_slots;
	if (cell_size & (cell_size - 1) || cell_size < 4)
		return -EINVAL;
	ipam->cell_size = cell_size;
	ipam->cursor = 0;
	ipam->bitmap = calloc((ipam->n_slots + 63) / 64, sizeof(uint64_t));
	if (!ipam->bitmap)
		return -ENOMEM;
	/* Reserved slots are marked taken (not counted in used): the search
	 * then only ever stops at slots it can hand out. */
	for (uint32_t c = 0; c < ipam_n_cells(ipam); c++) {
		uint32_t base = c * cell_size;

		ipam->bitmap[base / 64] |= 1ull << (base % 64);
		ipam->bitmap[(base + 1) / 64] |= 1ull << ((base + 1) % 64);
		ipam->bitmap[(base + cell_size - 1) / 64] |= 1ull << ((base + cell_size - 1) % 64);
	}
	if (ipam_multi_cell(ipam))
		ipam->bitmap[0] |= 1ull << IPAM_HOST_SLOT;
	return 0;
}

unsigned int ipam_cell_prefix_len(const struct ipam *ipam)
{
	return 32 - (unsigned int)__builtin_ctz(ipam->cell_size);
}

uint32_t ipam_cell_gateway_slot(const struct ipam *ipam, uint32_t cell)
{
	return cell * ipam->cell_size + IPAM_GATEWAY_SLOT;
}

void ipam_free(struct ipam *ipam)
{
	free(ipam->bitmap);
	ipam->bitmap = NULL;
}

uint32_t ipam_capacity(const struct ipam *ipam)
{
	/* a site's block: whole cells, never cell 0 (see fabric/site.h) */
	if (ipam->node_hi)
		return (ipam->node_hi - ipam->node_lo) / ipam->cell_size * (ipam->cell_size - 3);
	/* network, gateway, broadcast of every cell; the host's slot if several */
	return ipam_n_cells(ipam) * (ipam->cell_size - 3) - (ipam_multi_cell(ipam) ? 1 : 0);
}

uint32_t ipam_free_count(const struct ipam *ipam)
{
	return ipam_capacity(ipam) - ipam->used;
}

bool ipam_slot_is_node(const struct ipam *ipam, uint32_t slot)
{
	uint32_t off = slot & (ipam->cell_size - 1);

	if (slot >= ipam->n_slots || off <= IPAM_GATEWAY_SLOT || off == ipam->cell_size - 1)
		return false;
	if (ipam->node_hi && (slot < ipam->node_lo || slot >= ipam->node_hi))
		return false;
	return !(ipam_multi_cell(ipam) && slot == IPAM_HOST_SLOT);
}

bool ipam_slot_used(const struct ipam *ipam, uint32_t slot)
{
	return ipam_slot_is_node(ipam, slot) && (ipam->bitmap[slot / 64] >> (slot % 64)) & 1;
}

static void ipam_mark(struct ipam *ipam, uint32_t slot)
{
	ipam->bitmap[slot / 64] |= 1ull << (slot % 64);
	ipam->used++;
}

int ipam_claim_slot(struct ipam *ipam, uint32_t slot)
{
	if (!ipam_slot_is_node(ipam, slot))
		return -EINVAL;
	if (ipam_slot_used(ipam, slot))
		return -EEXIST;
	ipam_mark(ipam, slot);
	return 0;
}

/*
 * Search from the cursor, a 64-slot word at a time, wrapping once. The
 * cursor moves forward past what it hands out, so a fabric that only grows
 * never rescans its used slots; released slots are found on the wrap.
 */
int ipam_alloc_slot(struct ipam *ipam, uint32_t *slot)
{
	uint32_t words = (ipam->n_slots + 63) / 64;
	uint32_t s = ipam->cursor;

	if (ipam_free_count(ipam) == 0)
		return -ENOSPC;
	for (uint32_t scanned = 0; scanned <= words; scanned++) {
		uint32_t w = s / 64;
		uint64_t free_bits = ~ipam->bitmap[w] & (~0ull << (s % 64));

		if (ipam->n_slots < 64)
			free_bits &= (1ull << ipam->n_slots) - 1;
		if (free_bits) {
			uint32_t cand = w * 64 + (uint32_t)__builtin_ctzll(free_bits);

			ipam_mark(ipam, cand);
			ipam->cursor = cand + 1 < ipam->n_slots ? cand + 1 : 0;
			*slot = cand;
			return 0;
		}
		s = (w + 1) * 64;
		if (s >= ipam->n_slots)
			s = 0;
	}
	return -ENOSPC;
}

void ipam_release_slot(struct ipam *ipam, uint32_t slot)
{
	if (!ipam_slot_used(ipam, slot)) /* never frees a reserved slot */
		return;
	ipam->bitmap[slot / 64] &= ~(1ull << (slot % 64));
	ipam->used--;
}

int ipam_slot_of(const struct ipam *ipam, uint32_t addr, uint32_t *slot)
{
	if (!ipv4_prefix_contains(&ipam->subnet, addr))
		return -EINVAL;
	*slot = addr - ipam->subnet.addr;
	return 0;
}

uint32_t ipam_addr_of(const struct ipam *ipam, uint32_t slot)
{
	return ipam->subnet.addr + slot;
}
