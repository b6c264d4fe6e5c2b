// SPDX-License-Identifier: GPL-2.0-only
/*
 * The keyed lines of the fabric record (see fabric/state_keys.h): one row
 * per feature that stores something of its own in a fabric or a node.
 */
#include "fabric/state_keys.h"

#include "fabric/site.h"

const struct state_fabric_key state_fabric_keys[] = {
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
	{NULL, NULL, NULL},
};
