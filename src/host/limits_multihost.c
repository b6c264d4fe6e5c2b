// SPDX-License-Identifier: GPL-2.0-only
/* doctor's items for a fabric over hosts: VXLAN, FRR, BGP sessions. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "host/frr.h"
#include "host/limits.h"

static struct host_limit *item(struct limit_report *r, const char *name, uint64_t cur,
			       uint64_t need, enum limit_severity sev)
{
	struct host_limit *l;

	if (r->n == LIMITS_MAX)
		return NULL;
	l = &r->items[r->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->current = cur;
	l->needed = need;
	l->severity = sev;
	return l;
}

void limits_judge_multihost(const struct frr_facts *ff, bool needed, unsigned int peers,
			    unsigned int established, struct limit_report *r)
{
	enum limit_severity missing = needed ? LIMIT_FAIL : LIMIT_WARN;
	bool vxlan = access("/sys/module/vxlan", F_OK) == 0;
	const char *why = frr_missing(ff);
	struct host_limit *l;

	l = item(r, "vxlan", vxlan, 1, vxlan ? LIMIT_OK : missing);
	if (l && vxlan)
		snprintf(l->what, sizeof(l->what),
			 "the VXLAN driver is loaded (a fabric over hosts, create with a site)");
	if (l && !vxlan) {
		snprintf(l->what, sizeof(l->what),
			 "no VXLAN driver loaded: `create --site` (a fabric over hosts) needs it");
		snprintf(l->fix, sizeof(l->fix), "modprobe vxlan (CONFIG_VXLAN)");
	}
	l = item(r, "frr", !why, 1, why ? missing : LIMIT_OK);
	if (l && !why)
		snprintf(l->what, sizeof(l->what),
			 "FRR's zebra (with -n) and bgpd run: fabrics over hosts can be made");
	if (l && why) {
		snprintf(l->what, sizeof(l->what), "%s", why);
		snprintf(l->fix, sizeof(l->fix),
			 "apt-get install frr; zebra_options=\"-A 127.0.0.1 -s 90000000 -n\" and "
			 "bgpd=yes in /etc/frr/daemons; service frr restart");
	}
	if (ff->netns_vrf) {
		unsigned int seen = frr_zebra_netns_count();

		l = item(r, "frr_netns", seen, 0, ff->scoped ? LIMIT_OK : LIMIT_WARN);
		if (l && ff->scoped)
			snprintf(l->what, sizeof(l->what),
				 "zebra's /run/netns is " FRR_NETNS_DIR
				 ": it sees only the fabrics' routers (%u)",
				 seen);
		if (l && !ff->scoped) {
			snprintf(l->what, sizeof(l->what),
				 "zebra sees every namespace of /run/netns (%u): each node's "
				 "becomes a VRF it reads, tens of ms per node at thousands",
				 seen);
			snprintf(l->fix, sizeof(l->fix),
				 "install share/fabricctl/frr/fabricctl.conf (contrib/frr/) as "
				 "/etc/systemd/system/frr.service.d/fabricctl.conf, then "
				 "systemctl daemon-reload; systemctl restart frr");
		}
	}
	if (!needed)
		return;
	l = item(r, "bgp_sessions", established, peers,
		 established < peers ? LIMIT_FAIL : LIMIT_OK);
	if (l && established >= peers)
		snprintf(l->what, sizeof(l->what), "%u of %u BGP EVPN sessions Established",
			 established, peers);
	if (l && established < peers) {
		snprintf(l->what, sizeof(l->what),
			 "%u of %u BGP EVPN sessions Established: the other sites are not all "
			 "reachable",
			 established, peers);
		snprintf(l->fix, sizeof(l->fix),
			 "vtysh -c 'show bgp l2vpn evpn summary'; check the peers' FRR and the "
			 "underlay (TCP 179)");
	}
}
