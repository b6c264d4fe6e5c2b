// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtnetlink requests as built, never sent: the builders only write into
 * the nl_sock's batch buffer, which is walked here with libmnl. Plus the
 * reply parsers on hand-built (and self-built) messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/errors.h"
#include "kernel/addr.h"
#include "kernel/link.h"
#include "kernel/nl.h"
#include "kernel/route.h"
#include "unit.h"

#define TB_SIZE 128

/* Last attribute of each type; all types must fit the table. */
static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	CHECK(type < TB_SIZE);
	if (type < TB_SIZE)
		tb[type] = attr;
	return MNL_CB_OK;
}

/* Attributes after a fixed header of @hdr bytes, checking they fill @len exactly. */
static void parse_payload(const void *payload, size_t len, size_t hdr, const struct nlattr **tb)
{
	const struct nlattr *attr;
	size_t used = hdr;

	memset(tb, 0, TB_SIZE * sizeof(*tb));
	CHECK(len >= hdr);
	if (len < hdr)
		return;
	CHECK_EQ_INT(mnl_attr_parse_payload((const char *)payload + hdr, len - hdr, attr_cb, tb),
		     MNL_CB_OK);
	mnl_attr_for_each_payload ((const void *)((const char *)payload + hdr), len - hdr)
		used += MNL_ALIGN(attr->nla_len);
	CHECK_EQ_INT(MNL_ALIGN(used), MNL_ALIGN(len)); /* no trailing junk, no short attribute */
}

static void parse_msg(const struct nlmsghdr *nlh, size_t hdr, const struct nlattr **tb)
{
	parse_payload(mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), hdr, tb);
}

static void parse_nested(const struct nlattr *nest, const struct nlattr **tb)
{
	CHECK(nest != NULL);
	memset(tb, 0, TB_SIZE * sizeof(*tb));
	if (nest)
		parse_payload(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), 0, tb);
}

static bool is_str(const struct nlattr *attr, const char *want)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0) {
		fprintf(stderr, "  attribute missing or not a string (wanted \"%s\")\n", want);
		return false;
	}
	if (strcmp(mnl_attr_get_str(attr), want)) {
		fprintf(stderr, "  \"%s\" != \"%s\"\n", mnl_attr_get_str(attr), want);
		return false;
	}
	return true;
}

static long long u32_of(const struct nlattr *attr)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return -1;
	return mnl_attr_get_u32(attr);
}

static long long u8_of(const struct nlattr *attr)
{
	if (!attr || mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
		return -1;
	return mnl_attr_get_u8(attr);
}

/* The queued messages, in order. */
static const struct nlmsghdr *msgs[16];
static size_t n_msgs;

static void collect(const struct nl_sock *s)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)s->buf;
	int left = (int)s->len;

	n_msgs = 0;
	while (mnl_nlmsg_ok(nlh, left) && n_msgs < 16) {
		msgs[n_msgs++] = nlh;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	CHECK_EQ_INT(left, 0); /* the batch is exactly the messages */
	CHECK_EQ_INT(n_msgs, s->queued);
}

static const uint8_t host_mac[6] = {0x0e, 0xfa, 0x0a, 0x2a, 0x00, 0x05};
static const uint8_t peer_mac[6] = {0x0e, 0xfb, 0x0a, 0x2a, 0x00, 0x05};

static void test_builders(void)
{
	struct nl_sock s;
	const struct nlattr *tb[TB_SIZE], *info[TB_SIZE], *data[TB_SIZE], *peer[TB_SIZE];
	const struct ifinfomsg *ifm;
	uint32_t seq[8];

	memset(&s, 0, sizeof(s));
	s.cap = 64 * 1024;
	s.buf = malloc(s.cap);
	CHECK(s.buf != NULL);
	if (!s.buf)
		return;
	s.seq = 1000;
	CHECK_EQ_INT(nl_next_seq(&s), 1001);

	struct link_spec br = {.name = "lab-c0", .mtu = 1400, .group = 77, .up = true};
	struct link_spec host = {
		.name = "lab-5",
		.mac = host_mac,
		.mtu = 1400,
		.group = 77,
		.master = 42,
		.up = true,
	};
	struct link_spec node = {.name = "eth0", .mac = peer_mac, .mtu = 1400};

	seq[0] = link_create_bridge(&s, &br);
	seq[1] = link_create_veth(&s, &host, &node, 9);
	seq[2] = addr_add(&s, 3, 0x0a2a0005, 16);
	seq[3] = route_add(&s, 0, 0, 0x0a2a0001);
	seq[4] = link_set_tag(&s, 5, "fabricctl:lab:n1", true);
	seq[5] = link_set_tag(&s, 4, "fabricctl:lab", false);
	seq[6] = link_del_group(&s, 77);
	seq[7] = link_set_up(&s, 12);
	CHECK_EQ_INT(s.queued, 8);
	CHECK_EQ_INT(s.seq, 1008);
	collect(&s);
	if (n_msgs != 8)
		goto out;
	for (size_t i = 0; i < 8; i++) {
		CHECK_EQ_INT(seq[i], 1001 + i); /* increasing, returned as queued */
		CHECK_EQ_INT(msgs[i]->nlmsg_seq, seq[i]);
		CHECK_EQ_INT(msgs[i]->nlmsg_pid, 0);
		CHECK((msgs[i]->nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK)) ==
		      (NLM_F_REQUEST | NLM_F_ACK));
	}

	/* 0: the bridge. */
	ifm = mnl_nlmsg_get_payload(msgs[0]);
	CHECK_EQ_INT(msgs[0]->nlmsg_type, RTM_NEWLINK);
	CHECK_EQ_INT(msgs[0]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	CHECK_EQ_INT(ifm->ifi_family, AF_UNSPEC);
	CHECK_EQ_INT(ifm->ifi_index, 0);
	CHECK_EQ_INT(ifm->ifi_flags & IFF_UP, IFF_UP);
	CHECK_EQ_INT(ifm->ifi_change & IFF_UP, IFF_UP);
	parse_msg(msgs[0], sizeof(*ifm), tb);
	CHECK(is_str(tb[IFLA_IFNAME], "lab-c0"));
	CHECK_EQ_INT(u32_of(tb[IFLA_MTU]), 1400);
	CHECK_EQ_INT(u32_of(tb[IFLA_GROUP]), 77);
	CHECK(tb[IFLA_MASTER] == NULL);
	CHECK(tb[IFLA_ADDRESS] == NULL); /* kernel's choice */
	parse_nested(tb[IFLA_LINKINFO], info);
	CHECK(is_str(info[IFLA_INFO_KIND], "bridge"));
	parse_nested(info[IFLA_INFO_DATA], data);
	CHECK_EQ_INT(u32_of(data[IFLA_BR_STP_STATE]), 0);
	CHECK_EQ_INT(u32_of(data[IFLA_BR_FORWARD_DELAY]), 0);

	/* 1: the veth pair, peer in netns fd 9. */
	ifm = mnl_nlmsg_get_payload(msgs[1]);
	CHECK_EQ_INT(msgs[1]->nlmsg_type, RTM_NEWLINK);
	CHECK_EQ_INT(msgs[1]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	CHECK_EQ_INT(ifm->ifi_index, 0);
	CHECK_EQ_INT(ifm->ifi_flags & IFF_UP, IFF_UP);
	parse_msg(msgs[1], sizeof(*ifm), tb);
	CHECK(is_str(tb[IFLA_IFNAME], "lab-5"));
	CHECK_EQ_INT(u32_of(tb[IFLA_MASTER]), 42);
	CHECK_EQ_INT(u32_of(tb[IFLA_GROUP]), 77);
	CHECK_EQ_INT(u32_of(tb[IFLA_MTU]), 1400);
	CHECK(tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6 &&
	      !memcmp(mnl_attr_get_payload(tb[IFLA_ADDRESS]), host_mac, 6));
	CHECK(tb[IFLA_NET_NS_FD] == NULL); /* the host end stays here */
	parse_nested(tb[IFLA_LINKINFO], info);
	CHECK(is_str(info[IFLA_INFO_KIND], "veth"));
	parse_nested(info[IFLA_INFO_DATA], data);
	CHECK(data[VETH_INFO_PEER] != NULL);
	if (data[VETH_INFO_PEER]) {
		const struct nlattr *p = data[VETH_INFO_PEER];
		const struct ifinfomsg *pifm = mnl_attr_get_payload(p);

		CHECK(mnl_attr_get_payload_len(p) >= sizeof(*pifm));
		CHECK_EQ_INT(pifm->ifi_family, AF_UNSPEC);
		CHECK_EQ_INT(pifm->ifi_index, 0);
		CHECK_EQ_INT(pifm->ifi_flags, 0); /* never up across namespaces */
		CHECK_EQ_INT(pifm->ifi_change, 0);
		parse_payload(pifm, mnl_attr_get_payload_len(p), sizeof(*pifm), peer);
		CHECK(is_str(peer[IFLA_IFNAME], "eth0"));
		CHECK_EQ_INT(u32_of(peer[IFLA_NET_NS_FD]), 9);
		CHECK_EQ_INT(u32_of(peer[IFLA_MTU]), 1400);
		CHECK(peer[IFLA_ADDRESS] && mnl_attr_get_payload_len(peer[IFLA_ADDRESS]) == 6 &&
		      !memcmp(mnl_attr_get_payload(peer[IFLA_ADDRESS]), peer_mac, 6));
		CHECK(peer[IFLA_MASTER] == NULL && peer[IFLA_GROUP] == NULL);
	}

	/* 2: the address 10.42.0.5/16 on ifindex 3. */
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(msgs[2]);

	CHECK_EQ_INT(msgs[2]->nlmsg_type, RTM_NEWADDR);
	CHECK_EQ_INT(msgs[2]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	CHECK_EQ_INT(ifa->ifa_family, AF_INET);
	CHECK_EQ_INT(ifa->ifa_prefixlen, 16);
	CHECK_EQ_INT(ifa->ifa_index, 3);
	CHECK_EQ_INT(ifa->ifa_scope, RT_SCOPE_UNIVERSE);
	parse_msg(msgs[2], sizeof(*ifa), tb);
	CHECK_EQ_INT(u32_of(tb[IFA_LOCAL]), htonl(0x0a2a0005)); /* network order */
	CHECK_EQ_INT(u32_of(tb[IFA_ADDRESS]), htonl(0x0a2a0005));
	CHECK_EQ_INT(u32_of(tb[IFA_BROADCAST]), htonl(0x0a2affff));
	if (tb[IFA_LOCAL])
		CHECK(!memcmp(mnl_attr_get_payload(tb[IFA_LOCAL]), "\x0a\x2a\x00\x05", 4));

	/* 3: default route via 10.42.0.1. */
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(msgs[3]);

	CHECK_EQ_INT(msgs[3]->nlmsg_type, RTM_NEWROUTE);
	CHECK_EQ_INT(msgs[3]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	CHECK_EQ_INT(rtm->rtm_family, AF_INET);
	CHECK_EQ_INT(rtm->rtm_dst_len, 0);
	CHECK_EQ_INT(rtm->rtm_table, RT_TABLE_MAIN);
	CHECK_EQ_INT(rtm->rtm_type, RTN_UNICAST);
	CHECK_EQ_INT(rtm->rtm_protocol, RTPROT_BOOT);
	CHECK_EQ_INT(rtm->rtm_scope, RT_SCOPE_UNIVERSE);
	parse_msg(msgs[3], sizeof(*rtm), tb);
	CHECK_EQ_INT(u32_of(tb[RTA_GATEWAY]), htonl(0x0a2a0001));
	CHECK(tb[RTA_DST] == NULL);

	/* 4: tag by index (never by name: it may not be ours), IPv6 link-local off. */
	ifm = mnl_nlmsg_get_payload(msgs[4]);
	CHECK_EQ_INT(msgs[4]->nlmsg_type, RTM_SETLINK);
	CHECK_EQ_INT(msgs[4]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ_INT(ifm->ifi_index, 5);
	CHECK_EQ_INT(ifm->ifi_change, 0); /* flags untouched */
	parse_msg(msgs[4], sizeof(*ifm), tb);
	CHECK(tb[IFLA_IFNAME] == NULL);
	CHECK(is_str(tb[IFLA_IFALIAS], "fabricctl:lab:n1"));
	parse_nested(tb[IFLA_AF_SPEC], info);
	parse_nested(info[AF_INET6], data);
	CHECK_EQ_INT(u8_of(data[IFLA_INET6_ADDR_GEN_MODE]), IN6_ADDR_GEN_MODE_NONE);
	CHECK_EQ_INT(IN6_ADDR_GEN_MODE_NONE, 1);

	/* 5: alias only. */
	ifm = mnl_nlmsg_get_payload(msgs[5]);
	CHECK_EQ_INT(ifm->ifi_index, 4);
	parse_msg(msgs[5], sizeof(*ifm), tb);
	CHECK(tb[IFLA_IFNAME] == NULL);
	CHECK(is_str(tb[IFLA_IFALIAS], "fabricctl:lab"));
	CHECK(tb[IFLA_AF_SPEC] == NULL);

	/* 6: delete the group. */
	ifm = mnl_nlmsg_get_payload(msgs[6]);
	CHECK_EQ_INT(msgs[6]->nlmsg_type, RTM_DELLINK);
	CHECK_EQ_INT(msgs[6]->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_EQ_INT(ifm->ifi_index, 0);
	parse_msg(msgs[6], sizeof(*ifm), tb);
	CHECK_EQ_INT(u32_of(tb[IFLA_GROUP]), 77);
	CHECK(tb[IFLA_IFNAME] == NULL);

	/* 7: up by index. */
	ifm = mnl_nlmsg_get_payload(msgs[7]);
	CHECK_EQ_INT(msgs[7]->nlmsg_type, RTM_SETLINK);
	CHECK_EQ_INT(ifm->ifi_index, 12);
	CHECK_EQ_INT(ifm->ifi_flags, IFF_UP);
	CHECK_EQ_INT(ifm->ifi_change, IFF_UP);
	CHECK_EQ_INT(mnl_nlmsg_get_payload_len(msgs[7]), sizeof(*ifm));

	/* The address and route requests read back with the reply parsers. */
	uint32_t addr, table;
	unsigned int len;
	int ifindex;
	struct nlmsghdr *copy = malloc(msgs[2]->nlmsg_len);

	CHECK_EQ_INT(addr_parse(msgs[2], &addr, &len, &ifindex), 0);
	CHECK_EQ_INT(addr, 0x0a2a0005);
	CHECK_EQ_INT(len, 16);
	CHECK_EQ_INT(ifindex, 3);
	CHECK_EQ_INT(route_parse(msgs[3], &addr, &len, &table), 0);
	CHECK_EQ_INT(addr, 0);
	CHECK_EQ_INT(len, 0);
	CHECK_EQ_INT(table, RT_TABLE_MAIN);
	CHECK_EQ_INT(addr_parse(msgs[3], &addr, &len, &ifindex), -EINVAL);
	CHECK_EQ_INT(route_parse(msgs[2], &addr, &len, &table), -EINVAL);
	if (copy) {
		memcpy(copy, msgs[2], msgs[2]->nlmsg_len);
		((struct ifaddrmsg *)mnl_nlmsg_get_payload(copy))->ifa_family = AF_INET6;
		CHECK_EQ_INT(addr_parse(copy, &addr, &len, &ifindex), -EINVAL);
		free(copy);
	}
out:
	free(s.buf);
	free(s.reqs);
}

/* Many messages: sequence numbers and lengths stay consistent. */
static void test_many(void)
{
	struct nl_sock s;
	uint32_t bad = 0, expect;
	size_t count = 0;

	memset(&s, 0, sizeof(s));
	s.cap = 64 * 1024;
	s.buf = malloc(s.cap);
	if (!s.buf)
		return;
	s.seq = UINT32_MAX - 5; /* wraps */
	expect = s.seq + 1;
	/* The queue grows past its first 64 KiB; nothing is sent without a socket. */
	for (int i = 0; i < 2000; i++) {
		struct link_spec host = {.name = "lab-5", .master = 1, .up = true};
		struct link_spec peer = {.name = "eth0"};
		uint32_t got = i % 2 ? link_create_veth(&s, &host, &peer, 5) : link_del(&s, i);

		bad += got != expect++;
	}
	CHECK_EQ_INT(bad, 0);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)s.buf;
	int left = (int)s.len;

	expect = UINT32_MAX - 4;
	while (mnl_nlmsg_ok(nlh, left)) {
		bad += nlh->nlmsg_seq != expect++;
		count++;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	CHECK_EQ_INT(left, 0);
	CHECK_EQ_INT(count, s.queued);
	CHECK(count > 100);
	CHECK_EQ_INT(bad, 0);
	free(s.buf);
	free(s.reqs);
}

static bool starts_with(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

/*
 * A real batch: every request's outcome is kept, and the first failure is
 * recorded with the label of the request it answers, for callers to put
 * their context in front. (Unprivileged, the SETLINK fails with EPERM
 * rather than ENODEV: a failure either way.)
 */
static void test_labels(void)
{
	uint32_t bad, good;
	struct nl_sock s;

	fail_clear();
	if (nl_open(&s)) {
		fprintf(stderr, "test_labels: no netlink socket here (%s): not run\n",
			fail_message());
		fail_clear();
		return;
	}
	bad = link_set_up(&s, 999999);
	nl_label(&s, "bring up \"nosuch0\"");
	good = link_get(&s, "lo");
	CHECK_EQ_INT(nl_flush(&s, NULL, NULL), 0);
	CHECK(nl_result(&s, bad)->err < 0);
	CHECK_EQ_INT(nl_result(&s, good)->err, 0);
	CHECK(fail_message() == NULL); /* a request's failure is not recorded by the flush */
	CHECK(nl_check(&s, good) == 0);
	CHECK(nl_first_error(&s) < 0);
	CHECK(starts_with(fail_message(), "cannot bring up \"nosuch0\": "));
	fail_wrap(-1, "node \"web\"");
	CHECK(starts_with(fail_message(), "node \"web\": cannot bring up \"nosuch0\": "));
	fail_clear();
	/* The next batch starts afresh: the last one's outcomes are gone. */
	link_get(&s, "lo");
	CHECK_EQ_INT(nl_run(&s, NULL, NULL), 0);
	CHECK(fail_message() == NULL);
	nl_close(&s);
}

/* A reply as the kernel would send it. */
static struct nlmsghdr *build_newlink(char *buf, bool with_kind)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct nlattr *nest;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = 7;
	ifm->ifi_flags = IFF_UP | IFF_BROADCAST | IFF_RUNNING;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "lab-5");
	mnl_attr_put_u32(nlh, IFLA_MTU, 1400);
	mnl_attr_put_u8(nlh, IFLA_OPERSTATE, LINK_OPER_UP);
	mnl_attr_put_u32(nlh, IFLA_MASTER, 3);
	mnl_attr_put_u32(nlh, IFLA_LINK, 2);
	mnl_attr_put_u32(nlh, IFLA_GROUP, 1178730496u);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, host_mac);
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, "fabricctl:lab:n1");
	mnl_attr_put_u32(nlh, 0x7ff0, 1); /* unknown to us: ignored */
	if (with_kind) {
		nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh;
}

static void test_link_info_parse(void)
{
	char buf[1024] __attribute__((aligned(4)));
	struct link_info li;
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(buf));
	nlh = build_newlink(buf, true);
	memset(&li, 0x5a, sizeof(li));
	CHECK_EQ_INT(link_info_parse(nlh, &li), 0);
	CHECK_EQ_INT(li.ifindex, 7);
	CHECK_EQ_STR(li.name, "lab-5");
	CHECK_EQ_INT(li.flags, IFF_UP | IFF_BROADCAST | IFF_RUNNING);
	CHECK_EQ_INT(li.operstate, LINK_OPER_UP);
	CHECK_EQ_INT(li.master, 3);
	CHECK_EQ_INT(li.peer_ifindex, 2);
	CHECK_EQ_INT(li.group, 1178730496u);
	CHECK_EQ_INT(li.mtu, 1400);
	CHECK(!memcmp(li.mac, host_mac, 6));
	CHECK_EQ_STR(li.alias, "fabricctl:lab:n1");
	CHECK_EQ_STR(li.kind, "veth");

	/* Absent attributes read as zero/empty. */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_index = 1;
	memset(&li, 0x5a, sizeof(li));
	CHECK_EQ_INT(link_info_parse(nlh, &li), 0);
	CHECK_EQ_INT(li.ifindex, 1);
	CHECK_EQ_STR(li.name, "");
	CHECK_EQ_STR(li.alias, "");
	CHECK_EQ_STR(li.kind, "");
	CHECK_EQ_INT(li.master, 0);
	CHECK_EQ_INT(li.mtu, 0);
	CHECK_EQ_INT(li.group, 0);

	/* Malformed attributes are ignored, not trusted. */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_u16(nlh, IFLA_MTU, 1400);	      /* wrong size */
	mnl_attr_put(nlh, IFLA_IFNAME, 3, "abc");     /* no NUL */
	mnl_attr_put(nlh, IFLA_ADDRESS, 4, host_mac); /* not a MAC */
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, "a-very-long-alias-that-is-still-fine");
	CHECK_EQ_INT(link_info_parse(nlh, &li), 0);
	CHECK_EQ_INT(li.mtu, 0);
	CHECK_EQ_STR(li.name, "");
	CHECK(!memcmp(li.mac, "\0\0\0\0\0\0", 6));
	CHECK_EQ_STR(li.alias, "a-very-long-alias-that-is-still-fine");

	/* An over-long name or kind is cut to the field, NUL-terminated. */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "0123456789abcdefXYZ");
	struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "0123456789abcdefXYZ");
	mnl_attr_nest_end(nlh, nest);
	CHECK_EQ_INT(link_info_parse(nlh, &li), 0);
	CHECK_EQ_STR(li.name, "0123456789abcde");
	CHECK_EQ_STR(li.kind, "0123456789abcde");

	/* Not a link, or too short for its header. */
	memset(buf, 0, sizeof(buf));
	nlh = build_newlink(buf, false);
	nlh->nlmsg_type = RTM_NEWADDR;
	CHECK_EQ_INT(link_info_parse(nlh, &li), -EINVAL);
	nlh->nlmsg_type = RTM_DELLINK;
	CHECK_EQ_INT(link_info_parse(nlh, &li), -EINVAL);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)) - 1;
	CHECK_EQ_INT(link_info_parse(nlh, &li), -EINVAL);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	CHECK_EQ_INT(link_info_parse(nlh, &li), 0); /* header only: no attributes */
	CHECK_EQ_STR(li.name, "");
	CHECK_EQ_INT(li.ifindex, 7);
}

int main(void)
{
	test_builders();
	test_many();
	test_labels();
	test_link_info_parse();
	return unit_summary("test_nlmsg");
}
