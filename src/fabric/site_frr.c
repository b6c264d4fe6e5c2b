// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FRR fragment of a fabric over hosts, applied through vtysh:
 *
 *   vrf .fabricctl-F / vni V            the router namespace is the VRF (zebra -n)
 *   router bgp A                        eBGP to every --bgp-peer, l2vpn evpn,
 *                                       advertise-all-vni
 *   ip prefix-list + route-map fabricctl-F   only this site's block
 *   router bgp A vrf .fabricctl-F       redistribute connected (the site's cells)
 *                                       as EVPN type-5, route-target 65000:V
 *
 * then `write memory`, so that FRR restarts with it. Everything fabricctl
 * adds is named after the fabric (the VRF, the route map, the prefix
 * list) and is removed by destroy; the global `router bgp A` goes with the
 * last fabric over hosts of this host.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/names.h"
#include "fabric/site.h"
#include "fabric/site_frr.h"
#include "host/frr.h"

#define FRAG_LINES 160
#define FRAG_LINE 128

struct fragment {
	char lines[FRAG_LINES][FRAG_LINE];
	const char *argv[2 * FRAG_LINES + 1];
	unsigned int n;
};

static void __attribute__((format(printf, 2, 3))) add(struct fragment *f, const char *fmt, ...)
{
	va_list ap;

	if (f->n == FRAG_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(f->lines[f->n++], FRAG_LINE, fmt, ap);
	va_end(ap);
}

/* vtysh -c LINE -c LINE ...: one configuration session. */
static int run(struct fragment *f)
{
	unsigned int a = 0;

	for (unsigned int i = 0; i < f->n; i++) {
		f->argv[a++] = "-c";
		f->argv[a++] = f->lines[i];
	}
	f->argv[a] = NULL;
	return frr_vtysh(f->argv, NULL);
}

static void vrf_name(char *buf, size_t size, const char *fabric)
{
	router_netns_name(buf, size, fabric);
}

int site_frr_apply(const struct fabric_state *st, int stage)
{
	const struct site_conf *sc = st->site;
	char vrf[64], u[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN], blk[IPV4_PREFIX_STRLEN];
	struct fragment *f = calloc(1, sizeof(*f));
	struct ipv4_prefix block;
	unsigned int keep = sc->hold / 3 ? sc->hold / 3 : 1;
	int err;

	if (!f)
		return -ENOMEM;
	vrf_name(vrf, sizeof(vrf), st->name);
	ipv4_addr_format(sc->underlay, u);
	site_block(&st->subnet, sc->site, &block);
	ipv4_prefix_format(&block, blk);
	add(f, "configure terminal");
	add(f, "vrf %s", vrf);
	add(f, "vni %u", sc->vni);
	add(f, "exit-vrf");
	/* Only what this host originates goes out: every site peers with every
	 * other, none is a transit (a second path through a third host makes
	 * FRR 8.4's zebra drop the router MAC of a site when paths change). */
	add(f, "bgp as-path access-list fabricctl-local seq 5 permit ^$");
	add(f, "route-map fabricctl-evpn-out permit 10");
	add(f, "match as-path fabricctl-local");
	add(f, "exit");
	add(f, "router bgp %u", sc->asn);
	add(f, "bgp router-id %s", u);
	add(f, "no bgp ebgp-requires-policy");
	add(f, "no bgp default ipv4-unicast");
	add(f, "address-family l2vpn evpn");
	add(f, "advertise-all-vni");
	add(f, "exit-address-family");
	add(f, "exit");
	if (stage == SITE_FRR_VNI) {
		add(f, "end");
		goto send;
	}
	add(f, "ip prefix-list fabricctl-%s seq 5 permit %s le 32", st->name, blk);
	add(f, "route-map fabricctl-%s permit 10", st->name);
	add(f, "match ip address prefix-list fabricctl-%s", st->name);
	add(f, "exit");
	add(f, "router bgp %u vrf %s", sc->asn, vrf);
	add(f, "bgp router-id %s", u);
	add(f, "no bgp ebgp-requires-policy");
	add(f, "address-family ipv4 unicast");
	add(f, "redistribute connected route-map fabricctl-%s", st->name);
	add(f, "exit-address-family");
	add(f, "address-family l2vpn evpn");
	add(f, "advertise ipv4 unicast");
	if (stage == SITE_FRR_ALL)
		add(f, "route-target import 65000:%u", sc->vni);
	add(f, "route-target export 65000:%u", sc->vni);
	add(f, "exit-address-family");
	add(f, "exit");
	if (stage == SITE_FRR_ALL) {
		/* the peers last: routes arrive once the VRF is ready for them */
		add(f, "router bgp %u", sc->asn);
		for (unsigned int i = 0; i < sc->n_peers; i++) {
			ipv4_addr_format(sc->peers[i], p);
			add(f, "neighbor %s remote-as external", p);
			add(f, "neighbor %s timers %u %u", p, keep, sc->hold);
			add(f, "neighbor %s timers connect 2", p);
		}
		add(f, "address-family l2vpn evpn");
		for (unsigned int i = 0; i < sc->n_peers; i++) {
			add(f, "neighbor %s activate", ipv4_addr_format(sc->peers[i], p));
			add(f, "neighbor %s route-map fabricctl-evpn-out out", p);
		}
		add(f, "exit-address-family");
		add(f, "exit");
	}
	add(f, "end");
	if (stage == SITE_FRR_ALL)
		add(f, "write memory");
send:
	err = run(f);
	free(f);
	return err ? fail_wrap(err, "cannot apply the FRR configuration of fabric \"%s\"", st->name)
		   : 0;
}

/* Does another fabric of this host (not @name) have a site? */
static bool other_site_fabric(const char *name)
{
	char(*names)[FABRIC_NAME_MAX + 1];
	size_t count;
	bool found = false;

	if (state_list(&names, &count))
		return fail_clear(), true; /* cannot tell: keep the shared part */
	for (size_t i = 0; i < count && !found; i++) {
		struct fabric_state o;

		if (!strcmp(names[i], name) || state_load(names[i], &o)) {
			fail_clear();
			continue;
		}
		found = o.site != NULL;
		state_free(&o);
	}
	free(names);
	return found;
}

int site_frr_remove(const struct fabric_state *st, bool vrf_gone)
{
	const struct site_conf *sc = st->site;
	struct fragment *f = calloc(1, sizeof(*f));
	char vrf[64];
	int err;

	if (!f)
		return -ENOMEM;
	vrf_name(vrf, sizeof(vrf), st->name);
	add(f, "configure terminal");
	if (!vrf_gone) {
		/* the L3VNI before the VRF's BGP instance: FRR refuses the other order */
		add(f, "vrf %s", vrf);
		add(f, "no vni %u", sc->vni);
		add(f, "exit-vrf");
		add(f, "no router bgp %u vrf %s", sc->asn, vrf);
		add(f, "no route-map fabricctl-%s", st->name);
		add(f, "no ip prefix-list fabricctl-%s", st->name);
		if (!other_site_fabric(st->name)) {
			add(f, "no router bgp %u", sc->asn);
			add(f, "no route-map fabricctl-evpn-out");
			add(f, "no bgp as-path access-list fabricctl-local");
		}
	} else {
		add(f, "no vrf %s", vrf);
	}
	add(f, "end");
	add(f, "write memory");
	err = run(f);
	free(f);
	return err ? fail_wrap(err, "cannot remove the FRR configuration of fabric \"%s\"",
			       st->name)
		   : 0;
}

int site_frr_present(const struct fabric_state *st, bool *present)
{
	const char *args[] = {"-c", "show running-config", NULL};
	char want[128], vrf[64], *out;
	int err;

	vrf_name(vrf, sizeof(vrf), st->name);
	snprintf(want, sizeof(want), "router bgp %u vrf %s\n", st->site->asn, vrf);
	err = frr_vtysh(args, &out);
	if (err)
		return err;
	*present = strstr(out, want) != NULL;
	free(out);
	return 0;
}

int site_frr_sessions(unsigned int *peers, unsigned int *established)
{
	const char *args[] = {"-c", "show bgp l2vpn evpn summary json", NULL};
	char *out;
	int err = frr_vtysh(args, &out);

	if (err)
		return err;
	frr_count_established(out, peers, established);
	free(out);
	return 0;
}

int site_frr_interfaces(const struct fabric_state *st, char **brief)
{
	char vrf[64], cmd[128];
	const char *args[] = {"-c", cmd, NULL};

	vrf_name(vrf, sizeof(vrf), st->name);
	snprintf(cmd, sizeof(cmd), "show interface vrf %s brief", vrf);
	return frr_vtysh(args, brief);
}

bool site_frr_knows(const char *brief, const char *ifname, const char *addr)
{
	size_t len = strlen(ifname);

	for (const char *line = brief, *end; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (strncmp(line, ifname, len) || line[len] != ' ')
			continue;
		if (!addr)
			return true;
		for (const char *p = strstr(line, addr); p && (!end || p < end);
		     p = strstr(p + 1, addr))
			if (p[strlen(addr)] == '/')
				return true;
		return false;
	}
	return false;
}

void site_frr_wait_interface(const struct fabric_state *st, const char *ifname)
{
	for (int i = 0; i < 50; i++) {
		char *brief = NULL;
		bool known;

		if (site_frr_interfaces(st, &brief)) {
			fail_clear();
			return; /* no FRR to ask: nothing to wait for */
		}
		known = site_frr_knows(brief, ifname, NULL);
		free(brief);
		if (known)
			return;
		usleep(100000);
	}
}
