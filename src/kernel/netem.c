// SPDX-License-Identifier: GPL-2.0-only
/* Root netem qdiscs in raw rtnetlink: replace, delete, dump. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "base/array.h"
#include "base/errors.h"
#include "kernel/netem.h"
#include "kernel/tbf.h"

/* The 32-bit fields of tc_netem_qopt count psched ticks of 64 ns. */
#define NETEM_TICK_SHIFT 6
#define NETEM_DUMP_TRIES 8 /* dumps again when one was interrupted */
#define NETEM_LIMIT 10000  /* packets queued; enough for a delayed fast link */

static struct tcmsg *root_msg(struct nl_sock *s, uint16_t type, uint16_t flags, int ifindex,
			      struct nlmsghdr **nlh)
{
	struct tcmsg *tcm;

	*nlh = nl_msg(s, type, flags, sizeof(*tcm));
	tcm = mnl_nlmsg_get_payload(*nlh);
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_ROOT;
	tcm->tcm_handle = NETEM_HANDLE;
	return tcm;
}

static uint32_t ticks_of(uint64_t ns)
{
	uint64_t t = ns >> NETEM_TICK_SHIFT;

	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

uint32_t netem_replace(struct nl_sock *s, int ifindex, const struct netem_params *p)
{
	struct tc_netem_qopt *qopt;
	struct nlmsghdr *nlh;
	struct nlattr *opts;

	root_msg(s, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, ifindex, &nlh);
	mnl_attr_put_strz(nlh, TCA_KIND, "netem");
	/* TCA_OPTIONS: the fixed struct first, then netem's own attributes. */
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	qopt = mnl_nlmsg_put_extra_header(nlh, sizeof(*qopt));
	qopt->latency = ticks_of(p->delay_ns);
	qopt->jitter = ticks_of(p->jitter_ns);
	qopt->limit = NETEM_LIMIT;
	qopt->loss = p->loss;
	qopt->duplicate = p->duplicate;
	qopt->gap = p->reorder ? 1 : 0; /* as tc: reorder every packet by chance */
	mnl_attr_put_u64(nlh, TCA_NETEM_LATENCY64, p->delay_ns);
	mnl_attr_put_u64(nlh, TCA_NETEM_JITTER64, p->jitter_ns);
	if (p->reorder) {
		struct tc_netem_reorder r = {.probability = p->reorder};

		mnl_attr_put(nlh, TCA_NETEM_REORDER, sizeof(r), &r);
	}
	if (p->corrupt) {
		struct tc_netem_corrupt c = {.probability = p->corrupt};

		mnl_attr_put(nlh, TCA_NETEM_CORRUPT, sizeof(c), &c);
	}
	if (p->rate_Bps) {
		struct tc_netem_rate r = {0};

		r.rate = p->rate_Bps >= UINT32_MAX ? UINT32_MAX : (uint32_t)p->rate_Bps;
		mnl_attr_put(nlh, TCA_NETEM_RATE, sizeof(r), &r);
		if (p->rate_Bps >= UINT32_MAX)
			mnl_attr_put_u64(nlh, TCA_NETEM_RATE64, p->rate_Bps);
	}
	mnl_attr_nest_end(nlh, opts);
	return nl_msg_done(s, nlh, "set a netem qdisc on link %d", ifindex);
}

uint32_t netem_delete(struct nl_sock *s, int ifindex)
{
	struct nlmsghdr *nlh;

	root_msg(s, RTM_DELQDISC, 0, ifindex, &nlh);
	mnl_attr_put_strz(nlh, TCA_KIND, "netem");
	return nl_msg_done(s, nlh, "delete the netem qdisc of link %d", ifindex);
}

uint32_t netem_root_delete(struct nl_sock *s, int ifindex)
{
	struct nlmsghdr *nlh;

	/* No TCA_KIND: the kernel then matches the root qdisc by its handle alone. */
	root_msg(s, RTM_DELQDISC, 0, ifindex, &nlh);
	return nl_msg_done(s, nlh, "delete the impairment qdisc of link %d", ifindex);
}

static int netem_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= TCA_NETEM_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

#define ATTR_FITS(a, type) ((a) && mnl_attr_get_payload_len(a) >= sizeof(type))

static int netem_parse(const struct nlattr *opts, struct netem_params *p)
{
	const struct nlattr *tb[TCA_NETEM_MAX + 1] = {0};
	const struct tc_netem_qopt *qopt = mnl_attr_get_payload(opts);
	size_t len = mnl_attr_get_payload_len(opts), head = MNL_ALIGN(sizeof(*qopt));

	memset(p, 0, sizeof(*p));
	if (len < sizeof(*qopt))
		return -EINVAL;
	p->delay_ns = (uint64_t)qopt->latency << NETEM_TICK_SHIFT;
	p->jitter_ns = (uint64_t)qopt->jitter << NETEM_TICK_SHIFT;
	p->loss = qopt->loss;
	p->duplicate = qopt->duplicate;
	if (len > head &&
	    mnl_attr_parse_payload((const char *)qopt + head, len - head, netem_attr_cb, tb) < 0)
		return -EINVAL;
	if (ATTR_FITS(tb[TCA_NETEM_LATENCY64], uint64_t))
		p->delay_ns = mnl_attr_get_u64(tb[TCA_NETEM_LATENCY64]);
	if (ATTR_FITS(tb[TCA_NETEM_JITTER64], uint64_t))
		p->jitter_ns = mnl_attr_get_u64(tb[TCA_NETEM_JITTER64]);
	if (ATTR_FITS(tb[TCA_NETEM_REORDER], struct tc_netem_reorder))
		p->reorder = ((const struct tc_netem_reorder *)mnl_attr_get_payload(
				      tb[TCA_NETEM_REORDER]))
				     ->probability;
	if (ATTR_FITS(tb[TCA_NETEM_CORRUPT], struct tc_netem_corrupt))
		p->corrupt = ((const struct tc_netem_corrupt *)mnl_attr_get_payload(
				      tb[TCA_NETEM_CORRUPT]))
				     ->probability;
	if (ATTR_FITS(tb[TCA_NETEM_RATE], struct tc_netem_rate))
		p->rate_Bps =
			((const struct tc_netem_rate *)mnl_attr_get_payload(tb[TCA_NETEM_RATE]))
				->rate;
	if (ATTR_FITS(tb[TCA_NETEM_RATE64], uint64_t))
		p->rate_Bps = mnl_attr_get_u64(tb[TCA_NETEM_RATE64]);
	return 0;
}

static int root_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[TCA_MAX + 1] = {0};
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct netem_root_list *l = data;
	struct netem_root q = {0};

	if (nlh->nlmsg_type != RTM_NEWQDISC || tcm->tcm_parent != TC_H_ROOT ||
	    nl_parse_attrs(nlh, sizeof(*tcm), tb, TCA_MAX) || !tb[TCA_KIND])
		return 0;
	q.ifindex = tcm->tcm_ifindex;
	snprintf(q.kind, sizeof(q.kind), "%s", mnl_attr_get_str(tb[TCA_KIND]));
	if (tcm->tcm_handle == NETEM_HANDLE && tb[TCA_OPTIONS]) {
		q.tbf = !strcmp(q.kind, "tbf") && !tbf_parse_rate(tb[TCA_OPTIONS], &q.p.rate_Bps);
		q.ours = q.tbf || (!strcmp(q.kind, "netem") && !netem_parse(tb[TCA_OPTIONS], &q.p));
	}
	if (ARRAY_RESERVE(l->q, l->cap, l->n))
		return -ENOMEM;
	l->q[l->n++] = q;
	return 0;
}

static int root_cmp(const void *a, const void *b)
{
	const struct netem_root *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int netem_root_dump(struct nl_sock *s, struct netem_root_list *out)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;
	int err;

	/* A dump interrupted by other changes may miss qdiscs: again, a few times. */
	for (int tries = 0;; tries++) {
		memset(out, 0, sizeof(*out));
		nlh = nl_msg(s, RTM_GETQDISC, NLM_F_DUMP, sizeof(*tcm));
		tcm = mnl_nlmsg_get_payload(nlh);
		tcm->tcm_family = AF_UNSPEC;
		nl_msg_done(s, nlh, "list the qdiscs");
		err = nl_dump(s, root_cb, out);
		if (err) {
			netem_root_list_free(out);
			return fail(err, "cannot list the qdiscs");
		}
		if (!s->dump_intr || tries == NETEM_DUMP_TRIES)
			break;
		netem_root_list_free(out);
	}
	if (out->n)
		qsort(out->q, out->n, sizeof(*out->q), root_cmp);
	return 0;
}

const struct netem_root *netem_root_find(const struct netem_root_list *l, int ifindex)
{
	struct netem_root key = {.ifindex = ifindex};

	return l->n ? bsearch(&key, l->q, l->n, sizeof(*l->q), root_cmp) : NULL;
}

void netem_root_list_free(struct netem_root_list *l)
{
	free(l->q);
	memset(l, 0, sizeof(*l));
}

/* In a thread of its own: a new network namespace, and a netem on its lo. */
static void *probe_thread(void *arg)
{
	int *res = arg;
	struct nl_sock s;
	uint32_t seq;

	if (unshare(CLONE_NEWNET)) {
		*res = -errno;
		return NULL;
	}
	*res = nl_open(&s);
	if (*res)
		return NULL;
	seq = netem_replace(&s, 1 /* lo */, &(struct netem_params){.delay_ns = 1000000});
	*res = nl_flush(&s, NULL, NULL);
	if (!*res) {
		const struct nl_ack *a = nl_result(&s, seq);

		*res = !a ? -EIO : !a->err ? 1 : a->err == -ENOENT ? 0 : a->err;
	}
	nl_close(&s);
	return NULL; /* the thread's namespace goes with it */
}

int netem_available(void)
{
	static int known = -1;
	pthread_t t;
	int res = -EIO;

	if (known >= 0)
		return known;
	if (pthread_create(&t, NULL, probe_thread, &res))
		return fail(-EAGAIN, "cannot start the netem probe");
	pthread_join(t, NULL);
	if (res < 0)
		return fail(res, "cannot probe the kernel for netem");
	known = res;
	return known;
}
