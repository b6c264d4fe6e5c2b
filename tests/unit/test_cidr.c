// SPDX-License-Identifier: GPL-2.0-only
/* fabric_subnet_parse (ipv4_prefix_parse + the /13-/30 rule), ipv4_addr_parse/format, overlap and
 * containment. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/errors.h"
#include "base/ipv4.h"
#include "fabric/ipam.h"
#include "unit.h"

/* Does the recorded error mention @needle? Prints it when not. */
static bool msg_has(const char *needle)
{
	const char *msg = fail_message();

	if (msg && strstr(msg, needle))
		return true;
	fprintf(stderr, "  message: %s (wanted \"%s\")\n", msg ? msg : "(none)", needle);
	return false;
}

#define CHECK_ACCEPT(text, want_addr, want_len)                                                    \
	do {                                                                                       \
		struct ipv4_prefix p_ = {0};                                                       \
		fail_clear();                                                                      \
		CHECK_EQ_INT(fabric_subnet_parse(text, &p_), 0);                                   \
		CHECK_EQ_INT(p_.addr, want_addr);                                                  \
		CHECK_EQ_INT(p_.len, want_len);                                                    \
		CHECK(fail_message() == NULL);                                                     \
	} while (0)

/* Rejected as a usage error whose message quotes the input and says why. */
#define CHECK_REJECT(text, why)                                                                    \
	do {                                                                                       \
		struct ipv4_prefix p_ = {0x01020304, 7};                                           \
		fail_clear();                                                                      \
		CHECK_EQ_INT(fabric_subnet_parse(text, &p_), -EUSAGE);                             \
		CHECK(fail_is_usage());                                                            \
		CHECK(msg_has("\"" text "\""));                                                    \
		CHECK(msg_has(why));                                                               \
		CHECK_EQ_INT(p_.addr, 0x01020304); /* untouched on error */                        \
		CHECK_EQ_INT(p_.len, 7);                                                           \
	} while (0)

static void test_prefix_parse(void)
{
	CHECK_ACCEPT("10.42.0.0/16", 0x0a2a0000, 16);
	CHECK_ACCEPT("10.0.0.0/13", 0x0a000000, 13);
	CHECK_ACCEPT("10.8.0.0/13", 0x0a080000, 13);
	CHECK_ACCEPT("192.168.1.0/30", 0xc0a80100, 30);
	CHECK_ACCEPT("192.168.1.4/30", 0xc0a80104, 30);
	CHECK_ACCEPT("172.16.0.0/24", 0xac100000, 24);
	CHECK_ACCEPT("255.255.255.252/30", 0xfffffffc, 30);
	CHECK_ACCEPT("0.0.0.0/13", 0, 13);
	/* strtoul after a digit check: a leading zero in the length is harmless. */
	CHECK_REJECT("10.42.0.0/016", "bad prefix length"); /* a leading zero is not /16 */
	CHECK_REJECT("10.42.0.0/024", "bad prefix length");

	CHECK_REJECT("", "expected ADDRESS/PREFIX");
	CHECK_REJECT("abc", "expected ADDRESS/PREFIX");
	CHECK_REJECT("10.0.0.0", "expected ADDRESS/PREFIX");
	CHECK_REJECT("10.0.0.0/", "bad prefix length");
	CHECK_REJECT("10.0.0.1/24", "host bits set (did you mean 10.0.0.0/24?)");
	CHECK_REJECT("10.42.1.0/16", "did you mean 10.42.0.0/16?");
	CHECK_REJECT("10.0.0.0/33", "bad prefix length");
	CHECK_REJECT("10.0.0.0/12", "prefix length must be /13 to /30");
	CHECK_REJECT("10.0.0.0/8", "prefix length must be /13 to /30");
	CHECK_REJECT("10.0.0.0/31", "prefix length must be /13 to /30");
	CHECK_REJECT("10.0.0.0/32", "prefix length must be /13 to /30");
	CHECK_REJECT("0.0.0.0/0", "prefix length must be /13 to /30");
	CHECK_REJECT("10.0.0.0/-1", "bad prefix length");
	CHECK_REJECT("10.0.0.0/+16", "bad prefix length");
	CHECK_REJECT("10.0.0.0/ 16", "bad prefix length");
	CHECK_REJECT("10.0.0.0/8x", "bad prefix length");
	CHECK_REJECT("10.0.0.0/16 ", "bad prefix length");
	CHECK_REJECT("10.0.0.0/16/16", "bad prefix length");
	CHECK_REJECT("10.0.0.0/0x10", "bad prefix length");
	CHECK_REJECT("10.0.0.0/99999999999999999999999", "bad prefix length");
	CHECK_REJECT("10.0.0.0/4294967312", "bad prefix length"); /* 2^32 + 16 */
	CHECK_REJECT("256.0.0.0/16", "bad address");
	CHECK_REJECT("10.0.0/16", "bad address");
	CHECK_REJECT("10.0.0.0.0/16", "bad address");
	CHECK_REJECT(" 10.0.0.0/16", "bad address");
	CHECK_REJECT("10.0.0.0 /16", "bad address");
	CHECK_REJECT("/16", "bad address");
	CHECK_REJECT("10.0.0.-0/16", "bad address");
	CHECK_REJECT("0x0a.0.0.0/16", "bad address");
	CHECK_REJECT("10.0.0.0000000000000/16", "bad address"); /* >= INET_ADDRSTRLEN */
	/* glibc's inet_pton refuses leading zeros (no octal surprise). */
	CHECK_REJECT("010.0.0.0/16", "bad address");
	CHECK_REJECT("10.00.0.0/16", "bad address");
}

static void test_addr_parse_format(void)
{
	static const char *const round_trip[] = {
		"0.0.0.0", "10.42.1.2", "192.168.255.254", "255.255.255.255", "1.2.3.4",
	};
	static const char *const bad[] = {
		"",	    "1.2.3",	"1.2.3.4.5", "256.1.1.1", "1.2.3.4 ",  " 1.2.3.4",
		"1.2.3.-4", "01.2.3.4", "1..2.3",    "a.b.c.d",	  "1.2.3.4/8", "::1",
	};
	char buf[INET_ADDRSTRLEN];
	uint32_t a;

	for (size_t i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++) {
		fail_clear();
		a = 0xdeadbeef;
		CHECK_EQ_INT(ipv4_addr_parse(round_trip[i], &a), 0);
		CHECK_EQ_STR(ipv4_addr_format(a, buf), round_trip[i]);
	}
	CHECK_EQ_INT(ipv4_addr_parse("10.42.1.2", &a), 0);
	CHECK_EQ_INT(a, 0x0a2a0102); /* host byte order */
	CHECK_EQ_INT(ipv4_addr_parse("255.255.255.255", &a), 0);
	CHECK_EQ_INT(a, 0xffffffffu);
	CHECK(ipv4_addr_format(0x0a000001, buf) == buf);
	CHECK_EQ_STR(buf, "10.0.0.1");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fail_clear();
		a = 0xdeadbeef;
		CHECK_EQ_INT(ipv4_addr_parse(bad[i], &a), -EUSAGE);
		CHECK_EQ_INT(a, 0xdeadbeef);
		CHECK(fail_is_usage());
		CHECK(msg_has("invalid IPv4 address"));
	}
	fail_clear();

	struct ipv4_prefix p = {0x0a2a0000, 16};
	char pbuf[19];

	CHECK(ipv4_prefix_format(&p, pbuf) == pbuf);
	CHECK_EQ_STR(pbuf, "10.42.0.0/16");
	p = (struct ipv4_prefix){0xfffffffc, 30};
	CHECK_EQ_STR(ipv4_prefix_format(&p, pbuf), "255.255.255.252/30"); /* 18 chars */
	CHECK_EQ_INT(strlen(pbuf), 18);
}

static struct ipv4_prefix pfx(const char *text)
{
	struct ipv4_prefix p = {0, 0};
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');

	/* Not ipv4_prefix_parse: these go outside its /13../30 range. */
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	fail_clear();
	CHECK_EQ_INT(ipv4_addr_parse(addr, &p.addr), 0);
	p.len = (unsigned int)atoi(slash + 1);
	return p;
}

static void test_overlaps(void)
{
	static const struct {
		const char *a, *b;
		bool overlap;
	} cases[] = {
		{"10.42.0.0/16", "10.42.0.0/16", true},	     /* same */
		{"10.0.0.0/8", "10.42.0.0/16", true},	     /* nested */
		{"10.42.0.0/16", "10.42.7.0/24", true},	     /* nested */
		{"10.42.0.0/16", "10.42.255.252/30", true},  /* nested at the end */
		{"10.40.0.0/13", "10.47.0.0/16", true},	     /* last /16 of a /13 */
		{"10.40.0.0/13", "10.48.0.0/16", false},     /* adjacent after */
		{"10.40.0.0/13", "10.39.0.0/16", false},     /* adjacent before */
		{"10.42.0.0/16", "10.43.0.0/16", false},     /* adjacent */
		{"10.42.0.0/24", "10.42.1.0/24", false},     /* adjacent */
		{"192.168.1.0/30", "192.168.1.4/30", false}, /* adjacent */
		{"10.42.0.0/16", "192.168.0.0/16", false},   /* disjoint */
		{"0.0.0.0/0", "192.168.0.0/16", true},	     /* everything */
		{"10.0.0.0/8", "11.0.0.0/8", false},
		{"128.0.0.0/1", "127.255.255.0/24", false},
		{"128.0.0.0/1", "255.255.255.252/30", true},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ipv4_prefix a = pfx(cases[i].a), b = pfx(cases[i].b);
		bool ab = ipv4_prefix_overlaps(&a, &b), ba = ipv4_prefix_overlaps(&b, &a);

		if (ab != cases[i].overlap || ba != cases[i].overlap)
			fprintf(stderr, "  overlaps(%s, %s)\n", cases[i].a, cases[i].b);
		CHECK_EQ_INT(ab, cases[i].overlap);
		CHECK_EQ_INT(ba, cases[i].overlap); /* symmetric */
	}
}

static void test_contains(void)
{
	static const struct {
		const char *p, *addr;
		bool in;
	} cases[] = {
		{"10.42.0.0/16", "10.42.0.0", true}, /* network */
		{"10.42.0.0/16", "10.42.0.1", true},
		{"10.42.0.0/16", "10.42.255.255", true},  /* broadcast */
		{"10.42.0.0/16", "10.43.0.0", false},	  /* just after */
		{"10.42.0.0/16", "10.41.255.255", false}, /* just before */
		{"10.42.0.0/16", "192.168.0.1", false},
		{"192.168.1.4/30", "192.168.1.4", true},
		{"192.168.1.4/30", "192.168.1.7", true},
		{"192.168.1.4/30", "192.168.1.3", false},
		{"192.168.1.4/30", "192.168.1.8", false},
		{"10.40.0.0/13", "10.47.255.255", true},
		{"10.40.0.0/13", "10.48.0.0", false},
		{"0.0.0.0/0", "255.255.255.255", true},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ipv4_prefix p = pfx(cases[i].p);
		uint32_t a;
		bool in;

		CHECK_EQ_INT(ipv4_addr_parse(cases[i].addr, &a), 0);
		in = ipv4_prefix_contains(&p, a);
		if (in != cases[i].in)
			fprintf(stderr, "  contains(%s, %s)\n", cases[i].p, cases[i].addr);
		CHECK_EQ_INT(in, cases[i].in);
	}
}

int main(void)
{
	test_prefix_parse();
	test_addr_parse_format();
	test_overlaps();
	test_contains();
	return unit_summary("test_cidr");
}
