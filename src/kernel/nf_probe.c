// SPDX-License-Identifier: GPL-2.0-only
/*
 * Would the host's firewall drop bridged fabric traffic? The policy of
 * every base chain at the forward hook, read over nfnetlink (nftables: ip,
 * inet and bridge families, which all see bridged IPv4 with br_netfilter)
 * and with the legacy iptables sockopt -- never by running nft or iptables.
 */
#include <errno.h>
#include <net/if.h> /* glibc's before the linux/ headers, which defer to them */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include "kernel/nf_probe.h"
#include "kernel/nl.h"

struct nft_scan {
	enum forward_policy policy;
	char *chain;
	size_t chain_size;
};

static const char *nfproto_name(uint8_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_BRIDGE:
		return "bridge";
	default:
		return NULL;
	}
}

/* One chain of the dump: a base chain at the forward hook with policy drop? */
static int nft_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NFTA_CHAIN_MAX + 1] = {0};
	const struct nlattr *hook[NFTA_HOOK_MAX + 1] = {0};
	struct nft_scan *scan = data;
	const char *family = nfproto_name(nfg->nfgen_family);

	/* ip, inet and bridge chains all see bridged IPv4 (with br_netfilter). */
	if (!family)
		return MNL_CB_OK;
	if (nl_parse_attrs(nlh, sizeof(*nfg), tb, NFTA_CHAIN_MAX) < 0 || !tb[NFTA_CHAIN_HOOK])
		return MNL_CB_OK;
	if (nl_parse_nested(tb[NFTA_CHAIN_HOOK], hook, NFTA_HOOK_MAX) < 0 ||
	    !hook[NFTA_HOOK_HOOKNUM] ||
	    ntohl(mnl_attr_get_u32(hook[NFTA_HOOK_HOOKNUM])) != NF_INET_FORWARD)
		return MNL_CB_OK;
	if (scan->policy == FORWARD_NONE)
		scan->policy = FORWARD_ACCEPT;
	if (tb[NFTA_CHAIN_POLICY] && ntohl(mnl_attr_get_u32(tb[NFTA_CHAIN_POLICY])) == NF_DROP &&
	    scan->policy != FORWARD_DROP) {
		scan->policy = FORWARD_DROP;
		snprintf(scan->chain, scan->chain_size, "nft %s %s %s", family,
			 tb[NFTA_CHAIN_TABLE] ? mnl_attr_get_str(tb[NFTA_CHAIN_TABLE]) : "?",
			 tb[NFTA_CHAIN_NAME] ? mnl_attr_get_str(tb[NFTA_CHAIN_NAME]) : "?");
	}
	return MNL_CB_OK;
}

/* nftables: dump every chain (all families) over nfnetlink. */
static enum forward_policy nft_forward_policy(char *chain, size_t size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2];
	struct nft_scan scan = {FORWARD_NONE, chain, size};
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	uint32_t seq = 1, portid;
	ssize_t len;
	int ret = 0;

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl)
		return FORWARD_UNKNOWN;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return FORWARD_UNKNOWN;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETCHAIN;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_UNSPEC;
	nfg->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		mnl_socket_close(nl);
		return FORWARD_UNKNOWN;
	}
	while ((len = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		ret = mnl_cb_run(buf, (size_t)len, seq, portid, nft_chain_cb, &scan);
		if (ret <= 0)
			break;
	}
	mnl_socket_close(nl);
	/* nf_tables not loaded: the dump fails, and nothing of it can drop. */
	if (len < 0 || (ret < 0 && errno != ENOENT && errno != EAFNOSUPPORT))
		return scan.policy == FORWARD_NONE ? FORWARD_UNKNOWN : scan.policy;
	return scan.policy;
}

static bool legacy_filter_loaded(void)
{
	char line[64];
	bool found = false;
	FILE *in = fopen("/proc/net/ip_tables_names", "re");

	if (!in)
		return false;
	while (fgets(line, sizeof(line), in))
		if (!strcmp(line, "filter\n"))
			found = true;
	fclose(in);
	return found;
}

/*
 * Legacy iptables: the built-in FORWARD chain's policy is the standard
 * target of the entry at its underflow offset. Asked only when the filter
 * table exists: asking would load iptable_filter otherwise.
 */
static enum forward_policy legacy_forward_policy(void)
{
	struct ipt_getinfo info = {.name = "filter"};
	struct ipt_get_entries *entries = NULL;
	socklen_t len = sizeof(info);
	enum forward_policy policy = FORWARD_UNKNOWN;
	int fd;

	if (!legacy_filter_loaded())
		return FORWARD_NONE;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return FORWARD_UNKNOWN;
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_INFO, &info, &len) < 0 ||
	    !(info.valid_hooks & (1u << NF_INET_FORWARD)))
		goto out;
	len = (socklen_t)(sizeof(*entries) + info.size);
	entries = calloc(1, len);
	if (!entries)
		goto out;
	snprintf(entries->name, sizeof(entries->name), "filter");
	entries->size = info.size;
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_ENTRIES, entries, &len) < 0)
		goto out;
	unsigned int off = info.underflow[NF_INET_FORWARD];
	if (off + sizeof(struct ipt_entry) + sizeof(struct xt_standard_target) > info.size)
		goto out;
	const struct ipt_entry *e = (const void *)((const char *)entries->entrytable + off);
	const struct xt_standard_target *t = (const void *)((const char *)e + e->target_offset);

	if (e->target_offset + sizeof(*t) > info.size - off)
		goto out;
	policy = t->verdict == -NF_DROP - 1 ? FORWARD_DROP : FORWARD_ACCEPT;
out:
	free(entries);
	close(fd);
	return policy;
}

enum forward_policy nf_forward_policy(char *chain, size_t size)
{
	enum forward_policy legacy = legacy_forward_policy();
	enum forward_policy policy = nft_forward_policy(chain, size);

	if (legacy == FORWARD_DROP) {
		snprintf(chain, size, "iptables-legacy filter FORWARD");
		return FORWARD_DROP;
	}
	if (legacy == FORWARD_UNKNOWN && policy != FORWARD_DROP)
		return FORWARD_UNKNOWN;
	if (legacy == FORWARD_ACCEPT && policy == FORWARD_NONE)
		return FORWARD_ACCEPT;
	return policy;
}
