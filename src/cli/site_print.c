// SPDX-License-Identifier: GPL-2.0-only
/* show's part for a fabric over hosts. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/site_print.h"
#include "fabric/site.h"

void print_site_fields(struct printer *p, const struct fabric_state *st)
{
	const struct site_conf *sc = st->site;
	char blk[IPV4_PREFIX_STRLEN], u[INET_ADDRSTRLEN], peers[256];
	struct ipv4_prefix b;

	if (!sc)
		return;
	site_block(&st->subnet, sc->site, &b);
	ipv4_prefix_format(&b, blk);
	ipv4_addr_format(sc->underlay, u);
	site_peers_format(sc, peers, sizeof(peers));
	print_open_object(p, "site");
	print_uint(p, "site", NULL, sc->site);
	print_string(p, "block", NULL, blk);
	print_string(p, "underlay", NULL, u);
	print_uint(p, "vni", NULL, sc->vni);
	print_uint(p, "vxlan_port", NULL, SITE_VXLAN_PORT);
	print_uint(p, "asn", NULL, sc->asn);
	print_string(p, "bgp_peers", NULL, peers);
	print_uint(p, "bgp_hold", NULL, sc->hold);
	print_uint(p, "encap_overhead", NULL, SITE_VXLAN_OVERHEAD);
	print_close_object(p);
	print_text(p,
		   "site %u: nodes in %s, VXLAN VNI %u (UDP %d) from underlay %s, BGP EVPN AS %u "
		   "to %s (hold %u s); node MTU %u = underlay MTU - %d\n",
		   sc->site, blk, sc->vni, SITE_VXLAN_PORT, u, sc->asn,
		   peers[0] ? peers : "no peer", sc->hold, st->mtu, SITE_VXLAN_OVERHEAD);
}

int print_other_sites(struct printer *p, const struct fabric_state *st)
{
	char cidr[IPV4_PREFIX_STRLEN], v[INET_ADDRSTRLEN];
	struct site_route *r;
	size_t n;
	int err;

	if (!st->site)
		return 0;
	err = site_remote_routes(st, &r, &n);
	if (err)
		return err;
	print_text(p, "other sites, as BGP installed them in the router (%zu route%s):\n", n,
		   n == 1 ? "" : "s");
	print_text(p, "%-6s %-18s %s\n", "SITE", "PREFIX", "VTEP");
	print_open_array(p, "other_sites");
	for (size_t i = 0; i < n; i++) {
		print_open_object(p, NULL);
		print_uint(p, "site", "%-6s ", r[i].site);
		print_string(p, "prefix", "%-18s ", ipv4_prefix_format(&r[i].prefix, cidr));
		print_string(p, "vtep", "%s\n", ipv4_addr_format(r[i].vtep, v));
		print_close_object(p);
	}
	print_close_array(p);
	free(r);
	return 0;
}
