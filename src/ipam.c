// SPDX-License-Identifier: GPL-2.0-only
/* IPv4 slot allocator: bitmap + rotating cursor, O(1) amortised. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "ipam.h"

static uint32_t prefix_mask(unsigned int len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

int ipv4_addr_parse(const char *text, uint32_t *out)
{
	unsigned int part[4];
	char tail;

	/* inet_pton alone accepts nothing odd, but we also want no leading zeros. */
	struct in_addr a;
	if (inet_pton(AF_INET, text, &a) != 1 ||
	    sscanf(text, "%u.%u.%u.%u%c", &part[0], &part[1], &part[2], &part[3], &tail) != 4)
		return fail_usage("invalid IPv4 address \"%s\"", text);
	*out = ntohl(a.s_addr);
	return 0;
}

int ipv4_prefix_parse(const char *text, struct ipv4_prefix *out)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	char *end;
	unsigned long len;
	uint32_t a;
	size_t alen;

	if (!slash)
		return fail_usage("invalid subnet \"%s\": expected ADDRESS/PREFIX, e.g. 10.42.0.0/16", text);
	alen = (size_t)(slash - text);
	if (alen == 0 || alen >= sizeof(addr))
		return fail_usage("invalid subnet \"%s\": bad address", text);
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (ipv4_addr_parse(addr, &a) < 0) {
		fail_clear();
		return fail_usage("invalid subnet \"%s\": bad address", text);
	}
	errno = 0;
	if (slash[1] < '0' || slash[1] > '9')
		return fail_usage("invalid subnet \"%s\": bad prefix length", text);
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || len > 32)
		return fail_usage("invalid subnet \"%s\": bad prefix length", text);
	if (len < IPAM_MIN_PREFIX || len > IPAM_MAX_PREFIX)
		return fail_usage("invalid subnet \"%s\": prefix length must be /%d to /%d",
				  text, IPAM_MIN_PREFIX, IPAM_MAX_PREFIX);
	if (a & ~prefix_mask((unsigned int)len)) {
		char net[INET_ADDRSTRLEN];
		return fail_usage("invalid subnet \"%s\": host bits set (did you mean %s/%lu?)", text,
				  ipv4_addr_format(a & prefix_mask((unsigned int)len), net), len);
	}
	out->addr = a;
	out->len = (unsigned int)len;
	return 0;
}

char *ipv4_addr_format(uint32_t addr, char *buf)
{
	snprintf(buf, INET_ADDRSTRLEN, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

char *ipv4_prefix_format(const struct ipv4_prefix *p, char *buf)
{
	char a[INET_ADDRSTRLEN];

	snprintf(buf, INET_ADDRSTRLEN + 3, "%s/%u", ipv4_addr_format(p->addr, a), p->len);
	return buf;
}

bool ipv4_prefix_overlaps(const struct ipv4_prefix *a, const struct ipv4_prefix *b)
{
	unsigned int len = a->len < b->len ? a->len : b->len;

	return (a->addr & prefix_mask(len)) == (b->addr & prefix_mask(len));
}

bool ipv4_prefix_contains(const struct ipv4_prefix *p, uint32_t addr)
{
	return (addr & prefix_mask(p->len)) == p->addr;
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
