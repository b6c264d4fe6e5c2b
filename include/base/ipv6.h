/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv6 prefixes for dual-stack fabrics: strict parsing, formatting,
 * overlap, the slot-to-address mapping and the unique-local prefix derived
 * from a fabric's name (RFC 4193 layout: fd + 40-bit global ID, /48).
 */
#ifndef FABRICCTL_BASE_IPV6_H
#define FABRICCTL_BASE_IPV6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define IPV6_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4) /* "...:ffff/128" */
/* The length of the prefix ipv6_ula_from_name() derives. */
#define IPV6_ULA_LEN 48

struct ipv6_prefix {
	struct in6_addr addr; /* network address; host bits are zero */
	unsigned int len;
};

/* An IPv6 address (no IPv4 dotted form, no zone): 0 or -EUSAGE (recorded). */
int ipv6_addr_parse(const char *text, struct in6_addr *out);
/*
 * "ADDR/LEN", LEN 0-128, no host bits set: 0 or -EUSAGE with the reason
 * recorded ("an IPv4 subnet", "bad prefix length", "host bits set (did you
 * mean ...?)"). @out is untouched on error.
 */
int ipv6_prefix_parse(const char *text, struct ipv6_prefix *out);
/* Into buf (>= INET6_ADDRSTRLEN), the RFC 5952 form; returns buf. */
char *ipv6_addr_format(const struct in6_addr *a, char *buf);
/* "ADDR/LEN" into buf (>= IPV6_PREFIX_STRLEN); returns buf. */
char *ipv6_prefix_format(const struct ipv6_prefix *p, char *buf);
/* @a with every bit past the first @len cleared. */
struct in6_addr ipv6_masked(const struct in6_addr *a, unsigned int len);
bool ipv6_prefix_overlaps(const struct ipv6_prefix *a, const struct ipv6_prefix *b);
bool ipv6_prefix_contains(const struct ipv6_prefix *p, const struct in6_addr *a);
/*
 * Does @p leave room for @slots interface identifiers (slot 0 .. slots-1)?
 * The host part must be at least as wide as the slot number.
 */
bool ipv6_prefix_holds(const struct ipv6_prefix *p, uint64_t slots);
/* The address @slot within @p: the prefix with @slot in its low 64 bits. */
struct in6_addr ipv6_slot_addr(const struct ipv6_prefix *p, uint64_t slot);
/* fd00::/8 plus a 40-bit global ID hashed from @name, as a /48. */
void ipv6_ula_from_name(const char *name, struct ipv6_prefix *out);

#endif
