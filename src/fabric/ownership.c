// SPDX-License-Identifier: GPL-2.0-only
/* Is it ours? Asked of the kernel at the moment of deleting, by tag and by mark. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"
#include "fabric/cell.h"
#include "fabric/ownership.h"
#include "kernel/netns.h"

void node_alias(char *buf, size_t size, const char *fabric, const char *node)
{
	alias_tag(buf, size, fabric, node);
}

void router_alias(char *buf, size_t size, const char *fabric)
{
	alias_tag(buf, size, fabric, ROUTER_TAG);
}

bool link_is_node_veth(const struct link_info *li, const struct fabric_state *st,
		       const struct fabric_node *node)
{
	char name[IFNAMSIZ], tag[ALIAS_TAG_MAX];

	host_veth_name(name, st->name, node->slot);
	node_alias(tag, sizeof(tag), st->name, node->name);
	return !strcmp(li->name, name) && !strcmp(li->alias, tag);
}

bool link_is_fabrics(const struct link_info *li, const char *fabric)
{
	return alias_is_ours(li->alias, fabric);
}

bool link_born_ours(const struct link_info *li, const struct fabric_state *st, const char *name,
		    const uint8_t mac[6])
{
	return !li->alias[0] && li->group == st->group && !strcmp(li->name, name) &&
	       !memcmp(li->mac, mac, ETH_ALEN_FABRIC);
}

bool link_is_fabric_link(const struct link_info *li, const struct fabric_state *st)
{
	uint8_t mac[6];
	uint32_t num;

	if (link_is_fabrics(li, st->name))
		return true;
	if (bridge_cell(li->name, st->name, &num) && num < ipam_n_cells(&st->ipam))
		cell_bridge_mac(st, num, mac);
	else if (router_leg_cell(li->name, st->name, &num) && num < ipam_n_cells(&st->ipam))
		cell_leg_mac(st, num, mac);
	else if (host_veth_slot(li->name, st->name, &num) && num < st->ipam.n_slots)
		fabric_mac(mac, MAC_HOST_END, ipam_addr_of(&st->ipam, num));
	else
		return false;
	return link_born_ours(li, st, li->name, mac);
}

/* By the mark on lo of the namespace file @path: ours when it is exactly @want. */
static enum netns_owner owner_by_mark_at(const char *path, const char *shown, const char *want)
{
	char alias[LINK_ALIAS_MAX];
	uint64_t ino;
	int err = netns_inode_at(path, &ino);

	if (err == -ENOENT)
		return NETNS_ABSENT;
	if (err == -ENOTTY)
		return NETNS_PLACEHOLDER;
	if (!err)
		err = netns_lo_alias_at(path, alias, sizeof(alias));
	if (err) {
		/* Cannot look inside: not proven ours, nor anyone else's. */
		fail(err, "cannot tell whose namespace \"%s\" is", shown);
		return NETNS_UNKNOWN;
	}
	return strcmp(alias, want) ? NETNS_FOREIGN : NETNS_OURS;
}

static enum netns_owner owner_by_mark(const char *name, const char *want)
{
	char path[sizeof(NETNS_RUN_DIR) + 256];

	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	return owner_by_mark_at(path, name, want);
}

enum netns_owner netns_file_owner(const char *path, const char *want)
{
	return owner_by_mark_at(path, path, want);
}

enum netns_owner node_netns_owner(const struct fabric_state *st, const struct fabric_node *node,
				  bool veth_alive)
{
	char tag[ALIAS_TAG_MAX];
	uint64_t ino;

	if (node->cni)
		return NETNS_ABSENT; /* a runtime's namespace (fabric/attach.h): never ours */
	if (veth_alive && node->netns_ino && netns_inode(node->name, &ino) == 0 &&
	    ino == node->netns_ino)
		return NETNS_OURS;
	node_alias(tag, sizeof(tag), st->name, node->name);
	return owner_by_mark(node->name, tag);
}

enum netns_owner router_netns_owner(const char *fabric)
{
	char name[64], tag[ALIAS_TAG_MAX];

	router_netns_name(name, sizeof(name), fabric);
	router_alias(tag, sizeof(tag), fabric);
	return owner_by_mark(name, tag);
}
