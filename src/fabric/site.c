// SPDX-License-Identifier: GPL-2.0-only
/* Sites: the site's block of the subnet, the VNI, the router MAC, the record's keys. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/hash.h"
#include "fabric/site.h"
#include "fabric/state_keys.h"

void site_block(const struct ipv4_prefix *subnet, unsigned int site, struct ipv4_prefix *out)
{
	uint32_t size = 1u << (32 - subnet->len) >> 4; /* SITE_BLOCKS = 16 */

	out->addr = subnet->addr + site * size;
	out->len = subnet->len + 4;
}

unsigned int site_of_addr(const struct ipv4_prefix *subnet, uint32_t addr)
{
	return ((addr - subnet->addr) >> (32 - subnet->len - 4)) & (SITE_BLOCKS - 1);
}

uint32_t site_vni_of(const char *name)
{
	return 4096 + (uint32_t)(fnv1a32(name) % (16777215u - 4096u));
}

void site_router_mac(const struct site_conf *sc, uint8_t mac[6])
{
	mac[0] = 0x0e; /* locally administered, unicast */
	mac[1] = 0xfb;
	mac[2] = (uint8_t)(sc->underlay >> 24);
	mac[3] = (uint8_t)(sc->underlay >> 16);
	mac[4] = (uint8_t)(sc->underlay >> 8);
	mac[5] = (uint8_t)sc->underlay;
}

int site_conf_validate(const struct site_conf *sc, const struct ipv4_prefix *subnet,
		       uint32_t cell_size)
{
	if (sc->site < 1 || sc->site > SITE_MAX)
		return fail_usage("invalid --site %u: expected 1 to %d", sc->site, SITE_MAX);
	if (!sc->underlay)
		return fail_usage("--site needs --underlay ADDRESS (this host's VTEP address)");
	if (subnet->len > 32 - 4 - 6)
		return fail_usage("--site needs a subnet of /22 or larger: each of its %d site "
				  "blocks must hold a cell of at least %d addresses",
				  SITE_BLOCKS, CELL_SIZE_MIN);
	if (cell_size > (1u << (32 - subnet->len)) / SITE_BLOCKS)
		return fail_usage("--cell-size %u is larger than a site's block (%u addresses: "
				  "1/%d of the subnet)",
				  cell_size, (1u << (32 - subnet->len)) / SITE_BLOCKS, SITE_BLOCKS);
	if (ipv4_prefix_contains(subnet, sc->underlay))
		return fail_usage("the underlay address must lie outside the fabric's subnet");
	for (unsigned int i = 0; i < sc->n_peers; i++)
		if (sc->peers[i] == sc->underlay)
			return fail_usage("--bgp-peer names this host's own underlay address");
	if (sc->hold < 3 || sc->hold > 65535)
		return fail_usage("invalid --bgp-hold %u: expected 3 to 65535 seconds", sc->hold);
	return 0;
}

void site_restrict_ipam(struct fabric_state *st)
{
	struct ipam *ip = &st->ipam;
	struct ipv4_prefix b;

	site_block(&st->subnet, st->site->site, &b);
	ip->node_lo = b.addr - st->subnet.addr;
	ip->node_hi = ip->node_lo + (1u << (32 - b.len));
	/* Reserved like a cell's gateway: taken, never counted as used. */
	for (uint32_t s = 0; s < ip->n_slots; s++)
		if (s < ip->node_lo || s >= ip->node_hi)
			ip->bitmap[s / 64] |= 1ull << (s % 64);
	ip->cursor = ip->node_lo;
}

int site_peers_parse(const char *text, struct site_conf *sc)
{
	char buf[STATE_KEY_VALUE_MAX + 1], *save = NULL;
	int err = 0;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	sc->n_peers = 0;
	for (char *t = strtok_r(buf, ",", &save); t && !err; t = strtok_r(NULL, ",", &save)) {
		if (sc->n_peers == SITE_PEERS_MAX)
			return fail_usage("at most %d BGP peers", SITE_PEERS_MAX);
		err = ipv4_addr_parse(t, &sc->peers[sc->n_peers++]);
	}
	return err;
}

void site_peers_format(const struct site_conf *sc, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN];
	size_t off = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < sc->n_peers && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? "," : "",
					ipv4_addr_format(sc->peers[i], a));
}

/* The record's keys ("set site 2", "set underlay 10.254.0.2", ...). */
static struct site_conf *site_of(struct fabric_state *st)
{
	if (!st->site)
		st->site = calloc(1, sizeof(*st->site));
	return st->site;
}

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(v, &end, 10);
	return errno || *end || v[0] < '0' || v[0] > '9' || *out > max ? -EINVAL : 0;
}

int site_key_site_parse(struct fabric_state *st, const char *v)
{
	unsigned long n;

	if (!site_of(st) || parse_uint(v, SITE_MAX, &n) || n < 1)
		return -EINVAL;
	st->site->site = (unsigned int)n;
	if ((1u << (32 - st->subnet.len)) / SITE_BLOCKS < st->ipam.cell_size)
		return -EINVAL;
	site_restrict_ipam(st);
	return 0;
}

bool site_key_site_format(const struct fabric_state *st, char *buf, size_t size)
{
	return st->site && snprintf(buf, size, "%u", st->site->site) > 0;
}

int site_key_underlay_parse(struct fabric_state *st, const char *v)
{
	int err = site_of(st) ? ipv4_addr_parse(v, &st->site->underlay) : -ENOMEM;

	fail_clear();
	return err;
}

bool site_key_underlay_format(const struct fabric_state *st, char *buf, size_t size)
{
	char a[INET_ADDRSTRLEN];

	return st->site && snprintf(buf, size, "%s", ipv4_addr_format(st->site->underlay, a)) > 0;
}

int site_key_peers_parse(struct fabric_state *st, const char *v)
{
	int err = site_of(st) ? site_peers_parse(v, st->site) : -ENOMEM;

	fail_clear();
	return err;
}

bool site_key_peers_format(const struct fabric_state *st, char *buf, size_t size)
{
	if (!st->site || !st->site->n_peers)
		return false;
	site_peers_format(st->site, buf, size);
	return true;
}

int site_key_vni_parse(struct fabric_state *st, const char *v)
{
	unsigned long n;

	if (!site_of(st) || parse_uint(v, 16777215, &n) || n < 1)
		return -EINVAL;
	st->site->vni = (uint32_t)n;
	return 0;
}

bool site_key_vni_format(const struct fabric_state *st, char *buf, size_t size)
{
	return st->site && snprintf(buf, size, "%u", st->site->vni) > 0;
}

int site_key_asn_parse(struct fabric_state *st, const char *v)
{
	unsigned long n;

	if (!site_of(st) || parse_uint(v, 4294967294ul, &n) || n < 1)
		return -EINVAL;
	st->site->asn = (uint32_t)n;
	return 0;
}

bool site_key_asn_format(const struct fabric_state *st, char *buf, size_t size)
{
	return st->site && snprintf(buf, size, "%u", st->site->asn) > 0;
}

int site_key_hold_parse(struct fabric_state *st, const char *v)
{
	unsigned long n;

	if (!site_of(st) || parse_uint(v, 65535, &n) || n < 3)
		return -EINVAL;
	st->site->hold = (unsigned int)n;
	return 0;
}

bool site_key_hold_format(const struct fabric_state *st, char *buf, size_t size)
{
	return st->site && snprintf(buf, size, "%u", st->site->hold) > 0;
}
