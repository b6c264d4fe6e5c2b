// SPDX-License-Identifier: GPL-2.0-only
/* Slot allocator: capacity, order, exhaustion, reuse, claims, a model check. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/errors.h"
#include "fabric/ipam.h"
#include "unit.h"

static struct ipv4_prefix prefix(const char *text)
{
	struct ipv4_prefix p = {0, 0};

	fail_clear();
	CHECK_EQ_INT(ipv4_prefix_parse(text, &p), 0);
	return p;
}

static void test_init(void)
{
	static const struct {
		const char *subnet;
		uint32_t n_slots, capacity;
	} cases[] = {
		{"192.168.1.0/30", 4, 1},
		{"192.168.1.8/29", 8, 5},
		{"10.1.2.0/24", 256, 253},
		{"10.42.0.0/16", 65536, 65533},
		{"10.0.0.0/13", 1u << 19, (1u << 19) - 3},
	};
	struct ipam ipam;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ipv4_prefix p = prefix(cases[i].subnet);

		CHECK_EQ_INT(ipam_init(&ipam, &p, 0), 0);
		CHECK_EQ_INT(ipam.n_slots, cases[i].n_slots);
		CHECK_EQ_INT(ipam_capacity(&ipam), cases[i].capacity);
		CHECK_EQ_INT(ipam_free_count(&ipam), cases[i].capacity);
		CHECK(!ipam_slot_is_node(&ipam, 0));
		CHECK(!ipam_slot_is_node(&ipam, IPAM_GATEWAY_SLOT));
		CHECK(ipam_slot_is_node(&ipam, 2));
		CHECK(ipam_slot_is_node(&ipam, cases[i].n_slots - 2));
		CHECK(!ipam_slot_is_node(&ipam, cases[i].n_slots - 1));
		CHECK(!ipam_slot_is_node(&ipam, cases[i].n_slots));
		CHECK(!ipam_slot_used(&ipam, 2));
		CHECK(!ipam_slot_used(&ipam, cases[i].n_slots)); /* out of range: not used */
		ipam_free(&ipam);
		CHECK(ipam.bitmap == NULL);
		ipam_free(&ipam); /* twice is harmless */
	}

	struct ipv4_prefix bad = {0x0a000000, 12};

	CHECK_EQ_INT(ipam_init(&ipam, &bad, 0), -EINVAL);
	bad.len = 31;
	CHECK_EQ_INT(ipam_init(&ipam, &bad, 0), -EINVAL);
	bad.len = 0;
	CHECK_EQ_INT(ipam_init(&ipam, &bad, 0), -EINVAL);
}

static void test_slash30(void)
{
	struct ipv4_prefix p = prefix("192.168.1.4/30");
	struct ipam ipam;
	uint32_t slot = 99;

	CHECK_EQ_INT(ipam_init(&ipam, &p, 0), 0);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 2);
	CHECK_EQ_INT(ipam_addr_of(&ipam, slot), 0xc0a80106); /* 192.168.1.6 */
	CHECK_EQ_INT(ipam_free_count(&ipam), 0);
	slot = 99;
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), -ENOSPC);
	CHECK_EQ_INT(slot, 99);
	ipam_release_slot(&ipam, 2);
	CHECK_EQ_INT(ipam_free_count(&ipam), 1);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 2);
	ipam_free(&ipam);
}

static void test_slash29(void)
{
	struct ipv4_prefix p = prefix("10.9.9.8/29");
	struct ipam ipam;
	uint32_t slot;

	CHECK_EQ_INT(ipam_init(&ipam, &p, 0), 0);
	for (uint32_t want = 2; want <= 6; want++) {
		CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
		CHECK_EQ_INT(slot, want); /* in order, from the first node slot */
		CHECK(ipam_slot_used(&ipam, slot));
		CHECK_EQ_INT(ipam_free_count(&ipam), 6 - want);
	}
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), -ENOSPC);
	CHECK_EQ_INT(ipam_free_count(&ipam), 0);
	CHECK(!ipam_slot_used(&ipam, 0));
	CHECK(!ipam_slot_used(&ipam, 1));
	CHECK(!ipam_slot_used(&ipam, 7));

	/* A released slot is found again once the cursor wraps. */
	ipam_release_slot(&ipam, 4);
	CHECK(!ipam_slot_used(&ipam, 4));
	CHECK_EQ_INT(ipam_free_count(&ipam), 1);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 4);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), -ENOSPC);

	/* Releasing what is free, or not a node slot, changes nothing. */
	ipam_release_slot(&ipam, 3);
	ipam_release_slot(&ipam, 3);
	ipam_release_slot(&ipam, 0);
	ipam_release_slot(&ipam, 1);
	ipam_release_slot(&ipam, 7);
	ipam_release_slot(&ipam, 1000);
	CHECK_EQ_INT(ipam_free_count(&ipam), 1);

	/* Claims. */
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 2), -EEXIST);
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 0), -EINVAL);
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 1), -EINVAL);
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 7), -EINVAL);
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 8), -EINVAL);
	CHECK_EQ_INT(ipam_claim_slot(&ipam, UINT32_MAX), -EINVAL);
	CHECK_EQ_INT(ipam_free_count(&ipam), 1);
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 3), 0);
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 3), -EEXIST);
	CHECK_EQ_INT(ipam_free_count(&ipam), 0);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), -ENOSPC);

	/* Address <-> slot. */
	uint32_t a;

	CHECK_EQ_INT(ipam_slot_of(&ipam, 0x0a090908, &slot), 0);
	CHECK_EQ_INT(slot, 0);
	CHECK_EQ_INT(ipam_slot_of(&ipam, 0x0a09090d, &slot), 0);
	CHECK_EQ_INT(slot, 5);
	CHECK_EQ_INT(ipam_slot_of(&ipam, 0x0a09090f, &slot), 0);
	CHECK_EQ_INT(slot, 7);
	slot = 99;
	CHECK_EQ_INT(ipam_slot_of(&ipam, 0x0a090910, &slot), -EINVAL); /* next /29 */
	CHECK_EQ_INT(ipam_slot_of(&ipam, 0x0a090907, &slot), -EINVAL); /* previous */
	CHECK_EQ_INT(ipam_slot_of(&ipam, 0, &slot), -EINVAL);
	CHECK_EQ_INT(slot, 99);
	for (uint32_t s = 0; s < 8; s++) {
		a = ipam_addr_of(&ipam, s);
		CHECK_EQ_INT(a, 0x0a090908 + s);
		CHECK_EQ_INT(ipam_slot_of(&ipam, a, &slot), 0);
		CHECK_EQ_INT(slot, s);
	}
	ipam_free(&ipam);
}

/* The cursor moves on: a fresh release is not handed out before the end. */
static void test_cursor(void)
{
	struct ipv4_prefix p = prefix("10.1.2.0/24");
	struct ipam ipam;
	uint32_t slot;

	CHECK_EQ_INT(ipam_init(&ipam, &p, 0), 0);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 2);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 3);
	ipam_release_slot(&ipam, 2);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 4);
	/* Claims beyond the cursor are skipped by it. */
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 5), 0);
	CHECK_EQ_INT(ipam_claim_slot(&ipam, 64), 0);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 6);
	/* Fill the rest (253 - 5 used): 7..254 except 64, then the wrap to 2. */
	for (uint32_t i = 0; i < 247; i++) {
		CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
		CHECK(slot != 64 && slot >= 7 && slot <= 254);
	}
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 2);
	CHECK_EQ_INT(ipam_free_count(&ipam), 0);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), -ENOSPC);
	/* The cursor is past 2: 200 comes first, then 2 on the wrap. */
	ipam_release_slot(&ipam, 2);
	ipam_release_slot(&ipam, 200);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 200);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), 0);
	CHECK_EQ_INT(slot, 2);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), -ENOSPC);
	ipam_free(&ipam);
}

static void test_slash16_full(void)
{
	struct ipv4_prefix p = prefix("10.42.0.0/16");
	struct ipam ipam;
	uint8_t *seen = calloc(65536, 1);
	uint32_t slot, bad = 0, dup = 0, out_of_order = 0, prev = 1;

	CHECK(seen != NULL);
	if (!seen)
		return;
	CHECK_EQ_INT(ipam_init(&ipam, &p, 0), 0);
	for (uint32_t i = 0; i < 65533; i++) {
		if (ipam_alloc_slot(&ipam, &slot) < 0 || !ipam_slot_is_node(&ipam, slot)) {
			bad++;
			continue;
		}
		dup += seen[slot];
		seen[slot] = 1;
		out_of_order += slot != prev + 1;
		prev = slot;
	}
	/* One check per property, not 65533 of them. */
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(dup, 0);
	CHECK_EQ_INT(out_of_order, 0);
	CHECK_EQ_INT(prev, 65534);
	CHECK(!seen[0] && !seen[1] && !seen[65535]);
	CHECK_EQ_INT(ipam.used, 65533);
	CHECK_EQ_INT(ipam_free_count(&ipam), 0);
	CHECK_EQ_INT(ipam_alloc_slot(&ipam, &slot), -ENOSPC);

	/* Release a scattered handful, across word boundaries; all come back. */
	static const uint32_t holes[] = {2, 63, 64, 65, 127, 128, 4097, 65471, 65472, 65534};
	uint32_t got = 0;

	for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++)
		ipam_release_slot(&ipam, holes[i]);
	CHECK_EQ_INT(ipam_free_count(&ipam), 10);
	memset(seen, 0, 65536);
	while (ipam_alloc_slot(&ipam, &slot) == 0)
		if (!seen[slot]++)
			got++;
	CHECK_EQ_INT(got, 10);
	for (size_t i = 0; i < sizeof(holes) / sizeof(holes[0]); i++)
		CHECK(seen[holes[i]] == 1);
	ipam_free(&ipam);
	free(seen);
}

/* xorshift32: the same sequence on every libc. */
static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Random alloc/claim/release checked against a plain array. */
static void model_check(const char *subnet, unsigned int ops)
{
	struct ipv4_prefix p = prefix(subnet);
	struct ipam ipam;
	bool *used;
	uint32_t n, n_used = 0, mismatches = 0, slot;
	unsigned int allocs = 0, full = 0, claims = 0, releases = 0;

	CHECK_EQ_INT(ipam_init(&ipam, &p, 0), 0);
	n = ipam.n_slots;
	used = calloc(n, sizeof(*used));
	CHECK(used != NULL);
	if (!used)
		return;
	for (unsigned int i = 0; i < ops; i++) {
		uint32_t r = rng() % 100;
		int ret;

		if (r < 50) {
			ret = ipam_alloc_slot(&ipam, &slot);
			if (n_used == n - 3) {
				full++;
				mismatches += ret != -ENOSPC;
			} else if (ret != 0 || !ipam_slot_is_node(&ipam, slot) || used[slot]) {
				mismatches++;
			} else {
				allocs++;
				used[slot] = true;
				n_used++;
			}
		} else if (r < 65) {
			/* Any slot, including network/gateway/broadcast/out of range. */
			slot = rng() % (n + 2);
			ret = ipam_claim_slot(&ipam, slot);
			if (slot < 2 || slot >= n - 1) {
				mismatches += ret != -EINVAL;
			} else if (used[slot]) {
				mismatches += ret != -EEXIST;
			} else {
				claims++;
				mismatches += ret != 0;
				used[slot] = true;
				n_used++;
			}
		} else {
			slot = rng() % n;
			/* Mostly release a used slot: walk forward to the next one. */
			for (uint32_t k = 0; k < n && !used[slot] && r < 95; k++)
				slot = (slot + 1) % n;
			ipam_release_slot(&ipam, slot);
			if (used[slot]) {
				releases++;
				used[slot] = false;
				n_used--;
			}
		}
		mismatches += ipam_free_count(&ipam) != n - 3 - n_used;
		mismatches += ipam_slot_used(&ipam, slot) != used[slot < n ? slot : 0];
	}
	for (uint32_t s = 0; s < n; s++)
		mismatches += ipam_slot_used(&ipam, s) != used[s];
	if (mismatches)
		fprintf(stderr, "  model %s: %u mismatches\n", subnet, mismatches);
	CHECK_EQ_INT(mismatches, 0);
	/* The sequence really exercised every path. */
	CHECK(allocs > 0 && claims > 0 && releases > 0);
	if (n < 200)
		CHECK(full > 0);
	ipam_free(&ipam);
	free(used);
}

int main(void)
{
	test_init();
	test_slash30();
	test_slash29();
	test_cursor();
	test_slash16_full();
	model_check("10.7.0.0/26", 10000);
	model_check("10.7.0.0/22", 10000);
	model_check("10.7.0.0/30", 2000);
	fail_clear();
	return unit_summary("test_ipam");
}
