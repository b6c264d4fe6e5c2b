// SPDX-License-Identifier: GPL-2.0-only
/* Choosing a new fabric's IPv6 prefix, free of every conflict on the host. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/subnet6.h"
#include "kernel/addr6.h"

#define ULA_TRIES 64 /* other names' hashes tried when the name's own /48 is taken */

struct used6 {
	struct ipv6_prefix p;
	char what[80];
};

struct used6_list {
	struct used6 *items;
	size_t n, cap;
};

static int used6_add(struct used6_list *l, const struct in6_addr *a, unsigned int len,
		     const char *kind)
{
	char text[IPV6_PREFIX_STRLEN];
	struct used6 *u;

	if (ARRAY_RESERVE(l->items, l->cap, l->n))
		return -ENOMEM;
	u = &l->items[l->n++];
	u->p.addr = ipv6_masked(a, len);
	u->p.len = len;
	ipv6_addr_format(a, text);
	snprintf(u->what, sizeof(u->what), "%s %s/%u", kind, text, len);
	return 0;
}

/* Link-local, loopback, multicast and the unspecified address: never a conflict. */
static bool ignored(const struct in6_addr *a, unsigned int len)
{
	if (len == 0)
		return true;
	if (a->s6_addr[0] == 0xff || (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80))
		return true;
	return IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a);
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct in6_addr a;
	unsigned int len;
	uint32_t flags;
	int ifindex;

	if (addr6_parse(nlh, &a, &len, &ifindex, &flags) || ignored(&a, len))
		return 0;
	return used6_add(data, &a, len, "address");
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct in6_addr dst, gw;
	unsigned int len;
	uint32_t table;

	if (route6_parse(nlh, &dst, &len, &table, &gw) || table != RT_TABLE_MAIN ||
	    ignored(&dst, len))
		return 0;
	return used6_add(data, &dst, len, "route");
}

static int collect(struct nl_sock *s, const char *name, struct used6_list *l)
{
	char(*names)[FABRIC_NAME_MAX + 1];
	size_t count;
	int err;

	err = state_list(&names, &count);
	if (err)
		return err;
	for (size_t i = 0; i < count && !err; i++) {
		struct fabric_state other;

		if (!strcmp(names[i], name) || state_load(names[i], &other) < 0) {
			fail_clear(); /* a corrupt record of another fabric is not ours to judge */
			continue;
		}
		if (other.ipv6) {
			err = used6_add(l, &other.subnet6.addr, other.subnet6.len, "fabric");
			if (!err) /* "fabric NAME", not its prefix */
				snprintf(l->items[l->n - 1].what, sizeof(l->items[0].what),
					 "fabric %s", names[i]);
		}
		state_free(&other);
	}
	free(names);
	if (err)
		return fail(err, "cannot list the fabrics");
	addr6_dump(s);
	err = nl_dump(s, addr_cb, l);
	if (err)
		return fail(err, "cannot read the host's IPv6 addresses");
	route6_dump(s);
	err = nl_dump(s, route_cb, l);
	return err ? fail(err, "cannot read the host's IPv6 routes") : 0;
}

static const char *conflict(const struct used6_list *l, const struct ipv6_prefix *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (ipv6_prefix_overlaps(&l->items[i].p, p))
			return l->items[i].what;
	return NULL;
}

int subnet6_choose(struct nl_sock *s, const char *name, const struct fabric6_opts *o,
		   uint32_t n_cells, struct ipv6_prefix *out)
{
	struct used6_list used = {0};
	char text[IPV6_PREFIX_STRLEN], seed[FABRIC_NAME_MAX + 16];
	const char *what;
	int err;

	if (o->have_prefix) {
		err = fabric6_prefix_fits(&o->prefix, n_cells);
		if (err)
			return err;
	}
	err = collect(s, name, &used);
	if (err)
		goto out;
	if (o->have_prefix) {
		what = conflict(&used, &o->prefix);
		if (what)
			err = fail_msg(-EADDRINUSE, "IPv6 prefix %s overlaps %s",
				       ipv6_prefix_format(&o->prefix, text), what);
		else
			*out = o->prefix;
		goto out;
	}
	for (int k = 0; k < ULA_TRIES; k++) {
		if (k)
			snprintf(seed, sizeof(seed), "%s#%d", name, k);
		ipv6_ula_from_name(k ? seed : name, out);
		if (!conflict(&used, out))
			goto out;
	}
	err = fail_msg(-EADDRINUSE,
		       "no free unique-local /48 for fabric \"%s\"; give one with --subnet6", name);
out:
	free(used.items);
	return err;
}
