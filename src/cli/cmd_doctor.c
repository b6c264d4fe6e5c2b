// SPDX-License-Identifier: GPL-2.0-only
/* doctor: this host's limits, judged for a fabric size, with the fixes. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/errors.h"
#include "base/units.h"
#include "cli/cmd_common.h"
#include "cli/commands.h"
#include "fabric/admission.h"
#include "fabric/ipam.h"
#include "host/drop_advice.h"
#include "stats/observe.h"
#include "fabric/site.h"

#define DOCTOR_DEFAULT_NODES 1000
#define DOCTOR_MAX_NODES (1u << 24)

static const char doctor_help[] =
	"Usage: fabricctl doctor [--nodes N] [--cell-size S] [--ipv6]\n"
	"\n"
	"Read the limits of this host that decide how far fabrics can grow, judge them\n"
	"for N nodes in total (all fabrics together) in cells of S slots, and say what\n"
	"will fail and the exact command that fixes each problem. Nothing is changed.\n"
	"\n"
	"  --nodes N       nodes in total, existing ones included (default 1000)\n"
	"  --ipv6          the N nodes are dual-stack: judge the IPv6 neighbour table\n"
	"                  (gc_thresh2/3) and net.ipv6.route.max_size for them too\n"
	"                  (without it: for the nodes of existing IPv6 fabrics)\n"
	"  --cell-size S   slots per cell, a power of two from 64 to 1024 as create\n"
	"                  takes it (default 512): a cell's bridge holds S-3 nodes and\n"
	"                  one router leg\n"
	"\n"
	"Limits (LIMIT column; with -j the \"name\" key):\n"
	"  bridge_ports                       ports of a cell's bridge; the kernel takes\n"
	"                                     1024 (more fail with \"exchange full\")\n"
	"  net.core.netdev_max_backlog        one ARP broadcast is queued once per port\n"
	"                                     of its cell on one CPU: below the port\n"
	"                                     count part of every flood is dropped;\n"
	"                                     needed: ports + 64\n"
	"  net.ipv4.neigh.default.gc_thresh3  ARP entries of all namespaces together:\n"
	"                                     2 per node + 256; beyond it \"neighbor\n"
	"                                     table overflow\" and lost packets\n"
	"  net.ipv4.neigh.default.gc_thresh2  2 per node + 128; above it idle entries\n"
	"                                     are evicted every 5 s and re-resolved\n"
	"  net.ipv4.neigh.default.gc_thresh1  shown only: never needs raising\n"
	"  net.ipv6.neigh.default.gc_thresh3  fabric links carry no IPv6; warns only\n"
	"                                     when the host's own table is near it\n"
	"  user.max_net_namespaces            one per node, one router per fabric, and\n"
	"                                     the host's other named namespaces\n"
	"  rlimit_nofile                      fabricctl's own open files (batches of 64)\n"
	"  mem_available_kib                  kernel memory of the nodes still to make,\n"
	"                                     384 KiB each: fails above 80% of\n"
	"                                     MemAvailable, warns above 50%\n"
	"  bpffs, bpf_prog_load, btf          where counters are pinned; whether BPF\n"
	"                                     loads; kernel BTF\n"
	"  forward_policy                     a forward chain with policy drop (nftables\n"
	"                                     ip/inet/bridge, or legacy iptables) drops\n"
	"                                     bridged fabric traffic when\n"
	"                                     bridge-nf-call-iptables is 1\n"
	"  net.bridge.bridge-nf-call-iptables 1 when br_netfilter sends bridged traffic\n"
	"                                     through iptables\n"
	"  net.ipv4.ip_forward                shown only: fabricctl never changes it\n"
	"  vxlan, frr                         a fabric over hosts (create with a site)\n"
	"                                     needs the VXLAN driver and FRR running with\n"
	"                                     zebra -n; warn when no such fabric exists\n"
	"  frr_netns                          the namespaces zebra -n sees (current):\n"
	"                                     ok when only the routers (its /run/netns is\n"
	"                                     /run/fabricctl/.frr-netns), warn when all\n"
	"  bgp_sessions                       with such a fabric: its BGP EVPN sessions\n"
	"                                     Established (current) of those configured\n"
	"\n"
	"STATUS is ok, warn (works, worth knowing) or fail (this size will fail or\n"
	"misbehave); the fix is printed under each item that is not ok. Sysctls marked\n"
	"tunable are the ones `fabricctl create --tune` raises for its fabric,\n"
	"recording the previous values, which `destroy` puts back.\n"
	"\n"
	"With -j: {\"nodes\": N, \"cell_size\": S, \"ok\": BOOL, \"tunable\": BOOL,\n"
	"\"limits\": [{\"name\", \"current\", \"needed\", \"status\", \"tunable\", \"what\",\n"
	"\"fix\"}]} where \"tunable\" at the top says `create --tune` fixes every failure.\n"
	"\n"
	"Drops: when fabrics exist, their drop counters (`stats --drops`) are read,\n"
	"and reasons that point at a host limit are listed with the fix (with -j:\n"
	"\"drops\": [{\"fabric\", \"reason\", \"packets\", \"nodes\", \"limit\", \"what\",\n"
	"\"fix\"}]): CPU_BACKLOG (net.core.netdev_max_backlog), NEIGH_CREATEFAIL and\n"
	"NEIGH_FAILED (neighbour table, gc_thresh3), NEIGH_QUEUEFULL\n"
	"(unres_qlen_bytes), SOCKET_RCVBUFF (receive buffers). They warn only: the\n"
	"exit status is the limits'.\n"
	"\n"
	"Exit status: 0 when nothing fails, 1 when something does, 2 usage error.\n"
	"\n"
	"Example: fabricctl doctor --nodes 10000\n";

/* Items whose value is yes/no rather than a number. */
static bool is_flag(const char *name)
{
	return !strcmp(name, "bpffs") || !strcmp(name, "bpf_prog_load") || !strcmp(name, "btf") ||
	       !strcmp(name, "forward_policy") || !strcmp(name, "vxlan") || !strcmp(name, "frr");
}

static void print_value(char *buf, size_t size, const struct host_limit *l, uint64_t v, bool needed)
{
	if (!strcmp(l->name, "forward_policy"))
		snprintf(buf, size, "%s", v ? "accept" : "drop");
	else if (is_flag(l->name))
		snprintf(buf, size, "%s", v ? "yes" : "no");
	else if (needed && v == 0)
		snprintf(buf, size, "-");
	else if (!strcmp(l->name, "mem_available_kib"))
		format_bytes(v * 1024, buf, size);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

/*
 * Drops the fabrics' counters saw for a reason that points at a host limit
 * (host/drop_advice.h): each with the limit and the fix. Returns how many.
 */
static size_t print_drops(struct printer *p, const struct stats_drop_sum *d, size_t n)
{
	size_t shown = 0;

	print_open_array(p, "drops");
	for (size_t i = 0; i < n; i++) {
		const struct drop_advice *a = drop_advice_find(d[i].reason);

		if (!a || !d[i].packets)
			continue;
		if (!shown++)
			print_text(p,
				   "\ndrops that point at a host limit (counted since each "
				   "fabric was created):\n%-16s %-20s %12s %6s\n",
				   "FABRIC", "REASON", "PACKETS", "NODES");
		print_open_object(p, NULL);
		print_string(p, "fabric", "%-16s ", d[i].fabric);
		print_string(p, "reason", "%-20s ", d[i].reason);
		print_uint(p, "packets", "%12s ", d[i].packets);
		print_uint(p, "nodes", "%6s\n", d[i].nodes);
		print_string(p, "limit", "    limit: %s\n", a->limit);
		print_string(p, "what", "    %s\n", a->what);
		print_string(p, "fix", "    fix: %s\n", a->fix);
		print_close_object(p);
	}
	print_close_array(p);
	return shown;
}

static void print_report(const struct limit_report *r, uint64_t nodes, uint32_t cell_size,
			 const struct stats_drop_sum *drops, size_t n_drops)
{
	struct printer p;

	cli_printer(&p);
	print_open_object(&p, NULL);
	print_uint(&p, "nodes", NULL, nodes);
	print_uint(&p, "cell_size", NULL, cell_size);
	print_bool(&p, "ok", NULL, !limits_failed(r));
	print_bool(&p, "tunable", NULL, limits_all_tunable(r));
	print_text(&p, "%-35s %10s %10s  %s\n", "LIMIT", "CURRENT", "NEEDED", "STATUS");
	print_open_array(&p, "limits");
	for (size_t i = 0; i < r->n; i++) {
		const struct host_limit *l = &r->items[i];
		bool ok = l->severity == LIMIT_OK;
		char cur[32], need[32];

		print_value(cur, sizeof(cur), l, l->current, false);
		print_value(need, sizeof(need), l, l->needed, true);
		print_open_object(&p, NULL);
		print_string(&p, "name", "%-35s ", l->name);
		print_uint_as(&p, "current", l->current, "%10s ", cur);
		print_uint_as(&p, "needed", l->needed, "%10s  ", need);
		print_string(&p, "status", "%s", limit_severity_name(l->severity));
		print_bool(&p, "tunable", NULL, l->tunable);
		print_text(&p, "%s\n", !ok && l->tunable ? " (tunable)" : "");
		print_string(&p, "what", ok ? NULL : "    %s\n", l->what);
		print_string(&p, "fix", ok || !l->fix[0] ? NULL : "    fix: %s\n", l->fix);
		print_close_object(&p);
	}
	print_close_array(&p);
	print_drops(&p, drops, n_drops);
	print_close_object(&p);
	print_end(&p);
}

struct doctor_opts {
	unsigned long nodes;
	uint32_t cell;
	bool ipv6;
};

static int doctor_option(int c, const char *arg, void *ctx)
{
	struct doctor_opts *o = ctx;

	switch (c) {
	case 'n':
		return cmd_parse_ulong(arg, "node count", 1, DOCTOR_MAX_NODES, &o->nodes);
	case 'c':
		return cell_size_parse(arg, "--cell-size", &o->cell);
	case '6':
		o->ipv6 = true;
		return 0;
	}
	return -EUSAGE;
}

int cmd_doctor(int argc, char **argv)
{
	static const struct option opts[] = {
		{"nodes", required_argument, NULL, 'n'},
		{"cell-size", required_argument, NULL, 'c'},
		{"ipv6", no_argument, NULL, '6'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct doctor_opts o = {DOCTOR_DEFAULT_NODES, CELL_DEFAULT_SIZE, false};
	struct stats_drop_sum *drops = NULL;
	struct limit_report r;
	struct host_facts f;
	size_t n_drops = 0;
	size_t fails = 0, tunable = 0;
	int first, err;

	err = cmd_parse(argc, argv, doctor_help, "", opts, doctor_option, &o, &first);
	if (err)
		return err > 0 ? 0 : err;
	if (first != argc)
		return fail_usage("doctor takes no arguments; see `fabricctl doctor --help`");
	err = fabric_host_facts(&f);
	if (err)
		return err;
	limits_judge(&f, o.nodes, o.cell, &r);
	limits_judge_ipv6(&f, o.ipv6 ? o.nodes : f.fabric_nodes6, &r);
	site_doctor(&r);
	for (size_t i = 0; i < r.n; i++) {
		if (r.items[i].severity != LIMIT_FAIL)
			continue;
		fails++;
		tunable += r.items[i].tunable;
	}
	/* The fabrics' drops: unreadable ones (not root, no pins) are just not shown. */
	if (stats_drop_summary(&drops, &n_drops))
		fail_clear();
	print_report(&r, o.nodes, o.cell, drops, n_drops);
	free(drops);
	if (!cli_out.json) {
		if (!fails)
			printf("\nthis host can run %lu nodes in cells of %" PRIu32 "\n", o.nodes,
			       o.cell);
		else if (tunable == fails)
			printf("\n%lu nodes will fail: %zu problem%s; fixes above, or "
			       "`fabricctl create --tune` fixes them all\n",
			       o.nodes, fails, fails == 1 ? "" : "s");
		else if (tunable)
			printf("\n%lu nodes will fail: %zu problem%s; fixes above "
			       "(`fabricctl create --tune` fixes %zu of them)\n",
			       o.nodes, fails, fails == 1 ? "" : "s", tunable);
		else
			printf("\n%lu nodes will fail: %zu problem%s; fixes above "
			       "(none that `fabricctl create --tune` can make)\n",
			       o.nodes, fails, fails == 1 ? "" : "s");
	}
	if (!fails)
		return 0;
	/* With -j the report is the whole answer (one JSON document). */
	if (cli_out.json)
		return -EREPORTED;
	return fail_msg(-ERANGE, "%lu nodes will fail on this host: %zu problem%s", o.nodes, fails,
			fails == 1 ? "" : "s");
}
