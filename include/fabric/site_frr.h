/* SPDX-License-Identifier: GPL-2.0-only */
/* The FRR fragment of a fabric over hosts (see site_frr.c for its text). */
#ifndef FABRICCTL_FABRIC_SITE_FRR_H
#define FABRICCTL_FABRIC_SITE_FRR_H

#include <stdbool.h>

#include "fabric/state.h"

/*
 * Apply @st's fragment (idempotent) in stages, each a superset of the one
 * before: SITE_FRR_VNI the VRF, its VNI and the global EVPN instance
 * (advertise-all-vni, without which zebra ignores VNIs); SITE_FRR_EXPORT
 * also the VRF's BGP instance, exporting but not importing; SITE_FRR_ALL
 * also the import, then FRR's configuration is saved. Routes imported
 * before bgpd knows the VRF's L3VNI are installed without their router
 * MAC on FRR 8.4 (unreachable): the caller waits between the stages.
 */
enum { SITE_FRR_VNI, SITE_FRR_EXPORT, SITE_FRR_ALL };
int site_frr_apply(const struct fabric_state *st, int stage);
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

/*
 * zebra's view of the router's interfaces (`show interface vrf V brief`,
 * *@brief malloc'd), and whether it lists @ifname (with @addr, unless
 * NULL). FRR 8.4 reads a namespace's address events on another thread
 * than its link events: an address that comes before zebra knows its
 * interface is dropped, and the cell is never announced. So a new leg's
 * gateway address is added once zebra lists the leg
 * (site_frr_wait_interface, 5 s at most), and check compares.
 */
int site_frr_interfaces(const struct fabric_state *st, char **brief);
bool site_frr_knows(const char *brief, const char *ifname, const char *addr);
void site_frr_wait_interface(const struct fabric_state *st, const char *ifname);

#endif
