/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VXLAN devices and bridge-port settings over rtnetlink, and the parts of
 * a route a control plane installs (protocol, output device).
 */
#ifndef FABRICCTL_KERNEL_VXLAN_H
#define FABRICCTL_KERNEL_VXLAN_H

#include <stdint.h>

#include "kernel/nl.h"

#define ROUTE_PROTO_BGP 186 /* RTPROT_BGP: routes zebra installed for bgpd */

struct vxlan_spec {
	const char *name;
	uint32_t vni;
	uint32_t local;	  /* the VTEP address, host order */
	int underlay_dev; /* ifindex in the socket's namespace */
	uint16_t port;	  /* UDP destination port */
	unsigned int mtu;
};

/*
 * RTM_NEWLINK of a VXLAN with learning off, made by @s's namespace but
 * placed into @netns_fd (>= 0): the device's UDP socket and its underlay
 * stay in the namespace that made it, the device itself (and so its
 * forwarding) lives in the other one.
 */
uint32_t vxlan_create(struct nl_sock *s, const struct vxlan_spec *v, int netns_fd);
/* AF_BRIDGE RTM_SETLINK: bridge port @ifindex with learning off, ARP/ND suppression on. */
uint32_t bridge_port_quiet(struct nl_sock *s, int ifindex, const char *name);
/* Protocol and output ifindex of an RTM_NEWROUTE (IPv4): 0 or -EINVAL. */
int route_parse_origin(const struct nlmsghdr *nlh, uint8_t *protocol, int *oif);

#endif
