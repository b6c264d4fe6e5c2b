// SPDX-License-Identifier: GPL-2.0-only
/* Subnet and group choice: no cap on what is in use, every conflict skipped, exhaustion. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"
#include "base/hash.h"
#include "fabric/subnet.h"
#include "unit.h"

static void test_prefix_list_is_unbounded(void)
{
	struct prefix_list l = {0};
	struct ipv4_prefix p = {(10u << 24) | (99u << 16) | (7u << 8), 24};
	char what[48];

	/* 5000 prefixes (an earlier fixed array stopped at 512), the overlap last. */
	for (uint32_t i = 0; i < 4999; i++) {
		snprintf(what, sizeof(what), "route %u", i);
		CHECK_EQ_INT(prefix_list_add(&l, (10u << 24) | (1u << 16) | i, 32, what), 0);
	}
	CHECK(prefix_conflict(&l, &p) == NULL);
	CHECK_EQ_INT(prefix_list_add(&l, (10u << 24) | (99u << 16) | (7u << 8) | 9, 24, "last"), 0);
	CHECK_EQ_INT(l.n, 5000);
	CHECK(prefix_conflict(&l, &p) && !strcmp(prefix_conflict(&l, &p), "last"));
	/* Host bits of what is added are cleared. */
	CHECK_EQ_INT(l.items[4999].p.addr, (10u << 24) | (99u << 16) | (7u << 8));
	prefix_list_free(&l);
	CHECK(l.n == 0 && l.items == NULL);
}

static void test_subnet_choose(void)
{
	struct prefix_list l = {0};
	struct ipv4_prefix first, second;
	uint32_t start = fnv1a32("lab") % SUBNET_AUTO_COUNT;

	CHECK_EQ_INT(subnet_choose("lab", &l, &first), 0);
	CHECK_EQ_INT(first.len, SUBNET_AUTO_LEN);
	CHECK_EQ_INT(first.addr, (10u << 24) | ((SUBNET_AUTO_FIRST + start) << 16));
	/* A route inside the first choice moves it to the next free /16. */
	prefix_list_add(&l, first.addr | (7u << 8), 24, "route x");
	CHECK_EQ_INT(subnet_choose("lab", &l, &second), 0);
	CHECK(second.addr != first.addr);
	CHECK(!ipv4_prefix_overlaps(&second, &l.items[0].p));
	/* A default route is never added by the collector; a /8 covering 10/8 is: nothing left. */
	prefix_list_add(&l, 10u << 24, 8, "route 10.0.0.0/8");
	fail_clear();
	CHECK_EQ_INT(subnet_choose("lab", &l, &second), -EADDRINUSE);
	CHECK(fail_message() && strstr(fail_message(), "--subnet"));
	fail_clear();
	prefix_list_free(&l);
}

static void test_group_choose(void)
{
	uint32_t g = group_choose("lab", NULL, 0), used[3], h;

	CHECK_EQ_INT(g & ~(GROUP_BASE | GROUP_MASK), 0);
	CHECK_EQ_INT(g & 1, 0); /* live groups are even; g + 1 is the doomed one */
	/* Taken as a live group, or as a doomed one (g + 1), or by a link in g + 1. */
	used[0] = g;
	h = group_choose("lab", used, 1);
	CHECK(h != g && !(h & 1));
	used[0] = g + 1;
	CHECK(group_choose("lab", used, 1) != g);
	used[0] = g;
	used[1] = g + 2;
	used[2] = g + 5; /* the pair (g + 4, g + 5) */
	CHECK_EQ_INT(group_choose("lab", used, 3), GROUP_BASE | ((g + 6) & GROUP_MASK));
}

int main(void)
{
	test_prefix_list_is_unbounded();
	test_subnet_choose();
	test_group_choose();
	return unit_summary("test_subnet");
}
