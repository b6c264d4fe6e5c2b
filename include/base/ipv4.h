/* SPDX-License-Identifier: GPL-2.0-only */
/* IPv4 addresses and prefixes in host byte order: strict parsing, formatting, overlap. */
#ifndef FABRICCTL_BASE_IPV4_H
#define FABRICCTL_BASE_IPV4_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define IPV4_PREFIX_STRLEN (INET_ADDRSTRLEN + 3) /* "255.255.255.255/32" */

struct ipv4_prefix {
	uint32_t addr; /* network address, host byte order */
	unsigned int len;
};

/* The netmask of a /@len, host byte order. */
static inline uint32_t ipv4_mask(unsigned int len)
{
	return len == 0 ? 0 : ~0u << (32 - len);
}

/* A dotted quad, no leading zeros, into host byte order: 0 or -EUSAGE (recorded). */
int ipv4_addr_parse(const char *text, uint32_t *out);
/*
 * "A.B.C.D/LEN", LEN 0-32, no host bits set: 0 or -EUSAGE with the reason
 * recorded ("bad address", "bad prefix length", "host bits set (did you
 * mean ...?)"). @out is untouched on error.
 */
int ipv4_prefix_parse(const char *text, struct ipv4_prefix *out);
/* Into buf (>= INET_ADDRSTRLEN); returns buf. */
char *ipv4_addr_format(uint32_t addr, char *buf);
/* "A.B.C.D/LEN" into buf (>= IPV4_PREFIX_STRLEN); returns buf. */
char *ipv4_prefix_format(const struct ipv4_prefix *p, char *buf);
bool ipv4_prefix_overlaps(const struct ipv4_prefix *a, const struct ipv4_prefix *b);
bool ipv4_prefix_contains(const struct ipv4_prefix *p, uint32_t addr);

#endif
