/* SPDX-License-Identifier: GPL-2.0-only */
/* The FRR fragment of a fabric over hosts (see site_frr.c for its text). */
#ifndef FABRICCTL_FABRIC_SITE_FRR_H
#define FABRICCTL_FABRIC_SITE_FRR_H

#include <stdbool.h>

#include "fabric/state.h"

/* Apply @st's fragment (idempotent) and save FRR's configuration: 0 or -errno. */
int site_frr_apply(const struct fabric_state *st);
/*
 * Remove it: the VRF's BGP instance, route map, prefix list and VNI (and
 * the global BGP instance with the host's last fabric over hosts); with
 * @vrf_gone (the router namespace was deleted), the VRF itself.
 */
int site_frr_remove(const struct fabric_state *st, bool vrf_gone);
/* Is the fragment in FRR's running configuration? */
int site_frr_present(const struct fabric_state *st, bool *present);
/* EVPN peers of the host's BGP and how many are Established. */
int site_frr_sessions(unsigned int *peers, unsigned int *established);

#endif
