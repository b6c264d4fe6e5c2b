// SPDX-License-Identifier: GPL-2.0-only
/*
 * Leases for new nodes: checked (names, room, a chosen address), taken in
 * the record through state_lease() -- skipping slots whose veth name a
 * foreign link holds -- and saved before anything else is made.
 */
#include <errno.h>
#include <stdlib.h>

#include "base/errors.h"
#include "fabric/lease.h"
#include "fabric/ownership.h"
#include "kernel/link.h"

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
	size_t n_held = 0;
	int err = 0;

	if (!addr) {
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
		err = state_lease(st, names[i], slot);
		if (err)
			err = fail(err, "cannot lease an address for node \"%s\"", names[i]);
	}
	release_slots(st, held, n_held);
	return err ? err : state_save(st);
}
