// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keyed lines of the fabric record (see fabric/state_keys.h): one row
 * per feature that stores something of its own in a fabric or a node.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fabric/fabric6.h"
#include "fabric/site.h"
#include "fabric/state_keys.h"

const char *const fabric_attach_names[FABRIC_ATTACH_MAX] = {
	[FABRIC_ATTACH_TC] = "tc",
	[FABRIC_ATTACH_TCX] = "tcx",
};

int fabric_attach_parse(const char *text, enum fabric_attach *out)
{
	for (int i = 0; i < FABRIC_ATTACH_MAX; i++) {
		if (!strcmp(text, fabric_attach_names[i])) {
			*out = (enum fabric_attach)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* "set attach tcx": a record without it is of a fabric attached by tc (the default). */
static int attach_parse(struct fabric_state *st, const char *value)
{
	return fabric_attach_parse(value, &st->attach);
}

static bool attach_format(const struct fabric_state *st, char *buf, size_t size)
{
	if (st->attach == FABRIC_ATTACH_TC)
		return false;
	snprintf(buf, size, "%s", fabric_attach_names[st->attach]);
	return true;
}

#include "fabric/attach.h"

/* A runtime's attachment (fabric/attach.h): container id, ifname, namespace path, network. */
#define CNI_KEY(name, fn)                                                                          \
	static int fn##_parse(struct fabric_state *st, struct fabric_node *node, const char *v)    \
	{                                                                                          \
		(void)st;                                                                          \
		return attach_key_parse(node, name, v);                                            \
	}                                                                                          \
	static bool fn##_format(const struct fabric_state *st, const struct fabric_node *node,     \
				char *buf, size_t size)                                            \
	{                                                                                          \
		(void)st;                                                                          \
		return attach_key_format(node, name, buf, size);                                   \
	}
CNI_KEY("cni.id", cni_id)
CNI_KEY("cni.if", cni_if)
CNI_KEY("cni.netns", cni_netns)
CNI_KEY("cni.net", cni_net)

const struct state_fabric_key state_fabric_keys[] = {
	{"attach", attach_parse, attach_format},
	{"subnet6", fabric6_parse_subnet6, fabric6_format_subnet6},
	{"family", fabric6_parse_family, fabric6_format_family},
	/* a fabric over hosts (site.h); "site" first: it restricts the IPAM */
	{"site", site_key_site_parse, site_key_site_format},
	{"underlay", site_key_underlay_parse, site_key_underlay_format},
	{"bgp_peers", site_key_peers_parse, site_key_peers_format},
	{"vni", site_key_vni_parse, site_key_vni_format},
	{"asn", site_key_asn_parse, site_key_asn_format},
	{"bgp_hold", site_key_hold_parse, site_key_hold_format},
	{NULL, NULL, NULL},
};

const struct state_node_key state_node_keys[] = {
	{"cni.id", cni_id_parse, cni_id_format},
	{"cni.if", cni_if_parse, cni_if_format},
	{"cni.netns", cni_netns_parse, cni_netns_format},
	{"cni.net", cni_net_parse, cni_net_format},
	{NULL, NULL, NULL},
};
