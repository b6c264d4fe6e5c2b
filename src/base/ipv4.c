// SPDX-License-Identifier: GPL-2.0-only
/* IPv4 text <-> numbers, strictly: what a user types is what is used. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/ipv4.h"

int ipv4_addr_parse(const char *text, uint32_t *out)
{
	unsigned int part[4];
	struct in_addr a;
	char tail;

	/* inet_pton alone accepts nothing odd, but we also want no leading zeros. */
	if (inet_pton(AF_INET, text, &a) != 1 ||
	    sscanf(text, "%u.%u.%u.%u%c", &part[0], &part[1], &part[2], &part[3], &tail) != 4)
		return fail_usage("invalid IPv4 address \"%s\"", text);
	*out = ntohl(a.s_addr);
	return 0;
}

int ipv4_prefix_parse(const char *text, struct ipv4_prefix *out)
{
	char addr[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	unsigned long len;
	size_t alen;
	uint32_t a;
	char *end;

	if (!slash)
		return fail_usage(
			"invalid subnet \"%s\": expected ADDRESS/PREFIX, e.g. 10.42.0.0/16", text);
	alen = (size_t)(slash - text);
	if (alen == 0 || alen >= sizeof(addr))
		return fail_usage("invalid subnet \"%s\": bad address", text);
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (ipv4_addr_parse(addr, &a) < 0) {
		fail_clear();
		return fail_usage("invalid subnet \"%s\": bad address", text);
	}
	/* Digits only, and no leading zero: "/024" is not what anyone means by /24. */
	if (slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2]))
		return fail_usage("invalid subnet \"%s\": bad prefix length", text);
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || len > 32)
		return fail_usage("invalid subnet \"%s\": bad prefix length", text);
	if (a & ~ipv4_mask((unsigned int)len))
		return fail_usage("invalid subnet \"%s\": host bits set (did you mean %s/%lu?)",
				  text, ipv4_addr_format(a & ipv4_mask((unsigned int)len), net),
				  len);
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

	snprintf(buf, IPV4_PREFIX_STRLEN, "%s/%u", ipv4_addr_format(p->addr, a), p->len);
	return buf;
}

bool ipv4_prefix_overlaps(const struct ipv4_prefix *a, const struct ipv4_prefix *b)
{
	unsigned int len = a->len < b->len ? a->len : b->len;

	return (a->addr & ipv4_mask(len)) == (b->addr & ipv4_mask(len));
}

bool ipv4_prefix_contains(const struct ipv4_prefix *p, uint32_t addr)
{
	return (addr & ipv4_mask(p->len)) == p->addr;
}
