// SPDX-License-Identifier: GPL-2.0-only
/* rtnetlink link requests (bridges, veths, their settings) and link replies. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "base/array.h"
#include "kernel/link.h"
#include "kernel/sysctl.h"

static struct nlmsghdr *link_msg(struct nl_sock *s, uint16_t type, uint16_t flags, int ifindex,
				 struct ifinfomsg **ifm_out)
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

uint32_t link_create_bridge(struct nl_sock *s, const struct link_spec *br)
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
	return nl_msg_done(s, nlh, "create bridge \"%s\"", br->name);
}

uint32_t link_create_veth(struct nl_sock *s, const struct link_spec *host,
			  const struct link_spec *peer, int netns_fd)
{
	struct ifinfomsg *ifm, *peer_ifm;
	struct nlmsghdr *nlh =
		link_msg(s, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, host->ifindex, &ifm);
	struct nlattr *info, *data, *peer_nest;

	set_up_flag(ifm, host->up);
	put_link_spec(nlh, host);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's own ifinfomsg, then its attributes; it is never set up
	 * here: "up" across namespaces at creation fails with ENOTCONN. */
	peer_ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifm));
	peer_ifm->ifi_family = AF_UNSPEC;
	peer_ifm->ifi_index = host->ifindex ? peer->ifindex : 0;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer->name);
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
	if (peer->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, ETH_ALEN_FABRIC, peer->mac);
	if (peer->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, peer->mtu);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_msg_done(s, nlh, "create veth \"%s\" with its peer \"%s\" in a namespace",
			   host->name, peer->name);
}

uint32_t link_set_tag(struct nl_sock *s, int ifindex, const char *alias, bool no_ipv6_ll)
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
	return nl_msg_done(s, nlh, "tag link %d as \"%s\"", ifindex, alias);
}

uint32_t link_set_up(struct nl_sock *s, int ifindex)
{
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, &ifm);

	set_up_flag(ifm, true);
	return nl_msg_done(s, nlh, "bring up link %d", ifindex);
}

uint32_t link_set_master(struct nl_sock *s, int ifindex, int master)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, NULL);

	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return nl_msg_done(s, nlh, "enslave link %d to link %d", ifindex, master);
}

uint32_t link_set_group(struct nl_sock *s, int ifindex, uint32_t group)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, NULL);

	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return nl_msg_done(s, nlh, "move link %d to group %u", ifindex, group);
}

uint32_t link_get(struct nl_sock *s, const char *name)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_GETLINK, 0, 0, NULL);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	/* Skip per-VF and stats blobs we never read. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_msg_done(s, nlh, "read link \"%s\"", name);
}

uint32_t link_get_index(struct nl_sock *s, int ifindex)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_GETLINK, 0, ifindex, NULL);

	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_msg_done(s, nlh, "read link %d", ifindex);
}

uint32_t link_set_name(struct nl_sock *s, int ifindex, const char *name)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, NULL);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_msg_done(s, nlh, "rename link %d to \"%s\"", ifindex, name);
}

uint32_t link_set_down(struct nl_sock *s, int ifindex)
{
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(s, RTM_SETLINK, 0, ifindex, &ifm);

	ifm->ifi_change |= IFF_UP;
	return nl_msg_done(s, nlh, "bring down link %d", ifindex);
}

uint32_t link_dump(struct nl_sock *s)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_GETLINK, NLM_F_DUMP, 0, NULL);

	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_msg_done(s, nlh, "list the links");
}

uint32_t link_del(struct nl_sock *s, int ifindex)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_DELLINK, 0, ifindex, NULL);

	return nl_msg_done(s, nlh, "delete link %d", ifindex);
}

uint32_t link_del_group(struct nl_sock *s, uint32_t group)
{
	struct nlmsghdr *nlh = link_msg(s, RTM_DELLINK, 0, 0, NULL);

	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return nl_msg_done(s, nlh, "delete the links of group %u", group);
}

int link_info_parse(const struct nlmsghdr *nlh, struct link_info *out)
{
	const struct nlattr *tb[IFLA_MAX + 1] = {0};
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm)))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	nl_parse_attrs(nlh, sizeof(*ifm), tb, IFLA_MAX);
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
		const struct nlattr *info[IFLA_INFO_MAX + 1] = {0};

		nl_parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX);
		if (info[IFLA_INFO_KIND] &&
		    mnl_attr_validate(info[IFLA_INFO_KIND], MNL_TYPE_NUL_STRING) == 0)
			snprintf(out->kind, sizeof(out->kind), "%s",
				 mnl_attr_get_str(info[IFLA_INFO_KIND]));
	}
	return 0;
}

static int get_one_cb(const struct nlmsghdr *nlh, void *data)
{
	return link_info_parse(nlh, data) ? -EINVAL : 0;
}

int link_get_one(struct nl_sock *s, const char *name, struct link_info *info)
{
	uint32_t seq = link_get(s, name);
	int err;

	memset(info, 0, sizeof(*info));
	err = nl_flush(s, get_one_cb, info);
	return err ? err : nl_result(s, seq)->err;
}

static int link_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_list *l = data;

	if (ARRAY_RESERVE(l->links, l->cap, l->n))
		return -ENOMEM;
	if (link_info_parse(nlh, &l->links[l->n]) == 0)
		l->n++;
	return 0;
}

int link_dump_all(struct nl_sock *s, struct link_list *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	link_dump(s);
	err = nl_dump(s, link_list_cb, out);
	if (err)
		link_list_free(out);
	return err;
}

void link_list_free(struct link_list *l)
{
	free(l->links);
	memset(l, 0, sizeof(*l));
}

const char *link_name_of(int ifindex, char buf[IFNAMSIZ])
{
	if (!if_indextoname((unsigned int)ifindex, buf))
		snprintf(buf, IFNAMSIZ, "ifindex %d", ifindex);
	return buf;
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
	int err;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	err = sysctl_write_path(path, "1");
	return err == -ENOENT ? 0 : err; /* no IPv6 on this host */
}

bool link_index_used(int ifindex)
{
	char buf[IFNAMSIZ];

	/* An ioctl by index: no netlink message is built for it. */
	return if_indextoname((unsigned int)ifindex, buf) != NULL || errno != ENXIO;
}
