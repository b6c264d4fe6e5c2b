// SPDX-License-Identifier: GPL-2.0-only
/* clsact qdiscs on shared blocks and cls_bpf filters on blocks, in raw rtnetlink. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "base/array.h"
#include "base/errors.h"
#include "kernel/tc_block.h"

static struct tcmsg *tc_msg(struct nl_sock *s, uint16_t type, uint16_t flags, struct nlmsghdr **nlh)
{
	struct tcmsg *tcm;

	*nlh = nl_msg(s, type, flags, sizeof(*tcm));
	tcm = mnl_nlmsg_get_payload(*nlh);
	tcm->tcm_family = AF_UNSPEC;
	return tcm;
}

uint32_t tc_clsact_add_blocks(struct nl_sock *s, int ifindex, uint32_t ingress, uint32_t egress)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm = tc_msg(s, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, &nlh);

	tcm->tcm_ifindex = ifindex;
	tcm->tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0);
	tcm->tcm_parent = TC_H_CLSACT;
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	mnl_attr_put_u32(nlh, TCA_INGRESS_BLOCK, ingress);
	mnl_attr_put_u32(nlh, TCA_EGRESS_BLOCK, egress);
	return nl_msg_done(s, nlh, "add a clsact qdisc on blocks %u/%u to link %d", ingress, egress,
			   ifindex);
}

static void filter_header(struct tcmsg *tcm, uint32_t block)
{
	tcm->tcm_ifindex = (int)TCM_IFINDEX_MAGIC_BLOCK;
	tcm->tcm_block_index = block;
	tcm->tcm_handle = TC_FILTER_HANDLE;
	tcm->tcm_info = TC_H_MAKE((uint32_t)TC_FILTER_PRIORITY << 16, htons(ETH_P_ALL));
}

uint32_t tc_block_add_bpf(struct nl_sock *s, uint32_t block, int prog_fd, const char *name)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm = tc_msg(s, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, &nlh);
	struct nlattr *opts;

	filter_header(tcm, block);
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t)prog_fd);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, name);
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
	return nl_msg_done(s, nlh, "attach \"%s\" to tc block %u", name, block);
}

struct filter_seen {
	uint32_t id;
	char *name;
	size_t size;
};

static int filter_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCA_MAX + 1] = {0}, *bpf[TCA_BPF_MAX + 1] = {0};
	struct filter_seen *f = data;

	if (nlh->nlmsg_type != RTM_NEWTFILTER ||
	    nl_parse_attrs(nlh, sizeof(struct tcmsg), tb, TCA_MAX) || !tb[TCA_KIND] ||
	    strcmp(mnl_attr_get_str(tb[TCA_KIND]), "bpf") || !tb[TCA_OPTIONS] ||
	    nl_parse_nested(tb[TCA_OPTIONS], bpf, TCA_BPF_MAX))
		return 0;
	if (bpf[TCA_BPF_ID] && mnl_attr_get_payload_len(bpf[TCA_BPF_ID]) >= 4)
		f->id = mnl_attr_get_u32(bpf[TCA_BPF_ID]);
	if (bpf[TCA_BPF_NAME])
		snprintf(f->name, f->size, "%s", mnl_attr_get_str(bpf[TCA_BPF_NAME]));
	return 0;
}

int tc_block_bpf_prog(struct nl_sock *s, uint32_t block, uint32_t *prog_id, char *name, size_t size)
{
	struct filter_seen f = {0, name, size};
	struct nlmsghdr *nlh;
	struct tcmsg *tcm = tc_msg(s, RTM_GETTFILTER, 0, &nlh);
	uint32_t seq;
	int err;

	name[0] = '\0';
	filter_header(tcm, block);
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	seq = nl_msg_done(s, nlh, "read the filter of tc block %u", block);
	err = nl_flush(s, filter_cb, &f);
	if (err)
		return err;
	err = nl_result(s, seq)->err;
	*prog_id = f.id;
	if (err == -ENOENT || err == -EINVAL)
		return 0; /* no such block or filter */
	return err ? nl_check(s, seq) : 0;
}

static int clsact_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCA_MAX + 1] = {0};
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct tc_clsact_list *l = data;
	struct tc_clsact q = {tcm->tcm_ifindex, 0, 0};

	if (nlh->nlmsg_type != RTM_NEWQDISC || nl_parse_attrs(nlh, sizeof(*tcm), tb, TCA_MAX) ||
	    !tb[TCA_KIND] || strcmp(mnl_attr_get_str(tb[TCA_KIND]), "clsact"))
		return 0;
	if (tb[TCA_INGRESS_BLOCK] && mnl_attr_get_payload_len(tb[TCA_INGRESS_BLOCK]) >= 4)
		q.ingress = mnl_attr_get_u32(tb[TCA_INGRESS_BLOCK]);
	if (tb[TCA_EGRESS_BLOCK] && mnl_attr_get_payload_len(tb[TCA_EGRESS_BLOCK]) >= 4)
		q.egress = mnl_attr_get_u32(tb[TCA_EGRESS_BLOCK]);
	if (ARRAY_RESERVE(l->q, l->cap, l->n))
		return -ENOMEM;
	l->q[l->n++] = q;
	return 0;
}

static int clsact_cmp(const void *a, const void *b)
{
	const struct tc_clsact *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int tc_clsact_dump(struct nl_sock *s, struct tc_clsact_list *out)
{
	struct nlmsghdr *nlh;
	int err;

	memset(out, 0, sizeof(*out));
	tc_msg(s, RTM_GETQDISC, NLM_F_DUMP, &nlh);
	nl_msg_done(s, nlh, "list the qdiscs");
	err = nl_dump(s, clsact_cb, out);
	if (err) {
		tc_clsact_list_free(out);
		return fail(err, "cannot list the qdiscs");
	}
	if (out->n)
		qsort(out->q, out->n, sizeof(*out->q), clsact_cmp);
	return 0;
}

const struct tc_clsact *tc_clsact_find(const struct tc_clsact_list *l, int ifindex)
{
	struct tc_clsact key = {ifindex, 0, 0};

	return l->n ? bsearch(&key, l->q, l->n, sizeof(*l->q), clsact_cmp) : NULL;
}

void tc_clsact_list_free(struct tc_clsact_list *l)
{
	free(l->q);
	memset(l, 0, sizeof(*l));
}
