// SPDX-License-Identifier: GPL-2.0-only
/* Name rules: what a fabric or node may be called, and what we call links. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/names.h"

/* Printable for a message: control or non-ASCII bytes as \xNN. */
static const char *quoted(const char *name, char *buf, size_t size)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p && o + 5 < size; p++) {
		if (*p < 0x20 || *p >= 0x7f)
			o += snprintf(buf + o, size - o, "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	buf[o] = '\0';
	return buf;
}

static int name_char_ok(unsigned char c, bool allow_dot)
{
	return isascii(c) && (isalnum(c) || c == '_' || c == '-' || (allow_dot && c == '.'));
}

int fabric_name_validate(const char *name)
{
	char q[96];
	size_t len = strlen(name);

	if (len == 0)
		return fail_usage("invalid fabric name: empty");
	if (len > FABRIC_NAME_MAX)
		return fail_usage("invalid fabric name \"%s\": longer than %d characters",
				  quoted(name, q, sizeof(q)), FABRIC_NAME_MAX);
	if (!isascii((unsigned char)name[0]) || !isalnum((unsigned char)name[0]))
		return fail_usage("invalid fabric name \"%s\": must start with a letter or digit",
				  quoted(name, q, sizeof(q)));
	for (size_t i = 0; i < len; i++)
		if (!name_char_ok((unsigned char)name[i], false))
			return fail_usage("invalid fabric name \"%s\": only letters, digits, '_' "
					  "and '-' are allowed",
					  quoted(name, q, sizeof(q)));
	return 0;
}

int node_name_validate(const char *name)
{
	char q[160];
	size_t len = strlen(name);

	if (len == 0)
		return fail_usage("invalid node name: empty");
	if (len > NODE_NAME_MAX)
		return fail_usage("invalid node name \"%.20s...\": longer than %d characters",
				  quoted(name, q, sizeof(q)), NODE_NAME_MAX);
	/* A leading '-' reads as an option; a leading '.' covers "." and "..". */
	if (name[0] == '-' || name[0] == '.')
		return fail_usage("invalid node name \"%s\": must not start with '%c'",
				  quoted(name, q, sizeof(q)), name[0]);
	for (size_t i = 0; i < len; i++)
		if (!name_char_ok((unsigned char)name[i], true))
			return fail_usage("invalid node name \"%s\": only letters, digits, '_', "
					  "'-' and '.' are allowed",
					  quoted(name, q, sizeof(q)));
	return 0;
}

void bridge_name(char buf[IFNAMSIZ], const char *fabric, unsigned int cell)
{
	snprintf(buf, IFNAMSIZ, "%s-c%u", fabric, cell);
}

void router_leg_name(char buf[IFNAMSIZ], const char *fabric, unsigned int cell)
{
	snprintf(buf, IFNAMSIZ, "%s-r%u", fabric, cell);
}

void router_if_name(char buf[IFNAMSIZ], unsigned int cell)
{
	snprintf(buf, IFNAMSIZ, "c%u", cell);
}

void router_netns_name(char *buf, size_t size, const char *fabric)
{
	snprintf(buf, size, ".fabricctl-%s", fabric);
}

void host_veth_name(char buf[IFNAMSIZ], const char *fabric, uint32_t slot)
{
	snprintf(buf, IFNAMSIZ, "%s-%u", fabric, slot);
}

/*
 * 2048 ranges of 2^17 indexes from 2^28 up: far above what the kernel hands
 * out (it counts up from 1), below INT_MAX. Two fabrics whose groups share
 * a range only make add-node fall back to the kernel's choice.
 */
#define HOST_IFINDEX_BASE (1 << 28)
#define HOST_IFINDEX_RANGE_BITS 17
#define HOST_IFINDEX_RANGES 2048u

int host_veth_ifindex(uint32_t group, uint32_t slot)
{
	if (slot == 0 || slot >= 1u << HOST_IFINDEX_RANGE_BITS)
		return 0;
	return HOST_IFINDEX_BASE + (int)((group % HOST_IFINDEX_RANGES) << HOST_IFINDEX_RANGE_BITS) +
	       (int)slot;
}

#define TC_BLOCK_BASE 0x40000000u

void tc_blocks_of(uint32_t group, uint32_t slot, uint32_t *ingress, uint32_t *egress)
{
	uint32_t base =
		TC_BLOCK_BASE + ((group % HOST_IFINDEX_RANGES) << (HOST_IFINDEX_RANGE_BITS + 1));
	uint32_t k = slot & ((1u << HOST_IFINDEX_RANGE_BITS) - 1);

	*ingress = base + 2 * k;
	*egress = base + 2 * k + 1;
}

bool host_veth_slot(const char *ifname, const char *fabric, uint32_t *slot)
{
	size_t len = strlen(fabric);
	const char *p = ifname + len + 1;
	uint32_t v = 0;

	if (strncmp(ifname, fabric, len) || ifname[len] != '-' || *p < '1' || *p > '9')
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > 100000000)
			return false;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	*slot = v;
	return true;
}

/* "<fabric>-<kind><number>": *num set. */
static bool kind_number(const char *ifname, const char *fabric, char kind, uint32_t *num)
{
	size_t len = strlen(fabric);
	const char *p = ifname + len + 2;
	uint32_t v = 0;

	if (strncmp(ifname, fabric, len) || ifname[len] != '-' || ifname[len + 1] != kind ||
	    *p < '0' || *p > '9' || (p[0] == '0' && p[1]))
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > 100000000)
			return false;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	*num = v;
	return true;
}

bool bridge_cell(const char *ifname, const char *fabric, uint32_t *cell)
{
	return kind_number(ifname, fabric, 'c', cell);
}

bool router_leg_cell(const char *ifname, const char *fabric, uint32_t *cell)
{
	return kind_number(ifname, fabric, 'r', cell);
}

void alias_tag(char *buf, size_t size, const char *fabric, const char *node)
{
	if (node)
		snprintf(buf, size, ALIAS_PREFIX "%s:%s", fabric, node);
	else
		snprintf(buf, size, ALIAS_PREFIX "%s", fabric);
}

bool alias_is_ours(const char *alias, const char *fabric)
{
	char tag[ALIAS_TAG_MAX];
	size_t len;

	alias_tag(tag, sizeof(tag), fabric, NULL);
	len = strlen(tag);
	return !strncmp(alias, tag, len) && (alias[len] == '\0' || alias[len] == ':');
}

void fabric_mac(uint8_t mac[6], enum mac_kind kind, uint32_t addr)
{
	mac[0] = 0x0e;
	mac[1] = (uint8_t)kind;
	mac[2] = (uint8_t)(addr >> 24);
	mac[3] = (uint8_t)(addr >> 16);
	mac[4] = (uint8_t)(addr >> 8);
	mac[5] = (uint8_t)addr;
}

char *node_mac_text(uint32_t addr, char buf[18])
{
	uint8_t mac[6];

	fabric_mac(mac, MAC_HOLDER, addr);
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}
