// SPDX-License-Identifier: GPL-2.0-only
/* base/ipv6: strict prefix parsing, overlap, room for slots, slot mapping, derived ULA. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/errors.h"
#include "base/ipv6.h"
#include "unit.h"

static bool msg_has(const char *needle)
{
	const char *msg = fail_message();

	if (msg && strstr(msg, needle))
		return true;
	fprintf(stderr, "  message: %s (wanted \"%s\")\n", msg ? msg : "(none)", needle);
	return false;
}

static struct ipv6_prefix P(const char *text) {
	struct ipv6_prefix p = {0};

	fail_clear();
	CHECK_EQ_INT(ipv6_prefix_parse(text, &p), 0);
	return p;
}

#define CHECK_REJECT(text, why)                                                                    \
	do {                                                                                       \
		struct ipv6_prefix p_ = {.len = 7};                                                \
		fail_clear();                                                                      \
		CHECK_EQ_INT(ipv6_prefix_parse(text, &p_), -EUSAGE);                               \
		CHECK(fail_is_usage());                                                            \
		CHECK(msg_has("\"" text "\""));                                                    \
		CHECK(msg_has(why));                                                               \
		CHECK_EQ_INT(p_.len, 7);                                                           \
	} while (0)

static void
test_parse_format(void)
{
	char buf[IPV6_PREFIX_STRLEN];
	struct ipv6_prefix p = P("fd14:0:0::/48");

	CHECK_EQ_INT(p.len, 48);
	CHECK_EQ_STR(ipv6_prefix_format(&p, buf), "fd14::/48");
	p = P("FD14:1:2:3::/64");
	CHECK_EQ_STR(ipv6_prefix_format(&p, buf), "fd14:1:2:3::/64");
	p = P("::/0");
	CHECK_EQ_INT(p.len, 0);
	CHECK_REJECT("fd14::", "expected ADDRESS/PREFIX");
	CHECK_REJECT("10.236.0.0/16", "an IPv4 subnet");
	CHECK_REJECT("fd14::/129", "bad prefix length");
	CHECK_REJECT("fd14::/048", "bad prefix length");
	CHECK_REJECT("fd14::/", "bad prefix length");
	CHECK_REJECT("fd14::/4x", "bad prefix length");
	CHECK_REJECT("fd14::1/64", "did you mean fd14::/64?");
	CHECK_REJECT("fd14:1:2:3::/48", "did you mean fd14:1:2::/48?");
	CHECK_REJECT("fd14:::1/64", "bad address");
	CHECK_REJECT("::ffff:10.0.0.0/120", "bad address");
	CHECK_REJECT("fe80::%eth0/64", "bad address");
}

static void test_overlap_contains(void)
{
	struct ipv6_prefix a = P("fd14::/48"), b = P("fd14:0:0:5::/64"), c = P("fd14:1::/48");
	struct in6_addr x;

	CHECK(ipv6_prefix_overlaps(&a, &b));
	CHECK(ipv6_prefix_overlaps(&b, &a));
	CHECK(!ipv6_prefix_overlaps(&a, &c));
	CHECK(!ipv6_prefix_overlaps(&b, &c));
	inet_pton(AF_INET6, "fd14:0:0:5::1", &x);
	CHECK(ipv6_prefix_contains(&a, &x));
	CHECK(ipv6_prefix_contains(&b, &x));
	CHECK(!ipv6_prefix_contains(&c, &x));
}

static void test_holds_and_slots(void)
{
	struct ipv6_prefix p = P("fd14:0:0:7::/64"), q = P("fd14::ff00/120"), r;
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;

	CHECK(ipv6_prefix_holds(&q, 256));
	CHECK(!ipv6_prefix_holds(&q, 257));
	CHECK(ipv6_prefix_holds(&p, 65536));
	r = P("fd14::/128");
	CHECK(!ipv6_prefix_holds(&r, 2));
	CHECK(ipv6_prefix_holds(&r, 1));
	a = ipv6_slot_addr(&p, 7);
	CHECK_EQ_STR(ipv6_addr_format(&a, buf), "fd14:0:0:7::7");
	a = ipv6_slot_addr(&p, 0x1234);
	CHECK_EQ_STR(ipv6_addr_format(&a, buf), "fd14:0:0:7::1234");
	a = ipv6_slot_addr(&q, 0x12);
	CHECK_EQ_STR(ipv6_addr_format(&a, buf), "fd14::ff12");
}

static void test_ula(void)
{
	struct ipv6_prefix a, b, fd = P("fd00::/8");
	char x[IPV6_PREFIX_STRLEN], y[IPV6_PREFIX_STRLEN];

	ipv6_ula_from_name("lab", &a);
	ipv6_ula_from_name("lab", &b);
	CHECK_EQ_STR(ipv6_prefix_format(&a, x), ipv6_prefix_format(&b, y));
	CHECK_EQ_INT(a.len, IPV6_ULA_LEN);
	CHECK(ipv6_prefix_contains(&fd, &a.addr));
	ipv6_ula_from_name("lab2", &b);
	CHECK(!ipv6_prefix_overlaps(&a, &b));
	/* What is derived parses back to itself: no host bits. */
	b = P(x);
	CHECK_EQ_STR(ipv6_prefix_format(&b, y), x);
}

int main(void)
{
	test_parse_format();
	test_overlap_contains();
	test_holds_and_slots();
	test_ula();
	return unit_summary("test_ipv6");
}
