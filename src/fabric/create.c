// SPDX-License-Identifier: GPL-2.0-only
/*
 * fabric create: choose a subnet and a link group nothing else uses, make
 * the first cell (bridge, gateway or router), load and pin the counting
 * program, write the record; undo every step on failure.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/blocks.h"
#include "fabric/cell.h"
#include "fabric/fabric.h"
#include "fabric/subnet6.h"
#include "fabric/ownership.h"
#include "fabric/subnet.h"
#include "fabric/tuning.h"
#include "kernel/addr.h"
#include "kernel/fabric_bpf.h"
#include "kernel/link.h"
#include "kernel/route.h"

struct used_things {
	struct prefix_list prefixes;
	uint32_t *groups;
	size_t n_groups, cap_groups;
};

static int used_group_add(struct used_things *u, uint32_t g)
{
	if (ARRAY_RESERVE(u->groups, u->cap_groups, u->n_groups))
		return -ENOMEM;
	u->groups[u->n_groups++] = g;
	return 0;
}

static void used_free(struct used_things *u)
{
	prefix_list_free(&u->prefixes);
	free(u->groups);
}

static int host_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	char a[INET_ADDRSTRLEN], what[48];
	unsigned int len;
	uint32_t addr;
	int ifindex;

	if (addr_parse(nlh, &addr, &len, &ifindex) == 0 && (addr >> 24) != 127) {
		snprintf(what, sizeof(what), "address %s/%u", ipv4_addr_format(addr, a), len);
		return prefix_list_add(data, addr, len, what);
	}
	return 0;
}

static int host_route_cb(const struct nlmsghdr *nlh, void *data)
{
	char a[INET_ADDRSTRLEN], what[48];
	uint32_t dst, table;
	unsigned int len;

	/* The default route overlaps everything and is not a conflict. */
	if (route_parse(nlh, &dst, &len, &table) == 0 && len > 0 && table == RT_TABLE_MAIN) {
		snprintf(what, sizeof(what), "route %s/%u", ipv4_addr_format(dst, a), len);
		return prefix_list_add(data, dst, len, what);
	}
	return 0;
}

/*
 * Everything a new fabric must not overlap or reuse: other fabrics, host
 * addresses, routes, link groups. *@leftover: links tagged as fabric
 * @name's exist although it has no record (a record removed by hand, or a
 * crash of a fabricctl older than the record-first create).
 */
static int collect_used(struct nl_sock *s, const char *name, struct used_things *u, bool *leftover)
{
	char(*names)[FABRIC_NAME_MAX + 1];
	struct link_list links;
	size_t count;
	int err;

	err = state_list(&names, &count);
	if (err)
		return err;
	for (size_t i = 0; i < count && !err; i++) {
		struct fabric_state other;
		char what[48];

		if (state_load(names[i], &other) < 0) {
			fail_clear(); /* a corrupt record of another fabric is not ours to judge */
			continue;
		}
		snprintf(what, sizeof(what), "fabric %s%s", names[i],
			 other.complete ? "" : " (whose create did not finish)");
		err = prefix_list_add(&u->prefixes, other.subnet.addr, other.subnet.len, what);
		if (!err)
			err = used_group_add(u, other.group);
		state_free(&other);
	}
	free(names);
	if (err)
		return fail(err, "cannot list the fabrics");
	addr_dump(s);
	err = nl_dump(s, host_addr_cb, &u->prefixes);
	if (err)
		return fail(err, "cannot read the host's addresses");
	route_dump(s);
	err = nl_dump(s, host_route_cb, &u->prefixes);
	if (err)
		return fail(err, "cannot read the host's routes");
	err = link_dump_all(s, &links);
	if (err)
		return fail(err, "cannot list the host's links");
	*leftover = false;
	for (size_t i = 0; i < links.n && !err; i++) {
		err = used_group_add(u, links.links[i].group);
		*leftover |= alias_is_ours(links.links[i].alias, name);
	}
	link_list_free(&links);
	return err ? fail(err, "cannot list the host's links") : 0;
}

/* Refuse a name in use: a fabric, one whose create did not finish, or leftovers. */
static int name_free(const char *name)
{
	struct fabric_state st;
	int err;

	if (!state_exists(name))
		return 0;
	err = state_load(name, &st);
	if (err)
		return fail_wrap(err,
				 "fabric \"%s\" exists with a broken record (`fabricctl destroy "
				 "%s` removes it)",
				 name, name);
	err = st.complete
		      ? fail_msg(-EEXIST, "fabric \"%s\" already exists", name)
		      : fail_msg(
				-EEXIST,
				"fabric \"%s\" exists but its create did not finish: "
				"`fabricctl check %s --repair` finishes it, `fabricctl destroy %s` "
				"removes it",
				name, name, name);
	state_free(&st);
	return err;
}

/* What a failed create made, undone in reverse; the record goes last. */
static void undo_create(struct nl_sock *s, struct fabric_state *st, const struct cell_set *cells,
			bool router_made, bool pinned)
{
	if (pinned)
		fabric_bpf_remove(st->name);
	if (cells->bridge_ifindex && cells->bridge_ifindex[0] > 0) {
		/* The bridge and the router's leg: both tagged, both in the group. */
		link_del_group(s, st->group);
		nl_flush(s, NULL, NULL);
	}
	if (router_made)
		cells_delete_router(st->name);
	tune_restore(st->name);
	state_remove(st->name);
}

/*
 * How the fabric will count: @attach, or the automatic choice. Needs the
 * loaded program (the tcx probe attaches it on no device).
 */
static int choose_attach(const char *name, int attach, enum fabric_attach *out)
{
	const char *env = getenv("FABRICCTL_ATTACH");
	enum fabric_attach want = FABRIC_ATTACH_DEFAULT;
	struct fabric_bpf *fb;
	bool asked = attach != FABRIC_ATTACH_AUTO;
	int r;

	if (asked)
		want = (enum fabric_attach)attach;
	else if (env && *env && fabric_attach_parse(env, &want))
		return fail_msg(-EINVAL, "FABRICCTL_ATTACH=\"%s\": expected tc or tcx", env);
	asked = asked || (env && *env);
	*out = want;
	if (want != FABRIC_ATTACH_TCX)
		return 0;
	r = fabric_bpf_open(name, &fb);
	if (r)
		return r;
	r = fabric_bpf_tcx_supported(fb);
	fabric_bpf_close(fb);
	if (r < 0)
		return r;
	if (!r && asked)
		return fail_msg(-EOPNOTSUPP,
				"this kernel has no tcx (Linux 6.6+): use --attach tc (clsact)");
	if (!r)
		*out = FABRIC_ATTACH_TC;
	return 0;
}

int fabric_create(const char *name, const struct ipv4_prefix *subnet, unsigned int mtu,
		  uint32_t cell_size, bool tune, int attach, struct fabric_state *st)
{
	return fabric_create6(name, subnet, NULL, mtu, cell_size, tune, attach, st);
}

int fabric_create6(const char *name, const struct ipv4_prefix *subnet,
		   const struct fabric6_opts *v6, unsigned int mtu, uint32_t cell_size, bool tune,
		   int attach, struct fabric_state *st)
{
	struct ipv6_prefix prefix6;
	struct state_lock global, lock = {-1};
	struct used_things used = {0};
	struct cell_set cells = {0};
	bool router_made = false, pinned = false, leftover = false;
	enum netns_owner router;
	struct ipv4_prefix chosen;
	struct nl_sock s;
	int err;

	err = state_lock_global(&global);
	if (err)
		return err;
	err = name_free(name);
	if (err)
		goto out_global;
	err = nl_open(&s);
	if (err)
		goto out_global;
	err = collect_used(&s, name, &used, &leftover);
	if (err)
		goto out_nl;
	router = router_netns_owner(name);
	if (router == NETNS_UNKNOWN) {
		err = -EIO; /* recorded: cannot tell whose that namespace is */
		goto out_nl;
	}
	if (leftover || router == NETNS_OURS) {
		err = fail_msg(-EEXIST,
			       "%s of fabric \"%s\" exist%s, but it has no record: `fabricctl "
			       "destroy %s` removes %s",
			       leftover ? "links" : "the router namespace", name,
			       leftover ? "" : "s", name, leftover ? "them" : "it");
		goto out_nl;
	}
	if (subnet) {
		const char *conflict = prefix_conflict(&used.prefixes, subnet);
		char cidr[IPV4_PREFIX_STRLEN];

		if (conflict) {
			err = fail_msg(-EADDRINUSE, "subnet %s overlaps %s",
				       ipv4_prefix_format(subnet, cidr), conflict);
			goto out_nl;
		}
		chosen = *subnet;
	} else {
		err = subnet_choose(name, &used.prefixes, &chosen);
		if (err)
			goto out_nl;
	}
	if (v6 && v6->enable) {
		err = fabric6_create_check(v6, &chosen, mtu, cell_size);
		if (!err)
			err = subnet6_choose(&s, name, v6, fabric6_n_cells(&chosen, cell_size),
					     &prefix6);
		if (err)
			goto out_nl;
	}
	err = state_lock(name, true, &lock);
	if (err)
		goto out_nl;
	err = state_init(st, name, &chosen, mtu, group_choose(name, used.groups, used.n_groups),
			 cell_size);
	if (err)
		goto out_lock;
	if (v6 && v6->enable) {
		st->ipv6 = true;
		st->ipv6_only = v6->only;
		st->subnet6 = prefix6;
	}
	/*
	 * The record first, saying "creating": a crash from here on leaves a
	 * fabric that list shows as unfinished and check --repair or destroy
	 * finish, never objects that nothing accounts for.
	 */
	st->complete = false;
	err = state_save(st);
	if (err) {
		state_remove(name);
		state_free(st);
		goto out_lock;
	}
	if (ipam_multi_cell(&st->ipam)) {
		err = cells_create_router(st);
		if (err)
			goto undo;
		router_made = true;
	}
	err = cells_init(&cells, st, &s);
	if (!err)
		err = cells_bridge(&cells, 0);
	if (err < 0)
		goto undo;
	/* Our pins without a record are what an old crashed create left: cleared.
	 * Anything else in that directory is not ours, and stops the create. */
	err = fabric_bpf_remove(name);
	if (!err)
		err = fabric_bpf_create_for(st);
	if (err)
		goto undo;
	pinned = true;
	err = choose_attach(name, attach, &st->attach);
	if (err)
		goto undo;
	if (tune) {
		err = tune_enable(name);
		if (err)
			goto undo;
	}
	st->complete = true;
	err = state_save(st);
	if (err)
		goto undo;
	goto out_lock;
undo:
	undo_create(&s, st, &cells, router_made, pinned);
	state_free(st);
out_lock:
	cells_close(&cells);
	state_unlock(&lock);
out_nl:
	used_free(&used);
	nl_close(&s);
out_global:
	state_unlock(&global);
	return err;
}
