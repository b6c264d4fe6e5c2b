// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: ipv4_prefix_parse(), fabric_subnet_parse() and ipv4_addr_parse() on any
 * NUL-terminated text. A prefix that parses must have no host bits set, a
 * length the IPAM accepts, and format back to text that parses to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/ipv4.h"
#include "fabric/ipam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct ipv4_prefix p, q;
	char buf[32];
	uint32_t addr;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (ipv4_prefix_parse(text, &p) == 0) {
		if (p.len > 32 || (p.addr & ~ipv4_mask(p.len)))
			abort(); /* no such prefix, or host bits set */
		ipv4_prefix_format(&p, buf);
		if (ipv4_prefix_parse(buf, &q) || q.addr != p.addr || q.len != p.len)
			abort();
	}
	fail_clear();
	/* A fabric's subnet: the same prefix, within the fabric's lengths. */
	if (fabric_subnet_parse(text, &p) == 0) {
		if (p.len < IPAM_MIN_PREFIX || p.len > IPAM_MAX_PREFIX)
			abort();
		if (ipv4_prefix_parse(text, &q) || q.addr != p.addr || q.len != p.len)
			abort();
	}
	fail_clear();
	if (ipv4_addr_parse(text, &addr) == 0) {
		uint32_t back;

		ipv4_addr_format(addr, buf);
		if (ipv4_addr_parse(buf, &back) || back != addr)
			abort();
	}
	fail_clear();
	free(text);
	return 0;
}
