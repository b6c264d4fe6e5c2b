// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink: VXLAN devices, quiet bridge ports, the origin of routes. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "kernel/vxlan.h"

uint32_t vxlan_create(struct nl_sock *s, const struct vxlan_spec *v, int netns_fd)
{
	struct nlmsghdr *nlh =
		nl_msg(s, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *info, *data;

	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, v->name);
	if (v->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, v->mtu);
	if (netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, v->vni);
	mnl_attr_put_u32(nlh, IFLA_VXLAN_LOCAL, htonl(v->local));
	if (v->underlay_dev)
		mnl_attr_put_u32(nlh, IFLA_VXLAN_LINK, (uint32_t)v->underlay_dev);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(v->port));
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_msg_done(s, nlh, "create VXLAN \"%s\" (VNI %u)", v->name, v->vni);
}

uint32_t bridge_port_quiet(struct nl_sock *s, int ifindex, const char *name)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_SETLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *pi;

	ifm->ifi_family = AF_BRIDGE;
	ifm->ifi_index = ifindex;
	pi = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_LEARNING, 0);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_NEIGH_SUPPRESS, 1);
	mnl_attr_nest_end(nlh, pi);
	return nl_msg_done(s, nlh, "turn learning off and ARP/ND suppression on for \"%s\"", name);
}

int route_parse_origin(const struct nlmsghdr *nlh, uint8_t *protocol, int *oif)
{
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET)
		return -EINVAL;
	nl_parse_attrs(nlh, sizeof(*rtm), tb, RTA_MAX);
	*protocol = rtm->rtm_protocol;
	*oif = 0;
	if (tb[RTA_OIF] && mnl_attr_validate(tb[RTA_OIF], MNL_TYPE_U32) == 0)
		*oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	return 0;
}
