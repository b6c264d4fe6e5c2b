// SPDX-License-Identifier: GPL-2.0-only
/* limits_judge(): the verdicts for made-up hosts, no /proc involved. */
#include <errno.h>
#include <stdint.h>

#include "base/errors.h"
#include "host/limits.h"
#include "unit.h"

/* A Debian default host with plenty of memory and nothing in the way. */
static void default_host(struct host_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->netdev_max_backlog = 1000;
	f->arp_gc_thresh[0] = 128;
	f->arp_gc_thresh[1] = 512;
	f->arp_gc_thresh[2] = 1024;
	f->nd_gc_thresh[0] = 128;
	f->nd_gc_thresh[1] = 512;
	f->nd_gc_thresh[2] = 1024;
	f->arp_entries = 5;
	f->nd_entries = 2;
	f->max_net_namespaces = 96365;
	f->nofile_soft = 1024;
	f->nofile_hard = 524288;
	f->mem_available_kib = 24ull << 20;
	f->bpffs = 1;
	f->btf = true;
	f->bridge_nf_call_iptables = 1;
	f->forward = FORWARD_ACCEPT;
	f->ip_forward = 0;
}

static const struct host_limit *item(const struct limit_report *r, const char *name)
{
	const struct host_limit *l = limits_find(r, name);

	if (!l)
		fprintf(stderr, "  no item \"%s\" in the report\n", name);
	return l;
}

#define CHECK_ITEM(r, name, sev, cur, need)                                                        \
	do {                                                                                       \
		const struct host_limit *it_ = item(r, name);                                      \
		CHECK(it_ != NULL);                                                                \
		if (it_) {                                                                         \
			CHECK_EQ_INT(it_->severity, sev);                                          \
			CHECK_EQ_INT(it_->current, cur);                                           \
			CHECK_EQ_INT(it_->needed, need);                                           \
		}                                                                                  \
	} while (0)

static void test_small_fabric_passes(void)
{
	struct host_facts f;
	struct limit_report r;

	default_host(&f);
	limits_judge(&f, 100, 512, &r);
	CHECK(!limits_failed(&r));
	CHECK(limits_all_tunable(&r)); /* nothing fails: nothing to tune */
	/* One cell of 100 nodes: 100 ports + the router leg. */
	CHECK_ITEM(&r, "bridge_ports", LIMIT_OK, 1024, 101);
	CHECK_ITEM(&r, "net.core.netdev_max_backlog", LIMIT_OK, 1000, 101 + 64);
	CHECK_ITEM(&r, "net.ipv4.neigh.default.gc_thresh3", LIMIT_OK, 1024, 2 * 100 + 256);
	CHECK_ITEM(&r, "net.ipv4.neigh.default.gc_thresh2", LIMIT_OK, 512, 2 * 100 + 128);
	CHECK_ITEM(&r, "user.max_net_namespaces", LIMIT_OK, 96365, 101);
	CHECK_ITEM(&r, "mem_available_kib", LIMIT_OK, 24ull << 20, 100 * LIMITS_NODE_KIB);
	for (size_t i = 0; i < r.n; i++) {
		CHECK(r.items[i].name[0] != '\0');
		CHECK(r.items[i].what[0] != '\0');
		/* Only items that are not ok carry a fix. */
		if (r.items[i].severity == LIMIT_OK)
			CHECK_EQ_STR(r.items[i].fix, "");
	}
}

static void test_default_host_at_1000(void)
{
	struct host_facts f;
	struct limit_report r;
	const struct host_limit *l;

	default_host(&f);
	limits_judge(&f, 1000, 512, &r);
	CHECK(limits_failed(&r));
	CHECK(limits_all_tunable(&r));
	/* The neighbour table is the wall the design measured at N=1000. */
	CHECK_ITEM(&r, "net.ipv4.neigh.default.gc_thresh3", LIMIT_FAIL, 1024, 2256);
	l = item(&r, "net.ipv4.neigh.default.gc_thresh3");
	if (l) {
		CHECK(l->tunable);
		CHECK_EQ_STR(l->fix, "sysctl -w net.ipv4.neigh.default.gc_thresh3=2256");
	}
	CHECK_ITEM(&r, "net.ipv4.neigh.default.gc_thresh2", LIMIT_WARN, 512, 2128);
	/* Cells of 512 hold 509 nodes + the router leg: the default backlog takes it. */
	CHECK_ITEM(&r, "bridge_ports", LIMIT_OK, 1024, 510);
	CHECK_ITEM(&r, "net.core.netdev_max_backlog", LIMIT_OK, 1000, 574);
}

static void test_tuned_host_at_10000(void)
{
	struct host_facts f;
	struct limit_report r;

	default_host(&f);
	f.arp_gc_thresh[1] = 20128;
	f.arp_gc_thresh[2] = 20256;
	limits_judge(&f, 10000, 512, &r);
	CHECK(!limits_failed(&r));
	CHECK_ITEM(&r, "mem_available_kib", LIMIT_OK, 24ull << 20, 10000ull * LIMITS_NODE_KIB);
	/* One over: fails. */
	limits_judge(&f, 10001, 512, &r);
	CHECK_ITEM(&r, "net.ipv4.neigh.default.gc_thresh3", LIMIT_FAIL, 20256, 20258);
}

static void test_big_cells(void)
{
	struct host_facts f;
	struct limit_report r;
	const struct host_limit *l;

	default_host(&f);
	f.arp_gc_thresh[1] = f.arp_gc_thresh[2] = 1 << 20;
	/* 1024-slot cells: 1021 nodes + 1 leg = 1022 ports, the limit holds, */
	limits_judge(&f, 5000, 1024, &r);
	CHECK_ITEM(&r, "bridge_ports", LIMIT_OK, 1024, 1022);
	/* but a flood of 1022 does not fit a backlog of 1000. */
	CHECK_ITEM(&r, "net.core.netdev_max_backlog", LIMIT_FAIL, 1000, 1022 + 64);
	l = item(&r, "net.core.netdev_max_backlog");
	if (l)
		CHECK_EQ_STR(l->fix, "sysctl -w net.core.netdev_max_backlog=1086");
	CHECK(limits_all_tunable(&r));
	/* Room for the ports, not the margin: a warning. */
	f.netdev_max_backlog = 1050;
	limits_judge(&f, 5000, 1024, &r);
	CHECK_ITEM(&r, "net.core.netdev_max_backlog", LIMIT_WARN, 1050, 1086);
	CHECK(!limits_failed(&r));
	/* 2048-slot cells: more ports than a bridge takes, and no sysctl helps. */
	limits_judge(&f, 5000, 2048, &r);
	CHECK_ITEM(&r, "bridge_ports", LIMIT_FAIL, 1024, 2046);
	CHECK(!limits_all_tunable(&r));
	l = item(&r, "bridge_ports");
	if (l) {
		CHECK(!l->tunable);
		CHECK(strstr(l->fix, "--cell-size") != NULL);
	}
	/* A small fabric in big cells only has the ports it uses. */
	limits_judge(&f, 700, 2048, &r);
	CHECK_ITEM(&r, "bridge_ports", LIMIT_OK, 1024, 701);
}

static void test_namespaces_and_memory(void)
{
	struct host_facts f;
	struct limit_report r;

	default_host(&f);
	f.arp_gc_thresh[1] = f.arp_gc_thresh[2] = 1 << 20;
	/* 300 named namespaces, 200 of them nodes of 2 existing fabrics. */
	f.named_netns = 300;
	f.fabric_nodes = 200;
	f.fabrics = 2;
	f.max_net_namespaces = 1000;
	limits_judge(&f, 898, 512, &r);
	CHECK_ITEM(&r, "user.max_net_namespaces", LIMIT_OK, 1000, 898 + 100 + 2);
	limits_judge(&f, 899, 512, &r);
	CHECK_ITEM(&r, "user.max_net_namespaces", LIMIT_FAIL, 1000, 1001);
	CHECK(limits_all_tunable(&r));

	/* Memory: only the nodes still to make; warn above 50%, fail above 80%. */
	f.max_net_namespaces = 1 << 30;
	f.mem_available_kib = 1000 * LIMITS_NODE_KIB;
	limits_judge(&f, 200 + 500, 512, &r);
	CHECK_ITEM(&r, "mem_available_kib", LIMIT_OK, 1000 * LIMITS_NODE_KIB,
		   500 * LIMITS_NODE_KIB);
	limits_judge(&f, 200 + 501, 512, &r);
	CHECK_ITEM(&r, "mem_available_kib", LIMIT_WARN, 1000 * LIMITS_NODE_KIB,
		   501 * LIMITS_NODE_KIB);
	limits_judge(&f, 200 + 800, 512, &r);
	CHECK_ITEM(&r, "mem_available_kib", LIMIT_WARN, 1000 * LIMITS_NODE_KIB,
		   800 * LIMITS_NODE_KIB);
	limits_judge(&f, 200 + 801, 512, &r);
	CHECK_ITEM(&r, "mem_available_kib", LIMIT_FAIL, 1000 * LIMITS_NODE_KIB,
		   801 * LIMITS_NODE_KIB);
	CHECK(!limits_all_tunable(&r));
	/* Fewer than exist already: nothing more to pay. */
	limits_judge(&f, 100, 512, &r);
	CHECK_ITEM(&r, "mem_available_kib", LIMIT_OK, 1000 * LIMITS_NODE_KIB, 0);
}

static void test_bpf_and_files(void)
{
	struct host_facts f;
	struct limit_report r;

	default_host(&f);
	f.bpffs = 0;
	f.btf = false;
	f.nofile_soft = 64;
	limits_judge(&f, 10, 512, &r);
	CHECK(!limits_failed(&r));
	CHECK_ITEM(&r, "bpffs", LIMIT_WARN, 0, 1);
	CHECK_ITEM(&r, "btf", LIMIT_WARN, 0, 1);
	/* A low soft limit is raised by add-node itself: the hard limit decides. */
	CHECK_ITEM(&r, "rlimit_nofile", LIMIT_OK, 64, LIMITS_NOFILE_NEEDED);
	f.nofile_hard = 100; /* smaller batches */
	limits_judge(&f, 10, 512, &r);
	CHECK_ITEM(&r, "rlimit_nofile", LIMIT_WARN, 64, LIMITS_NOFILE_NEEDED);
	CHECK_EQ_STR(item(&r, "rlimit_nofile")->fix, "ulimit -n 1024");
	f.nofile_hard = 20; /* not even one node */
	limits_judge(&f, 10, 512, &r);
	CHECK_ITEM(&r, "rlimit_nofile", LIMIT_FAIL, 64, LIMITS_NOFILE_NEEDED);
	CHECK(!limits_all_tunable(&r));
	f.nofile_hard = 4096;
	f.bpffs = -1;
	f.bpf_load = -EPERM;
	limits_judge(&f, 10, 512, &r);
	CHECK_ITEM(&r, "bpffs", LIMIT_FAIL, 0, 1);
	CHECK_ITEM(&r, "bpf_prog_load", LIMIT_FAIL, 0, 1);
	CHECK(!limits_all_tunable(&r));
}

static void test_forward_policy(void)
{
	struct host_facts f;
	struct limit_report r;
	const struct host_limit *l;

	default_host(&f);
	/* iptables(-nft) FORWARD policy DROP with br_netfilter: broken fabric. */
	f.forward = FORWARD_DROP;
	snprintf(f.forward_chain, sizeof(f.forward_chain), "nft ip filter FORWARD");
	limits_judge(&f, 10, 512, &r);
	CHECK_ITEM(&r, "forward_policy", LIMIT_FAIL, 0, 1);
	l = item(&r, "forward_policy");
	if (l) {
		CHECK(!l->tunable);
		CHECK_EQ_STR(l->fix,
			     "iptables -I FORWARD -m physdev --physdev-is-bridged -j ACCEPT");
		CHECK(strstr(l->what, "nft ip filter FORWARD") != NULL);
	}
	CHECK_EQ_STR(item(&r, "net.bridge.bridge-nf-call-iptables")->fix,
		     "sysctl -w net.bridge.bridge-nf-call-iptables=0");
	/* Without br_netfilter an ip chain never sees bridged frames... */
	f.bridge_nf_call_iptables = 0;
	limits_judge(&f, 10, 512, &r);
	CHECK_ITEM(&r, "forward_policy", LIMIT_OK, 0, 1);
	/* ...but a bridge-family chain does. */
	snprintf(f.forward_chain, sizeof(f.forward_chain), "nft bridge b fw");
	limits_judge(&f, 10, 512, &r);
	CHECK_ITEM(&r, "forward_policy", LIMIT_FAIL, 0, 1);
	CHECK_EQ_STR(item(&r, "forward_policy")->fix,
		     "nft insert rule bridge b fw iifname \"FABRIC-*\" accept");
	/* Unknown policy: a warning only when bridged traffic passes iptables. */
	f.forward = FORWARD_UNKNOWN;
	f.bridge_nf_call_iptables = 1;
	limits_judge(&f, 10, 512, &r);
	CHECK_ITEM(&r, "forward_policy", LIMIT_WARN, 1, 1);
	f.bridge_nf_call_iptables = -1;
	limits_judge(&f, 10, 512, &r);
	CHECK_ITEM(&r, "forward_policy", LIMIT_OK, 1, 1);
}

static void test_unreadable_sysctl(void)
{
	struct host_facts f;
	struct limit_report r;
	const struct host_limit *l;

	default_host(&f);
	f.arp_gc_thresh[2] = -1; /* e.g. inside a child namespace */
	limits_judge(&f, 5000, 512, &r);
	l = item(&r, "net.ipv4.neigh.default.gc_thresh3");
	CHECK(l && l->severity == LIMIT_WARN && !l->tunable);
	CHECK(l && strstr(l->what, "cannot read") != NULL);
	CHECK_ITEM(&r, "net.ipv6.neigh.default.gc_thresh3", LIMIT_OK, 1024, 0);
	/* A host already near its IPv6 limit is worth a word. */
	f.nd_entries = 1000;
	limits_judge(&f, 5, 512, &r);
	CHECK_ITEM(&r, "net.ipv6.neigh.default.gc_thresh3", LIMIT_WARN, 1024, 1128);
	CHECK(r.n <= LIMITS_MAX);
	CHECK_EQ_STR(limit_severity_name(LIMIT_WARN), "warn");
}

static void test_refusal_message(void)
{
	struct host_facts f;
	struct limit_report r;

	default_host(&f);
	limits_judge(&f, 1000, 512, &r);
	fail_clear();
	CHECK_EQ_INT(limits_refuse(&r, 1000), -ERANGE);
	CHECK(fail_message() != NULL);
	CHECK(fail_message() && strstr(fail_message(), "net.ipv4.neigh.default.gc_thresh3 is 1024, "
						       "needs 2256 (`sysctl -w "
						       "net.ipv4.neigh.default.gc_thresh3=2256`)"));
	/* Warnings are not reasons to refuse. */
	CHECK(fail_message() && !strstr(fail_message(), "gc_thresh2"));
	fail_clear();
}

int main(void)
{
	test_small_fabric_passes();
	test_default_host_at_1000();
	test_tuned_host_at_10000();
	test_big_cells();
	test_namespaces_and_memory();
	test_bpf_and_files();
	test_forward_policy();
	test_unreadable_sysctl();
	test_refusal_message();
	return unit_summary("test_limits");
}
