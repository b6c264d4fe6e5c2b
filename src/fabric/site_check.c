// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fabric over hosts, read back: the other sites' routes that FRR's
 * zebra installed in the router namespace (protocol bgp, via a remote
 * VTEP), and the health check's view (VXLAN, FRR fragment, silent peers).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/array.h"
#include "base/errors.h"
#include "fabric/check_ctx.h"
#include "fabric/names.h"
#include "fabric/site.h"
#include "fabric/site_frr.h"
#include "host/frr.h"
#include "host/limits.h"
#include "kernel/addr.h"
#include "kernel/link.h"
#include "kernel/netns.h"
#include "kernel/route.h"
#include "kernel/vxlan.h"

struct routes_ctx {
	const struct fabric_state *st;
	struct site_route *r;
	size_t n, cap;
	int err;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct routes_ctx *c = data;
	uint32_t dst, table, gw, prio;
	unsigned int len;
	uint8_t proto;
	int oif;

	if (route_parse_full(nlh, &dst, &len, &table, &gw, &prio) ||
	    route_parse_origin(nlh, &proto, &oif) || proto != ROUTE_PROTO_BGP || !gw ||
	    len < c->st->subnet.len || !ipv4_prefix_contains(&c->st->subnet, dst))
		return 0;
	if (ARRAY_RESERVE(c->r, c->cap, c->n)) {
		c->err = -ENOMEM;
		return 0;
	}
	c->r[c->n].prefix.addr = dst;
	c->r[c->n].prefix.len = len;
	c->r[c->n].site = site_of_addr(&c->st->subnet, dst);
	c->r[c->n].vtep = gw;
	c->n++;
	return 0;
}

static int cmp_route(const void *a, const void *b)
{
	const struct site_route *x = a, *y = b;

	if (x->site != y->site)
		return x->site < y->site ? -1 : 1;
	return x->prefix.addr < y->prefix.addr ? -1 : x->prefix.addr > y->prefix.addr;
}

int site_remote_routes(const struct fabric_state *st, struct site_route **out, size_t *n)
{
	struct routes_ctx c = {.st = st};
	struct nl_sock rs;
	char name[64];
	int fd, err;

	*out = NULL;
	*n = 0;
	router_netns_name(name, sizeof(name), st->name);
	fd = netns_open(name);
	if (fd < 0)
		return fail(fd, "cannot open the router namespace \"%s\"", name);
	err = netns_socket(fd, &rs);
	close(fd);
	if (err)
		return fail(err, "cannot open a socket in \"%s\"", name);
	route_dump(&rs);
	err = nl_dump(&rs, route_cb, &c);
	nl_close(&rs);
	if (!err)
		err = c.err;
	if (err) {
		free(c.r);
		return fail(err, "cannot read the routes of \"%s\"", name);
	}
	qsort(c.r, c.n, sizeof(*c.r), cmp_route);
	*out = c.r;
	*n = c.n;
	return 0;
}

/* The router's @leg holds @gw: say so again to every listener (zebra). */
static void announce_again(const struct fabric_state *st, const char *leg, uint32_t gw,
			   unsigned int plen)
{
	struct link_info li;
	struct nl_sock rs;
	char name[64];
	int fd;

	router_netns_name(name, sizeof(name), st->name);
	fd = netns_open(name);
	if (fd < 0)
		return;
	if (!netns_socket(fd, &rs)) {
		if (link_get_one(&rs, leg, &li) == 0 && alias_is_ours(li.alias, st->name)) {
			addr_announce(&rs, li.ifindex, gw, plen);
			nl_run(&rs, NULL, NULL);
		}
		nl_close(&rs);
	}
	close(fd);
	fail_clear(); /* the second look tells */
}

static bool vxlan_ok(const struct fabric_state *st)
{
	struct link_info vx, br;
	struct nl_sock rs;
	char name[64];
	bool ok;
	int fd;

	router_netns_name(name, sizeof(name), st->name);
	fd = netns_open(name);
	if (fd < 0)
		return false;
	if (netns_socket(fd, &rs)) {
		close(fd);
		return false;
	}
	close(fd);
	ok = link_get_one(&rs, SITE_VXLAN_IF, &vx) == 0 &&
	     link_get_one(&rs, SITE_SVI_IF, &br) == 0 && !strcmp(vx.kind, "vxlan") &&
	     alias_is_ours(vx.alias, st->name) && alias_is_ours(br.alias, st->name) &&
	     vx.master == br.ifindex && (vx.flags & IFF_UP) && (br.flags & IFF_UP);
	nl_close(&rs);
	fail_clear();
	return ok;
}

int site_check(const struct fabric_state *st, struct site_health *h)
{
	struct site_route *r = NULL;
	struct frr_facts ff;
	bool present = false;
	size_t n = 0;

	memset(h, 0, sizeof(*h));
	h->vxlan_ok = vxlan_ok(st);
	h->view_ok = site_netns_ok(st->name);
	frr_probe(&ff);
	if (!frr_missing(&ff) && site_frr_present(st, &present) == 0)
		h->frr_ok = present;
	fail_clear();
	if (site_remote_routes(st, &r, &n))
		fail_clear();
	for (unsigned int i = 0; i < st->site->n_peers; i++) {
		bool seen = false;

		for (size_t k = 0; k < n && !seen; k++)
			seen = r[k].vtep == st->site->peers[i];
		if (!seen)
			h->silent[h->peers_silent++] = st->site->peers[i];
	}
	free(r);
	return 0;
}

/*
 * Every cell of this site with nodes is known to zebra with its gateway
 * address (else FRR never announces it: see site_frr.h). Repair tells
 * zebra of the address again.
 */
static void check_announced_cells(struct check_ctx *c)
{
	const struct fabric_state *st = c->st;
	const struct ipam *ipam = &st->ipam;
	bool *seen = calloc(ipam_n_cells(ipam), sizeof(*seen));
	char *brief = NULL;

	if (!seen || st->ipv6_only || site_frr_interfaces(st, &brief)) {
		fail_clear(); /* no FRR: site_frr says so */
		free(seen);
		return;
	}
	for (size_t i = 0; i < st->n_nodes; i++) {
		uint32_t cell = ipam_cell_of(ipam, st->nodes[i].slot);
		uint32_t gw = ipam_addr_of(ipam, ipam_cell_gateway_slot(ipam, cell));
		char leg[IFNAMSIZ], a[INET_ADDRSTRLEN];

		if (seen[cell])
			continue;
		seen[cell] = true;
		router_if_name(leg, cell);
		ipv4_addr_format(gw, a);
		if (site_frr_knows(brief, leg, a))
			continue;
		check_add(c, "site_frr_cell", NULL, leg,
			  "FRR's zebra does not list %s with the gateway %s: cell %u is not "
			  "announced to the other sites",
			  leg, a, cell);
		if (c->repair)
			announce_again(st, leg, gw, ipam_cell_prefix_len(ipam));
	}
	free(brief);
	free(seen);
}

void check_site(struct check_ctx *c)
{
	char a[INET_ADDRSTRLEN];
	struct site_health h;

	if (!c->st->site)
		return;
	site_check(c->st, &h);
	if (!h.vxlan_ok || !h.frr_ok || !h.view_ok) {
		if (!h.view_ok)
			check_add(c, "site_frr_netns", NULL, FRR_NETNS_DIR,
				  "FRR's view of the router (%s/.fabricctl-%s) is missing or is "
				  "not the router namespace",
				  FRR_NETNS_DIR, c->st->name);
		if (!h.vxlan_ok)
			check_add(
				c, "site_vxlan", NULL, SITE_VXLAN_IF,
				"the VXLAN %s (VNI %u) or its bridge %s in the router is missing, "
				"not ours or down",
				SITE_VXLAN_IF, c->st->site->vni, SITE_SVI_IF);
		if (!h.frr_ok)
			check_add(c, "site_frr", NULL, "frr",
				  "FRR does not run, or its running configuration lacks the "
				  "fabric's fragment (router bgp %u vrf .fabricctl-%s)",
				  c->st->site->asn, c->st->name);
		if (c->repair)
			site_attach(c->st);
		fail_clear();
	}
	check_announced_cells(c);
	for (unsigned int i = 0; i < h.peers_silent; i++) {
		ipv4_addr_format(h.silent[i], a);
		check_add(c, "site_missing", NULL, a,
			  "site at %s announces nothing: that host is down, its FRR is stopped or "
			  "its BGP session is not Established (its nodes are unreachable)",
			  a);
	}
}

void site_doctor(struct limit_report *r)
{
	char(*names)[FABRIC_NAME_MAX + 1] = NULL;
	unsigned int peers = 0, est = 0;
	struct frr_facts ff;
	bool needed = false;
	size_t count = 0;

	if (state_list(&names, &count) == 0) {
		for (size_t i = 0; i < count && !needed; i++) {
			struct fabric_state o;

			if (state_load(names[i], &o))
				continue;
			needed = o.site != NULL;
			state_free(&o);
		}
	}
	free(names);
	fail_clear();
	frr_probe(&ff);
	if (needed && !frr_missing(&ff) && site_frr_sessions(&peers, &est))
		fail_clear();
	limits_judge_multihost(&ff, needed, peers, est, r);
}
