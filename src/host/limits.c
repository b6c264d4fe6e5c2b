// SPDX-License-Identifier: GPL-2.0-only
/*
 * The limits judgement, from the host's facts alone. For N nodes in cells
 * of S slots:
 *  - a cell's bridge holds min(N, S - 3) node ports + 1 router leg; the
 *    kernel takes BR_MAX_PORTS = 1024;
 *  - one broadcast (ARP) is flooded to every port of the cell at once, all
 *    queued on one CPU's backlog: netdev_max_backlog below the port count
 *    drops part of every flood (nodes become silently unreachable); we
 *    want the ports plus a margin of 64 for the other traffic of that CPU;
 *  - the ARP table is one for all namespaces: 2 entries per node (the node's
 *    for its gateway, the gateway's for the node) + 256 for the host and
 *    node-to-node traffic. gc_thresh3 is the hard limit ("neighbor table
 *    overflow"): FAIL. Above gc_thresh2, entries idle for 5 s are evicted on
 *    every new entry, so a fabric that outgrows it re-ARPs constantly: WARN.
 *    gc_thresh1 only says below how many entries the periodic GC rests;
 *    idle entries it removes are re-resolved by one ARP: never needed;
 *  - an IPv4-only fabric's links carry no IPv6, so the IPv6 table does not
 *    grow with N; fabrics with IPv6 are judged by limits_judge_ipv6();
 *  - every node is a network namespace, plus one router per fabric;
 *  - LIMITS_NODE_KIB of kernel memory per node not made yet.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/errors.h"
#include "host/limits.h"

#define ARP_MARGIN 256 /* host entries and node-to-node traffic */
#define ARP_SOFT_MARGIN 128
#define BACKLOG_MARGIN 64     /* the CPU's other traffic during a flood */
#define NOFILE_SUGGESTED 1024 /* the usual soft limit, below every hard one */

static struct host_limit *add_item(struct limit_report *r, const char *name, uint64_t current,
				   uint64_t needed, enum limit_severity sev, bool tunable)
{
	struct host_limit *l;

	if (r->n == LIMITS_MAX)
		return NULL;
	l = &r->items[r->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->current = current;
	l->needed = needed;
	l->severity = sev;
	l->tunable = tunable;
	return l;
}

static void item_text(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void item_text(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

#define WHAT(l, ...)                                                                               \
	do {                                                                                       \
		if (l)                                                                             \
			item_text((l)->what, sizeof((l)->what), __VA_ARGS__);                      \
	} while (0)
#define FIX(l, ...)                                                                                \
	do {                                                                                       \
		if (l)                                                                             \
			item_text((l)->fix, sizeof((l)->fix), __VA_ARGS__);                        \
	} while (0)

/* A sysctl item: FAIL/WARN below @needed (per @sev_low), the fix sets @needed. */
static struct host_limit *sysctl_item(struct limit_report *r, const char *name, int64_t current,
				      uint64_t needed, enum limit_severity sev_low)
{
	struct host_limit *l;

	if (current < 0) {
		l = add_item(r, name, 0, needed, LIMIT_WARN, false);
		WHAT(l, "cannot read /proc/sys for %s", name);
		return l;
	}
	l = add_item(r, name, (uint64_t)current, needed,
		     (uint64_t)current < needed ? sev_low : LIMIT_OK, true);
	if (l && l->severity != LIMIT_OK)
		FIX(l, "sysctl -w %s=%" PRIu64, name, needed);
	return l;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

void limits_judge(const struct host_facts *f, uint64_t n_nodes, uint32_t cell_size,
		  struct limit_report *r)
{
	uint64_t cell_nodes = cell_size > 3 ? cell_size - 3 : 1;
	uint64_t per_cell = n_nodes < cell_nodes ? n_nodes : cell_nodes;
	uint64_t ports = per_cell + 1; /* + the router leg (the gateway, in one cell) */
	uint64_t cells = n_nodes ? div_up(n_nodes, cell_nodes) : 0;
	enum limit_severity sev;
	struct host_limit *l;
	uint64_t need;

	memset(r, 0, sizeof(*r));

	/* Bridge ports: a kernel constant, fixed only by smaller cells. */
	l = add_item(r, "bridge_ports", LIMITS_BR_MAX_PORTS, ports,
		     ports > LIMITS_BR_MAX_PORTS ? LIMIT_FAIL : LIMIT_OK, false);
	WHAT(l, "a cell's bridge takes %" PRIu64 " ports (%" PRIu64 " cell%s); the kernel takes %u",
	     ports, cells, cells == 1 ? "" : "s", LIMITS_BR_MAX_PORTS);
	if (l && l->severity == LIMIT_FAIL)
		FIX(l, "fabricctl create FABRIC --cell-size %u", LIMITS_BR_MAX_PORTS);

	/* Backlog: one flood per broadcast, all on one CPU. */
	need = ports + BACKLOG_MARGIN;
	l = sysctl_item(r, "net.core.netdev_max_backlog", f->netdev_max_backlog, need, LIMIT_WARN);
	if (l && f->netdev_max_backlog >= 0 && (uint64_t)f->netdev_max_backlog < ports)
		l->severity = LIMIT_FAIL;
	if (l && f->netdev_max_backlog >= 0)
		WHAT(l, "one ARP broadcast is queued %" PRIu64 " times on one CPU; %s", ports,
		     l->severity == LIMIT_FAIL	 ? "the rest of the flood is dropped"
		     : l->severity == LIMIT_WARN ? "little room for other traffic"
						 : "fits with room to spare");

	/* IPv4 neighbour table, global across namespaces. */
	need = 2 * n_nodes + ARP_MARGIN;
	l = sysctl_item(r, "net.ipv4.neigh.default.gc_thresh3", f->arp_gc_thresh[2], need,
			LIMIT_FAIL);
	if (l && f->arp_gc_thresh[2] >= 0)
		WHAT(l,
		     "hard limit of ARP entries in all namespaces: 2 per node + %d (%" PRIu64
		     " in use now)%s",
		     ARP_MARGIN, f->arp_entries,
		     l->severity == LIMIT_FAIL ? "; beyond it \"neighbor table overflow\"" : "");
	need = 2 * n_nodes + ARP_SOFT_MARGIN;
	l = sysctl_item(r, "net.ipv4.neigh.default.gc_thresh2", f->arp_gc_thresh[1], need,
			LIMIT_WARN);
	if (l && f->arp_gc_thresh[1] >= 0)
		WHAT(l, "soft limit: above it, ARP entries idle for 5 s are evicted and "
			"re-resolved");
	l = add_item(r, "net.ipv4.neigh.default.gc_thresh1",
		     f->arp_gc_thresh[0] < 0 ? 0 : (uint64_t)f->arp_gc_thresh[0], 0, LIMIT_OK,
		     false);
	WHAT(l, "below it the periodic GC rests; entries it removes cost one ARP: "
		"no need to raise");

	/* IPv6: fabric links carry none. */
	l = add_item(r, "net.ipv6.neigh.default.gc_thresh3",
		     f->nd_gc_thresh[2] < 0 ? 0 : (uint64_t)f->nd_gc_thresh[2], 0, LIMIT_OK, false);
	if (l && f->nd_gc_thresh[2] >= 0 &&
	    f->nd_entries + ARP_SOFT_MARGIN > (uint64_t)f->nd_gc_thresh[2]) {
		l->severity = LIMIT_WARN;
		l->needed = f->nd_entries + ARP_SOFT_MARGIN;
		WHAT(l,
		     "fabric links carry no IPv6, but the host already holds %" PRIu64
		     " IPv6 neighbours",
		     f->nd_entries);
		FIX(l, "sysctl -w net.ipv6.neigh.default.gc_thresh3=%" PRIu64, l->needed);
	} else {
		WHAT(l,
		     "fabric links carry no IPv6: the IPv6 table does not grow with the fabric "
		     "(%" PRIu64 " entries now)",
		     f->nd_entries);
	}

	/* Namespaces: every node, one router per fabric, the host's others. */
	uint64_t other_netns =
		f->named_netns > f->fabric_nodes ? f->named_netns - f->fabric_nodes : 0;
	need = n_nodes + other_netns + (f->fabrics ? f->fabrics : 1);
	l = sysctl_item(r, "user.max_net_namespaces", f->max_net_namespaces, need, LIMIT_FAIL);
	if (l && f->max_net_namespaces >= 0)
		WHAT(l,
		     "one namespace per node and per fabric router, besides %" PRIu64
		     " other named namespaces",
		     other_netns);

	/* Our own file descriptors. */
	/*
	 * Our own file descriptors: add-node raises its soft limit up to the
	 * hard one itself; below what a batch of 64 needs it makes smaller
	 * batches (slower); below what one node needs it cannot add at all.
	 */
	sev = f->nofile_hard < LIMITS_NOFILE_MIN      ? LIMIT_FAIL
	      : f->nofile_hard < LIMITS_NOFILE_NEEDED ? LIMIT_WARN
						      : LIMIT_OK;
	l = add_item(r, "rlimit_nofile", f->nofile_soft, LIMITS_NOFILE_NEEDED, sev, false);
	WHAT(l, "%s",
	     sev == LIMIT_OK	 ? "two batches of 64 nodes in flight hold 288 files; add-node "
				   "raises its soft limit to that itself"
	     : sev == LIMIT_WARN ? "the hard limit is below the 288 files of two batches of 64 "
				   "nodes: "
				   "add-node makes smaller batches (slower)"
				 : "the hard limit is below the 36 files one node needs: add-node "
				   "cannot add nodes");
	if (l && sev != LIMIT_OK)
		FIX(l, "ulimit -n %u", NOFILE_SUGGESTED);

	/* Kernel memory for the nodes not made yet. */
	uint64_t to_make = n_nodes > f->fabric_nodes ? n_nodes - f->fabric_nodes : 0;
	need = to_make * LIMITS_NODE_KIB;
	sev = LIMIT_OK;
	if (need * 10 > f->mem_available_kib * 8)
		sev = LIMIT_FAIL;
	else if (need * 2 > f->mem_available_kib)
		sev = LIMIT_WARN;
	l = add_item(r, "mem_available_kib", f->mem_available_kib, need, sev, false);
	WHAT(l, "%" PRIu64 " more node%s at %u KiB of kernel memory each%s", to_make,
	     to_make == 1 ? "" : "s", LIMITS_NODE_KIB,
	     sev == LIMIT_FAIL	 ? ": more than 80% of MemAvailable"
	     : sev == LIMIT_WARN ? ": more than half of MemAvailable"
				 : "");
	if (sev == LIMIT_FAIL)
		FIX(l, "free memory, or stay at %" PRIu64 " nodes in total (80%% of MemAvailable)",
		    f->fabric_nodes + f->mem_available_kib * 8 / 10 / LIMITS_NODE_KIB);

	/* BPF. */
	l = add_item(r, "bpffs", f->bpffs == 1, 1,
		     f->bpffs == 1   ? LIMIT_OK
		     : f->bpffs == 0 ? LIMIT_WARN
				     : LIMIT_FAIL,
		     false);
	WHAT(l, "%s",
	     f->bpffs == 1   ? "bpffs is mounted at /sys/fs/bpf"
	     : f->bpffs == 0 ? "bpffs is not mounted at /sys/fs/bpf; create mounts it"
			     : "no /sys/fs/bpf directory to pin the counters in");
	if (l && f->bpffs == 0)
		FIX(l, "mount -t bpf bpf /sys/fs/bpf");
	else if (l && f->bpffs < 0)
		FIX(l, "mount -t sysfs sysfs /sys");

	l = add_item(r, "bpf_prog_load", f->bpf_load == 0, 1,
		     f->bpf_load == 0 ? LIMIT_OK : LIMIT_FAIL, false);
	if (f->bpf_load == 0)
		WHAT(l, "a BPF program loads");
	else
		WHAT(l, "loading a BPF program fails: %s", strerror(-f->bpf_load));
	if (l && f->bpf_load == -EPERM)
		FIX(l, "run as root (CAP_BPF, CAP_NET_ADMIN), or "
		       "sysctl -w kernel.unprivileged_bpf_disabled=0");
	else if (l && f->bpf_load)
		FIX(l, "use a kernel built with CONFIG_BPF_SYSCALL");

	l = add_item(r, "btf", f->btf, 1, f->btf ? LIMIT_OK : LIMIT_WARN, false);
	WHAT(l, "%s",
	     f->btf ? "kernel BTF at /sys/kernel/btf/vmlinux"
		    : "no /sys/kernel/btf/vmlinux: BPF error messages are less precise");
	if (l && !f->btf)
		FIX(l, "use a kernel built with CONFIG_DEBUG_INFO_BTF");

	/* Bridged traffic through the host's netfilter. */
	bool nf = f->bridge_nf_call_iptables == 1;
	if (f->forward == FORWARD_DROP) {
		/* A bridge-family chain drops even without br_netfilter. */
		bool bridge_chain = !strncmp(f->forward_chain, "nft bridge", 10);

		sev = nf || bridge_chain ? LIMIT_FAIL : LIMIT_OK;
	} else if (f->forward == FORWARD_UNKNOWN) {
		sev = nf ? LIMIT_WARN : LIMIT_OK;
	} else {
		sev = LIMIT_OK;
	}
	l = add_item(r, "forward_policy", f->forward != FORWARD_DROP, 1, sev, false);
	if (f->forward == FORWARD_DROP)
		WHAT(l, "%s has policy drop%s", f->forward_chain,
		     sev == LIMIT_FAIL ? ": bridged fabric traffic is dropped"
				       : " (bridged traffic does not pass it)");
	else if (f->forward == FORWARD_UNKNOWN)
		WHAT(l, "cannot read the host's FORWARD policy; a drop there breaks the fabric");
	else
		WHAT(l, "no forward chain drops by policy");
	if (l && sev != LIMIT_OK && !strncmp(f->forward_chain, "nft ", 4) &&
	    strcmp(f->forward_chain, "nft ip filter FORWARD"))
		/* A native nft chain: host veths and bridges are all FABRIC-*. */
		FIX(l, "nft insert rule %s iifname \"FABRIC-*\" accept", f->forward_chain + 4);
	else if (l && sev != LIMIT_OK)
		FIX(l, "iptables -I FORWARD -m physdev --physdev-is-bridged -j ACCEPT");

	l = add_item(r, "net.bridge.bridge-nf-call-iptables",
		     f->bridge_nf_call_iptables < 0 ? 0 : (uint64_t)f->bridge_nf_call_iptables, 0,
		     LIMIT_OK, false);
	if (f->bridge_nf_call_iptables < 0)
		WHAT(l, "br_netfilter is not loaded: bridged traffic skips iptables");
	else if (nf)
		WHAT(l, "bridged fabric traffic passes iptables FORWARD "
			"(slower; rules there apply)");
	else
		WHAT(l, "bridged traffic skips iptables");
	if (l && nf && sev != LIMIT_OK)
		FIX(l, "sysctl -w net.bridge.bridge-nf-call-iptables=0");

	l = add_item(r, "net.ipv4.ip_forward", f->ip_forward < 0 ? 0 : (uint64_t)f->ip_forward, 0,
		     LIMIT_OK, false);
	WHAT(l, "the host's own forwarding: fabricctl never changes it; cells route in the "
		"fabric's router namespace");
}

int limits_refuse(const struct limit_report *r, uint64_t n_total)
{
	char text[1200];
	size_t len = 0;

	for (size_t i = 0; i < r->n && len < sizeof(text); i++) {
		const struct host_limit *l = &r->items[i];

		if (l->severity != LIMIT_FAIL)
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s%s is %" PRIu64 ", needs %" PRIu64 " (`%s`)",
					len ? "; " : "", l->name, l->current, l->needed,
					l->fix[0] ? l->fix : "no fix");
	}
	return fail_msg(-ERANGE,
			"%" PRIu64 " nodes in all would overrun this host's limits: %s; create "
			"the fabric with --tune to raise the sysctls, or see `fabricctl doctor "
			"--nodes %" PRIu64 "`",
			n_total, text, n_total);
}

bool limits_failed(const struct limit_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].severity == LIMIT_FAIL)
			return true;
	return false;
}

bool limits_all_tunable(const struct limit_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].severity == LIMIT_FAIL && !r->items[i].tunable)
			return false;
	return true;
}

const struct host_limit *limits_find(const struct limit_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->items[i].name, name))
			return &r->items[i];
	return NULL;
}

const char *limit_severity_name(enum limit_severity s)
{
	return s == LIMIT_FAIL ? "fail" : s == LIMIT_WARN ? "warn" : "ok";
}

#define ROUTE6_MARGIN 1024 /* the host's own routes and the routers' cached ones */

void limits_judge_ipv6(const struct host_facts *f, uint64_t n6, struct limit_report *r)
{
	struct host_limit *l = NULL;
	uint64_t need;

	if (!n6)
		return;
	/* The IPv4 fabrics' verdict on the IPv6 table goes: this one replaces it. */
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->items[i].name, "net.ipv6.neigh.default.gc_thresh3")) {
			memmove(&r->items[i], &r->items[i + 1],
				(r->n - i - 1) * sizeof(r->items[0]));
			r->n--;
			break;
		}
	need = 2 * n6 + ARP_MARGIN;
	l = sysctl_item(r, "net.ipv6.neigh.default.gc_thresh3", f->nd_gc_thresh[2], need,
			LIMIT_FAIL);
	if (l && f->nd_gc_thresh[2] >= 0)
		WHAT(l,
		     "hard limit of IPv6 neighbours in all namespaces: 2 per IPv6 node (%" PRIu64
		     ") + %d (%" PRIu64 " in use now)%s",
		     n6, ARP_MARGIN, f->nd_entries,
		     l->severity == LIMIT_FAIL ? "; beyond it \"neighbor table overflow\"" : "");
	need = 2 * n6 + ARP_SOFT_MARGIN;
	l = sysctl_item(r, "net.ipv6.neigh.default.gc_thresh2", f->nd_gc_thresh[1], need,
			LIMIT_WARN);
	if (l && f->nd_gc_thresh[1] >= 0)
		WHAT(l, "soft limit: above it, IPv6 neighbours idle for 5 s are evicted and "
			"solicited again");
	need = n6 + ROUTE6_MARGIN;
	l = sysctl_item(r, "net.ipv6.route.max_size", f->ip6_route_max_size, need, LIMIT_WARN);
	if (l && f->ip6_route_max_size >= 0)
		WHAT(l,
		     "IPv6 routes cached per namespace (the fabric's router holds one per node it "
		     "reaches); kernels since 6.3 no longer enforce it");
}
