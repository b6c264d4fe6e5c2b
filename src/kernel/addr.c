// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink IPv4 address requests and reply parsing. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>

#include "base/ipv4.h"
#include "kernel/addr.h"

/* An RTM_NEWADDR for @addr/@prefix_len on @ifindex with @flags, still open. */
static struct nlmsghdr *newaddr_msg(struct nl_sock *s, uint16_t flags, int ifindex, uint32_t addr,
				    unsigned int prefix_len)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_NEWADDR, flags, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(addr));
	return nlh;
}

uint32_t addr_add(struct nl_sock *s, int ifindex, uint32_t addr, unsigned int prefix_len)
{
	struct nlmsghdr *nlh = newaddr_msg(s, NLM_F_CREATE | NLM_F_EXCL, ifindex, addr, prefix_len);
	char text[INET_ADDRSTRLEN];

	mnl_attr_put_u32(nlh, IFA_BROADCAST, htonl(addr | ~ipv4_mask(prefix_len)));
	return nl_msg_done(s, nlh, "add address %s/%u to link %d", ipv4_addr_format(addr, text),
			   prefix_len, ifindex);
}

uint32_t addr_announce(struct nl_sock *s, int ifindex, uint32_t addr, unsigned int prefix_len)
{
	struct nlmsghdr *nlh = newaddr_msg(s, NLM_F_REPLACE, ifindex, addr, prefix_len);
	char text[INET_ADDRSTRLEN];

	return nl_msg_done(s, nlh, "announce address %s/%u of link %d again",
			   ipv4_addr_format(addr, text), prefix_len, ifindex);
}

uint32_t addr_dump(struct nl_sock *s)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	ifa->ifa_family = AF_INET;
	return nl_msg_done(s, nlh, "list the addresses");
}

int addr_parse(const struct nlmsghdr *nlh, uint32_t *addr, unsigned int *len, int *ifindex)
{
	const struct nlattr *tb[IFA_MAX + 1] = {0};
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET)
		return -EINVAL;
	nl_parse_attrs(nlh, sizeof(*ifa), tb, IFA_MAX);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*addr = ntohl(mnl_attr_get_u32(a));
	*len = ifa->ifa_prefixlen;
	*ifindex = (int)ifa->ifa_index;
	return 0;
}
