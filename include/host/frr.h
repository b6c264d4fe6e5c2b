/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's FRR (Debian's frr package): is it installed, are zebra and
 * bgpd running (their pid files in /run/frr), does zebra use the netns
 * VRF backend (-n, which a fabric over hosts needs: the fabric's router
 * namespace is its VRF), and vtysh to configure and query it. vtysh is
 * FRR's own documented configuration interface; fabricctl runs it with
 * an argument vector (no shell), never ip/tc/bpftool.
 */
#ifndef FABRICCTL_HOST_FRR_H
#define FABRICCTL_HOST_FRR_H

#include <stdbool.h>
#include <stddef.h>

#define FRR_SBIN "/usr/lib/frr"
#define FRR_VTYSH "/usr/bin/vtysh"
#define FRR_RUN "/run/frr"
/*
 * The namespaces zebra should see. zebra -n makes every file of its
 * /run/netns a VRF and reads it (inotify), every node's namespace too:
 * at thousands of nodes that costs tens of ms per node. fabricctl binds
 * each fabric's router namespace here as well; an FRR started with this
 * directory bound over its /run/netns (contrib/frr/fabricctl.conf, a
 * systemd drop-in) sees only the routers. A shared mount point, so that
 * binds made after FRR started reach its mount namespace.
 */
#define FRR_NETNS_DIR "/run/fabricctl/.frr-netns"

struct frr_facts {
	bool installed;	  /* zebra, bgpd and vtysh are there */
	bool zebra, bgpd; /* running */
	bool netns_vrf;	  /* zebra runs with -n (--vrfwnetns) */
	bool scoped;	  /* zebra's /run/netns is FRR_NETNS_DIR */
};

void frr_probe(struct frr_facts *f);
/* Files in zebra's /run/netns (its VRFs-to-be): a directory read, for doctor. */
unsigned int frr_zebra_netns_count(void);
/*
 * A sentence saying what is missing for a fabric over hosts, or NULL when
 * FRR is ready.
 */
const char *frr_missing(const struct frr_facts *f);

/*
 * Run vtysh with @args (NULL-terminated, without argv[0]); its output (up
 * to 1 MiB, NUL-terminated) in *@out (malloc'd; may be NULL). 0, or -EIO
 * recorded with vtysh's first line of output when it exits non-zero.
 */
int frr_vtysh(const char *const *args, char **out);

/* From `show bgp l2vpn evpn summary json`: peers, and those Established. */
void frr_count_established(const char *json, unsigned int *peers, unsigned int *established);

#endif
