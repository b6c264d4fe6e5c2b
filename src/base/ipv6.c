// SPDX-License-Identifier: GPL-2.0-only
/* IPv6 text <-> numbers and prefix arithmetic, strictly like base/ipv4.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/ipv6.h"

int ipv6_addr_parse(const char *text, struct in6_addr *out)
{
	/* A dotted tail (::ffff:1.2.3.4) is legal IPv6 but never a node address. */
	if (strchr(text, '.') || inet_pton(AF_INET6, text, out) != 1)
		return fail_usage("invalid IPv6 address \"%s\"", text);
	return 0;
}

struct in6_addr ipv6_masked(const struct in6_addr *a, unsigned int len)
{
	struct in6_addr m = *a;

	for (unsigned int i = 0; i < 16; i++) {
		unsigned int keep = len > i * 8 ? len - i * 8 : 0;

		if (keep < 8)
			m.s6_addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return m;
}

int ipv6_prefix_parse(const char *text, struct ipv6_prefix *out)
{
	char addr[INET6_ADDRSTRLEN], net[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	struct in6_addr a, m;
	unsigned long len;
	size_t alen;
	char *end;

	if (!slash)
		return fail_usage("invalid IPv6 prefix \"%s\": expected ADDRESS/PREFIX, "
				  "e.g. fd14::/48",
				  text);
	alen = (size_t)(slash - text);
	if (alen == 0 || alen >= sizeof(addr))
		return fail_usage("invalid IPv6 prefix \"%s\": bad address", text);
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (!strchr(addr, ':'))
		return fail_usage("invalid IPv6 prefix \"%s\": an IPv4 subnet (use --subnet)",
				  text);
	if (ipv6_addr_parse(addr, &a) < 0) {
		fail_clear();
		return fail_usage("invalid IPv6 prefix \"%s\": bad address", text);
	}
	if (slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2]))
		return fail_usage("invalid IPv6 prefix \"%s\": bad prefix length", text);
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || len > 128)
		return fail_usage("invalid IPv6 prefix \"%s\": bad prefix length", text);
	m = ipv6_masked(&a, (unsigned int)len);
	if (memcmp(&m, &a, sizeof(a)))
		return fail_usage(
			"invalid IPv6 prefix \"%s\": host bits set (did you mean %s/%lu?)", text,
			ipv6_addr_format(&m, net), len);
	out->addr = a;
	out->len = (unsigned int)len;
	return 0;
}

char *ipv6_addr_format(const struct in6_addr *a, char *buf)
{
	if (!inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN))
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

char *ipv6_prefix_format(const struct ipv6_prefix *p, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, IPV6_PREFIX_STRLEN, "%s/%u", ipv6_addr_format(&p->addr, a), p->len);
	return buf;
}

bool ipv6_prefix_overlaps(const struct ipv6_prefix *a, const struct ipv6_prefix *b)
{
	unsigned int len = a->len < b->len ? a->len : b->len;
	struct in6_addr x = ipv6_masked(&a->addr, len), y = ipv6_masked(&b->addr, len);

	return memcmp(&x, &y, sizeof(x)) == 0;
}

bool ipv6_prefix_contains(const struct ipv6_prefix *p, const struct in6_addr *a)
{
	struct in6_addr m = ipv6_masked(a, p->len);

	return memcmp(&m, &p->addr, sizeof(m)) == 0;
}

bool ipv6_prefix_holds(const struct ipv6_prefix *p, uint64_t slots)
{
	unsigned int host_bits = 128 - p->len, need = 0;

	while (need < 64 && (slots - 1) >> need)
		need++;
	return slots == 0 || host_bits >= need;
}

struct in6_addr ipv6_slot_addr(const struct ipv6_prefix *p, uint64_t slot)
{
	struct in6_addr a = p->addr;

	for (int i = 15; i >= 8; i--, slot >>= 8)
		a.s6_addr[i] |= (uint8_t)(slot & 0xff);
	return a;
}

void ipv6_ula_from_name(const char *name, struct ipv6_prefix *out)
{
	/* FNV-1a 64: the same name gives the same prefix on every host. */
	uint64_t h = 14695981039346656037ull;

	for (const char *s = name; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	memset(out, 0, sizeof(*out));
	out->addr.s6_addr[0] = 0xfd;
	for (int i = 1; i <= 5; i++)
		out->addr.s6_addr[i] = (uint8_t)(h >> (8 * (i - 1)));
	out->len = IPV6_ULA_LEN;
}
