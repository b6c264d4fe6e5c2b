// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink IPv6 address and route requests and reply parsing. */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "base/ipv6.h"
#include "kernel/addr6.h"

uint32_t addr6_add(struct nl_sock *s, int ifindex, const struct in6_addr *addr,
		   unsigned int prefix_len)
{
	struct nlmsghdr *nlh =
		nl_msg(s, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	char text[INET6_ADDRSTRLEN];

	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = (uint8_t)prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_flags = IFA_F_NODAD; /* the 8-bit field and IFA_FLAGS both say it */
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(*addr), addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(*addr), addr);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nl_msg_done(s, nlh, "add address %s/%u to link %d", ipv6_addr_format(addr, text),
			   prefix_len, ifindex);
}

uint32_t addr6_dump(struct nl_sock *s)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	ifa->ifa_family = AF_INET6;
	return nl_msg_done(s, nlh, "list the IPv6 addresses");
}

int addr6_parse(const struct nlmsghdr *nlh, struct in6_addr *addr, unsigned int *len, int *ifindex,
		uint32_t *flags)
{
	const struct nlattr *tb[IFA_MAX + 1] = {0};
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET6)
		return -EINVAL;
	nl_parse_attrs(nlh, sizeof(*ifa), tb, IFA_MAX);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_get_payload_len(a) != sizeof(*addr))
		return -EINVAL;
	memcpy(addr, mnl_attr_get_payload(a), sizeof(*addr));
	*len = ifa->ifa_prefixlen;
	*ifindex = (int)ifa->ifa_index;
	*flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && mnl_attr_validate(tb[IFA_FLAGS], MNL_TYPE_U32) == 0)
		*flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	return 0;
}

uint32_t route6_add(struct nl_sock *s, const struct in6_addr *dst, unsigned int dst_len,
		    const struct in6_addr *gateway)
{
	struct nlmsghdr *nlh =
		nl_msg(s, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	char d[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];

	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = (uint8_t)dst_len;
	if (dst_len)
		mnl_attr_put(nlh, RTA_DST, sizeof(*dst), dst);
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, sizeof(*gateway), gateway);
	if (!dst_len)
		return nl_msg_done(s, nlh, "add the default IPv6 route via %s",
				   ipv6_addr_format(gateway, gw));
	return nl_msg_done(s, nlh, "add the route to %s/%u via %s", ipv6_addr_format(dst, d),
			   dst_len, ipv6_addr_format(gateway, gw));
}

uint32_t route6_dump(struct nl_sock *s)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_GETROUTE, NLM_F_DUMP, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_family = AF_INET6;
	return nl_msg_done(s, nlh, "list the IPv6 routes");
}

int route6_parse(const struct nlmsghdr *nlh, struct in6_addr *dst, unsigned int *len,
		 uint32_t *table, struct in6_addr *gateway)
{
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET6)
		return -EINVAL;
	nl_parse_attrs(nlh, sizeof(*rtm), tb, RTA_MAX);
	memset(dst, 0, sizeof(*dst));
	memset(gateway, 0, sizeof(*gateway));
	if (tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) == sizeof(*dst))
		memcpy(dst, mnl_attr_get_payload(tb[RTA_DST]), sizeof(*dst));
	if (tb[RTA_GATEWAY] && mnl_attr_get_payload_len(tb[RTA_GATEWAY]) == sizeof(*gateway))
		memcpy(gateway, mnl_attr_get_payload(tb[RTA_GATEWAY]), sizeof(*gateway));
	*len = rtm->rtm_dst_len;
	*table = rtm->rtm_table;
	if (tb[RTA_TABLE] && mnl_attr_validate(tb[RTA_TABLE], MNL_TYPE_U32) == 0)
		*table = mnl_attr_get_u32(tb[RTA_TABLE]);
	return 0;
}
