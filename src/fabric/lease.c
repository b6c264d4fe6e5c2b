// SPDX-License-Identifier: GPL-2.0-only
/*
 * Leases for new nodes: checked (names, room, a chosen address), taken in
 * the record through state_lease() -- skipping slots whose veth name a
 * foreign link holds -- and saved before anything else is made.
 *
 * Which names foreign links hold is read from sysfs, one name per leased
 * slot, when sysfs shows this namespace; a full link dump (whose every
 * message scans the host's namespace ids: seconds at 20,000 nodes) is the
 * fallback.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/lease.h"
#include "fabric/ownership.h"
#include "kernel/link.h"
#include "kernel/sysfs_link.h"

/*
 * A link of someone else's (untagged) named like a host veth of ours would
 * fail its node: those slots are claimed for this command only (and
 * released by the caller), so automatic addresses skip them. *held gets
 * the slots.
 */
static int hold_foreign_slots(struct nl_sock *s, struct fabric_state *st, uint32_t **held,
			      size_t *n_held)
{
	struct link_list links;
	int err = link_dump_all(s, &links);

	*held = NULL;
	*n_held = 0;
	if (err)
		return fail(err, "cannot list the host's links");
	*held = calloc(links.n + 1, sizeof(**held));
	if (!*held) {
		link_list_free(&links);
		return fail(-ENOMEM, "cannot list the host's links");
	}
	for (size_t i = 0; i < links.n; i++) {
		const struct link_info *li = &links.links[i];
		uint32_t slot;

		if (host_veth_slot(li->name, st->name, &slot) && !link_is_fabrics(li, st->name) &&
		    state_hold_slot(st, slot) == 0)
			(*held)[(*n_held)++] = slot;
	}
	link_list_free(&links);
	return 0;
}

/* Does sysfs show the links of our namespace? Cell 0's bridge tells, by its ifindex. */
static bool sysfs_shows_us(struct nl_sock *s, const struct fabric_state *st)
{
	char br[IFNAMSIZ];
	struct link_info li;

	bridge_name(br, st->name, 0);
	if (link_get_one(s, br, &li) < 0) {
		fail_clear();
		return false;
	}
	return sysfs_link_ifindex(br) == li.ifindex;
}

/* Is the host veth name of @slot held by a link that is not the fabric's? */
static bool slot_name_foreign(const struct fabric_state *st, uint32_t slot)
{
	char veth[IFNAMSIZ], alias[LINK_ALIAS_MAX], tag[ALIAS_TAG_MAX];
	size_t len;

	host_veth_name(veth, st->name, slot);
	if (sysfs_link_read(veth, "ifalias", alias, sizeof(alias)) == -ENOENT)
		return false;
	alias_tag(tag, sizeof(tag), st->name, NULL);
	len = strlen(tag);
	return strncmp(alias, tag, len) || (alias[len] && alias[len] != ':');
}

/*
 * Lease a slot for @name, passing over slots whose veth name a foreign
 * link holds (claimed into @held for this command only).
 */
static int lease_skipping_foreign(struct fabric_state *st, const char *name, uint32_t **held,
				  size_t *n_held, size_t *cap_held)
{
	for (;;) {
		struct fabric_node *node;
		uint32_t slot;
		int err = state_lease(st, name, 0);

		if (err)
			return err;
		node = &st->nodes[st->n_nodes - 1];
		if (!slot_name_foreign(st, node->slot))
			return 0;
		slot = node->slot;
		state_del_node(st, node); /* the last one: nothing moves */
		if (ARRAY_RESERVE(*held, *cap_held, *n_held))
			return -ENOMEM;
		if (state_hold_slot(st, slot) == 0)
			(*held)[(*n_held)++] = slot;
	}
}

static void release_slots(struct fabric_state *st, uint32_t *slots, size_t n)
{
	for (size_t i = 0; i < n; i++)
		state_unhold_slot(st, slots[i]);
	free(slots);
}

int fabric_lease_check(struct fabric_state *st, char **names, size_t n, uint32_t addr)
{
	char cidr[IPV4_PREFIX_STRLEN], a[INET_ADDRSTRLEN];
	uint32_t slot;

	for (size_t i = 0; i < n; i++)
		if (state_find_node(st, names[i]))
			return fail_msg(-EEXIST, "node \"%s\" already exists in fabric \"%s\"",
					names[i], st->name);
	if (ipam_free_count(&st->ipam) < n)
		return fail_msg(-ENOSPC, "subnet %s is full: room for %u nodes, %u free, %zu asked",
				ipv4_prefix_format(&st->subnet, cidr), ipam_capacity(&st->ipam),
				ipam_free_count(&st->ipam), n);
	if (!addr)
		return 0;
	if (ipam_slot_of(&st->ipam, addr, &slot) < 0 || !ipam_slot_is_node(&st->ipam, slot))
		return fail_usage("address %s is not a node address of subnet %s "
				  "(not a network, gateway, broadcast or host address)",
				  ipv4_addr_format(addr, a), ipv4_prefix_format(&st->subnet, cidr));
	if (ipam_slot_used(&st->ipam, slot))
		return fail_msg(-EADDRINUSE, "address %s is already in use",
				ipv4_addr_format(addr, a));
	return 0;
}

/*
 * Leases first, on disk: a crash from here on leaves leases that `check
 * --repair` can explain, never an address handed out twice. The new nodes
 * are st->nodes[first ..] with ifindex 0 ("not complete").
 */
int fabric_lease_nodes(struct nl_sock *s, struct fabric_state *st, char **names, size_t n,
		       uint32_t addr)
{
	char cidr[IPV4_PREFIX_STRLEN];
	uint32_t *held = NULL;
	size_t n_held = 0, cap_held = 0;
	bool by_sysfs = !addr && sysfs_shows_us(s, st);
	int err = 0;

	if (!addr && !by_sysfs) {
		err = hold_foreign_slots(s, st, &held, &n_held);
		if (err)
			return err;
		if (ipam_free_count(&st->ipam) < n) {
			uint32_t free_now = ipam_free_count(&st->ipam);

			release_slots(st, held, n_held);
			return fail_msg(
				-ENOSPC,
				"subnet %s is full: room for %u nodes, %u free (%zu held by "
				"links that are not the fabric's), %zu asked",
				ipv4_prefix_format(&st->subnet, cidr), ipam_capacity(&st->ipam),
				free_now, n_held, n);
		}
	}
	for (size_t i = 0; i < n && !err; i++) {
		uint32_t slot = 0;

		if (addr)
			ipam_slot_of(&st->ipam, addr, &slot);
		if (by_sysfs)
			err = lease_skipping_foreign(st, names[i], &held, &n_held, &cap_held);
		else
			err = state_lease(st, names[i], slot);
		if (err == -ENOSPC && n_held)
			err = fail_msg(-ENOSPC,
				       "subnet %s is full: %zu free slots are held by links that "
				       "are not the fabric's (named like its veths)",
				       ipv4_prefix_format(&st->subnet, cidr), n_held);
		else if (err)
			err = fail(err, "cannot lease an address for node \"%s\"", names[i]);
	}
	release_slots(st, held, n_held);
	return err ? err : state_save(st);
}
