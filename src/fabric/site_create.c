// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fabric over hosts, this host's share: create it (the fabric, its
 * site's block, the VXLAN and its bridge in the router namespace, the FRR
 * fragment), make its data plane again (check --repair), take it away
 * (destroy). Forwarding stays in the router namespace: the VXLAN is made
 * from the host namespace, so its UDP socket is bound there on the
 * underlay, and placed in the router in the same request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/errors.h"
#include "fabric/fabric.h"
#include "fabric/names.h"
#include "fabric/ownership.h"
#include "fabric/site.h"
#include "fabric/site_frr.h"
#include "host/frr.h"
#include "kernel/addr.h"
#include "kernel/link.h"
#include "kernel/netns.h"
#include "kernel/vxlan.h"

struct underlay_find {
	uint32_t addr;
	int ifindex;
};

static int underlay_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct underlay_find *u = data;
	unsigned int len;
	uint32_t addr;
	int ifindex;

	if (addr_parse(nlh, &addr, &len, &ifindex) == 0 && addr == u->addr)
		u->ifindex = ifindex;
	return 0;
}

/* The device holding @addr in the caller's namespace, and its MTU. */
static int underlay_device(struct nl_sock *s, uint32_t addr, int *ifindex, unsigned int *mtu)
{
	struct underlay_find u = {addr, 0};
	struct link_list links;
	char a[INET_ADDRSTRLEN];
	int err;

	addr_dump(s);
	err = nl_dump(s, underlay_addr_cb, &u);
	if (err)
		return fail(err, "cannot read the host's addresses");
	if (!u.ifindex)
		return fail_msg(-EADDRNOTAVAIL,
				"no interface of this host has the underlay address %s "
				"(--underlay is this host's own address on the underlay network)",
				ipv4_addr_format(addr, a));
	err = link_dump_all(s, &links);
	if (err)
		return fail(err, "cannot list the host's links");
	*ifindex = u.ifindex;
	*mtu = 0;
	for (size_t i = 0; i < links.n; i++)
		if (links.links[i].ifindex == u.ifindex)
			*mtu = links.links[i].mtu;
	link_list_free(&links);
	return *mtu ? 0 : fail_msg(-ENODEV, "cannot read the underlay device's MTU");
}

static int open_router(const char *fabric, int *fd, struct nl_sock *rs)
{
	char name[64];
	int err;

	router_netns_name(name, sizeof(name), fabric);
	*fd = netns_open(name);
	if (*fd < 0)
		return fail(*fd, "cannot open the router namespace \"%s\"", name);
	err = netns_socket(*fd, rs);
	if (err) {
		close(*fd);
		return fail(err, "cannot open a socket in \"%s\"", name);
	}
	return 0;
}

/* The VXLAN and its bridge in the router namespace (what is missing of them). */
static int make_data_plane(const struct fabric_state *st, struct nl_sock *hs, int router_fd,
			   struct nl_sock *rs)
{
	const struct site_conf *sc = st->site;
	struct link_info vx, br;
	char tag[ALIAS_TAG_MAX];
	unsigned int ul_mtu;
	uint8_t mac[6];
	int ul_dev, err;

	err = underlay_device(hs, sc->underlay, &ul_dev, &ul_mtu);
	if (err)
		return err;
	router_alias(tag, sizeof(tag), st->name);
	site_router_mac(sc, mac);
	if (link_get_one(rs, SITE_SVI_IF, &br) == -ENODEV) {
		struct link_spec spec = {.name = SITE_SVI_IF, .mac = mac, .mtu = st->mtu};

		fail_clear();
		link_create_bridge(rs, &spec);
		err = nl_run(rs, NULL, NULL);
		if (err)
			return err;
	}
	err = link_get_one(rs, SITE_SVI_IF, &br);
	if (err)
		return fail(err, "cannot read \"%s\" in the router", SITE_SVI_IF);
	if (link_get_one(rs, SITE_VXLAN_IF, &vx) == -ENODEV) {
		struct vxlan_spec v = {
			.name = SITE_VXLAN_IF,
			.vni = sc->vni,
			.local = sc->underlay,
			.underlay_dev = ul_dev,
			.port = SITE_VXLAN_PORT,
			.mtu = st->mtu,
		};

		fail_clear();
		vxlan_create(hs, &v, router_fd);
		err = nl_run(hs, NULL, NULL);
		if (err == -EOPNOTSUPP || err == -ENOENT)
			return fail_msg(err,
					"this kernel has no VXLAN driver (CONFIG_VXLAN, module "
					"vxlan): a fabric over hosts needs it");
		if (err)
			return err;
	}
	err = link_get_one(rs, SITE_VXLAN_IF, &vx);
	if (err)
		return fail(err, "cannot read \"%s\" in the router", SITE_VXLAN_IF);
	link_set_tag(rs, br.ifindex, tag, false);
	link_set_tag(rs, vx.ifindex, tag, true);
	link_set_master(rs, vx.ifindex, br.ifindex);
	bridge_port_quiet(rs, vx.ifindex, SITE_VXLAN_IF);
	link_set_up(rs, br.ifindex);
	link_set_up(rs, vx.ifindex);
	return nl_run(rs, NULL, NULL);
}

/* Does vtysh @cmd print @want? */
static bool vtysh_shows(const char *cmd, const char *want)
{
	const char *args[] = {"-c", cmd, NULL};
	char *out = NULL;
	bool found;

	if (frr_vtysh(args, &out)) {
		fail_clear();
		return false;
	}
	found = strstr(out, want) != NULL;
	free(out);
	return found;
}

/*
 * zebra learns the router namespace (its VRF) from inotify on /run/netns,
 * a moment after it appears; the VXLAN's bridge, read in that first dump,
 * is not taken as the L3VNI's SVI ("SVI-If: None", the VNI stays down) on
 * FRR 8.4. Once zebra has the VRF, enslaving the VXLAN again is a live
 * event it handles: wait for the VRF, then re-enslave until zebra shows
 * @state for the VNI (5 s at most). Without @kick, only wait.
 */
static int wait_l3vni(const struct fabric_state *st, struct nl_sock *rs, const char *state,
		      bool kick)
{
	char vrf[64], want[96], cmd[64];
	struct link_info vx, br;
	int err;

	router_netns_name(vrf, sizeof(vrf), st->name);
	snprintf(want, sizeof(want), "vrf %s id ", vrf);
	for (int i = 0; i < 50 && !vtysh_shows("show vrf", want); i++)
		usleep(200000);
	snprintf(cmd, sizeof(cmd), "show evpn vni %u", st->site->vni);
	for (int i = 0; i < 10; i++) {
		if (vtysh_shows(cmd, state))
			return 0;
		if (!kick) {
			usleep(500000);
			continue;
		}
		err = link_get_one(rs, SITE_VXLAN_IF, &vx);
		if (!err)
			err = link_get_one(rs, SITE_SVI_IF, &br);
		if (err)
			return fail(err, "cannot read the VXLAN in the router");
		link_set_master(rs, vx.ifindex, 0);
		link_set_master(rs, vx.ifindex, br.ifindex);
		bridge_port_quiet(rs, vx.ifindex, SITE_VXLAN_IF); /* a new port: settings again */
		err = nl_run(rs, NULL, NULL);
		if (err)
			return err;
		usleep(500000);
	}
	return fail_msg(-ETIMEDOUT,
			"FRR's zebra does not show \"%s\" for VNI %u of VRF %s (see `vtysh -c "
			"'show evpn vni %u'`: it needs zebra with -n and the SVI %s)",
			state, st->site->vni, vrf, st->site->vni, SITE_SVI_IF);
}

/* bgpd has the VRF's L3VNI and router MAC (5 s at most; then go on). */
static void wait_bgp_l3vni(const struct fabric_state *st)
{
	char vrf[64], cmd[96], want[32];

	router_netns_name(vrf, sizeof(vrf), st->name);
	snprintf(cmd, sizeof(cmd), "show bgp vrf %s vni", vrf);
	snprintf(want, sizeof(want), "%u", st->site->vni);
	for (int i = 0; i < 25 && !vtysh_shows(cmd, want); i++)
		usleep(200000);
}

int site_attach(const struct fabric_state *st)
{
	struct nl_sock hs, rs;
	struct frr_facts ff;
	const char *why;
	int fd, err;

	frr_probe(&ff);
	why = frr_missing(&ff);
	if (why)
		return fail_msg(-EOPNOTSUPP, "%s", why);
	err = nl_open(&hs);
	if (err)
		return err;
	err = open_router(st->name, &fd, &rs);
	if (!err) {
		err = make_data_plane(st, &hs, fd, &rs);
		close(fd);
		if (!err) /* zebra finds the router (its VRF) there */
			err = site_netns_add(st->name);
		/* the L3VNI up, bgpd told of it, then the import (see site_frr.h) */
		if (!err)
			err = site_frr_apply(st, SITE_FRR_VNI);
		if (!err)
			err = wait_l3vni(st, &rs, "State: Up", true);
		if (!err)
			err = site_frr_apply(st, SITE_FRR_EXPORT);
		if (!err)
			wait_bgp_l3vni(st);
		if (!err)
			err = site_frr_apply(st, SITE_FRR_ALL);
		nl_close(&rs);
	}
	nl_close(&hs);
	return err;
}

int fabric_create_site(const char *name, const struct ipv4_prefix *subnet, unsigned int mtu,
		       uint32_t cell_size, bool tune, int attach, const struct site_conf *sc,
		       struct fabric_state *st)
{
	struct state_lock lock;
	struct frr_facts ff;
	unsigned int ul_mtu;
	const char *why;
	struct nl_sock s;
	int ul_dev, err;

	if (!subnet)
		return fail_usage("--site needs --subnet: every site of the fabric gives the same");
	err = site_conf_validate(sc, subnet, cell_size);
	if (err)
		return err;
	frr_probe(&ff);
	why = frr_missing(&ff);
	if (why)
		return fail_msg(-EOPNOTSUPP, "%s", why);
	err = nl_open(&s);
	if (err)
		return err;
	err = underlay_device(&s, sc->underlay, &ul_dev, &ul_mtu);
	nl_close(&s);
	if (err)
		return err;
	if (!mtu) /* node MTU = underlay MTU - the VXLAN encapsulation */
		mtu = ul_mtu - SITE_VXLAN_OVERHEAD;
	if (mtu + SITE_VXLAN_OVERHEAD > ul_mtu)
		return fail_usage("--mtu %u does not fit the underlay (MTU %u) with VXLAN's %d "
				  "bytes: at most %u",
				  mtu, ul_mtu, SITE_VXLAN_OVERHEAD, ul_mtu - SITE_VXLAN_OVERHEAD);
	err = fabric_create(name, subnet, mtu, cell_size, tune, attach, st);
	if (err)
		return err;
	st->site = malloc(sizeof(*st->site));
	err = st->site ? 0 : -ENOMEM;
	if (!err) {
		*st->site = *sc;
		site_restrict_ipam(st);
		err = state_lock(name, false, &lock);
	}
	if (!err) {
		err = state_save(st);
		state_unlock(&lock);
	}
	if (!err)
		err = site_attach(st);
	if (err) {
		struct fail_stash why_failed = {0};
		struct destroy_result r = {0};

		fail_stash(&why_failed);
		fabric_destroy(name, &r, NULL, NULL);
		notes_free(&r.left);
		fail_unstash(&why_failed);
		state_free(st);
	}
	return err;
}

void site_before_destroy(const struct fabric_state *st, struct notes *left)
{
	struct frr_facts ff;

	frr_probe(&ff);
	if (!ff.bgpd || !ff.zebra) {
		notes_add(left,
			  "FRR is not running: the FRR configuration of fabric \"%s\" stays "
			  "in its saved configuration (router bgp %u vrf .fabricctl-%s)",
			  st->name, st->site->asn, st->name);
		return;
	}
	if (site_frr_remove(st, false)) {
		notes_add(left, "%s", fail_message());
		fail_clear();
	}
}

void site_after_destroy(const struct fabric_state *st)
{
	struct frr_facts ff;

	frr_probe(&ff);
	if (ff.zebra && site_frr_remove(st, true))
		fail_clear(); /* zebra drops a VRF whose namespace went; saying "no vrf" is tidying
			       */
}
