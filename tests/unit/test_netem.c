// SPDX-License-Identifier: GPL-2.0-only
/*
 * netem requests as built, never sent, walked the way the kernel's
 * netem_change() reads them: TCA_OPTIONS holds struct tc_netem_qopt, then
 * netem's attributes from MNL_ALIGN(sizeof qopt) to the end. Plus the
 * parsers of impair's option values.
 */
#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/errors.h"
#include "fabric/impair.h"
#include "kernel/netem.h"
#include "unit.h"

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= TCA_NETEM_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int top_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= TCA_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void test_replace(void)
{
	struct netem_params p = {.delay_ns = 20000000,
				 .jitter_ns = 2000000,
				 .loss = 1u << 30,
				 .corrupt = 7,
				 .duplicate = 9,
				 .reorder = 11,
				 .rate_Bps = 5000000000ull};
	const struct nlattr *tb[TCA_MAX + 1] = {0}, *nt[TCA_NETEM_MAX + 1] = {0};
	const struct nlmsghdr *nlh;
	const struct tc_netem_qopt *q;
	const struct tcmsg *tcm;
	struct nl_sock s = {0};
	size_t len, head = MNL_ALIGN(sizeof(*q));

	s.cap = 64 * 1024;
	s.buf = malloc(s.cap);
	CHECK(s.buf != NULL);
	netem_replace(&s, 42, &p);
	nlh = (const struct nlmsghdr *)s.buf;
	CHECK_EQ_INT(nlh->nlmsg_len, s.len);
	CHECK_EQ_INT(nlh->nlmsg_type, RTM_NEWQDISC);
	CHECK(nlh->nlmsg_flags & NLM_F_REPLACE);
	CHECK(nlh->nlmsg_flags & NLM_F_CREATE);
	CHECK(!(nlh->nlmsg_flags & NLM_F_EXCL));
	tcm = mnl_nlmsg_get_payload(nlh);
	CHECK_EQ_INT(tcm->tcm_ifindex, 42);
	CHECK_EQ_INT(tcm->tcm_parent, TC_H_ROOT);
	CHECK_EQ_INT(tcm->tcm_handle, NETEM_HANDLE);
	CHECK_EQ_INT(mnl_attr_parse(nlh, sizeof(*tcm), top_cb, tb), MNL_CB_OK);
	CHECK(tb[TCA_KIND] && !strcmp(mnl_attr_get_str(tb[TCA_KIND]), "netem"));
	CHECK(tb[TCA_OPTIONS] != NULL);
	if (!tb[TCA_OPTIONS])
		goto out;
	len = mnl_attr_get_payload_len(tb[TCA_OPTIONS]);
	CHECK(len > head);
	q = mnl_attr_get_payload(tb[TCA_OPTIONS]);
	CHECK_EQ_INT(q->latency, 20000000 >> 6);
	CHECK_EQ_INT(q->jitter, 2000000 >> 6);
	CHECK_EQ_INT(q->loss, 1u << 30);
	CHECK_EQ_INT(q->duplicate, 9);
	CHECK_EQ_INT(q->gap, 1);
	CHECK(q->limit > 0);
	CHECK_EQ_INT(mnl_attr_parse_payload((const char *)q + head, len - head, attr_cb, nt),
		     MNL_CB_OK);
	CHECK(nt[TCA_NETEM_LATENCY64] && mnl_attr_get_u64(nt[TCA_NETEM_LATENCY64]) == 20000000);
	CHECK(nt[TCA_NETEM_JITTER64] && mnl_attr_get_u64(nt[TCA_NETEM_JITTER64]) == 2000000);
	CHECK(nt[TCA_NETEM_REORDER] &&
	      ((const struct tc_netem_reorder *)mnl_attr_get_payload(nt[TCA_NETEM_REORDER]))
			      ->probability == 11);
	CHECK(nt[TCA_NETEM_CORRUPT] &&
	      ((const struct tc_netem_corrupt *)mnl_attr_get_payload(nt[TCA_NETEM_CORRUPT]))
			      ->probability == 7);
	/* Above 32 bits: the 32-bit rate saturates and RATE64 carries it. */
	CHECK(nt[TCA_NETEM_RATE] &&
	      ((const struct tc_netem_rate *)mnl_attr_get_payload(nt[TCA_NETEM_RATE]))->rate ==
		      UINT32_MAX);
	CHECK(nt[TCA_NETEM_RATE64] && mnl_attr_get_u64(nt[TCA_NETEM_RATE64]) == 5000000000ull);
	/* Deletion names our handle and the kind, so the kernel refuses any other root. */
	netem_delete(&s, 42);
	nlh = mnl_nlmsg_next(nlh, &(int){(int)s.len});
	CHECK_EQ_INT(nlh->nlmsg_type, RTM_DELQDISC);
	CHECK_EQ_INT(((const struct tcmsg *)mnl_nlmsg_get_payload(nlh))->tcm_handle, NETEM_HANDLE);
out:
	free(s.buf);
	free(s.reqs); /* the queue's request labels (nl.c), as nl_close() would */
}

static void test_values(void)
{
	uint64_t v;
	uint32_t pr;

	CHECK_EQ_INT(impair_parse_time("20ms", "--delay", &v), 0);
	CHECK_EQ_INT(v, 20000000);
	CHECK_EQ_INT(impair_parse_time("1.5s", "--delay", &v), 0);
	CHECK_EQ_INT(v, 1500000000);
	CHECK_EQ_INT(impair_parse_time("300us", "--delay", &v), 0);
	CHECK_EQ_INT(v, 300000);
	CHECK_EQ_INT(impair_parse_time("abc", "--delay", &v), -EUSAGE);
	CHECK_EQ_INT(impair_parse_time("20", "--delay", &v), -EUSAGE);
	CHECK_EQ_INT(impair_parse_time("-1ms", "--delay", &v), -EUSAGE);
	CHECK_EQ_INT(impair_parse_percent("100%", "--loss", &pr), 0);
	CHECK_EQ_INT(pr, UINT32_MAX);
	CHECK_EQ_INT(impair_parse_percent("0.5%", "--loss", &pr), 0);
	CHECK(pr > 21474835 && pr < 21474838);
	CHECK_EQ_INT(impair_parse_percent("150%", "--loss", &pr), -EUSAGE);
	CHECK_EQ_INT(impair_parse_percent("20", "--loss", &pr), -EUSAGE);
	CHECK_EQ_INT(impair_parse_percent("nan%", "--loss", &pr), -EUSAGE);
	CHECK_EQ_INT(impair_parse_rate("20mbit", &v), 0);
	CHECK_EQ_INT(v, 2500000);
	CHECK_EQ_INT(impair_parse_rate("2mbps", &v), 0);
	CHECK_EQ_INT(v, 2000000);
	CHECK_EQ_INT(impair_parse_rate("fast", &v), -EUSAGE);
	CHECK_EQ_INT(impair_parse_rate("0bit", &v), -EUSAGE);
	CHECK_EQ_INT(impair_params_check(&(struct netem_params){.jitter_ns = 1}), -EUSAGE);
	CHECK_EQ_INT(impair_params_check(&(struct netem_params){.reorder = 1}), -EUSAGE);
	CHECK_EQ_INT(impair_params_check(&(struct netem_params){.delay_ns = 2, .jitter_ns = 1}), 0);
	fail_clear();
}

int main(void)
{
	test_replace();
	test_values();
	return unit_summary("test_netem");
}
