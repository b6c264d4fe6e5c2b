/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sites: one fabric spread over several hosts (issue 16). Each host is a
 * "site" numbered 1..SITE_MAX. The fabric's subnet is cut into SITE_BLOCKS
 * equal blocks: block 0 is the local block every host keeps for itself
 * (cell 0 with the host's address and the gateway the host routes through;
 * never announced, no nodes), block S belongs to site S, whose nodes take
 * addresses only there. With 10.42.0.0/16: site 1 = 10.42.16.0/20, site 2
 * = 10.42.32.0/20, ... site 15 = 10.42.240.0/20. No central allocator: the
 * site number alone decides.
 *
 * Data plane: an L3 VXLAN (VNI derived from the fabric's name, UDP 4789,
 * learning off) made from the host namespace, so that its UDP socket stays
 * on the underlay, and moved into the fabric's router namespace, where it
 * is the port of a bridge carrying the router MAC. Control plane: the
 * host's FRR (zebra with the netns VRF backend, -n) announces the site's
 * cells as BGP EVPN type-5 routes to the configured peers; zebra installs
 * the other sites' cells in the router namespace. See README, "Many hosts".
 */
#ifndef FABRICCTL_FABRIC_SITE_H
#define FABRICCTL_FABRIC_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ipv4.h"
#include "fabric/state.h"

#define SITE_BLOCKS 16
#define SITE_MAX (SITE_BLOCKS - 1)
#define SITE_PEERS_MAX 16
#define SITE_VXLAN_PORT 4789
#define SITE_VXLAN_OVERHEAD 50	  /* outer IPv4 20 + UDP 8 + VXLAN 8 + Ethernet 14 */
#define SITE_ASN_BASE 4200000000u /* private 4-byte ASNs: site S is BASE + S */
#define SITE_DEFAULT_HOLD 9	  /* BGP hold time, seconds (keepalive a third) */
#define SITE_VXLAN_IF "fab-vx"	  /* in the router namespace */
#define SITE_SVI_IF "fab-vxbr"	  /* its bridge: the L3VNI's SVI */

struct site_conf {
	unsigned int site;		/* 1..SITE_MAX */
	uint32_t underlay;		/* this host's VTEP address */
	uint32_t peers[SITE_PEERS_MAX]; /* BGP neighbours (other hosts' underlay addresses) */
	unsigned int n_peers;
	uint32_t vni;
	uint32_t asn;
	unsigned int hold;
};

/* The block of @site (0: the local block) of @subnet. */
void site_block(const struct ipv4_prefix *subnet, unsigned int site, struct ipv4_prefix *out);
/* The site whose block holds @addr (0: the local block). */
unsigned int site_of_addr(const struct ipv4_prefix *subnet, uint32_t addr);
/* The VNI of fabric @name: the same on every host, 4096..16777215. */
uint32_t site_vni_of(const char *name);
/* The router MAC of this host's fabric (from the VTEP address). */
void site_router_mac(const struct site_conf *sc, uint8_t mac[6]);

/*
 * Check @sc against @subnet and @cell_size (a block holds whole cells, the
 * site number is in range, the peers are not our own address): 0 or
 * -EUSAGE, recorded.
 */
int site_conf_validate(const struct site_conf *sc, const struct ipv4_prefix *subnet,
		       uint32_t cell_size);
/* Keep @st's addresses to its site's block (the IPAM hands out nothing else). */
void site_restrict_ipam(struct fabric_state *st);

/* "10.254.0.2,10.254.0.3" <-> peers (record and show). */
int site_peers_parse(const char *text, struct site_conf *sc);
void site_peers_format(const struct site_conf *sc, char *buf, size_t size);

/*
 * fabric_create_site() - fabric_create() on a site: MTU from the underlay
 * (its device's MTU - 50 when @mtu is 0), addresses only in the site's
 * block, the VXLAN and the SVI in the router namespace, the FRR fragment
 * applied. On failure nothing is left (the fabric is destroyed).
 */
int fabric_create_site(const char *name, const struct ipv4_prefix *subnet, unsigned int mtu,
		       uint32_t cell_size, bool tune, int attach, const struct site_conf *sc,
		       struct fabric_state *st);

/* Make (or remake) the site's data plane and FRR fragment for @st: 0 or -errno. */
int site_attach(const struct fabric_state *st);
/* Remove the FRR fragment of fabric @name (the router namespace takes the rest). */
int site_detach(const char *name);

struct notes;
/* destroy: the FRR fragment before the router namespace goes, the VRF after. */
void site_before_destroy(const struct fabric_state *st, struct notes *left);
void site_after_destroy(const struct fabric_state *st);

/* A route of another site that the control plane installed. */
struct site_route {
	struct ipv4_prefix prefix;
	unsigned int site;
	uint32_t vtep;
};

/* The other sites' routes in the router namespace (*out malloc'd). */
int site_remote_routes(const struct fabric_state *st, struct site_route **out, size_t *n);

/* What check finds about a site fabric. */
struct site_health {
	bool vxlan_ok;		   /* the VXLAN is in the router, ours, up, with its bridge */
	bool view_ok;		   /* FRR_NETNS_DIR shows zebra the router namespace */
	bool frr_ok;		   /* FRR runs and holds our fragment */
	unsigned int peers_silent; /* configured peers with no route in the router */
	uint32_t silent[SITE_PEERS_MAX];
};

int site_check(const struct fabric_state *st, struct site_health *h);

/* doctor: append the items of a fabric over hosts (VXLAN, FRR, sessions) to @r. */
struct limit_report;
void site_doctor(struct limit_report *r);

/* The record's rows (state_keys.c): "set site 2", "set underlay A.B.C.D", ... */
int site_key_site_parse(struct fabric_state *st, const char *v);
bool site_key_site_format(const struct fabric_state *st, char *buf, size_t size);
int site_key_underlay_parse(struct fabric_state *st, const char *v);
bool site_key_underlay_format(const struct fabric_state *st, char *buf, size_t size);
int site_key_peers_parse(struct fabric_state *st, const char *v);
bool site_key_peers_format(const struct fabric_state *st, char *buf, size_t size);
int site_key_vni_parse(struct fabric_state *st, const char *v);
bool site_key_vni_format(const struct fabric_state *st, char *buf, size_t size);
int site_key_asn_parse(struct fabric_state *st, const char *v);
bool site_key_asn_format(const struct fabric_state *st, char *buf, size_t size);
int site_key_hold_parse(struct fabric_state *st, const char *v);
bool site_key_hold_format(const struct fabric_state *st, char *buf, size_t size);

/*
 * The router namespace in FRR's view (FRR_NETNS_DIR, host/frr.h): made by
 * site_attach(), taken away by destroy before the router (it pins it),
 * only when proven the fabric's router (notes otherwise). site_netns_ok():
 * there, and the router namespace of today.
 */
int site_netns_add(const char *fabric);
int site_netns_remove(const char *fabric, struct notes *left);
bool site_netns_ok(const char *fabric);

#endif
