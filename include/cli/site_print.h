/* SPDX-License-Identifier: GPL-2.0-only */
/* A fabric over hosts in show: this host's site, and what the control plane knows of others. */
#ifndef FABRICCTL_CLI_SITE_PRINT_H
#define FABRICCTL_CLI_SITE_PRINT_H

#include "base/print.h"
#include "fabric/state.h"

/* "site": {site, block, underlay, vni, asn, bgp_peers, bgp_hold, mtu_rule} and a text line. */
void print_site_fields(struct printer *p, const struct fabric_state *st);
/* "other_sites": [{site, prefix, vtep}] from the router's BGP routes: 0 or -errno. */
int print_other_sites(struct printer *p, const struct fabric_state *st);

#endif
