// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink IPv4 route requests and reply parsing. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>

#include "base/ipv4.h"
#include "kernel/route.h"

uint32_t route_add(struct nl_sock *s, uint32_t dst, unsigned int dst_len, uint32_t gateway)
{
	struct nlmsghdr *nlh =
		nl_msg(s, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	char d[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (uint8_t)dst_len;
	if (dst_len)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(dst));
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT; /* what `ip route add` uses */
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gateway));
	if (!dst_len)
		return nl_msg_done(s, nlh, "add the default route via %s",
				   ipv4_addr_format(gateway, gw));
	return nl_msg_done(s, nlh, "add the route to %s/%u via %s", ipv4_addr_format(dst, d),
			   dst_len, ipv4_addr_format(gateway, gw));
}

uint32_t route_dump(struct nl_sock *s)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_GETROUTE, NLM_F_DUMP, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_family = AF_INET;
	return nl_msg_done(s, nlh, "list the routes");
}

int route_parse(const struct nlmsghdr *nlh, uint32_t *dst, unsigned int *len, uint32_t *table)
{
	return route_parse_full(nlh, dst, len, table, NULL, NULL);
}

int route_parse_full(const struct nlmsghdr *nlh, uint32_t *dst, unsigned int *len, uint32_t *table,
		     uint32_t *gateway, uint32_t *priority)
{
	const struct nlattr *tb[RTA_MAX + 1] = {0};
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET)
		return -EINVAL;
	nl_parse_attrs(nlh, sizeof(*rtm), tb, RTA_MAX);
	*dst = 0;
	if (tb[RTA_DST] && mnl_attr_validate(tb[RTA_DST], MNL_TYPE_U32) == 0)
		*dst = ntohl(mnl_attr_get_u32(tb[RTA_DST]));
	*len = rtm->rtm_dst_len;
	*table = rtm->rtm_table;
	if (tb[RTA_TABLE] && mnl_attr_validate(tb[RTA_TABLE], MNL_TYPE_U32) == 0)
		*table = mnl_attr_get_u32(tb[RTA_TABLE]);
	if (gateway) {
		*gateway = 0;
		if (tb[RTA_GATEWAY] && mnl_attr_validate(tb[RTA_GATEWAY], MNL_TYPE_U32) == 0)
			*gateway = ntohl(mnl_attr_get_u32(tb[RTA_GATEWAY]));
	}
	if (priority) {
		*priority = 0;
		if (tb[RTA_PRIORITY] && mnl_attr_validate(tb[RTA_PRIORITY], MNL_TYPE_U32) == 0)
			*priority = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	}
	return 0;
}
