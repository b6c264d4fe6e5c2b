// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink request builders and reply parsers for links, addresses, routes. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"

static struct nlmsghdr *link_msg(struct nl_sock *s, uint16_t type, uint16_t flags,
				 int ifindex, struct ifinfomsg **ifm_out)
{
	struct nlmsghdr *nlh = nl_msg(s, type, flags, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (ifm_out)
		*ifm_out = ifm;
	return nlh;
}

/* Attributes common to a new link: name, MAC, MTU, group, master. */
static void put_link_spec(struct nlmsghdr *nlh, const struct link_spec *spec)
{
	mnl_attr_put_strz(nlh, IFLA_IFNAME, spec->name);
	if (spec->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN_FABRIC, spec->mac);
	if (spec->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, spec->mtu);
	if (spec->group)
		mnl_attr_put_u32(nlh, IFLA_GROUP, spec->group);
	if (spec->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)spec->master);
}

static void set_up_flag(struct ifinfomsg *ifm, bool up)
{
	if (up) {
		ifm->ifi_flags |= IFF_UP;
		ifm->ifi_change |= IFF_UP;
	}
}

uint32_t nl_bridge_create(struct nl_sock *s, const struct link_spec *br)
{
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(s, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, &ifm);
	struct nlattr *info, *data;

	set_up_flag(ifm, br->up);
	put_link_spec(nlh, br);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
	mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_veth_create(struct nl_sock *s, const struct link_spec *host,
			const struct link_spec *peer, int netns_fd)
{
	struct ifinfomsg *ifm, *peer_ifm;
	struct nlmsghdr *nlh = link_msg(s, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, &ifm);
	struct nlattr *info, *data, *peer_nest;

	set_up_flag(ifm, host->up);
	put_link_spec(nlh, host);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's own ifinfomsg, then its attributes; it is never set up
	 * here: "up" across namespaces at creation fails with ENOTCONN. */
	peer_ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifm));
	peer_ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer->name);
	if (peer->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN_FABRIC, peer->mac);
	if (peer->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, peer->mtu);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_link_tag(struct nl_sock *s, int ifindex, const char *alias, bool no_ipv6_ll)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, NULL);

	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	if (no_ipv6_ll) {
		struct nlattr *af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
		struct nlattr *in6 = mnl_attr_nest_start(nlh, AF_INET6);

		mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
		mnl_attr_nest_end(nlh, in6);
		mnl_attr_nest_end(nlh, af);
	}
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_link_set_up(struct nl_sock *s, int ifindex)
{
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, &ifm);

	set_up_flag(ifm, true);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_link_set_master(struct nl_sock *s, int ifindex, int master)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, NULL);

	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_link_set_group(struct nl_sock *s, int ifindex, uint32_t group)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, NULL);

	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_link_get(struct nl_sock *s, const char *name)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_GETLINK, 0, 0, NULL);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	/* Skip per-VF and stats blobs we never read. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_link_dump(struct nl_sock *s)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_GETLINK, NLM_F_DUMP, 0, NULL);

	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_link_del(struct nl_sock *s, int ifindex)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_DELLINK, 0, ifindex, NULL);

	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_link_del_group(struct nl_sock *s, uint32_t group)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_DELLINK, 0, 0, NULL);

	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_addr_add(struct nl_sock *s, int ifindex, uint32_t addr, unsigned int prefix_len)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
				      sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	uint32_t be = htonl(addr);
	uint32_t brd = htonl(addr | (prefix_len >= 32 ? 0 : ~0u >> prefix_len));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)prefix_len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, be);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, be);
	mnl_attr_put_u32(nlh, IFA_BROADCAST, brd);
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_addr_dump(struct nl_sock *s)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_GETADDR, NLM_F_DUMP, sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	ifa->ifa_family = AF_INET;
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_route_dump(struct nl_sock *s)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_GETROUTE, NLM_F_DUMP, sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_family = AF_INET;
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

uint32_t nl_route_add(struct nl_sock *s, uint32_t dst, unsigned int dst_len, uint32_t gateway)
{
	struct nlmsghdr *nlh = nl_msg(s, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL,
				      sizeof(struct rtmsg));
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (uint8_t)dst_len;
	if (dst_len)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(dst));
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT; /* what `ip route add` uses */
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gateway));
	nl_msg_done(s, nlh);
	return nlh->nlmsg_seq;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int linkinfo_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFLA_INFO_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

int link_info_parse(const struct nlmsghdr *nlh, struct link_info *out)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm)))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, tb);
	out->ifindex = ifm->ifi_index;
	out->flags = ifm->ifi_flags;
	if (tb[IFLA_IFNAME] && mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) == 0)
		snprintf(out->name, sizeof(out->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_OPERSTATE] && mnl_attr_validate(tb[IFLA_OPERSTATE], MNL_TYPE_U8) == 0)
		out->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_MASTER] && mnl_attr_validate(tb[IFLA_MASTER], MNL_TYPE_U32) == 0)
		out->master = (int)mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINK] && mnl_attr_validate(tb[IFLA_LINK], MNL_TYPE_U32) == 0)
		out->peer_ifindex = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_GROUP] && mnl_attr_validate(tb[IFLA_GROUP], MNL_TYPE_U32) == 0)
		out->group = mnl_attr_get_u32(tb[IFLA_GROUP]);
	if (tb[IFLA_MTU] && mnl_attr_validate(tb[IFLA_MTU], MNL_TYPE_U32) == 0)
		out->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == ETH_ALEN_FABRIC)
		memcpy(out->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), ETH_ALEN_FABRIC);
	if (tb[IFLA_IFALIAS] && mnl_attr_validate(tb[IFLA_IFALIAS], MNL_TYPE_NUL_STRING) == 0)
		snprintf(out->alias, sizeof(out->alias), "%s", mnl_attr_get_str(tb[IFLA_IFALIAS]));
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *info[IFLA_INFO_MAX + 1] = { 0 };

		mnl_attr_parse_nested(tb[IFLA_LINKINFO], linkinfo_attr_cb, info);
		if (info[IFLA_INFO_KIND] &&
		    mnl_attr_validate(info[IFLA_INFO_KIND], MNL_TYPE_NUL_STRING) == 0)
			snprintf(out->kind, sizeof(out->kind), "%s",
				 mnl_attr_get_str(info[IFLA_INFO_KIND]));
	}
	return 0;
}

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

int addr_reply_prefix(const struct nlmsghdr *nlh, uint32_t *addr, unsigned int *len, int *ifindex)
{
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET)
		return -EINVAL;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*addr = ntohl(mnl_attr_get_u32(a));
	*len = ifa->ifa_prefixlen;
	*ifindex = (int)ifa->ifa_index;
	return 0;
}

static int route_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(attr)] = attr;
	return MNL_CB_OK;
}

int route_reply_prefix(const struct nlmsghdr *nlh, uint32_t *addr, unsigned int *len,
		       uint32_t *table)
{
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET)
		return -EINVAL;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
	*addr = 0;
	if (tb[RTA_DST] && mnl_attr_validate(tb[RTA_DST], MNL_TYPE_U32) == 0)
		*addr = ntohl(mnl_attr_get_u32(tb[RTA_DST]));
	*len = rtm->rtm_dst_len;
	*table = rtm->rtm_table;
	if (tb[RTA_TABLE] && mnl_attr_validate(tb[RTA_TABLE], MNL_TYPE_U32) == 0)
		*table = mnl_attr_get_u32(tb[RTA_TABLE]);
	return 0;
}

static int get_one_cb(const struct nlmsghdr *nlh, void *data)
{
	return link_info_parse(nlh, data) ? -EINVAL : 0;
}

int link_get_one(struct nl_sock *s, const char *name, struct link_info *info)
{
	uint32_t seq = nl_link_get(s, name);
	struct nl_ack ack = { 0 };
	int err;

	memset(info, 0, sizeof(*info));
	err = nl_flush(s, seq, &ack, get_one_cb, info);
	return err ? err : ack.err;
}

static int link_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_list *l = data;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *grown = realloc(l->links, cap * sizeof(*l->links));

		if (!grown)
			return -ENOMEM;
		l->links = grown;
		l->cap = cap;
	}
	if (link_info_parse(nlh, &l->links[l->n]) == 0)
		l->n++;
	return 0;
}

int link_dump_all(struct nl_sock *s, struct link_list *out)
{
	memset(out, 0, sizeof(*out));
	nl_link_dump(s);
	return nl_dump(s, link_list_cb, out);
}

void link_list_free(struct link_list *l)
{
	free(l->links);
	memset(l, 0, sizeof(*l));
}

/*
 * No IPv6 on a fabric link of the host (bridge port or bridge): it needs
 * no address, every IPv6 device would send MLD and router solicitations
 * the bridge floods to every node, and each one going up adds an ff00::/8
 * route whose insert walks all the others (O(N) per node).
 */
int link_disable_ipv6(const char *ifname)
{
	char path[96];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* no IPv6 on this host */
	ok = write(fd, "1", 1) == 1;
	close(fd);
	return ok ? 0 : -EIO;
}
